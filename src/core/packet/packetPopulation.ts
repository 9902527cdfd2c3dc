import { CustodianError } from '../../shared/errors';
import type { PacketScope } from '../../shared/packet/packetScope';
import { DEFAULT_POLICIES } from '../../shared/records/maskingPolicy';
import type { FieldOf, MaskingPolicy, RecordKind } from '../../shared/records/maskingPolicy';
import { loadCached } from '../compliance/complianceReport';
import { ReportEvaluation, yieldToLoop } from '../compliance/reportEvaluation';
import { readinessScore } from '../compliance/readinessScore';
import type { ReadinessScore } from '../compliance/readinessScore';
import { listFrameworks } from '../compliance/requirementStore';
import type { StoredRequirement } from '../compliance/requirementStore';
import { evaluatePair } from '../compliance/statusEngine';
import type { EnginePerson, PersonScope } from '../compliance/statusEngine';
import type { ReadableDb } from '../db/database';
import { dueOnAsShown } from '../records/dueOnAsShown';
import { DROPPED, projectField } from '../records/projectField';
import type { VaultSession } from '../vault/vaultSession';
import type { StatusRow } from './packetModel';

/** A status row before sampling and evidence: what the engine said, as the audience sees it. */
export type PopulationRow = Omit<StatusRow, 'evidenceIds' | 'sampled'> & { completionId: string | null };

export interface Population {
  frameworks: { id: string; title: string }[];
  requirements: StoredRequirement[];
  /** (person, requirement) pairs the requirement concerns on the period's end: applicable, or not for a reason other than scope. Sorted by requirement, then record id. */
  rows: PopulationRow[];
  readiness: { overall: ReadinessScore; frameworks: { id: string; title: string; readiness: ReadinessScore }[] };
  policy: MaskingPolicy;
}

/** The field as the audience gets it; null for a dropped one (left empty). */
function exported<K extends RecordKind>(policy: MaskingPolicy, kind: K, field: FieldOf<K>, value: string | number | null, vaultId: string, personId: string) {
  const projected = projectField(policy, kind, field, value, { vaultId, personId });
  return projected === DROPPED ? null : projected;
}

function scopeOn(person: EnginePerson, date: string): PersonScope {
  let scope = person.scopes[0] as PersonScope;
  for (const s of person.scopes) if (s.from <= date) scope = s;
  return scope;
}

interface PersonFields {
  person_id: string;
  employee_id: string | null;
  given_name: string;
  family_name: string;
  site: string | null;
  unit: string | null;
  role: string | null;
}

interface CompletionFields {
  row_id: number;
  completion_id: string;
  code: string;
  completed_on: string;
  score: number | null;
}

function readByIds<T>(db: ReadableDb, sql: string, ids: readonly (string | number)[]): T[] {
  const rows: T[] = [];
  for (let at = 0; at < ids.length; at += 10_000) rows.push(...db.all<T>(sql, [JSON.stringify(ids.slice(at, at + 10_000))]));
  return rows;
}

const lower = (values: readonly string[]) => new Set(values.map((v) => v.toLowerCase()));

/**
 * The packet's population: people in the filters (unit, role and site as of the period's end),
 * the requirements of the chosen frameworks, each pair's status on the period's end (the
 * dashboard's engine), and the readiness score over exactly that population.
 */
export async function gatherPopulation(session: VaultSession, scope: PacketScope): Promise<Population> {
  const loaded = await loadCached(session);
  const known = await session.read((db) => listFrameworks(db));
  const frameworks = scope.frameworks.map((id) => {
    const framework = known.find((f) => f.id === id);
    if (!framework?.enabled) {
      const enabled = known.filter((f) => f.enabled).map((f) => f.id);
      throw new CustodianError(
        'validation_failed',
        `Framework "${id}" is not enabled in this vault. Enabled: ${enabled.length ? enabled.join(', ') : 'none (enable one under Requirements)'}.`,
      );
    }
    return { id: framework.id, title: framework.title };
  });
  const wanted = new Set(scope.frameworks);
  const requirements = loaded.requirements.filter((r) => wanted.has(r.frameworkId));
  const engine = loaded.engine.filter((r) => wanted.has(r.frameworkId));
  if (engine.length === 0) throw new CustodianError('validation_failed', `The chosen frameworks have no requirements in force: nothing to put in a packet.`);

  const units = lower(scope.units);
  const roles = lower(scope.roles);
  const sites = lower(scope.sites);
  const people = loaded.data.people.filter((person) => {
    const s = scopeOn(person, scope.to);
    return (units.size === 0 || units.has(s.unit ?? '')) && (roles.size === 0 || roles.has(s.role ?? '')) && (sites.size === 0 || sites.has(s.site ?? ''));
  });

  const integrity = await session.logIntegrity();
  const evaluation = new ReportEvaluation(engine, scope.to);
  await evaluation.add(people);
  const { byFramework, overall } = evaluation.finish(integrity.ok, loaded.data.unitNames);

  // Pairs, in requirement order, people by id (the engine's order).
  const pairs: { person: EnginePerson; requirementId: string; pair: ReturnType<typeof evaluatePair> }[] = [];
  let slice = 0;
  for (const requirement of engine) {
    for (const person of people) {
      if (++slice % 20_000 === 0) await yieldToLoop();
      const pair = evaluatePair(person, requirement, scope.to);
      if (pair.status === 'not_applicable' && pair.reason === 'not_in_scope') continue;
      pairs.push({ person, requirementId: requirement.requirementId, pair });
    }
  }

  const personIds = [...new Set(pairs.map((p) => p.person.personId))];
  const completionRows = [...new Set(pairs.flatMap((p) => (p.pair.completionRowId === null ? [] : [p.pair.completionRowId])))];
  const { fields, completions } = await session.read((db) => ({
    fields: readByIds<PersonFields>(
      db,
      `SELECT p.person_id, p.employee_id, p.given_name, p.family_name, p.site, u.name AS unit, r.name AS role
       FROM people p LEFT JOIN org_units u ON u.id = p.org_unit_id LEFT JOIN job_roles r ON r.id = p.job_role_id
       WHERE p.current = 1 AND p.person_id IN (SELECT value FROM json_each(?))`,
      personIds,
    ),
    completions: readByIds<CompletionFields>(
      db,
      `SELECT c.row_id, c.completion_id, co.code, c.completed_on, c.score FROM completion_versions c
         JOIN courses f ON f.row_id = c.course_key JOIN courses co ON co.course_id = f.course_id AND co.current = 1
       WHERE c.row_id IN (SELECT value FROM json_each(?))`,
      completionRows,
    ),
  }));
  const byPerson = new Map(fields.map((f) => [f.person_id, f]));
  const byCompletion = new Map(completions.map((c) => [c.row_id, c]));

  const policy = DEFAULT_POLICIES[scope.audience];
  const vaultId = session.vaultId;
  const keepsNames = policy.classes.pii === 'keep';
  const rows: PopulationRow[] = pairs.map(({ person, requirementId, pair }) => {
    const f = byPerson.get(person.personId);
    const c = pair.completionRowId === null ? undefined : byCompletion.get(pair.completionRowId);
    const id = person.personId;
    const shownId = f ? exported(policy, 'person', 'employeeId', f.employee_id ?? id, vaultId, id) : null;
    const name = f && keepsNames ? ` ${f.given_name} ${f.family_name}` : '';
    return {
      requirementId,
      recordId: id,
      person: `${String(shownId ?? '')}${name}`.trim(),
      unit: f ? (exported(policy, 'person', 'orgUnit', f.unit, vaultId, id) as string | null) : null,
      role: f ? (exported(policy, 'person', 'jobRole', f.role, vaultId, id) as string | null) : null,
      site: f ? (exported(policy, 'person', 'site', f.site, vaultId, id) as string | null) : null,
      status: pair.status,
      reason: pair.reason,
      dueOn: dueOnAsShown(policy, pair.dueOn, pair.status),
      courseCode: c ? c.code : null,
      completedOn: c ? (exported(policy, 'completion', 'completedOn', c.completed_on, vaultId, id) as string | null) : null,
      score: c ? exported(policy, 'completion', 'score', c.score, vaultId, id) : null,
      completionId: c ? c.completion_id : null,
    };
  });
  const order = new Map(engine.map((r, i) => [r.requirementId, i]));
  rows.sort(
    (a, b) => (order.get(a.requirementId) ?? 0) - (order.get(b.requirementId) ?? 0) || Buffer.compare(Buffer.from(a.recordId), Buffer.from(b.recordId)),
  );

  return {
    frameworks,
    requirements,
    rows,
    readiness: {
      overall,
      frameworks: frameworks.map((f) => ({ id: f.id, title: f.title, readiness: readinessScore(byFramework.get(f.id) ?? [], integrity.ok) })),
    },
    policy,
  };
}

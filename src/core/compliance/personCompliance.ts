import { CURRENT_STATUSES, PERSON_COMPLIANCE } from '../../shared/compliance/complianceStatus';
import type { ComplianceStatus, NotApplicableReason, PersonCompliance } from '../../shared/compliance/complianceStatus';
import { CustodianError } from '../../shared/errors';
import { rolePolicy } from '../../shared/records/maskingPolicy';
import { dueOnAsShown } from '../records/dueOnAsShown';
import type { VaultSession } from '../vault/vaultSession';
import { loadCached } from './complianceReport';
import type { Loaded } from './complianceReport';
import { PAIRS_PER_SLICE, yieldToLoop } from './reportEvaluation';
import { evaluatePair } from './statusEngine';
import type { EnginePerson, EvidenceState, PairStatus } from './statusEngine';

const GAP_STATUSES: ReadonlySet<ComplianceStatus> = new Set(['missing_evidence', 'evidence_rejected']);

/** The worst of a person's pairs: any not current, else any evidence gap, else any due soon, else compliant; none if no requirement applies. */
function summarise(pairs: Iterable<PairStatus>): PersonCompliance {
  let worst = 4;
  for (const pair of pairs) {
    if (pair.status === 'not_applicable') continue;
    const rank = !CURRENT_STATUSES.has(pair.status) ? 0 : GAP_STATUSES.has(pair.status) ? 1 : pair.status === 'due_soon' ? 2 : 3;
    if (rank < worst) worst = rank;
    if (worst === 0) break;
  }
  return PERSON_COMPLIANCE[worst] as PersonCompliance;
}

function* pairsOf(loaded: Loaded, person: EnginePerson, asOf: string): Generator<PairStatus> {
  for (const requirement of loaded.engine) yield evaluatePair(person, requirement, asOf);
}

const cache = new WeakMap<Loaded, Map<string, Promise<Map<string, PersonCompliance>>>>();

/** Every current person's standing on `asOf`; computed once per vault change and date. */
export async function peopleCompliance(session: VaultSession, asOf: string): Promise<Map<string, PersonCompliance>> {
  session.require('records.read', 'read compliance status');
  const loaded = await loadCached(session);
  let byDate = cache.get(loaded);
  if (!byDate) {
    byDate = new Map();
    cache.set(loaded, byDate);
  }
  const known = byDate.get(asOf);
  if (known) return known;
  const computed = (async () => {
    const result = new Map<string, PersonCompliance>();
    let slice = 0;
    for (const person of loaded.data.people) {
      slice += loaded.engine.length;
      if (slice >= PAIRS_PER_SLICE) {
        slice = 0;
        await yieldToLoop();
      }
      result.set(person.personId, summarise(pairsOf(loaded, person, asOf)));
    }
    return result;
  })();
  byDate.set(asOf, computed);
  if (byDate.size > 4) byDate.delete(byDate.keys().next().value as string);
  return computed;
}

export interface PersonRequirement {
  requirementId: string;
  frameworkId: string;
  title: string;
  clause: string | null;
  status: ComplianceStatus;
  reason: NotApplicableReason | null;
  dueOn: string | null;
  /** The completion that satisfies it (or last did). */
  completion: { completionId: string; courseCode: string; completedOn: string } | null;
  evidence: EvidenceState | null;
}

/**
 * Each requirement that concerns the person on `asOf` (everything but those whose scope they
 * are not in): status, due date, the satisfying completion and its evidence state.
 */
export async function personRequirements(
  session: VaultSession,
  personId: string,
  asOf: string,
): Promise<{ summary: PersonCompliance; requirements: PersonRequirement[] }> {
  session.require('records.read', 'read compliance status');
  const loaded = await loadCached(session);
  const person = loaded.data.people.find((p) => p.personId === personId);
  if (!person) throw new CustodianError('not_found', 'No such person in this vault.');
  const pairs = loaded.engine.map((requirement) => ({ requirement, pair: evaluatePair(person, requirement, asOf) }));
  const shown = pairs.filter(({ pair }) => !(pair.status === 'not_applicable' && pair.reason === 'not_in_scope'));
  const rowIds = shown.flatMap(({ pair }) => (pair.completionRowId === null ? [] : [pair.completionRowId]));
  const completions = await session.read((db) =>
    db.all<{ row_id: number; completion_id: string; code: string; completed_on: string }>(
      `SELECT c.row_id, c.completion_id, co.code, c.completed_on FROM completion_versions c
         JOIN courses f ON f.row_id = c.course_key JOIN courses co ON co.course_id = f.course_id AND co.current = 1
       WHERE c.row_id IN (SELECT value FROM json_each(?))`,
      [JSON.stringify(rowIds)],
    ),
  );
  const byRow = new Map(completions.map((c) => [c.row_id, c]));
  const stored = new Map(loaded.requirements.map((r) => [r.requirementId, r]));
  const policy = rolePolicy(session.principal.role);
  return {
    summary: summarise(pairs.map(({ pair }) => pair)),
    requirements: shown.map(({ requirement, pair }) => {
      const completion = pair.completionRowId === null ? undefined : byRow.get(pair.completionRowId);
      const info = stored.get(requirement.requirementId);
      return {
        requirementId: requirement.requirementId,
        frameworkId: requirement.frameworkId,
        title: info?.title ?? requirement.requirementId,
        clause: info?.clause ?? null,
        status: pair.status,
        reason: pair.reason,
        // As the viewer's role may see it (an onboarding due date tells the hire day).
        dueOn: dueOnAsShown(policy, pair.dueOn, pair.status),
        completion: completion ? { completionId: completion.completion_id, courseCode: completion.code, completedOn: completion.completed_on } : null,
        evidence: pair.evidence,
      };
    }),
  };
}

import { oneLineReason } from '../audit/oneLineReason';
import { CustodianError } from '../../shared/errors';
import { stateHash } from '../audit/auditLog';
import type { AuditEvent } from '../audit/auditLog';
import { canonicalJson } from '../crypto/canonicalJson';
import type { ReadableDb, WritableDb } from '../db/database';
import type { VaultSession } from '../vault/vaultSession';
import { localToday, parseAsOf } from './calendarDate';
import { findPack } from './frameworkPacks';
import { requirementIdSchema, requirementRuleSchema } from './requirementRule';
import type { FrameworkPack, RequirementRule, RequirementRuleInput } from './requirementRule';

/** The framework the officer's own requirements belong to. */
export const CUSTOM_FRAMEWORK = 'custom';

export interface StoredRequirement {
  requirementId: string;
  version: number;
  frameworkId: string;
  title: string;
  clause: string | null;
  summary: string | null;
  origin: 'pack' | 'adapted' | 'custom';
  rule: RequirementRule;
  recordedAt: string;
  recordedBy: string;
  reason: string | null;
}

export interface StoredFramework {
  id: string;
  title: string;
  packVersion: string | null;
  source: string | null;
  enabled: boolean;
  /** While disabled: when, by whom (user name) and why, from the log. Null when enabled (or disabled before reasons were asked). */
  disabled: { at: string; by: string; reason: string | null } | null;
}

interface RequirementRow {
  row_id: number;
  requirement_id: string;
  version: number;
  framework_id: string;
  title: string;
  clause: string | null;
  summary: string | null;
  rule: string;
  origin: StoredRequirement['origin'];
  withdrawn: number;
  recorded_at: string;
  recorded_by: string;
  reason: string | null;
}

function toStored(row: RequirementRow): StoredRequirement {
  const parsed = requirementRuleSchema.safeParse(JSON.parse(row.rule));
  // Rules are validated when written; a row that fails now was edited outside Custodian.
  if (!parsed.success) throw new CustodianError('vault_tampered', `Requirement ${row.requirement_id} has a rule this version cannot read.`);
  return {
    requirementId: row.requirement_id,
    version: row.version,
    frameworkId: row.framework_id,
    title: row.title,
    clause: row.clause,
    summary: row.summary,
    origin: row.origin,
    rule: parsed.data,
    recordedAt: row.recorded_at,
    recordedBy: row.recorded_by,
    reason: row.reason,
  };
}

/** Current, not withdrawn requirements of enabled frameworks (and the officer's own), by id. */
export function currentRequirements(db: ReadableDb, frameworkId?: string): StoredRequirement[] {
  const rows = db.all<RequirementRow>(
    `SELECT r.* FROM requirements r JOIN frameworks f ON f.id = r.framework_id AND f.enabled = 1
     WHERE r.current = 1 AND r.withdrawn = 0 AND (? IS NULL OR r.framework_id = ?) ORDER BY r.framework_id, r.requirement_id`,
    [frameworkId ?? null, frameworkId ?? null],
  );
  return rows.map(toStored);
}

/**
 * Every framework ever enabled. With `disabledBy`, a disabled one also says who disabled it, when
 * and why (its last `framework.disable` entry: a read of the log per disabled framework, so only
 * for the lists that show it, never on the report's hot path).
 */
export function listFrameworks(db: ReadableDb, options: { disabledBy?: boolean } = {}): StoredFramework[] {
  const rows = db.all<{ id: string; title: string; pack_version: string | null; source: string | null; enabled: number }>(
    'SELECT id, title, pack_version, source, enabled FROM frameworks ORDER BY id',
  );
  return rows.map((r) => {
    const disabled =
      r.enabled === 1 || !options.disabledBy
        ? undefined
        : db.get<{ at: string; actor: string; reason: string | null }>(
            "SELECT at, actor, reason FROM audit_log WHERE action = 'framework.disable' AND target = ? ORDER BY seq DESC LIMIT 1",
            [r.id],
          );
    return {
      id: r.id,
      title: r.title,
      packVersion: r.pack_version,
      source: r.source,
      enabled: r.enabled === 1,
      disabled: disabled ? { at: disabled.at, by: disabled.actor, reason: disabled.reason } : null,
    };
  });
}

interface NewVersion {
  requirementId: string;
  frameworkId: string;
  title: string;
  clause: string | null;
  summary: string | null;
  origin: StoredRequirement['origin'];
  rule: RequirementRule;
  withdrawn?: boolean;
  reason: string | null;
}

function stateOf(v: NewVersion) {
  return { framework: v.frameworkId, title: v.title, clause: v.clause, summary: v.summary, origin: v.origin, rule: v.rule, withdrawn: v.withdrawn ?? false };
}

/** Writes a requirement version (retiring the current one) and returns its audit event. */
function writeVersion(db: WritableDb, session: VaultSession, now: string, next: NewVersion): AuditEvent | null {
  const current = db.get<RequirementRow>('SELECT * FROM requirements WHERE requirement_id = ? AND current = 1', [next.requirementId]);
  const after = stateHash(stateOf(next));
  if (current) {
    const before = stateHash(stateOf({ ...toStored(current), withdrawn: current.withdrawn === 1, reason: null }));
    if (before === after) return null;
    db.run('UPDATE requirements SET current = 0 WHERE row_id = ?', [current.row_id]);
  }
  db.run(
    `INSERT INTO requirements (requirement_id, version, current, framework_id, title, clause, summary, rule, origin, withdrawn, recorded_at, recorded_by, reason)
     VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      next.requirementId,
      (current?.version ?? 0) + 1,
      next.frameworkId,
      next.title,
      next.clause,
      next.summary,
      canonicalJson(next.rule),
      next.origin,
      next.withdrawn ? 1 : 0,
      now,
      session.principal.userId,
      next.reason,
    ],
  );
  return {
    action: current ? (next.withdrawn ? 'requirement.withdraw' : 'requirement.update') : 'requirement.create',
    target: next.requirementId,
    before: current ? stateHash(stateOf({ ...toStored(current), withdrawn: current.withdrawn === 1, reason: null })) : null,
    after,
    reason: next.reason,
  };
}

function upsertFramework(db: WritableDb, session: VaultSession, now: string, id: string, title: string, pack: FrameworkPack | null): void {
  db.run(
    `INSERT INTO frameworks (id, title, pack_version, source, enabled, changed_at, changed_by) VALUES (?, ?, ?, ?, 1, ?, ?)
     ON CONFLICT (id) DO UPDATE SET enabled = 1, title = excluded.title, pack_version = excluded.pack_version, source = excluded.source,
       changed_at = excluded.changed_at, changed_by = excluded.changed_by`,
    [id, title, pack?.version ?? null, pack?.source ?? null, now, session.principal.userId],
  );
}

/**
 * Enables a bundled framework pack: its requirements become vault rows (version 1, or a new
 * version where the pack changed since it was last enabled; a requirement the officer adapted
 * is left as adapted). Logged; enabling again with nothing new changes nothing but the flag.
 */
/**
 * Counts a pack: its requirements are written (a new version where the pack changed), each in
 * force from `effectiveFrom` when stated (adapted requirements too), else from the date the
 * requirement already has (a pack enabled before, upgraded or disabled since), else from today.
 * Withdrawn requirements stay withdrawn.
 */
export async function enableFramework(
  session: VaultSession,
  packId: string,
  options: { effectiveFrom?: string } = {},
): Promise<{ added: number; updated: number }> {
  session.require('requirements.manage', 'change requirements');
  const pack = findPack(packId);
  if (!pack) throw new CustodianError('not_found', `There is no framework pack "${packId}".`);
  const stated = options.effectiveFrom === undefined ? undefined : parseAsOf(options.effectiveFrom);
  return session.mutate((db) => {
    const now = new Date().toISOString();
    const events: AuditEvent[] = [];
    const was = db.get<{ enabled: number; pack_version: string | null }>('SELECT enabled, pack_version FROM frameworks WHERE id = ?', [pack.id]);
    const today = localToday();
    upsertFramework(db, session, now, pack.id, pack.title, pack);
    let added = 0;
    let updated = 0;
    for (const requirement of pack.requirements) {
      const current = db.get<RequirementRow>('SELECT * FROM requirements WHERE requirement_id = ? AND current = 1', [requirement.id]);
      // A withdrawal stands over the pack.
      if (current?.withdrawn === 1) continue;
      // A requirement that has a version keeps its date (null: in force always, as before dates
      // existed), even across a disable: enabling again must not move it and clear its gaps.
      const effectiveFrom = stated !== undefined ? stated : current ? toStored(current).rule.effectiveFrom : today;
      if (current?.origin === 'adapted') {
        // The officer's adaptation stands over the pack's wording; a stated date applies to it too.
        const adapted = toStored(current);
        if (stated === undefined || adapted.rule.effectiveFrom === stated) continue;
        const event = writeVersion(db, session, now, {
          requirementId: adapted.requirementId,
          frameworkId: adapted.frameworkId,
          title: adapted.title,
          clause: adapted.clause,
          summary: adapted.summary,
          origin: 'adapted',
          rule: { ...adapted.rule, effectiveFrom: stated },
          reason: `in force from ${stated} (pack ${pack.id} enabled with that date)`,
        });
        if (event) {
          events.push(event);
          updated++;
        }
        continue;
      }
      const event = writeVersion(db, session, now, {
        requirementId: requirement.id,
        frameworkId: pack.id,
        title: requirement.title,
        clause: requirement.clause,
        summary: requirement.summary,
        origin: 'pack',
        rule: { ...requirement.rule, effectiveFrom },
        reason: `pack ${pack.id} ${pack.version}, in force from ${effectiveFrom}`,
      });
      if (event) {
        events.push(event);
        if (current) updated++;
        else added++;
      }
    }
    if (was?.enabled !== 1 || was.pack_version !== pack.version) events.push({ action: 'framework.enable', target: pack.id, after: pack.version });
    if (events.length === 0) events.push({ action: 'framework.enable', target: pack.id, after: pack.version, reason: 'already enabled, unchanged' });
    return { result: { added, updated }, events };
  });
}

/** Stops counting a pack (its requirements stay, versioned, for history). `reason` (one line, required) goes into the log and is shown while it stays disabled. */
export async function disableFramework(session: VaultSession, frameworkId: string, reason: string): Promise<void> {
  session.require('requirements.manage', 'change requirements');
  const said = oneLineReason(reason, 'the framework is disabled');
  await session.mutate((db) => {
    const result = db.run('UPDATE frameworks SET enabled = 0, changed_at = ?, changed_by = ? WHERE id = ? AND enabled = 1', [
      new Date().toISOString(),
      session.principal.userId,
      frameworkId,
    ]);
    if (result.changes === 0) throw new CustodianError('not_found', `Framework "${frameworkId}" is not enabled.`);
    return { result: undefined, events: [{ action: 'framework.disable', target: frameworkId, reason: said }] };
  });
}

export interface RequirementInput {
  id: string;
  title: string;
  clause?: string | null;
  summary?: string | null;
  rule: RequirementRuleInput;
  /** Why: required when adapting a pack requirement. */
  reason?: string | null;
}

/**
 * Adds the officer's own requirement, or changes an existing one (a pack requirement becomes
 * `adapted`): always a new version, with the reason, in the log.
 * @throws CustodianError('validation_failed') for a bad id or rule, or adapting without a reason.
 */
export async function saveRequirement(session: VaultSession, input: RequirementInput): Promise<StoredRequirement> {
  session.require('requirements.manage', 'change requirements');
  const id = requirementIdSchema.safeParse(input.id);
  if (!id.success) throw new CustodianError('validation_failed', id.error.issues[0]?.message ?? 'bad requirement id');
  const rule = requirementRuleSchema.safeParse(input.rule);
  if (!rule.success) {
    const issue = rule.error.issues[0];
    throw new CustodianError(
      'validation_failed',
      `The requirement's rule is not valid: ${issue ? `${issue.path.join('.')} ${issue.message}` : 'unknown problem'}.`,
    );
  }
  const title = input.title.trim();
  if (title === '' || title.length > 200) throw new CustodianError('validation_failed', 'A requirement needs a title (at most 200 characters).');
  return session.mutate((db) => {
    const now = new Date().toISOString();
    const current = db.get<RequirementRow>('SELECT * FROM requirements WHERE requirement_id = ? AND current = 1', [id.data]);
    if (current && current.origin !== 'custom' && !input.reason?.trim()) {
      throw new CustodianError('validation_failed', `Changing the ${current.framework_id} requirement ${id.data} needs a reason (--reason).`);
    }
    const frameworkId = current?.framework_id ?? CUSTOM_FRAMEWORK;
    if (!current) upsertFramework(db, session, now, CUSTOM_FRAMEWORK, 'Own requirements', null);
    // Unstated, the effective date is the one the requirement has, or today for a new one (null: stated "always").
    const effectiveFrom = input.rule.effectiveFrom === undefined ? (current ? toStored(current).rule.effectiveFrom : localToday()) : rule.data.effectiveFrom;
    const event = writeVersion(db, session, now, {
      requirementId: id.data,
      frameworkId,
      title,
      clause: input.clause?.trim() || current?.clause || null,
      summary: input.summary?.trim() || current?.summary || null,
      origin: current ? (current.origin === 'custom' ? 'custom' : 'adapted') : 'custom',
      rule: { ...rule.data, effectiveFrom },
      reason: input.reason?.trim() || null,
    });
    if (!event) throw new CustodianError('conflict', `Requirement ${id.data} already says exactly that: nothing changed.`);
    const saved = db.get<RequirementRow>('SELECT * FROM requirements WHERE requirement_id = ? AND current = 1', [id.data]);
    return { result: toStored(saved as RequirementRow), events: [event] };
  });
}

/**
 * Stops counting one requirement (a pack's or the officer's own): a new, withdrawn version with
 * the reason (one line, required), logged as `requirement.withdraw`. Saving it again restores it;
 * enabling its pack again does not (the officer's decision stands).
 */
export async function withdrawRequirement(session: VaultSession, requirementId: string, reason: string): Promise<StoredRequirement> {
  session.require('requirements.manage', 'change requirements');
  const said = oneLineReason(reason, 'the requirement is withdrawn');
  return session.mutate((db) => {
    const current = db.get<RequirementRow>('SELECT * FROM requirements WHERE requirement_id = ? AND current = 1', [requirementId]);
    if (!current || current.withdrawn === 1)
      throw new CustodianError('not_found', `Requirement "${requirementId}" is not counted (unknown or already withdrawn).`);
    const stored = toStored(current);
    const event = writeVersion(db, session, new Date().toISOString(), {
      requirementId,
      frameworkId: stored.frameworkId,
      title: stored.title,
      clause: stored.clause,
      summary: stored.summary,
      origin: stored.origin,
      rule: stored.rule,
      withdrawn: true,
      reason: said,
    });
    if (!event) throw new CustodianError('conflict', `Requirement "${requirementId}" is already withdrawn.`);
    const saved = db.get<RequirementRow>('SELECT * FROM requirements WHERE requirement_id = ? AND current = 1', [requirementId]);
    return { result: toStored(saved as RequirementRow), events: [event] };
  });
}

/** Withdrawn requirements (current version withdrawn), with who withdrew them, when and why. */
export function withdrawnRequirements(
  db: ReadableDb,
): { requirementId: string; frameworkId: string; title: string; at: string; by: string; reason: string | null }[] {
  return db.all<{ requirementId: string; frameworkId: string; title: string; at: string; by: string; reason: string | null }>(
    `SELECT r.requirement_id AS requirementId, r.framework_id AS frameworkId, r.title, r.recorded_at AS at, coalesce(u.name, r.recorded_by) AS by, r.reason
     FROM requirements r LEFT JOIN users u ON u.id = r.recorded_by
     WHERE r.current = 1 AND r.withdrawn = 1 ORDER BY r.requirement_id`,
  );
}

/** Every version of one requirement, newest first. */
export function requirementHistory(db: ReadableDb, requirementId: string): StoredRequirement[] {
  return db.all<RequirementRow>('SELECT * FROM requirements WHERE requirement_id = ? ORDER BY version DESC', [requirementId]).map(toStored);
}

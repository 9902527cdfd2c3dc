import { answeredAsOf } from './answeredAsOf';
import { rolePolicy } from '../../shared/records/maskingPolicy';
import { treatmentOf } from '../records/projectField';
import type { VaultSession } from '../vault/vaultSession';
import { addMonths } from './calendarDate';
import { currentRequirements } from './requirementStore';
import type { StoredRequirement } from './requirementStore';

export interface RetentionRow {
  completionId: string;
  personId: string;
  courseCode: string;
  completedOn: string;
  /**
   * First day the record may be disposed of; null while it is still in effect (HIPAA: kept until
   * it is not, then six years). A month (YYYY-MM) where it follows from a leaving date that the
   * reader's role sees as a month (auditors): the day would tell the leaving day.
   */
  disposeAfter: string | null;
  /** The requirement whose rule sets that date (the strictest: the latest date wins). */
  requirementId: string;
}

interface CompletionRow {
  completion_id: string;
  person_id: string;
  code: string;
  completed_on: string;
  expires_on: string | null;
  termination_date: string | null;
}

/**
 * When each training record may be disposed of, from the strictest applicable requirement:
 * `training` basis, the training date plus the years; `lastInEffect` (HIPAA 164.316(b)(2)),
 * the date it stopped being in effect - its expiry (recurrence or stated), or the person's
 * leaving date if earlier - plus the years; a record still in effect has no date yet.
 * Records no requirement with a retention rule covers are not listed (site policy decides).
 */
export async function retentionSchedule(session: VaultSession, askedAsOf: string): Promise<RetentionRow[]> {
  session.require('records.read', 'read retention dates');
  // "Still in effect on the date" on days of an auditor's choosing would tell a leaving day.
  const asOf = answeredAsOf(session, askedAsOf);
  const leavingAsMonth = treatmentOf(rolePolicy(session.principal.role), 'person', 'terminationDate') === 'generalise';
  return session.read((db) => {
    const requirements = currentRequirements(db).filter((r) => r.rule.retention !== null);
    const byCode = new Map<string, StoredRequirement[]>();
    for (const r of requirements) for (const code of r.rule.courses.codes) byCode.set(code.toLowerCase(), [...(byCode.get(code.toLowerCase()) ?? []), r]);
    if (byCode.size === 0) return [];
    const rows = db.all<CompletionRow>(
      `SELECT c.completion_id, c.person_id, lower(co.code) AS code, c.completed_on, c.expires_on, p.termination_date
       FROM completions c JOIN courses co ON co.course_id = c.course_id AND co.current = 1
       JOIN people p ON p.person_id = c.person_id AND p.current = 1
       WHERE c.current = 1 AND lower(co.code) IN (SELECT value FROM json_each(?))
       ORDER BY c.completed_on, c.completion_id`,
      [JSON.stringify([...byCode.keys()])],
    );
    return rows.map((row) => {
      let best: { date: string | null; requirementId: string; fromLeaving: boolean } | null = null;
      for (const r of byCode.get(row.code) ?? []) {
        const retention = r.rule.retention;
        if (!retention) continue;
        let from: string | null = row.completed_on;
        let fromLeaving = false;
        if (retention.basis === 'lastInEffect') {
          const recurring = r.rule.recurrenceMonths === null ? null : addMonths(row.completed_on, r.rule.recurrenceMonths);
          const ends = [recurring, row.expires_on, row.termination_date].filter((d): d is string => d !== null).sort();
          from = ends[0] ?? null;
          if (from !== null && from > asOf) from = null; // still in effect on the date
          fromLeaving = from !== null && from === row.termination_date;
        }
        const date = from === null ? null : addMonths(from, retention.years * 12);
        // Strictest: "not yet" beats any date; otherwise the later date.
        if (best === null || (best.date !== null && (date === null || date > best.date))) best = { date, requirementId: r.requirementId, fromLeaving };
      }
      return {
        completionId: row.completion_id,
        personId: row.person_id,
        courseCode: row.code,
        completedOn: row.completed_on,
        disposeAfter: best?.date && best.fromLeaving && leavingAsMonth ? best.date.slice(0, 7) : (best?.date ?? null),
        requirementId: best?.requirementId ?? '',
      };
    });
  });
}

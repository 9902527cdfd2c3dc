import { STATUS_LABELS } from '../../shared/compliance/complianceStatus';
import type { PacketModel } from './packetModel';
import { neutraliseCell } from './neutraliseCell';
import { describeRule } from './sampling';

/**
 * The packet's records as CSV (RFC 4180, UTF-8, CRLF line ends as the RFC has them): machine
 * columns first (ids and codes reproduce_sample.py reads), then what a reader needs. Text that
 * a spreadsheet would take for a formula is neutralised (neutraliseCell); numbers are written
 * as numbers.
 */

type Cell = string | number | boolean | null;

export function csvCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  const text = neutraliseCell(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csv(header: readonly string[], rows: Iterable<readonly Cell[]>): string {
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) lines.push(row.map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** data/records/status.csv: every (person, requirement) pair the requirements concern. */
export function statusCsv(model: PacketModel): string {
  return csv(
    [
      'requirement_id',
      'record_id',
      'status',
      'person',
      'unit',
      'role',
      'site',
      'status_label',
      'reason',
      'due_on',
      'course',
      'completed_on',
      'score',
      'evidence_ids',
      'sampled',
    ],
    model.statusRows.map((r) => [
      r.requirementId,
      r.recordId,
      r.status,
      r.person,
      r.unit,
      r.role,
      r.site,
      STATUS_LABELS[r.status],
      r.reason,
      r.dueOn,
      r.courseCode,
      r.completedOn,
      r.score,
      r.evidenceIds.join(' '),
      r.sampled,
    ]),
  );
}

/** data/records/requirements.csv: the matrix, one row per requirement. */
export function requirementsCsv(model: PacketModel): string {
  return csv(
    ['requirement_id', 'framework_id', 'clause', 'title', 'population', 'compliant', 'due_soon', 'exceptions', 'sample_rule', 'sample_asked', 'sample_picked'],
    model.requirements.map((r) => [
      r.requirementId,
      r.frameworkId,
      r.clause,
      r.title,
      r.population,
      r.counts.compliant ?? 0,
      r.counts.due_soon ?? 0,
      r.exceptions.length,
      describeRule(r.sample.rule),
      r.sample.asked,
      r.sample.picks.length,
    ]),
  );
}

/** data/records/evidence.csv: the evidence index. */
export function evidenceCsv(model: PacketModel): string {
  return csv(
    ['evidence_id', 'path', 'sha256', 'size', 'media_type', 'redacted', 'redacted_from', 'requirements', 'person', 'reviews'],
    model.evidence.map((e) => [
      e.evidenceId,
      e.path,
      e.sha256,
      e.size,
      e.mediaType,
      e.redacted,
      e.redactedFrom,
      e.requirementIds.join(' '),
      e.person,
      e.reviews.map((r) => `${r.printedName} (${r.userName}) ${r.meaning} ${r.at}`).join('; '),
    ]),
  );
}

/** data/records/custody.csv: the chain of custody (data/audit/proofs.json proves each entry). */
export function custodyCsv(model: PacketModel): string {
  return csv(
    ['seq', 'at', 'actor', 'action', 'target', 'summary'],
    model.custody.map((c) => [c.seq, c.at, c.actor, c.action, c.target, c.summary]),
  );
}

import { createHash } from 'node:crypto';
import { neutraliseCell } from '../packet/neutraliseCell';
import { GAP_LABELS, PERSON_COMPLIANCE_LABELS, STATUS_LABELS } from '../../shared/compliance/complianceStatus';
import { complianceReport, gapPeople } from '../compliance/complianceReport';
import { personNames } from './personNames';
import { localToday } from '../compliance/calendarDate';
import { peopleCompliance } from '../compliance/personCompliance';
import { queryEvidence } from '../evidence/evidenceQuery';
import type { EvidenceQuery } from '../evidence/evidenceQuery';
import { writeFileAtomic } from '../fs/atomicWrite';
import type { VaultSession } from '../vault/vaultSession';
import { queryCompletions } from './completionsQuery';
import type { CompletionsQuery } from './completionsQuery';
import { queryPeople } from './peopleQuery';
import type { PeopleQuery } from './peopleQuery';

/** Rows read at a time while exporting. */
const PAGE = 5000;

export type ExportRequest =
  | { list: 'people'; query: Omit<PeopleQuery, 'offset' | 'limit'> }
  | { list: 'completions'; query: Omit<CompletionsQuery, 'offset' | 'limit'> }
  | { list: 'evidence'; query: Omit<EvidenceQuery, 'offset' | 'limit'> }
  /** A dashboard drill-down: the people behind one gap (or heat-map cell) on a date. */
  | { list: 'gap'; query: { asOf: string; requirementId: string; kind: string; unit?: string } }
  /** The dashboard's gaps on a date (all frameworks, or one), costliest first. */
  | { list: 'gaps'; query: { asOf: string; frameworkId?: string } }
  /** The dashboard's upcoming expiries: trainings falling due, or cards expiring (the soonest 200). */
  | { list: 'expiries'; query: { asOf: string; kind: 'training' | 'certification'; frameworkId?: string } };

/**
 * One CSV field (RFC 4180). A value a spreadsheet would read as a formula (starting = + - @, tab
 * or carriage return) is prefixed with an apostrophe: an export opened in Excel never runs one.
 */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  let text = String(value);
  text = neutraliseCell(text);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

async function* pages<T>(fetch: (offset: number, limit: number) => Promise<{ total: number; rows: T[] }>): AsyncGenerator<T[]> {
  for (let offset = 0; ; offset += PAGE) {
    const { rows } = await fetch(offset, PAGE);
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < PAGE) return;
  }
}

/** The list's header and rows, exactly as the screen shows them to this user (masked by role in the queries). */
async function table(session: VaultSession, request: ExportRequest): Promise<string[][]> {
  const out: string[][] = [];
  const cell = (v: string | number | boolean | null) => csvField(v);
  if (request.list === 'people') {
    const standing = await peopleCompliance(session, localToday());
    out.push(['Name', 'Employee ID', 'Pseudonym', 'Compliance today', 'Unit', 'Job role', 'Site', 'Hired', 'Left']);
    for await (const rows of pages((offset, limit) => queryPeople(session, { ...request.query, offset, limit }, standing))) {
      for (const p of rows) {
        out.push(
          [
            p.name,
            p.employeeId,
            p.pseudonym,
            p.compliance ? PERSON_COMPLIANCE_LABELS[p.compliance] : null,
            p.orgUnit,
            p.jobRole,
            p.site,
            p.hireDate,
            p.terminationDate,
          ].map(cell),
        );
      }
    }
  } else if (request.list === 'completions') {
    out.push(['Person', 'Course code', 'Course', 'Completed', 'Score', 'Result', 'Expires', 'Method', 'Version']);
    for await (const rows of pages((offset, limit) => queryCompletions(session, { ...request.query, offset, limit }))) {
      for (const c of rows) {
        out.push(
          [
            c.person,
            c.courseCode,
            c.course,
            c.completedOn,
            c.score,
            c.passed === null ? 'Completed' : c.passed ? 'Passed' : 'Failed',
            c.expiresOn,
            c.deliveryMethod,
            c.version,
          ].map(cell),
        );
      }
    }
  } else if (request.list === 'gaps' || request.list === 'expiries') {
    const report = await complianceReport(session, {
      asOf: request.query.asOf,
      ...(request.query.frameworkId ? { frameworkId: request.query.frameworkId } : {}),
    });
    const titles = new Map(
      report.frameworks.flatMap((f) => f.requirements.map((r) => [r.requirementId, { title: r.title, clause: r.clause, framework: f.title }] as const)),
    );
    if (request.list === 'gaps') {
      out.push(['Requirement', 'Framework', 'Clause', 'Gap', 'People', 'Points lost', 'As of']);
      for (const g of report.overall.gaps) {
        const info = g.requirementId === null ? undefined : titles.get(g.requirementId);
        out.push(
          [
            g.requirementId === null ? 'Audit log' : (info?.title ?? g.requirementId),
            info?.framework ?? null,
            info?.clause ?? null,
            GAP_LABELS[g.kind],
            g.people,
            g.points,
            report.asOf,
          ].map(cell),
        );
      }
    } else {
      const training = request.query.kind === 'training';
      const soonest = training ? report.expiries.soonest : report.certificationExpiries.soonest;
      const names = await personNames(
        session,
        soonest.map((e) => e.personId),
      );
      out.push(['Person', 'Employee ID', 'Pseudonym', training ? 'Requirement' : 'Certification', training ? 'Due' : 'Expires', 'As of']);
      for (const e of soonest) {
        const named = names.get(e.personId);
        const what = 'requirementId' in e ? (titles.get(e.requirementId)?.title ?? e.requirementId) : e.name;
        const when = 'dueOn' in e ? e.dueOn : e.expiresOn;
        out.push([named?.name ?? null, named?.employeeId ?? null, named?.pseudonym ?? null, what, when, report.asOf].map(cell));
      }
    }
  } else if (request.list === 'gap') {
    // `asOf`: the day answered (an auditor's day moves to its month end), not the day asked.
    const { asOf, people } = await gapPeople(session, { ...request.query, limit: 10_000_000 });
    const names = await personNames(
      session,
      people.map((p) => p.personId),
    );
    out.push(['Person', 'Employee ID', 'Pseudonym', 'Unit', 'Status', 'Due', 'Requirement', 'As of']);
    for (const p of people) {
      const named = names.get(p.personId);
      out.push(
        [
          named?.name ?? null,
          named?.employeeId ?? null,
          named?.pseudonym ?? null,
          p.unit,
          STATUS_LABELS[p.status],
          p.dueOn,
          request.query.requirementId,
          asOf,
        ].map(cell),
      );
    }
  } else {
    out.push([
      'Document date',
      'File',
      'Type',
      'Bytes',
      'Person',
      'Employee ID',
      'Pseudonym',
      'Linked to',
      'State',
      'Reviewed by',
      'Reviewed at',
      'Meaning',
      'Added',
      'Added by',
    ]);
    const query = request.query;
    for await (const rows of pages((offset, limit) => queryEvidence(session, { ...query, offset, limit }))) {
      for (const e of rows) {
        out.push(
          [
            e.documentDate,
            e.fileName,
            e.mediaType,
            e.size,
            e.person?.name ?? null,
            e.person?.employeeId ?? null,
            e.person?.pseudonym ?? null,
            e.links
              .filter((l) => l.kind !== 'person')
              .map((l) => l.label)
              .join('; '),
            e.state,
            e.review ? (e.review.printedName ?? e.review.userName) : null,
            e.review?.at ?? null,
            e.review?.meaning ?? null,
            e.addedAt,
            e.addedBy,
          ].map(cell),
        );
      }
    }
  }
  return out;
}

/**
 * Writes a list as CSV to `path` (chosen in a save dialog): the rows and columns the screen
 * shows, masked for the user's role as on screen. The export is logged with its row count and
 * the file's SHA-256, before the file is named (an export that cannot be logged is not written).
 */
export async function exportList(session: VaultSession, request: ExportRequest, path: string): Promise<{ rows: number; sha256: string }> {
  const rows = await table(session, request);
  const text = `${rows.map((r) => r.join(',')).join('\r\n')}\r\n`;
  const sha256 = createHash('sha256').update(text).digest('hex');
  await session.record([{ action: 'export.csv', target: request.list, after: sha256, reason: `${String(rows.length - 1)} rows` }]);
  // Plaintext on disk by the user's choice (a save dialog): what they export leaves the vault.
  await writeFileAtomic(path, text);
  return { rows: rows.length - 1, sha256 };
}

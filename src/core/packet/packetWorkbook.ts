import { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { COMPLIANCE_STATUSES, NOT_APPLICABLE_LABELS, STATUS_LABELS } from '../../shared/compliance/complianceStatus';
import { CustodianError } from '../../shared/errors';
import type { ReadinessScore } from '../compliance/readinessScore';
import { neutraliseCell } from './neutraliseCell';
import type { PacketEvidence, PacketModel, PacketRequest, PacketRequirement, ReviewSignatureLine, SampleRule, StatusRow } from './packetModel';

/**
 * data/workbook.xlsx: the packet's tables for an auditor's spreadsheet. Cells are typed: calendar
 * dates and instants are Excel dates, counts and numeric scores are numbers, everything else is
 * text made safe by `textCell`. No cell is a formula. The same model gives the same bytes: the
 * document properties and the zip entries' times come from `builtAt`.
 */

type Cell = string | number | Date | null;

interface Column<T> {
  header: string;
  width: number;
  numFmt?: string;
  value: (row: T) => Cell;
}

const DATE_FORMAT = 'yyyy-mm-dd';
const INSTANT_FORMAT = 'yyyy-mm-dd hh:mm:ss';
const PERCENT_FORMAT = '0.0%';
/** Excel refuses a cell of more characters than this. */
const MAX_CELL_CHARS = 32_767;
const TRUNCATED = ' [truncated]';

// What XML 1.0 forbids (C0 controls but tab, LF and CR; U+FFFE, U+FFFF; unpaired surrogates):
// one of them in a string and the file does not open. exceljs itself drops C0 controls and DEL as
// it writes, so they go here first (DEL too), before neutralisation looks at the first character:
// else "\u0001=1+2" would reach the file as "=1+2".
// eslint-disable-next-line no-control-regex
const UNWRITABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]|\p{Cs}/gu;
// OOXML writes characters as `_xHHHH_` in text and Excel decodes them on reading, so text that
// holds such a sequence has its underscore escaped (`_x005F_`): else `_x003D_...` reads as "=...".
const OOXML_ESCAPE = /_(x[0-9A-Fa-f]{4}_)/g;

/**
 * Text as a cell may hold it: unwritable characters dropped, a formula start neutralised, cut (and
 * marked) at Excel's limit, OOXML escapes escaped.
 */
function textCell(text: string): string {
  let safe = neutraliseCell(text.replace(UNWRITABLE, ''));
  if (safe.length > MAX_CELL_CHARS) {
    let cut = MAX_CELL_CHARS - TRUNCATED.length;
    if (/[\uD800-\uDBFF]/.test(safe.charAt(cut - 1))) cut--;
    safe = safe.slice(0, cut) + TRUNCATED;
  }
  return safe.replace(OOXML_ESCAPE, '_x005F_$1');
}

const optionalText = (text: string | null): string | null => (text === null ? null : textCell(text));
const list = (items: readonly string[]): string | null => (items.length === 0 ? null : textCell(items.join(', ')));
const yesNo = (value: boolean): string => (value ? 'yes' : 'no');

/**
 * A calendar date (YYYY-MM-DD) as UTC midnight: exceljs counts Excel's days in UTC, so no time
 * zone moves the day. Anything else (a date generalised to its month, a mask) stays text.
 */
function calendarDate(value: string | null): Date | string | null {
  if (value === null) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]) - 1, Number(match[3])];
    const date = new Date(Date.UTC(year, month, day));
    if (year >= 1900 && date.getUTCMonth() === month && date.getUTCDate() === day) return date;
  }
  return textCell(value);
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function parseInstant(value: string): Date | null {
  const date = new Date(value);
  return ISO_INSTANT.test(value) && !Number.isNaN(date.getTime()) && date.getUTCFullYear() >= 1900 ? date : null;
}

/** An ISO 8601 instant as a date-time in UTC (Excel has no time zones: headers say UTC); else its text. */
function instant(value: string): Date | string {
  return parseInstant(value) ?? textCell(value);
}

/** "2026-11-02 14:05:00 UTC", for an instant inside text. */
function instantText(value: string): string {
  const date = parseInstant(value);
  return date === null ? value : `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A number stays a number; a band such as "80–89" (or a mask) stays text. */
function numberOrText(value: number | string | null): number | string | null {
  if (value === null) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : textCell(String(value));
  return textCell(value);
}

function percent(share: number): string {
  return `${String(Math.round(share * 1000) / 10)}%`;
}

function ruleInWords(rule: SampleRule): string {
  switch (rule.kind) {
    case 'all':
      return 'Every record in the population';
    case 'fixed':
      return `A fixed sample of ${String(rule.size)} records`;
    case 'attribute':
      return `Attribute sampling: ${percent(rule.confidence)} confidence, ${percent(rule.tolerableRate)} tolerable deviation rate`;
  }
}

function reviewLine(review: ReviewSignatureLine): string {
  const line = `${review.printedName} — ${review.meaning} — ${instantText(review.at)}`;
  return review.reason === null ? line : `${line} (${review.reason})`;
}

/**
 * A table sheet: a bold header row, panes frozen under it, an auto filter over every row. Rows are
 * committed as they are written, so the sheet never sits whole in memory.
 */
async function addTable<T>(workbook: ExcelJS.Workbook, name: string, columns: readonly Column<T>[], rows: Iterable<T>, emptyNote?: string): Promise<void> {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({ width: c.width, style: c.numFmt === undefined ? {} : { numFmt: c.numFmt } }));
  const header = sheet.addRow(columns.map((c) => c.header));
  header.font = { bold: true };
  header.commit();
  let count = 0;
  for (const row of rows) {
    sheet.addRow(columns.map((c) => c.value(row))).commit();
    count++;
    if (count % 2000 === 0) await new Promise(setImmediate);
  }
  if (count === 0 && emptyNote !== undefined) sheet.addRow([emptyNote]).commit();
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1 + Math.max(count, 1), column: columns.length } };
  sheet.commit();
}

function addSummary(workbook: ExcelJS.Workbook, model: PacketModel): void {
  const sheet = workbook.addWorksheet('Summary');
  sheet.columns = [{ width: 36 }, { width: 56 }, { width: 10 }, { width: 10 }, { width: 10 }, { width: 10 }, { width: 10 }];
  const { scope, signer, checkpoint } = model;
  const orAll = (items: string[]) => list(items) ?? 'all';
  const fields: [string, Cell, string?][] = [
    ['Organisation', textCell(model.organisation)],
    ['Packet ID', textCell(model.packetId)],
    ['Built at (UTC)', instant(model.builtAt), INSTANT_FORMAT],
    ['Frameworks', list(scope.frameworks.map((f) => `${f.title} (${f.id})`))],
    ['Period from', calendarDate(scope.from), DATE_FORMAT],
    ['Period to (statuses as of)', calendarDate(scope.to), DATE_FORMAT],
    ['Units', orAll(scope.units)],
    ['Roles', orAll(scope.roles)],
    ['Sites', orAll(scope.sites)],
    ['Audience', scope.audience],
    ['Signed by (printed name)', textCell(signer.printedName)],
    ['Signed by (user)', textCell(signer.userName)],
    ['Signing key fingerprint', textCell(signer.fingerprint)],
    ['Audit-log checkpoint: entries', checkpoint.size],
    ['Audit-log checkpoint: root (base64)', textCell(checkpoint.root)],
    ['Audit-log checkpoint: at (UTC)', instant(checkpoint.at), INSTANT_FORMAT],
    ['Audit-log checkpoint: signed by', textCell(checkpoint.signer)],
  ];
  for (const [label, value, numFmt] of fields) {
    const row = sheet.addRow([label, value]);
    row.getCell(1).font = { bold: true };
    if (numFmt !== undefined) row.getCell(2).numFmt = numFmt;
    row.commit();
  }

  sheet.addRow([]).commit();
  const header = sheet.addRow(['Audit Readiness Score', 'Part', 'Weight', 'Value', 'Points', 'Met', 'Measured']);
  header.font = { bold: true };
  header.commit();
  const scores: [string, ReadinessScore][] = [
    ['All frameworks', model.readiness.overall],
    ...model.readiness.frameworks.map((f): [string, ReadinessScore] => [`${f.title} (${f.id})`, f.readiness]),
  ];
  for (const [name, readiness] of scores) {
    const total = sheet.addRow([textCell(name), 'Score (0–100)', 100, null, readiness.score ?? 'not scored']);
    total.font = { bold: true };
    total.commit();
    for (const c of readiness.components) {
      const row = sheet.addRow([textCell(name), textCell(c.label), c.weight, c.value ?? 'not measured', c.contribution, c.met, c.measured]);
      row.getCell(4).numFmt = PERCENT_FORMAT;
      row.commit();
    }
    sheet.addRow([textCell(name), 'In onboarding grace (not yet measured)', null, null, null, null, readiness.inGrace]).commit();
  }
  sheet.commit();
}

function statusColumns(): Column<StatusRow>[] {
  return [
    { header: 'Requirement', width: 30, value: (r) => textCell(r.requirementId) },
    { header: 'Record ID', width: 13, value: (r) => textCell(r.recordId) },
    { header: 'Person', width: 16, value: (r) => textCell(r.person) },
    { header: 'Unit', width: 18, value: (r) => optionalText(r.unit) },
    { header: 'Role', width: 18, value: (r) => optionalText(r.role) },
    { header: 'Site', width: 14, value: (r) => optionalText(r.site) },
    { header: 'Status', width: 18, value: (r) => STATUS_LABELS[r.status] },
    { header: 'Reason', width: 24, value: (r) => (r.reason === null ? null : NOT_APPLICABLE_LABELS[r.reason]) },
    { header: 'Due on', width: 12, numFmt: DATE_FORMAT, value: (r) => calendarDate(r.dueOn) },
    { header: 'Course', width: 14, value: (r) => optionalText(r.courseCode) },
    { header: 'Completed on', width: 13, numFmt: DATE_FORMAT, value: (r) => calendarDate(r.completedOn) },
    { header: 'Score', width: 8, value: (r) => numberOrText(r.score) },
    { header: 'Evidence IDs', width: 20, value: (r) => list(r.evidenceIds) },
    { header: 'Sampled', width: 10, value: (r) => yesNo(r.sampled) },
  ];
}

function matrixColumns(frameworkTitles: ReadonlyMap<string, string>): Column<PacketRequirement>[] {
  return [
    { header: 'Framework', width: 24, value: (r) => textCell(frameworkTitles.get(r.frameworkId) ?? r.frameworkId) },
    { header: 'Clause', width: 18, value: (r) => optionalText(r.clause) },
    { header: 'Requirement', width: 30, value: (r) => textCell(r.requirementId) },
    { header: 'Title', width: 40, value: (r) => textCell(r.title) },
    { header: 'Population', width: 11, value: (r) => r.population },
    ...COMPLIANCE_STATUSES.map((status): Column<PacketRequirement> => ({ header: STATUS_LABELS[status], width: 11, value: (r) => r.counts[status] ?? 0 })),
    { header: 'Exceptions', width: 11, value: (r) => r.exceptions.length },
    { header: 'Sample size', width: 11, value: (r) => r.sample.picks.length },
  ];
}

const EVIDENCE_COLUMNS: Column<PacketEvidence>[] = [
  { header: 'Evidence ID', width: 13, value: (e) => textCell(e.evidenceId) },
  { header: 'Path', width: 50, value: (e) => textCell(e.path) },
  { header: 'File name', width: 30, value: (e) => textCell(e.fileName) },
  { header: 'Media type', width: 18, value: (e) => textCell(e.mediaType) },
  { header: 'Size (bytes)', width: 12, value: (e) => e.size },
  { header: 'SHA-256', width: 66, value: (e) => textCell(e.sha256) },
  { header: 'Redacted', width: 10, value: (e) => yesNo(e.redacted) },
  { header: 'Redacted from', width: 14, value: (e) => optionalText(e.redactedFrom) },
  { header: 'Requirements', width: 30, value: (e) => list(e.requirementIds) },
  { header: 'Person', width: 16, value: (e) => optionalText(e.person) },
  { header: 'Reviews (printed name — meaning — UTC)', width: 60, value: (e) => textCell(e.reviews.map(reviewLine).join('; ')) },
];

/** One pick of a requirement's sample, or the requirement itself when nothing was picked. */
interface SampleRow {
  requirement: PacketRequirement;
  pick: number | null;
}

const SAMPLE_COLUMNS: Column<SampleRow>[] = [
  { header: 'Requirement', width: 30, value: (s) => textCell(s.requirement.requirementId) },
  { header: 'Rule', width: 60, value: (s) => ruleInWords(s.requirement.sample.rule) },
  { header: 'Asked', width: 8, value: (s) => s.requirement.sample.asked },
  { header: 'Picked', width: 8, value: (s) => s.requirement.sample.picks.length },
  { header: 'Record ID', width: 13, value: (s) => (s.pick === null ? null : optionalText(s.requirement.sample.picks[s.pick] ?? null)) },
  { header: 'Person', width: 16, value: (s) => (s.pick === null ? null : optionalText(s.requirement.sample.shown[s.pick] ?? null)) },
];

function* sampleRows(requirements: readonly PacketRequirement[]): Generator<SampleRow> {
  for (const requirement of requirements) {
    if (requirement.sample.picks.length === 0) yield { requirement, pick: null };
    for (let pick = 0; pick < requirement.sample.picks.length; pick++) yield { requirement, pick };
  }
}

function* exceptionRows(requirements: readonly PacketRequirement[]): Generator<StatusRow> {
  for (const requirement of requirements) yield* requirement.exceptions;
}

const REQUEST_COLUMNS: Column<PacketRequest>[] = [
  { header: 'Request ID', width: 13, value: (q) => textCell(q.requestId) },
  { header: 'Code', width: 10, value: (q) => optionalText(q.requestCode) },
  { header: 'Control codes', width: 20, value: (q) => list(q.controlCodes) },
  { header: 'Details', width: 50, value: (q) => textCell(q.details) },
  { header: 'Assigned to', width: 14, value: (q) => optionalText(q.assignedTo) },
  { header: 'Due on', width: 12, numFmt: DATE_FORMAT, value: (q) => calendarDate(q.dueOn) },
  { header: 'Matched requirements', width: 30, value: (q) => list(q.matchedRequirementIds) },
  { header: 'Unmatched codes', width: 18, value: (q) => list(q.unmatchedCodes) },
  { header: 'Answered', width: 10, value: (q) => (q.answered ? 'yes' : 'NO') },
  { header: 'Folder', width: 30, value: (q) => textCell(q.folder) },
];

/**
 * Renders data/workbook.xlsx for a packet: sheets Summary, Matrix, Records, Exceptions, Evidence,
 * Sample and Requests.
 * @returns the file's bytes; the same model always gives the same bytes.
 * @throws CustodianError('internal') when `model.builtAt` is not an ISO 8601 instant.
 */
export async function renderWorkbook(model: PacketModel): Promise<Buffer> {
  const builtAt = parseInstant(model.builtAt);
  if (builtAt === null) throw new CustodianError('internal', `The packet's build time (${model.builtAt}) is not an ISO 8601 instant.`);
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  // The streaming writer: the plain Workbook holds every cell and the whole XML of a sheet at once
  // (over 2 GB and 20 s for 100,000 status rows).
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useStyles: true, useSharedStrings: true, zip: { zlib: { level: 6 } } });
  workbook.creator = 'Custodian';
  workbook.lastModifiedBy = 'Custodian';
  workbook.created = builtAt;
  workbook.modified = builtAt;

  addSummary(workbook, model);
  await addTable(workbook, 'Matrix', matrixColumns(new Map(model.scope.frameworks.map((f) => [f.id, f.title]))), model.requirements);
  await addTable(workbook, 'Records', statusColumns(), model.statusRows);
  await addTable(workbook, 'Exceptions', statusColumns(), exceptionRows(model.requirements), 'No exceptions in this packet.');
  await addTable(workbook, 'Evidence', EVIDENCE_COLUMNS, model.evidence);
  await addTable(workbook, 'Sample', SAMPLE_COLUMNS, sampleRows(model.requirements));
  await addTable(
    workbook,
    'Requests',
    REQUEST_COLUMNS,
    model.requests ?? [],
    model.requests === null ? 'No request list was given for this packet.' : undefined,
  );
  await workbook.commit();

  return stampZipEntries(Buffer.concat(chunks), builtAt);
}

/**
 * Sets every entry's modification time (local header and central directory) to `at`, in place:
 * exceljs's zip writer stamps entries with the current time. Only the DOS time and date fields
 * change, so sizes, offsets and CRCs stay valid. A time outside DOS's 1980-2107 is clamped.
 * @throws CustodianError('internal') when the bytes are not a zip as expected.
 */
function stampZipEntries(zip: Buffer, at: Date): Buffer {
  const clamped = new Date(Math.min(Math.max(at.getTime(), Date.UTC(1980, 0, 1)), Date.UTC(2107, 11, 31, 23, 59, 58)));
  const dosTime = (clamped.getUTCHours() << 11) | (clamped.getUTCMinutes() << 5) | (clamped.getUTCSeconds() >> 1);
  const dosDate = ((clamped.getUTCFullYear() - 1980) << 9) | ((clamped.getUTCMonth() + 1) << 5) | clamped.getUTCDate();

  const damaged = () => new CustodianError('internal', 'The workbook came out as a damaged zip file.');
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw damaged();
  const entries = zip.readUInt16LE(end + 10);
  let central = zip.readUInt32LE(end + 16);
  for (let i = 0; i < entries; i++) {
    if (zip.readUInt32LE(central) !== 0x02014b50) throw damaged();
    const local = zip.readUInt32LE(central + 42);
    if (zip.readUInt32LE(local) !== 0x04034b50) throw damaged();
    zip.writeUInt16LE(dosTime, central + 12);
    zip.writeUInt16LE(dosDate, central + 14);
    zip.writeUInt16LE(dosTime, local + 10);
    zip.writeUInt16LE(dosDate, local + 12);
    central += 46 + zip.readUInt16LE(central + 28) + zip.readUInt16LE(central + 30) + zip.readUInt16LE(central + 32);
  }
  return zip;
}

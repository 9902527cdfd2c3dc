import { createHash, randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { CustodianError } from '../../shared/errors';
import { auditRequestSchema } from '../../shared/packet/packetScope';
import type { AuditRequest } from '../../shared/packet/packetScope';
import type { ReadableDb } from '../db/database';
import type { VaultSession } from '../vault/vaultSession';

/**
 * An auditor's request list ("provided by client" list), as auditors' tools export it: one row
 * per request with the columns Request ID, Request Code, Control Code (one or a comma-separated
 * list), Details, Assigned To, Due On. Headers are matched without regard to case, spaces or
 * punctuation; other columns are ignored. CSV (UTF-8, with or without BOM) or XLSX (first sheet).
 */

const MAX_BYTES = 10 * 1024 * 1024;
const MAX_REQUESTS = 10_000;
const COLUMNS = {
  requestid: 'requestId',
  requestcode: 'requestCode',
  controlcode: 'controlCodes',
  controlcodes: 'controlCodes',
  details: 'details',
  assignedto: 'assignedTo',
  dueon: 'dueOn',
  duedate: 'dueOn',
} as const;
type Column = (typeof COLUMNS)[keyof typeof COLUMNS];

const headerKey = (text: string) => text.toLowerCase().replace(/[^a-z]/g, '');

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const v = value as { text?: unknown; result?: unknown; richText?: { text: string }[] };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if (typeof v.text === 'string') return v.text;
    if (v.result !== undefined) return cellText(v.result);
    return '';
  }
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

/** A due date as YYYY-MM-DD from ISO, US (M/D/YYYY) or an XLSX date. @returns null for none. */
function dueDate(text: string, row: number): string | null {
  const t = text.trim();
  if (t === '') return null;
  const iso = /^(\d{4})-(\d{2})-(\d{2})/.exec(t);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
  const date = iso
    ? `${iso[1] ?? ''}-${iso[2] ?? ''}-${iso[3] ?? ''}`
    : us
      ? `${us[3] ?? ''}-${(us[1] ?? '').padStart(2, '0')}-${(us[2] ?? '').padStart(2, '0')}`
      : null;
  if (date === null || Number.isNaN(Date.parse(`${date}T00:00:00Z`)) || new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) {
    throw new CustodianError('validation_failed', `Row ${String(row)}: Due On "${t}" is not a date (use YYYY-MM-DD or M/D/YYYY).`);
  }
  return date;
}

async function tableOf(bytes: Buffer, name: string): Promise<string[][]> {
  if (extname(name).toLowerCase() === '.xlsx') {
    const workbook = new ExcelJS.Workbook();
    try {
      await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    } catch (error) {
      throw new CustodianError('validation_failed', `${name} is not a readable XLSX workbook (${error instanceof Error ? error.message : String(error)}).`);
    }
    const sheet = workbook.worksheets[0];
    if (!sheet) throw new CustodianError('validation_failed', `${name} has no sheet.`);
    const rows: string[][] = [];
    sheet.eachRow({ includeEmpty: false }, (row) => {
      const values = row.values as unknown[];
      rows.push(values.slice(1).map(cellText));
    });
    return rows;
  }
  try {
    const rows: string[][] = parse(bytes, { bom: true, relax_column_count: true, skip_empty_lines: true });
    return rows;
  } catch (error) {
    throw new CustodianError('validation_failed', `${name} is not a readable CSV file (${error instanceof Error ? error.message : String(error)}).`);
  }
}

/** Parses a request list. @throws CustodianError('validation_failed') naming the row and column at fault. */
export async function parseRequestList(bytes: Buffer, name: string): Promise<AuditRequest[]> {
  if (bytes.length > MAX_BYTES) throw new CustodianError('validation_failed', `${name} is larger than 10 MB: a request list is not.`);
  const table = await tableOf(bytes, name);
  const header = table[0];
  if (!header) throw new CustodianError('validation_failed', `${name} is empty.`);
  const columns = new Map<Column, number>();
  header.forEach((text, index) => {
    const column = COLUMNS[headerKey(text) as keyof typeof COLUMNS] as Column | undefined;
    if (column && !columns.has(column)) columns.set(column, index);
  });
  for (const required of ['requestId', 'controlCodes'] as const) {
    if (!columns.has(required)) {
      throw new CustodianError(
        'validation_failed',
        `${name} has no "${required === 'requestId' ? 'Request ID' : 'Control Code'}" column. Expected columns: Request ID, Request Code, Control Code, Details, Assigned To, Due On.`,
      );
    }
  }
  const requests: AuditRequest[] = [];
  const seen = new Set<string>();
  for (let i = 1; i < table.length; i++) {
    const cells = table[i] ?? [];
    const get = (column: Column) => {
      const index = columns.get(column);
      return index === undefined ? '' : (cells[index] ?? '').trim();
    };
    if (cells.every((c) => c.trim() === '')) continue;
    const requestId = get('requestId');
    if (requestId === '') throw new CustodianError('validation_failed', `Row ${String(i + 1)} of ${name} has no Request ID.`);
    if (seen.has(requestId.toLowerCase())) throw new CustodianError('validation_failed', `Request ID ${requestId} appears twice in ${name}.`);
    seen.add(requestId.toLowerCase());
    const parsed = auditRequestSchema.safeParse({
      requestId,
      requestCode: get('requestCode') || null,
      controlCodes: get('controlCodes')
        .split(/[,;\n]/)
        .map((c) => c.trim())
        .filter((c) => c !== ''),
      details: get('details'),
      assignedTo: get('assignedTo') || null,
      dueOn: dueDate(get('dueOn'), i + 1),
    });
    if (!parsed.success) {
      throw new CustodianError(
        'validation_failed',
        `Row ${String(i + 1)} of ${name}: ${parsed.error.issues.map((x) => `${x.path.join('.')} ${x.message}`).join('; ')}.`,
      );
    }
    requests.push(parsed.data);
    if (requests.length > MAX_REQUESTS) throw new CustodianError('validation_failed', `${name} has more than ${String(MAX_REQUESTS)} requests.`);
  }
  if (requests.length === 0) throw new CustodianError('validation_failed', `${name} has a header but no requests.`);
  return requests;
}

/** A control code or clause compared loosely: lower case, "§" dropped, spaces collapsed, no trailing dot. */
function normalCode(code: string): string {
  return code.toLowerCase().replace(/§/g, ' ').replace(/\s+/g, ' ').trim().replace(/\.$/, '');
}

/**
 * Whether a request's control code names a requirement's clause: the shorter of the two occurs
 * in the longer as whole words (after the start or a space), followed by its end or more detail
 * after "(" or "." — so "164.308(a)(5)" names "45 CFR 164.308(a)(5)(i)", "CC1" names "CC1.4",
 * "AT-2(2)" is named by clause "AT-2"; never a different number ("164.3" is not "164.308") or
 * a sibling ("164.308(a)(5)(ii)" is not "164.308(a)(5)(i)").
 */
export function codeMatchesClause(code: string, clause: string): boolean {
  const a = normalCode(code);
  const b = normalCode(clause);
  if (a === '' || b === '') return false;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  for (let at = long.indexOf(short); at >= 0; at = long.indexOf(short, at + 1)) {
    const before = at === 0 ? ' ' : long.charAt(at - 1);
    const after = long.charAt(at + short.length);
    if (before === ' ' && (after === '' || after === '(' || after === '.')) return true;
  }
  return false;
}

export function matchRequest(
  request: AuditRequest,
  clauses: readonly { requirementId: string; clause: string | null }[],
): { matched: string[]; unmatched: string[] } {
  const matched = new Set<string>();
  const unmatched: string[] = [];
  for (const code of request.controlCodes) {
    const hits = clauses.filter((c) => c.clause !== null && codeMatchesClause(code, c.clause));
    if (hits.length === 0) unmatched.push(code);
    for (const hit of hits) matched.add(hit.requirementId);
  }
  return { matched: [...matched].sort(), unmatched };
}

/** Reads, checks and stores a request list (logged `requests.import`); it becomes the newest. */
export async function importRequestList(session: VaultSession, file: string): Promise<{ listId: string; requests: AuditRequest[] }> {
  session.require('packet.export', 'import an auditor request list');
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) throw new CustodianError('not_found', `${file}: no such file.`);
  if (info.size > MAX_BYTES) throw new CustodianError('validation_failed', `${basename(file)} is larger than 10 MB: a request list is not.`);
  const bytes = await readFile(file);
  const requests = await parseRequestList(bytes, basename(file));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const listId = randomUUID();
  const now = new Date().toISOString();
  await session.mutate((db) => {
    db.run('INSERT INTO request_lists (id, file_name, file_sha256, imported_at, imported_by) VALUES (?, ?, ?, ?, ?)', [
      listId,
      basename(file),
      sha256,
      now,
      session.principal.name,
    ]);
    requests.forEach((r, position) => {
      db.run(
        'INSERT INTO audit_requests (list_id, position, request_id, request_code, control_codes, details, assigned_to, due_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [listId, position, r.requestId, r.requestCode, JSON.stringify(r.controlCodes), r.details, r.assignedTo, r.dueOn],
      );
    });
    return {
      result: undefined,
      events: [{ action: 'requests.import', target: listId, after: sha256, reason: `${String(requests.length)} requests from ${basename(file)}` }],
    };
  });
  return { listId, requests };
}

/** The newest imported request list, or null when none was imported. */
export function newestRequestList(db: ReadableDb): { listId: string; fileName: string; requests: AuditRequest[] } | null {
  const list = db.get<{ id: string; file_name: string }>('SELECT id, file_name FROM request_lists ORDER BY imported_at DESC, rowid DESC LIMIT 1');
  if (!list) return null;
  const rows = db.all<{
    request_id: string;
    request_code: string | null;
    control_codes: string;
    details: string;
    assigned_to: string | null;
    due_on: string | null;
  }>('SELECT request_id, request_code, control_codes, details, assigned_to, due_on FROM audit_requests WHERE list_id = ? ORDER BY position', [list.id]);
  return {
    listId: list.id,
    fileName: list.file_name,
    requests: rows.map((r) => ({
      requestId: r.request_id,
      requestCode: r.request_code,
      controlCodes: JSON.parse(r.control_codes) as string[],
      details: r.details,
      assignedTo: r.assigned_to,
      dueOn: r.due_on,
    })),
  };
}

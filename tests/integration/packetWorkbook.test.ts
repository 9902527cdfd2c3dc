import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PacketModel } from '../../src/core/packet/packetModel';
import { renderWorkbook } from '../../src/core/packet/packetWorkbook';
import { packetModelFixture } from '../support/packetModelFixture';
import { tempDir } from '../support/tempVault';

// data/workbook.xlsx judged from outside by Debian's openpyxl: what it reads (sheets, typed
// cells, panes, filters, formulas) is what an auditor's spreadsheet would.

const temp = tempDir('custodian-packet-workbook-');
afterAll(() => temp.cleanup());
afterEach(() => {
  vi.useRealTimers();
});

/** A JSON view of every cell: dates as { date, format }, formulas as { formula }, numbers and text as themselves. */
const DUMP = String.raw`
import datetime, json, re, sys, zipfile, openpyxl
path = sys.argv[1]
def cell(c):
    if c.data_type == 'f':
        return {'formula': c.value}
    if isinstance(c.value, datetime.datetime):
        return {'date': c.value.isoformat(), 'format': c.number_format}
    return c.value
wb = openpyxl.load_workbook(path)
sheets = {}
for ws in wb.worksheets:
    cells = [c for row in ws.iter_rows() for c in row]
    widths = {}
    for dim in ws.column_dimensions.values():
        if dim.customWidth:
            for i in range(dim.min, dim.max + 1):
                widths[i] = dim.width
    sheets[ws.title] = {
        'freeze': ws.freeze_panes,
        'filter': ws.auto_filter.ref,
        'rows': [[cell(c) for c in row] for row in ws.iter_rows()],
        'formulas': [c.coordinate for c in cells if c.data_type == 'f'],
        'boldHeader': all(c.font.b for c in ws[1] if c.value is not None),
        'widths': [widths.get(i) for i in range(1, ws.max_column + 1)],
    }
with zipfile.ZipFile(path) as z:
    archive = {
        'damaged': z.testzip(),
        'times': sorted({'%04d-%02d-%02dT%02d:%02d:%02d' % i.date_time for i in z.infolist()}),
        'formulaElements': [n for n in z.namelist() if n.startswith('xl/worksheets/') and re.search(r'<f[ >/]', z.read(n).decode())],
    }
p = wb.properties
print(json.dumps({'names': wb.sheetnames, 'sheets': sheets, 'zip': archive,
    'core': {'creator': p.creator, 'lastModifiedBy': p.lastModifiedBy, 'created': p.created.isoformat(), 'modified': p.modified.isoformat()}}))
`;

type Value = string | number | { date: string; format: string } | { formula: string } | null;
interface Dump {
  names: string[];
  sheets: Record<string, { freeze: string | null; filter: string | null; rows: Value[][]; formulas: string[]; boldHeader: boolean; widths: (number | null)[] }>;
  zip: { damaged: string | null; times: string[]; formulaElements: string[] };
  core: { creator: string; lastModifiedBy: string; created: string; modified: string };
}

function dump(bytes: Uint8Array, name: string): Dump {
  const path = join(temp.dir, name);
  writeFileSync(path, bytes);
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', DUMP, path], { encoding: 'utf8', maxBuffer: 64 << 20 })) as Dump;
}

function sheet(d: Dump, name: string) {
  const found = d.sheets[name];
  if (!found) throw new Error(`no sheet ${name}`);
  return found;
}

const text = (value: Value | undefined): string => (typeof value === 'string' ? value : JSON.stringify(value ?? null));

/** The sheet's data rows as objects keyed by its header row. */
function table(d: Dump, name: string): Record<string, Value>[] {
  const [header = [], ...rows] = sheet(d, name).rows;
  return rows.map((row) => Object.fromEntries(header.map((h, i) => [text(h), row[i] ?? null])));
}

/** The Summary's label → value rows. */
function summary(d: Dump): Map<string, Value> {
  return new Map(sheet(d, 'Summary').rows.map((row) => [text(row[0]), row[1] ?? null]));
}

const strings = (d: Dump): string[] => Object.values(d.sheets).flatMap((s) => s.rows.flat().filter((v): v is string => typeof v === 'string'));
const unsafe = (d: Dump): string[] => strings(d).filter((value) => /^[=+\-@\t\r]/.test(value));

/** The fixture, with more hostile text where a vault could hold it. */
function hostileModel(rows = 40): PacketModel {
  const model = packetModelFixture(rows);
  model.organisation = '=1+1 Hospital';
  const [first, second, third] = model.statusRows;
  if (!first || !second || !third) throw new Error('fixture too small');
  first.courseCode = '\t=cmd|"/c calc"!A1';
  second.person = 'P-\u0000100\u0007001\u000B\uD800\uFFFF';
  second.completedOn = '2025-04';
  // exceljs drops these characters as it writes: what follows them must still be neutralised.
  third.unit = '\u0001=1+2';
  third.courseCode = '\u007F-3+4';
  const request = model.requests?.[0];
  if (!request) throw new Error('fixture has no request');
  request.details = '_x003D_SUM(A1) is no formula';
  const empty = model.requirements[1];
  if (!empty) throw new Error('fixture has one requirement');
  empty.title = `${'Long title '.repeat(4000)}end`;
  return model;
}

const SHEETS = ['Summary', 'Matrix', 'Records', 'Exceptions', 'Evidence', 'Sample', 'Requests'];
let model: PacketModel;
let bytes: Buffer;
let book: Dump;

beforeAll(async () => {
  model = hostileModel();
  bytes = await renderWorkbook(model);
  book = dump(bytes, 'workbook.xlsx');
});

describe('the packet workbook', () => {
  it('has the sheets in order, opens, and every table has a bold frozen header, a filter and column widths', () => {
    expect(book.names).toEqual(SHEETS);
    expect(book.zip.damaged).toBeNull();
    for (const name of SHEETS.slice(1)) {
      const s = sheet(book, name);
      expect(s.freeze, name).toBe('A2');
      const width = s.rows[0]?.length ?? 0;
      const lastColumn = String.fromCharCode(64 + width);
      expect(s.filter, name).toBe(`A1:${lastColumn}${String(s.rows.length)}`);
      expect(s.boldHeader, name).toBe(true);
      expect(
        s.widths.every((w) => w !== null && w >= 8),
        `${name} widths ${JSON.stringify(s.widths)}`,
      ).toBe(true);
    }
    expect(table(book, 'Records')).toHaveLength(model.statusRows.length);
    expect(table(book, 'Exceptions')).toHaveLength(model.requirements.reduce((n, r) => n + r.exceptions.length, 0));
    expect(table(book, 'Matrix').map((r) => r.Requirement)).toEqual(model.requirements.map((r) => r.requirementId));
    // Excel's limit is 32,767 characters a cell: longer text is cut, and says so.
    const title = text(table(book, 'Matrix')[1]?.Title);
    expect(title).toHaveLength(32_767);
    expect(title.startsWith('Long title Long title')).toBe(true);
    expect(title.endsWith(' [truncated]')).toBe(true);
  });

  it('writes calendar dates and instants as dates, counts and scores as numbers, bands and generalised dates as text', () => {
    const records = table(book, 'Records');
    expect(records.map((r) => r['Due on'])).toEqual(records.map(() => ({ date: '2026-03-01T00:00:00', format: 'yyyy-mm-dd' })));
    expect(records[2]?.['Completed on']).toEqual({ date: '2025-04-02T00:00:00', format: 'yyyy-mm-dd' });
    expect(records[1]?.['Completed on']).toBe('2025-04');
    expect(records[0]?.Score).toBe(91);
    expect(records[1]?.Score).toBe('80–89');
    expect(records[0]?.Status).toBe('Expired');
    expect(records.filter((r) => r.Sampled === 'yes')).toHaveLength(29);

    const fields = summary(book);
    expect(fields.get('Built at (UTC)')).toEqual({ date: '2026-12-01T09:30:00', format: 'yyyy-mm-dd hh:mm:ss' });
    expect(fields.get('Period to (statuses as of)')).toEqual({ date: '2026-06-30T00:00:00', format: 'yyyy-mm-dd' });
    expect(fields.get('Audit-log checkpoint: entries')).toBe(1234);
    const overall = sheet(book, 'Summary').rows.find((row) => row[0] === 'All frameworks' && row[1] === 'Score (0–100)');
    expect(overall?.[4]).toBe(82.5);

    const matrix = table(book, 'Matrix')[0];
    expect(matrix).toMatchObject({ Population: 40, Compliant: 30, Expired: 10, 'Due soon': 0, Exceptions: 10, 'Sample size': 29 });
    expect(table(book, 'Evidence')[0]).toMatchObject({
      'Size (bytes)': 48213,
      Redacted: 'yes',
      'Reviews (printed name — meaning — UTC)': 'Rita Reviewer — approved — 2026-11-02 14:05:00 UTC',
    });
    expect(table(book, 'Requests').map((r) => [r['Request ID'], r['Due on'], r.Answered])).toEqual([
      ['REQ-001', { date: '2026-12-15T00:00:00', format: 'yyyy-mm-dd' }, 'yes'],
      ['REQ-002', null, 'NO'],
    ]);
    expect(table(book, 'Sample').map((r) => r['Record ID'])).toEqual([...(model.requirements[0]?.sample.picks ?? []), null]);
  });

  it('holds no formula, and every text that began with = + - @ tab or CR is neutralised', () => {
    expect(Object.values(book.sheets).flatMap((s) => s.formulas)).toEqual([]);
    expect(book.zip.formulaElements).toEqual([]);
    expect(unsafe(book)).toEqual([]);
    // The checks saw the hostile values, neutralised.
    const texts = strings(book);
    for (const hostile of [
      '\'=HYPERLINK("http://evil.example","x")',
      "'+Nurse",
      "'@Main",
      "'-2+3 cmd|calc",
      "'=1+1 Hospital",
      '\'\t=cmd|"/c calc"!A1',
      "'=1+2",
      "'-3+4",
    ]) {
      expect(texts).toContain(hostile);
    }
    // Characters XML 1.0 forbids are dropped (the file opened above).
    expect(table(book, 'Records')[1]?.Person).toBe('P-100001');
  });

  it('keeps text that looks like an OOXML escape as it is, as a reader that decodes _xHHHH_ (Excel, exceljs) shows it', async () => {
    // openpyxl 3.0 decodes only _x005F_, so exceljs is the judge here: it decodes every _xHHHH_.
    const read = new ExcelJS.Workbook();
    await read.xlsx.load(new Uint8Array(bytes).buffer);
    expect(read.getWorksheet('Requests')?.getCell('D2').value).toBe('_x003D_SUM(A1) is no formula');
    expect(table(book, 'Requests')[0]?.Details).toBe('_x003D_SUM(A1) is no formula');
  });

  it('the formula and neutralisation checks catch a workbook that has them', async () => {
    const control = new ExcelJS.Workbook();
    const ws = control.addWorksheet('Control');
    ws.getCell('A1').value = { formula: '1+1', result: 2 };
    ws.getCell('A2').value = '=2+2';
    const d = dump(Buffer.from(await control.xlsx.writeBuffer()), 'control.xlsx');
    expect(sheet(d, 'Control').formulas).toEqual(['A1']);
    expect(d.zip.formulaElements).toEqual(['xl/worksheets/sheet1.xml']);
    expect(unsafe(d)).toEqual(['=2+2']);
  });

  it('takes its document and zip times from builtAt, and says Custodian made it', () => {
    expect(book.core).toEqual({ creator: 'Custodian', lastModifiedBy: 'Custodian', created: '2026-12-01T09:30:00', modified: '2026-12-01T09:30:00' });
    expect(book.zip.times).toEqual(['2026-12-01T09:30:00']);
  });

  it('gives the same bytes whatever the clock and the time zone', async () => {
    const big = hostileModel(3000);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2001-02-03T04:05:06Z'));
    const first = await renderWorkbook(big);
    vi.setSystemTime(new Date('2031-07-08T09:10:11Z'));
    const tz = process.env.TZ;
    let others: Buffer[];
    try {
      process.env.TZ = 'Pacific/Kiritimati';
      const east = await renderWorkbook(big);
      process.env.TZ = 'America/Los_Angeles';
      const west = await renderWorkbook(big);
      others = [east, west];
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
    for (const other of others) expect(other.equals(first)).toBe(true);
    // And a different model gives different bytes (the comparison can fail).
    big.organisation = 'Another Hospital';
    expect((await renderWorkbook(big)).equals(first)).toBe(false);
    // At UTC+14 a local midnight is 10:00 the day before in UTC: the day must not move.
    const east = table(dump(others[0] ?? Buffer.alloc(0), 'east.xlsx'), 'Records');
    expect(east[0]?.['Due on']).toEqual({ date: '2026-03-01T00:00:00', format: 'yyyy-mm-dd' });
  });

  it('says so when no request list was given, and keeps an empty exceptions table readable', async () => {
    const bare = packetModelFixture(4);
    bare.requests = null;
    for (const requirement of bare.requirements) requirement.exceptions = [];
    const d = dump(await renderWorkbook(bare), 'bare.xlsx');
    expect(table(d, 'Requests').map((r) => r['Request ID'])).toEqual(['No request list was given for this packet.']);
    expect(table(d, 'Exceptions').map((r) => r.Requirement)).toEqual(['No exceptions in this packet.']);
    expect(sheet(d, 'Requests').filter).toBe('A1:J2');
  });
});

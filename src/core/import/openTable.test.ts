import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../tests/support/tempVault';
import { CustodianError } from '../../shared/errors';
import type { Cell, OpenTableOptions, TableSource } from './openTable';
import { IMPORT_LIMITS, openTable } from './openTable';
import { sniffDelimiter } from './sniffDelimiter';
import { openBoundedZip } from './zipBounds';

let temp: ReturnType<typeof tempDir>;
beforeAll(() => {
  temp = tempDir('custodian-import-');
});
afterAll(() => {
  temp.cleanup();
});

function write(name: string, content: string | Uint8Array): string {
  const file = join(temp.dir, name);
  writeFileSync(file, content);
  return file;
}

async function collect(source: TableSource): Promise<{ row: number; cells: Cell[] }[]> {
  const rows: { row: number; cells: Cell[] }[] = [];
  for await (const batch of source.batches) rows.push(...batch);
  return rows;
}

async function readAll(file: string, options?: OpenTableOptions): Promise<{ source: TableSource; rows: { row: number; cells: Cell[] }[] }> {
  const source = await openTable(file, options);
  return { source, rows: await collect(source) };
}

/** The CustodianError('validation_failed') message that opening and reading `file` ends in. */
async function failure(file: string, options?: OpenTableOptions): Promise<string> {
  try {
    await readAll(file, options);
  } catch (error) {
    if (error instanceof CustodianError && error.code === 'validation_failed') return error.message;
    throw error;
  }
  throw new Error(`${file} was read without error`);
}

function utf16be(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

const PEOPLE = 'Name,Course,Completed\nZoë Brontë,Fire safety,2024-03-05\nJosé Núñez,HIPAA basics,2024-04-01\n';
const PEOPLE_ROWS = [
  { row: 2, cells: ['Zoë Brontë', 'Fire safety', '2024-03-05'] },
  { row: 3, cells: ['José Núñez', 'HIPAA basics', '2024-04-01'] },
];

describe('CSV encodings', () => {
  it('reads UTF-8', async () => {
    const file = write('utf8.csv', PEOPLE);
    const { source, rows } = await readAll(file);
    expect(source).toMatchObject({ format: 'csv', encoding: 'utf-8', delimiter: ',', headers: ['Name', 'Course', 'Completed'], warnings: [] });
    expect(source.sheet).toBeUndefined();
    expect(rows).toEqual(PEOPLE_ROWS);
    expect((await openTable(file, { sheet: 'People' })).warnings).toEqual(['a CSV file has no sheets; "People" was ignored']);
  });

  it('reads UTF-8 with a BOM, which does not reach the first header', async () => {
    const { source, rows } = await readAll(write('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(PEOPLE)])));
    expect(source.encoding).toBe('utf-8-bom');
    expect(source.headers[0]).toBe('Name');
    expect(rows).toEqual(PEOPLE_ROWS);
  });

  it('reads UTF-16 LE and BE with a BOM', async () => {
    const le = await readAll(write('le.csv', Buffer.from(`\uFEFF${PEOPLE}`, 'utf16le')));
    expect(le.source.encoding).toBe('utf-16le');
    expect(le.source.headers).toEqual(['Name', 'Course', 'Completed']);
    expect(le.rows).toEqual(PEOPLE_ROWS);
    const be = await readAll(write('be.csv', utf16be(`\uFEFF${PEOPLE}`)));
    expect(be.source.encoding).toBe('utf-16be');
    expect(be.rows).toEqual(PEOPLE_ROWS);
  });

  it('detects Windows-1252 and says so', async () => {
    // é is 0xE9 and ’ is 0x92 in Windows-1252; neither byte sequence is valid UTF-8.
    const bytes = Buffer.concat([Buffer.from('Name,Note\nRen'), Buffer.from([0xe9]), Buffer.from(',O'), Buffer.from([0x92]), Buffer.from('Brien\n')]);
    const { source, rows } = await readAll(write('cp1252.csv', bytes));
    expect(source.encoding).toBe('windows-1252');
    expect(source.warnings).toContain('decoded as Windows-1252 (not valid UTF-8)');
    expect(rows).toEqual([{ row: 2, cells: ['René', 'O’Brien'] }]);
  });

  it('names the line of invalid UTF-8 found after the sampled start', async () => {
    const lines = Array.from({ length: 60_000 }, (_, i) => `person ${i},course ${i}`).join('\n');
    expect(lines.length).toBeGreaterThan(IMPORT_LIMITS.encodingSampleBytes);
    const file = write('late-bad-utf8.csv', Buffer.concat([Buffer.from(`Name,Course\n${lines}\nRen`), Buffer.from([0xe9]), Buffer.from(',x\n')]));
    expect(await failure(file)).toMatch(/not valid UTF-8 text \(first bad byte on line 60002\)/);
  });
});

describe('CSV dialects', () => {
  it('sniffs semicolon and tab delimiters', async () => {
    const semicolon = await readAll(write('semi.csv', 'Name;Score;Note\nAda;1,5;"a;b"\nBob;2,0;x\n'));
    expect(semicolon.source.delimiter).toBe(';');
    expect(semicolon.rows[0]).toEqual({ row: 2, cells: ['Ada', '1,5', 'a;b'] });
    const tab = await readAll(write('tab.tsv', 'Name\tScore\nAda\t1,5\n'));
    expect(tab.source.delimiter).toBe('\t');
    expect(tab.rows).toEqual([{ row: 2, cells: ['Ada', '1,5'] }]);
  });

  it('reads quoted delimiters, newlines and doubled quotes, numbering rows as a spreadsheet does', async () => {
    const text = 'Name,Note,Score\r\n"Smith, Ann","line one\r\nline two",1\r\n\r\n"Said ""hi""",,2\r\nLast\r\n';
    const { source, rows } = await readAll(write('quoted.csv', text));
    expect(source.delimiter).toBe(',');
    expect(rows).toEqual([
      { row: 2, cells: ['Smith, Ann', 'line one\r\nline two', '1'] },
      { row: 4, cells: ['Said "hi"', null, '2'] },
      { row: 5, cells: ['Last', null, null] },
    ]);
  });

  it('prefers the delimiter that is consistent across lines', () => {
    expect(sniffDelimiter('a|b|c\n1|2,5|3\n4|5|6\n', true)).toBe('|');
    expect(sniffDelimiter('"a,b";c\n"1,2";3\n', true)).toBe(';');
    expect(sniffDelimiter('only\none\n', true)).toBe(',');
  });

  it('takes the first non-empty row as the header and trims it', async () => {
    const { source, rows } = await readAll(write('blank-start.csv', '\n,,\n  Name , Course ,,\nAda,Fire,\n,,\n'));
    expect(source.headers).toEqual(['Name', 'Course']);
    expect(rows).toEqual([{ row: 4, cells: ['Ada', 'Fire'] }]);
  });
});

describe('bad CSV', () => {
  it('names the line of an unbalanced quote', async () => {
    const message = await failure(write('unbalanced.csv', 'Name,Note\nAda,fine\nBob,ok\n"Cy,never closed\nDee,x\n'));
    expect(message).toMatch(/unbalanced quote/);
    expect(message).toMatch(/line 4/);
  });

  it('names the line where the broken row starts when earlier rows span lines', async () => {
    const message = await failure(write('multiline.csv', 'Name,Note\n"Ann","two\nlines"\nBob,"three\n\nlines"\n"Cy,never closed\nDee,x\n'));
    expect(message).toMatch(/unbalanced quote.*starting on line 7/);
  });

  it('names the line of an unbalanced quote far into a large file', async () => {
    const body = Array.from({ length: 50_000 }, (_, i) => `p${i},n${i}`).join('\n');
    const message = await failure(write('unbalanced-late.csv', `Name,Note\n${body}\n"Cy,x\n`));
    expect(message).toMatch(/unbalanced quote.*line 50002/);
  });

  it('refuses a single line of more than 10 MB', async () => {
    const line = 'x'.repeat(10 * 1024 * 1024 + 1);
    expect(await failure(write('long-header.csv', line))).toMatch(/row longer than 1 MiB starting on line 1/);
    expect(await failure(write('long-row.csv', `Name\n${line}\n`))).toMatch(/row longer than 1 MiB starting on line 2/);
  });

  it('says when the file is empty, blank or has only a header', async () => {
    expect(await failure(write('empty.csv', ''))).toMatch(/is empty/);
    expect(await failure(write('bom-only.csv', Buffer.from([0xef, 0xbb, 0xbf])))).toMatch(/is empty/);
    expect(await failure(write('blank.csv', '\n  \r\n\t\n'))).toMatch(/is empty/);
    expect(await failure(write('header.csv', 'Name,Course\n\n'))).toMatch(/no data rows after the header/);
  });

  it('refuses a row with more values than the header', async () => {
    expect(await failure(write('extra.csv', 'Name,Course\nAda,Fire\nSmith, Ann,Fire\n'))).toMatch(/row 3 has 3 values but the header has 2 columns/);
  });

  it('says what a file that is not CSV really is', async () => {
    expect(await failure(write('report.csv', '%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n'))).toMatch(/"report.csv" is a PDF document/);
    const zip = write('archive.csv', Buffer.from('504b0506000000000000000000000000000000000000', 'hex'));
    expect(await failure(zip)).toMatch(/"archive.csv" is a ZIP archive, not an Excel workbook/);
    expect(await failure(write('blob.csv', Buffer.from([1, 2, 0, 0, 5, 0, 0, 0, 9, 0xff, 0, 0])))).toMatch(/is a binary file/);
    expect(await failure(write('page.csv', '<!DOCTYPE html><html><table></table></html>'))).toMatch(/is a web page/);
    expect(await failure(write('nobom16.csv', Buffer.from('Name,Course\nAda,Fire\n', 'utf16le')))).toMatch(/UTF-16 text without a byte-order mark/);
  });

  it('refuses to read rows of a file that changed after it was opened', async () => {
    const file = write('changing.csv', PEOPLE);
    const source = await openTable(file);
    writeFileSync(file, `${PEOPLE}Extra,Row,2024-05-01\n`);
    await expect(collect(source)).rejects.toThrow(/changed after it was opened/);
  });

  it('can iterate the rows twice', async () => {
    const source = await openTable(write('twice.csv', PEOPLE));
    expect(await collect(source)).toEqual(PEOPLE_ROWS);
    expect(await collect(source)).toEqual(PEOPLE_ROWS);
  });
});

describe('files whose name lies', () => {
  it('refuses a text file named .xlsx, saying it is text', async () => {
    expect(await failure(write('people.xlsx', PEOPLE))).toMatch(/"people.xlsx" is a text file \(it looks like CSV\), not an Excel workbook/);
  });

  it('refuses an OLE2 (password-protected or .xls) file named .xlsx', async () => {
    const ole2 = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(504)]);
    expect(await failure(write('protected.xlsx', ole2))).toMatch(/password-protected or legacy \.xls workbook; save it unprotected as \.xlsx or CSV/);
  });

  it('refuses a workbook named .csv, saying it is a workbook', async () => {
    const file = join(temp.dir, 'workbook.csv');
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('S').addRows([['Name'], ['Ada']]);
    await workbook.xlsx.writeFile(file);
    expect(await failure(file)).toMatch(/is an Excel workbook \(\.xlsx\) although its name says CSV/);
  });
});

const DAY = Date.UTC(2024, 2, 5);

async function writeWorkbook(file: string): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  const people = workbook.addWorksheet('People');
  people.addRow(['Name', 'Completed', 'Score', 'Double', 'Note', 'Link', 'Check', 'Passed']);
  people.addRow([
    'Zoë Brontë ’',
    new Date(DAY),
    42,
    { formula: 'C2*2', result: 84 },
    { richText: [{ text: 'bo', font: { bold: true } }, { text: 'ld' }] },
    { text: 'policy', hyperlink: 'https://example.org/policy' },
    { error: '#N/A' },
    true,
  ]);
  people.addRow([]);
  people.addRow(['Ann', null, 7.5, null, null, null, null, false, 'stray note']);
  const dates = people.getColumn(2);
  dates.numFmt = 'yyyy-mm-dd';
  const second = workbook.addWorksheet('Second term');
  second.addRow(['Course']);
  second.addRow(['HIPAA']);
  await workbook.xlsx.writeFile(file);
}

describe('XLSX', () => {
  it('reads values, dates, cached formula results, rich text, links and errors from the first sheet', async () => {
    const file = join(temp.dir, 'book.xlsx');
    await writeWorkbook(file);
    const { source, rows } = await readAll(file);
    expect(source).toMatchObject({ format: 'xlsx', sheet: 'People', headers: ['Name', 'Completed', 'Score', 'Double', 'Note', 'Link', 'Check', 'Passed'] });
    expect(source.encoding).toBeUndefined();
    expect(rows).toEqual([
      { row: 2, cells: ['Zoë Brontë ’', new Date(DAY), 42, 84, 'bold', 'policy', '#N/A', true] },
      { row: 4, cells: ['Ann', null, 7.5, null, null, null, null, false] },
    ]);
    expect(source.warnings).toContain('read sheet "People", the first of 2 sheets (choose another with --sheet)');
    expect(source.warnings).toContain('values in columns without a header were ignored (first: row 4, column I)');
  });

  it('reads the sheet named by `sheet`, and lists the sheets when the name is unknown', async () => {
    const file = join(temp.dir, 'book2.xlsx');
    await writeWorkbook(file);
    const { source, rows } = await readAll(file, { sheet: 'second term' });
    expect(source.sheet).toBe('Second term');
    expect(source.headers).toEqual(['Course']);
    expect(rows).toEqual([{ row: 2, cells: ['HIPAA'] }]);
    expect(await failure(file, { sheet: 'Third' })).toMatch(/has no sheet named "Third". Its sheets are: "People", "Second term"\./);
  });

  it('keeps multi-byte characters intact across chunk boundaries', async () => {
    const file = join(temp.dir, 'wide.xlsx');
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('S');
    sheet.addRow(['Name']);
    const names = Array.from({ length: 5000 }, (_, i) => `Zoë ’ 張偉 ${i}`);
    for (const name of names) sheet.addRow([name]);
    await workbook.xlsx.writeFile(file);
    const { rows } = await readAll(file);
    expect(rows.map((row) => row.cells[0])).toEqual(names);
  });

  it('says when a sheet is empty or has only a header', async () => {
    const file = join(temp.dir, 'thin.xlsx');
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Empty');
    workbook.addWorksheet('Header').addRow(['Name', 'Course']);
    await workbook.xlsx.writeFile(file);
    expect(await failure(file)).toMatch(/Sheet "Empty" of "thin.xlsx" is empty/);
    expect(await failure(file, { sheet: 'Header' })).toMatch(/no data rows after the header/);
  });

  it('refuses a damaged workbook', async () => {
    const file = join(temp.dir, 'book3.xlsx');
    await writeWorkbook(file);
    const bytes = readFileSync(file);
    expect(await failure(write('truncated.xlsx', bytes.subarray(0, bytes.length - 200)))).toMatch(/is damaged/);
    expect(await failure(write('garbage.xlsx', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(2000, 7)])))).toMatch(/is damaged/);
  });

  it('refuses a part that inflates past the size its directory declares', async () => {
    const file = join(temp.dir, 'liar.xlsx');
    await writeWorkbook(file);
    const bytes = readFileSync(file);
    // Central directory headers: signature 50 4b 01 02, uncompressed size at +24, name at +46.
    const name = Buffer.from('xl/worksheets/sheet1.xml');
    for (let at = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); at !== -1; at = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at + 4)) {
      const nameLength = bytes.readUInt16LE(at + 28);
      if (bytes.subarray(at + 46, at + 46 + nameLength).equals(name)) bytes.writeUInt32LE(100, at + 24);
    }
    expect(await failure(write('liar.xlsx', bytes))).toMatch(/does not inflate to the size its directory declares/);
  });

  it('refuses a ZIP whose entries add up past the bound, before inflating', async () => {
    const file = join(temp.dir, 'book4.xlsx');
    await writeWorkbook(file);
    const bounds = { ...IMPORT_LIMITS, maxUncompressedBytes: 4096 };
    await expect(openBoundedZip(file, 'book4.xlsx', bounds)).rejects.toThrow(/would inflate to .* more than the limit of 0.0 MiB/);
    const zip = await openBoundedZip(file, 'book4.xlsx', IMPORT_LIMITS);
    expect(zip.entries.has('xl/workbook.xml')).toBe(true);
    zip.close();
  });
});

/** A python3 that can import openpyxl (Debian's python3-openpyxl), or null. */
function pythonWith(module: string): string | null {
  for (const python of ['/usr/bin/python3', 'python3']) {
    if (spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0) return python;
  }
  return null;
}

describe('checked from outside', () => {
  it('reads a workbook written by openpyxl', async (context) => {
    const python = pythonWith('openpyxl');
    if (python === null) {
      context.skip('python3-openpyxl is not installed (apt-get install -y python3-openpyxl)');
      return;
    }
    const file = join(temp.dir, 'openpyxl.xlsx');
    execFileSync(python, [
      '-c',
      [
        'import datetime, sys, openpyxl',
        'wb = openpyxl.Workbook()',
        'ws = wb.active',
        'ws.title = "Roster"',
        'ws.append(["Name", "Completed", "Score", "Passed", "Twice"])',
        'ws.append(["Zoë ’", datetime.date(2024, 3, 5), 91.5, True, "=C2*2"])',
        'ws.append(["Bob", datetime.datetime(2023, 12, 31, 9, 30), 70, False, None])',
        'wb.create_sheet("Other").append(["x"])',
        'wb.save(sys.argv[1])',
      ].join('\n'),
      file,
    ]);
    const { source, rows } = await readAll(file);
    expect(source.sheet).toBe('Roster');
    expect(source.headers).toEqual(['Name', 'Completed', 'Score', 'Passed', 'Twice']);
    // openpyxl stores formulas without a computed result: read as empty, never evaluated.
    expect(rows).toEqual([
      { row: 2, cells: ['Zoë ’', new Date(Date.UTC(2024, 2, 5)), 91.5, true, null] },
      { row: 3, cells: ['Bob', new Date(Date.UTC(2023, 11, 31, 9, 30)), 70, false, null] },
    ]);
    expect(
      source.warnings.some((warning) =>
        warning.startsWith('formula cells without a saved result, or with an error as result, were read as empty (first: row 2, column E)'),
      ),
    ).toBe(true);
  });

  it('refuses a zip bomb from its central directory, before inflating it', async (context) => {
    const python = pythonWith('zipfile');
    if (python === null) {
      context.skip('python3 is not installed');
      return;
    }
    const file = join(temp.dir, 'bomb.xlsx');
    const sheetBytes = 600 * 1024 * 1024;
    execFileSync(python, [
      '-c',
      [
        'import sys, zipfile',
        'ns = "http://schemas.openxmlformats.org/"',
        'with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:',
        '    z.writestr("[Content_Types].xml", "<Types xmlns=\\"" + ns + "package/2006/content-types\\"/>")',
        '    z.writestr("xl/workbook.xml", "<workbook xmlns=\\"" + ns + "spreadsheetml/2006/main\\" xmlns:r=\\"" + ns + "officeDocument/2006/relationships\\"><sheets><sheet name=\\"S\\" sheetId=\\"1\\" r:id=\\"rId1\\"/></sheets></workbook>")',
        '    z.writestr("xl/_rels/workbook.xml.rels", "<Relationships xmlns=\\"" + ns + "package/2006/relationships\\"><Relationship Id=\\"rId1\\" Type=\\"" + ns + "officeDocument/2006/relationships/worksheet\\" Target=\\"worksheets/sheet1.xml\\"/></Relationships>")',
        '    with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:',
        '        f.write(b"<worksheet><sheetData>")',
        '        chunk = b" " * (1 << 20)',
        '        for _ in range(int(sys.argv[2]) >> 20): f.write(chunk)',
        '        f.write(b"</sheetData></worksheet>")',
      ].join('\n'),
      file,
      String(sheetBytes),
    ]);
    const compressed = statSync(file).size;
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const message = await failure(file);
    const elapsed = performance.now() - started;
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    console.info(`zip bomb: ${compressed} bytes on disk, ${sheetBytes} declared; refused in ${elapsed.toFixed(0)} ms, RSS +${(rssGrowth / 1e6).toFixed(1)} MB`);
    expect(message).toMatch(/refused before unpacking: its part xl\/worksheets\/sheet1.xml would inflate \d+ times/);
    expect(rssGrowth).toBeLessThan(64 * 1024 * 1024);
    expect(elapsed).toBeLessThan(5000);
  });
});

/** A full garbage collection, reached through V8's flag (vitest workers run without --expose-gc). */
function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Writes a ZIP of `parts` (name -> text) with Python's zipfile, as a stranger's tool would. */
function pythonZip(python: string, file: string, parts: Record<string, string>): void {
  const script =
    'import json, sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:\n    for name, text in json.loads(sys.argv[2]).items(): z.writestr(name, text)';
  execFileSync(python, ['-c', script, file, JSON.stringify(parts)]);
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const MINIMAL_PARTS = {
  'xl/workbook.xml': `<workbook xmlns="${MAIN}" xmlns:r="${RELS}"><sheets><sheet name="Hand made" sheetId="1" r:id="rId1"/></sheets></workbook>`,
  'xl/_rels/workbook.xml.rels': `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${RELS}/worksheet" Target="/xl/worksheets/data.xml"/></Relationships>`,
};

describe('hand-made workbooks', () => {
  it('reads inline strings and cached formula results, flagging missing and error results', async (context) => {
    const python = pythonWith('zipfile');
    if (python === null) {
      context.skip('python3 is not installed');
      return;
    }
    const file = join(temp.dir, 'hand.xlsx');
    const sheet =
      `<worksheet xmlns="${MAIN}"><sheetData>` +
      '<row r="3"><c r="A3" t="inlineStr"><is><t>Name</t></is></c><c r="B3" t="inlineStr"><is><t>Text</t></is></c><c r="C3" t="inlineStr"><is><t>Ratio</t></is></c></row>' +
      '<row r="5"><c r="A5" t="inlineStr"><is><t>Ada</t></is></c><c r="B5" t="str"><f>"x"&amp;"y"</f><v>xy</v></c><c r="C5" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>' +
      '<row r="6"><c r="A6" t="e"><v>#N/A</v></c><c r="C6"><f>2/4</f><v>0.5</v></c></row>' +
      '<row r="7"><c r="A7" t="inlineStr"><is><t>Zero</t></is></c><c r="B7" t="b"><f>FALSE()</f><v>0</v></c><c r="C7"><f>0*1</f><v>0</v></c></row>' +
      '</sheetData></worksheet>';
    pythonZip(python, file, { ...MINIMAL_PARTS, 'xl/worksheets/data.xml': sheet });
    const { source, rows } = await readAll(file);
    expect(source).toMatchObject({ sheet: 'Hand made', headers: ['Name', 'Text', 'Ratio'] });
    expect(rows).toEqual([
      { row: 5, cells: ['Ada', 'xy', null] },
      { row: 6, cells: ['#N/A', null, 0.5] },
      // exceljs reads a formula's boolean result as its number.
      { row: 7, cells: ['Zero', 0, 0] },
    ]);
    expect(
      source.warnings.some((warning) =>
        warning.startsWith('formula cells without a saved result, or with an error as result, were read as empty (first: row 5, column C)'),
      ),
    ).toBe(true);
  });

  it('refuses a workbook whose sheet XML is broken', async (context) => {
    const python = pythonWith('zipfile');
    if (python === null) {
      context.skip('python3 is not installed');
      return;
    }
    const file = join(temp.dir, 'broken.xlsx');
    const sheet = `<worksheet xmlns="${MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>Ada</t></is></c></row><row r="3"><c r="A3" t=`;
    pythonZip(python, file, { ...MINIMAL_PARTS, 'xl/worksheets/data.xml': sheet });
    expect(await failure(file)).toMatch(/"broken.xlsx" is damaged: its workbook data could not be read/);
    pythonZip(python, file, { ...MINIMAL_PARTS });
    expect(await failure(file)).toMatch(/has no worksheets to import/);
    pythonZip(python, file, { 'xl/workbook.xml': MINIMAL_PARTS['xl/workbook.xml'] });
    expect(await failure(file)).toMatch(/is damaged/);
  });
});

describe('streaming', () => {
  it('reads a 200,000-row CSV without holding it in memory', async () => {
    const file = join(temp.dir, 'big.csv');
    const note = 'completed the annual refresher with a pass mark well above the threshold'.repeat(4);
    // Written in slices, so that the test itself never holds the file in memory either.
    const out = openSync(file, 'w');
    writeSync(out, 'Name,Course,Completed,Score,Note\n');
    for (let slice = 0; slice < 200_000; slice += 10_000) {
      const lines: string[] = [];
      for (let i = slice; i < slice + 10_000; i++)
        lines.push(`Person ${i},Course ${i % 40},2024-01-${String((i % 28) + 1).padStart(2, '0')},${i % 100},"${note} ${i}"\n`);
      writeSync(out, lines.join(''));
    }
    closeSync(out);
    const size = statSync(file).size;
    const gc = collectGarbage();
    const source = await openTable(file);
    gc();
    const before = process.memoryUsage();
    // Sampled after a full GC: what the iteration keeps, not the garbage it has yet to shed.
    let retainedRss = 0;
    let retainedHeap = 0;
    let count = 0;
    let last = 0;
    for await (const batch of source.batches) {
      for (const { row } of batch) {
        count++;
        last = row;
        if (count % 20_000 === 0) {
          gc();
          const now = process.memoryUsage();
          retainedRss = Math.max(retainedRss, now.rss - before.rss);
          retainedHeap = Math.max(retainedHeap, now.heapUsed + now.external - before.heapUsed - before.external);
        }
      }
    }
    const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
    console.info(
      `200,000-row CSV: ${mb(size)} MB file; while iterating, after GC: RSS growth at most ${mb(retainedRss)} MB, heap+external growth at most ${mb(retainedHeap)} MB`,
    );
    expect(count).toBe(200_000);
    expect(last).toBe(200_001);
    expect(retainedRss).toBeLessThan(size / 4);
    expect(retainedHeap).toBeLessThan(size / 8);
  });
});

describe('file system', () => {
  it('says when the file is missing, a folder, or too large', async () => {
    expect(await failure(join(temp.dir, 'missing.csv'))).toMatch(/"missing.csv" was not found/);
    expect(await failure(temp.dir)).toMatch(/is a folder/);
    const file = write('sparse.csv', '');
    truncateSync(file, IMPORT_LIMITS.maxFileBytes + 1); // sparse: takes no disk space
    expect(await failure(file)).toMatch(/more than the 1024 MiB/);
  });
});

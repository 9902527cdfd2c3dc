import { appendFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeVault, tempDir } from '../../../tests/support/tempVault';
import { vaultStats } from '../records/vaultStats';
import type { VaultSession } from '../vault/vaultSession';
import { importFile } from './importFile';

// Real files as real exports name their columns; a real vault; counts and versions read back.

const ROSTER = `Employee ID,First Name,Last Name,Email,Department,Job Title,Hire Date,Manager ID
E100,Jane,Public,Jane.Public@example.org,Clinical,Registered Nurse,2021-03-01,E900
E101,Omar,Haddad,omar.haddad@example.org,Laboratory,Lab Technician,2022-07-15,E900
E102,Mei,Chen,mei.chen@example.org,Pharmacy,Pharmacist,2019-11-04,E901
`;

// Moodle's course completion report: e-mail to match, day-first dates, grades as "x / y".
const MOODLE = `First name,Last name,Email address,Course,Time completed,Grade
Jane,Public,jane.public@example.org,Bloodborne Pathogens,13/01/2025,9.00 / 10.00
Omar,Haddad,omar.haddad@example.org,Bloodborne Pathogens,02/02/2025,7.50 / 10.00
Mei,Chen,mei.chen@example.org,HIPAA Privacy,"Tuesday, 4 March 2025, 2:15 PM",100
`;

let temp: ReturnType<typeof tempDir>;
let session: VaultSession;
let dir: string;

beforeEach(async () => {
  temp = tempDir();
  ({ session, dir } = await makeVault(temp.dir));
});
afterEach(async () => {
  await session.lock();
  temp.cleanup();
});

function file(name: string, content: string): string {
  const path = join(temp.dir, name);
  writeFileSync(path, content);
  return path;
}

describe('importFile', () => {
  it('imports a roster, detects its kind, and is idempotent', async () => {
    const roster = file('hris.csv', ROSTER);
    const first = await importFile(session, roster);
    expect(first).toMatchObject({ kind: 'roster', committed: true, rows: 3, inserted: 3, updated: 0, unchanged: 0, invalid: 0 });
    expect(first.mapping).toMatchObject({ 'Employee ID': 'employeeId', Email: 'email', Department: 'orgUnit', 'Job Title': 'jobRole' });
    const again = await importFile(session, roster);
    expect(again).toMatchObject({ committed: true, inserted: 0, updated: 0, unchanged: 3 });
    expect(await vaultStats(session)).toMatchObject({ people: 3, orgUnits: 3, jobRoles: 3, supersededVersions: 0 });
    expect(await session.verifyLog()).toMatchObject({ ok: true });
  });

  it('a newer export with a changed row adds a version, never overwrites', async () => {
    await importFile(session, file('v1.csv', ROSTER));
    const changed = ROSTER.replace('Omar,Haddad,omar.haddad@example.org,Laboratory', 'Omar,Haddad,omar.haddad@example.org,Pharmacy');
    const result = await importFile(session, file('v2.csv', changed));
    expect(result).toMatchObject({ inserted: 0, updated: 1, unchanged: 2 });
    const versions = await session.read((db) =>
      db.all<{ version: number; current: number; unit: string }>(
        "SELECT p.version, p.current, u.name AS unit FROM people p JOIN org_units u ON u.id = p.org_unit_id WHERE p.employee_id = 'E101' ORDER BY p.version",
      ),
    );
    expect(versions).toEqual([
      { version: 1, current: 0, unit: 'Laboratory' },
      { version: 2, current: 1, unit: 'Pharmacy' },
    ]);
    const audit = await session.read((db) =>
      db.all<{ action: string; before_hash: string | null }>("SELECT action, before_hash FROM audit_log WHERE action = 'person.update'"),
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]?.before_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('imports Moodle completions: people matched by e-mail, day-first dates, x / y grades, courses created', async () => {
    await importFile(session, file('hris.csv', ROSTER));
    const result = await importFile(session, file('moodle.csv', MOODLE));
    expect(result).toMatchObject({ kind: 'completions', committed: true, inserted: 3, invalid: 0, coursesCreated: 2 });
    // Codes that match no course are imported as new courses, and the report names them.
    expect(result.warnings).toContain(
      '2 course code(s) matched no course in the vault and were added as new courses: "Bloodborne Pathogens" (row 2), "HIPAA Privacy" (row 4). Check for typos.',
    );
    const rows = await session.read((db) =>
      db.all<{ employee_id: string; title: string; completed_on: string; score: number }>(
        `SELECT p.employee_id, c.title, x.completed_on, x.score FROM completions x
           JOIN people p ON p.person_id = x.person_id AND p.current = 1
           JOIN courses c ON c.course_id = x.course_id AND c.current = 1
         WHERE x.current = 1 ORDER BY p.employee_id`,
      ),
    );
    expect(rows).toEqual([
      { employee_id: 'E100', title: 'Bloodborne Pathogens', completed_on: '2025-01-13', score: 90 },
      { employee_id: 'E101', title: 'Bloodborne Pathogens', completed_on: '2025-02-02', score: 75 },
      { employee_id: 'E102', title: 'HIPAA Privacy', completed_on: '2025-03-04', score: 100 },
    ]);
    expect(await session.verifyLog()).toMatchObject({ ok: true });
  });

  it('refuses a column of dates that read either way, unless --date-format settles it', async () => {
    await importFile(session, file('hris.csv', ROSTER));
    const ambiguous = MOODLE.replace('13/01/2025', '03/01/2025');
    await expect(importFile(session, file('amb.csv', ambiguous))).rejects.toMatchObject({
      code: 'validation_failed',
      message: expect.stringMatching(/"Time completed".*--date-format/) as unknown,
    });
    // It quotes the file: the first value that reads either way, and its row.
    await expect(importFile(session, file('amb.csv', ambiguous))).rejects.toThrow(
      'Column "Time completed" has dates such as "03/01/2025" (row 2) that read either way, and none that decides.',
    );
    const settled = await importFile(session, file('amb.csv', ambiguous), { dateFormat: 'mm/dd/yyyy' });
    expect(settled).toMatchObject({ committed: true, inserted: 3 });
    const dates = await session.read((db) => db.all<{ completed_on: string }>('SELECT completed_on FROM completions ORDER BY completed_on'));
    expect(dates.map((d) => d.completed_on)).toEqual(['2025-02-02', '2025-03-01', '2025-03-04']);
  });

  it('refuses a CSV with a NUL byte past the first KiB (the sniff sees only that far), naming the line, importing nothing', async () => {
    const rows = ['Employee ID,First Name,Last Name'];
    for (let i = 0; i < 200; i++) rows.push(`E${String(i)},Given${String(i)},Family${String(i)}`);
    rows.push('E999,Ev\u0000e,Nul');
    const path = join(temp.dir, 'nul.csv');
    writeFileSync(path, `${rows.join('\n')}\n`);
    expect(readFileSync(path).indexOf(0)).toBeGreaterThan(1024);
    const before = await vaultStats(session);
    await expect(importFile(session, path)).rejects.toMatchObject({
      code: 'validation_failed',
      message: '"nul.csv" holds a NUL byte on line 202: it is not a text file, or it is damaged. Nothing was imported.',
    });
    expect(await vaultStats(session)).toEqual(before);
  });

  it('reports a missing first or last name against its own column', async () => {
    const roster = 'Employee ID,First Name,Last Name\nE1,,Seacole\nE2,Clara,\nE3,,\n';
    const result = await importFile(session, file('names.csv', roster));
    expect(result.report).toEqual([
      { row: 2, column: 'First Name', value: null, reason: 'a first name is required' },
      { row: 3, column: 'Last Name', value: null, reason: 'a last name is required' },
      { row: 4, column: 'First Name', value: null, reason: 'a first and last name are required' },
    ]);
  });

  it('imports nothing when a row is invalid, and reports row, column, value and reason', async () => {
    await importFile(session, file('hris.csv', ROSTER));
    const bad = `${MOODLE}Nobody,Known,nobody@example.org,Bloodborne Pathogens,14/01/2025,8 / 10\nJane,Public,jane.public@example.org,Fire Safety,31/02/2025,5\n`;
    const before = await vaultStats(session);
    const result = await importFile(session, file('bad.csv', bad));
    expect(result).toMatchObject({ committed: false, invalid: 2, inserted: 3 });
    expect(result.report).toEqual([
      { row: 5, column: 'e-mail', value: 'nobody@example.org', reason: 'no such person in the vault (import the roster first)' },
      { row: 6, column: 'Time completed', value: '31/02/2025', reason: 'not a real calendar date when read as dd/mm/yyyy' },
    ]);
    const after = await vaultStats(session);
    expect(after).toEqual(before);

    const skipped = await importFile(session, file('bad.csv', bad), { skipInvalid: true });
    expect(skipped).toMatchObject({ committed: true, inserted: 3, invalid: 2 });
    expect((await vaultStats(session)).completions).toBe(3);
  });

  it('an exact duplicate row is the same record, imported once and reported; a contradicting one is refused', async () => {
    await importFile(session, file('hris.csv', ROSTER));
    const exact = MOODLE.split('\n')[1] ?? '';
    const repeated = await importFile(session, file('dup.csv', `${MOODLE}${exact}\n`));
    expect(repeated).toMatchObject({ committed: true, invalid: 0, inserted: 3, report: [] });
    expect(repeated.warnings).toContain('1 row(s) repeat an earlier row exactly and were imported once: row 5 (= row 2).');
    const contradicting = `${MOODLE}Jane,Public,jane.public@example.org,Bloodborne Pathogens,13/01/2025,10 / 10\n`;
    const result = await importFile(session, file('dup2.csv', contradicting));
    expect(result.report).toEqual([{ row: 5, column: null, value: null, reason: 'the same person, course and date as row 2' }]);
  });

  it('dry run counts and changes nothing', async () => {
    const before = await vaultStats(session);
    const result = await importFile(session, file('hris.csv', ROSTER), { dryRun: true });
    expect(result).toMatchObject({ committed: false, dryRun: true, inserted: 3 });
    expect(await vaultStats(session)).toEqual(before);
  });

  it('explains unknown columns, and --map fixes them', async () => {
    const odd = file('odd.csv', 'Ident,Nom,Prénom\nE1,Dupont,Marie\n');
    await expect(importFile(session, odd, { as: 'roster' })).rejects.toMatchObject({ message: expect.stringMatching(/None of the columns/) as unknown });
    const mapped = await importFile(session, odd, { as: 'roster', map: ['Ident=employeeId', 'Nom=familyName', 'Prénom=givenName'] });
    expect(mapped).toMatchObject({ committed: true, inserted: 1 });
    await expect(importFile(session, odd)).rejects.toMatchObject({
      message: expect.stringMatching(/--as roster, --as completions or --as certifications/) as unknown,
    });
  });

  it('imports an XLSX export: date cells, numbers, formulas by their cached value', async () => {
    await importFile(session, file('hris.csv', ROSTER));
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Transcript');
    sheet.addRow(['Person Number', 'Course Name', 'Date Completed', 'Score (%)', 'Expiration Date']);
    sheet.addRow(['E100', 'ACLS', new Date(Date.UTC(2025, 0, 13)), 91, new Date(Date.UTC(2027, 0, 13))]);
    sheet.addRow(['E101', 'ACLS', new Date(Date.UTC(2025, 1, 2)), { formula: '40*2', result: 80 }, null]);
    const path = join(temp.dir, 'successfactors.xlsx');
    await workbook.xlsx.writeFile(path);
    const result = await importFile(session, path);
    expect(result).toMatchObject({ kind: 'completions', format: 'xlsx', sheet: 'Transcript', committed: true, inserted: 2, invalid: 0 });
    const rows = await session.read((db) =>
      db.all<{ completed_on: string; score: number; expires_on: string | null }>(
        'SELECT completed_on, score, expires_on FROM completions ORDER BY completed_on',
      ),
    );
    expect(rows).toEqual([
      { completed_on: '2025-01-13', score: 91, expires_on: '2027-01-13' },
      { completed_on: '2025-02-02', score: 80, expires_on: null },
    ]);
  });

  it('leaves no imported name or e-mail readable on disk', async () => {
    await importFile(session, file('hris.csv', ROSTER));
    await importFile(session, file('moodle.csv', MOODLE));
    const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    for (const entry of files) {
      const bytes = readFileSync(join(entry.parentPath, entry.name));
      for (const secret of ['Haddad', 'omar.haddad@example.org', 'Bloodborne'])
        expect(bytes.includes(Buffer.from(secret)), `${secret} in ${entry.name}`).toBe(false);
    }
  });
});

// A nursing licence and life-support card report as an HR credential tracker exports it:
// employee id or e-mail, licence type, number, day-first dates, issuing body.
const CREDENTIALS = `Employee Number,Work Email,Employee Name,License Type,License Number,Date Issued,Expiration Date,Licensing Board
E100,,"Public, Jane",Registered Nurse,RN-448812,01/03/2021,28/02/2027,State Board of Nursing
E100,,"Public, Jane",BLS Provider,,15/01/2025,31/01/2027,American Heart Association
,omar.haddad@example.org,Omar Haddad,Phlebotomy Technician,CPT-1002,20/07/2022,20/07/2026,National Healthcareer Association
`;

describe('importFile: certifications', () => {
  type CertRow = {
    employee_id: string;
    name: string;
    number: string | null;
    issued_on: string | null;
    expires_on: string | null;
    issuer: string | null;
    version: number;
    current: number;
    reason: string | null;
  };
  const certifications = () =>
    session.read((db) =>
      db.all<CertRow>(
        `SELECT p.employee_id, c.name, c.number, c.issued_on, c.expires_on, c.issuer, c.version, c.current, c.reason
         FROM certifications c JOIN people p ON p.person_id = c.person_id AND p.current = 1 ORDER BY p.employee_id, c.name, c.version`,
      ),
    );

  it('imports a licence report: kind detected, synonyms mapped, people matched by id or e-mail, day-first dates', async () => {
    await importFile(session, file('hris.csv', ROSTER));
    const result = await importFile(session, file('licences.csv', CREDENTIALS));
    expect(result).toMatchObject({ kind: 'certifications', committed: true, rows: 3, inserted: 3, updated: 0, unchanged: 0, invalid: 0, coursesCreated: 0 });
    expect(result.mapping).toEqual({
      'Employee Number': 'employeeId',
      'Work Email': 'email',
      'Employee Name': 'fullName',
      'License Type': 'certificationName',
      'License Number': 'certificationNumber',
      'Date Issued': 'issuedOn',
      'Expiration Date': 'expiresOn',
      'Licensing Board': 'issuer',
    });
    expect(await certifications()).toEqual([
      {
        employee_id: 'E100',
        name: 'BLS Provider',
        number: null,
        issued_on: '2025-01-15',
        expires_on: '2027-01-31',
        issuer: 'American Heart Association',
        version: 1,
        current: 1,
        reason: null,
      },
      {
        employee_id: 'E100',
        name: 'Registered Nurse',
        number: 'RN-448812',
        issued_on: '2021-03-01',
        expires_on: '2027-02-28',
        issuer: 'State Board of Nursing',
        version: 1,
        current: 1,
        reason: null,
      },
      {
        employee_id: 'E101',
        name: 'Phlebotomy Technician',
        number: 'CPT-1002',
        issued_on: '2022-07-20',
        expires_on: '2026-07-20',
        issuer: 'National Healthcareer Association',
        version: 1,
        current: 1,
        reason: null,
      },
    ]);
    const audit = await session.read((db) =>
      db.all<{ action: string; after_hash: string | null }>("SELECT action, after_hash FROM audit_log WHERE action LIKE 'certification.%'"),
    );
    expect(audit).toHaveLength(3);
    expect(audit.every((a) => a.action === 'certification.create' && /^[0-9a-f]{64}$/.test(a.after_hash ?? ''))).toBe(true);
    const imports = await session.read((db) => db.all<{ kind: string; inserted: number }>('SELECT kind, inserted FROM imports ORDER BY imported_at'));
    expect(imports).toEqual([
      { kind: 'roster', inserted: 3 },
      { kind: 'certifications', inserted: 3 },
    ]);
    expect(await session.verifyLog()).toMatchObject({ ok: true });
  });

  it('re-importing the same file changes nothing; a changed expiry or issuer adds a version with an audit event', async () => {
    await importFile(session, file('hris.csv', ROSTER));
    await importFile(session, file('licences.csv', CREDENTIALS));
    const auditBefore = (await vaultStats(session)).auditEntries;
    expect(await importFile(session, file('licences.csv', CREDENTIALS))).toMatchObject({ committed: true, inserted: 0, updated: 0, unchanged: 3 });
    // Only the import itself is logged.
    expect((await vaultStats(session)).auditEntries).toBe(auditBefore + 1);

    // Renewed licence (same number, new expiry); the name's case alone does not make a new record.
    const renewed = CREDENTIALS.replace('Registered Nurse,RN-448812,01/03/2021,28/02/2027', 'registered nurse,RN-448812,01/03/2021,29/02/2028');
    const result = await importFile(session, file('licences-2.csv', renewed));
    expect(result).toMatchObject({ committed: true, inserted: 0, updated: 1, unchanged: 2 });
    const rn = (await certifications()).filter((c) => c.number === 'RN-448812');
    expect(rn.map(({ name, expires_on, version, current, reason }) => ({ name, expires_on, version, current, reason }))).toEqual([
      { name: 'Registered Nurse', expires_on: '2027-02-28', version: 1, current: 0, reason: null },
      { name: 'registered nurse', expires_on: '2028-02-29', version: 2, current: 1, reason: 'corrected by import' },
    ]);
    const update = await session.read((db) =>
      db.all<{ before_hash: string; after_hash: string; reason: string }>(
        "SELECT before_hash, after_hash, reason FROM audit_log WHERE action = 'certification.update'",
      ),
    );
    expect(update).toHaveLength(1);
    expect(update[0]?.before_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(update[0]?.after_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(update[0]?.before_hash).not.toBe(update[0]?.after_hash);
    expect(update[0]?.reason).toBe(`import ${result.sha256.slice(0, 12)} row 2`);

    // A new card number is another certification, not a version of the old one.
    const newCard = renewed.replace('BLS Provider,,15/01/2025', 'BLS Provider,BLS-77,15/01/2025');
    expect(await importFile(session, file('licences-3.csv', newCard))).toMatchObject({ inserted: 1, updated: 0, unchanged: 2 });
    expect((await vaultStats(session)).certifications).toBe(4);
    expect(await session.verifyLog()).toMatchObject({ ok: true });
  });

  it('reports unknown people, missing names, unreadable dates and expiries before issue; imports nothing unless --skip-invalid', async () => {
    await importFile(session, file('hris.csv', ROSTER));
    const bad = `${CREDENTIALS}E999,,Nobody Known,ACLS Provider,A-1,01/02/2025,28/02/2027,AHA
E102,,Mei Chen,,X-1,01/02/2025,28/02/2027,AHA
E102,,Mei Chen,Pharmacist,PH-9,01/02/2025,31/01/2025,Board of Pharmacy
E102,,Mei Chen,Immunizing Pharmacist,IP-3,31/02/2025,,APhA
`;
    const before = await vaultStats(session);
    const result = await importFile(session, file('bad.csv', bad));
    expect(result).toMatchObject({ kind: 'certifications', committed: false, rows: 7, inserted: 3, invalid: 4 });
    expect(result.report).toEqual([
      { row: 5, column: 'employee id', value: 'E999', reason: 'no such person in the vault (import the roster first)' },
      { row: 6, column: 'License Type', value: null, reason: 'no certification name' },
      { row: 7, column: 'Expiration Date', value: '31/01/2025', reason: 'expires before it was issued (2025-02-01)' },
      { row: 8, column: 'Date Issued', value: '31/02/2025', reason: 'not a real calendar date when read as dd/mm/yyyy' },
    ]);
    expect(await vaultStats(session)).toEqual(before);

    const skipped = await importFile(session, file('bad.csv', bad), { skipInvalid: true });
    expect(skipped).toMatchObject({ committed: true, inserted: 3, invalid: 4 });
    expect((await vaultStats(session)).certifications).toBe(3);
  });

  it('a roster or certification row repeated exactly is one record, imported once and named in the notes', async () => {
    const roster = await importFile(session, file('hris.csv', `${ROSTER}${ROSTER.split('\n')[2] ?? ''}\n`));
    expect(roster).toMatchObject({ committed: true, inserted: 3, invalid: 0 });
    expect(roster.warnings).toContain('1 row(s) repeat an earlier row exactly and were imported once: row 5 (= row 3).');
    const line = CREDENTIALS.split('\n')[1] ?? '';
    const cards = await importFile(session, file('cards.csv', `${CREDENTIALS}${line}\n`));
    expect(cards).toMatchObject({ committed: true, invalid: 0 });
    expect(cards.warnings.some((w) => w.startsWith('1 row(s) repeat an earlier row exactly'))).toBe(true);
    // The same person with another surname is a contradiction, refused as before.
    const header = ROSTER.split('\n')[0] ?? '';
    const contradicting = await importFile(
      session,
      file(
        'hris2.csv',
        `${header}\nE103,Ann,Lee,ann.lee@example.org,Pharmacy,Pharmacist,2024-01-02,E901\nE103,Ann,Leigh,ann.lee@example.org,Pharmacy,Pharmacist,2024-01-02,E901\n`,
      ),
    );
    expect(contradicting).toMatchObject({ committed: false, invalid: 1 });
  });

  it('refuses the same person and certification twice in one file', async () => {
    await importFile(session, file('hris.csv', ROSTER));
    const duplicated = `${CREDENTIALS}E101,,Omar Haddad,PHLEBOTOMY TECHNICIAN,CPT-1002,20/07/2022,20/07/2027,NHA\nE100,,"Public, Jane",BLS Provider,,15/01/2025,31/01/2027,AHA\n`;
    const result = await importFile(session, file('dup.csv', duplicated));
    expect(result).toMatchObject({ committed: false, inserted: 3, invalid: 2 });
    expect(result.report).toEqual([
      { row: 5, column: null, value: null, reason: 'the same person and certification as row 4' },
      { row: 6, column: null, value: null, reason: 'the same person and certification as row 3' },
    ]);
  });

  it('finds duplicates and unchanged rows across write batches (over 5,000 rows)', async () => {
    await importFile(session, file('hris.csv', ROSTER));
    const lines = ['Employee ID,Certification,Certification Number,Expires'];
    for (let i = 0; i < 5200; i++) lines.push(`E10${String(i % 3)},Skills Check,SC-${String(i)},2027-01-31`);
    lines.push('E100,skills check,SC-0,2027-01-31');
    const big = file('big.csv', `${lines.join('\n')}\n`);
    const first = await importFile(session, big, { skipInvalid: true });
    expect(first).toMatchObject({ committed: true, rows: 5201, inserted: 5200, invalid: 1 });
    expect(first.report).toEqual([{ row: 5202, column: null, value: null, reason: 'the same person and certification as row 2' }]);
    expect(await importFile(session, big, { skipInvalid: true })).toMatchObject({ committed: true, inserted: 0, updated: 0, unchanged: 5200, invalid: 1 });
  });

  it('imports an XLSX credential export, and --as certifications for headers that do not say', async () => {
    await importFile(session, file('hris.csv', ROSTER));
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Credentials');
    sheet.addRow(['Email', 'Credential Name', 'Credential ID', 'Date Earned', 'Valid Until', 'Issuing Organization']);
    sheet.addRow([
      'Mei.Chen@example.org',
      'ACLS Provider',
      'ACLS-5521',
      new Date(Date.UTC(2024, 10, 5)),
      new Date(Date.UTC(2026, 10, 30)),
      'American Heart Association',
    ]);
    sheet.addRow(['jane.public@example.org', 'Certified Pharmacy Technician', 'PTCB-88', '2023-06-01', null, 'PTCB']);
    const path = join(temp.dir, 'credentials.xlsx');
    await workbook.xlsx.writeFile(path);
    const result = await importFile(session, path);
    expect(result).toMatchObject({ kind: 'certifications', format: 'xlsx', sheet: 'Credentials', committed: true, inserted: 2, invalid: 0 });
    expect((await certifications()).map((c) => [c.employee_id, c.name, c.number, c.issued_on, c.expires_on, c.issuer])).toEqual([
      ['E100', 'Certified Pharmacy Technician', 'PTCB-88', '2023-06-01', null, 'PTCB'],
      ['E102', 'ACLS Provider', 'ACLS-5521', '2024-11-05', '2026-11-30', 'American Heart Association'],
    ]);

    // No person key column the detector knows: only --as (and --map) say what it is.
    const odd = file('odd.csv', 'Ident,Credential,Expires\nE101,BLS Provider,2026-05-31\n');
    await expect(importFile(session, odd)).rejects.toMatchObject({ code: 'validation_failed' });
    const mapped = await importFile(session, odd, { as: 'certifications', map: ['Ident=employeeId'] });
    expect(mapped).toMatchObject({ kind: 'certifications', committed: true, inserted: 1 });
  });

  it('decides day/month order for issue and expiry columns from the whole column', async () => {
    await importFile(session, file('hris.csv', ROSTER));
    const ambiguous = 'Employee ID,Certification,Issue Date,Expiry Date\nE100,BLS Provider,03/04/2025,03/04/2027\nE101,BLS Provider,04/05/2025,04/05/2027\n';
    await expect(importFile(session, file('amb.csv', ambiguous))).rejects.toMatchObject({
      message: expect.stringMatching(/"Issue Date".*--date-format/) as unknown,
    });
    const settled = await importFile(session, file('amb.csv', ambiguous), { dateFormat: 'mm/dd/yyyy' });
    expect(settled).toMatchObject({ committed: true, inserted: 2 });
    const monthFirst = 'Employee ID,Certification,Issue Date,Expiry Date\nE102,ACLS Provider,04/13/2025,04/30/2027\n';
    expect(await importFile(session, file('us.csv', monthFirst))).toMatchObject({ committed: true, inserted: 1 });
    expect((await certifications()).map((c) => [c.employee_id, c.issued_on, c.expires_on])).toEqual([
      ['E100', '2025-03-04', '2027-03-04'],
      ['E101', '2025-04-05', '2027-04-05'],
      ['E102', '2025-04-13', '2027-04-30'],
    ]);
  });
});

// Writers write every 5,000 rows: lookups, duplicates, cancellation and re-reads must span batches.
describe('importFile: files of several write batches', () => {
  function bigRoster(people: number): string {
    const lines = ['Employee ID,First Name,Last Name,Email'];
    for (let p = 0; p < people; p++) lines.push(`P${String(p)},Given${String(p)},Family${String(p)},p${String(p)}@example.org`);
    return file('roster-big.csv', `${lines.join('\n')}\n`);
  }
  function bigCompletions(rows: number, extra: string[] = []): string {
    const lines = ['Employee ID,Course Code,Completion Date,Score'];
    for (let i = 0; i < rows; i++) lines.push(`P${String(i % 500)},C${String(Math.floor(i / 500))},2025-01-01,${String(60 + (i % 40))}`);
    return file('completions-big.csv', `${[...lines, ...extra].join('\n')}\n`);
  }

  it('imports 12,000 completions in three batches; a duplicate of the first batch in the last is found', async () => {
    await importFile(session, bigRoster(500));
    const path = bigCompletions(12_000, ['P3,C0,2025-01-01,99']);
    const refused = await importFile(session, path);
    expect(refused).toMatchObject({ committed: false, invalid: 1 });
    expect(refused.report).toEqual([{ row: 12_002, column: null, value: null, reason: 'the same person, course and date as row 5' }]);
    expect((await vaultStats(session)).completions).toBe(0);

    const done = await importFile(session, path, { skipInvalid: true });
    expect(done).toMatchObject({ committed: true, rows: 12_001, inserted: 12_000, invalid: 1, coursesCreated: 24 });
    expect((await vaultStats(session)).completions).toBe(12_000);
    expect(await importFile(session, path, { skipInvalid: true })).toMatchObject({ committed: true, inserted: 0, unchanged: 12_000, invalid: 1 });
    expect(await session.verifyLog()).toMatchObject({ ok: true });
  });

  it('cancelling after batches were written rolls everything back, and the log still verifies', async () => {
    await importFile(session, bigRoster(500));
    const before = await vaultStats(session);
    const logBefore = (await session.verifyLog()).size;
    const controller = new AbortController();
    const result = await importFile(session, bigCompletions(20_000), {
      signal: controller.signal,
      onProgress: (rows) => {
        if (rows >= 11_000) controller.abort(); // two batches written, 1,000 rows of the third read
      },
    });
    expect(result).toMatchObject({ committed: false, cancelled: true });
    expect(await vaultStats(session)).toEqual(before);
    const log = await session.verifyLog();
    expect(log).toMatchObject({ ok: true, size: logBefore });
    // A later import starts from a clean state.
    expect(await importFile(session, bigCompletions(6_000))).toMatchObject({ committed: true, inserted: 6_000 });
  });

  it('a file appended to while it is imported is refused and nothing is imported: the hash recorded would not be of the rows read', async () => {
    await importFile(session, bigRoster(500));
    const before = await vaultStats(session);
    const logBefore = (await session.verifyLog()).size;
    const path = bigCompletions(20_000);
    let appended = false;
    const importing = importFile(session, path, {
      onProgress: (rows) => {
        if (rows >= 1_000 && !appended) {
          appendFileSync(path, 'P1,C99,2025-02-02,70\n'); // read with the rest: the parser has not reached the end
          appended = true;
        }
      },
    });
    await expect(importing).rejects.toThrow(/changed after it was opened/);
    expect(appended).toBe(true);
    expect(await vaultStats(session)).toEqual(before);
    expect(await session.verifyLog()).toMatchObject({ ok: true, size: logBefore });
  });

  it('a roster of 11,000 people in three batches, imported again unchanged, then changed in one row of the last batch', async () => {
    const path = bigRoster(11_000);
    expect(await importFile(session, path)).toMatchObject({ committed: true, inserted: 11_000 });
    expect(await importFile(session, path)).toMatchObject({ committed: true, inserted: 0, unchanged: 11_000 });
    const changed = readFileSync(path, 'utf8').replace('P10999,Given10999,', 'P10999,Renamed,');
    writeFileSync(path, changed);
    expect(await importFile(session, path)).toMatchObject({ committed: true, updated: 1, unchanged: 10_999 });
    expect(await session.verifyLog()).toMatchObject({ ok: true });
  });

  it('a slash date after thousands of ISO dates: the rows written so far are rolled back and the file read again with the decided order', async () => {
    await importFile(session, file('hris.csv', ROSTER));
    const lines = ['Employee ID,Course Code,Completion Date,Score'];
    for (let i = 0; i < 7000; i++) lines.push(`E10${String(i % 3)},BBP,${new Date(Date.UTC(2000, 0, 1 + i)).toISOString().slice(0, 10)},90`);
    const late = file('late.csv', `${[...lines, 'E100,BBP,25/12/2030,80', 'E101,BBP,05/06/2031,70'].join('\n')}\n`);
    const result = await importFile(session, late);
    expect(result).toMatchObject({ committed: true, rows: 7002, inserted: 7002, invalid: 0 });
    const stored = await session.read((db) =>
      db.all<{ completed_on: string }>("SELECT completed_on FROM completions WHERE completed_on >= '2030-01-01' ORDER BY completed_on"),
    );
    // 25/12 decides day-first for the column, so 05/06/2031 is 5 June.
    expect(stored).toEqual([{ completed_on: '2030-12-25' }, { completed_on: '2031-06-05' }]);
    const created = await session.read((db) => db.get<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE action = 'completion.create'"));
    expect(created?.n).toBe(7002);
    expect(await session.verifyLog()).toMatchObject({ ok: true });

    const mixed = file('mixed.csv', `${[...lines.slice(0, 6000), 'E100,BBP,25/12/2030,80', 'E101,BBP,12/25/2031,70'].join('\n')}\n`);
    // Quoting values that are in the file, with their rows (the header is row 1).
    await expect(importFile(session, mixed)).rejects.toThrow(
      'Column "Completion Date" mixes day-first and month-first dates: "25/12/2030" (row 6001) can only be day first, "12/25/2031" (row 6002) only month first.',
    );
    expect(await session.verifyLog()).toMatchObject({ ok: true });
  });
});

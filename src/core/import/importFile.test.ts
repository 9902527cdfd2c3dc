import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
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
    const audit = await session.read((db) => db.all<{ action: string; before_hash: string | null }>("SELECT action, before_hash FROM audit_log WHERE action = 'person.update'"));
    expect(audit).toHaveLength(1);
    expect(audit[0]?.before_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('imports Moodle completions: people matched by e-mail, day-first dates, x / y grades, courses created', async () => {
    await importFile(session, file('hris.csv', ROSTER));
    const result = await importFile(session, file('moodle.csv', MOODLE));
    expect(result).toMatchObject({ kind: 'completions', committed: true, inserted: 3, invalid: 0, coursesCreated: 2 });
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
    const settled = await importFile(session, file('amb.csv', ambiguous), { dateFormat: 'mm/dd/yyyy' });
    expect(settled).toMatchObject({ committed: true, inserted: 3 });
    const dates = await session.read((db) => db.all<{ completed_on: string }>('SELECT completed_on FROM completions ORDER BY completed_on'));
    expect(dates.map((d) => d.completed_on)).toEqual(['2025-02-02', '2025-03-01', '2025-03-04']);
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

  it('refuses duplicates within one file', async () => {
    await importFile(session, file('hris.csv', ROSTER));
    const duplicated = `${MOODLE}Jane,Public,jane.public@example.org,Bloodborne Pathogens,13/01/2025,10 / 10\n`;
    const result = await importFile(session, file('dup.csv', duplicated));
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
    await expect(importFile(session, odd)).rejects.toMatchObject({ message: expect.stringMatching(/--as roster or --as completions/) as unknown });
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
    const rows = await session.read((db) => db.all<{ completed_on: string; score: number; expires_on: string | null }>('SELECT completed_on, score, expires_on FROM completions ORDER BY completed_on'));
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
      for (const secret of ['Haddad', 'omar.haddad@example.org', 'Bloodborne']) expect(bytes.includes(Buffer.from(secret)), `${secret} in ${entry.name}`).toBe(false);
    }
  });
});

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tempVault';

// `custodian import` and `custodian stats` as scripts use them: real bin, real files, --json.

const PASSPHRASE = 'correct horse battery staple orbit';
const temp = tempDir('custodian-import-cli-');
const vault = join(temp.dir, 'hospital.custodian');

function custodian(args: string[]) {
  const result = spawnSync('bin/custodian', args, { encoding: 'utf8', env: { ...process.env, CUSTODIAN_PASSPHRASE: PASSPHRASE } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function write(name: string, content: string | Buffer): string {
  const path = join(temp.dir, name);
  writeFileSync(path, content);
  return path;
}

beforeAll(() => {
  expect(custodian(['init', vault, '--user', 'alice', '--kdf', 'minimum']).code).toBe(0);
});
afterAll(() => {
  temp.cleanup();
});

describe('custodian import', () => {
  it('imports a Workday-style roster in Windows-1252 with semicolons, and reports the encoding', () => {
    const roster = Buffer.from(
      'Worker ID;Legal First Name;Legal Last Name;Work Email;Supervisory Organization;Business Title\r\nW1;Zoë;Beaumont;zoe@example.org;Pharmacy;Pharmacist\r\nW2;José;Núñez;jose@example.org;Clinical;Nurse\r\n',
      'latin1',
    );
    const result = custodian(['import', vault, write('workday.csv', roster), '--json']);
    expect(result.stderr).toBe('');
    const json = JSON.parse(result.stdout) as { kind: string; encoding: string; delimiter: string; inserted: number; warnings: string[] };
    expect(json).toMatchObject({ kind: 'roster', encoding: 'windows-1252', delimiter: ';', inserted: 2 });
    expect(json.warnings.join(' ')).toMatch(/1252/);
  });

  it('a Cornerstone-style transcript with an unknown person imports nothing and exits 2 with one line', () => {
    const transcript = write(
      'cornerstone.csv',
      'User ID,User Full Name,Training Title,Completion Date,Score,Transcript Status\nW1,Zoë Beaumont,Fire Safety,2025-01-10,88,Completed\nW9,Ghost,Fire Safety,2025-01-10,70,Completed\n',
    );
    // A dry run exits as the import would: 2, changing nothing; with --skip-invalid, 0.
    const dry = custodian(['import', vault, transcript, '--dry-run']);
    expect(dry.code).toBe(2);
    expect(dry.stderr).toBe('custodian: dry run: 1 invalid row(s): the import would import nothing (fix them, or use --skip-invalid)\n');
    expect(dry.stdout).toContain('dry run: nothing was changed.');
    expect(custodian(['import', vault, transcript, '--dry-run', '--skip-invalid']).code).toBe(0);
    const result = custodian(['import', vault, transcript]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('custodian: 1 invalid row(s): nothing was imported (fix them, or use --skip-invalid)\n');
    expect(result.stdout).toContain('row 3, employee id = "W9": no such person in the vault');
    expect(JSON.parse(custodian(['stats', vault, '--json']).stdout)).toMatchObject({ people: 2, completions: 0 });

    const skipped = custodian(['import', vault, transcript, '--skip-invalid', '--json']);
    expect(skipped.code).toBe(0);
    expect(JSON.parse(skipped.stdout)).toMatchObject({ inserted: 1, invalid: 1, committed: true });
  });

  it('stats counts each entity', () => {
    expect(JSON.parse(custodian(['stats', vault, '--json']).stdout)).toMatchObject({
      people: 2,
      orgUnits: 2,
      jobRoles: 2,
      courses: 1,
      completions: 1,
      imports: 2,
    });
  });

  it('imports a certifications export: detected or --as certifications, --skip-invalid, idempotent', () => {
    const licences = write(
      'licences.csv',
      'Worker ID,Worker,Certification,Certification Number,Issue Date,Expiration Date,Issuing Body\nW1,Zoë Beaumont,Registered Pharmacist,RPH-77,2019-06-01,2026-05-31,Board of Pharmacy\nW2,José Núñez,BLS Provider,,2025-02-10,2027-02-28,AHA\nW9,Ghost,BLS Provider,,2025-02-10,2027-02-28,AHA\n',
    );
    const refused = custodian(['import', vault, licences]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toContain('licences.csv: certifications, csv');
    expect(refused.stdout).toContain('row 4, employee id = "W9": no such person in the vault (import the roster first)');
    expect(JSON.parse(custodian(['stats', vault, '--json']).stdout)).toMatchObject({ certifications: 0 });

    const skipped = custodian(['import', vault, licences, '--skip-invalid', '--json']);
    expect(skipped.code).toBe(0);
    expect(JSON.parse(skipped.stdout)).toMatchObject({ kind: 'certifications', inserted: 2, invalid: 1, committed: true });
    const again = custodian(['import', vault, licences, '--skip-invalid', '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ inserted: 0, updated: 0, unchanged: 2, invalid: 1, committed: true });

    const undetected = write('cards.csv', 'Ident,Card,Good Through\nW2,ACLS Provider,2027-03-31\n');
    const mapped = custodian([
      'import',
      vault,
      undetected,
      '--as',
      'certifications',
      '--map',
      'Ident=employeeId',
      '--map',
      'Card=certificationName',
      '--map',
      'Good Through=expiresOn',
      '--json',
    ]);
    expect(mapped.stderr).toBe('');
    expect(JSON.parse(mapped.stdout)).toMatchObject({ kind: 'certifications', inserted: 1, committed: true });
    expect(JSON.parse(custodian(['stats', vault, '--json']).stdout)).toMatchObject({ certifications: 3 });

    const bogus = custodian(['import', vault, undetected, '--as', 'licences']);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toBe('custodian: --as must be roster, completions or certifications\n');
    expect(custodian(['import', '--help']).stdout).toMatch(/roster, completions or certifications/);
  });

  it('refuses an empty file and a file that is not a table, with one line each', () => {
    const empty = custodian(['import', vault, write('empty.csv', '')]);
    expect(empty.code).not.toBe(0);
    expect(empty.stderr.trimEnd().split('\n')).toHaveLength(1);
    const pdf = custodian(['import', vault, write('report.csv', '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n')]);
    expect(pdf.code).not.toBe(0);
    expect(pdf.stderr).toMatch(/^custodian: .*PDF/i);
  });
});

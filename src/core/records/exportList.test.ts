import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeVault, tempDir } from '../../../tests/support/tempVault';
import { enableFramework } from '../compliance/requirementStore';
import { importFile } from '../import/importFile';
import { addUser } from '../users/userService';
import { openVault } from '../vault/openVault';
import type { VaultSession } from '../vault/vaultSession';
import { csvField, exportList } from './exportList';
import { pseudonym } from './pseudonym';

// Lists exported as CSV: what the screen shows (masked as on screen), read back by Python's csv
// module (an outside reader), with formula-looking values defused, and the export logged.

const ROSTER = `Employee ID,First Name,Last Name,Department,Job Title,Hire Date
E1,Ada,Lovelace,Laboratory,Lab Technician,2020-01-06
E2,Grace,"=HYPERLINK(""http://x"")",Laboratory,"Tech, Senior",2020-01-06
`;

let temp: ReturnType<typeof tempDir>;
let session: VaultSession;
let dir: string;

beforeEach(async () => {
  temp = tempDir();
  ({ session, dir } = await makeVault(temp.dir));
  writeFileSync(join(temp.dir, 'roster.csv'), ROSTER);
  await importFile(session, join(temp.dir, 'roster.csv'));
});
afterEach(async () => {
  await session.lock();
  temp.cleanup();
});

/** The file as Python's csv module reads it. */
function readCsv(path: string): string[][] {
  const run = spawnSync('python3', ['-c', 'import csv,json,sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline="")))))', path], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as string[][];
}

describe('exportList', () => {
  it('writes the people list as on screen, defuses formulas, and logs the export with the file hash', async () => {
    const out = join(temp.dir, 'people.csv');
    const { rows, sha256 } = await exportList(session, { list: 'people', query: { status: 'all', sort: 'employeeId', dir: 'asc' } }, out);
    expect(rows).toBe(2);
    const table = readCsv(out);
    expect(table[0]).toEqual(['Name', 'Employee ID', 'Pseudonym', 'Compliance today', 'Unit', 'Job role', 'Site', 'Hired', 'Left']);
    expect(table[1]?.slice(0, 3)).toEqual(['Lovelace, Ada', 'E1', expect.stringMatching(/^P-[0-9A-Z]{6}$/)]);
    expect(table[2]?.[0]).toBe('\'=HYPERLINK("http://x"), Grace');
    expect(table[2]?.[5]).toBe('Tech, Senior');
    const logged = await session.read((db) =>
      db.get<{ after_hash: string; reason: string }>("SELECT after_hash, reason FROM audit_log WHERE action = 'export.csv'"),
    );
    expect(logged).toEqual({ after_hash: sha256, reason: '2 rows' });
    expect(csvField('+1 555')).toBe("'+1 555");
    expect(csvField('-5')).toBe("'-5");
  });

  it('a dashboard drill-down, the gap list and the falling-due list export as the cards show them, each logged', async () => {
    await enableFramework(session, 'hipaa', { effectiveFrom: '2015-01-01' });
    const requirement = await session.read((db) =>
      db.get<{ id: string }>("SELECT requirement_id AS id FROM requirements WHERE current = 1 AND framework_id = 'hipaa' ORDER BY requirement_id LIMIT 1"),
    );
    const out = join(temp.dir, 'gap.csv');
    const { rows } = await exportList(
      session,
      { list: 'gap', query: { asOf: '2025-01-15', requirementId: requirement?.id ?? '', kind: 'never_trained' } },
      out,
    );
    expect(rows).toBe(2);
    const table = readCsv(out);
    expect(table[0]).toEqual(['Person', 'Employee ID', 'Pseudonym', 'Unit', 'Status', 'Due', 'Requirement', 'As of']);
    expect(
      table
        .slice(1)
        .map((r) => [r[1], r[4], r[7]])
        .sort(),
    ).toEqual([
      ['E1', 'Never trained', '2025-01-15'],
      ['E2', 'Never trained', '2025-01-15'],
    ]);
    // The dashboard's gap list and its falling-due list, as the cards show them.
    const gaps = join(temp.dir, 'gaps.csv');
    await exportList(session, { list: 'gaps', query: { asOf: '2025-01-15', frameworkId: 'hipaa' } }, gaps);
    const gapTable = readCsv(gaps);
    expect(gapTable[0]).toEqual(['Requirement', 'Framework', 'Clause', 'Gap', 'People', 'Points lost', 'As of']);
    expect(gapTable.slice(1).some((r) => r[3] === 'Never trained' && r[4] === '2')).toBe(true);
    const due = join(temp.dir, 'due.csv');
    expect((await exportList(session, { list: 'expiries', query: { asOf: '2025-01-15', kind: 'training' } }, due)).rows).toBe(0);
    expect(readCsv(due)[0]).toEqual(['Person', 'Employee ID', 'Pseudonym', 'Requirement', 'Due', 'As of']);
    const exports = await session.read((db) => db.all<{ target: string }>("SELECT target FROM audit_log WHERE action = 'export.csv' ORDER BY seq"));
    expect(exports.map((e) => e.target)).toEqual(['gap', 'gaps', 'expiries']);
  });

  it('an auditor exports pseudonyms, never names or employee ids', async () => {
    await addUser(session, { name: 'audrey', role: 'auditor', passphrase: Buffer.from('auditor passphrase orbit zebra'), kdf: 'minimum' });
    const auditor = await openVault(dir, { user: 'audrey', passphrase: Buffer.from('auditor passphrase orbit zebra') });
    try {
      const out = join(temp.dir, 'masked.csv');
      await exportList(auditor, { list: 'people', query: { status: 'all', sort: 'name', dir: 'asc' } }, out);
      const text = readFileSync(out, 'utf8');
      expect(text).not.toMatch(/Lovelace|HYPERLINK|E1|E2/);
      const ids = await session.read((db) => db.all<{ person_id: string }>('SELECT person_id FROM people WHERE current = 1'));
      for (const { person_id: id } of ids) expect(text).toContain(pseudonym(session.vaultId, id));
    } finally {
      await auditor.lock();
    }
  });
});

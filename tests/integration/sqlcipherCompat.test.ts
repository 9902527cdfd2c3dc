import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sqlite3 from '@journeyapps/sqlcipher';
import { afterAll, describe, expect, it } from 'vitest';
import { LEGACY_FIXTURE, LEGACY_PASSPHRASE } from '../support/legacyVault';
import { sqlcipher4Shell } from '../support/sqlcipher4Shell';
import { tempDir } from '../support/tempVault';

// The vault's database driver is better-sqlite3-multiple-ciphers in SQLCipher 4 mode. These tests
// hold it to the SQLCipher 4 format both ways, with Zetetic's SQLCipher 4.14 as the other side
// (`@journeyapps/sqlcipher`, the driver that wrote the first vaults, kept as an independent
// reader), and run the README's "without Custodian" recipe as written.

const FIXTURE = join(import.meta.dirname, '../fixtures/legacy-vault');
const LEGACY_EVIDENCE_ID = '04952ff5-43aa-40b8-b101-62c0c254e0d3';
const PASSPHRASE = 'correct horse battery staple orbit';
const temp = tempDir('custodian-compat-');
afterAll(() => {
  temp.cleanup();
});

function custodian(args: string[], passphrase = PASSPHRASE, cwd?: string) {
  const result = spawnSync(join(import.meta.dirname, '../../bin/custodian'), args, {
    encoding: 'utf8',
    cwd,
    env: { ...process.env, CUSTODIAN_PASSPHRASE: passphrase },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs statements in @journeyapps/sqlcipher (SQLCipher 4.14) with the raw key; rows of the last. */
function readWithSqlcipher(file: string, hexKey: string, statements: string[]): Promise<unknown[][]> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READWRITE, (openError) => {
      if (openError) reject(openError);
    });
    const results: unknown[][] = [];
    db.serialize(() => {
      db.run(`PRAGMA key = "x'${hexKey}'"`);
      for (const sql of statements) {
        db.all(sql, (error: Error | null, rows: unknown[]) => {
          if (error) reject(error);
          else results.push(rows);
        });
      }
      db.close((error) => {
        if (error) reject(error);
        else resolve(results);
      });
    });
  });
}

describe('a vault written by @journeyapps/sqlcipher (node-sqlite3)', () => {
  const vault = join(temp.dir, 'legacy.custodian');
  cpSync(LEGACY_FIXTURE, vault, { recursive: true });

  it('opens and verifies with the new driver, with every record and the evidence intact', () => {
    const verified = custodian(['log', 'verify', vault, '--json'], LEGACY_PASSPHRASE);
    expect(verified.stderr).toBe('');
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, size: 22, signers: ['alice'] });
    const stats = JSON.parse(custodian(['stats', vault, '--json'], LEGACY_PASSPHRASE).stdout) as Record<string, number>;
    expect(stats).toMatchObject({ people: 3, completions: 3, evidence: 1 });
    // Made before the key chain: no write until an administrator starts it, vouching for the past.
    const refused = custodian(
      ['evidence', 'get', vault, LEGACY_EVIDENCE_ID, join(temp.dir, 'refused.txt'), '--reason', 'compatibility test'],
      LEGACY_PASSPHRASE,
    );
    expect(refused.stderr).toMatch(/predates the chain of signing keys.*custodian log start-chain/);
    const started = custodian(['log', 'start-chain', vault], LEGACY_PASSPHRASE);
    expect(started.stderr).toBe('');
    expect(started.stdout).toMatch(/^key chain started after 22 older entries/);
    expect(started.stdout).toMatch(/^enrolled: SHA256:\S+ \(recovery\)$/m);
    const out = join(temp.dir, 'sheet.txt');
    expect(custodian(['evidence', 'get', vault, LEGACY_EVIDENCE_ID, out, '--reason', 'compatibility test'], LEGACY_PASSPHRASE).stderr).toBe('');
    expect(readFileSync(out)).toEqual(readFileSync(join(FIXTURE, 'sheet.txt')));
  });

  it('is written by the new driver, and SQLCipher 4.14 still reads and verifies every page after', async () => {
    const roster = join(temp.dir, 'roster.csv');
    writeFileSync(roster, 'Employee ID,First Name,Last Name,Email\nE103,Katherine,Johnson,katherine@example.org\n');
    const imported = custodian(['import', vault, roster, '--json'], LEGACY_PASSPHRASE);
    expect(imported.stderr).toBe('');
    // alice's key began the chain at entry 22; the entries before it keep their old-format
    // checkpoints and are reported as such.
    expect(JSON.parse(custodian(['log', 'verify', vault, '--json'], LEGACY_PASSPHRASE).stdout)).toMatchObject({
      ok: true,
      legacyEntries: 22,
      genesis: { user: 'alice', enrolledAt: 22 },
    });
    const key = custodian(['recovery', 'export-key', vault], LEGACY_PASSPHRASE).stdout.trim();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    const [integrity, people, log] = await readWithSqlcipher(join(vault, 'vault.db'), key, [
      'PRAGMA cipher_integrity_check',
      'SELECT employee_id FROM people WHERE current = 1 ORDER BY employee_id',
      'SELECT count(*) AS n FROM audit_log',
    ]);
    expect(integrity).toEqual([]);
    expect(people).toEqual(['E100', 'E101', 'E102', 'E103'].map((employee_id) => ({ employee_id })));
    expect(log).toEqual([{ n: expect.any(Number) as number }]);
    expect((log?.[0] as { n: number }).n).toBeGreaterThan(22);
  });
});

describe('a vault the new driver creates', () => {
  it('opens in @journeyapps/sqlcipher (SQLCipher 4.14) with the exported key, every page verified', async () => {
    const vault = join(temp.dir, 'fresh.custodian');
    expect(custodian(['init', vault, '--user', 'alice', '--kdf', 'minimum']).code).toBe(0);
    const key = custodian(['recovery', 'export-key', vault]).stdout.trim();
    const [integrity, users] = await readWithSqlcipher(join(vault, 'vault.db'), key, [
      'PRAGMA cipher_integrity_check',
      "SELECT name, role FROM users WHERE kind = 'person'",
    ]);
    expect(integrity).toEqual([]);
    expect(users).toEqual([{ name: 'alice', role: 'admin' }]);
  });
});

describe("the README's recipe for opening a vault without Custodian", () => {
  const shell = sqlcipher4Shell();
  const why = 'missing' in shell ? `skipped: no ${shell.missing}` : '';
  if (why && process.env.CI) throw new Error(`CI must run the recipe test, but it lacks ${why.slice('skipped: no '.length)}`);

  it.skipIf(Boolean(why))(`runs as written with a SQLCipher 4 sqlcipher shell and stock age ${why}`, () => {
    if ('missing' in shell) return;
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('Opening a vault without Custodian'));
    const recipe = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
    if (!recipe) throw new Error('the README has no recipe block');
    const [exportKey, query, exportIdentity, decrypt] = recipe.trim().split('\n');
    expect(exportKey).toMatch(/custodian recovery export-key acme\.custodian/);

    const cwd = join(temp.dir, 'recipe');
    cpSync(LEGACY_FIXTURE, join(cwd, 'acme.custodian'), { recursive: true });
    const bin = join(temp.dir, 'bin');
    cpSync(join(shell.dir, 'sqlcipher'), join(bin, 'sqlcipher'));
    writeFileSync(join(bin, 'custodian'), `#!/bin/sh\nexec node ${join(import.meta.dirname, '../../out/cli/custodian.js')} "$@"\n`, { mode: 0o755 });
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, CUSTODIAN_PASSPHRASE: LEGACY_PASSPHRASE };
    const run = (script: string) => spawnSync('bash', ['-euo', 'pipefail', '-c', script], { cwd, env, encoding: 'utf8' });

    // The fixture predates the key chain: start it (setup, not part of the recipe), so the
    // recipe's logged key export can be written.
    expect(run('custodian log start-chain acme.custodian').stderr).toBe('');
    const listed = run(`${exportKey ?? ''}\n${query ?? ''}`);
    expect(listed.stderr).toBe('');
    expect(listed.status).toBe(0);
    // "ok" from PRAGMA key, nothing from cipher_integrity_check, then the evidence row.
    const lines = listed.stdout.trim().split('\n');
    expect(lines[0]).toBe('ok');
    const [id, blob, name] = (lines[lines.length - 1] ?? '').split('|');
    expect(name).toBe('sheet.txt');

    const opened = run(
      `${(exportIdentity ?? '').replace('EVIDENCE_ID', id ?? '')}\n${(decrypt ?? '').replace('ab/<blob>', `${(blob ?? '').slice(0, 2)}/${blob ?? ''}`).replace(/#.*$/, '')}`,
    );
    expect(opened.stderr).toBe('');
    expect(opened.stdout).toBe(readFileSync(join(FIXTURE, 'sheet.txt'), 'utf8'));

    // The same two lines with Debian 12's own sqlcipher (SQLCipher 3.4.1) fail, with the right
    // key: the README says so.
    const stockBin = join(temp.dir, 'stock-bin');
    cpSync(join(bin, 'custodian'), join(stockBin, 'custodian'));
    const old = spawnSync('bash', ['-euo', 'pipefail', '-c', `${exportKey ?? ''}\n${query ?? ''}`], {
      cwd,
      env: { ...env, PATH: `${stockBin}:${process.env.PATH ?? ''}` },
      encoding: 'utf8',
    });
    expect(old.status).not.toBe(0);
    expect(old.stderr).toMatch(/file is encrypted or is not a database/);
  });
});

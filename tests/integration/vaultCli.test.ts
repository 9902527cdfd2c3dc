import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VaultDatabase } from '../../src/core/db/database';
import { tempDir } from '../support/tempVault';

// The stable command line of issue 3, run as auditors and scripts would: the real bin, real
// files, stock `age` and Python's sqlite3 to check us from outside.

const PASSPHRASE = 'correct horse battery staple orbit';
const temp = tempDir('custodian-cli-');
const vault = join(temp.dir, 'acme.custodian');
const hasAge = spawnSync('age', ['--version']).status === 0;

function custodian(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync('bin/custodian', args, { encoding: 'utf8', env: { ...process.env, CUSTODIAN_PASSPHRASE: PASSPHRASE, ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let recoveryKey = '';
let evidenceId = '';
const document = join(temp.dir, 'sign-in sheet.txt');

beforeAll(() => {
  writeFileSync(document, 'Sign-in sheet\nJane Q. Public, jane.public@example.org, SSN 078-05-1120\n');
  const init = custodian(['init', vault, '--user', 'alice', '--kdf', 'minimum', '--json']);
  expect(init.stderr).toBe('');
  expect(init.code).toBe(0);
  ({ recoveryKey } = JSON.parse(init.stdout) as { vaultId: string; recoveryKey: string });
});
afterAll(() => {
  temp.cleanup();
});

describe('custodian vault commands', () => {
  it('init prints {vaultId, recoveryKey} once and refuses an existing vault', () => {
    expect(recoveryKey).toMatch(/^([0-9A-Z]{5}-){10}[0-9A-Z]{5}$/);
    const again = custodian(['init', vault, '--kdf', 'minimum']);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/^custodian: .*already exists/);
  });

  it('init refuses a weak passphrase before creating anything', () => {
    const weak = custodian(['init', join(temp.dir, 'weak.custodian'), '--kdf', 'minimum'], { CUSTODIAN_PASSPHRASE: 'password' });
    expect(weak.code).toBe(2);
    expect(weak.stderr).toMatch(/^custodian: That passphrase is too weak/);
    expect(readdirSync(temp.dir)).not.toContain('weak.custodian');
  });

  it('unlock-check: 0 for the right passphrase, 3 with the fixed message for a wrong one', () => {
    expect(custodian(['unlock-check', vault]).code).toBe(0);
    const wrong = custodian(['unlock-check', vault], { CUSTODIAN_PASSPHRASE: 'definitely not it' });
    expect(wrong).toMatchObject({ code: 3, stderr: 'custodian: wrong passphrase or unknown user\n' });
    const file = join(temp.dir, 'pass.txt');
    writeFileSync(file, `${PASSPHRASE}\n`);
    expect(custodian(['unlock-check', vault, '--passphrase-file', file], { CUSTODIAN_PASSPHRASE: '' }).code).toBe(0);
  });

  it('evidence add / get round-trips, and the vault holds no plaintext', () => {
    const added = custodian(['evidence', 'add', vault, document, '--json']);
    expect(added.code).toBe(0);
    const meta = JSON.parse(added.stdout) as { id: string; sha256: string; size: number; fileName: string };
    evidenceId = meta.id;
    expect(meta.fileName).toBe('sign-in sheet.txt');
    const out = join(temp.dir, 'out.txt');
    expect(custodian(['evidence', 'get', vault, evidenceId, out]).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(document, 'utf8'));
    // Onto a file that exists: one line saying so, and that file untouched (it used to crash with
    // an EEXIST stack trace, on a path that would then delete it).
    writeFileSync(out, 'precious notes');
    const clash = custodian(['evidence', 'get', vault, evidenceId, out]);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toMatch(/^custodian: .*out\.txt already exists; choose another name\n$/);
    expect(readFileSync(out, 'utf8')).toBe('precious notes');
    const blob = readdirSync(join(vault, 'blobs'), { recursive: true, withFileTypes: true }).find((e) => e.isFile());
    expect(blob).toBeDefined();
    expect(spawnSync('grep', ['-rl', '078-05-1120', vault]).status).toBe(1);
  });

  it('evidence add --person refuses a person the vault does not hold, adding nothing', () => {
    const before = readdirSync(join(vault, 'blobs'), { recursive: true }).length;
    const refused = custodian(['evidence', 'add', vault, document, '--person', 'no-such-person']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('custodian: Nobody in this vault is no-such-person (give an employee id or a pseudonym such as P-7F3K2Q).\n');
    expect(readdirSync(join(vault, 'blobs'), { recursive: true })).toHaveLength(before);
  });

  it.skipIf(!hasAge)('recovery export-identity opens the blob with stock `age -d` (skipped where age is not installed)', () => {
    const identity = custodian(['recovery', 'export-identity', vault, evidenceId]);
    expect(identity.code).toBe(0);
    expect(identity.stdout).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]+\n$/);
    const identityFile = join(temp.dir, 'identity.txt');
    writeFileSync(identityFile, identity.stdout);
    const blobs = readdirSync(join(vault, 'blobs'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    const decrypted = blobs.map((b) => spawnSync('age', ['-d', '-i', identityFile, join(b.parentPath, b.name)])).find((r) => r.status === 0);
    expect(decrypted?.stdout.toString()).toBe(readFileSync(document, 'utf8'));
  });

  it('recovery export-key opens vault.db in SQLCipher; a plain SQLite cannot', async () => {
    const key = custodian(['recovery', 'export-key', vault]);
    expect(key.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    const db = VaultDatabase.open(join(vault, 'vault.db'), Buffer.from(key.stdout.trim(), 'hex'));
    const count = await db.read((r) => r.get<{ n: number }>('SELECT count(*) AS n FROM evidence'));
    await db.close();
    expect(count?.n).toBe(1);
    const plain = spawnSync('python3', [
      '-c',
      'import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute("select * from sqlite_master").fetchall()',
      join(vault, 'vault.db'),
    ]);
    expect(plain.status).not.toBe(0);
  });

  it('user add / list / passwd / remove, with roles enforced', () => {
    const bob = custodian(['user', 'add', vault, '--name', 'bob', '--role', 'officer', '--kdf', 'minimum'], {
      CUSTODIAN_NEW_PASSPHRASE: 'violet tractor mango harbour',
    });
    expect(bob).toMatchObject({ code: 0, stdout: 'added bob (officer)\n' });
    const asBob = { CUSTODIAN_PASSPHRASE: 'violet tractor mango harbour' };
    const denied = custodian(['user', 'add', vault, '--user', 'bob', '--name', 'eve', '--role', 'admin', '--kdf', 'minimum'], {
      ...asBob,
      CUSTODIAN_NEW_PASSPHRASE: 'another long passphrase here',
    });
    expect(denied).toMatchObject({ code: 5 });
    expect(denied.stderr).toMatch(/^custodian: An officer may not add users/);
    expect(
      custodian(['user', 'passwd', vault, '--user', 'bob', '--kdf', 'minimum'], { ...asBob, CUSTODIAN_NEW_PASSPHRASE: 'quartz lantern orchard seventeen' })
        .code,
    ).toBe(0);
    expect(custodian(['unlock-check', vault, '--user', 'bob'], { CUSTODIAN_PASSPHRASE: 'quartz lantern orchard seventeen' }).code).toBe(0);
    expect(custodian(['user', 'list', vault, '--json']).stdout).toContain('"name":"bob"');
    expect(custodian(['user', 'remove', vault, '--name', 'bob', '--reason', 'left']).code).toBe(0);
    expect(custodian(['unlock-check', vault, '--user', 'bob'], { CUSTODIAN_PASSPHRASE: 'quartz lantern orchard seventeen' }).code).toBe(3);
  });

  it('log verify: exit 0 and JSON for an intact log', () => {
    const verify = custodian(['log', 'verify', vault, '--json']);
    expect(verify.code).toBe(0);
    const result = JSON.parse(verify.stdout) as { ok: boolean; size: number; signers: string[] };
    expect(result.ok).toBe(true);
    expect(result.signers).toEqual(['alice', 'bob']);
    // Decryptions and key exports are in the log too.
    expect(result.size).toBeGreaterThanOrEqual(10);
  });

  it('evidence delete needs a reason and crypto-shreds the blob', () => {
    expect(custodian(['evidence', 'delete', vault, evidenceId]).code).not.toBe(0);
    expect(custodian(['evidence', 'delete', vault, evidenceId, '--reason', 'duplicate']).code).toBe(0);
    const blobs = readdirSync(join(vault, 'blobs'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(blobs).toEqual([]);
    expect(custodian(['evidence', 'get', vault, evidenceId, join(temp.dir, 'gone.txt')]).stderr).toMatch(/No evidence with id/);
  });
});

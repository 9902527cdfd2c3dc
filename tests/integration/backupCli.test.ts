import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tempVault';

// Runs the real `bin/custodian` over the built CLI (run `npm run build` first).

const PASSPHRASE = 'correct horse battery staple orbit';

function custodian(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync('bin/custodian', args, {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CUSTODIAN_PASSPHRASE: PASSPHRASE, ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let temp: ReturnType<typeof tempDir>;
let vault: string;
let backupFile: string;
let recoveryKey: string;
let evidenceId: string;
const plaintext = 'Name: Jane Q. Public\nEmail: jane@example.org\nSSN: 078-05-1120\n';

beforeAll(() => {
  temp = tempDir('custodian-backup-cli-');
  vault = join(temp.dir, 'acme.custodian');
  backupFile = join(temp.dir, 'acme.backup');
  const init = custodian(['init', vault, '--kdf', 'minimum', '--json']);
  expect(init.code, init.stderr).toBe(0);
  recoveryKey = (JSON.parse(init.stdout) as { recoveryKey: string }).recoveryKey;
  const source = join(temp.dir, 'jane.txt');
  writeFileSync(source, plaintext);
  const added = custodian(['evidence', 'add', vault, source]);
  expect(added.code, added.stderr).toBe(0);
  evidenceId = added.stdout.trim();
});

afterAll(() => {
  temp.cleanup();
});

describe('custodian backup / restore', () => {
  it('backup writes a verified file and prints its SHA-256', () => {
    const { code, stdout, stderr } = custodian(['backup', vault, backupFile, '--json']);
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout) as { file: string; sha256: string; entries: number; bytes: number };
    const bytes = readFileSync(backupFile);
    expect(result).toEqual({ file: backupFile, sha256: createHash('sha256').update(bytes).digest('hex'), entries: 4, bytes: bytes.length });
    for (const text of ['Jane Q. Public', 'jane@example.org', '078-05-1120']) expect(bytes.includes(text)).toBe(false);
  });

  it('backup refuses to overwrite an existing file', () => {
    const { code, stderr } = custodian(['backup', vault, backupFile]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^custodian: .*already exists/);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('restore with the passphrase gives back the same evidence and a verified log', () => {
    const restored = join(temp.dir, 'restored.custodian');
    const { code, stdout, stderr } = custodian(['restore', backupFile, restored]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`restored to ${restored} by admin`);
    const out = join(temp.dir, 'jane-again.txt');
    expect(custodian(['evidence', 'get', restored, evidenceId, out]).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(plaintext);
    expect(custodian(['log', 'verify', restored]).code).toBe(0);
  });

  it('restore with the recovery key file', () => {
    const keyFile = join(temp.dir, 'recovery.txt');
    writeFileSync(keyFile, `${recoveryKey}\n`);
    const restored = join(temp.dir, 'by-recovery.custodian');
    const { code, stdout, stderr } = custodian(['restore', backupFile, restored, '--recovery-key-file', keyFile, '--json'], { CUSTODIAN_PASSPHRASE: '' });
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ dir: restored, user: 'recovery' });
  });

  it('restore refuses a wrong passphrase (exit 3) and a modified backup (exit 4), leaving no folder', () => {
    const wrong = custodian(['restore', backupFile, join(temp.dir, 'wrong.custodian')], { CUSTODIAN_PASSPHRASE: 'not the passphrase at all' });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toBe('custodian: wrong passphrase or unknown user\n');
    expect(existsSync(join(temp.dir, 'wrong.custodian'))).toBe(false);

    const bytes = readFileSync(backupFile);
    bytes[bytes.length - 3000] = (bytes[bytes.length - 3000] ?? 0) ^ 1;
    const tampered = join(temp.dir, 'tampered.backup');
    writeFileSync(tampered, bytes);
    const result = custodian(['restore', tampered, join(temp.dir, 'tampered.custodian')]);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^custodian: The backup is damaged or was modified/);
    expect(existsSync(join(temp.dir, 'tampered.custodian'))).toBe(false);
  });
});

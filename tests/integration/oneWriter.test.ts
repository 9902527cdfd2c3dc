import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VaultDatabase } from '../../src/core/db/database';
import { ADMIN, ADMIN_PASSPHRASE, makeVault, tempDir } from '../support/tempVault';

// One writer at a time, readers welcome: while another process holds the vault's write lock (as
// an import does for its whole run), a read-only command works and a second writer waits a
// bounded time, then fails with one line saying the vault is in use: never a raw SQLITE_BUSY.

let temp: ReturnType<typeof tempDir>;
let dir: string;
let dataKey: Buffer;

beforeEach(async () => {
  temp = tempDir();
  const created = await makeVault(temp.dir);
  dir = created.dir;
  dataKey = Buffer.from(created.session.dataKey);
  await created.session.lock();
});
afterEach(() => {
  temp.cleanup();
});

function custodian(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('bin/custodian', args, { env: { ...process.env, CUSTODIAN_PASSPHRASE: ADMIN_PASSPHRASE }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => {
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

describe('one writer at a time', () => {
  it('while another process writes: stats and log verify work, a second writer is told the vault is in use', async () => {
    const holder = VaultDatabase.open(join(dir, 'vault.db'), dataKey);
    const gate: { release: () => void } = { release: () => undefined };
    const released = new Promise<void>((resolve) => {
      gate.release = resolve;
    });
    const writing = holder.transaction(() => released); // holds BEGIN IMMEDIATE until released
    try {
      const stats = await custodian(['stats', dir, '--user', ADMIN, '--json']);
      expect(stats).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(stats.stdout)).toMatchObject({ evidence: 0 });
      expect(await custodian(['log', 'verify', dir])).toMatchObject({ code: 0, stderr: '' });

      writeFileSync(join(temp.dir, 'bob.pass'), 'bob has a sturdy passphrase 7\n');
      const second = await custodian([
        'user',
        'add',
        dir,
        '--name',
        'bob',
        '--role',
        'officer',
        '--kdf',
        'minimum',
        '--new-passphrase-file',
        join(temp.dir, 'bob.pass'),
      ]);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/^custodian: The vault is in use: another Custodian process .* is writing to it\. Try again when it has finished\.\n$/);
      expect(second.ms).toBeGreaterThan(4_000); // it waited before giving up
    } finally {
      gate.release();
      await writing;
      await holder.close();
    }
    // Once the writer is done, the same command succeeds.
    writeFileSync(join(temp.dir, 'bob.pass'), 'bob has a sturdy passphrase 7\n');
    expect(
      await custodian(['user', 'add', dir, '--name', 'bob', '--role', 'officer', '--kdf', 'minimum', '--new-passphrase-file', join(temp.dir, 'bob.pass')]),
    ).toMatchObject({ code: 0 });
  }, 60_000);
});

import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tempVault';

// A second process unlocks (and so sweeps orphans) while the first is sealing an evidence blob:
// the sweep must leave another live process's temp blob alone. The adding process is frozen
// (SIGSTOP) while its temp file exists, so the sweep runs at exactly that moment, every time.

const PASSPHRASE = 'two processes one vault of evidence';
const temp = tempDir();
afterAll(() => {
  temp.cleanup();
});
const env = { ...process.env, CUSTODIAN_PASSPHRASE: PASSPHRASE };

function tempBlobs(vault: string): string[] {
  const found: string[] = [];
  for (const shard of readdirSync(join(vault, 'blobs'))) {
    for (const file of readdirSync(join(vault, 'blobs', shard))) if (file.endsWith('.tmp')) found.push(file);
  }
  return found;
}

describe('evidence added while another process unlocks', () => {
  it('`stats` during an `evidence add` does not delete its blob: the add succeeds and its blob verifies', async () => {
    const vault = join(temp.dir, 'shared.custodian');
    expect(spawnSync('bin/custodian', ['init', vault, '--user', 'alice', '--kdf', 'minimum'], { env }).status).toBe(0);
    const big = join(temp.dir, 'scan.bin');
    const fd = openSync(big, 'w');
    ftruncateSync(fd, 512 * 1024 * 1024); // sparse: quick to read, long enough to catch mid-seal
    closeSync(fd);

    const add = spawn('bin/custodian', ['evidence', 'add', vault, big, '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    add.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    add.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => add.on('close', resolve));

    const deadline = Date.now() + 20_000;
    while (tempBlobs(vault).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    add.kill('SIGSTOP');
    try {
      expect(tempBlobs(vault)).toHaveLength(1);
      const stats = spawnSync('bin/custodian', ['stats', vault, '--json'], { env, encoding: 'utf8' });
      expect(stats.stderr).toBe('');
      expect(tempBlobs(vault), 'the sweep removed a live process\u2019s temp blob').toHaveLength(1);
    } finally {
      add.kill('SIGCONT');
    }
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toMatchObject({ size: 512 * 1024 * 1024 });
    const verified = spawnSync('bin/custodian', ['log', 'verify', vault, '--json'], { env, encoding: 'utf8' });
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, blobs: { checked: 1, problems: [] } });
  }, 60_000);
});

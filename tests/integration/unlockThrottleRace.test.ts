import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tempVault';

// The unlock throttle against wrong passphrases tried in parallel by real processes: the
// attempts run one after another, each waiting the delay the failures before it earned
// (0 + 1 + 2 + 4 s for four), and the counter keeps every failure.

const temp = tempDir();
afterAll(() => {
  temp.cleanup();
});

function attempt(vault: string, passphrase: string): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn('bin/custodian', ['unlock-check', vault], { env: { ...process.env, CUSTODIAN_PASSPHRASE: passphrase }, stdio: 'ignore' });
    child.on('close', resolve);
  });
}

describe('unlock throttle, attempts in parallel', () => {
  it('four concurrent wrong passphrases take at least 7 s between them and count four failures', async () => {
    const vault = join(temp.dir, 'guarded.custodian');
    const env = { ...process.env, CUSTODIAN_PASSPHRASE: 'the right passphrase for this vault' };
    expect(spawnSync('bin/custodian', ['init', vault, '--user', 'alice', '--kdf', 'minimum'], { env }).status).toBe(0);
    const started = Date.now();
    const codes = await Promise.all([1, 2, 3, 4].map((i) => attempt(vault, `wrong guess number ${String(i)} here`)));
    const elapsed = Date.now() - started;
    expect(codes).toEqual([3, 3, 3, 3]);
    expect(elapsed).toBeGreaterThanOrEqual(7_000);
    expect(JSON.parse(readFileSync(join(vault, 'vault.attempts'), 'utf8'))).toMatchObject({ failures: 4 });
  }, 90_000);
});

import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tempVault';

// Real processes (bin/custodian over the built CLI) changing users of one vault at once. Each
// unlocks (reading the header) before any of them writes; every change must survive in the
// header, or a user who was told "added" could never open the vault.

const PASSPHRASE = 'concurrent writers share one header';
const temp = tempDir();
afterAll(() => {
  temp.cleanup();
});

function custodianAsync(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bin/custodian', args, { env: { ...process.env, CUSTODIAN_PASSPHRASE: PASSPHRASE, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => {
      resolve({ code, stderr });
    });
  });
}

function opens(vault: string, user: string, passphrase: string): number | null {
  return spawnSync('bin/custodian', ['unlock-check', vault, '--user', user], { env: { ...process.env, CUSTODIAN_PASSPHRASE: passphrase } }).status;
}

describe('users changed by several processes at once', () => {
  const vault = join(temp.dir, 'shared.custodian');

  it('three `user add` at once: all three report success, and all three can open the vault', async () => {
    expect(
      spawnSync('bin/custodian', ['init', vault, '--user', 'alice', '--kdf', 'minimum'], { env: { ...process.env, CUSTODIAN_PASSPHRASE: PASSPHRASE } }).status,
    ).toBe(0);
    const names = ['bob', 'carol', 'dave'];
    for (const name of names) writeFileSync(join(temp.dir, `${name}.pass`), `${name} has a sturdy passphrase 7\n`);
    const results = await Promise.all(
      names.map((name) =>
        custodianAsync([
          'user',
          'add',
          vault,
          '--name',
          name,
          '--role',
          'officer',
          '--kdf',
          'minimum',
          '--new-passphrase-file',
          join(temp.dir, `${name}.pass`),
        ]),
      ),
    );
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    for (const name of names) expect(opens(vault, name, `${name} has a sturdy passphrase 7`), name).toBe(0);
    expect(opens(vault, 'alice', PASSPHRASE)).toBe(0);
    expect(spawnSync('bin/custodian', ['log', 'verify', vault], { env: { ...process.env, CUSTODIAN_PASSPHRASE: PASSPHRASE } }).status).toBe(0);
  });

  it('`user passwd` of the only admin while another process adds a user: the admin is not locked out', async () => {
    const newPassphrase = 'alice changed her passphrase today';
    writeFileSync(join(temp.dir, 'erin.pass'), 'erin has a sturdy passphrase 7\n');
    const passwd = custodianAsync(['user', 'passwd', vault, '--kdf', 'minimum'], { CUSTODIAN_NEW_PASSPHRASE: newPassphrase });
    const add = custodianAsync([
      'user',
      'add',
      vault,
      '--name',
      'erin',
      '--role',
      'officer',
      '--kdf',
      'minimum',
      '--new-passphrase-file',
      join(temp.dir, 'erin.pass'),
    ]);
    const [changed, added] = await Promise.all([passwd, add]);
    expect(changed.code).toBe(0);
    expect(opens(vault, 'alice', newPassphrase)).toBe(0);
    expect(opens(vault, 'alice', PASSPHRASE)).toBe(3);
    // The add unlocked with the old passphrase: before the change committed it succeeds and erin
    // opens the vault; after, it is refused as a wrong passphrase. Never a success that is lost.
    if (added.code === 0) expect(opens(vault, 'erin', 'erin has a sturdy passphrase 7')).toBe(0);
    else expect(added.code).toBe(3);
  });
});

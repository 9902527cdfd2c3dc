import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVault } from '../src/core/vault/createVault';
import { openVault } from '../src/core/vault/openVault';
import { maxStallMs } from './measure';
import type { Figure } from './measure';

const PASSPHRASE = 'correct horse battery staple orbit';

/** DESIGN.md: the main process's event loop never blocks for more than 50 ms. */
export async function benchUnlockStall(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-bench-unlock-'));
  try {
    const vault = join(dir, 'bench.custodian');
    const created = await createVault(vault, { user: 'alice', passphrase: Buffer.from(PASSPHRASE) });
    await created.session.lock();
    const idle = await maxStallMs(() => new Promise((resolve) => setTimeout(resolve, 1000)));
    const unlock = await maxStallMs(async () => {
      const session = await openVault(vault, { user: 'alice', passphrase: Buffer.from(PASSPHRASE) });
      await session.lock();
    });
    return [
      {
        name: 'longest event-loop stall during unlock (calibrated Argon2id)',
        value: unlock,
        unit: 'ms',
        baseline: { name: 'same measure over 1 s idle', value: idle, unit: 'ms' },
        goal: '< 50 ms',
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

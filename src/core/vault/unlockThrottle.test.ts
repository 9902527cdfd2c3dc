import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, ADMIN_PASSPHRASE, makeVault, tempDir } from '../../../tests/support/tempVault';
import { delayAfter } from './unlockThrottle';
import { openVault } from './openVault';

let temp: ReturnType<typeof tempDir>;
beforeEach(() => {
  temp = tempDir();
});
afterEach(() => {
  temp.cleanup();
});

describe('failed unlock throttling', () => {
  it('doubles the wait after each failure, up to five minutes', () => {
    expect([0, 1, 2, 3, 4, 10, 30].map(delayAfter)).toEqual([0, 1000, 2000, 4000, 8000, 300_000, 300_000]);
  });

  it('waits longer after each failure, remembers across restarts, resets on success', async () => {
    const { session, dir } = await makeVault(temp.dir);
    await session.lock();
    let now = 1_000_000;
    const waits: number[] = [];
    const clock = {
      now: () => now,
      sleep: (ms: number) => {
        waits.push(ms);
        now += ms;
        return Promise.resolve();
      },
    };
    const wrong = { user: ADMIN, passphrase: Buffer.from('not the passphrase at all') };
    for (let i = 0; i < 3; i++) await expect(openVault(dir, wrong, { clock })).rejects.toThrow('wrong passphrase or unknown user');
    // A "restart": a new clock object reading the same file.
    const later = { ...clock };
    await (await openVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) }, { clock: later })).lock();
    expect(waits).toEqual([1000, 2000, 4000]);
    waits.length = 0;
    await (await openVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) }, { clock })).lock();
    expect(waits).toEqual([]);
  });
});

import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ADMIN_PASSPHRASE, tempDir } from '../../../tests/support/tempVault';
import { VaultManager } from './vaultManager';

let temp: ReturnType<typeof tempDir>;
beforeEach(() => {
  temp = tempDir();
});
afterEach(() => {
  vi.useRealTimers();
  temp.cleanup();
});

function manager(now: () => number) {
  return new VaultManager({
    dataDir: temp.dir,
    dialogs: {
      chooseFolder: (purpose) => Promise.resolve(purpose === 'create' ? join(temp.dir, 'vaults') : null),
      chooseFile: () => Promise.resolve(null),
    },
    kdf: 'minimum',
    now,
  });
}

describe('VaultManager', () => {
  it('hands out opaque location tokens, never paths, and remembers recent vaults', async () => {
    const vaults = manager(() => Date.now());
    const location = await vaults.chooseLocation('create');
    expect(location?.displayName).toBe('vaults');
    expect(location?.token).not.toContain('/');
    const { vault, recoveryKey } = await vaults.create({ location: location?.token ?? '', name: 'Acme', user: 'alice', passphrase: ADMIN_PASSPHRASE });
    expect(vault).toMatchObject({ name: 'Acme', user: 'alice', role: 'admin' });
    expect(recoveryKey).toMatch(/^[0-9A-Z-]+$/);
    await vaults.lock();
    expect(vaults.status().unlocked).toBeNull();

    const fresh = manager(() => Date.now());
    const recent = await fresh.recent();
    expect(recent).toMatchObject([{ displayName: 'Acme', lastUser: 'alice' }]);
    expect(JSON.stringify(recent)).not.toContain(temp.dir);
    const unlocked = await fresh.unlock({ location: recent[0]?.token ?? '', user: 'alice', passphrase: ADMIN_PASSPHRASE });
    expect(unlocked.name).toBe('Acme');
    await fresh.lock();
    await expect(fresh.unlock({ location: 'forged-token-123', user: 'alice', passphrase: ADMIN_PASSPHRASE })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('locks itself after the configured idle time, and activity postpones it', async () => {
    let now = 0;
    const vaults = manager(() => now);
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const location = await vaults.chooseLocation('create');
    await vaults.create({ location: location?.token ?? '', name: 'Idle', user: 'alice', passphrase: ADMIN_PASSPHRASE });
    await vaults.setAutoLock(1);
    now = 50_000;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(vaults.status().unlocked).not.toBeNull();
    vaults.touch();
    now = 100_000;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(vaults.status().unlocked).not.toBeNull();
    now = 111_000;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(vaults.status().unlocked).toBeNull();
    expect(() => vaults.current()).toThrow(/locked/);
  });
});

import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ADMIN_PASSPHRASE, tempDir } from '../../../tests/support/tempVault';
import type { VaultSession } from '../vault/vaultSession';
import { VaultManager } from './vaultManager';

/** Every session openVault hands out, so a test can see which ones were left open. */
const opened: VaultSession[] = [];
/** When set, openVault holds each session until this many are open: unlocks then finish together. */
let barrier: { count: number; release: () => void; reached: Promise<void> } | null = null;
vi.mock('../vault/openVault', async (importOriginal) => {
  const real = await importOriginal<typeof import('../vault/openVault')>();
  return {
    ...real,
    openVault: async (...args: Parameters<typeof real.openVault>) => {
      const session = await real.openVault(...args);
      opened.push(session);
      if (barrier) {
        if (opened.length >= barrier.count) barrier.release();
        await barrier.reached;
      }
      return session;
    },
  };
});

function finishTogether(count: number): void {
  let release = () => {};
  const reached = new Promise<void>((resolve) => (release = resolve));
  barrier = { count, release, reached };
}

let temp: ReturnType<typeof tempDir>;
beforeEach(() => {
  temp = tempDir();
  opened.length = 0;
  barrier = null;
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
      chooseSaveFile: () => Promise.resolve(null),
      showInFolder: () => Promise.resolve(),
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

  it('takes a token only where its kind is expected: a file to import cannot open a vault, nor a vault folder be imported', async () => {
    const vaultDir = join(temp.dir, 'vaults', 'Acme.custodian');
    const csv = join(temp.dir, 'roster.csv');
    const vaults = new VaultManager({
      dataDir: temp.dir,
      dialogs: {
        chooseFolder: (purpose) => Promise.resolve(purpose === 'create' ? join(temp.dir, 'vaults') : vaultDir),
        chooseFile: (purpose) => Promise.resolve(purpose === 'import' ? csv : vaultDir),
        chooseSaveFile: () => Promise.resolve(null),
        showInFolder: () => Promise.resolve(),
      },
      kdf: 'minimum',
    });
    const parent = (await vaults.chooseLocation('create'))?.token ?? '';
    await vaults.create({ location: parent, name: 'Acme', user: 'alice', passphrase: ADMIN_PASSPHRASE });
    await vaults.lock();
    const vault = (await vaults.chooseLocation('open'))?.token ?? '';
    const importFile = (await vaults.chooseFile('import'))?.token ?? '';
    // The evidence dialog answered with the vault's own folder: that path, as an evidence token.
    const evidenceFile = (await vaults.chooseFile('evidence'))?.token ?? '';

    for (const wrong of [parent, importFile, evidenceFile]) {
      await expect(vaults.unlock({ location: wrong, user: 'alice', passphrase: ADMIN_PASSPHRASE })).rejects.toMatchObject({ code: 'not_found' });
    }
    for (const wrong of [vault, parent, evidenceFile]) expect(() => vaults.resolveFile(wrong, 'import')).toThrow(/choose the file to import again/);
    for (const wrong of [vault, parent, importFile]) expect(() => vaults.resolveFile(wrong, 'evidence')).toThrow(/choose the file to add again/);
    expect(vaults.resolveFile(importFile, 'import')).toBe(csv);
    expect(vaults.resolveFile(evidenceFile, 'evidence')).toBe(vaultDir);
    await expect(vaults.create({ location: vault, name: 'Other', user: 'alice', passphrase: ADMIN_PASSPHRASE })).rejects.toMatchObject({ code: 'not_found' });
    await vaults.unlock({ location: vault, user: 'alice', passphrase: ADMIN_PASSPHRASE });
    await vaults.lock();
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

  it('serialises unlocks: two finishing together leave one session and one auto-lock timer, and lock closes both', async () => {
    const vaults = manager(() => Date.now());
    const parent = (await vaults.chooseLocation('create'))?.token ?? '';
    await vaults.create({ location: parent, name: 'First', user: 'alice', passphrase: ADMIN_PASSPHRASE });
    await vaults.create({ location: parent, name: 'Second', user: 'alice', passphrase: ADMIN_PASSPHRASE });
    await vaults.lock();
    const recent = await vaults.recent();
    expect(recent.map((r) => r.displayName).sort()).toEqual(['First', 'Second']);

    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    finishTogether(2);
    const both = await Promise.all(recent.map((r) => vaults.unlock({ location: r.token, user: 'alice', passphrase: ADMIN_PASSPHRASE })));
    expect(opened).toHaveLength(2);
    // The later adoption locked the earlier session; exactly one is open, with one timer.
    expect(opened.filter((s) => !s.isLocked)).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(1);
    expect(both.map((v) => v.name)).toContain(vaults.status().unlocked?.name);

    await vaults.lock();
    expect(opened.every((s) => s.isLocked)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a lock asked while a vault opens (the OS locking mid-unlock) is not lost: the opened session is locked and the unlock says so', async () => {
    const vaults = manager(() => Date.now());
    const parent = (await vaults.chooseLocation('create'))?.token ?? '';
    await vaults.create({ location: parent, name: 'Clinic', user: 'alice', passphrase: ADMIN_PASSPHRASE });
    await vaults.lock();
    const [clinic] = await vaults.recent();
    opened.length = 0;
    // The lock comes while the key is being derived: before, lock found no session and the vault opened after it.
    const unlocking = vaults.unlock({ location: clinic?.token ?? '', user: 'alice', passphrase: ADMIN_PASSPHRASE });
    await vaults.lock();
    await expect(unlocking).rejects.toMatchObject({ code: 'vault_locked', message: expect.stringMatching(/locked while it was opening/) as unknown });
    expect(vaults.status().unlocked).toBeNull();
    expect(opened).toHaveLength(1);
    expect(opened[0]?.isLocked).toBe(true);
    // The next unlock, with no lock meanwhile, opens.
    await expect(vaults.unlock({ location: clinic?.token ?? '', user: 'alice', passphrase: ADMIN_PASSPHRASE })).resolves.toMatchObject({ name: 'Clinic' });
    await vaults.lock();
  });
});

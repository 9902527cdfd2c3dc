import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoreHost } from '../../src/core/host/coreHost';
import type { CoreHost } from '../../src/core/host/coreHost';
import { SCHEMA_VERSION } from '../../src/core/db/migrations/migrate';
import { dispatch } from '../../src/shared/ipc/dispatch';
import type { VaultUpgrade } from '../../src/shared/vault/vaultUpgrade';
import { LEGACY_PASSPHRASE, LEGACY_USER, paddedLegacyVault } from '../support/legacyVault';

// Core in its worker, driven as Electron's main process and the harness drive it: parsed input
// forwarded, errors carried back as codes, dialogs asked of the owner, locking from outside.

const CORE_WORKER = join(import.meta.dirname, '../../out/core/coreWorker.js');
if (!existsSync(CORE_WORKER)) throw new Error(`${CORE_WORKER} is missing: run \`npm run build\` before the integration tests`);

const PASSPHRASE = 'correct horse battery staple orbit';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'custodian-host-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('core host', () => {
  let host: CoreHost;
  const asked: string[] = [];
  beforeAll(() => {
    host = startCoreHost({
      workerFile: CORE_WORKER,
      dataDir: join(root, 'data'),
      kdf: 'minimum',
      dialogs: {
        chooseFolder: (purpose) => {
          asked.push(purpose);
          return Promise.resolve(join(root, 'vaults'));
        },
        chooseFile: () => Promise.resolve(null),
        chooseSaveFile: () => Promise.resolve(null),
        showInFolder: () => Promise.resolve(),
      },
    });
  });
  afterAll(async () => {
    await host.close();
  });

  it("forwards calls and carries core's error codes back", async () => {
    await expect(dispatch(host.handlers, 'custodian:app.info', {})).resolves.toMatchObject({ ok: true, value: { name: 'Custodian', offline: true } });
    await expect(dispatch(host.handlers, 'custodian:records.people', { offset: 0, limit: 5 })).resolves.toMatchObject({
      ok: false,
      error: { code: 'vault_locked' },
    });
  });

  it("asks the owner's dialogs, and the path stays in the worker behind a token", async () => {
    const result = await dispatch(host.handlers, 'custodian:vault.chooseLocation', { purpose: 'create' });
    expect(asked).toEqual(['create']);
    expect(result).toMatchObject({ ok: true, value: { location: { displayName: 'vaults' } } });
    expect(JSON.stringify(result)).not.toContain(root);
  });

  it('lock() wipes the session in the worker: record channels refuse until the next unlock', async () => {
    const chosen = await dispatch(host.handlers, 'custodian:vault.chooseLocation', { purpose: 'create' });
    if (!chosen.ok) throw new Error('no location');
    const { location } = chosen.value as { location: { token: string } };
    const created = await dispatch(host.handlers, 'custodian:vault.create', { location: location.token, name: 'Acme', user: 'alice', passphrase: PASSPHRASE });
    expect(created, JSON.stringify(created)).toMatchObject({ ok: true, value: { vault: { user: 'alice' } } });
    await expect(dispatch(host.handlers, 'custodian:records.people', { offset: 0, limit: 5 })).resolves.toMatchObject({ ok: true });
    await host.lock();
    await expect(dispatch(host.handlers, 'custodian:vault.status', {})).resolves.toMatchObject({ ok: true, value: { unlocked: null } });
    await expect(dispatch(host.handlers, 'custodian:records.people', { offset: 0, limit: 5 })).resolves.toMatchObject({
      ok: false,
      error: { code: 'vault_locked' },
    });
  });
});

describe('a worker that dies', () => {
  it('fails the calls in flight as internal, and the next call starts a fresh worker', async () => {
    // A stand-in worker that exits on its first call and answers on later lives.
    const marker = join(root, 'died-once');
    const workerFile = join(root, 'dyingWorker.mjs');
    writeFileSync(
      workerFile,
      `import { parentPort } from 'node:worker_threads';
import { existsSync, writeFileSync } from 'node:fs';
parentPort.on('message', (request) => {
  if (!existsSync(${JSON.stringify(marker)})) { writeFileSync(${JSON.stringify(marker)}, ''); process.exit(3); }
  parentPort.postMessage({ kind: 'done', id: request.id, outcome: { ok: true, value: { name: 'Custodian', version: '0', offline: true } } });
});`,
    );
    const exits: number[] = [];
    const host = startCoreHost({
      workerFile,
      dataDir: root,
      dialogs: {
        chooseFolder: () => Promise.resolve(null),
        chooseFile: () => Promise.resolve(null),
        chooseSaveFile: () => Promise.resolve(null),
        showInFolder: () => Promise.resolve(),
      },
      onWorkerExit: (code) => exits.push(code),
    });
    await expect(dispatch(host.handlers, 'custodian:app.info', {})).resolves.toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(exits).toEqual([3]);
    await expect(dispatch(host.handlers, 'custodian:app.info', {})).resolves.toMatchObject({ ok: true, value: { name: 'Custodian' } });
    await host.close();
  });
});

describe('a core that does not answer lock', () => {
  it('is stopped, key and all, and the next call starts a fresh worker', async () => {
    // A stand-in for a core stuck inside a job (a file read that never returns): it answers
    // calls but never a lock.
    const workerFile = join(root, 'stuckWorker.mjs');
    writeFileSync(
      workerFile,
      `import { parentPort, threadId } from 'node:worker_threads';
parentPort.on('message', (request) => {
  if (request.kind === 'lock') return;
  parentPort.postMessage({ kind: 'done', id: request.id, outcome: { ok: true, value: { name: 'Custodian', version: String(threadId), offline: true } } });
});`,
    );
    const exits: number[] = [];
    const host = startCoreHost({
      workerFile,
      dataDir: root,
      lockTimeoutMs: 200,
      dialogs: {
        chooseFolder: () => Promise.resolve(null),
        chooseFile: () => Promise.resolve(null),
        chooseSaveFile: () => Promise.resolve(null),
        showInFolder: () => Promise.resolve(),
      },
      onWorkerExit: (code) => exits.push(code),
    });
    const first = await dispatch(host.handlers, 'custodian:app.info', {});
    await host.lock();
    expect(exits).toHaveLength(1);
    const second = await dispatch(host.handlers, 'custodian:app.info', {});
    expect(first.ok && second.ok).toBe(true);
    // Another thread: the stopped worker's memory is gone with it.
    expect(first.ok && second.ok && (first.value as { version: string }).version !== (second.value as { version: string }).version).toBe(true);
    await host.close();
  });
});

describe("a vault's first unlock after an update", () => {
  /**
   * Core in its worker, and a location token for a real upgrade that takes seconds: the schema-70
   * fixture padded with 150,000 completions, all rewritten by migration 80.
   */
  async function hostOfUpgradingVault(name: string, lockTimeoutMs?: number): Promise<{ host: CoreHost; location: { token: string } }> {
    const vault = join(root, `${name}.custodian`);
    await paddedLegacyVault(vault, 150_000);
    const host = startCoreHost({
      workerFile: CORE_WORKER,
      dataDir: join(root, `${name}-data`),
      kdf: 'minimum',
      ...(lockTimeoutMs === undefined ? {} : { lockTimeoutMs }),
      dialogs: {
        chooseFolder: () => Promise.resolve(vault),
        chooseFile: () => Promise.resolve(null),
        chooseSaveFile: () => Promise.resolve(null),
        showInFolder: () => Promise.resolve(),
      },
    });
    const chosen = await dispatch(host.handlers, 'custodian:vault.chooseLocation', { purpose: 'open' });
    if (!chosen.ok) throw new Error('no location');
    return { host, location: (chosen.value as { location: { token: string } }).location };
  }

  it('reports the schema upgrade step by step from the host while the worker is inside it, and nothing once unlocked', async () => {
    const { host, location } = await hostOfUpgradingVault('Upgrading');
    try {
      await expect(dispatch(host.handlers, 'custodian:vault.upgradeProgress', {})).resolves.toEqual({ ok: true, value: { upgrade: null } });

      const settled = { unlock: false, workerCall: false };
      const unlocking = dispatch(host.handlers, 'custodian:vault.unlock', {
        location: location.token,
        user: LEGACY_USER,
        passphrase: LEGACY_PASSPHRASE,
      }).finally(() => {
        settled.unlock = true;
      });
      const seen: VaultUpgrade[] = [];
      let answeredWhileBusy = false;
      let workerCall: Promise<unknown> | undefined;
      while (!settled.unlock) {
        const answer = await dispatch(host.handlers, 'custodian:vault.upgradeProgress', {});
        if (!answer.ok) throw new Error(JSON.stringify(answer));
        const { upgrade } = answer.value as { upgrade: VaultUpgrade | null };
        if (upgrade?.name === 'compact completions' && !workerCall) {
          // A call that must reach the worker now waits for the step to end...
          workerCall = dispatch(host.handlers, 'custodian:app.info', {}).then(() => {
            settled.workerCall = true;
          });
          // ...while the host still answers where the upgrade stands (forwarded, this would
          // wait behind the step too, and answer after it).
          const during = await dispatch(host.handlers, 'custodian:vault.upgradeProgress', {});
          answeredWhileBusy = !settled.workerCall && during.ok && (during.value as { upgrade: VaultUpgrade | null }).upgrade?.name === 'compact completions';
        }
        if (upgrade && !seen.some((s) => s.phase === upgrade.phase && s.step === upgrade.step)) seen.push(upgrade);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const result = await unlocking;
      expect(result, JSON.stringify(result)).toMatchObject({ ok: true, value: { user: LEGACY_USER } });
      await workerCall;
      expect(answeredWhileBusy).toBe(true);
      const steps = (SCHEMA_VERSION - 70) / 10;
      expect(seen[0]).toMatchObject({ phase: 'migrating', step: 1, steps, name: 'compact completions', fromVersion: 70, toVersion: SCHEMA_VERSION });
      for (const upgrade of seen) expect(upgrade).toMatchObject({ fromVersion: 70, toVersion: SCHEMA_VERSION, steps, startedAt: seen[0]?.startedAt });
      // In order, never backwards.
      expect(seen.map((s) => s.step)).toEqual([...seen.map((s) => s.step)].sort((a, b) => a - b));
      await expect(dispatch(host.handlers, 'custodian:vault.upgradeProgress', {})).resolves.toEqual({ ok: true, value: { upgrade: null } });
      await expect(dispatch(host.handlers, 'custodian:records.completions', { offset: 0, limit: 1 })).resolves.toMatchObject({
        ok: true,
        value: { total: 150_003 },
      });
    } finally {
      await host.close();
    }
  }, 120_000);

  it('a lock during the upgrade stops the worker: the unlock fails as locked, saying so, nothing is reported, and the vault opens upgraded later', async () => {
    const { host, location } = await hostOfUpgradingVault('Interrupted', 200);
    try {
      const unlock = () => dispatch(host.handlers, 'custodian:vault.unlock', { location: location.token, user: LEGACY_USER, passphrase: LEGACY_PASSPHRASE });
      const unlocking = unlock();
      for (;;) {
        const answer = await dispatch(host.handlers, 'custodian:vault.upgradeProgress', {});
        if (answer.ok && (answer.value as { upgrade: VaultUpgrade | null }).upgrade?.name === 'compact completions') break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // The OS locks the screen: the worker is inside the step and cannot answer within 200 ms.
      await host.lock();
      const refused = await unlocking;
      expect(refused).toMatchObject({
        ok: false,
        error: { code: 'vault_locked', message: expect.stringMatching(/locked while Custodian was busy/) as unknown },
      });
      await expect(dispatch(host.handlers, 'custodian:vault.upgradeProgress', {})).resolves.toEqual({ ok: true, value: { upgrade: null } });
      await expect(dispatch(host.handlers, 'custodian:vault.status', {})).resolves.toMatchObject({ ok: true, value: { unlocked: null } });
      // The stopped upgrade rolled back whole; the next unlock runs it again and opens.
      const again = await dispatch(host.handlers, 'custodian:vault.chooseLocation', { purpose: 'open' });
      if (!again.ok) throw new Error('no location');
      const retry = await dispatch(host.handlers, 'custodian:vault.unlock', {
        location: (again.value as { location: { token: string } }).location.token,
        user: LEGACY_USER,
        passphrase: LEGACY_PASSPHRASE,
      });
      expect(retry, JSON.stringify(retry)).toMatchObject({ ok: true, value: { user: LEGACY_USER } });
      await expect(dispatch(host.handlers, 'custodian:records.completions', { offset: 0, limit: 1 })).resolves.toMatchObject({
        ok: true,
        value: { total: 150_003 },
      });
    } finally {
      await host.close();
    }
  }, 120_000);
});

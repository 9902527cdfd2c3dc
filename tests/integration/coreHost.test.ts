import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoreHost } from '../../src/core/host/coreHost';
import type { CoreHost } from '../../src/core/host/coreHost';
import { dispatch } from '../../src/shared/ipc/dispatch';

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

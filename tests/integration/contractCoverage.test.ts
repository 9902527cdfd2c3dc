import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCoreHandlers } from '../../src/core/handlers';
import { startCoreHost } from '../../src/core/host/coreHost';
import type { CoreHost } from '../../src/core/host/coreHost';
import { registerIpc } from '../../src/main/ipc/registerIpc';
import type { IpcMainLike } from '../../src/main/ipc/registerIpc';
import type { SenderInfo } from '../../src/main/ipc/isTrustedSender';
import { apiShape } from '../../src/shared/ipc/api';
import { CHANNELS } from '../../src/shared/ipc/contract';
import type { Channel } from '../../src/shared/ipc/contract';
import type { IpcResult } from '../../src/shared/ipc/result';
import { startHarness } from '../harness/harnessServer';
import type { Harness } from '../harness/harnessServer';

// Proves the three transports agree with the one contract: every channel has a core handler,
// a preload function, a main-process registration and a harness route, and each transport
// refuses malformed input with a validation error rather than crashing. Main and the harness
// forward to core in its built worker (out/core/coreWorker.js, from `npm run build`), as the
// app does.

const CORE_WORKER = join(import.meta.dirname, '../../out/core/coreWorker.js');
if (!existsSync(CORE_WORKER)) throw new Error(`${CORE_WORKER} is missing: run \`npm run build\` before the integration tests`);

const EXPECTED_SHAPE = CHANNELS.map((channel) => channel.slice('custodian:'.length)).sort();

/**
 * One well-formed input per channel (the compiler demands one for every new channel). Some
 * reach core and are refused there for the state they find (no vault unlocked, an unknown
 * location): that still proves the route, so `reachedCore` accepts any code but the edge's own
 * and `internal`: a handler that crashes has not answered, whatever route it took.
 */
const SAMPLE_INPUTS: Record<Channel, unknown> = {
  'custodian:app.info': {},
  'custodian:diagnostics.selfTest': {},
  'custodian:vault.chooseLocation': { purpose: 'open' },
  'custodian:vault.recent': {},
  'custodian:vault.create': { location: 'unknown-token', name: 'Acme', user: 'alice', passphrase: 'x' },
  'custodian:vault.unlock': { location: 'unknown-token', user: 'alice', passphrase: 'x' },
  'custodian:vault.lock': {},
  'custodian:vault.openDemo': {},
  'custodian:vault.status': {},
  'custodian:vault.upgradeProgress': {},
  'custodian:vault.touch': {},
  'custodian:vault.verifyLog': {},
  'custodian:vault.verifyStatus': { jobId: 'nope' },
  'custodian:vault.verifyCancel': { jobId: 'nope' },
  'custodian:vault.acknowledgeLogProblem': { reason: 'log.head restored from backup after a disk fault' },
  'custodian:vault.keepFingerprint': { fingerprint: 'SHA256:FyCCzudgeqKWRq7l9p7Ph7/Z9OsuamlqY8pmyzONISM' },
  'custodian:records.people': { offset: 0, limit: 50 },
  'custodian:records.completions': { offset: 0, limit: 50 },
  'custodian:records.person': { personId: 'p-1' },
  'custodian:records.personRequirements': { personId: 'p-1' },
  'custodian:evidence.chooseFile': {},
  'custodian:evidence.add': { file: 'unknown-token' },
  'custodian:evidence.addStatus': { jobId: 'nope' },
  'custodian:evidence.addCancel': { jobId: 'nope' },
  'custodian:evidence.list': { offset: 0, limit: 50 },
  'custodian:redaction.suggest': { evidenceId: 'nope' },
  'custodian:redaction.suggestStatus': { jobId: 'nope' },
  'custodian:redaction.suggestCancel': { jobId: 'nope' },
  'custodian:redaction.start': { evidenceId: 'nope', boxes: [], reasons: ['HIPAA-PHI'] },
  'custodian:redaction.status': { jobId: 'nope' },
  'custodian:redaction.cancel': { jobId: 'nope' },
  'custodian:packet.options': {},
  'custodian:packet.preview': { scope: { frameworks: ['hipaa'], from: '2026-01-01', to: '2026-06-30', organisation: 'Acme' } },
  'custodian:packet.chooseFile': { suggestedName: 'audit packet.zip' },
  'custodian:packet.build': {
    scope: { frameworks: ['hipaa'], from: '2026-01-01', to: '2026-06-30', organisation: 'Acme' },
    file: 'unknown-token',
    recipients: [],
    userName: 'alice',
    passphrase: 'x',
  },
  'custodian:packet.status': { jobId: 'nope' },
  'custodian:packet.cancel': { jobId: 'nope' },
  'custodian:packet.showInFolder': { file: 'unknown-token' },
  'custodian:auditor.choosePacket': {},
  'custodian:auditor.open': { file: 'unknown-token' },
  'custodian:auditor.status': { jobId: 'nope' },
  'custodian:auditor.cancel': { jobId: 'nope' },
  'custodian:auditor.read': { path: 'data/report.pdf', offset: 0, length: 1024 },
  'custodian:auditor.sheet': { sheet: 'Summary', offset: 0, limit: 50 },
  'custodian:auditor.close': {},
  'custodian:evidence.detail': { evidenceId: 'e-1' },
  'custodian:evidence.viewOpen': { evidenceId: 'e-1' },
  'custodian:evidence.viewRead': { viewId: 'v-1', offset: 0, length: 65536 },
  'custodian:evidence.viewClose': { viewId: 'v-1' },
  'custodian:evidence.review': { items: [{ evidenceId: 'e-1', decision: 'accept', stamp: 's' }], userName: 'alice', passphrase: 'x' },
  'custodian:evidence.signingState': {},
  'custodian:export.chooseFile': { suggestedName: 'people.csv' },
  'custodian:export.csv': { file: 'unknown-token', list: { list: 'completions', sort: 'completedOn', dir: 'desc' } },
  'custodian:import.chooseFile': {},
  'custodian:import.preview': { file: 'unknown-token' },
  'custodian:import.start': { file: 'unknown-token', as: 'roster', skipInvalid: false, dryRun: true },
  'custodian:import.status': { jobId: 'nope' },
  'custodian:import.cancel': { jobId: 'nope' },
  'custodian:settings.setAutoLock': { minutes: 10 },
  'custodian:compliance.report': {},
  'custodian:compliance.trend': { asOf: '2025-06-30' },
  'custodian:compliance.gap': { asOf: '2025-06-30', requirementId: 'hipaa.security-awareness', kind: 'expired' },
  'custodian:compliance.frameworks': {},
  'custodian:compliance.enableFramework': { id: 'hipaa', enabled: true },
};
const EDGE_CODES = ['validation_failed', 'unknown_channel', 'forbidden_sender', 'internal'];

function reachedCore(result: unknown): boolean {
  const value = result as IpcResult<unknown>;
  return value.ok || !EDGE_CODES.includes(value.error.code);
}
const MALFORMED: unknown[] = [null, 7, 'x', [], { unexpected: true }];

// Electron cannot run here, so the two Electron objects the preload touches are recorded.
const electronMock = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoked: [] as [string, unknown][],
}));
vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, value: unknown) => electronMock.exposed.set(key, value),
  },
  ipcRenderer: {
    invoke: (channel: string, input: unknown) => {
      electronMock.invoked.push([channel, input]);
      return Promise.resolve({ ok: true, value: null });
    },
  },
}));

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'custodian-contract-'));
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('core handlers', () => {
  it('implement exactly the contract channels', () => {
    expect(Object.keys(createCoreHandlers({ dataDir })).sort()).toEqual([...CHANNELS].sort());
  });
});

describe('preload', () => {
  it('exposes only window.custodian, with one function per channel', async () => {
    await import('../../src/preload/index');
    expect([...electronMock.exposed.keys()]).toEqual(['custodian']);
    const api = electronMock.exposed.get('custodian') as Record<string, Record<string, (input?: unknown) => Promise<unknown>>>;
    expect(apiShape(api)).toEqual(EXPECTED_SHAPE);
    for (const channel of CHANNELS) {
      const [feature, action] = channel.slice('custodian:'.length).split('.') as [string, string];
      await api[feature]?.[action]?.();
    }
    expect(electronMock.invoked.map(([channel]) => channel)).toEqual([...CHANNELS]);
  });
});

describe('main-process registration', () => {
  const registered = new Map<string, (event: SenderInfo, input: unknown) => Promise<IpcResult<unknown>>>();
  const recorder: IpcMainLike = {
    handle: (channel, listener) => {
      registered.set(channel, listener);
    },
  };
  const trusted: SenderInfo = { sender: { id: 1 }, senderFrame: { url: 'app://custodian/index.html', parent: null } };
  const untrusted: SenderInfo[] = [
    { sender: { id: 1 }, senderFrame: { url: 'https://evil.example/', parent: null } },
    { sender: { id: 1 }, senderFrame: { url: 'app://custodian/index.html', parent: {} } },
    { sender: { id: 2 }, senderFrame: { url: 'app://custodian/index.html', parent: null } },
    { sender: { id: 1 }, senderFrame: null },
    { sender: { id: 1 }, senderFrame: { url: 'app://custodian.evil/index.html', parent: null } },
  ];

  let host: CoreHost;
  beforeAll(() => {
    // As src/main/index.ts does, with a recorder standing in for Electron's ipcMain.
    host = startCoreHost({
      workerFile: CORE_WORKER,
      dataDir,
      dialogs: {
        chooseFolder: () => Promise.resolve(null),
        chooseFile: () => Promise.resolve(null),
        chooseSaveFile: () => Promise.resolve(null),
        showInFolder: () => Promise.resolve(),
      },
    });
    registerIpc(recorder, host.handlers, {
      windowContentsId: () => 1,
      allowedOrigins: ['app://custodian'],
    });
  });
  afterAll(async () => {
    await host.close();
  });

  it('registers every channel', () => {
    expect([...registered.keys()].sort()).toEqual([...CHANNELS].sort());
  });

  it.each(CHANNELS)('%s answers a trusted valid call and refuses untrusted senders and malformed input', async (channel) => {
    const listener = registered.get(channel);
    if (!listener) throw new Error(`no listener for ${channel}`);
    expect(reachedCore(await listener(trusted, SAMPLE_INPUTS[channel])), channel).toBe(true);
    for (const event of untrusted) {
      await expect(listener(event, SAMPLE_INPUTS[channel])).resolves.toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    }
    for (const payload of MALFORMED) {
      await expect(listener(trusted, payload)).resolves.toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    }
  });
});

describe('harness bridge', () => {
  let harness: Harness;
  let rendererDir: string;

  beforeAll(async () => {
    rendererDir = mkdtempSync(join(tmpdir(), 'custodian-renderer-'));
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><html><head></head><body></body></html>');
    const bridgeFile = join(rendererDir, 'bridge.js');
    writeFileSync(bridgeFile, '/* bridge */');
    harness = await startHarness({ port: 0, dataDir, rendererDir, bridgeFile, coreWorkerFile: CORE_WORKER });
  });
  afterAll(async () => {
    await harness.close();
    rmSync(rendererDir, { recursive: true, force: true });
  });

  function post(channel: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${harness.origin}/__custodian/ipc/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-custodian-token': harness.token, ...headers },
      body,
    });
  }

  it('answers malformed paths with 400 and keeps serving (a bad escape or a non-URL path used to crash it before any check)', async () => {
    const raw = (method: string, path: string) =>
      new Promise<number>((resolveStatus, reject) => {
        const url = new URL(harness.origin);
        const sent = request({ host: url.hostname, port: url.port, method, path, headers: { host: url.host } }, (answer) => {
          answer.resume();
          resolveStatus(answer.statusCode ?? 0);
        });
        sent.on('error', reject);
        sent.end();
      });
    expect(await raw('POST', '/__custodian/ipc/%E0%A4%A')).toBe(400);
    expect(await raw('POST', '/__custodian/ipc/%')).toBe(400);
    expect(await raw('GET', '//[')).toBe(400);
    // Still up, and still checking tokens.
    expect((await post('custodian:app.info', '{}')).status).toBe(200);
  });

  it('listens on loopback only and puts the token in the URL fragment', () => {
    expect(harness.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(harness.url).toBe(`${harness.origin}/#token=${harness.token}`);
    expect(harness.token.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CHANNELS)('routes %s to core and refuses malformed payloads', async (channel) => {
    const response = await post(channel, JSON.stringify(SAMPLE_INPUTS[channel]));
    expect(response.status).toBe(200);
    expect(reachedCore(await response.json()), channel).toBe(true);
    for (const payload of [...MALFORMED.map((value) => JSON.stringify(value)), '{not json', '']) {
      const bad = await post(channel, payload);
      expect(await bad.json(), payload).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    }
  });

  it('refuses calls without the token, with a wrong token, or from another origin', async () => {
    const noToken = await fetch(`${harness.origin}/__custodian/ipc/custodian%3Aapp.info`, { method: 'POST', body: '{}' });
    expect(noToken.status).toBe(403);
    expect((await post('custodian:app.info', '{}', { 'x-custodian-token': 'guess' })).status).toBe(403);
    expect((await post('custodian:app.info', '{}', { origin: 'http://evil.example' })).status).toBe(403);
  });

  it('refuses requests whose Host is not the loopback address (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(`${harness.origin}/`, { headers: { host: `evil.example:${new URL(harness.origin).port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });

  it('answers unknown channels with unknown_channel', async () => {
    expect(await (await post('custodian:vault.drop', '{}')).json()).toMatchObject({
      ok: false,
      error: { code: 'unknown_channel' },
    });
  });

  it('serves the renderer with the bridge injected and the CSP header, and nothing outside it', async () => {
    const index = await fetch(`${harness.origin}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<script src="/__custodian/bridge.js"></script>');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(index.headers.get('content-security-policy')).toContain("connect-src 'self'");
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/nope.js']) {
      expect((await fetch(`${harness.origin}${path}`)).status, path).toBe(404);
    }
  });
});

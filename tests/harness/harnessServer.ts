import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startCoreHost } from '../../src/core/host/coreHost';
import { assetHeaders, resolveRendererAsset } from '../../src/main/security/rendererAsset';
import { contentSecurityPolicy, contentSecurityPolicyMeta } from '../../src/shared/csp';
import { dispatch } from '../../src/shared/ipc/dispatch';
import { fail } from '../../src/shared/ipc/result';

export interface HarnessOptions {
  /** 0 picks a free port. */
  port: number;
  dataDir: string;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** The built bridge script (out/harness/bridge.js). */
  bridgeFile: string;
  /** Core's built worker (out/core/coreWorker.js): core runs there, as in the app. */
  coreWorkerFile: string;
  /** Stubbed native folder dialogs: what "Choose folder" answers (null: the user cancelled). */
  pickCreate?: string | null;
  pickOpen?: string | null;
  /** What "Choose file…" answers in the import wizard. */
  pickImport?: string | null;
  /** What "Add evidence…" answers. */
  pickEvidence?: string | null;
  /** What "Open a received packet…" answers. */
  pickPacket?: string | null;
  /** Where "Export CSV…" saves (a browser cannot show the save dialog). */
  pickSave?: string | null;
  /** Argon2id cost for new vaults; tests use 'minimum'. */
  kdf?: 'calibrate' | 'minimum';
}

export interface Harness {
  /** Open this in Chromium: it carries the per-run token in its fragment. */
  url: string;
  origin: string;
  token: string;
  close(): Promise<void>;
}

const IPC_PREFIX = '/__custodian/ipc/';
const BRIDGE_PATH = '/__custodian/bridge.js';
const MAX_BODY_BYTES = 16 * 1024 * 1024;

function readBody(request: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolveBody(null);
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      resolveBody(Buffer.concat(chunks));
    });
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

function tokenMatches(given: string | string[] | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The browser harness: serves the built renderer and a loopback bridge to the real core, with
 * the same contract, dispatch and handlers as Electron's main process. Listens on 127.0.0.1
 * only; every bridge call needs the random per-run token, a matching Host (no DNS rebinding)
 * and, when the browser sends one, a matching Origin.
 */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const token = randomBytes(32).toString('base64url');
  // Core runs in its worker, behind the same forwarding as Electron's main process: the
  // end-to-end suite crosses the real boundary.
  const core = startCoreHost({
    workerFile: options.coreWorkerFile,
    dataDir: options.dataDir,
    dialogs: {
      chooseFolder: (purpose) => Promise.resolve((purpose === 'create' ? options.pickCreate : options.pickOpen) ?? null),
      chooseFile: (purpose) =>
        Promise.resolve((purpose === 'import' ? options.pickImport : purpose === 'evidence' ? options.pickEvidence : options.pickPacket) ?? null),
      chooseSaveFile: () => Promise.resolve(options.pickSave ?? null),
      // A browser has no file manager to show; the harness logs what it would show.
      showInFolder: (path) => {
        console.log(`[harness] show in folder: ${path}`);
        return Promise.resolve();
      },
    },
    ...(options.kdf ? { kdf: options.kdf } : {}),
  });
  const { handlers } = core;
  const bridgeScript = await readFile(options.bridgeFile);
  const csp = contentSecurityPolicy("'self'");
  let origin = '';

  async function handleIpc(request: IncomingMessage, response: ServerResponse, channel: string): Promise<void> {
    if (request.method !== 'POST') {
      sendJson(response, 405, fail('validation_failed', 'Bridge calls must be POST.'));
      return;
    }
    if (!tokenMatches(request.headers['x-custodian-token'], token)) {
      sendJson(response, 403, fail('forbidden_sender', 'Missing or wrong harness token.'));
      return;
    }
    const requestOrigin = request.headers.origin;
    if (requestOrigin !== undefined && requestOrigin !== origin) {
      sendJson(response, 403, fail('forbidden_sender', 'Cross-origin bridge calls are refused.'));
      return;
    }
    const body = await readBody(request);
    if (body === null) {
      sendJson(response, 413, fail('validation_failed', 'Request body too large.'));
      return;
    }
    let input: unknown;
    try {
      input = body.length === 0 ? undefined : JSON.parse(body.toString('utf8'));
    } catch {
      sendJson(response, 200, fail('validation_failed', 'Request body is not valid JSON.'));
      return;
    }
    const result = await dispatch(handlers, channel, input, (where, error) => {
      console.error(`[harness] internal error in ${where}:`, error);
    });
    sendJson(response, 200, result);
  }

  async function handleAsset(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405).end();
      return;
    }
    if (path === BRIDGE_PATH) {
      response.writeHead(200, assetHeaders('text/javascript; charset=utf-8', csp));
      response.end(bridgeScript);
      return;
    }
    const asset = resolveRendererAsset(options.rendererDir, path);
    if (!asset) {
      response.writeHead(404).end('Not found');
      return;
    }
    let body: Buffer;
    try {
      body = await readFile(asset.file);
    } catch {
      response.writeHead(404).end('Not found');
      return;
    }
    if (asset.file.endsWith('index.html')) {
      // The bridge must run before the renderer's (deferred) module script, and may connect
      // to this origin: the one place the harness differs from Electron's policy.
      const html = body
        .toString('utf8')
        .replace(contentSecurityPolicyMeta("'none'"), contentSecurityPolicyMeta("'self'"))
        .replace('<head>', `<head>\n    <script src="${BRIDGE_PATH}"></script>`);
      body = Buffer.from(html);
    }
    response.writeHead(200, assetHeaders(asset.contentType, csp));
    response.end(body);
  }

  const server = createServer((request, response) => {
    const expectedHost = new URL(origin).host;
    if (request.headers.host !== expectedHost) {
      response.writeHead(421).end('Wrong host');
      return;
    }
    // A path that is not a URL, or a channel name that is not valid percent-encoding, is a bad
    // request: refused here, before any check could be skipped by a throw (it crashed the harness).
    let path: string;
    let channel: string | null = null;
    try {
      path = new URL(request.url ?? '/', origin).pathname;
      if (path.startsWith(IPC_PREFIX)) channel = decodeURIComponent(path.slice(IPC_PREFIX.length));
    } catch {
      response.writeHead(400).end('Bad request');
      return;
    }
    const work = channel !== null ? handleIpc(request, response, channel) : handleAsset(request, response, path);
    work.catch((error: unknown) => {
      console.error('[harness] request failed:', error);
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      resolveListen();
    });
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${String(port)}`;
  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    close: async () => {
      await new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => {
          resolveClose();
        });
      });
      await core.close();
    },
  };
}

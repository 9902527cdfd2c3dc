import { buildApi } from '../../src/shared/ipc/api';
import type { Channel } from '../../src/shared/ipc/contract';

// Loaded as a classic script before the renderer's module script, so `window.custodian` exists
// when React starts, exactly as the preload makes it exist in Electron. The per-run token comes
// in the URL fragment (never sent to the server in a request line) and is removed at once.

const params = new URLSearchParams(window.location.hash.slice(1));
const token = params.get('token') ?? '';
window.history.replaceState(null, '', window.location.pathname + window.location.search);

async function invoke(channel: Channel, input: unknown): Promise<unknown> {
  try {
    const response = await fetch(`/__custodian/ipc/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-custodian-token': token },
      body: JSON.stringify(input),
    });
    return (await response.json()) as unknown;
  } catch {
    return { ok: false, error: { code: 'internal', message: 'The harness bridge could not be reached.' } };
  }
}

Object.defineProperty(window, 'custodian', {
  value: buildApi(invoke),
  writable: false,
  configurable: false,
  enumerable: true,
});

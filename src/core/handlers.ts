import type { Handlers } from '../shared/ipc/dispatch';
import { runSelfTest } from './diagnostics/selfTest';
import { APP_NAME, APP_VERSION } from './version';

export interface CoreOptions {
  /** Folder for the app's own state (settings, recent vaults). Never the renderer's to choose. */
  dataDir: string;
}

/**
 * Core's implementation of every IPC channel. The Electron main process and the browser harness
 * both register exactly this table, so the two transports cannot drift apart.
 */
export function createCoreHandlers(options: CoreOptions): Handlers {
  return {
    'custodian:app.info': () => Promise.resolve({ name: APP_NAME, version: APP_VERSION, offline: true as const }),
    'custodian:diagnostics.selfTest': () => Promise.resolve({ checks: runSelfTest(options.dataDir) }),
  };
}

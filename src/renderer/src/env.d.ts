import type { CustodianApi } from '../../shared/ipc/api';

declare global {
  interface Window {
    /** Exposed by the preload (Electron) or the harness bridge (browser tests); same shape. */
    readonly custodian: CustodianApi;
  }
}

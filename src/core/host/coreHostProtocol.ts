import type { ErrorCode } from '../../shared/errors';
import type { VaultUpgrade } from '../../shared/vault/vaultUpgrade';

/**
 * Messages between the process that owns the window (Electron's main, the harness) and core's
 * worker. Inputs arrive already parsed by the contract; outputs are parsed again on return.
 * Everything here is structured-cloned: no functions, no class instances but Buffers.
 */

/** Owner -> worker. */
export type HostRequest =
  | { kind: 'call'; id: number; channel: string; input: unknown }
  /** Wipe the key and close the vault (OS lock, suspend, quit). */
  | { kind: 'lock'; id: number }
  | { kind: 'dialogAnswer'; id: number; path: string | null };

/** What a core call ended with. `internal` carries the error's text for the owner's log only. */
export type CallOutcome = { ok: true; value: unknown } | { ok: false; code: ErrorCode; message: string; internal?: string };

/** Worker -> owner. */
export type WorkerMessage =
  | { kind: 'ready' }
  | { kind: 'done'; id: number; outcome: CallOutcome }
  /** Core asks the owner to show a native dialog; the owner answers with `dialogAnswer`. */
  | { kind: 'dialog'; id: number; dialog: DialogRequest }
  /**
   * Where an unlock's schema upgrade stands, null once it ends. Posted from inside the upgrade,
   * while the worker can answer nothing else: the owner keeps it for `vault.upgradeProgress`.
   */
  | { kind: 'upgrade'; upgrade: VaultUpgrade | null };

export type DialogRequest =
  | { what: 'chooseFolder'; purpose: 'create' | 'open' }
  | { what: 'chooseFile'; purpose: 'import' | 'evidence' | 'packet' }
  | { what: 'chooseSaveFile'; suggestedName: string }
  | { what: 'showInFolder'; path: string };

/** Options core is started with; plain data (workerData). */
export interface CoreWorkerData {
  dataDir: string;
  kdf?: 'calibrate' | 'minimum';
  /** The database driver's addon built for this runtime's ABI (Electron), if not npm's. */
  nativeBinding?: string;
}

import { Worker } from 'node:worker_threads';
import { CustodianError } from '../../shared/errors';
import { CHANNELS } from '../../shared/ipc/contract';
import type { Handlers } from '../../shared/ipc/dispatch';
import type { VaultUpgrade } from '../../shared/vault/vaultUpgrade';
import type { DialogPort } from '../app/vaultManager';
import type { CallOutcome, CoreWorkerData, HostRequest, WorkerMessage } from './coreHostProtocol';

export interface CoreHostOptions extends CoreWorkerData {
  /** The built worker script (coreWorker.js beside the owner's bundle). */
  workerFile: URL | string;
  /** Native dialogs, shown by the owner when core asks. */
  dialogs: DialogPort;
  /** Told when the worker stops unexpectedly (it is restarted, locked, on the next call). */
  onWorkerExit?: (code: number) => void;
  /** How long `lock()` waits for core before stopping the worker (default 2 s). */
  lockTimeoutMs?: number;
}

const LOCK_TIMEOUT_MS = 2000;

export interface CoreHost {
  /**
   * One function per channel that forwards its (already parsed) input to the worker and
   * resolves with core's output, or rejects with core's CustodianError; an internal failure
   * rejects with a plain Error whose message is for the log only.
   */
  handlers: Handlers;
  /** Wipes the key in the worker and closes the vault, or stops the worker if it cannot. */
  lock(): Promise<void>;
  /** Locks, then stops the worker. */
  close(): Promise<void>;
}

interface Pending {
  resolve: (outcome: CallOutcome) => void;
}

/**
 * Runs core in a worker thread and forwards calls to it. Calls are answered in the order core
 * finishes them (an import's status poll does not wait for the import). If the worker dies,
 * every pending call fails as internal and the next call starts a fresh worker, whose vault is
 * locked: a crash can lose the session, never leave a key behind.
 */
export function startCoreHost(options: CoreHostOptions): CoreHost {
  const data: CoreWorkerData = {
    dataDir: options.dataDir,
    ...(options.kdf ? { kdf: options.kdf } : {}),
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  };
  let worker: Worker | null;
  let nextId = 0;
  const pending = new Map<number, Pending>();
  let closing = false;
  /** The latest upgrade the worker reported (it cannot answer while it runs one). */
  let upgrade: VaultUpgrade | null = null;

  /** A worker `lock()` stopped because it did not answer in time: its calls failed for a lock, not a crash. */
  let stoppedForLock: Worker | null = null;

  const failAll = (message: string, forLock: boolean) => {
    for (const [id, call] of pending) {
      pending.delete(id);
      call.resolve(
        forLock
          ? {
              ok: false,
              code: 'vault_locked',
              message:
                'The vault was locked while Custodian was busy (the computer was locked or went to sleep): the work in progress was stopped and saved nothing. Unlock it to continue.',
            }
          : {
              ok: false,
              code: 'internal',
              message: "Custodian's core stopped unexpectedly; the vault was locked. Unlock it to continue.",
              internal: message,
            },
      );
    }
  };

  const spawn = (): Worker => {
    const started = new Worker(options.workerFile, { workerData: data });
    started.on('message', (message: WorkerMessage) => {
      if (message.kind === 'done') {
        const call = pending.get(message.id);
        pending.delete(message.id);
        call?.resolve(message.outcome);
      } else if (message.kind === 'upgrade') {
        upgrade = message.upgrade;
      } else if (message.kind === 'dialog') {
        const dialog = message.dialog;
        const answer =
          dialog.what === 'chooseFolder'
            ? options.dialogs.chooseFolder(dialog.purpose)
            : dialog.what === 'chooseFile'
              ? options.dialogs.chooseFile(dialog.purpose)
              : dialog.what === 'chooseSaveFile'
                ? options.dialogs.chooseSaveFile(dialog.suggestedName)
                : options.dialogs.showInFolder(dialog.path).then(() => null);
        void answer
          .catch(() => null)
          .then((path) => {
            const reply: HostRequest = { kind: 'dialogAnswer', id: message.id, path };
            started.postMessage(reply);
          });
      }
    });
    started.on('error', (error) => {
      failAll(`${error.name}: ${error.message}`, false);
    });
    started.on('exit', (code) => {
      if (worker === started) {
        worker = null;
        // A worker stopped inside an upgrade rolled it back (one transaction); none runs now.
        upgrade = null;
      }
      failAll(`core worker exited with code ${String(code)}`, started === stoppedForLock);
      if (!closing) options.onWorkerExit?.(code);
    });
    // The owner may exit while core idles (the CLI-like harness, tests); a call in flight keeps it alive.
    started.unref();
    return started;
  };

  const send = (request: Omit<Extract<HostRequest, { kind: 'call' }>, 'id'> | { kind: 'lock' }): Promise<CallOutcome> => {
    if (closing) return Promise.resolve({ ok: false, code: 'vault_locked', message: 'Custodian is closing.' });
    worker ??= spawn();
    const target = worker;
    const id = nextId++;
    return new Promise<CallOutcome>((resolve) => {
      if (pending.size === 0) target.ref();
      pending.set(id, {
        resolve: (outcome) => {
          if (pending.size === 0) target.unref();
          resolve(outcome);
        },
      });
      const message: HostRequest = { ...request, id };
      target.postMessage(message);
    });
  };

  const call = async (channel: string, input: unknown): Promise<unknown> => {
    const outcome = await send({ kind: 'call', channel, input });
    if (outcome.ok) return outcome.value;
    if (outcome.code === 'internal') throw new Error(outcome.internal ?? outcome.message);
    throw new CustodianError(outcome.code, outcome.message);
  };

  // Started now, not at the first call: loading core takes a moment, which the window spends
  // loading too.
  worker = spawn();

  const handlers = {
    ...(Object.fromEntries(CHANNELS.map((channel) => [channel, (input: unknown) => call(channel, input)])) as unknown as Handlers),
    // Answered here: while an upgrade runs, the worker is inside it and answers nothing.
    'custodian:vault.upgradeProgress': () => Promise.resolve({ upgrade }),
  } satisfies Handlers;

  /**
   * Asks core to lock; if it has not within `LOCK_TIMEOUT_MS` (busy inside a long job, or stuck
   * on a file that never answers), the worker is stopped: its memory, the key with it, goes, and
   * the next call starts a fresh, locked core.
   */
  const lock = async () => {
    const target = worker;
    if (!target) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.lockTimeoutMs ?? LOCK_TIMEOUT_MS);
    });
    const outcome = await Promise.race([send({ kind: 'lock' }), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout' || !outcome.ok) {
      if (worker === target) {
        worker = null;
        upgrade = null;
      }
      stoppedForLock = target;
      await target.terminate();
    }
  };

  return {
    handlers,
    lock,
    close: async () => {
      await lock();
      closing = true;
      await worker?.terminate();
      worker = null;
    },
  };
}

import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { CustodianError } from '../../shared/errors';
import { isChannel } from '../../shared/ipc/contract';
import type { DialogPort } from '../app/vaultManager';
import { useNativeBinding } from '../db/database';
import { createCore } from '../handlers';
import type { CallOutcome, CoreWorkerData, DialogRequest, HostRequest, WorkerMessage } from './coreHostProtocol';

// Entry point of core's worker thread: the whole handler table runs here, so the owner's event
// loop (Electron's main, which draws nothing but must answer the window at once) never waits
// for SQLite, hashing or Argon2. Inputs come parsed by the contract; this side trusts its owner.

function serve(port: MessagePort, data: CoreWorkerData): void {
  const post = (message: WorkerMessage) => {
    port.postMessage(message);
  };
  let nextDialog = 0;
  const pendingDialogs = new Map<number, (path: string | null) => void>();
  const ask = (dialog: DialogRequest) =>
    new Promise<string | null>((resolve) => {
      const id = nextDialog++;
      pendingDialogs.set(id, resolve);
      post({ kind: 'dialog', id, dialog });
    });
  const dialogs: DialogPort = {
    chooseFolder: (purpose) => ask({ what: 'chooseFolder', purpose }),
    chooseFile: (purpose) => ask({ what: 'chooseFile', purpose }),
    chooseSaveFile: (suggestedName) => ask({ what: 'chooseSaveFile', suggestedName }),
    showInFolder: async (path) => {
      await ask({ what: 'showInFolder', path });
    },
  };
  if (data.nativeBinding) useNativeBinding(data.nativeBinding);
  const core = createCore({
    dataDir: data.dataDir,
    dialogs,
    ...(data.kdf ? { kdf: data.kdf } : {}),
    onUpgrade: (upgrade) => {
      post({ kind: 'upgrade', upgrade });
    },
  });

  const outcomeOf = async (request: Extract<HostRequest, { kind: 'call' | 'lock' }>): Promise<CallOutcome> => {
    try {
      if (request.kind === 'lock') {
        await core.vaults.lock();
        return { ok: true, value: {} };
      }
      if (!isChannel(request.channel)) return { ok: false, code: 'unknown_channel', message: 'This request is not part of the Custodian API.' };
      const handler = core.handlers[request.channel] as (input: unknown) => Promise<unknown>;
      return { ok: true, value: await handler(request.input) };
    } catch (error) {
      if (error instanceof CustodianError) return { ok: false, code: error.code, message: error.message };
      const internal = error instanceof Error ? `${error.name}: ${error.message}` : 'a non-Error was thrown';
      return { ok: false, code: 'internal', message: 'An unexpected error occurred. Nothing was changed; please report this.', internal };
    }
  };

  port.on('message', (request: HostRequest) => {
    if (request.kind === 'dialogAnswer') {
      pendingDialogs.get(request.id)?.(request.path);
      pendingDialogs.delete(request.id);
      return;
    }
    void outcomeOf(request).then((outcome) => {
      try {
        post({ kind: 'done', id: request.id, outcome });
      } catch (error) {
        // An answer that cannot be cloned (a handler returned a function or a class instance).
        const internal = `the answer to ${request.kind === 'call' ? request.channel : 'lock'} could not be sent: ${error instanceof Error ? error.message : String(error)}`;
        post({
          kind: 'done',
          id: request.id,
          outcome: { ok: false, code: 'internal', message: 'An unexpected error occurred. Please report this.', internal },
        });
      }
    });
  });
  post({ kind: 'ready' });
}

if (!parentPort) throw new Error('coreWorker must run in a worker thread');
serve(parentPort, workerData as CoreWorkerData);

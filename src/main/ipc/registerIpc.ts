import { CHANNELS } from '../../shared/ipc/contract';
import { dispatch } from '../../shared/ipc/dispatch';
import type { Handlers } from '../../shared/ipc/dispatch';
import { fail } from '../../shared/ipc/result';
import type { IpcResult } from '../../shared/ipc/result';
import { log } from '../log';
import { isTrustedSender } from './isTrustedSender';
import type { SenderInfo, TrustPolicy } from './isTrustedSender';

/** The one method of `ipcMain` this needs, so tests can pass a recorder. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: SenderInfo, input: unknown) => Promise<IpcResult<unknown>>): void;
}

/**
 * Registers one handler per contract channel. Each call is refused unless it comes from our
 * window's top frame on our origin, then its input is parsed by the contract, then core runs.
 */
export function registerIpc(ipcMain: IpcMainLike, handlers: Handlers, policy: TrustPolicy): void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, async (event, input) => {
      if (!isTrustedSender(event, policy)) {
        log.warn(`refused ${channel} from an untrusted sender`);
        return fail('forbidden_sender', 'This request did not come from the Custodian window.');
      }
      return dispatch(handlers, channel, input, (where, error) => {
        log.error(`internal error in ${where}`, error);
      });
    });
  }
}

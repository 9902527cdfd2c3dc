import { CustodianError } from '../../shared/errors';
import type { VaultSession } from '../vault/vaultSession';
import { checkLogHead } from './checkLogHead';
import { readLogHead } from './logHead';

/**
 * An administrator's acknowledgement that the log does not match its head (log.head deleted or
 * damaged, or the database rolled back behind it): until it is recorded, nothing is written
 * (VaultSession.assertHeadIntact), so the evidence cannot clear itself by ordinary use. The
 * entry names the problem and the reason given; the head then moves to the log as it stands,
 * backwards if it must. A kept checkpoint (`log verify --since`) still shows any rollback.
 * @returns the problem acknowledged.
 */
export async function acknowledgeLogProblem(session: VaultSession, reason: string): Promise<string> {
  session.require('users.manage', 'acknowledge an audit-log problem');
  if (reason.trim().length < 10) throw new CustodianError('validation_failed', 'Say what was found and done, in at least 10 characters (--reason).');
  const head = await readLogHead(session.paths.logHead);
  const check = await session.read((db) => checkLogHead(db, session.vaultId, head));
  if (check.ok || !check.reason) throw new CustodianError('conflict', 'The audit log matches its head: there is nothing to acknowledge.');
  const problem = check.reason;
  await session.mutate(
    () => ({ result: undefined, events: [{ action: 'log.acknowledge', target: 'log.head', reason: `${reason.trim()} (problem: ${problem})` }] }),
    {
      acknowledge: true,
    },
  );
  return problem;
}

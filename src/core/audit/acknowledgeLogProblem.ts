import { CustodianError } from '../../shared/errors';
import type { ReadableDb } from '../db/database';
import type { VaultSession } from '../vault/vaultSession';
import { checkLogHead } from './checkLogHead';
import { readLogHead } from './logHead';
import { oneLineReason } from './oneLineReason';

/** Why the log does not match its head (what an acknowledgement would record), or null if it does. */
export async function headProblem(session: VaultSession, db: ReadableDb): Promise<string | null> {
  const check = checkLogHead(db, session.vaultId, await readLogHead(session.paths.logHead));
  return check.ok ? null : (check.reason ?? 'the log does not match its head');
}

/**
 * An administrator's acknowledgement that the log does not match its head (log.head deleted or
 * damaged, or the database rolled back behind it): until it is recorded, nothing is written
 * (VaultSession.assertHeadIntact), so the evidence cannot clear itself by ordinary use. The
 * entry names the problem and the reason given; the head then moves to the log as it stands,
 * backwards if it must. A kept checkpoint (`log verify --since`) still shows any rollback.
 *
 * The problem is read inside the write transaction, so the entry names the state it moves past,
 * not one another process has changed since. Only a head mismatch can be acknowledged: an
 * edited entry or a damaged blob still fails every full verification afterwards.
 * @returns the problem acknowledged.
 */
export async function acknowledgeLogProblem(session: VaultSession, reason: string): Promise<string> {
  session.require('users.manage', 'acknowledge an audit-log problem');
  const said = oneLineReason(reason, 'the problem is acknowledged (what was found and done)');
  return session.mutate(
    async (db) => {
      const problem = await headProblem(session, db);
      if (problem === null) throw new CustodianError('conflict', 'The audit log matches its head: there is nothing to acknowledge.');
      return { result: problem, events: [{ action: 'log.acknowledge', target: 'log.head', reason: `${said} (problem: ${problem})` }] };
    },
    { acknowledge: true },
  );
}

import { stat } from 'node:fs/promises';
import { CustodianError } from '../../shared/errors';
import type { Role } from '../../shared/roles';
import type { VaultUpgrade } from '../../shared/vault/vaultUpgrade';
import { wipe } from '../crypto/wipe';
import { VaultDatabase } from '../db/database';
import { migrate } from '../db/migrations/migrate';
import { sweepOrphans } from '../evidence/sweepOrphans';
import type { OpenedSlot } from './keySlots';
import { openPassphraseSlot, openRecoverySlot, publicKeyBase64 } from './keySlots';
import { parseRecoveryKey } from './recoveryKey';
import type { Clock } from './unlockThrottle';
import { recordFailure, recordSuccess, systemClock, waitForTurn, withAttemptLock } from './unlockThrottle';
import { readHeader, verifyHeaderMac } from './vaultHeader';
import type { VaultHeader } from './vaultHeader';
import { vaultPaths } from './vaultPaths';
import type { VaultPaths } from './vaultPaths';
import { VaultSession } from './vaultSession';

export type Credential = { user: string; passphrase: Uint8Array } | { recoveryKey: string };

export interface UnlockOptions {
  clock?: Clock;
  /** Told where a schema upgrade stands (see migrate's contract: synchronous, must not throw). */
  onUpgrade?: (upgrade: VaultUpgrade) => void;
}

interface UserRow {
  id: string;
  name: string;
  kind: 'person' | 'recovery';
  role: Role;
}

/**
 * Unlocks a vault: waits out the failed-attempt delay, opens the credential's slot, checks the
 * header MAC, opens and migrates the database, sweeps orphaned blobs.
 *
 * @throws CustodianError: 'vault_not_found', 'wrong_passphrase' ("wrong passphrase or unknown
 *   user"), 'vault_tampered', 'unsupported_version'.
 */
export async function openVault(dir: string, credential: Credential, options: UnlockOptions = {}): Promise<VaultSession> {
  const clock = options.clock ?? systemClock;
  const paths = vaultPaths(dir);
  const header = await readHeader(paths.header);
  // Every attempt, in any process, one after another (withAttemptLock): the waits add up.
  const opened = await withAttemptLock(
    paths.attempts,
    async () => {
      await waitForTurn(paths.attempts, clock);
      let unlocked: OpenedSlot;
      try {
        if ('recoveryKey' in credential) {
          const key = parseRecoveryKey(credential.recoveryKey);
          try {
            unlocked = openRecoverySlot(header.vaultId, header.slots, key);
          } finally {
            wipe(key);
          }
        } else {
          unlocked = await openPassphraseSlot(header.vaultId, header.slots, credential.user, credential.passphrase);
        }
      } catch (error) {
        if (error instanceof CustodianError && error.code === 'wrong_passphrase') await recordFailure(paths.attempts, clock);
        throw error;
      }
      try {
        verifyHeaderMac(unlocked.dataKey, header);
        await recordSuccess(paths.attempts);
      } catch (error) {
        wipe(unlocked.dataKey);
        throw error;
      }
      return unlocked;
    },
    clock,
  );
  return openSession(paths, header, opened, options.onUpgrade);
}

/**
 * The second half of unlocking, once a slot is open and the header checked: opens and migrates
 * the database, finds the slot's user, sweeps orphaned blobs. Takes ownership of
 * `opened.dataKey` (wiped on failure, else at the session's lock).
 * @throws CustodianError('vault_tampered') when the slot belongs to no current user.
 */
export async function openSession(
  paths: VaultPaths,
  header: VaultHeader,
  opened: OpenedSlot,
  onUpgrade?: (upgrade: VaultUpgrade) => void,
): Promise<VaultSession> {
  let database: VaultDatabase | undefined;
  try {
    // The header opened with this key, so its database must too. A missing or empty file would
    // otherwise be created afresh (an empty schema written over the evidence of what happened),
    // and one that does not open is damaged or replaced, not a wrong passphrase.
    const size = await stat(paths.db).then(
      (info) => info.size,
      () => 0,
    );
    if (size === 0) throw new CustodianError('vault_tampered', 'The vault database (vault.db) is missing or empty. Restore the vault from a backup.');
    try {
      database = VaultDatabase.open(paths.db, opened.dataKey);
    } catch (error) {
      if (error instanceof CustodianError && error.code === 'wrong_key') {
        throw new CustodianError(
          'vault_tampered',
          "The vault database (vault.db) does not open with this vault's key: it is damaged or was replaced. Restore from a backup.",
        );
      }
      throw error;
    }
    await migrate(database, undefined, onUpgrade);
    const user = await database.read((db) =>
      db.get<UserRow>('SELECT id, name, kind, role FROM users WHERE slot_id = ? AND removed_at IS NULL', [opened.slot.id]),
    );
    if (!user) {
      throw new CustodianError('vault_tampered', 'This key slot belongs to no current user: the vault header and database disagree. Restore from a backup.');
    }
    const session = new VaultSession(
      paths,
      header,
      database,
      opened.dataKey,
      { userId: user.id, name: user.name, kind: user.kind, role: user.role, slotId: opened.slot.id },
      opened.signingKey,
      publicKeyBase64(opened.signingKey),
    );
    const swept = await sweepOrphans(session);
    // A vault made before the key chain, or whose log does not match its head, takes no writes
    // until an administrator acts: the sweep then goes unrecorded rather than refusing the unlock.
    if (swept.removed > 0 && (await session.writable())) {
      // Another process writing (conflict) leaves the sweep unrecorded, not the unlock refused.
      await session
        .record([{ action: 'vault.sweep', reason: `removed ${String(swept.removed)} orphaned or temporary file(s) left by an interrupted write` }])
        .catch((error: unknown) => {
          if (!(error instanceof CustodianError && error.code === 'conflict')) throw error;
        });
    }
    return session;
  } catch (error) {
    await database?.close().catch(() => undefined);
    wipe(opened.dataKey);
    throw error;
  }
}

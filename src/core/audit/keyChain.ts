import { CustodianError } from '../../shared/errors';
import { sshFingerprint } from '../crypto/sshsig';
import type { ReadableDb, WritableDb } from '../db/database';
import type { AuditEvent, AuditSigner } from './auditLog';

// The chain of signing keys. The log itself says which keys may sign it: the first format-2
// checkpoint's signer enrols its own key in the entries that checkpoint covers (the genesis
// key); every later key is enrolled (`key.enroll`) or retired (`key.retire`) by entries covered
// by a checkpoint signed by a key already trusted at that point. verifyLog walks the chain and
// never trusts the `signing_keys` table, which anyone holding the vault key can edit; that table
// is only where a session finds its own key's state.

export const KEY_ENROLL = 'key.enroll';
export const KEY_RETIRE = 'key.retire';
/**
 * Actions after which the user they name may sign only with a key enrolled in the same
 * transaction (none, for a removal): verifyLog refuses a log where an old key survives them.
 */
export const KEY_ENDING_ACTIONS: ReadonlySet<string> = new Set(['user.remove', 'user.reset-passphrase', 'recovery.replace']);
const KEY_PREFIX = 'ed25519:';

/** How an entry names a key: `ed25519:` and the raw public key in base64. */
export function keyRef(publicKey: string): string {
  return `${KEY_PREFIX}${publicKey}`;
}

/** @returns the raw base64 public key an entry names, or null if it names none. */
export function parseKeyRef(ref: string | null): string | null {
  if (!ref?.startsWith(KEY_PREFIX)) return null;
  const publicKey = ref.slice(KEY_PREFIX.length);
  return Buffer.from(publicKey, 'base64').length === 32 && Buffer.from(publicKey, 'base64').toString('base64') === publicKey ? publicKey : null;
}

/** The `SHA256:...` fingerprint of a raw base64 key, as `ssh-keygen -l` prints it. */
export function keyFingerprint(publicKey: string): string {
  return sshFingerprint(Buffer.from(publicKey, 'base64'));
}

export function enrollEvent(user: string, publicKey: string, reason: string): AuditEvent {
  return { action: KEY_ENROLL, target: user, after: keyRef(publicKey), reason };
}

export function retireEvent(user: string, publicKey: string, reason: string): AuditEvent {
  return { action: KEY_RETIRE, target: user, before: keyRef(publicKey), reason };
}

/** Whether the log's newest checkpoint is a signed note, i.e. its key chain has begun. */
export function chainBegun(db: ReadableDb): boolean | 'empty' {
  const latest = db.get<{ format: number }>('SELECT format FROM checkpoints ORDER BY size DESC LIMIT 1');
  return latest ? latest.format === 2 : 'empty';
}

/**
 * The user's active keys as the log's chain records them (enrolled, not yet retired); never
 * the `signing_keys` table, which anyone holding the vault key can edit.
 */
export function activeChainKeys(db: ReadableDb, user: string): string[] {
  const events = db.all<{ action: string; before_hash: string | null; after_hash: string | null }>(
    'SELECT action, before_hash, after_hash FROM audit_log WHERE target = ? AND action IN (?, ?) ORDER BY seq',
    [user, KEY_ENROLL, KEY_RETIRE],
  );
  const active = new Set<string>();
  for (const e of events) {
    const key = parseKeyRef(e.action === KEY_ENROLL ? e.after_hash : e.before_hash);
    if (!key) continue;
    if (e.action === KEY_ENROLL) active.add(key);
    else active.delete(key);
  }
  return [...active];
}

/**
 * Checks, inside the writing transaction, that the signer's key may still sign, and returns the
 * entries that must precede the transaction's own: none once the chain has begun; for a new
 * vault's first transaction, the enrolment of the signer's key as genesis and of the other keys
 * made with the vault (the recovery key).
 *
 * A log whose newest checkpoint is in the old format (a vault made before the chain, or one
 * rewritten to look like it) is never given a chain as a side effect of an ordinary write: an
 * administrator starts it explicitly (`startWith`, `custodian log start-chain`), vouching for
 * the history before it.
 * @throws CustodianError('permission_denied') if the key was retired (the user was removed or
 * had their passphrase reset by another process since this session unlocked);
 * CustodianError('conflict') for a write to a log whose chain has not begun.
 */
export function chainEventsBefore(db: WritableDb, signer: AuditSigner, startWith?: readonly ChainMember[]): AuditEvent[] {
  const own = db.get<{ retired_at: string | null }>('SELECT retired_at FROM signing_keys WHERE public_key = ?', [signer.publicKey]);
  if (!own || own.retired_at !== null) {
    throw new CustodianError(
      'permission_denied',
      `${signer.name}'s signing key has been retired (the user was removed or their passphrase reset). Lock and unlock again.`,
    );
  }
  const begun = chainBegun(db);
  if (begun === true) {
    if (startWith) throw new CustodianError('conflict', "This vault's key chain has already begun.");
    return [];
  }
  let others: readonly ChainMember[];
  if (begun === 'empty') {
    // A new vault's first transaction: the keys in the table are the ones createVault just made.
    others = db.all<ChainMember>(
      `SELECT u.name AS name, k.public_key AS publicKey FROM signing_keys k JOIN users u ON u.id = k.user_id
        WHERE k.retired_at IS NULL AND u.removed_at IS NULL ORDER BY k.created_at, u.name`,
    );
  } else if (startWith) {
    others = startWith;
  } else {
    throw new CustodianError(
      'conflict',
      "This vault's audit log predates the chain of signing keys, so nothing can be written to it yet. An administrator starts the chain once, vouching for the history before it: custodian log start-chain VAULT.",
    );
  }
  return [
    enrollEvent(signer.name, signer.publicKey, 'genesis key'),
    ...others.filter((k) => k.publicKey !== signer.publicKey).map((k) => enrollEvent(k.name, k.publicKey, 'enrolled at the start of the key chain')),
  ];
}

/** A user's key enrolled when a chain begins. */
export interface ChainMember {
  name: string;
  publicKey: string;
}

import { CustodianError } from '../../shared/errors';
import { sshFingerprint } from '../crypto/sshsig';
import type { WritableDb } from '../db/database';
import type { AuditEvent, AuditSigner } from './auditLog';

// The chain of signing keys. The log itself says which keys may sign it: the first format-2
// checkpoint's signer enrols its own key in the entries that checkpoint covers (the genesis
// key); every later key is enrolled (`key.enroll`) or retired (`key.retire`) by entries covered
// by a checkpoint signed by a key already trusted at that point. verifyLog walks the chain and
// never trusts the `signing_keys` table, which anyone holding the vault key can edit; that table
// is only where a session finds its own key's state.

export const KEY_ENROLL = 'key.enroll';
export const KEY_RETIRE = 'key.retire';
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

/**
 * Checks, inside the writing transaction, that the signer's key may still sign, and returns the
 * entries that must precede the transaction's own: none once the chain has begun; for the first
 * format-2 checkpoint (a new vault, or one made before the chain existed) the enrolment of the
 * signer's key as genesis and of every other active key under it.
 * @throws CustodianError('permission_denied') if the key was retired (the user was removed or
 * had their passphrase reset by another process since this session unlocked).
 */
export function chainEventsBefore(db: WritableDb, signer: AuditSigner): AuditEvent[] {
  const own = db.get<{ retired_at: string | null }>('SELECT retired_at FROM signing_keys WHERE public_key = ?', [signer.publicKey]);
  if (!own || own.retired_at !== null) {
    throw new CustodianError(
      'permission_denied',
      `${signer.name}'s signing key has been retired (the user was removed or their passphrase reset). Lock and unlock again.`,
    );
  }
  const latest = db.get<{ format: number }>('SELECT format FROM checkpoints ORDER BY size DESC LIMIT 1');
  if (latest?.format === 2) return [];
  const keys = db.all<{ public_key: string; name: string }>(
    `SELECT k.public_key, u.name FROM signing_keys k JOIN users u ON u.id = k.user_id
      WHERE k.retired_at IS NULL AND u.removed_at IS NULL ORDER BY k.created_at, u.name`,
  );
  return [
    enrollEvent(signer.name, signer.publicKey, 'genesis key'),
    ...keys.filter((k) => k.public_key !== signer.publicKey).map((k) => enrollEvent(k.name, k.public_key, 'enrolled at the start of the key chain')),
  ];
}

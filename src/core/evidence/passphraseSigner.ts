import { CustodianError } from '../../shared/errors';
import { printedNameOf } from '../compliance/reviewEvidence';
import { wipe } from '../crypto/wipe';
import { WRONG_CREDENTIAL, openPassphraseSlot, publicKeyBase64 } from '../vault/keySlots';
import { recordFailure, recordSuccess, waitForTurn, withAttemptLock } from '../vault/unlockThrottle';
import type { VaultSession } from '../vault/vaultSession';
import type { ReviewSigner } from './reviewSignature';

/**
 * An electronic signature's authentication (21 CFR 11.200(a)(1)): the signer enters their
 * passphrase again, and the first signing of a session also their user name. The passphrase
 * unwraps the signer's key from their own key slot (the header on disk, now), so the signature
 * is made with what the passphrase opens, not with a key the session already held. Wrong
 * passphrases count against the same throttle as unlocking.
 *
 * @param userName null after the session's first signing; else must be the session's user.
 * @throws CustodianError('wrong_passphrase') for a wrong passphrase or another user's name.
 */
export async function passphraseSigner(session: VaultSession, userName: string | null, passphrase: Uint8Array): Promise<ReviewSigner> {
  const principal = session.principal;
  if (principal.kind !== 'person') throw new CustodianError('permission_denied', 'The recovery key cannot sign reviews; unlock as a named user.');
  const paths = session.paths;
  const opened = await withAttemptLock(paths.attempts, async () => {
    await waitForTurn(paths.attempts);
    try {
      // Another name than the session's is refused like a wrong passphrase, after the same derivation.
      const slot = await openPassphraseSlot(session.vaultId, session.header.slots, principal.name, passphrase);
      if (userName !== null && userName !== principal.name) {
        wipe(slot.dataKey);
        throw new CustodianError('wrong_passphrase', WRONG_CREDENTIAL);
      }
      await recordSuccess(paths.attempts);
      return slot;
    } catch (error) {
      if (error instanceof CustodianError && error.code === 'wrong_passphrase') await recordFailure(paths.attempts);
      throw error;
    }
  });
  wipe(opened.dataKey);
  const publicKey = publicKeyBase64(opened.signingKey);
  if (publicKey !== session.ownSigner().publicKey) {
    throw new CustodianError(
      'vault_tampered',
      "The passphrase opens a key slot whose signing key is not this session's: the vault header changed underneath it.",
    );
  }
  const printedName = await session.read((db) => printedNameOf(db, principal.userId));
  return { userName: principal.name, printedName, publicKey, privateKey: opened.signingKey };
}

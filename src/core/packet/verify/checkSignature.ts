import { ed25519Key, keysFor, parseAllowedSigners } from '../../crypto/allowedSigners';
import type { AllowedSigner } from '../../crypto/allowedSigners';
import { sshPrincipal } from '../../crypto/sshPrincipal';
import { parseSshsigArmor, sshFingerprint, sshsigVerify } from '../../crypto/sshsig';
import { PACKET_NAMESPACE, TAG_FILES } from '../packetFormat';
import type { PacketVerdict, VerifyPacketOptions } from '../verifyPacket';
import type { BagInfo } from './checkBag';
import type { Findings } from './findings';
import type { ReadFile } from './readPacketFiles';
import { textOf, unusable } from './readPacketFiles';

// The `signature` check, what `ssh-keygen -Y verify` checks over tagmanifest-sha256.txt
// (namespace custodian-packet), and whose key it is. With the caller's allowed_signers and
// identity, the key must be one that file lists for that identity: trust from outside. Without,
// the packet's own allowed_signers and signer.pub must name the signing key for the signer in
// bag-info.txt (as user name or sshPrincipal): self-asserted, proving only that the packet is
// intact as its signer made it. Records its pass or fail in `found`; returns who signed, as far
// as it got.

export function checkSignature(
  files: ReadonlyMap<string, ReadFile>,
  info: BagInfo | null,
  options: VerifyPacketOptions,
  found: Findings,
): PacketVerdict['signer'] {
  const trusted = options.allowedSigners !== undefined && options.identity !== undefined;
  const result: PacketVerdict['signer'] = {
    identity: trusted ? (options.identity ?? null) : null,
    fingerprint: null,
    trust: trusted ? 'allowed-signers' : 'self-asserted',
  };
  const fail = (reason: string): PacketVerdict['signer'] => {
    found.fail('signature', reason);
    return result;
  };
  const tagmanifest = files.get(TAG_FILES.tagmanifest);
  const sigFile = files.get(TAG_FILES.signature);
  if (!sigFile) found.problem(TAG_FILES.signature, 'missing', 'signature');
  if (!tagmanifest) found.problem(TAG_FILES.tagmanifest, 'missing', 'signature');
  const unreadable =
    unusable(TAG_FILES.signature, sigFile) ??
    (tagmanifest?.bytes ? null : (unusable(TAG_FILES.tagmanifest, tagmanifest) ?? 'tagmanifest-sha256.txt cannot be read'));
  if (unreadable !== null) return fail(unreadable);
  const sig = parseSshsigArmor(textOf(sigFile) ?? '');
  if (!sig) return fail(`${TAG_FILES.signature} is not an Ed25519 SSH signature as ssh-keygen writes it`);
  result.fingerprint = sshFingerprint(sig.publicKey);
  if (sig.namespace !== PACKET_NAMESPACE) return fail(`the signature is for namespace ${JSON.stringify(sig.namespace)}, not ${PACKET_NAMESPACE}`);
  if (!sshsigVerify(tagmanifest?.bytes ?? Buffer.alloc(0), PACKET_NAMESPACE, sig.publicKey, sig.signature)) {
    return fail(`the signature by ${result.fingerprint} does not verify over ${TAG_FILES.tagmanifest}: one of them was altered`);
  }
  if (info && info['Custodian-Signer-Fingerprint'] !== result.fingerprint) {
    return fail(`bag-info.txt names the signer key ${info['Custodian-Signer-Fingerprint']}, but ${result.fingerprint} signed`);
  }

  if (trusted) {
    let signers: AllowedSigner[];
    try {
      signers = parseAllowedSigners(options.allowedSigners ?? '');
    } catch (error) {
      return fail(`your allowed signers file: ${error instanceof Error ? error.message : String(error)}`);
    }
    const keys = keysFor(signers, result.identity ?? '', PACKET_NAMESPACE);
    if (keys.length === 0) return fail(`your allowed signers file lists no ssh-ed25519 key for ${String(result.identity)} and namespace ${PACKET_NAMESPACE}`);
    if (!keys.some((key) => key.equals(sig.publicKey))) {
      return fail(`signed by ${result.fingerprint}, which your allowed signers file does not list for ${String(result.identity)}`);
    }
    found.pass(
      'signature',
      `good signature by ${String(result.identity)} (${result.fingerprint}), a key your allowed signers file lists for ${PACKET_NAMESPACE}`,
    );
    return result;
  }

  // Self-asserted: the packet's own allowed_signers and signer.pub must name the signing key.
  const own = files.get(TAG_FILES.allowedSigners);
  const pub = files.get(TAG_FILES.signerPub);
  const ownUnusable = unusable(TAG_FILES.allowedSigners, own) ?? unusable(TAG_FILES.signerPub, pub);
  if (ownUnusable !== null) return fail(`${ownUnusable} (give --allowed-signers and --identity to check against a key you trust)`);
  if (!info) return fail('bag-info.txt does not name the signer');
  let signers: AllowedSigner[];
  try {
    signers = parseAllowedSigners(textOf(own) ?? '');
  } catch (error) {
    return fail(`the packet's allowed_signers: ${error instanceof Error ? error.message : String(error)}`);
  }
  const user = info['Custodian-Signer'];
  const identity = [user, sshPrincipal(user)].find((name) => keysFor(signers, name, PACKET_NAMESPACE).some((key) => key.equals(sig.publicKey)));
  if (identity === undefined) return fail(`the packet's allowed_signers does not list the signing key ${result.fingerprint} for ${user}`);
  result.identity = identity;
  const pubFields = (textOf(pub) ?? '').trim().split(/\s+/);
  const pubKey = pubFields.length >= 2 && (textOf(pub) ?? '').trim().split('\n').length === 1 ? ed25519Key(pubFields[0] ?? '', pubFields[1] ?? '') : null;
  if (!pubKey?.equals(sig.publicKey)) return fail(`signer.pub does not hold the signing key ${result.fingerprint}`);
  found.pass(
    'signature',
    `good signature by ${identity} (${result.fingerprint}); trust is self-asserted (the packet's own allowed_signers): ` +
      'compare this fingerprint with one you got from the signer out of band, or give --allowed-signers and --identity',
  );
  return result;
}

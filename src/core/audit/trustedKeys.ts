import { CustodianError } from '../../shared/errors';
import { sshFingerprint } from '../crypto/sshsig';

/** Keys an outsider vouches for: the anchor `log verify --trusted` checks the genesis key against. */
export interface TrustedKeys {
  /** `SHA256:...` fingerprints, of every key given either way. */
  fingerprints: Set<string>;
}

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

/** The namespace that marks a genesis key in `log fingerprint` output (ssh-keygen ignores it). */
export const GENESIS_NAMESPACE = 'custodian-genesis';

/**
 * Reads a trusted-keys file: OpenSSH `allowed_signers` lines (principals, options, then
 * `ssh-ed25519 <base64>`; what `custodian log fingerprint` prints) or bare `SHA256:...`
 * fingerprints, one per line; `#` comments and blank lines are skipped. Only allowed_signers
 * lines whose namespaces include `custodian-genesis` count: `log fingerprint --all` also lists
 * later keys (for ssh-keygen), and a later key (say a removed user's) must never be taken for
 * the genesis of a log it rebuilt.
 * @throws CustodianError('validation_failed') naming the first line that is neither, or if no
 * genesis key is named.
 */
export function parseTrustedKeys(text: string): TrustedKeys {
  const fingerprints = new Set<string>();
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (FINGERPRINT.test(line)) {
      fingerprints.add(line);
      continue;
    }
    const tokens = line.split(/\s+/);
    const at = tokens.indexOf('ssh-ed25519');
    const blob = at >= 0 ? Buffer.from(tokens[at + 1] ?? '', 'base64') : Buffer.alloc(0);
    // string "ssh-ed25519" (4 + 11 bytes), then string key (4 + 32 bytes).
    if (blob.length !== 51 || blob.subarray(4, 15).toString() !== 'ssh-ed25519' || blob.readUInt32BE(15) !== 32) {
      throw new CustodianError(
        'validation_failed',
        `Line ${String(index + 1)} of the trusted-keys file is neither an allowed_signers line with an ssh-ed25519 key nor a SHA256: fingerprint.`,
      );
    }
    const namespaces = /(?:^|[\s,])namespaces="([^"]*)"/.exec(tokens.slice(0, at).join(' '))?.[1]?.split(',') ?? [];
    if (namespaces.includes(GENESIS_NAMESPACE)) fingerprints.add(sshFingerprint(blob.subarray(19)));
  }
  if (fingerprints.size === 0) {
    throw new CustodianError(
      'validation_failed',
      `The trusted-keys file names no genesis key: give what \`custodian log fingerprint\` prints (namespaces include ${GENESIS_NAMESPACE}) or a SHA256: fingerprint.`,
    );
  }
  return { fingerprints };
}

import { CustodianError } from '../../shared/errors';
import { PACKET_ROOT_PREFIX } from './packetFormat';
import { openPacketArchive } from './readPacketArchive';
import type { ArchiveLimits, PacketArchive } from './readPacketArchive';
import { checkCheckpoint, checkProofs, checkSince, logKeysOf } from './verify/checkAuditLog';
import { checkBag } from './verify/checkBag';
import { checkManifest, checkOxum, checkTagmanifest } from './verify/checkManifests';
import { checkSignature } from './verify/checkSignature';
import { Findings } from './verify/findings';
import { readPacketFiles } from './verify/readPacketFiles';
import type { ReadFile } from './verify/readPacketFiles';
import { readProofs } from './verify/readProofs';
import { refuseEncrypted } from './verify/refuseEncrypted';

// Re-exported for the callers that import them from here (the packet verify command, its tests).
export { parseAllowedSigners } from '../crypto/allowedSigners';
export { parseSshsigArmor } from '../crypto/sshsig';

/**
 * `custodian packet verify`: checks a packet zip in place, in one pass over the file (every entry
 * hashed with SHA-256 and SHA-512 together as it inflates; nothing written to disk), with no
 * vault. The checks are the ones an auditor runs with ssh-keygen and sha256sum, plus the
 * audit-log proofs those tools cannot check. This file is the public entry and puts the checks
 * in order; each check lives in ./verify/ and records its finding without throwing.
 */

export type PacketCheckName =
  'archive' | 'bagit' | 'signature' | 'tagmanifest' | 'manifest-sha256' | 'manifest-sha512' | 'payload-oxum' | 'checkpoint' | 'proofs' | 'since';

const CHECK_ORDER: readonly PacketCheckName[] = [
  'archive',
  'bagit',
  'signature',
  'tagmanifest',
  'manifest-sha256',
  'manifest-sha512',
  'payload-oxum',
  'checkpoint',
  'proofs',
  'since',
];

export interface PacketCheck {
  name: PacketCheckName;
  ok: boolean;
  /** One line: what held, or what did not. */
  reason: string;
}

export interface FileProblem {
  /** Relative to the bag's root: `data/report.pdf`, `bag-info.txt`. */
  path: string;
  /** missing: listed but absent; extra: present but listed nowhere; altered: its bytes differ. */
  kind: 'missing' | 'extra' | 'altered';
  /** The checks that found it. */
  checks: PacketCheckName[];
}

export interface PacketVerdict {
  /** True only if every check ran and held and no file is missing, extra or altered. */
  ok: boolean;
  /** External-Identifier (or, if bag-info is unreadable, the top folder's name without `packet-`). */
  packetId: string | null;
  signer: {
    /** The principal the signature was checked for. */
    identity: string | null;
    /** `SHA256:...` of the key that made the signature. */
    fingerprint: string | null;
    /**
     * allowed-signers: checked against the caller's allowed_signers and identity. self-asserted:
     * against the packet's own copy, which proves only that the packet is intact as its signer
     * made it; compare `fingerprint` with one obtained out of band.
     */
    trust: 'allowed-signers' | 'self-asserted';
  };
  /** The packet's verified checkpoint: the audit log it proves entries against. */
  checkpoint: { vaultId: string; size: number; root: string; signer: string; at: string } | null;
  /** Entries read and their inflated bytes. */
  files: number;
  bytes: number;
  /** In a fixed order; a check absent was not reached (the archive was refused). */
  checks: PacketCheck[];
  problems: FileProblem[];
}

export interface VerifyPacketOptions {
  /** Contents of an OpenSSH allowed_signers file the caller trusts; requires `identity`. */
  allowedSigners?: string;
  /** The principal in `allowedSigners` expected to have signed (namespace custodian-packet). */
  identity?: string;
  /** A checkpoint note kept from earlier: the packet's log must extend it. */
  since?: string;
  /** Inflated bytes read so far, of the total declared. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  limits?: Partial<ArchiveLimits>;
}

/**
 * Verifies a packet zip. Never throws for what the packet holds: every finding is in the verdict.
 * @throws CustodianError('not_found') if the file cannot be read; ('validation_failed') if it is
 *   age-encrypted, or only one of allowedSigners and identity is given; the signal's reason if aborted.
 */
export async function verifyPacket(file: string, options: VerifyPacketOptions = {}): Promise<PacketVerdict> {
  if ((options.allowedSigners === undefined) !== (options.identity === undefined)) {
    throw new CustodianError('validation_failed', 'Give the allowed signers file and the identity to check it for together, or neither.');
  }
  await refuseEncrypted(file);
  const trusted = options.allowedSigners !== undefined && options.identity !== undefined;
  const verdict: PacketVerdict = {
    ok: false,
    packetId: null,
    signer: { identity: trusted ? (options.identity ?? null) : null, fingerprint: null, trust: trusted ? 'allowed-signers' : 'self-asserted' },
    checkpoint: null,
    files: 0,
    bytes: 0,
    checks: [],
    problems: [],
  };
  let archive: PacketArchive;
  try {
    archive = await openPacketArchive(file, options.limits);
  } catch (error) {
    if (!(error instanceof CustodianError)) throw error;
    verdict.checks.push({ name: 'archive', ok: false, reason: error.message });
    return verdict;
  }
  const found = new Findings();
  let files: Map<string, ReadFile>;
  try {
    files = await readPacketFiles(archive, options);
  } finally {
    archive.close();
  }
  verdict.files = files.size;
  verdict.bytes = [...files.values()].reduce((sum, f) => sum + f.size, 0);
  const unreadable = [...files.values()].filter((f) => f.error !== null);
  if (unreadable.length > 0) found.fail('archive', unreadable.map((f) => f.error).join('; '));
  else found.pass('archive', `${String(files.size)} files in one folder ${archive.root}/, none unsafe, all read`);

  const info = checkBag(files, archive.root, found);
  verdict.packetId = info?.['External-Identifier'] ?? (archive.root.startsWith(PACKET_ROOT_PREFIX) ? archive.root.slice(PACKET_ROOT_PREFIX.length) : null);
  verdict.signer = checkSignature(files, info, options, found);
  checkTagmanifest(files, found);
  checkManifest(files, 'sha256', found);
  checkManifest(files, 'sha512', found);
  checkOxum(files, info, found);
  const proofs = readProofs(files);
  const logKeys = logKeysOf(files);
  const checkpoint = checkCheckpoint(files, info, proofs, logKeys, found);
  checkProofs(proofs, found);
  if (options.since !== undefined) checkSince(options.since, proofs, checkpoint, logKeys, options, found);
  if (checkpoint)
    verdict.checkpoint = { vaultId: checkpoint.vaultId, size: checkpoint.size, root: checkpoint.root, signer: checkpoint.signer, at: checkpoint.at };

  verdict.checks = CHECK_ORDER.flatMap((name) => {
    const check = found.checks.get(name);
    return check ? [check] : [];
  });
  verdict.problems = [...found.problems.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.kind < b.kind ? -1 : 1));
  verdict.ok =
    verdict.problems.length === 0 && verdict.checks.every((c) => c.ok) && verdict.checks.length === CHECK_ORDER.length - (options.since === undefined ? 1 : 0);
  return verdict;
}

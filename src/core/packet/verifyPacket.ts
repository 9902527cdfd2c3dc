import { createHash } from 'node:crypto';
import { sshPrincipal } from '../crypto/sshPrincipal';
import { open } from 'node:fs/promises';
import { z } from 'zod';
import { CustodianError } from '../../shared/errors';
import { entryLeafHex } from '../audit/auditLog';
import type { Checkpoint } from '../audit/checkpoint';
import { CHECKPOINT_NAMESPACE, parseCheckpointNote, resolveCheckpointNote } from '../audit/checkpoint';
import { verifyConsistency, verifyInclusion } from '../audit/merkle';
import { sshFingerprint, sshsigArmor, sshsigVerify } from '../crypto/sshsig';
import { assertSafePath, parseBagInfo, parseManifest } from './bagit';
import { BAGIT_TXT, PACKET_NAMESPACE, PACKET_ROOT_PREFIX, PAYLOAD, TAG_FILES } from './packetFormat';
import type { PacketProofs } from './packetFormat';
import { openPacketArchive } from './readPacketArchive';
import type { ArchiveLimits, PacketArchive } from './readPacketArchive';

/**
 * `custodian packet verify`: checks a packet zip in place, in one pass over the file (every entry
 * hashed with SHA-256 and SHA-512 together as it inflates; nothing written to disk), with no
 * vault. The checks are the ones an auditor runs with ssh-keygen and sha256sum, plus the
 * audit-log proofs those tools cannot check.
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

// ---------------------------------------------------------------------------------------------
// OpenSSH allowed_signers (ssh-keygen(1), "ALLOWED SIGNERS"): principals, options, key.

export interface AllowedSigner {
  /** 1-based line number in the file. */
  line: number;
  /** Comma-separated patterns (`*`, `?`, `!` negation), as match_pattern_list reads them. */
  principals: string;
  /** Namespace patterns; null: the line allows every namespace. */
  namespaces: string | null;
  certAuthority: boolean;
  validAfter: Date | null;
  validBefore: Date | null;
  keyType: string;
  /** Raw Ed25519 public key; null for another key type (which this verifier cannot use). */
  publicKey: Buffer | null;
}

/** Splits at whitespace, keeping double-quoted runs (which may hold spaces) inside a token. */
function tokens(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && (ch === ' ' || ch === '\t')) {
      if (current !== '') out.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (quoted) throw new Error('an unterminated quote');
  if (current !== '') out.push(current);
  return out;
}

function isKeyType(token: string): boolean {
  return /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-|sk-)/.test(token) || token.endsWith('@openssh.com');
}

/** valid-after / valid-before: YYYYMMDD[HHMM[SS]], local time unless it ends in Z. */
function parseSignerTime(value: string): Date | null {
  const match = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?(Z?)$/.exec(value);
  if (!match) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', zone] = match;
  const parts = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)] as const;
  return zone === 'Z' ? new Date(Date.UTC(...parts)) : new Date(...parts);
}

/** The raw key of an `ssh-ed25519` base64 blob, or null if the blob is not one. */
function ed25519Key(keyType: string, base64: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return null;
  const blob = Buffer.from(base64, 'base64');
  if (blob.toString('base64') !== base64) return null;
  if (keyType !== 'ssh-ed25519') return null;
  if (blob.length !== 51 || blob.readUInt32BE(0) !== 11 || blob.subarray(4, 15).toString() !== 'ssh-ed25519' || blob.readUInt32BE(15) !== 32) return null;
  return blob.subarray(19);
}

function parseSignerOptions(field: string, signer: AllowedSigner): void {
  const options: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of field) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      options.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  options.push(current);
  for (const option of options) {
    const match = /^([a-z-]+)(?:="([^"]*)")?$/i.exec(option);
    const name = match?.[1]?.toLowerCase();
    const value = match?.[2];
    if (name === 'cert-authority' && value === undefined) signer.certAuthority = true;
    else if (name === 'namespaces' && value !== undefined) signer.namespaces = value;
    else if ((name === 'valid-after' || name === 'valid-before') && value !== undefined) {
      const time = parseSignerTime(value);
      if (!time) throw new Error(`an unreadable ${name} time`);
      if (name === 'valid-after') signer.validAfter = time;
      else signer.validBefore = time;
    } else {
      throw new Error(`an option ssh-keygen does not know (${option})`);
    }
  }
}

/**
 * Parses an allowed_signers file strictly, as ssh-keygen reads it: blank and `#` lines skipped.
 * @throws Error naming the first malformed line.
 */
export function parseAllowedSigners(text: string): AllowedSigner[] {
  const signers: AllowedSigner[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    try {
      const fields = tokens(line);
      const [principals, second, third, fourth] = fields;
      if (principals === undefined || second === undefined || third === undefined) throw new Error('fewer than three fields');
      // ssh-keygen (strdelim) reads a quoted field up to its closing quote and no further.
      if (principals.startsWith('"') && (principals.length < 2 || !principals.endsWith('"') || principals.slice(1, -1).includes('"'))) {
        throw new Error('a quoted principals field with more after its quote');
      }
      const signer: AllowedSigner = {
        line: index + 1,
        principals: principals.startsWith('"') ? principals.slice(1, -1) : principals,
        namespaces: null,
        certAuthority: false,
        validAfter: null,
        validBefore: null,
        keyType: '',
        publicKey: null,
      };
      let keyType: string;
      let key: string;
      if (isKeyType(second)) {
        keyType = second;
        key = third;
      } else {
        if (fourth === undefined) throw new Error('no key after the options');
        parseSignerOptions(second, signer);
        keyType = third;
        key = fourth;
      }
      if (!isKeyType(keyType)) throw new Error(`an unknown key type (${keyType})`);
      signer.keyType = keyType;
      signer.publicKey = ed25519Key(keyType, key);
      if (keyType === 'ssh-ed25519' && !signer.publicKey) throw new Error('an ssh-ed25519 key that does not decode');
      signers.push(signer);
    } catch (error) {
      throw new Error(`line ${String(index + 1)} has ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return signers;
}

/** OpenSSH match_pattern: `*` any run, `?` one character, whole string. */
function matchPattern(value: string, pattern: string): boolean {
  const source = pattern.replace(/[.*+?^${}()|[\]\\]/g, (ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : `\\${ch}`));
  return new RegExp(`^${source}$`, 'su').test(value);
}

/** OpenSSH match_pattern_list: some pattern matches and no negated (`!`) one does. */
export function matchPatternList(value: string, list: string): boolean {
  let matched = false;
  for (const pattern of list.split(',')) {
    const negated = pattern.startsWith('!');
    if (matchPattern(value, negated ? pattern.slice(1) : pattern)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** The Ed25519 keys the file allows `identity` (any principal if null) to sign `namespace` with, now. */
export function keysFor(signers: readonly AllowedSigner[], identity: string | null, namespace: string, now = new Date()): Buffer[] {
  return signers
    .filter(
      (s) =>
        !s.certAuthority &&
        (identity === null || matchPatternList(identity, s.principals)) &&
        (s.namespaces === null || matchPatternList(namespace, s.namespaces)) &&
        (s.validAfter === null || s.validAfter <= now) &&
        (s.validBefore === null || now <= s.validBefore),
    )
    .flatMap((s) => (s.publicKey ? [s.publicKey] : []));
}

// ---------------------------------------------------------------------------------------------
// SSHSIG armor (openssh-portable PROTOCOL.sshsig), read back.

export interface ParsedSshsig {
  /** Raw Ed25519 public key of the signer. */
  publicKey: Buffer;
  namespace: string;
  /** Raw 64-byte Ed25519 signature (for sshsigVerify). */
  signature: Buffer;
}

class WireReader {
  private at = 0;
  constructor(private readonly bytes: Buffer) {}
  take(length: number): Buffer {
    if (this.at + length > this.bytes.length) throw new Error('truncated');
    const out = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    return out;
  }
  uint32(): number {
    return this.take(4).readUInt32BE(0);
  }
  string(): Buffer {
    return this.take(this.uint32());
  }
  get done(): boolean {
    return this.at === this.bytes.length;
  }
}

/**
 * An armored SSHSIG with an Ed25519 key and SHA-512, in exactly the bytes ssh-keygen and
 * sshsigArmor write (so no byte of the file can change without the parse failing).
 * @returns null if the text is anything else.
 */
export function parseSshsigArmor(text: string): ParsedSshsig | null {
  const match = /^-----BEGIN SSH SIGNATURE-----\n([A-Za-z0-9+/=\n]+)\n-----END SSH SIGNATURE-----\n$/.exec(text);
  if (!match) return null;
  try {
    const wire = new WireReader(Buffer.from((match[1] ?? '').replace(/\n/g, ''), 'base64'));
    if (wire.take(6).toString() !== 'SSHSIG' || wire.uint32() !== 1) return null;
    const key = new WireReader(wire.string());
    const namespace = wire.string().toString();
    wire.string(); // reserved
    const hash = wire.string().toString();
    const sig = new WireReader(wire.string());
    if (!wire.done || hash !== 'sha512') return null;
    if (key.string().toString() !== 'ssh-ed25519') return null;
    const publicKey = key.string();
    if (!key.done || publicKey.length !== 32) return null;
    if (sig.string().toString() !== 'ssh-ed25519') return null;
    const signature = sig.string();
    if (!sig.done || signature.length !== 64) return null;
    if (sshsigArmor(publicKey, namespace, signature) !== text) return null;
    return { publicKey: Buffer.from(publicKey), namespace, signature: Buffer.from(signature) };
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// The one pass over the zip.

interface ReadFile {
  path: string;
  size: number;
  sha256: string;
  sha512: string;
  /** The bytes, for the small files the checks parse; null for the rest (or one too large). */
  bytes: Buffer | null;
  /** A file the checks parse, declared larger than they keep in memory (its hashes are good). */
  tooLarge: number | null;
  /** Why the entry could not be read whole (damaged, inflating past its size), or null. */
  error: string | null;
}

const SMALL_FILE = 1024 * 1024;
const LISTING_FILE = 128 * 1024 * 1024;
const PROGRESS_STEP = 16 * 1024 * 1024;
const TAG_NAMES: ReadonlySet<string> = new Set(Object.values(TAG_FILES));
const AUDIT_FILES: readonly string[] = [PAYLOAD.checkpoint, PAYLOAD.checkpointSig, PAYLOAD.logAllowedSigners];

/** How much of a file the checks keep in memory; null: hashed only. */
function keepLimit(path: string): number | null {
  if (path === TAG_FILES.manifest256 || path === TAG_FILES.manifest512 || path === TAG_FILES.tagmanifest) return LISTING_FILE;
  if (path === PAYLOAD.proofs) return LISTING_FILE;
  if (TAG_NAMES.has(path) || AUDIT_FILES.includes(path)) return SMALL_FILE;
  return null;
}

async function readEverything(archive: PacketArchive, options: VerifyPacketOptions): Promise<Map<string, ReadFile>> {
  const files = new Map<string, ReadFile>();
  let done = 0;
  let reported = 0;
  options.onProgress?.(0, archive.totalBytes);
  for (const entry of archive.entries) {
    options.signal?.throwIfAborted();
    const limit = keepLimit(entry.path);
    const keep = limit !== null && entry.size <= limit;
    const sha256 = createHash('sha256');
    const sha512 = createHash('sha512');
    const chunks: Buffer[] = [];
    let size = 0;
    let error: string | null = null;
    try {
      for await (const chunk of archive.entryChunks(entry, options.signal)) {
        sha256.update(chunk);
        sha512.update(chunk);
        size += chunk.length;
        if (keep) chunks.push(chunk);
        done += chunk.length;
        if (done - reported >= PROGRESS_STEP) {
          reported = done;
          options.onProgress?.(done, archive.totalBytes);
        }
      }
    } catch (caught) {
      if (!(caught instanceof CustodianError) || options.signal?.aborted === true) throw caught;
      error = caught.message;
    }
    files.set(entry.path, {
      path: entry.path,
      size,
      sha256: sha256.digest('hex'),
      sha512: sha512.digest('hex'),
      bytes: keep && error === null ? Buffer.concat(chunks) : null,
      tooLarge: limit !== null && !keep ? limit : null,
      error,
    });
  }
  options.onProgress?.(done, archive.totalBytes);
  return files;
}

// ---------------------------------------------------------------------------------------------
// The checks.

class Findings {
  readonly checks = new Map<PacketCheckName, PacketCheck>();
  readonly problems = new Map<string, FileProblem>();

  pass(name: PacketCheckName, reason: string): void {
    this.checks.set(name, { name, ok: true, reason });
  }

  fail(name: PacketCheckName, reason: string): void {
    this.checks.set(name, { name, ok: false, reason });
  }

  problem(path: string, kind: FileProblem['kind'], check: PacketCheckName): void {
    const key = `${kind}\u0000${path}`;
    const known = this.problems.get(key);
    if (!known) this.problems.set(key, { path, kind, checks: [check] });
    else if (!known.checks.includes(check)) known.checks.push(check);
  }
}

/** "a, b, c and 4 more": paths in a one-line reason. */
function some(paths: readonly string[]): string {
  const shown = paths.slice(0, 3).join(', ');
  return paths.length > 3 ? `${shown} and ${String(paths.length - 3)} more` : shown;
}

function text(file: ReadFile | undefined): string | null {
  if (!file?.bytes) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(file.bytes);
  } catch {
    return null;
  }
}

/** Why a small file the checks need cannot be used, or null. */
function unusable(path: string, file: ReadFile | undefined): string | null {
  if (!file) return `${path} is missing`;
  if (file.error !== null) return `${path} cannot be read (${file.error})`;
  if (file.tooLarge !== null) return `${path} is larger than the ${String(file.tooLarge)} bytes such a file may have`;
  if (text(file) === null) return `${path} is not UTF-8 text`;
  return null;
}

const REQUIRED_BAG_INFO = [
  'Source-Organization',
  'Bagging-Date',
  'Bag-Software-Agent',
  'External-Identifier',
  'Payload-Oxum',
  'Custodian-Signer',
  'Custodian-Signer-Fingerprint',
  'Custodian-Checkpoint',
] as const;
type BagInfo = Record<(typeof REQUIRED_BAG_INFO)[number], string>;

/** The tag files tagmanifest-sha256.txt lists: all but itself and its signature. */
const LISTED_TAGS: readonly string[] = [
  TAG_FILES.bagit,
  TAG_FILES.bagInfo,
  TAG_FILES.manifest256,
  TAG_FILES.manifest512,
  TAG_FILES.signerPub,
  TAG_FILES.allowedSigners,
];

function checkBag(files: ReadonlyMap<string, ReadFile>, root: string, found: Findings): BagInfo | null {
  const problems: string[] = [];
  const bagit = files.get(TAG_FILES.bagit);
  if (!bagit) found.problem(TAG_FILES.bagit, 'missing', 'bagit');
  const bagitWhy = unusable(TAG_FILES.bagit, bagit);
  if (bagitWhy !== null) problems.push(bagitWhy);
  else if (text(bagit) !== BAGIT_TXT) problems.push('bagit.txt is not the BagIt 1.0 declaration Custodian writes');
  const stray = [...files.keys()].filter((path) => path.includes('/') && !path.startsWith('data/'));
  for (const path of stray) found.problem(path, 'extra', 'bagit');
  if (stray.length > 0) problems.push(`files outside data/ that no manifest lists: ${some(stray)}`);

  let info: BagInfo | null = null;
  const infoFile = files.get(TAG_FILES.bagInfo);
  if (!infoFile) found.problem(TAG_FILES.bagInfo, 'missing', 'bagit');
  const why = unusable(TAG_FILES.bagInfo, infoFile);
  const fields = why === null ? parseBagInfo(text(infoFile) ?? '') : null;
  if (why !== null) problems.push(why);
  else if (!fields) problems.push('bag-info.txt is malformed');
  else {
    const missing = REQUIRED_BAG_INFO.filter((label) => fields.filter(([l]) => l === label).length !== 1);
    if (missing.length > 0) problems.push(`bag-info.txt lacks (or repeats) ${missing.join(', ')}`);
    else info = Object.fromEntries(REQUIRED_BAG_INFO.map((label) => [label, fields.find(([l]) => l === label)?.[1] ?? ''])) as BagInfo;
  }
  if (info && `${PACKET_ROOT_PREFIX}${info['External-Identifier']}` !== root) {
    problems.push(`the zip's folder ${root}/ does not match External-Identifier ${info['External-Identifier']}`);
  }
  if (problems.length > 0) found.fail('bagit', problems.join('; '));
  else found.pass('bagit', 'bagit.txt declares BagIt 1.0; bag-info.txt has every field; one packet folder');
  return info;
}

interface SignerResult {
  identity: string | null;
  fingerprint: string | null;
  trust: PacketVerdict['signer']['trust'];
}

function checkSignature(files: ReadonlyMap<string, ReadFile>, info: BagInfo | null, options: VerifyPacketOptions, found: Findings): SignerResult {
  const trusted = options.allowedSigners !== undefined && options.identity !== undefined;
  const result: SignerResult = {
    identity: trusted ? (options.identity ?? null) : null,
    fingerprint: null,
    trust: trusted ? 'allowed-signers' : 'self-asserted',
  };
  const fail = (reason: string): SignerResult => {
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
  const sig = parseSshsigArmor(text(sigFile) ?? '');
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
    signers = parseAllowedSigners(text(own) ?? '');
  } catch (error) {
    return fail(`the packet's allowed_signers: ${error instanceof Error ? error.message : String(error)}`);
  }
  const user = info['Custodian-Signer'];
  const identity = [user, sshPrincipal(user)].find((name) => keysFor(signers, name, PACKET_NAMESPACE).some((key) => key.equals(sig.publicKey)));
  if (identity === undefined) return fail(`the packet's allowed_signers does not list the signing key ${result.fingerprint} for ${user}`);
  result.identity = identity;
  const pubFields = (text(pub) ?? '').trim().split(/\s+/);
  const pubKey = pubFields.length >= 2 && (text(pub) ?? '').trim().split('\n').length === 1 ? ed25519Key(pubFields[0] ?? '', pubFields[1] ?? '') : null;
  if (!pubKey?.equals(sig.publicKey)) return fail(`signer.pub does not hold the signing key ${result.fingerprint}`);
  found.pass(
    'signature',
    `good signature by ${identity} (${result.fingerprint}); trust is self-asserted (the packet's own allowed_signers): ` +
      'compare this fingerprint with one you got from the signer out of band, or give --allowed-signers and --identity',
  );
  return result;
}

function checkTagmanifest(files: ReadonlyMap<string, ReadFile>, found: Findings): void {
  const file = files.get(TAG_FILES.tagmanifest);
  const problems: string[] = [];
  for (const path of files.keys()) {
    if (!path.includes('/') && !TAG_NAMES.has(path)) {
      found.problem(path, 'extra', 'tagmanifest');
      problems.push(`${path} is not a tag file of a packet`);
    }
  }
  const why = unusable(TAG_FILES.tagmanifest, file);
  const listed = why === null ? parseManifest(text(file) ?? '', 64) : null;
  if (why !== null) {
    if (!file) found.problem(TAG_FILES.tagmanifest, 'missing', 'tagmanifest');
    problems.push(why);
  } else if (!listed) {
    problems.push(`${TAG_FILES.tagmanifest} is malformed`);
  } else {
    for (const path of listed.keys()) {
      if (!LISTED_TAGS.includes(path)) problems.push(`${TAG_FILES.tagmanifest} lists ${path}, which is not one of the tag files it covers`);
    }
    for (const path of LISTED_TAGS) {
      const present = files.get(path);
      const hash = listed.get(path);
      if (!present) {
        found.problem(path, 'missing', 'tagmanifest');
        problems.push(`${path} is missing`);
      } else if (hash === undefined) {
        found.problem(path, 'extra', 'tagmanifest');
        problems.push(`${TAG_FILES.tagmanifest} does not list ${path}`);
      } else if (present.error !== null || present.sha256 !== hash) {
        found.problem(path, 'altered', 'tagmanifest');
        problems.push(`${path} was altered (SHA-256 differs)`);
      }
    }
  }
  if (problems.length > 0) found.fail('tagmanifest', problems.join('; '));
  else found.pass('tagmanifest', `the ${String(LISTED_TAGS.length)} tag files match ${TAG_FILES.tagmanifest}`);
}

function checkManifest(files: ReadonlyMap<string, ReadFile>, algorithm: 'sha256' | 'sha512', found: Findings): void {
  const name: PacketCheckName = algorithm === 'sha256' ? 'manifest-sha256' : 'manifest-sha512';
  const manifestPath = algorithm === 'sha256' ? TAG_FILES.manifest256 : TAG_FILES.manifest512;
  const file = files.get(manifestPath);
  const why = unusable(manifestPath, file);
  if (why !== null) {
    if (!file) found.problem(manifestPath, 'missing', name);
    found.fail(name, why);
    return;
  }
  const listed = parseManifest(text(file) ?? '', algorithm === 'sha256' ? 64 : 128);
  if (!listed) {
    found.fail(name, `${manifestPath} is malformed`);
    return;
  }
  const bad = [...listed.keys()].filter((path) => {
    try {
      assertSafePath(path);
      return !path.startsWith('data/');
    } catch {
      return true;
    }
  });
  if (bad.length > 0) {
    found.fail(name, `${manifestPath} lists paths outside data/ or unsafe ones: ${some(bad.map((p) => JSON.stringify(p)))}`);
    return;
  }
  const missing: string[] = [];
  const altered: string[] = [];
  const extra = [...files.keys()].filter((path) => path.startsWith('data/') && !listed.has(path));
  for (const [path, hash] of listed) {
    const present = files.get(path);
    if (!present) missing.push(path);
    else if (present.error !== null || present[algorithm] !== hash) altered.push(path);
  }
  for (const path of missing) found.problem(path, 'missing', name);
  for (const path of extra) found.problem(path, 'extra', name);
  for (const path of altered) found.problem(path, 'altered', name);
  const problems = [
    ...(altered.length > 0 ? [`altered: ${some(altered)}`] : []),
    ...(missing.length > 0 ? [`missing: ${some(missing)}`] : []),
    ...(extra.length > 0 ? [`not in the manifest: ${some(extra)}`] : []),
  ];
  if (problems.length > 0) found.fail(name, problems.join('; '));
  else found.pass(name, `${String(listed.size)} payload files match ${manifestPath}`);
}

function checkOxum(files: ReadonlyMap<string, ReadFile>, info: BagInfo | null, found: Findings): void {
  const payload = [...files.values()].filter((f) => f.path.startsWith('data/'));
  const actual = `${String(payload.reduce((sum, f) => sum + f.size, 0))}.${String(payload.length)}`;
  if (!info) found.fail('payload-oxum', 'bag-info.txt is unreadable, so there is no Payload-Oxum to compare');
  else if (info['Payload-Oxum'] !== actual) found.fail('payload-oxum', `bag-info.txt says ${info['Payload-Oxum']} (bytes.files), the payload is ${actual}`);
  else found.pass('payload-oxum', `${actual} (bytes.files) as bag-info.txt says`);
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const auditPath = z.array(hex64).max(64);
const proofsSchema = z.strictObject({
  format: z.literal('custodian-packet-proofs/1'),
  vaultId: z.string(),
  size: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  root: hex64,
  inclusion: z.array(
    z.strictObject({
      entry: z.strictObject({
        seq: z.number().int().min(0),
        at: z.string(),
        actor: z.string(),
        action: z.string(),
        target: z.string().nullable(),
        before: z.string().nullable(),
        after: z.string().nullable(),
        reason: z.string().nullable(),
      }),
      path: auditPath,
    }),
  ),
  consistency: z.array(z.strictObject({ packetId: z.string(), size: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER), root: hex64, path: auditPath })),
});

function readProofs(files: ReadonlyMap<string, ReadFile>): PacketProofs | string {
  const file = files.get(PAYLOAD.proofs);
  const why = unusable(PAYLOAD.proofs, file);
  if (why !== null) return why;
  let json: unknown;
  try {
    json = JSON.parse(text(file) ?? '');
  } catch {
    return `${PAYLOAD.proofs} is not JSON`;
  }
  const parsed = proofsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `${PAYLOAD.proofs} is not in the custodian-packet-proofs/1 format${issue ? ` (${issue.path.join('.')}: ${issue.message})` : ''}`;
  }
  return parsed.data;
}

const hashes = (path: readonly string[]): Buffer[] => path.map((h) => Buffer.from(h, 'hex'));

function checkProofs(proofs: PacketProofs | string, found: Findings): void {
  if (typeof proofs === 'string') {
    found.fail('proofs', proofs);
    return;
  }
  const root = Buffer.from(proofs.root, 'hex');
  const badInclusion = proofs.inclusion
    .filter(({ entry, path }) => !verifyInclusion(Buffer.from(entryLeafHex(entry), 'hex'), entry.seq, proofs.size, hashes(path), root))
    .map(({ entry }) => entry.seq);
  const badConsistency = proofs.consistency
    .filter((c) => !verifyConsistency(c.size, proofs.size, Buffer.from(c.root, 'hex'), root, hashes(c.path)))
    .map((c) => `${c.packetId} (${String(c.size)} entries)`);
  const problems = [
    ...(badInclusion.length > 0 ? [`the inclusion proof of entries ${some(badInclusion.map(String))} does not verify`] : []),
    ...(badConsistency.length > 0 ? [`the consistency proof from earlier packet ${some(badConsistency)} does not verify`] : []),
  ];
  if (problems.length > 0) found.fail('proofs', problems.join('; '));
  else {
    found.pass(
      'proofs',
      `${String(proofs.inclusion.length)} cited log entries proven in the log of ${String(proofs.size)} entries; ` +
        `consistent with ${String(proofs.consistency.length)} earlier packet checkpoint(s)`,
    );
  }
}

/** Ed25519 keys (raw base64) the packet's data/audit/allowed_signers allows to sign checkpoints. */
function logKeysOf(files: ReadonlyMap<string, ReadFile>): string[] | string {
  const file = files.get(PAYLOAD.logAllowedSigners);
  const why = unusable(PAYLOAD.logAllowedSigners, file);
  if (why !== null) return why;
  try {
    return keysFor(parseAllowedSigners(text(file) ?? ''), null, CHECKPOINT_NAMESPACE).map((key) => key.toString('base64'));
  } catch (error) {
    return `${PAYLOAD.logAllowedSigners}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function checkCheckpoint(
  files: ReadonlyMap<string, ReadFile>,
  info: BagInfo | null,
  proofs: PacketProofs | string,
  logKeys: string[] | string,
  found: Findings,
): Checkpoint | null {
  const fail = (reason: string): null => {
    found.fail('checkpoint', reason);
    return null;
  };
  if (typeof logKeys === 'string') return fail(logKeys);
  const noteFile = files.get(PAYLOAD.checkpoint);
  const sigFile = files.get(PAYLOAD.checkpointSig);
  const why = unusable(PAYLOAD.checkpoint, noteFile) ?? unusable(PAYLOAD.checkpointSig, sigFile);
  if (why !== null) return fail(why);
  const noteText = text(noteFile) ?? '';
  const note = parseCheckpointNote(noteText);
  if (!note) return fail(`${PAYLOAD.checkpoint} is not a signed checkpoint note`);
  const checkpoint = resolveCheckpointNote(note, logKeys);
  if (!checkpoint) return fail(`${PAYLOAD.checkpoint} is not signed by a key in ${PAYLOAD.logAllowedSigners}`);
  const sig = parseSshsigArmor(text(sigFile) ?? '');
  if (!sig) return fail(`${PAYLOAD.checkpointSig} is not an Ed25519 SSH signature as ssh-keygen writes it`);
  if (sig.namespace !== CHECKPOINT_NAMESPACE)
    return fail(`${PAYLOAD.checkpointSig} is for namespace ${JSON.stringify(sig.namespace)}, not ${CHECKPOINT_NAMESPACE}`);
  if (
    !sig.publicKey.equals(Buffer.from(checkpoint.publicKey, 'base64')) ||
    !sshsigVerify(Buffer.from(noteText), CHECKPOINT_NAMESPACE, sig.publicKey, sig.signature)
  ) {
    return fail(`${PAYLOAD.checkpointSig} is not a good signature over ${PAYLOAD.checkpoint} by the key that signed the note`);
  }
  const stated = `${String(checkpoint.size)} ${checkpoint.root}`;
  if (info && info['Custodian-Checkpoint'] !== stated) return fail(`bag-info.txt states the checkpoint ${info['Custodian-Checkpoint']}, the note ${stated}`);
  if (typeof proofs !== 'string') {
    const rootHex = Buffer.from(checkpoint.root, 'base64').toString('hex');
    if (proofs.size !== checkpoint.size || proofs.root !== rootHex || proofs.vaultId !== checkpoint.vaultId) {
      return fail(`${PAYLOAD.proofs} proves against a different log (vault, size or root) than ${PAYLOAD.checkpoint}`);
    }
  }
  found.pass(
    'checkpoint',
    `the log of vault ${checkpoint.vaultId} had ${String(checkpoint.size)} entries, root ${checkpoint.root}, signed by ${checkpoint.signer} (${sshFingerprint(sig.publicKey)}) at ${checkpoint.at}`,
  );
  return checkpoint;
}

function checkSince(
  sinceText: string,
  proofs: PacketProofs | string,
  checkpoint: Checkpoint | null,
  logKeys: string[] | string,
  options: VerifyPacketOptions,
  found: Findings,
): void {
  const fail = (reason: string): void => {
    found.fail('since', reason);
  };
  const note = parseCheckpointNote(sinceText);
  if (!note) {
    fail('the checkpoint you gave is not a signed checkpoint note');
    return;
  }
  const keys = new Set(typeof logKeys === 'string' ? [] : logKeys);
  if (options.allowedSigners !== undefined) {
    try {
      for (const key of keysFor(parseAllowedSigners(options.allowedSigners), null, CHECKPOINT_NAMESPACE)) keys.add(key.toString('base64'));
    } catch {
      // The signature check reports a malformed file.
    }
  }
  const kept = resolveCheckpointNote(note, keys);
  if (!kept) {
    fail(
      `the checkpoint you gave (${String(note.size)} entries) is not signed by a key in ${PAYLOAD.logAllowedSigners} or your allowed signers: forged, or from another log`,
    );
    return;
  }
  if (typeof proofs === 'string' || !checkpoint) {
    fail('the packet has no verified checkpoint and proofs to compare it with');
    return;
  }
  if (kept.vaultId !== proofs.vaultId) {
    fail(`the checkpoint you gave is of vault ${kept.vaultId}, the packet of vault ${proofs.vaultId}`);
    return;
  }
  const rootHex = Buffer.from(kept.root, 'base64').toString('hex');
  if (kept.size > proofs.size) {
    fail(`rolled back: the packet's log has ${String(proofs.size)} entries, fewer than the ${String(kept.size)} of the checkpoint you gave`);
    return;
  }
  if (kept.size === proofs.size) {
    if (rootHex === proofs.root) found.pass('since', `the packet's checkpoint is the one you gave (${String(kept.size)} entries)`);
    else fail(`the log was rewritten: at ${String(kept.size)} entries its root differs from the checkpoint you gave`);
    return;
  }
  const proof = proofs.consistency.find((c) => c.size === kept.size && c.root === rootHex);
  if (!proof) {
    const other = proofs.consistency.find((c) => c.size === kept.size);
    fail(
      other
        ? `the log was rewritten: the packet's log at ${String(kept.size)} entries has another root than the checkpoint you gave`
        : `the packet holds no consistency proof from the checkpoint you gave (${String(kept.size)} entries)`,
    );
    return;
  }
  if (!verifyConsistency(kept.size, proofs.size, Buffer.from(rootHex, 'hex'), Buffer.from(proofs.root, 'hex'), hashes(proof.path))) {
    fail(`the consistency proof from the checkpoint you gave (${String(kept.size)} entries) does not verify`);
    return;
  }
  found.pass('since', `the packet's log (${String(proofs.size)} entries) extends the checkpoint you gave (${String(kept.size)} entries)`);
}

// ---------------------------------------------------------------------------------------------

const AGE_MAGIC = ['age-encryption.org/v1', '-----BEGIN AGE ENCRYPTED FILE-----'];

/** @throws CustodianError('not_found') or ('validation_failed') for an age-encrypted file. */
async function refuseEncrypted(file: string): Promise<void> {
  let head: Buffer;
  try {
    const handle = await open(file, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(64), 0, 64, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new CustodianError('not_found', `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`, { cause: error });
  }
  if (AGE_MAGIC.some((magic) => head.toString('latin1').startsWith(magic))) {
    throw new CustodianError(
      'validation_failed',
      `${file} is encrypted with age: decrypt it first with age -d (age -d -i KEY -o packet.zip ${file}), then verify packet.zip.`,
    );
  }
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
    files = await readEverything(archive, options);
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

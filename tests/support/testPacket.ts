import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { AuditEntry } from '../../src/core/audit/auditLog';
import { entryLeaf } from '../../src/core/audit/auditLog';
import { CHECKPOINT_NAMESPACE, checkpointNote, signCheckpoint } from '../../src/core/audit/checkpoint';
import type { Checkpoint } from '../../src/core/audit/checkpoint';
import { consistencyPath, inclusionPath, rootOf } from '../../src/core/audit/merkle';
import { sshFingerprint, sshPublicKeyLine, sshsigArmor, sshsigSignature } from '../../src/core/crypto/sshsig';
import { bagInfoText, digestOf, manifestText, payloadOxum } from '../../src/core/packet/bagit';
import { BAGIT_TXT, PACKET_NAMESPACE, PACKET_ROOT_PREFIX, PAYLOAD, TAG_FILES } from '../../src/core/packet/packetFormat';
import type { PacketProofs } from '../../src/core/packet/packetFormat';
import { PacketZip } from '../../src/core/packet/packetZip';

// TEST-ONLY: a small, valid, signed packet bag built straight from the format (packetFormat.ts,
// bagit.ts) with real keys, a real signed checkpoint and real Merkle proofs, for `packet verify`'s
// tests. The real builder (src/core/packet) will replace it; nothing here is shipped.

export interface TestKey {
  privateKey: KeyObject;
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Buffer;
  /** The raw key in base64, as checkpoints carry it. */
  base64: string;
  fingerprint: string;
}

export function testKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  return { privateKey, publicKey: raw, base64: raw.toString('base64'), fingerprint: sshFingerprint(raw) };
}

export const VAULT_ID = '0b5e1c2d-3f4a-4b5c-8d6e-7f8091a2b3c4';
const LOG_LENGTH = 20;
const PACKET_SIZE = 12;
const EARLIER_SIZE = 5;
const CITED = [0, 3, 7, 11];

export function auditEntries(count = LOG_LENGTH): AuditEntry[] {
  return Array.from({ length: count }, (_, seq) => ({
    seq,
    at: new Date(Date.UTC(2026, 0, 1, 9, seq)).toISOString(),
    actor: seq % 3 === 0 ? 'ada' : 'bob',
    action: seq % 2 === 0 ? 'evidence.add' : 'evidence.link',
    target: `ev-${String(seq % 4)}`,
    before: seq === 0 ? null : 'aa'.repeat(32),
    after: 'bb'.repeat(32),
    reason: seq === 7 ? 'annual review' : null,
  }));
}

/** A signed checkpoint note of the first `size` leaves, and its SSHSIG twin (armored). */
export function checkpointFiles(
  leaves: readonly Buffer[],
  size: number,
  key: TestKey,
  signer = 'ada',
  vaultId = VAULT_ID,
): { note: string; sig: string; checkpoint: Checkpoint } {
  const root = rootOf(leaves.slice(0, size)).toString('base64');
  const checkpoint = signCheckpoint({ vaultId, size, root, signer, at: new Date(Date.UTC(2026, 0, 2, 0, size)).toISOString() }, key.privateKey, key.base64);
  const note = checkpointNote(checkpoint);
  return { note, sig: sshsigArmor(key.publicKey, CHECKPOINT_NAMESPACE, Buffer.from(checkpoint.sshSignature ?? '', 'base64')), checkpoint };
}

export interface TestPacketOptions {
  packetId?: string;
  user?: string;
  /** Payload files added to (or replacing) the default ones: data/... path to bytes. */
  payload?: Record<string, Uint8Array>;
  /** Edits the payload (proofs, notes, ...) before the manifests are written and signed. */
  editPayload?: (files: Map<string, Buffer>, log: { entries: AuditEntry[]; leaves: Buffer[]; signer: TestKey; olderKey: TestKey }) => void;
  /** Edits bag-info's fields before it is written and signed. */
  editBagInfo?: (fields: [string, string][]) => [string, string][];
}

export interface TestPacket {
  packetId: string;
  /** The zip's one folder, with its slash. */
  root: string;
  user: string;
  /** Signs the packet (namespace custodian-packet) and the packet's checkpoint. */
  signer: TestKey;
  /** An earlier log key: signed the earlier checkpoint. */
  olderKey: TestKey;
  /** Bag-relative path to bytes: every file of the bag, tag files included. */
  files: Map<string, Buffer>;
  /** The checkpoint the packet proves against (12 entries). */
  note: string;
  /** An earlier packet's checkpoint (5 entries), which proofs.json's consistency proof covers. */
  earlierNote: string;
  /** A checkpoint of the same log later on (20 entries): giving it as --since is a rollback. */
  longerNote: string;
  /** Every entry of the log (20), the leaves they hash to. */
  entries: AuditEntry[];
  leaves: Buffer[];
}

function defaultPayload(): Record<string, Uint8Array> {
  return {
    'data/report.pdf': Buffer.concat([Buffer.from('%PDF-1.7\n% test packet report\n'), randomBytes(3000), Buffer.from('\n%%EOF\n')]),
    'data/workbook.xlsx': randomBytes(5000),
    'data/records/people.csv': Buffer.from('person,unit,course,completed\nP-100001,Cardiology,HIPAA,2026-01-03\nP-100002,North,HIPAA,2026-01-04\n'),
    'data/evidence/hipaa-security-awareness/cert (1).pdf': Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(1200)]),
    'data/sample.json': Buffer.from(`${JSON.stringify({ rule: 'ISO 2859-1 S-4', populationHash: 'cc'.repeat(32), seed: 42, picks: [3, 14, 15] })}\n`),
    'data/audit/reproduce_sample.py': Buffer.from('print("reproduce the sample")\n'),
  };
}

/** An allowed_signers principal for a user name, as `custodian log fingerprint` writes it. */
export function principalOf(user: string): string {
  return user.replace(/[^\p{L}\p{N}._@-]+/gu, '_');
}

/** Builds the bag's files in memory: payload, audit files, manifests, bag-info, signature. */
export function buildTestPacket(options: TestPacketOptions = {}): TestPacket {
  const packetId = options.packetId ?? 'PKT-2026-0001';
  const user = options.user ?? 'ada';
  const principal = principalOf(user);
  const signer = testKey();
  const olderKey = testKey();
  const entries = auditEntries();
  const leaves = entries.map(entryLeaf);

  const current = checkpointFiles(leaves, PACKET_SIZE, signer, user);
  const earlier = checkpointFiles(leaves, EARLIER_SIZE, olderKey, user);
  const longer = checkpointFiles(leaves, LOG_LENGTH, signer, user);
  const proofs: PacketProofs = {
    format: 'custodian-packet-proofs/1',
    vaultId: VAULT_ID,
    size: PACKET_SIZE,
    root: rootOf(leaves.slice(0, PACKET_SIZE)).toString('hex'),
    inclusion: CITED.map((seq) => ({
      entry: entries[seq] as AuditEntry,
      path: inclusionPath(leaves.slice(0, PACKET_SIZE), seq).map((h) => h.toString('hex')),
    })),
    consistency: [
      {
        packetId: 'PKT-2025-0007',
        size: EARLIER_SIZE,
        root: rootOf(leaves.slice(0, EARLIER_SIZE)).toString('hex'),
        path: consistencyPath(leaves.slice(0, PACKET_SIZE), EARLIER_SIZE).map((h) => h.toString('hex')),
      },
    ],
  };

  const payload = new Map<string, Buffer>(Object.entries({ ...defaultPayload(), ...options.payload }).map(([path, bytes]) => [path, Buffer.from(bytes)]));
  payload.set(PAYLOAD.checkpoint, Buffer.from(current.note));
  payload.set(PAYLOAD.checkpointSig, Buffer.from(current.sig));
  payload.set(
    PAYLOAD.logAllowedSigners,
    Buffer.from([signer, olderKey].map((key) => `${principal} namespaces="${CHECKPOINT_NAMESPACE}" ${sshPublicKeyLine(key.publicKey)}\n`).join('')),
  );
  payload.set(PAYLOAD.proofs, Buffer.from(`${JSON.stringify(proofs, null, 2)}\n`));
  options.editPayload?.(payload, { entries, leaves, signer, olderKey });

  const payloadDigests = [...payload].map(([path, bytes]) => digestOf(path, bytes));
  let fields: [string, string][] = [
    ['Source-Organization', 'Acme Health'],
    ['Bagging-Date', '2026-01-05'],
    ['Bag-Software-Agent', 'Custodian test support'],
    ['External-Identifier', packetId],
    ['Payload-Oxum', payloadOxum(payloadDigests)],
    ['Custodian-Signer', user],
    ['Custodian-Signer-Fingerprint', signer.fingerprint],
    ['Custodian-Checkpoint', `${String(current.checkpoint.size)} ${current.checkpoint.root}`],
  ];
  if (options.editBagInfo) fields = options.editBagInfo(fields);

  const tags = new Map<string, Buffer>([
    [TAG_FILES.bagit, Buffer.from(BAGIT_TXT)],
    [TAG_FILES.bagInfo, Buffer.from(bagInfoText(fields))],
    [TAG_FILES.manifest256, Buffer.from(manifestText(payloadDigests, 'sha256'))],
    [TAG_FILES.manifest512, Buffer.from(manifestText(payloadDigests, 'sha512'))],
    [TAG_FILES.signerPub, Buffer.from(`${sshPublicKeyLine(signer.publicKey)} ${principal}\n`)],
    [TAG_FILES.allowedSigners, Buffer.from(`${principal} namespaces="${PACKET_NAMESPACE}" ${sshPublicKeyLine(signer.publicKey)}\n`)],
  ]);
  const tagmanifest = Buffer.from(
    manifestText(
      [...tags].map(([path, bytes]) => digestOf(path, bytes)),
      'sha256',
    ),
  );
  tags.set(TAG_FILES.tagmanifest, tagmanifest);
  tags.set(
    TAG_FILES.signature,
    Buffer.from(sshsigArmor(signer.publicKey, PACKET_NAMESPACE, sshsigSignature(tagmanifest, PACKET_NAMESPACE, signer.privateKey))),
  );

  return {
    packetId,
    root: `${PACKET_ROOT_PREFIX}${packetId}/`,
    user,
    signer,
    olderKey,
    files: new Map([...tags, ...payload]),
    note: current.note,
    earlierNote: earlier.note,
    longerNote: longer.note,
    entries,
    leaves,
  };
}

const COMPRESSIBLE = /\.(txt|csv|json|py|sig|pub)$|allowed_signers$/;

/** Writes `files` under `root` as the deterministic packet zip (PacketZip), in byte order. */
export async function writePacketZip(root: string, files: ReadonlyMap<string, Uint8Array>, out: string): Promise<void> {
  const zip = new PacketZip(root, new Date(Date.UTC(2026, 0, 5)));
  const written = pipeline(zip.output, createWriteStream(out));
  for (const path of [...files.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))) {
    zip.addBuffer(path, files.get(path) ?? Buffer.alloc(0), COMPRESSIBLE.test(path));
  }
  zip.end();
  await written;
}

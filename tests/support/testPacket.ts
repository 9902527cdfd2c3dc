import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import yazl from 'yazl';
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
// tests, written as the builder's zip writes it (also streamed, and in Zip64 form), and the zip
// surgery that turns such a zip into one other readers would read differently. The real builder
// (src/core/packet) will replace the bag; nothing here is shipped.

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

const byteOrder = (files: ReadonlyMap<string, Uint8Array>): string[] => [...files.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

/**
 * Writes `files` under `root` as the deterministic packet zip (PacketZip), in byte order. `lazy`:
 * every entry streamed as the builder streams evidence and manifests (addLazy), so each has a
 * data descriptor after its data.
 */
export async function writePacketZip(root: string, files: ReadonlyMap<string, Uint8Array>, out: string, options: { lazy?: boolean } = {}): Promise<void> {
  const zip = new PacketZip(root, new Date(Date.UTC(2026, 0, 5)));
  const written = pipeline(zip.output, createWriteStream(out));
  for (const path of byteOrder(files)) {
    const bytes = files.get(path) ?? Buffer.alloc(0);
    if (options.lazy === true) zip.addLazy(path, () => Readable.from([Buffer.from(bytes)]), { size: bytes.length, compress: COMPRESSIBLE.test(path) });
    else zip.addBuffer(path, bytes, COMPRESSIBLE.test(path));
  }
  zip.end();
  await written;
}

/**
 * The same zip in yazl's Zip64 format (as yazl writes it past 65,534 entries or 4 GiB): Zip64 end
 * records, a Zip64 field in every central record, and 24-byte data descriptors for the entries
 * streamed (every other one).
 */
export async function writeZip64PacketZip(root: string, files: ReadonlyMap<string, Uint8Array>, out: string): Promise<void> {
  const zip = new yazl.ZipFile();
  const written = pipeline(zip.outputStream as unknown as Readable, createWriteStream(out));
  for (const [index, path] of byteOrder(files).entries()) {
    const bytes = Buffer.from(files.get(path) ?? Buffer.alloc(0));
    const options = { mtime: new Date(Date.UTC(2026, 0, 5)), mode: 0o100644, compress: COMPRESSIBLE.test(path), forceZip64Format: true };
    if (index % 2 === 0) zip.addBuffer(bytes, root + path, options);
    else zip.addReadStreamLazy(root + path, options, (callback) => callback(null, Readable.from([bytes])));
  }
  zip.end({ forceZip64Format: true, comment: '' });
  await written;
}

// ---------------------------------------------------------------------------------------------
// Zip surgery, for zips that other readers would read differently from the verifier.

const CD_RECORD = 0x02014b50;
const END_RECORD = 0x06054b50;
const LOCAL_RECORD = 0x04034b50;

export interface CentralRecord {
  name: string;
  /** Offset of the entry's local header. */
  offset: number;
  /** The whole record: fixed part, name, extra field, comment. */
  bytes: Buffer;
}

/** The central directory of a plain (not Zip64, no comment) zip. */
export function centralDirectory(zip: Buffer): { cdOffset: number; cdSize: number; records: CentralRecord[] } {
  const end = zip.length - 22;
  if (zip.readUInt32LE(end) !== END_RECORD) throw new Error('not a plain zip');
  const cdSize = zip.readUInt32LE(end + 12);
  const cdOffset = zip.readUInt32LE(end + 16);
  const records: CentralRecord[] = [];
  for (let at = cdOffset; at < cdOffset + cdSize;) {
    if (zip.readUInt32LE(at) !== CD_RECORD) throw new Error('not a central record');
    const nameLength = zip.readUInt16LE(at + 28);
    const length = 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    records.push({
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
      offset: zip.readUInt32LE(at + 42),
      bytes: Buffer.from(zip.subarray(at, at + length)),
    });
    at += length;
  }
  return { cdOffset, cdSize, records };
}

export function endRecord(entries: number, cdSize: number, cdOffset: number): Buffer {
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_RECORD, 0);
  end.writeUInt16LE(entries, 8);
  end.writeUInt16LE(entries, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(cdOffset, 16);
  return end;
}

/** A stored entry's local header and data, and its central record made from `like` (same name and times). */
export function storedEntry(like: CentralRecord, data: Buffer, offset: number): { local: Buffer; record: Buffer } {
  const name = Buffer.from(like.name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(LOCAL_RECORD, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(0x800, 6);
  like.bytes.copy(local, 10, 12, 16);
  local.writeUInt32LE(crc32(data), 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  const record = Buffer.from(like.bytes);
  record.writeUInt16LE(0x800, 8);
  record.writeUInt16LE(0, 10);
  record.writeUInt32LE(crc32(data), 16);
  record.writeUInt32LE(data.length, 20);
  record.writeUInt32LE(data.length, 24);
  record.writeUInt32LE(offset, 42);
  return { local: Buffer.concat([local, name, data]), record };
}

/**
 * genuine entries | forged entries | genuine central directory | forged central directory | end
 * record pointing at the genuine one. Readers that correct for "extra bytes before the central
 * directory" (unzip, Python, bsdtar) find the forged directory where the end record's size says
 * it should end, and shift its offsets by as much: onto the forged entries.
 */
export function dualDirectoryZip(zip: Buffer, forged: ReadonlyMap<string, Buffer>): Buffer {
  const { cdOffset, cdSize, records } = centralDirectory(zip);
  const starts = [...records.map((r) => r.offset), cdOffset].sort((a, b) => a - b);
  const entries: Buffer[] = [];
  const forgedRecords: Buffer[] = [];
  let at = cdOffset;
  for (const record of records) {
    const replacement = forged.get(record.name);
    let entry: Buffer;
    let central: Buffer;
    if (replacement) {
      ({ local: entry, record: central } = storedEntry(record, replacement, at - cdSize));
    } else {
      entry = zip.subarray(record.offset, starts[starts.indexOf(record.offset) + 1]);
      central = Buffer.from(record.bytes);
      central.writeUInt32LE(at - cdSize, 42);
    }
    entries.push(entry);
    forgedRecords.push(central);
    at += entry.length;
  }
  const forgedDirectory = Buffer.concat(forgedRecords);
  return Buffer.concat([
    zip.subarray(0, cdOffset),
    ...entries,
    zip.subarray(cdOffset, cdOffset + cdSize),
    forgedDirectory,
    endRecord(records.length, forgedDirectory.length, at),
  ]);
}

/**
 * genuine entries | a local entry no central record lists | genuine central directory. A
 * streaming extractor (`cat p.zip | bsdtar -xf -`) reads local headers front to back and writes
 * the unlisted one too: over a genuine file of the same name.
 */
export function gapEntryZip(zip: Buffer, name: string, data: Buffer): Buffer {
  const { cdOffset, cdSize, records } = centralDirectory(zip);
  const like = records.find((r) => r.name === name);
  if (!like) throw new Error(`no ${name}`);
  const { local } = storedEntry(like, data, cdOffset);
  return Buffer.concat([
    zip.subarray(0, cdOffset),
    local,
    zip.subarray(cdOffset, cdOffset + cdSize),
    endRecord(records.length, cdSize, cdOffset + local.length),
  ]);
}

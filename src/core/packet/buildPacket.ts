import { createHash, randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Readable, Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CustodianError } from '../../shared/errors';
import type { PacketScope } from '../../shared/packet/packetScope';
import { CHECKPOINT_NAMESPACE, checkpointNote } from '../audit/checkpoint';
import { AgeDecryptStream } from '../crypto/age/ageDecrypt';
import { AgeEncryptStream } from '../crypto/age/ageEncrypt';
import { decodeIdentity, decodeRecipient } from '../crypto/age/x25519';
import { sshPrincipal } from '../crypto/sshPrincipal';
import { sshPublicKeyLine, sshsigArmor, sshsigSignature } from '../crypto/sshsig';
import { wipe } from '../crypto/wipe';
import { blobPath } from '../evidence/blobPath';
import { syncDirectory, tempNameFor } from '../fs/atomicWrite';
import { APP_VERSION } from '../version';
import type { VaultSession } from '../vault/vaultSession';
import { bagInfoText, DigestStream, digestOf, manifestText, payloadOxum } from './bagit';
import type { FileDigest } from './bagit';
import { PACKET_BUILD_ACTION } from './packetAudit';
import { BAGIT_TXT, PACKET_NAMESPACE, PACKET_ROOT_PREFIX, PAYLOAD, TAG_FILES } from './packetFormat';
import { renderWorkbook } from './packetWorkbook';
import { PacketZip } from './packetZip';
import { PROOFS_LIMITS } from './verify/readProofs';
import { planPacket } from './planPacket';
import type { PacketPlan, PacketSignerInfo } from './planPacket';
import { custodyCsv, evidenceCsv, requirementsCsv, statusCsv } from './recordsCsv';
import { renderReportPdf } from './reportPdf';
import { requestFiles } from './requestFiles';
import reproduceSamplePy from './reproduce_sample.py?raw';

export interface PacketSigner extends PacketSignerInfo {
  privateKey: KeyObject;
}

export type PacketPhase = 'reading' | 'report' | 'workbook' | 'evidence' | 'signing' | 'recording';

export interface BuildPacketOptions {
  /** The .zip to write (with recipients: the age file). */
  out: string;
  /** age X25519 recipients (age1...): the zip is encrypted to them. */
  recipients?: readonly string[];
  /** SOURCE_DATE_EPOCH: every time in the packet, and its id, from this. */
  builtAt?: Date;
  /** Replace an existing file at `out`. */
  force?: boolean;
  signal?: AbortSignal;
  /** Phases in order; `evidence` counts plaintext bytes of evidence written. */
  onProgress?: (progress: { phase: PacketPhase; done: number; total: number }) => void;
}

export interface BuiltPacket {
  packetId: string;
  file: string;
  /** Bytes of the file written. */
  bytes: number;
  /** Files in the bag (payload and tag files). */
  files: number;
  tagmanifestSha256: string;
  signer: string;
  fingerprint: string;
  encrypted: boolean;
  checkpointSize: number;
  evidence: number;
  exceptions: number;
  unansweredRequests: number;
}

/** Checks what passed through against the size and SHA-256 the vault recorded for the file. */
class ExpectedDigest extends DigestStream {
  constructor(
    path: string,
    private readonly expected: { size: number; sha256: string; fileId: string },
  ) {
    super(path);
  }

  override _flush(callback: TransformCallback): void {
    super._flush((error) => {
      const d = error ? null : this.digest;
      if (d && (d.size !== this.expected.size || d.sha256 !== this.expected.sha256)) {
        callback(
          new CustodianError(
            'blob_tampered',
            `Evidence ${this.expected.fileId} decrypted, but its size or SHA-256 differs from the record. No packet was built.`,
          ),
        );
      } else {
        callback(error);
      }
    });
  }
}

/** Counts bytes on their way to the file. */
class Counter extends Transform {
  bytes = 0;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}

const text = (s: string) => Buffer.from(s, 'utf8');

/**
 * Builds a signed audit packet (DESIGN.md "Audit packets"): plans it (planPacket), renders the
 * report, workbook and CSVs, decrypts each evidence file straight into the zip (never to disk),
 * hashes every file as it is written (SHA-256 and SHA-512 in one pass), writes the manifests
 * and the signed tagmanifest last, and zips it all deterministically, encrypted to age
 * recipients when given. Written to a temporary file beside `out` and renamed into place only
 * after the build is logged (`packet.build`, with the tagmanifest hash) and the packet
 * recorded: a failure or cancel leaves nothing at `out`.
 *
 * Hazard: evidence plaintext exists only in this process's memory, a chunk at a time; the
 * packet itself holds it (encrypt with recipients when the packet travels).
 */
export async function buildPacket(session: VaultSession, scope: PacketScope, signer: PacketSigner, options: BuildPacketOptions): Promise<BuiltPacket> {
  const recipients = (options.recipients ?? []).map((r) => {
    try {
      return decodeRecipient(r);
    } catch {
      throw new CustodianError('validation_failed', `${r} is not an age X25519 recipient (age1...).`);
    }
  });
  const out = resolve(options.out);
  if (!options.force && (await stat(out).catch(() => null))) {
    throw new CustodianError('conflict', `${out} already exists: choose another name, or replace it (--force).`);
  }
  const progress = options.onProgress ?? (() => undefined);
  const signal = options.signal;
  progress({ phase: 'reading', done: 0, total: 1 });
  const plan = await planPacket(session, scope, signer, options.builtAt ? { builtAt: options.builtAt } : {});
  signal?.throwIfAborted();
  progress({ phase: 'report', done: 0, total: 1 });
  const report = await renderReportPdf(plan.model);
  signal?.throwIfAborted();
  progress({ phase: 'workbook', done: 0, total: 1 });
  const workbook = await renderWorkbook(plan.model);
  signal?.throwIfAborted();

  const generated = generatedPayload(plan, report, workbook);
  const evidenceTotal = plan.sources.reduce((sum, s) => sum + s.size, 0);
  const payloadSizes = [...[...generated.values()].map((b) => ({ size: b.length })), ...plan.sources.map((s) => ({ size: s.size }))];
  const model = plan.model;
  const publicKey = Buffer.from(signer.publicKey, 'base64');
  const principal = sshPrincipal(signer.userName);
  const signerLine = `${sshPublicKeyLine(publicKey)} ${principal}\n`;
  const allowedSigners = `${principal} namespaces="${PACKET_NAMESPACE}" ${sshPublicKeyLine(publicKey)}\n`;
  const bagInfo = bagInfoText([
    ['Source-Organization', model.organisation],
    ['Bagging-Date', model.builtAt.slice(0, 10)],
    ['Payload-Oxum', payloadOxum(payloadSizes)],
    ['External-Identifier', model.packetId],
    [
      'External-Description',
      `Audit packet: ${model.scope.frameworks.map((f) => f.title).join(', ')}, ${model.scope.from} to ${model.scope.to}, for ${model.scope.audience}`,
    ],
    ['Bag-Software-Agent', `Custodian ${APP_VERSION}`],
    ['Custodian-Scope', JSON.stringify({ ...model.scope })],
    ['Custodian-Signer', signer.userName],
    ['Custodian-Signer-Principal', principal],
    ['Custodian-Signer-Name', signer.printedName],
    ['Custodian-Signer-Fingerprint', model.signer.fingerprint],
    ['Custodian-Checkpoint', `${String(plan.checkpoint.size)} ${plan.checkpoint.root}`],
    ['Custodian-Built-At', model.builtAt],
  ]);

  const zip = new PacketZip(`${PACKET_ROOT_PREFIX}${model.packetId}/`, new Date(model.builtAt));
  const payload: FileDigest[] = [];
  const tags: FileDigest[] = [];
  const addTag = (path: string, bytes: Buffer) => {
    tags.push(digestOf(path, bytes));
    zip.addBuffer(path, bytes);
  };
  addTag(TAG_FILES.allowedSigners, text(allowedSigners));
  addTag(TAG_FILES.bagInfo, text(bagInfo));
  addTag(TAG_FILES.bagit, text(BAGIT_TXT));

  // Payload in byte order of path: generated files and evidence interleave.
  const entries: { path: string; bytes?: Buffer; source?: PacketPlan['sources'][number] }[] = [
    ...[...generated].map(([path, bytes]) => ({ path, bytes })),
    ...plan.sources.map((source) => ({ path: source.path, source })),
  ].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  let evidenceDone = 0;
  for (const entry of entries) {
    if (entry.bytes) {
      payload.push(digestOf(entry.path, entry.bytes));
      zip.addBuffer(entry.path, entry.bytes, !/\.(pdf|xlsx)$/.test(entry.path));
      continue;
    }
    const source = entry.source;
    if (!source) continue;
    zip.addLazy(
      entry.path,
      async () => {
        signal?.throwIfAborted();
        const row = await session.read((db) =>
          db.get<{ blob_name: string; age_identity: string }>('SELECT blob_name, age_identity FROM evidence WHERE id = ?', [source.fileId]),
        );
        if (!row) throw new CustodianError('not_found', `Evidence ${source.fileId} was deleted while the packet was being built. Build it again.`);
        const identity = decodeIdentity(row.age_identity);
        const decrypt = new AgeDecryptStream(identity);
        wipe(identity);
        const digest = new ExpectedDigest(entry.path, { size: source.size, sha256: source.sha256, fileId: source.fileId });
        digest.on('data', (chunk: Buffer) => {
          evidenceDone += chunk.length;
          progress({ phase: 'evidence', done: evidenceDone, total: evidenceTotal });
        });
        digest.on('end', () => payload.push(digest.digest));
        const blob = createReadStream(blobPath(session.paths.blobs, row.blob_name));
        blob.on('error', (error) =>
          digest.destroy(new CustodianError('blob_tampered', `The encrypted file for evidence ${source.fileId} is missing or unreadable (${error.message}).`)),
        );
        decrypt.on('error', (error) =>
          digest.destroy(new CustodianError('blob_tampered', `The encrypted file for evidence ${source.fileId} is damaged (${error.message}).`)),
        );
        return blob.pipe(decrypt).pipe(digest);
      },
      { size: source.size },
    );
  }

  // After the payload: manifests, signer.pub, the tagmanifest and its signature, made when the
  // zip reaches them (every payload digest is known by then).
  const signed: { tagmanifest: Buffer | null } = { tagmanifest: null };
  const lazyTag = (path: string, make: () => Buffer, tagged = true) => {
    zip.addLazy(path, () => {
      const bytes = make();
      if (tagged) tags.push(digestOf(path, bytes));
      return Readable.from([bytes]);
    });
  };
  lazyTag(TAG_FILES.manifest256, () => text(manifestText(payload, 'sha256')));
  lazyTag(TAG_FILES.manifest512, () => text(manifestText(payload, 'sha512')));
  lazyTag(TAG_FILES.signerPub, () => text(signerLine));
  lazyTag(
    TAG_FILES.tagmanifest,
    () => {
      progress({ phase: 'signing', done: 0, total: 1 });
      signed.tagmanifest = text(manifestText(tags, 'sha256'));
      return signed.tagmanifest;
    },
    false,
  );
  lazyTag(
    TAG_FILES.signature,
    () => {
      if (!signed.tagmanifest) throw new Error('the tagmanifest is written before its signature');
      return text(sshsigArmor(publicKey, PACKET_NAMESPACE, sshsigSignature(signed.tagmanifest, PACKET_NAMESPACE, signer.privateKey)));
    },
    false,
  );
  zip.end();

  await mkdir(dirname(out), { recursive: true });
  const temp = tempNameFor(out);
  const counter = new Counter();
  try {
    const stages = recipients.length > 0 ? [zip.output, new AgeEncryptStream(recipients), counter] : [zip.output, counter];
    await pipeline([...stages, createWriteStream(temp, { flags: 'wx', mode: 0o600 })], signal ? { signal } : {});
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (!signed.tagmanifest) throw new Error('the zip ended before its tagmanifest');
    const tagmanifestSha256 = createHash('sha256').update(signed.tagmanifest).digest('hex');
    signal?.throwIfAborted();
    progress({ phase: 'recording', done: 0, total: 1 });
    const files = payload.length + tags.length + 1;
    await session.mutate((db) => {
      db.run(
        `INSERT OR IGNORE INTO packets (id, built_at, built_by, scope, checkpoint_size, checkpoint_root, tagmanifest_sha256, files, bytes, encrypted)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          model.packetId,
          model.builtAt,
          signer.userName,
          JSON.stringify(scope),
          plan.checkpoint.size,
          Buffer.from(plan.checkpoint.root, 'base64'),
          tagmanifestSha256,
          files,
          counter.bytes,
          recipients.length > 0 ? 1 : 0,
        ],
      );
      return {
        result: undefined,
        events: [
          {
            action: PACKET_BUILD_ACTION,
            target: model.packetId,
            after: tagmanifestSha256,
            reason: `${String(files)} files, checkpoint ${String(plan.checkpoint.size)}, sample seed ${plan.seed.value} (${plan.seed.source})`,
          },
        ],
      };
    });
    await rename(temp, out);
    await syncDirectory(dirname(out));
    return {
      packetId: model.packetId,
      file: out,
      bytes: counter.bytes,
      files,
      tagmanifestSha256,
      signer: signer.userName,
      fingerprint: model.signer.fingerprint,
      encrypted: recipients.length > 0,
      checkpointSize: plan.checkpoint.size,
      evidence: plan.sources.length,
      exceptions: model.requirements.reduce((sum, r) => sum + r.exceptions.length, 0),
      unansweredRequests: (model.requests ?? []).filter((r) => !r.answered).length,
    };
  } catch (error) {
    await rm(temp, { force: true });
    // A job's own cancel ends it `cancelled` (sessionJobs.ts); nothing was written at `out`.
    if (signal?.aborted) throw signal.reason;
    throw error;
  }
}

/** data/audit/proofs.json, compact; refused when `packet verify` would refuse it (PROOFS_LIMITS). */
function proofsFile(plan: PacketPlan): Buffer {
  const bytes = text(`${JSON.stringify(plan.proofs)}\n`);
  if (bytes.length > PROOFS_LIMITS.maxBytes) {
    throw new CustodianError(
      'validation_failed',
      `The packet would cite ${String(plan.proofs.inclusion.length)} audit-log entries, more than a verifier reads (proofs.json over ${String(PROOFS_LIMITS.maxBytes / 1024 / 1024)} MiB): narrow the scope or the sample.`,
    );
  }
  return bytes;
}

/** Every payload file made here (not evidence), by path. */
function generatedPayload(plan: PacketPlan, report: Uint8Array, workbook: Buffer): Map<string, Buffer> {
  const model = plan.model;
  const checkpoint = plan.checkpoint;
  if (!checkpoint.sshSignature) throw new CustodianError('log_tampered', 'The checkpoint the packet cites has no SSHSIG signature.');
  const files = new Map<string, Buffer>([
    [PAYLOAD.report, Buffer.from(report.buffer, report.byteOffset, report.byteLength)],
    [PAYLOAD.workbook, workbook],
    [`${PAYLOAD.records}/status.csv`, text(statusCsv(model))],
    [`${PAYLOAD.records}/requirements.csv`, text(requirementsCsv(model))],
    [`${PAYLOAD.records}/evidence.csv`, text(evidenceCsv(model))],
    [`${PAYLOAD.records}/custody.csv`, text(custodyCsv(model))],
    [PAYLOAD.sample, text(plan.sampleJson)],
    [PAYLOAD.reproduceSample, text(reproduceSamplePy)],
    [PAYLOAD.checkpoint, text(checkpointNote(checkpoint))],
    [
      PAYLOAD.checkpointSig,
      text(sshsigArmor(Buffer.from(checkpoint.publicKey, 'base64'), CHECKPOINT_NAMESPACE, Buffer.from(checkpoint.sshSignature, 'base64'))),
    ],
    [PAYLOAD.proofs, proofsFile(plan)],
    [PAYLOAD.logAllowedSigners, text(plan.auditAllowedSigners)],
  ]);
  for (const [path, content] of requestFiles(model)) files.set(path, text(content));
  return files;
}

/** For tests and the bench: a fresh id when none is wanted from the inputs. */
export const newPacketId = randomUUID;

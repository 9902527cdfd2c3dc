import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CustodianError } from '../../shared/errors';
import type { RedactionBox } from '../../shared/redaction/redactionTypes';
import { stateHash } from '../audit/auditLog';
import { AgeDecryptStream } from '../crypto/age/ageDecrypt';
import { sealBlob } from './sealBlob';
import type { SealedBlob } from './sealBlob';
import { decodeIdentity, encodeIdentity, generateX25519 } from '../crypto/age/x25519';
import { wipe } from '../crypto/wipe';
import { syncDirectory, tempNameFor } from '../fs/atomicWrite';
import type { ReadableDb } from '../db/database';
import { isCalendarDate, localToday } from '../compliance/calendarDate';
import type { VaultSession } from '../vault/vaultSession';
import { blobPath } from './blobPath';

export interface EvidenceMeta {
  id: string;
  fileName: string;
  mediaType: string;
  size: number;
  /** SHA-256 of the plaintext, hex. Stored only in the database. */
  sha256: string;
  personId: string | null;
  addedBy: string;
  addedAt: string;
  /** The day the document speaks for (YYYY-MM-DD): point-in-time status counts it from then. */
  documentDate: string;
  /** The older evidence this file replaces (that one is then superseded), or null. */
  replaces: string | null;
}

/** What a piece of evidence documents. */
export type EvidenceLinkKind = 'person' | 'completion' | 'certification' | 'requirement';
export interface EvidenceLink {
  kind: EvidenceLinkKind;
  id: string;
}

interface EvidenceRow {
  id: string;
  blob_name: string;
  sha256: string;
  size: number;
  file_name: string;
  media_type: string;
  person_id: string | null;
  added_by: string;
  added_at: string;
  document_date: string | null;
  replaces: string | null;
}

/**
 * Rows with the adding user's name (not id) in added_by, as EvidenceMeta promises. Never the
 * blob's age identity: that secret is read alone, only when a blob is opened (ageIdentityOf),
 * so listing and looking up evidence put no key into JavaScript strings.
 */
const SELECT_EVIDENCE =
  'SELECT e.id, e.blob_name, e.sha256, e.size, e.file_name, e.media_type, e.person_id, u.name AS added_by, e.added_at, e.document_date, e.replaces FROM evidence e JOIN users u ON u.id = e.added_by';

function toMeta(row: EvidenceRow): EvidenceMeta {
  return {
    id: row.id,
    fileName: row.file_name,
    mediaType: row.media_type,
    size: row.size,
    sha256: row.sha256,
    personId: row.person_id,
    addedBy: row.added_by,
    addedAt: row.added_at,
    documentDate: row.document_date ?? row.added_at.slice(0, 10),
    replaces: row.replaces,
  };
}

/** Counts and hashes plaintext as it streams past. */
class Digest extends Transform {
  readonly hash = createHash('sha256');
  size = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null, data?: Buffer) => void): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    callback(null, chunk);
  }
}

export interface AddEvidenceInput {
  source: Readable;
  fileName: string;
  mediaType?: string;
  personId?: string | null;
  /** Records it documents, linked in the same transaction (each link logged). */
  links?: readonly EvidenceLink[];
  /**
   * The day it documents (YYYY-MM-DD). Default: the linked completion's date, else the linked
   * card's issue date, else today.
   */
  documentDate?: string | null;
  /** An older piece of evidence this one replaces: that one becomes superseded. */
  replaces?: string | null;
  /** Plaintext bytes encrypted so far (see sealBlob). */
  onProgress?: (bytes: number) => void;
  /** Aborting before the blob is sealed adds nothing. */
  signal?: AbortSignal;
  /** This file is a redacted version of other evidence: recorded, and logged, in the same transaction. */
  redaction?: RedactionRecord;
}

/** How a redacted version was made (the `evidence_redactions` row; see m0110_redaction). */
export interface RedactionRecord {
  sourceId: string;
  reasons: string[];
  boxes: RedactionBox[];
  pages: number;
  dpi: number;
  /** The suggestion kinds applied, with how many boxes each: never the matched text. */
  applied: Record<string, number>;
  keptText: boolean;
}

/**
 * Encrypts `source` into a new blob (its own age identity), then records it. Streamed (sealBlob):
 * memory stays flat and no plaintext touches the disk. Order for crash safety: blob written, fsynced
 * and renamed into place first; the row (and audit entry) committed second. A crash between
 * the two leaves an orphan that the unlock sweep removes.
 */
/** @throws CustodianError('not_found') unless `personId` names a person of the vault. */
export async function assertPersonExists(session: VaultSession, personId: string): Promise<void> {
  const known = await session.read((db) => db.get('SELECT 1 AS known FROM people WHERE person_id = ? AND current = 1', [personId]));
  if (!known) throw new CustodianError('not_found', 'No such person in this vault.');
}

export async function addEvidence(session: VaultSession, input: AddEvidenceInput): Promise<EvidenceMeta> {
  session.require('evidence.add', 'add evidence');
  if (input.personId) await assertPersonExists(session, input.personId);
  const links = input.links ?? [];
  if (input.documentDate !== undefined && input.documentDate !== null && !isCalendarDate(input.documentDate)) {
    throw new CustodianError('validation_failed', `The document date must be a date such as 2025-03-31 (got "${input.documentDate.slice(0, 40)}").`);
  }
  // Checked before the (possibly long) encryption, and again inside the write that commits.
  const documentDate = await session.read((db) => {
    checkLinks(db, links, input.replaces ?? null);
    if (input.redaction) checkRedactionSource(db, input.redaction.sourceId);
    return input.documentDate ?? defaultDocumentDate(db, links);
  });
  const fileName = input.fileName.slice(0, 255);
  const identity = generateX25519();
  const blobName = randomBytes(16).toString('hex');
  const finalPath = blobPath(session.paths.blobs, blobName);
  await mkdir(dirname(finalPath), { recursive: true, mode: 0o700 });
  const tempPath = tempNameFor(finalPath);
  let sealed: SealedBlob;
  try {
    sealed = await sealBlob(input.source, identity.publicKey, tempPath, {
      ...(input.onProgress ? { onProgress: input.onProgress } : {}),
      ...(input.signal ? { signal: input.signal } : {}),
    });
  } catch (error) {
    await rm(tempPath, { force: true });
    wipe(identity.privateKey);
    throw error;
  }
  const meta: EvidenceMeta = {
    id: randomUUID(),
    fileName,
    mediaType: input.mediaType ?? 'application/octet-stream',
    size: sealed.size,
    sha256: sealed.sha256,
    personId: input.personId ?? null,
    addedBy: session.principal.name,
    addedAt: new Date().toISOString(),
    documentDate,
    replaces: input.replaces ?? null,
  };
  const ageIdentity = encodeIdentity(identity.privateKey);
  wipe(identity.privateKey);
  try {
    await session.mutate(async (db) => {
      // Placed under its final name only while holding the write lock that commits its row: an
      // orphan sweep in another process (sweepOrphans) never sees a final blob without a row
      // unless its writer died.
      await rename(tempPath, finalPath);
      await syncDirectory(dirname(finalPath));
      checkLinks(db, links, meta.replaces);
      const redaction = input.redaction;
      if (redaction) checkRedactionSource(db, redaction.sourceId);
      db.run(
        'INSERT INTO evidence (id, blob_name, age_identity, sha256, size, file_name, media_type, person_id, added_by, added_at, document_date, replaces, redacted_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [
          meta.id,
          blobName,
          ageIdentity,
          meta.sha256,
          meta.size,
          meta.fileName,
          meta.mediaType,
          meta.personId,
          session.principal.userId,
          meta.addedAt,
          meta.documentDate,
          meta.replaces,
          redaction?.sourceId ?? null,
        ],
      );
      if (redaction) {
        db.run('INSERT INTO evidence_redactions (evidence_id, source_id, reasons, boxes, pages, dpi, applied, kept_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
          meta.id,
          redaction.sourceId,
          JSON.stringify(redaction.reasons),
          JSON.stringify(redaction.boxes),
          redaction.pages,
          redaction.dpi,
          JSON.stringify(redaction.applied),
          redaction.keptText ? 1 : 0,
        ]);
      }
      for (const link of links) {
        db.run('INSERT OR IGNORE INTO evidence_links (evidence_id, target_kind, target_id, linked_at) VALUES (?, ?, ?, ?)', [
          meta.id,
          link.kind,
          link.id,
          meta.addedAt,
        ]);
      }
      return {
        result: undefined,
        events: [
          { action: 'evidence.add', target: meta.id, after: stateHash(meta) },
          ...links.map((link) => ({ action: 'evidence.link', target: meta.id, after: stateHash({ kind: link.kind, id: link.id }) })),
          ...(meta.replaces ? [{ action: 'evidence.supersede', target: meta.replaces, after: stateHash({ replacedBy: meta.id }) }] : []),
          ...(redaction
            ? [
                {
                  action: 'evidence.redact',
                  target: redaction.sourceId,
                  after: stateHash({ redactedVersion: meta.id, ...redaction }),
                  reason: redaction.reasons.join(', '),
                },
              ]
            : []),
        ],
      };
    });
  } catch (error) {
    await rm(tempPath, { force: true });
    await rm(finalPath, { force: true });
    throw error;
  }
  return meta;
}

/** The blob's age identity (AGE-SECRET-KEY-1...): a secret; the caller wipes what it derives from it. */
async function ageIdentityOf(session: VaultSession, id: string): Promise<string> {
  const row = await session.read((db) => db.get<{ age_identity: string }>('SELECT age_identity FROM evidence WHERE id = ?', [id]));
  if (!row) throw new CustodianError('not_found', `No evidence with id ${id} in this vault.`);
  return row.age_identity;
}

async function findRow(session: VaultSession, id: string): Promise<EvidenceRow> {
  const row = await session.read((db) => db.get<EvidenceRow>(`${SELECT_EVIDENCE} WHERE e.id = ?`, [id]));
  if (!row) throw new CustodianError('not_found', `No evidence with id ${id} in this vault.`);
  return row;
}

export async function getEvidenceMeta(session: VaultSession, id: string): Promise<EvidenceMeta> {
  session.require('evidence.read', 'read evidence');
  return toMeta(await findRow(session, id));
}

export async function listEvidence(session: VaultSession): Promise<EvidenceMeta[]> {
  session.require('evidence.read', 'read evidence');
  const rows = await session.read((db) => db.all<EvidenceRow>(`${SELECT_EVIDENCE} ORDER BY e.added_at, e.id`));
  return rows.map(toMeta);
}

/**
 * Decrypts one blob into `destination`, checking size and SHA-256 against the row. The
 * decryption is logged before any byte is written.
 *
 * Hazard: on error the destination has received part of the plaintext; the caller discards it.
 * @throws CustodianError('blob_tampered') if the blob fails authentication or its hash.
 */
export async function readEvidence(session: VaultSession, id: string, destination: Writable, reason?: string): Promise<EvidenceMeta> {
  session.require('evidence.decrypt', 'open original evidence files (auditors receive evidence redacted, in audit packets)');
  const row = await findRow(session, id);
  await session.record([{ action: 'evidence.decrypt', target: id, reason: reason ?? null }]);
  const identity = decodeIdentity(await ageIdentityOf(session, id));
  const digest = new Digest();
  try {
    await pipeline(createReadStream(blobPath(session.paths.blobs, row.blob_name)), new AgeDecryptStream(identity), digest, destination);
  } catch (error) {
    if (error instanceof Error && (error.name === 'AgeDecryptError' || (error as NodeJS.ErrnoException).code === 'ENOENT')) {
      throw new CustodianError('blob_tampered', `The encrypted file for evidence ${id} is damaged or missing (${error.message}). Restore it from a backup.`);
    }
    throw error;
  } finally {
    wipe(identity);
  }
  if (digest.size !== row.size || digest.hash.digest('hex') !== row.sha256) {
    throw new CustodianError('blob_tampered', `Evidence ${id} decrypted, but its size or SHA-256 differs from the record.`);
  }
  return toMeta(row);
}

/**
 * Crypto-shreds one piece of evidence and every redacted version made from it (a copy of
 * personal data goes with the data): the rows, and with them the only copies of the blobs' age
 * identities, are deleted (secure_delete overwrites them), each logged; then the blob files are
 * removed.
 */
export async function deleteEvidence(session: VaultSession, id: string, reason: string): Promise<void> {
  session.require('evidence.delete', 'delete evidence');
  if (!reason.trim()) throw new CustodianError('validation_failed', 'Give a reason for deleting evidence; it goes into the audit log.');
  await findRow(session, id);
  const rows = await session.mutate((db) => {
    // Redacted versions first (deepest first), then the file itself.
    const doomed = db.all<EvidenceRow & { depth: number }>(
      `WITH RECURSIVE tree (id, depth) AS (SELECT ?, 0 UNION ALL SELECT e.id, t.depth + 1 FROM evidence e JOIN tree t ON e.redacted_from = t.id)
       ${SELECT_EVIDENCE.replace('FROM evidence e', 'FROM tree t JOIN evidence e ON e.id = t.id')} ORDER BY t.depth DESC`,
      [id],
    );
    for (const row of doomed) db.run('DELETE FROM evidence WHERE id = ?', [row.id]);
    return {
      result: doomed,
      events: doomed.map((row) => ({
        action: 'evidence.delete',
        target: row.id,
        before: stateHash(toMeta(row)),
        reason: row.id === id ? reason : `${reason} (a redacted version of ${id})`,
      })),
    };
  });
  for (const row of rows) {
    const path = blobPath(session.paths.blobs, row.blob_name);
    await rm(path, { force: true });
    await syncDirectory(dirname(path)).catch(() => undefined);
  }
}

const LINK_TABLES: Readonly<Record<EvidenceLinkKind, string>> = {
  person: 'SELECT 1 AS known FROM people WHERE person_id = ? AND current = 1',
  completion: 'SELECT 1 AS known FROM completion_versions WHERE completion_id = ? AND current = 1',
  certification: 'SELECT 1 AS known FROM certifications WHERE certification_id = ? AND current = 1',
  requirement: 'SELECT 1 AS known FROM requirements WHERE requirement_id = ? AND current = 1',
};

/** @throws CustodianError('not_found') unless the evidence to be redacted is (still) in the vault. */
function checkRedactionSource(db: ReadableDb, sourceId: string): void {
  if (!db.get('SELECT 1 AS known FROM evidence WHERE id = ?', [sourceId]))
    throw new CustodianError('not_found', `There is no evidence ${sourceId} in this vault to redact.`);
}

/** @throws CustodianError('not_found') for a link or a replaced file that names nothing in this vault. */
function checkLinks(db: ReadableDb, links: readonly EvidenceLink[], replaces: string | null): void {
  if (links.length > 1000) throw new CustodianError('validation_failed', 'Link one piece of evidence to at most 1,000 records.');
  for (const link of links) {
    if (!db.get(LINK_TABLES[link.kind], [link.id]))
      throw new CustodianError('not_found', `There is no ${link.kind} ${link.id} in this vault to link the evidence to.`);
  }
  if (replaces !== null && !db.get('SELECT 1 AS known FROM evidence WHERE id = ?', [replaces])) {
    throw new CustodianError('not_found', `There is no evidence ${replaces} in this vault to replace.`);
  }
}

/** The linked completion's date, else the linked card's issue date, else today. */
function defaultDocumentDate(db: ReadableDb, links: readonly EvidenceLink[]): string {
  const ids = (kind: EvidenceLinkKind) => JSON.stringify(links.filter((l) => l.kind === kind).map((l) => l.id));
  const row = db.get<{ day: string | null }>(
    `SELECT coalesce(
       (SELECT min(completed_on) FROM completion_versions WHERE current = 1 AND completion_id IN (SELECT value FROM json_each(?))),
       (SELECT min(issued_on) FROM certifications WHERE current = 1 AND certification_id IN (SELECT value FROM json_each(?)))) AS day`,
    [ids('completion'), ids('certification')],
  );
  return row?.day ?? localToday();
}

/** The age identity of one blob, for `age -d` outside Custodian. Admin only; logged. */
export async function exportEvidenceIdentity(session: VaultSession, id: string): Promise<string> {
  session.require('recovery.export', 'export a blob identity');
  const row = await findRow(session, id);
  await session.record([{ action: 'recovery.export-identity', target: id }]);
  return ageIdentityOf(session, row.id);
}

export async function blobFileSize(session: VaultSession, id: string): Promise<number> {
  const row = await findRow(session, id);
  return (await stat(blobPath(session.paths.blobs, row.blob_name))).size;
}

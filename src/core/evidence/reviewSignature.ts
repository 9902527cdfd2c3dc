import { createHash, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { stateHash } from '../audit/auditLog';
import { KEY_ENROLL, KEY_RETIRE, parseKeyRef } from '../audit/keyChain';
import { canonicalJson } from '../crypto/canonicalJson';
import type { ReadableDb } from '../db/database';

// Electronic signatures on evidence reviews (21 CFR 11.50, 11.70, 11.200).
//
// A review is signed with the signer's own Ed25519 key (the one their passphrase unwraps, which
// also signs the audit log) over a manifest that names the evidence by its SHA-256 and size,
// every record it is linked to, and the signature's manifestation: the printed name, the user
// name, the time and the meaning (reviewed, approved or rejected, with the reason). Copying the
// signature onto another evidence row, another link or another meaning breaks it (11.70).
// Which key may sign for a user is read from the audit log's key chain (key.enroll entries),
// never from the editable `signing_keys` table.

export const REVIEW_SIGNATURE_PURPOSE = 'custodian evidence review signature v1';
export type SignatureMeaning = 'reviewed' | 'approved' | 'rejected';

export interface ReviewManifest {
  purpose: typeof REVIEW_SIGNATURE_PURPOSE;
  vaultId: string;
  /** The review's own row: a copy of the row (a replay) is another review, and does not verify. */
  reviewId: number;
  evidenceId: string;
  sha256: string;
  size: number;
  fileName: string;
  mediaType: string;
  /** The day the file documents, and the file it replaces: both change what it counts for. */
  documentDate: string | null;
  replaces: string | null;
  /** Every link of the evidence (its person too), sorted: what the reviewer saw it document. */
  links: { kind: string; id: string }[];
  userName: string;
  printedName: string;
  meaning: SignatureMeaning;
  reason: string | null;
  /** ISO 8601 instant, UTC. */
  signedAt: string;
}

/** Someone able to sign now: their names and their Ed25519 key. */
export interface ReviewSigner {
  userName: string;
  printedName: string;
  publicKey: string;
  privateKey: KeyObject;
}

/** The bytes signed: the manifest's canonical JSON. */
export function manifestBytes(manifest: ReviewManifest): Buffer {
  return Buffer.from(canonicalJson(manifest));
}

export function signManifest(manifest: ReviewManifest, privateKey: KeyObject): string {
  return sign(null, manifestBytes(manifest), privateKey).toString('base64');
}

/** What a manifest says of the evidence itself. */
export type EvidenceSubject = Pick<ReviewManifest, 'evidenceId' | 'sha256' | 'size' | 'fileName' | 'mediaType' | 'documentDate' | 'replaces' | 'links'>;

/** Code-unit order: the same on every machine (localeCompare depends on the locale). */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface SubjectRow {
  id: string;
  sha256: string;
  size: number;
  person_id: string | null;
  file_name: string;
  media_type: string;
  document_date: string | null;
  replaces: string | null;
}
const SUBJECT_COLUMNS = 'id, sha256, size, person_id, file_name, media_type, document_date, replaces';

function subjectOf(row: SubjectRow, links: { kind: string; id: string }[]): EvidenceSubject {
  const all = [...links];
  if (row.person_id !== null && !all.some((l) => l.kind === 'person' && l.id === row.person_id)) all.push({ kind: 'person', id: row.person_id });
  all.sort((a, b) => byCodeUnits(a.kind, b.kind) || byCodeUnits(a.id, b.id));
  return {
    evidenceId: row.id,
    sha256: row.sha256,
    size: row.size,
    fileName: row.file_name,
    mediaType: row.media_type,
    documentDate: row.document_date,
    replaces: row.replaces,
    links: all,
  };
}

/** The evidence's identity and links as they stand: what a manifest must match. */
export function evidenceSubject(db: ReadableDb, evidenceId: string): EvidenceSubject | null {
  const row = db.get<SubjectRow>(`SELECT ${SUBJECT_COLUMNS} FROM evidence WHERE id = ?`, [evidenceId]);
  if (!row) return null;
  return subjectOf(
    row,
    db.all<{ kind: string; id: string }>('SELECT target_kind AS kind, target_id AS id FROM evidence_links WHERE evidence_id = ?', [evidenceId]),
  );
}

/**
 * What the reviewer was shown, as one value: a digest of the file's subject (its hash, size,
 * name, type, document date, replacement and links). The app sends back the stamp of what it
 * showed with each signature; a file or link changed in between refuses the signature.
 */
export function subjectStamp(subject: EvidenceSubject): string {
  return createHash('sha256').update(canonicalJson(subject)).digest('base64url').slice(0, 22);
}

/** Every reviewed file's subject, in two queries (for checking every review at once). */
function reviewedSubjects(db: ReadableDb): Map<string, EvidenceSubject> {
  return subjectsWhere(db, 'IN (SELECT evidence_id FROM evidence_reviews)', []);
}

/** The subjects of the given files, in two queries. */
export function subjectsOf(db: ReadableDb, ids: readonly string[]): Map<string, EvidenceSubject> {
  return subjectsWhere(db, 'IN (SELECT value FROM json_each(?))', [JSON.stringify(ids)]);
}

function subjectsWhere(db: ReadableDb, condition: string, params: string[]): Map<string, EvidenceSubject> {
  const rows = db.all<SubjectRow>(`SELECT ${SUBJECT_COLUMNS} FROM evidence WHERE id ${condition}`, params);
  const links = new Map<string, { kind: string; id: string }[]>();
  for (const l of db.all<{ evidence_id: string; kind: string; id: string }>(
    `SELECT evidence_id, target_kind AS kind, target_id AS id FROM evidence_links WHERE evidence_id ${condition}`,
    params,
  )) {
    let list = links.get(l.evidence_id);
    if (!list) {
      list = [];
      links.set(l.evidence_id, list);
    }
    list.push({ kind: l.kind, id: l.id });
  }
  return new Map(rows.map((row) => [row.id, subjectOf(row, links.get(row.id) ?? [])]));
}

/** The hash a review's audit entry carries in `after_hash`: it commits the log to the signature. */
export function reviewEntryHash(meaning: SignatureMeaning, signature: string): string {
  return stateHash({ meaning, signature });
}

export interface StoredReview {
  row_id: number;
  evidence_id: string;
  state: 'accepted' | 'rejected';
  reason: string | null;
  reviewed_at: string;
  user_name: string;
  meaning: SignatureMeaning | null;
  printed_name: string | null;
  public_key: string | null;
  signature: string | null;
}

/** `counts`: whether the review may set the file's state (a valid signature, or a review from before signatures). */
export type SignatureCheck = { valid: true; counts: true } | { valid: false; counts: boolean; problem: string };

/** The columns a StoredReview is read from (evidence_reviews v, users u). */
export const STORED_REVIEW_COLUMNS =
  'v.row_id, v.evidence_id, v.state, v.reason, v.reviewed_at, u.name AS user_name, v.meaning, v.printed_name, v.public_key, v.signature';

const verified = new Map<string, boolean>();

/** Ed25519 verification, remembered by (message digest, key, signature): reviews never change. */
function verifies(message: Buffer, publicKey: string, signature: string): boolean {
  const key = `${createHash('sha256').update(message).digest('base64')} ${publicKey} ${signature}`;
  const known = verified.get(key);
  if (known !== undefined) return known;
  let ok = false;
  try {
    const jwk = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey, 'base64').toString('base64url') }, format: 'jwk' });
    ok = verify(null, message, jwk, Buffer.from(signature, 'base64'));
  } catch {
    ok = false;
  }
  if (verified.size > 200_000) verified.clear();
  verified.set(key, ok);
  return ok;
}

/**
 * Checks reviews against the vault as it stands. A review counts only if:
 * - its Ed25519 signature verifies over the manifest rebuilt from its own row (its row id, so a
 *   copied row does not) and the evidence as it stands (hash, size, name, type, document date,
 *   the file it replaces, every link);
 * - the audit log holds its entry (`evidence.accept`/`reject` for that file, committing to the
 *   signature) within the part of the log covered by a signed checkpoint: rows inserted beside
 *   the log, or entries appended without a checkpoint, do not count;
 * - the key was enrolled for the signer by a covered `key.enroll` entry before that entry, and
 *   not retired before it (a removed user's old key cannot sign later, whatever date it claims).
 * Reviews recorded before signatures existed (row ids up to the migration's mark) carry none
 * and still count, saying so. Assumes the log itself verifies (log verify, the score's integrity
 * part): it is the anchor.
 */
export class ReviewVerifier {
  private readonly covered: number;
  private readonly legacyUpTo: number;
  private readonly entries = new Map<string, number>();
  private readonly keyEvents = new Map<string, { seq: number; action: string; key: string | null }[]>();

  constructor(
    private readonly db: ReadableDb,
    private readonly vaultId: string,
    /** Every reviewed file's subject, read up front (countingReviews); else read per review. */
    private readonly subjects?: ReadonlyMap<string, EvidenceSubject>,
  ) {
    this.covered = db.get<{ size: number | null }>('SELECT max(size) AS size FROM checkpoints')?.size ?? 0;
    const legacy = db.get<{ value: string }>("SELECT value FROM vault_policies WHERE name = 'unsigned_reviews_up_to'");
    this.legacyUpTo = legacy ? Number(JSON.parse(legacy.value)) : 0;
    const rows = db.all<{ seq: number; target: string; after_hash: string | null }>(
      "SELECT seq, target, after_hash FROM audit_log WHERE action IN ('evidence.accept', 'evidence.reject') AND seq < ?",
      [this.covered],
    );
    for (const r of rows) if (r.after_hash !== null) this.entries.set(`${r.target} ${r.after_hash}`, r.seq);
  }

  private keysAt(user: string, seq: number): Set<string> {
    let events = this.keyEvents.get(user);
    if (!events) {
      events = this.db
        .all<{ seq: number; action: string; before_hash: string | null; after_hash: string | null }>(
          'SELECT seq, action, before_hash, after_hash FROM audit_log WHERE target = ? AND action IN (?, ?) AND seq < ? ORDER BY seq',
          [user, KEY_ENROLL, KEY_RETIRE, this.covered],
        )
        .map((r) => ({ seq: r.seq, action: r.action, key: parseKeyRef(r.action === KEY_ENROLL ? r.after_hash : r.before_hash) }));
      this.keyEvents.set(user, events);
    }
    const active = new Set<string>();
    for (const event of events) {
      if (event.seq >= seq) break;
      if (event.key === null) continue;
      if (event.action === KEY_ENROLL) active.add(event.key);
      else active.delete(event.key);
    }
    return active;
  }

  check(review: StoredReview): SignatureCheck {
    if (review.signature === null || review.public_key === null || review.meaning === null || review.printed_name === null) {
      return review.row_id <= this.legacyUpTo
        ? { valid: false, counts: true, problem: 'recorded before reviews were signed' }
        : { valid: false, counts: false, problem: 'recorded without an electronic signature' };
    }
    const subject = this.subjects ? this.subjects.get(review.evidence_id) : evidenceSubject(this.db, review.evidence_id);
    if (!subject) return { valid: false, counts: false, problem: 'the evidence it names is gone' };
    if ((review.meaning === 'rejected') !== (review.state === 'rejected'))
      return { valid: false, counts: false, problem: 'its meaning does not match the review state' };
    const manifest: ReviewManifest = {
      purpose: REVIEW_SIGNATURE_PURPOSE,
      vaultId: this.vaultId,
      reviewId: review.row_id,
      ...subject,
      userName: review.user_name,
      printedName: review.printed_name,
      meaning: review.meaning,
      reason: review.reason,
      signedAt: review.reviewed_at,
    };
    if (!verifies(manifestBytes(manifest), review.public_key, review.signature)) {
      return { valid: false, counts: false, problem: 'the signature does not match this evidence, its links or its manifestation' };
    }
    const seq = this.entries.get(`${review.evidence_id} ${reviewEntryHash(review.meaning, review.signature)}`);
    if (seq === undefined) return { valid: false, counts: false, problem: 'no entry of the signed audit log records this review' };
    if (!this.keysAt(review.user_name, seq).has(review.public_key)) {
      return { valid: false, counts: false, problem: `signed with a key the audit log had not enrolled for ${review.user_name}, or had retired` };
    }
    return { valid: true, counts: true };
  }
}

/**
 * The state each file's reviews give it: its latest review that counts (ReviewVerifier), by
 * evidence id. Files without one are pending. Reviews that do not count are skipped, not
 * believed: an inserted "accepted" row leaves the file as its signed reviews left it.
 */
export function countingReviews(db: ReadableDb, vaultId: string): Map<string, { state: 'accepted' | 'rejected'; rowId: number }> {
  const verifier = new ReviewVerifier(db, vaultId, reviewedSubjects(db));
  const reviews = db.all<StoredReview>(`SELECT ${STORED_REVIEW_COLUMNS} FROM evidence_reviews v JOIN users u ON u.id = v.reviewed_by ORDER BY v.row_id`);
  const states = new Map<string, { state: 'accepted' | 'rejected'; rowId: number }>();
  for (const review of reviews) if (verifier.check(review).counts) states.set(review.evidence_id, { state: review.state, rowId: review.row_id });
  return states;
}

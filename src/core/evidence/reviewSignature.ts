import { createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { KEY_ENROLL, parseKeyRef } from '../audit/keyChain';
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
  evidenceId: string;
  sha256: string;
  size: number;
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

/** The evidence's identity and links as they stand: what a manifest must match. */
export function evidenceSubject(db: ReadableDb, evidenceId: string): Pick<ReviewManifest, 'evidenceId' | 'sha256' | 'size' | 'links'> | null {
  const row = db.get<{ sha256: string; size: number; person_id: string | null }>('SELECT sha256, size, person_id FROM evidence WHERE id = ?', [evidenceId]);
  if (!row) return null;
  const links = db.all<{ kind: string; id: string }>('SELECT target_kind AS kind, target_id AS id FROM evidence_links WHERE evidence_id = ?', [evidenceId]);
  if (row.person_id !== null && !links.some((l) => l.kind === 'person' && l.id === row.person_id)) links.push({ kind: 'person', id: row.person_id });
  links.sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
  return { evidenceId, sha256: row.sha256, size: row.size, links };
}

/** Every key the log's chain ever enrolled for `userName` (retired keys still verify what they signed). */
export function enrolledKeys(db: ReadableDb, userName: string): Set<string> {
  const rows = db.all<{ after_hash: string | null }>('SELECT after_hash FROM audit_log WHERE target = ? AND action = ?', [userName, KEY_ENROLL]);
  return new Set(rows.map((r) => parseKeyRef(r.after_hash)).filter((k): k is string => k !== null));
}

export interface StoredReview {
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

export type SignatureCheck = { valid: true } | { valid: false; problem: string };

/**
 * Checks one stored review's signature against the vault as it stands: the evidence it names
 * (hash, size, links), the manifestation stored beside it, and a key the log's chain enrolled
 * for the signer. A review recorded before signatures existed has none and says so.
 */
export function checkReviewSignature(db: ReadableDb, vaultId: string, review: StoredReview, keys = enrolledKeys(db, review.user_name)): SignatureCheck {
  if (review.signature === null || review.public_key === null || review.meaning === null || review.printed_name === null) {
    return { valid: false, problem: 'recorded without an electronic signature' };
  }
  const subject = evidenceSubject(db, review.evidence_id);
  if (!subject) return { valid: false, problem: 'the evidence it names is gone' };
  if ((review.meaning === 'rejected') !== (review.state === 'rejected')) return { valid: false, problem: 'its meaning does not match the review state' };
  if (!keys.has(review.public_key)) return { valid: false, problem: `signed with a key the audit log never enrolled for ${review.user_name}` };
  const manifest: ReviewManifest = {
    purpose: REVIEW_SIGNATURE_PURPOSE,
    vaultId,
    ...subject,
    userName: review.user_name,
    printedName: review.printed_name,
    meaning: review.meaning,
    reason: review.reason,
    signedAt: review.reviewed_at,
  };
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(review.public_key, 'base64').toString('base64url') }, format: 'jwk' });
  const ok = verify(null, manifestBytes(manifest), publicKey, Buffer.from(review.signature, 'base64'));
  return ok ? { valid: true } : { valid: false, problem: 'the signature does not match this evidence, its links or its manifestation' };
}

/** The columns a StoredReview is read from (evidence_reviews v, users u). */
export const STORED_REVIEW_COLUMNS =
  'v.evidence_id, v.state, v.reason, v.reviewed_at, u.name AS user_name, v.meaning, v.printed_name, v.public_key, v.signature';

import { generateKeyPairSync } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, ADMIN_PASSPHRASE, makeVault, tempDir } from '../../../tests/support/tempVault';
import { reviewEvidence, reviewEvidenceBatch } from '../compliance/reviewEvidence';
import { publicKeyBase64 } from '../vault/keySlots';
import { openVault } from '../vault/openVault';
import type { VaultSession } from '../vault/vaultSession';
import { addUser, removeUser } from '../users/userService';
import { addEvidence } from './evidenceStore';
import { passphraseSigner } from './passphraseSigner';
import {
  REVIEW_SIGNATURE_PURPOSE,
  ReviewVerifier,
  STORED_REVIEW_COLUMNS,
  countingReviews,
  evidenceSubject,
  reviewEntryHash,
  signManifest,
  subjectStamp,
} from './reviewSignature';
import type { EvidenceSubject, ReviewManifest, StoredReview } from './reviewSignature';

// Electronic signatures on reviews (21 CFR 11.70): each attack edits the vault as someone
// holding its database key could, then asks the verifier.

let temp: ReturnType<typeof tempDir>;
let session: VaultSession;
let dir: string;

const add = (text: string) => addEvidence(session, { source: Readable.from([Buffer.from(text)]), fileName: `${text}.txt`, mediaType: 'text/plain' });
const stored = (evidenceId: string) =>
  session.read((db) =>
    db.all<StoredReview>(
      `SELECT ${STORED_REVIEW_COLUMNS} FROM evidence_reviews v JOIN users u ON u.id = v.reviewed_by WHERE v.evidence_id = ? ORDER BY v.row_id`,
      [evidenceId],
    ),
  );
const check = (review: StoredReview) => session.read((db) => new ReviewVerifier(db, session.vaultId).check(review));
const stateOf = async (evidenceId: string) => (await session.read((db) => countingReviews(db, session.vaultId))).get(evidenceId)?.state ?? 'pending';
/** Inserts a review row as given (a new row id): what an attacker with the database key can do. */
const insertReview = (review: Omit<StoredReview, 'row_id'>) =>
  session.database.transaction((db) => {
    db.run(
      'INSERT INTO evidence_reviews (evidence_id, state, reason, reviewed_by, reviewed_at, meaning, printed_name, public_key, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        review.evidence_id,
        review.state,
        review.reason,
        session.principal.userId,
        review.reviewed_at,
        review.meaning,
        review.printed_name,
        review.public_key,
        review.signature,
      ],
    );
  });

beforeEach(async () => {
  temp = tempDir();
  ({ session, dir } = await makeVault(temp.dir));
});
afterEach(async () => {
  await session.lock();
  temp.cleanup();
});

describe('review signatures', () => {
  it('an acceptance signed with the re-entered passphrase verifies, and names the signer, meaning and time', async () => {
    const evidence = await add('certificate');
    const signer = await passphraseSigner(session, ADMIN, Buffer.from(ADMIN_PASSPHRASE));
    const signed = await reviewEvidence(session, evidence.id, 'accepted', null, { meaning: 'reviewed', signer });
    expect(signed).toMatchObject({ state: 'accepted', meaning: 'reviewed', printedName: ADMIN });
    const [review] = await stored(evidence.id);
    expect(review).toMatchObject({ meaning: 'reviewed', printed_name: ADMIN, user_name: ADMIN });
    expect(await check(review as StoredReview)).toEqual({ valid: true, counts: true });
  });

  it('a signature is refused when the file changed after it was shown (its stamp no longer matches)', async () => {
    const evidence = await add('shown');
    const shown = await session.read((db) => subjectStamp(evidenceSubject(db, evidence.id) as EvidenceSubject));
    await session.database.transaction((db) => {
      db.run("UPDATE evidence SET document_date = '2019-01-01' WHERE id = ?", [evidence.id]);
    });
    await expect(reviewEvidenceBatch(session, [{ evidenceId: evidence.id, state: 'accepted', reason: null, stamp: shown }])).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(await stored(evidence.id)).toHaveLength(0);
    const now = await session.read((db) => subjectStamp(evidenceSubject(db, evidence.id) as EvidenceSubject));
    await expect(reviewEvidenceBatch(session, [{ evidenceId: evidence.id, state: 'accepted', reason: null, stamp: now }])).resolves.toHaveLength(1);
  });

  it('a wrong passphrase or another user name signs nothing', async () => {
    await expect(passphraseSigner(session, ADMIN, Buffer.from('not the passphrase at all'))).rejects.toMatchObject({ code: 'wrong_passphrase' });
    await expect(passphraseSigner(session, 'mallory', Buffer.from(ADMIN_PASSPHRASE))).rejects.toMatchObject({ code: 'wrong_passphrase' });
  });

  it('a signature moved to another evidence row fails verification', async () => {
    const signedFile = await add('signed');
    const other = await add('other');
    await reviewEvidence(session, signedFile.id, 'accepted', null);
    const [review] = (await stored(signedFile.id)) as [StoredReview];
    expect(await check(review)).toEqual({ valid: true, counts: true });
    await insertReview({ ...review, evidence_id: other.id });
    const [moved] = (await stored(other.id)) as [StoredReview];
    expect(await check(moved)).toEqual({ valid: false, counts: false, problem: 'the signature does not match this evidence, its links or its manifestation' });
    expect(await stateOf(other.id)).toBe('pending');
  });

  it('a rejection rewritten as an approval, or its printed name changed, fails verification', async () => {
    const evidence = await add('sheet');
    await reviewEvidence(session, evidence.id, 'rejected', 'no trainer signature');
    const [review] = (await stored(evidence.id)) as [StoredReview];
    expect(await check(review)).toEqual({ valid: true, counts: true });
    expect(await check({ ...review, state: 'accepted', meaning: 'approved' })).toMatchObject({ valid: false });
    expect(await check({ ...review, printed_name: 'Someone Else' })).toMatchObject({ valid: false });
    expect(await check({ ...review, reason: 'fine' })).toMatchObject({ valid: false });
  });

  it('a signature whose evidence gains a link after signing no longer verifies', async () => {
    const evidence = await add('card');
    await reviewEvidence(session, evidence.id, 'accepted', null);
    await session.database.transaction((db) => {
      db.run("INSERT INTO evidence_links (evidence_id, target_kind, target_id, linked_at) VALUES (?, 'requirement', 'hipaa.x', ?)", [
        evidence.id,
        new Date().toISOString(),
      ]);
    });
    const [review] = (await stored(evidence.id)) as [StoredReview];
    expect(await check(review)).toMatchObject({ valid: false });
  });

  it('a review forged with a key the log never enrolled, even with a key.enroll row and a matching entry inserted beside the log, does not count', async () => {
    const evidence = await add('forged');
    const { privateKey } = generateKeyPairSync('ed25519');
    const forgedKey = publicKeyBase64(privateKey);
    const subject = await session.read((db) => evidenceSubject(db, evidence.id));
    const signedAt = new Date().toISOString();
    const reviewId = ((await session.read((db) => db.get<{ last: number | null }>('SELECT max(row_id) AS last FROM evidence_reviews')))?.last ?? 0) + 1;
    const manifest: ReviewManifest = {
      purpose: REVIEW_SIGNATURE_PURPOSE,
      vaultId: session.vaultId,
      reviewId,
      ...(subject as NonNullable<typeof subject>),
      userName: ADMIN,
      printedName: ADMIN,
      meaning: 'approved',
      reason: null,
      signedAt,
    };
    const signature = signManifest(manifest, privateKey);
    await insertReview({
      evidence_id: evidence.id,
      state: 'accepted',
      reason: null,
      reviewed_at: signedAt,
      user_name: ADMIN,
      meaning: 'approved',
      printed_name: ADMIN,
      public_key: forgedKey,
      signature,
    });
    const [review] = (await stored(evidence.id)) as [StoredReview];
    expect(await check(review)).toEqual({ valid: false, counts: false, problem: 'no entry of the signed audit log records this review' });
    // Rows appended to the log (an enrolment of the forged key, the review's entry), with no checkpoint signed over them.
    await session.database.transaction((db) => {
      const next = (db.get<{ seq: number }>('SELECT max(seq) AS seq FROM audit_log')?.seq ?? 0) + 1;
      const insert =
        'INSERT INTO audit_log (seq, at, actor, action, target, before_hash, after_hash, reason, leaf_hash) VALUES (?, ?, ?, ?, ?, NULL, ?, NULL, ?)';
      db.run(insert, [next, signedAt, ADMIN, 'key.enroll', ADMIN, `ed25519:${forgedKey}`, Buffer.alloc(32)]);
      db.run(insert, [next + 1, signedAt, ADMIN, 'evidence.accept', evidence.id, reviewEntryHash('approved', signature), Buffer.alloc(32)]);
    });
    expect(await check(review)).toEqual({ valid: false, counts: false, problem: 'no entry of the signed audit log records this review' });
    expect(await stateOf(evidence.id)).toBe('pending');
  });

  it('a copy of an old acceptance inserted after a rejection (a replay) does not count: the file stays rejected', async () => {
    const evidence = await add('replayed');
    await reviewEvidence(session, evidence.id, 'accepted', null);
    await reviewEvidence(session, evidence.id, 'rejected', 'wrong person');
    expect(await stateOf(evidence.id)).toBe('rejected');
    const [accepted] = (await stored(evidence.id)) as [StoredReview];
    await insertReview(accepted);
    const rows = await stored(evidence.id);
    expect(rows).toHaveLength(3);
    expect(await check(rows[2] as StoredReview)).toMatchObject({ valid: false, counts: false });
    expect(await stateOf(evidence.id)).toBe('rejected');
    // Nor can the rejection be deleted while the file exists.
    await expect(session.database.transaction((db) => db.run('DELETE FROM evidence_reviews WHERE evidence_id = ?', [evidence.id]))).rejects.toThrow(
      /never deleted/,
    );
  });

  it("a removed user's old key cannot make a review count afterwards, whatever date it claims", async () => {
    await addUser(session, { name: 'olga', role: 'officer', passphrase: Buffer.from('officer passphrase orbit zebra'), kdf: 'minimum' });
    const before = await add('before removal');
    const evidence = await add('after removal');
    const olga = await openVault(dir, { user: 'olga', passphrase: Buffer.from('officer passphrase orbit zebra') });
    let stolen: ReturnType<VaultSession['ownSigner']>;
    try {
      await reviewEvidence(olga, before.id, 'accepted', null);
      stolen = olga.ownSigner();
    } finally {
      await olga.lock();
    }
    expect(await stateOf(before.id)).toBe('accepted');
    await removeUser(session, 'olga', 'laptop stolen');
    // The thief signs a backdated review with the old key and inserts it beside the log.
    const subject = await session.read((db) => evidenceSubject(db, evidence.id));
    const reviewId = ((await session.read((db) => db.get<{ last: number | null }>('SELECT max(row_id) AS last FROM evidence_reviews')))?.last ?? 0) + 1;
    const signedAt = '2020-01-01T00:00:00.000Z';
    const manifest: ReviewManifest = {
      purpose: REVIEW_SIGNATURE_PURPOSE,
      vaultId: session.vaultId,
      reviewId,
      ...(subject as NonNullable<typeof subject>),
      userName: 'olga',
      printedName: 'olga',
      meaning: 'approved',
      reason: null,
      signedAt,
    };
    const signature = signManifest(manifest, stolen.privateKey);
    await session.database.transaction((db) => {
      const olgaId = db.get<{ id: string }>("SELECT id FROM users WHERE name = 'olga'")?.id ?? '';
      db.run(
        'INSERT INTO evidence_reviews (row_id, evidence_id, state, reason, reviewed_by, reviewed_at, meaning, printed_name, public_key, signature) VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)',
        [reviewId, evidence.id, 'accepted', olgaId, signedAt, 'approved', 'olga', stolen.publicKey, signature],
      );
    });
    // A later, legitimate write signs a checkpoint: the inserted row still has no entry of its own.
    await session.record([{ action: 'evidence.decrypt', target: evidence.id, reason: 'check' }]);
    const [review] = (await stored(evidence.id)) as [StoredReview];
    expect(await check(review)).toMatchObject({ valid: false, counts: false });
    expect(await stateOf(evidence.id)).toBe('pending');
    // What olga signed while she was a user still stands.
    expect(await stateOf(before.id)).toBe('accepted');
  });

  it('a reviewer may not sign their own upload (the default policy); an officer may, and superseded files are not reviewed', async () => {
    await addUser(session, { name: 'rita', role: 'reviewer', passphrase: Buffer.from('reviewer passphrase orbit zebra'), kdf: 'minimum' });
    // The reviewer role cannot add evidence: the admin's file is added as if rita had, by the database.
    const evidence = await add('rita-upload');
    const rita = await openVault(dir, { user: 'rita', passphrase: Buffer.from('reviewer passphrase orbit zebra') });
    try {
      await session.database.transaction((db) => {
        db.run('UPDATE evidence SET added_by = ? WHERE id = ?', [rita.principal.userId, evidence.id]);
      });
      await expect(reviewEvidence(rita, evidence.id, 'accepted', null)).rejects.toMatchObject({ code: 'permission_denied' });
      const other = await add('admin-upload');
      await expect(reviewEvidence(rita, other.id, 'accepted', null)).resolves.toMatchObject({ state: 'accepted' });
    } finally {
      await rita.lock();
    }
    const old = await add('old scan');
    await addEvidence(session, { source: Readable.from([Buffer.from('new scan')]), fileName: 'new.txt', replaces: old.id });
    await expect(reviewEvidence(session, old.id, 'accepted', null)).rejects.toThrow(/superseded/);
  });
});

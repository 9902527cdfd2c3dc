import { generateKeyPairSync } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, ADMIN_PASSPHRASE, makeVault, tempDir } from '../../../tests/support/tempVault';
import { reviewEvidence } from '../compliance/reviewEvidence';
import { publicKeyBase64 } from '../vault/keySlots';
import { openVault } from '../vault/openVault';
import type { VaultSession } from '../vault/vaultSession';
import { addUser } from '../users/userService';
import { addEvidence } from './evidenceStore';
import { passphraseSigner } from './passphraseSigner';
import { REVIEW_SIGNATURE_PURPOSE, STORED_REVIEW_COLUMNS, checkReviewSignature, evidenceSubject, signManifest } from './reviewSignature';
import type { ReviewManifest, StoredReview } from './reviewSignature';

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
const check = (review: StoredReview) => session.read((db) => checkReviewSignature(db, session.vaultId, review));
/** Inserts a review row as given: what an attacker with the database key can do. */
const insertReview = (review: StoredReview) =>
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
    expect(await check(review as StoredReview)).toEqual({ valid: true });
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
    expect(await check(review)).toEqual({ valid: true });
    await insertReview({ ...review, evidence_id: other.id });
    const [moved] = (await stored(other.id)) as [StoredReview];
    expect(await check(moved)).toEqual({ valid: false, problem: 'the signature does not match this evidence, its links or its manifestation' });
  });

  it('a rejection rewritten as an approval, or its printed name changed, fails verification', async () => {
    const evidence = await add('sheet');
    await reviewEvidence(session, evidence.id, 'rejected', 'no trainer signature');
    const [review] = (await stored(evidence.id)) as [StoredReview];
    expect(await check(review)).toEqual({ valid: true });
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

  it('a review forged with a key the log never enrolled is refused', async () => {
    const evidence = await add('forged');
    const { privateKey } = generateKeyPairSync('ed25519');
    const subject = await session.read((db) => evidenceSubject(db, evidence.id));
    const signedAt = new Date().toISOString();
    const manifest: ReviewManifest = {
      purpose: REVIEW_SIGNATURE_PURPOSE,
      vaultId: session.vaultId,
      ...(subject as NonNullable<typeof subject>),
      userName: ADMIN,
      printedName: ADMIN,
      meaning: 'approved',
      reason: null,
      signedAt,
    };
    const forged: StoredReview = {
      evidence_id: evidence.id,
      state: 'accepted',
      reason: null,
      reviewed_at: signedAt,
      user_name: ADMIN,
      meaning: 'approved',
      printed_name: ADMIN,
      public_key: publicKeyBase64(privateKey),
      signature: signManifest(manifest, privateKey),
    };
    await insertReview(forged);
    const [review] = (await stored(evidence.id)) as [StoredReview];
    expect(await check(review)).toEqual({ valid: false, problem: `signed with a key the audit log never enrolled for ${ADMIN}` });
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

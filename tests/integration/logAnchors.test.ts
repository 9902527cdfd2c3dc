import { copyFileSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCheckpointNote } from '../../src/core/audit/checkpoint';
import type { CheckpointNote } from '../../src/core/audit/checkpoint';
import { KEY_ENROLL, keyRef } from '../../src/core/audit/keyChain';
import { parseTrustedKeys } from '../../src/core/audit/trustedKeys';
import { sshFingerprint, sshPublicKeyLine } from '../../src/core/crypto/sshsig';
import type { LogAnchors } from '../../src/core/audit/verifyLog';
import { signingKeyFromSeed } from '../../src/core/vault/keySlots';
import { openVault } from '../../src/core/vault/openVault';
import { addUser, changePassphrase, removeUser, replaceRecoveryKey } from '../../src/core/users/userService';
import { appendForged, forgerKey, resignLog, tamper, writeHead } from '../support/forgeLog';
import { ADMIN, ADMIN_PASSPHRASE, makeVault, tempDir } from '../support/tempVault';

// Each attack of issue 12 by someone who holds the vault's data key: without an anchor kept
// outside the vault a complete rewrite is internally consistent (the report says it checked
// only that); with the genesis fingerprint or a kept checkpoint it is caught.

const BOB_PASSPHRASE = 'ledger umbrella quantum marigold';

let temp: ReturnType<typeof tempDir>;
let dir: string;
let vaultId: string;
let dataKey: Buffer;
let genesisFingerprint: string;

beforeEach(async () => {
  temp = tempDir();
  const created = await makeVault(temp.dir);
  dir = created.dir;
  vaultId = created.vaultId;
  genesisFingerprint = created.genesisFingerprint;
  for (let i = 0; i < 4; i++) await created.session.record([{ action: 'test.event', target: `t${String(i)}`, reason: `step ${String(i)}` }]);
  dataKey = Buffer.from(created.session.dataKey);
  await created.session.lock();
});
afterEach(() => {
  temp.cleanup();
});

async function verify(anchors: LogAnchors = {}) {
  const session = await openVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) });
  try {
    return await session.verifyLog(anchors);
  } finally {
    await session.lock();
  }
}

function keptHead(): CheckpointNote {
  const note = parseCheckpointNote(readFileSync(`${dir}/log.head`, 'utf8'));
  if (!note) throw new Error('log.head is not a signed note');
  return note;
}

const trusted = () => parseTrustedKeys(`${genesisFingerprint}\n`);

describe('audit log anchors', () => {
  it('an untouched log verifies against its genesis fingerprint and a checkpoint kept earlier', async () => {
    const kept = keptHead();
    const session = await openVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) });
    await session.record([{ action: 'test.later', target: 'x' }]);
    await session.lock();
    const result = await verify({ trusted: trusted(), since: kept });
    expect(result).toMatchObject({ ok: true, size: 10, genesis: { user: ADMIN, fingerprint: genesisFingerprint }, legacyEntries: 0 });
    expect(result.anchored).toMatchObject({ trusted: true, since: { size: 9 } });
    expect(result.anchored.since?.proof.length).toBeGreaterThan(0);
    // Without anchors it says so: internal consistency only.
    expect((await verify()).anchored).toEqual({ trusted: false, since: null });
  });

  it('the forgery: a key holder re-signs the whole log with their own key; caught by the genesis fingerprint and by a kept checkpoint', async () => {
    const kept = keptHead();
    const mallory = forgerKey(ADMIN); // signs as "alice"
    await tamper(dir, dataKey, (db) => {
      db.run('INSERT INTO signing_keys (public_key, user_id, created_at) SELECT ?, user_id, created_at FROM signing_keys LIMIT 1', [mallory.publicKey]);
      db.run("UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 6");
      // The chain must begin with the key that signs the first checkpoint: enrol mallory's instead.
      db.run('UPDATE audit_log SET after_hash = ? WHERE seq = 0', [keyRef(mallory.publicKey)]);
      writeHead(
        dir,
        resignLog(db, vaultId, () => mallory),
      );
    });
    const internal = await verify();
    expect(internal).toMatchObject({ ok: true, anchored: { trusted: false, since: null } });
    expect(internal.genesis?.fingerprint).not.toBe(genesisFingerprint);

    expect(await verify({ trusted: trusted() })).toMatchObject({
      ok: false,
      problem: { reason: expect.stringMatching(/genesis key .* is not one you trust/) as unknown },
    });
    // The app's quick check (the dashboard's integrity component) catches it too, from the
    // fingerprint the app keeps outside the vault.
    const session = await openVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) });
    expect(await session.logIntegrity()).toMatchObject({ ok: true, anchored: false });
    session.trustGenesis(genesisFingerprint);
    expect(await session.logIntegrity()).toMatchObject({
      ok: false,
      anchored: true,
      reason: expect.stringMatching(/genesis key is not the one kept/) as unknown,
    });
    await session.lock();
    expect(await verify({ since: kept })).toMatchObject({
      ok: false,
      problem: { reason: expect.stringMatching(/not signed by a key this log's chain trusted at that point/) as unknown },
    });
  });

  it('a key enrolled by a checkpoint it signs itself (no trusted signature) is refused', async () => {
    const mallory = forgerKey('mallory');
    await tamper(dir, dataKey, (db) => {
      db.run('INSERT INTO signing_keys (public_key, user_id, created_at) SELECT ?, user_id, created_at FROM signing_keys LIMIT 1', [mallory.publicKey]);
      const forged = appendForged(db, vaultId, mallory, [
        { action: KEY_ENROLL, target: 'mallory', before_hash: null, after_hash: keyRef(mallory.publicKey), reason: 'user added' },
        { action: 'evidence.delete', target: 'e1', before_hash: null, after_hash: null, reason: 'cover-up' },
      ]);
      writeHead(dir, forged);
    });
    expect(await verify()).toMatchObject({
      ok: false,
      problem: { seq: 9, reason: expect.stringMatching(/signed by a key the chain never enrolled/) as unknown },
    });
  });

  it("a retired key signs nothing after its retirement: a removed user's old key is refused, and their open session cannot write", async () => {
    const admin = await openVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) });
    await addUser(admin, { name: 'bob', role: 'officer', passphrase: Buffer.from(BOB_PASSPHRASE), kdf: 'minimum' });
    const bob = await openVault(dir, { user: 'bob', passphrase: Buffer.from(BOB_PASSPHRASE) });
    const bobKey = forgerKey('bob', signingKeyFromSeed(bob.signingSeed()));
    await removeUser(admin, 'bob', 'left the company');
    await admin.lock();

    // Bob's session, opened before his removal, may no longer sign.
    await expect(bob.record([{ action: 'test.after-removal', target: 'x' }])).rejects.toMatchObject({ code: 'permission_denied' });
    await bob.lock();
    expect(await verify()).toMatchObject({ ok: true });

    // With his old key (kept from before), he appends and signs an entry anyway.
    await tamper(dir, dataKey, (db) => {
      db.run('UPDATE signing_keys SET retired_at = NULL WHERE public_key = ?', [bobKey.publicKey]);
      writeHead(dir, appendForged(db, vaultId, bobKey, [{ action: 'evidence.delete', target: 'e1', before_hash: null, after_hash: null, reason: 'cover-up' }]));
    });
    expect(await verify()).toMatchObject({ ok: false, problem: { reason: expect.stringMatching(/bob's key, which was retired at entry \d+/) as unknown } });
  });

  it('vault.db and log.head rolled back together to an older genuine state: caught by a later kept checkpoint', async () => {
    copyFileSync(`${dir}/vault.db`, `${temp.dir}/old.db`);
    copyFileSync(`${dir}/log.head`, `${temp.dir}/old.head`);
    const session = await openVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) });
    await session.record([{ action: 'evidence.delete', target: 'e1', reason: 'retention' }]);
    await session.lock();
    const kept = keptHead();

    copyFileSync(`${temp.dir}/old.db`, `${dir}/vault.db`);
    copyFileSync(`${temp.dir}/old.head`, `${dir}/log.head`);
    expect(await verify({ trusted: trusted() })).toMatchObject({ ok: true }); // genuine, only older
    expect(await verify({ since: kept })).toMatchObject({
      ok: false,
      problem: { reason: expect.stringMatching(/you kept a checkpoint of 10: it was rolled back or truncated/) as unknown },
    });
  });

  it('a checkpoint whose signer or time was edited fails its signature, in the vault and in a kept file', async () => {
    const kept = readFileSync(`${dir}/log.head`, 'utf8');
    const edited = parseCheckpointNote(kept.replace(/\ntime \S+\n/, '\ntime 2020-01-01T00:00:00.000Z\n'));
    expect(edited).not.toBeNull();
    expect((await verify({ since: edited as CheckpointNote })).problem?.reason).toMatch(/not signed by a key this log's chain trusted at that point/);
    expect(await verify({ since: parseCheckpointNote(kept) as CheckpointNote })).toMatchObject({ ok: true });

    await tamper(dir, dataKey, (db) => {
      db.run("UPDATE checkpoints SET signer = 'recovery' WHERE size = 7");
    });
    expect(await verify()).toMatchObject({ ok: false, problem: { reason: expect.stringMatching(/checkpoint 7 has an invalid signature/) as unknown } });
    await tamper(dir, dataKey, (db) => {
      db.run("UPDATE checkpoints SET signer = 'alice', at = '2020-01-01T00:00:00.000Z' WHERE size = 7");
    });
    expect(await verify()).toMatchObject({ ok: false, problem: { reason: expect.stringMatching(/checkpoint 7 has an invalid signature/) as unknown } });
  });

  it('the chain follows every key change: user added, passphrase reset, user removed, recovery key replaced by the recovery principal', async () => {
    const admin = await openVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) });
    await addUser(admin, { name: 'bob', role: 'officer', passphrase: Buffer.from(BOB_PASSPHRASE), kdf: 'minimum' });
    await changePassphrase(admin, { name: 'bob', newPassphrase: Buffer.from('another sturdy passphrase here'), kdf: 'minimum' });
    const recoveryKey = await replaceRecoveryKey(admin);
    await removeUser(admin, 'bob', 'left');
    await admin.lock();
    const byRecovery = await openVault(dir, { recoveryKey });
    const next = await replaceRecoveryKey(byRecovery);
    await byRecovery.record([{ action: 'test.by-recovery', target: 'x' }]); // signed with the new recovery key
    await byRecovery.lock();
    expect(next).not.toBe(recoveryKey);

    const result = await verify({ trusted: trusted() });
    expect(result).toMatchObject({ ok: true, anchored: { trusted: true } });
    expect(result.keys.map((k) => [k.user, k.retiredAt === null])).toEqual([
      [ADMIN, true],
      ['recovery', false],
      ['bob', false],
      ['bob', false],
      ['recovery', false],
      ['recovery', true],
    ]);
  });

  it('a downgrade (the whole log re-signed in the old, pre-chain format) fails --trusted, and the next genuine write refuses rather than vouching for it', async () => {
    const mallory = forgerKey(ADMIN);
    await tamper(dir, dataKey, (db) => {
      db.run('INSERT INTO signing_keys (public_key, user_id, created_at) SELECT ?, user_id, created_at FROM signing_keys LIMIT 1', [mallory.publicKey]);
      db.run("UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 6");
      writeHead(
        dir,
        resignLog(db, vaultId, () => mallory, { legacy: true }),
      );
    });
    expect(await verify()).toMatchObject({ ok: true, genesis: null, legacyEntries: 9 }); // internally consistent
    expect((await verify({ trusted: trusted() })).problem?.reason).toMatch(/made before the key chain existed/);

    const session = await openVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) });
    await expect(session.record([{ action: 'test.after-downgrade', target: 'x' }])).rejects.toThrow(/predates the chain of signing keys/);
    session.trustGenesis(genesisFingerprint);
    expect(await session.logIntegrity()).toMatchObject({ ok: false, reason: expect.stringMatching(/no key chain/) as unknown });
    await session.lock();
    expect((await verify({ trusted: trusted() })).ok).toBe(false);
  });

  it('--since alone: a new "genesis" signed behind the genuine prefix does not inherit the kept checkpoint', async () => {
    const kept = keptHead();
    const mallory = forgerKey(ADMIN);
    await tamper(dir, dataKey, (db) => {
      db.run('DELETE FROM checkpoints');
      writeHead(
        dir,
        appendForged(db, vaultId, mallory, [
          { action: KEY_ENROLL, target: ADMIN, before_hash: null, after_hash: keyRef(mallory.publicKey), reason: 'genesis key' },
          { action: 'evidence.delete', target: 'e1', before_hash: null, after_hash: null, reason: 'cover-up' },
        ]),
      );
    });
    expect((await verify({ since: kept })).problem?.reason).toMatch(/not signed by a key this log's chain trusted at that point/);
  });

  it("a key hidden from retirement in signing_keys before its user's removal or reset is still retired by the chain, and caught if it is not", async () => {
    const admin = await openVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) });
    await addUser(admin, { name: 'bob', role: 'officer', passphrase: Buffer.from(BOB_PASSPHRASE), kdf: 'minimum' });
    const bob = await openVault(dir, { user: 'bob', passphrase: Buffer.from(BOB_PASSPHRASE) });
    const bobKey = forgerKey('bob', signingKeyFromSeed(bob.signingSeed()));
    await bob.lock();
    await admin.lock();
    // Bob (who holds the data key) marks his key retired and re-points it, so the table no longer shows it as his.
    await tamper(dir, dataKey, (db) => {
      db.run("UPDATE signing_keys SET retired_at = '2020-01-01T00:00:00.000Z', user_id = (SELECT id FROM users WHERE kind = 'recovery') WHERE public_key = ?", [
        bobKey.publicKey,
      ]);
    });
    const again = await openVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) });
    await removeUser(again, 'bob', 'left the company');
    await again.lock();
    const kept = keptHead();
    const removal = await verify({ trusted: trusted(), since: kept });
    expect(removal.keys.find((k) => k.publicKey === bobKey.publicKey)?.retiredAt).not.toBeNull(); // retired by the chain's own record

    await tamper(dir, dataKey, (db) => {
      writeHead(dir, appendForged(db, vaultId, bobKey, [{ action: 'evidence.delete', target: 'e1', before_hash: null, after_hash: null, reason: 'cover-up' }]));
    });
    expect((await verify({ trusted: trusted(), since: kept })).problem?.reason).toMatch(/bob's key, which was retired/);
  });

  it("a removal signed without retiring the removed user's key (a writer that trusted signing_keys) is refused", async () => {
    const admin = await openVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) });
    await addUser(admin, { name: 'bob', role: 'officer', passphrase: Buffer.from(BOB_PASSPHRASE), kdf: 'minimum' });
    const alice = forgerKey(ADMIN, signingKeyFromSeed(admin.signingSeed()));
    await admin.lock();
    // Genuinely signed by alice, but the removal retires nothing: bob's key would outlive him.
    await tamper(dir, dataKey, (db) => {
      writeHead(dir, appendForged(db, vaultId, alice, [{ action: 'user.remove', target: 'bob', before_hash: null, after_hash: null, reason: 'left' }]));
    });
    expect((await verify()).problem?.reason).toMatch(/user.remove of bob\) leaves an old key of bob active/);
  });

  it('only the genesis line of `log fingerprint --all` output can anchor a log: a later key (a removed user) cannot pose as genesis', () => {
    const later = `bob namespaces="custodian-checkpoint,custodian-packet" ${sshPublicKeyLine(Buffer.alloc(32, 9))}\n`;
    expect(() => parseTrustedKeys(later)).toThrow(/names no genesis key/);
    const genesisLine = `alice namespaces="custodian-checkpoint,custodian-packet,custodian-genesis" ${sshPublicKeyLine(Buffer.alloc(32, 7))}\n`;
    expect([...parseTrustedKeys(genesisLine + later).fingerprints]).toEqual([sshFingerprint(Buffer.alloc(32, 7))]);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, ADMIN_PASSPHRASE, makeVault, tempDir } from '../../../tests/support/tempVault';
import { addEvidence } from '../evidence/evidenceStore';
import { openVault } from '../vault/openVault';
import { addUser, changePassphrase, listUsers, removeUser, replaceRecoveryKey } from './userService';

const noWait = { now: () => 0, sleep: () => Promise.resolve() };
const BOB_PASSPHRASE = 'violet tractor mango harbour';

let temp: ReturnType<typeof tempDir>;
beforeEach(() => {
  temp = tempDir();
});
afterEach(() => {
  temp.cleanup();
});

describe('users and slots', () => {
  it('an admin adds an officer, who can then unlock and add evidence but not manage users', async () => {
    const { session, dir } = await makeVault(temp.dir);
    await addUser(session, { name: 'bob', role: 'officer', passphrase: Buffer.from(BOB_PASSPHRASE), kdf: 'minimum' });
    expect((await listUsers(session)).map((u) => `${u.name}:${u.role}`)).toEqual(['alice:admin', 'recovery:admin', 'bob:officer']);
    await session.lock();

    const bob = await openVault(dir, { user: 'bob', passphrase: Buffer.from(BOB_PASSPHRASE) }, { clock: noWait });
    expect(bob.principal).toMatchObject({ name: 'bob', role: 'officer' });
    await addEvidence(bob, { source: Readable.from([Buffer.from('x')]), fileName: 'x.txt' });
    await expect(addUser(bob, { name: 'carol', role: 'admin', passphrase: Buffer.from('anything long enough here'), kdf: 'minimum' })).rejects.toMatchObject({
      code: 'permission_denied',
    });
    await expect(removeUser(bob, ADMIN, 'coup')).rejects.toMatchObject({ code: 'permission_denied' });
    const log = await bob.verifyLog();
    expect(log).toMatchObject({ ok: true });
    expect(log.signers).toEqual(['alice', 'bob']);
    await bob.lock();
  });

  it('refuses weak passphrases and duplicate names', async () => {
    const { session } = await makeVault(temp.dir);
    await expect(addUser(session, { name: 'bob', role: 'officer', passphrase: Buffer.from('password123'), kdf: 'minimum' })).rejects.toMatchObject({
      code: 'weak_passphrase',
    });
    await expect(addUser(session, { name: 'bob', role: 'officer', passphrase: Buffer.from('bobbobbobbobbob'), kdf: 'minimum' })).rejects.toMatchObject({
      code: 'weak_passphrase',
    });
    await expect(addUser(session, { name: ADMIN, role: 'officer', passphrase: Buffer.from(BOB_PASSPHRASE), kdf: 'minimum' })).rejects.toMatchObject({
      code: 'conflict',
    });
    await session.lock();
  });

  it('removing a user removes their slot; they can no longer unlock; their old checkpoints still verify', async () => {
    const { session, dir } = await makeVault(temp.dir);
    await addUser(session, { name: 'bob', role: 'officer', passphrase: Buffer.from(BOB_PASSPHRASE), kdf: 'minimum' });
    await session.lock();
    const bob = await openVault(dir, { user: 'bob', passphrase: Buffer.from(BOB_PASSPHRASE) }, { clock: noWait });
    await bob.record([{ action: 'test.bob-was-here' }]);
    await bob.lock();
    const admin = await openVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) }, { clock: noWait });
    await expect(removeUser(admin, ADMIN, 'self')).rejects.toMatchObject({ code: 'conflict' });
    await removeUser(admin, 'bob', 'left the company');
    expect(readFileSync(join(dir, 'vault.header'), 'utf8')).not.toContain('"bob"');
    expect(await admin.verifyLog()).toMatchObject({ ok: true });
    await admin.lock();
    await expect(openVault(dir, { user: 'bob', passphrase: Buffer.from(BOB_PASSPHRASE) }, { clock: noWait })).rejects.toThrow(
      'wrong passphrase or unknown user',
    );
  });

  it('changes a passphrase: the old one stops working, the new one opens, the log still verifies', async () => {
    const { session, dir } = await makeVault(temp.dir);
    const next = 'quartz lantern orchard seventeen';
    await changePassphrase(session, { newPassphrase: Buffer.from(next), kdf: 'minimum' });
    await session.record([{ action: 'test.after-passwd' }]);
    await session.lock();
    await expect(openVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) }, { clock: noWait })).rejects.toThrow();
    const again = await openVault(dir, { user: ADMIN, passphrase: Buffer.from(next) }, { clock: noWait });
    expect(await again.verifyLog()).toMatchObject({ ok: true });
    await again.lock();
  });

  it('replaces the recovery key: the old key stops working, the new one opens', async () => {
    const { session, dir, recoveryKey } = await makeVault(temp.dir);
    const fresh = await replaceRecoveryKey(session);
    expect(fresh).not.toBe(recoveryKey);
    await session.lock();
    await expect(openVault(dir, { recoveryKey }, { clock: noWait })).rejects.toMatchObject({ code: 'wrong_passphrase' });
    const byRecovery = await openVault(dir, { recoveryKey: fresh }, { clock: noWait });
    expect(await byRecovery.verifyLog()).toMatchObject({ ok: true });
    await byRecovery.lock();
  });
});

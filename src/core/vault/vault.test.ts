import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ADMIN, ADMIN_PASSPHRASE, makeVault, tempDir } from '../../../tests/support/tempVault';
import { addEvidence, deleteEvidence, getEvidenceMeta, listEvidence, readEvidence } from '../evidence/evidenceStore';
import { openVault } from './openVault';
import { serializeHeader } from './vaultHeader';
import type { VaultHeader } from './vaultHeader';
import { sink } from '../../../tests/support/sink';

let temp: ReturnType<typeof tempDir>;
beforeEach(() => {
  temp = tempDir();
});
afterEach(() => {
  temp.cleanup();
});

describe('vault lifecycle', () => {
  it('a user name edited in the header is tampering (exit 4), not a failed attempt: the passphrase opens the slot, its details do not', async () => {
    const { session, dir } = await makeVault(temp.dir);
    await session.lock();
    // Edited as an attacker would, in the exact form Custodian writes (the MAC cannot be redone).
    const header = JSON.parse(readFileSync(join(dir, 'vault.header'), 'utf8')) as VaultHeader;
    const edited = { ...header, slots: header.slots.map((slot) => (slot.kind === 'passphrase' && slot.user === ADMIN ? { ...slot, user: 'mallory' } : slot)) };
    writeFileSync(join(dir, 'vault.header'), serializeHeader(edited));
    await expect(openVault(dir, { user: 'mallory', passphrase: Buffer.from(ADMIN_PASSPHRASE) })).rejects.toMatchObject({ code: 'vault_tampered' });
    expect(existsSync(join(dir, 'vault.attempts'))).toBe(false); // not counted as a wrong guess
    // A wrong passphrase for that slot is still just wrong, and counted.
    await expect(openVault(dir, { user: 'mallory', passphrase: Buffer.from('not the passphrase at all') })).rejects.toMatchObject({ code: 'wrong_passphrase' });
    expect(JSON.parse(readFileSync(join(dir, 'vault.attempts'), 'utf8'))).toMatchObject({ failures: 1 });
  });

  it('creates, locks and unlocks; evidence round-trips; the log verifies', async () => {
    const { session, recoveryKey, dir } = await makeVault(temp.dir);
    expect(recoveryKey).toMatch(/^([0-9A-Z]{5}-){10}[0-9A-Z]{5}$/);
    const meta = await addEvidence(session, { source: Readable.from([Buffer.from('certificate of completion')]), fileName: 'cert.txt' });
    expect(meta.size).toBe(25);
    await session.lock();

    const again = await openVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) });
    expect(again.principal).toMatchObject({ name: ADMIN, role: 'admin' });
    const out = sink();
    await readEvidence(again, meta.id, out.stream);
    expect(out.bytes().toString()).toBe('certificate of completion');
    const verification = await again.verifyLog();
    expect(verification).toMatchObject({ ok: true, problem: null });
    expect(verification.size).toBeGreaterThanOrEqual(5);
    await deleteEvidence(again, meta.id, 'uploaded to the wrong person');
    expect(await listEvidence(again)).toEqual([]);
    await again.lock();

    const byRecovery = await openVault(dir, { recoveryKey: recoveryKey.toLowerCase().replaceAll('-', ' ') });
    expect(byRecovery.principal).toMatchObject({ name: 'recovery', kind: 'recovery' });
    expect((await byRecovery.verifyLog()).ok).toBe(true);
    await byRecovery.lock();
  });

  it('refuses a wrong passphrase and an unknown user with the same message', async () => {
    const { session, dir } = await makeVault(temp.dir);
    await session.lock();
    const clock = { now: () => 0, sleep: () => Promise.resolve() };
    await expect(openVault(dir, { user: ADMIN, passphrase: Buffer.from('wrong wrong wrong wrong') }, { clock })).rejects.toThrow(
      'wrong passphrase or unknown user',
    );
    await expect(openVault(dir, { user: 'mallory', passphrase: Buffer.from(ADMIN_PASSPHRASE) }, { clock })).rejects.toThrow('wrong passphrase or unknown user');
  });

  it('calls a vault.db that is empty, missing or damaged tampering, and never writes a fresh schema into it', async () => {
    const { session, dir } = await makeVault(temp.dir);
    await session.lock();
    const db = join(dir, 'vault.db');
    const genuine = readFileSync(db);
    const clock = { now: () => 0, sleep: () => Promise.resolve() };
    const unlock = () => openVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) }, { clock });

    writeFileSync(db, '');
    await expect(unlock()).rejects.toMatchObject({ code: 'vault_tampered', message: expect.stringMatching(/missing or empty/) as unknown });
    expect(statSync(db).size).toBe(0);

    rmSync(db);
    await expect(unlock()).rejects.toMatchObject({ code: 'vault_tampered' });
    expect(existsSync(db)).toBe(false);

    // Another vault's database in its place: the key the header opened does not open it.
    writeFileSync(db, Buffer.concat([randomBytes(4096), genuine.subarray(4096)]));
    await expect(unlock()).rejects.toMatchObject({ code: 'vault_tampered', message: expect.stringMatching(/damaged or was replaced/) as unknown });

    writeFileSync(db, genuine);
    const again = await unlock();
    await again.lock();
  });

  it("listing and looking up evidence never read a blob's age identity; only opening a blob does", async () => {
    const { session } = await makeVault(temp.dir);
    try {
      const meta = await addEvidence(session, { source: Readable.from([Buffer.from('sign-in sheet')]), fileName: 'sheet.txt' });
      // Every statement core runs through session.read, recorded.
      const statements: string[] = [];
      const read = session.read.bind(session);
      vi.spyOn(session, 'read').mockImplementation((work) =>
        read((db) =>
          work(
            new Proxy(db, {
              get(target, property, receiver) {
                const value: unknown = Reflect.get(target, property, receiver);
                if (typeof value !== 'function') return value;
                return (sql: string, ...rest: unknown[]) => {
                  statements.push(sql);
                  return (value as (...args: unknown[]) => unknown).call(target, sql, ...rest);
                };
              },
            }),
          ),
        ),
      );
      expect(await listEvidence(session)).toHaveLength(1);
      await getEvidenceMeta(session, meta.id);
      expect(statements.length).toBeGreaterThan(0);
      expect(statements.filter((sql) => /age_identity/.test(sql))).toEqual([]);
      // The control: opening the blob reads it (so the recorder would have seen it).
      await readEvidence(session, meta.id, sink().stream);
      expect(statements.filter((sql) => /age_identity/.test(sql))).toHaveLength(1);
    } finally {
      await session.lock();
    }
  });
});

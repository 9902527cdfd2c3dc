import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, ADMIN_PASSPHRASE, makeVault, tempDir } from '../../../tests/support/tempVault';
import { CustodianError } from '../../shared/errors';
import type { EvidenceMeta } from '../evidence/evidenceStore';
import { addEvidence, listEvidence, readEvidence } from '../evidence/evidenceStore';
import { addUser, listUsers } from '../users/userService';
import { openVault } from '../vault/openVault';
import type { VaultSession } from '../vault/vaultSession';
import { MANIFEST_NAME, TRAILER_BYTES, trailerBytes } from './backupFormat';
import { createBackup } from './createBackup';
import type { BackupResult } from './createBackup';
import { peekBackupHeader, readBackup } from './readBackup';
import { restoreBackup } from './restoreBackup';
import { sink } from '../../../tests/support/sink';

const PII = ['Jane Q. Public', 'jane@example.org', '078-05-1120'];
const CERTIFICATE = Buffer.from(`Certificate of completion\nName: ${PII[0] ?? ''}\nEmail: ${PII[1] ?? ''}\nSSN: ${PII[2] ?? ''}\n`);
// Several 64 KiB age chunks, with the PII repeated inside, so a leak could not hide in one chunk.
const LARGE = Buffer.concat([randomBytes(150_000), CERTIFICATE, randomBytes(70_000), CERTIFICATE]);
const OFFICER = 'bob';
const OFFICER_PASSPHRASE = 'violet quartz ladder mountain drift';
const admin = () => ({ user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) });

async function decrypt(session: VaultSession, id: string): Promise<Buffer> {
  const out = sink();
  await readEvidence(session, id, out.stream);
  return out.bytes();
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return error instanceof CustodianError ? error.code : `not a CustodianError: ${String(error)}`;
  }
  return 'no error';
}

/** Where each tar entry's data starts, read from the tar headers (sizes are octal at 124). */
function entryOffsets(bytes: Buffer): Map<string, { data: number; size: number }> {
  const offsets = new Map<string, { data: number; size: number }>();
  let at = 0;
  while (at + 512 <= bytes.length && bytes[at] !== 0) {
    const name = bytes.toString('latin1', at, at + 100).replace(/\0.*$/s, '');
    const size = parseInt(
      bytes
        .toString('latin1', at + 124, at + 136)
        .replace(/\0.*$/s, '')
        .trim(),
      8,
    );
    offsets.set(name, { data: at + 512, size });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return offsets;
}

let temp: ReturnType<typeof tempDir>;
let vaultDir: string;
let recoveryKey: string;
let backup: BackupResult;
let evidence: EvidenceMeta[];
let evidenceListed: EvidenceMeta[];
let usersBefore: Awaited<ReturnType<typeof listUsers>>;

beforeAll(async () => {
  temp = tempDir('custodian-backup-');
  const created = await makeVault(temp.dir);
  vaultDir = created.dir;
  recoveryKey = created.recoveryKey;
  const session = created.session;
  try {
    await addUser(session, { name: OFFICER, role: 'officer', passphrase: Buffer.from(OFFICER_PASSPHRASE), kdf: 'minimum' });
    evidence = [
      await addEvidence(session, { source: Readable.from([CERTIFICATE]), fileName: `${PII[0] ?? ''} certificate.txt`, mediaType: 'text/plain' }),
      await addEvidence(session, { source: Readable.from([LARGE]), fileName: 'training-log.bin' }),
      await addEvidence(session, { source: Readable.from([Buffer.alloc(0)]), fileName: 'empty.txt' }),
    ];
    usersBefore = await listUsers(session);
    evidenceListed = await listEvidence(session);
    backup = await createBackup(session, join(temp.dir, 'vault.backup'));
    const log = await session.read((db) => db.all<{ action: string; after_hash: string | null }>('SELECT action, after_hash FROM audit_log ORDER BY seq'));
    expect(log.at(-1)).toEqual({ action: 'vault.backup', after_hash: backup.sha256 });
  } finally {
    await session.lock();
  }
});

afterAll(() => {
  temp.cleanup();
});

describe('createBackup', () => {
  it('writes one verified file with a manifest first and the MAC last, and leaves no temp files', async () => {
    expect(backup.file).toBe(join(temp.dir, 'vault.backup'));
    expect(backup.entries).toBe(3 + 3); // header, log head, database, three blobs
    const bytes = readFileSync(backup.file);
    expect(bytes.length).toBe(backup.bytes);
    const names = [...entryOffsets(bytes).keys()];
    expect(names[0]).toBe(MANIFEST_NAME);
    expect(names.slice(1, 4)).toEqual(['vault.header', 'log.head', 'vault.db']);
    expect(names.slice(4, 7).every((name) => /^blobs\/([0-9a-f]{2})\/\1[0-9a-f]{30}$/.test(name))).toBe(true);
    expect(names.at(-1)).toBe('custodian-backup.mac');
    const read = await readBackup(backup.file, () => null);
    expect(read.sha256).toBe(backup.sha256);
    expect(readdirSync(temp.dir).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('puts no plaintext in the file: not the evidence, not its file names', () => {
    const bytes = readFileSync(backup.file);
    for (const text of [...PII, 'Certificate of completion', 'training-log.bin']) expect(bytes.includes(text)).toBe(false);
    // The database copy is SQLCipher ciphertext, not an SQLite file.
    expect(bytes.includes('SQLite format 3')).toBe(false);
  });

  it('refuses to overwrite a file, to write inside the vault, and a role without backup.create', async () => {
    const session = await openVault(vaultDir, admin());
    try {
      expect(await codeOf(createBackup(session, backup.file))).toBe('conflict');
      expect(await codeOf(createBackup(session, join(vaultDir, 'inside.backup')))).toBe('validation_failed');
      await addUser(session, { name: 'rita', role: 'reviewer', passphrase: Buffer.from('amber walrus telescope quietly'), kdf: 'minimum' });
    } finally {
      await session.lock();
    }
    const reviewer = await openVault(vaultDir, { user: 'rita', passphrase: Buffer.from('amber walrus telescope quietly') });
    try {
      expect(await codeOf(createBackup(reviewer, join(temp.dir, 'reviewer.backup')))).toBe('permission_denied');
    } finally {
      await reviewer.lock();
    }
    expect(existsSync(join(temp.dir, 'reviewer.backup'))).toBe(false);
  });
});

describe('restoreBackup', () => {
  it('round-trips: same evidence bytes, same users, a verified log with the restore recorded', async () => {
    const target = join(temp.dir, 'restored.custodian');
    const result = await restoreBackup(backup.file, target, admin());
    expect(result).toMatchObject({ dir: target, sha256: backup.sha256, entries: backup.entries, user: ADMIN });
    expect(readdirSync(temp.dir).filter((name) => name.includes('restoring'))).toEqual([]);

    const session = await openVault(target, admin());
    try {
      expect(session.vaultId).toBe(result.vaultId);
      expect(await listEvidence(session)).toEqual(evidenceListed);
      expect(await decrypt(session, evidence[0]?.id ?? '')).toEqual(CERTIFICATE);
      expect(await decrypt(session, evidence[1]?.id ?? '')).toEqual(LARGE);
      expect(await decrypt(session, evidence[2]?.id ?? '')).toEqual(Buffer.alloc(0));
      expect(await listUsers(session)).toEqual(usersBefore);
      expect(await session.verifyLog()).toMatchObject({ ok: true, problem: null });
      const log = await session.read((db) => db.all<{ action: string; after_hash: string | null }>('SELECT action, after_hash FROM audit_log ORDER BY seq'));
      expect(log.filter((entry) => entry.action === 'vault.restore')).toEqual([{ action: 'vault.restore', after_hash: backup.sha256 }]);
    } finally {
      await session.lock();
    }
    // The officer's slot came along too.
    const officer = await openVault(target, { user: OFFICER, passphrase: Buffer.from(OFFICER_PASSPHRASE) });
    expect(officer.principal.role).toBe('officer');
    await officer.lock();
  });

  it('opens with the recovery key', async () => {
    const target = join(temp.dir, 'by-recovery.custodian');
    const result = await restoreBackup(backup.file, target, { recoveryKey });
    expect(result.user).toBe('recovery');
    const session = await openVault(target, { recoveryKey });
    try {
      expect(await decrypt(session, evidence[1]?.id ?? '')).toEqual(LARGE);
      expect((await session.verifyLog()).ok).toBe(true);
    } finally {
      await session.lock();
    }
  });

  it('refuses a wrong passphrase and leaves no folder behind', async () => {
    const target = join(temp.dir, 'wrong.custodian');
    await expect(restoreBackup(backup.file, target, { user: ADMIN, passphrase: Buffer.from('wrong wrong wrong wrong') })).rejects.toThrow(
      'wrong passphrase or unknown user',
    );
    await expect(restoreBackup(backup.file, target, { user: 'mallory', passphrase: Buffer.from(ADMIN_PASSPHRASE) })).rejects.toThrow(
      'wrong passphrase or unknown user',
    );
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(temp.dir).filter((name) => name.includes('restoring'))).toEqual([]);
  });

  it('refuses a folder that is not empty, and leaves it as it was', async () => {
    const target = join(temp.dir, 'occupied');
    mkdirSync(target);
    writeFileSync(join(target, 'notes.txt'), 'keep me');
    expect(await codeOf(restoreBackup(backup.file, target, admin()))).toBe('vault_exists');
    expect(readdirSync(target)).toEqual(['notes.txt']);
  });

  it('restores into an existing empty folder', async () => {
    const target = join(temp.dir, 'empty-folder');
    mkdirSync(target);
    await restoreBackup(backup.file, target, admin());
    expect(readdirSync(target).sort()).toEqual(['blobs', 'log.head', 'vault.db', 'vault.header']);
  });

  it('refuses a backup with any one byte flipped: manifest, tar headers, header, database, blob, padding, MAC, end blocks', async () => {
    const bytes = readFileSync(backup.file);
    const entries = entryOffsets(bytes);
    const at = (name: string, delta: number) => (entries.get(name)?.data ?? Number.NaN) + delta;
    const blobName = [...entries.keys()].find((name) => name.startsWith('blobs/')) ?? '';
    const manifest = entries.get(MANIFEST_NAME);
    const offsets = new Map<string, number>([
      ['first tar header (mode field)', 100],
      ['manifest text', at(MANIFEST_NAME, 40)],
      ['manifest padding', at(MANIFEST_NAME, Math.ceil((manifest?.size ?? 0) / 512) * 512 - 1)],
      ['vault.header entry', at('vault.header', 10)],
      ['log.head entry', at('log.head', 5)],
      ['vault.db tar header (mtime)', at('vault.db', -512 + 140)],
      ['vault.db first page', at('vault.db', 100)],
      ['vault.db middle', at('vault.db', Math.floor((entries.get('vault.db')?.size ?? 0) / 2))],
      ['blob data', at(blobName, 3000)],
      ['MAC entry header', bytes.length - TRAILER_BYTES + 10],
      ['MAC text', bytes.length - TRAILER_BYTES + 512 + 7],
      ['MAC padding', bytes.length - TRAILER_BYTES + 512 + 100],
      ['end-of-archive blocks', bytes.length - 1],
    ]);
    let n = 0;
    for (const [where, offset] of offsets) {
      expect(Number.isInteger(offset), where).toBe(true);
      const file = join(temp.dir, `flipped-${String(n)}.backup`);
      const target = join(temp.dir, `flipped-${String(n++)}.custodian`);
      const copy = Buffer.from(bytes);
      copy[offset] = (copy[offset] ?? 0) ^ 0x20;
      writeFileSync(file, copy);
      expect(await codeOf(restoreBackup(file, target, admin())), where).toBe('vault_tampered');
      expect(existsSync(target), where).toBe(false);
    }
    expect(readdirSync(temp.dir).filter((name) => name.includes('restoring'))).toEqual([]);
  });

  it('refuses a backup with a byte changed at a random offset (property)', async () => {
    const bytes = readFileSync(backup.file);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), async (offset, mask) => {
        const file = join(temp.dir, `random-${String(n)}.backup`);
        const target = join(temp.dir, `random-${String(n++)}.custodian`);
        const copy = Buffer.from(bytes);
        copy[offset] = (copy[offset] ?? 0) ^ mask;
        writeFileSync(file, copy);
        expect(await codeOf(restoreBackup(file, target, admin()))).toBe('vault_tampered');
        expect(existsSync(target)).toBe(false);
      }),
      { numRuns: 25 },
    );
  });

  it('refuses truncated, extended and foreign files', async () => {
    const bytes = readFileSync(backup.file);
    const cases: [string, Buffer][] = [
      ['truncated', bytes.subarray(0, bytes.length - 512)],
      ['extended', Buffer.concat([bytes, Buffer.alloc(512)])],
      ['random', randomBytes(8192)],
      ['empty', Buffer.alloc(0)],
    ];
    for (const [what, content] of cases) {
      const file = join(temp.dir, `${what}.backup`);
      writeFileSync(file, content);
      expect(await codeOf(restoreBackup(file, join(temp.dir, `${what}.custodian`), admin())), what).toBe('vault_tampered');
      expect(existsSync(join(temp.dir, `${what}.custodian`))).toBe(false);
    }
    expect(await codeOf(restoreBackup(join(temp.dir, 'no-such.backup'), join(temp.dir, 'x.custodian'), admin()))).toBe('not_found');
  });

  it('refuses an edited blob even when its manifest hash was fixed up, and a MAC not made with the vault key', async () => {
    const bytes = readFileSync(backup.file);
    const entries = entryOffsets(bytes);
    const manifestAt = entries.get(MANIFEST_NAME) ?? { data: 0, size: 0 };
    const manifestText = bytes.toString('utf8', manifestAt.data, manifestAt.data + manifestAt.size);
    const blobName = [...entries.keys()].find((name) => name.startsWith('blobs/')) ?? '';
    const blob = entries.get(blobName) ?? { data: 0, size: 0 };
    const edited = Buffer.from(bytes);
    edited[blob.data + 200] = (edited[blob.data + 200] ?? 0) ^ 1;
    const oldHash = createHash('sha256')
      .update(bytes.subarray(blob.data, blob.data + blob.size))
      .digest('hex');
    const newHash = createHash('sha256')
      .update(edited.subarray(blob.data, blob.data + blob.size))
      .digest('hex');
    expect(manifestText).toContain(oldHash);
    edited.write(manifestText.replace(oldHash, newHash), manifestAt.data, 'utf8');
    const fixedUp = join(temp.dir, 'fixed-up.backup');
    writeFileSync(fixedUp, edited);
    await readBackup(fixedUp, () => null); // every key-less check passes
    await expect(restoreBackup(fixedUp, join(temp.dir, 'fixed-up.custodian'), admin())).rejects.toThrow('its MAC does not match');

    const read = await readBackup(backup.file, () => null);
    const forged = Buffer.concat([bytes.subarray(0, bytes.length - TRAILER_BYTES), await trailerBytes(randomBytes(32), read.manifest.createdAt)]);
    const forgedFile = join(temp.dir, 'forged-mac.backup');
    writeFileSync(forgedFile, forged);
    await expect(restoreBackup(forgedFile, join(temp.dir, 'forged-mac.custodian'), admin())).rejects.toThrow('its MAC does not match');
    expect(existsSync(join(temp.dir, 'fixed-up.custodian')) || existsSync(join(temp.dir, 'forged-mac.custodian'))).toBe(false);
  });

  it('peeks at the header only to name the default user', async () => {
    expect((await peekBackupHeader(backup.file))?.slots.find((slot) => slot.kind === 'passphrase')).toMatchObject({ user: ADMIN });
    const junk = join(temp.dir, 'junk.backup');
    writeFileSync(junk, randomBytes(4096));
    expect(await peekBackupHeader(junk)).toBeNull();
  });
});

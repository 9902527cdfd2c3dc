import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VaultDatabase } from '../../src/core/db/database';
import { blobPath } from '../../src/core/evidence/blobPath';
import { addEvidence, listEvidence, readEvidence } from '../../src/core/evidence/evidenceStore';
import { openVault } from '../../src/core/vault/openVault';
import { ADMIN, ADMIN_PASSPHRASE, makeVault, tempDir } from '../support/tempVault';

// "Nothing readable at rest": known PII goes in, and no file of the vault contains it; every
// single-byte change to the database or the header is refused.

const SECRETS = ['Jane Q. Public', 'jane.public@example.org', '078-05-1120', 'Bloodborne pathogens refresher'];
const noWait = { now: () => 0, sleep: () => Promise.resolve() };
const credential = { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) };

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

let temp: ReturnType<typeof tempDir>;
let dir: string;
let dataKey: Buffer;

beforeAll(async () => {
  temp = tempDir();
  const created = await makeVault(temp.dir);
  dir = created.dir;
  const document = `Certificate\n${SECRETS.join('\n')}\n`.repeat(50);
  await addEvidence(created.session, { source: Readable.from([Buffer.from(document)]), fileName: `${SECRETS[0] ?? ''} certificate.txt` });
  await created.session.record([{ action: 'test.note', target: 'person-1', reason: 'not PII' }]);
  dataKey = Buffer.from(created.session.dataKey);
  await created.session.lock();
});
afterAll(() => {
  temp.cleanup();
});

describe('at rest', () => {
  it('no file under the vault folder contains any known plaintext, in UTF-8 or UTF-16', () => {
    const files = filesUnder(dir);
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const secret of SECRETS) {
        expect(bytes.includes(Buffer.from(secret, 'utf8')), `${secret} in ${file}`).toBe(false);
        expect(bytes.includes(Buffer.from(secret, 'utf16le')), `${secret} (UTF-16) in ${file}`).toBe(false);
      }
    }
  });

  it('keeps every file owner-only', () => {
    for (const file of filesUnder(dir)) expect(statSync(file).mode & 0o077, file).toBe(0);
  });

  it('a plain SQLite open of vault.db fails (Python sqlite3)', () => {
    const result = spawnSync(
      'python3',
      ['-c', 'import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute("select * from sqlite_master").fetchall()', join(dir, 'vault.db')],
      {
        encoding: 'utf8',
      },
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/file is not a database|encrypted/);
  });

  it('the exported raw key opens vault.db in SQLCipher', async () => {
    const db = VaultDatabase.open(join(dir, 'vault.db'), dataKey);
    try {
      const rows = await db.read((r) => r.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"));
      expect(rows.map((r) => r.name)).toContain('audit_log');
      // The control for the tamper property below: an intact file passes the check of every page
      // in use, and every page is in use (free pages are not read by the check).
      expect(await db.checkIntegrity()).toBe('ok');
      expect(await db.read((r) => r.get('PRAGMA freelist_count'))).toEqual({ freelist_count: 0 });
    } finally {
      await db.close();
    }
  });
});

describe('tamper evidence at rest', () => {
  it('detects every single-byte change to vault.db (property over random offsets)', async () => {
    const file = join(dir, 'vault.db');
    const original = readFileSync(file);
    try {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: original.length - 1 }), fc.integer({ min: 1, max: 255 }), async (offset, flip) => {
          const tampered = Buffer.from(original);
          tampered[offset] = (tampered[offset] ?? 0) ^ flip;
          writeFileSync(file, tampered);
          // Opening succeeds only if page 1 is intact; the integrity check must then fail. It reads
          // every page in use, not free ones: this fixture has none (nothing was ever deleted).
          let detected = false;
          try {
            const db = VaultDatabase.open(file, dataKey);
            try {
              detected = (await db.checkIntegrity()) !== 'ok';
            } finally {
              await db.close();
            }
          } catch {
            detected = true;
          }
          return detected;
        }),
        { numRuns: 60 },
      );
    } finally {
      writeFileSync(file, original);
    }
  });

  it('refuses every single-byte change to an evidence blob when it is read back (property)', async () => {
    const session = await openVault(dir, credential, { clock: noWait });
    try {
      const [evidence] = await listEvidence(session);
      if (!evidence) throw new Error('fixture has no evidence');
      const row = await session.read((db) => db.get<{ blob_name: string }>('SELECT blob_name FROM evidence WHERE id = ?', [evidence.id]));
      const file = blobPath(session.paths.blobs, row?.blob_name ?? '');
      const original = readFileSync(file);
      try {
        await fc.assert(
          fc.asyncProperty(fc.integer({ min: 0, max: original.length - 1 }), fc.integer({ min: 1, max: 255 }), async (offset, flip) => {
            const tampered = Buffer.from(original);
            tampered[offset] = (tampered[offset] ?? 0) ^ flip;
            writeFileSync(file, tampered);
            await expect(
              readEvidence(
                session,
                evidence.id,
                new Writable({
                  write: (_c, _e, cb) => {
                    cb();
                  },
                }),
              ),
            ).rejects.toMatchObject({ code: 'blob_tampered' });
          }),
          { numRuns: Number(process.env.CUSTODIAN_PROPERTY_RUNS ?? 40) },
        );
      } finally {
        writeFileSync(file, original);
      }
    } finally {
      await session.lock();
    }
  });

  it('refuses every single-byte change to vault.header (property over random offsets)', async () => {
    const file = join(dir, 'vault.header');
    const original = readFileSync(file);
    try {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: original.length - 1 }), fc.integer({ min: 1, max: 255 }), async (offset, flip) => {
          const tampered = Buffer.from(original);
          tampered[offset] = (tampered[offset] ?? 0) ^ flip;
          writeFileSync(file, tampered);
          await expect(openVault(dir, credential, { clock: noWait })).rejects.toThrow();
        }),
        { numRuns: 25 },
      );
    } finally {
      writeFileSync(file, original);
    }
    const session = await openVault(dir, credential, { clock: noWait });
    await session.lock();
  });
});

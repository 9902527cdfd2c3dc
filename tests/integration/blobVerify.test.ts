import { copyFileSync, renameSync, rmSync } from 'node:fs';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blobPath } from '../../src/core/evidence/blobPath';
import { addEvidence } from '../../src/core/evidence/evidenceStore';
import type { VaultSession } from '../../src/core/vault/vaultSession';
import { openVault } from '../../src/core/vault/openVault';
import { ADMIN, ADMIN_PASSPHRASE, makeVault, tempDir } from '../support/tempVault';

// A full verification reads every evidence blob: present, decrypting with its own row's key,
// of the recorded size and SHA-256. Blobs swapped, copied over or deleted on disk (which the
// audit log alone never sees) fail it, and the failure sticks in the score's integrity component.

let temp: ReturnType<typeof tempDir>;
let dir: string;
const blobs: { id: string; path: string }[] = [];

beforeEach(async () => {
  temp = tempDir();
  const created = await makeVault(temp.dir);
  dir = created.dir;
  blobs.length = 0;
  for (const [i, size] of [1000, 70_000, 0].entries()) {
    const meta = await addEvidence(created.session, { source: Readable.from([Buffer.alloc(size, i + 1)]), fileName: `file${String(i)}.bin` });
    const row = await created.session.read((db) => db.get<{ blob_name: string }>('SELECT blob_name FROM evidence WHERE id = ?', [meta.id]));
    blobs.push({ id: meta.id, path: blobPath(created.session.paths.blobs, row?.blob_name ?? '') });
  }
  await created.session.lock();
});
afterEach(() => {
  temp.cleanup();
});

async function withSession<T>(work: (session: VaultSession) => Promise<T>): Promise<T> {
  const session = await openVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) });
  try {
    return await work(session);
  } finally {
    await session.lock();
  }
}

function blob(i: number): { id: string; path: string } {
  const found = blobs[i];
  if (!found) throw new Error(`no blob ${String(i)}`);
  return found;
}
const a = () => blob(0);
const b = () => blob(1);
const c = () => blob(2);

describe('full verification over the evidence blobs', () => {
  it('checks every blob of an untouched vault, reporting progress', async () => {
    const progress: number[] = [];
    const result = await withSession((s) => s.verifyLog({}, { onBlobProgress: (p) => progress.push(p.done) }));
    expect(result).toMatchObject({ ok: true, blobs: { checked: 3, bytes: 71_000, problems: [] } });
    // Reports within each blob (done = files finished so far), then one as each finishes, in order.
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect([...new Set(progress)].filter((done) => done > 0)).toEqual([1, 2, 3]);
  });

  it('catches two blobs swapped on disk, and the score keeps the failure', async () => {
    renameSync(a().path, `${a().path}.x`);
    renameSync(b().path, a().path);
    renameSync(`${a().path}.x`, b().path);
    await withSession(async (s) => {
      const result = await s.verifyLog();
      expect(result.ok).toBe(false);
      expect(result.blobs?.problems.map((p) => p.evidenceId).sort()).toEqual([a().id, b().id].sort());
      expect(result.problem?.reason).toMatch(/does not decrypt with its own key/);
      expect(await s.logIntegrity()).toMatchObject({ ok: false, full: true });
    });
  });

  it('catches a blob copied over another, and a deleted one', async () => {
    copyFileSync(a().path, c().path);
    rmSync(b().path);
    const result = await withSession((s) => s.verifyLog());
    expect(result.ok).toBe(false);
    const found = new Map(result.blobs?.problems.map((p) => [p.evidenceId, p.reason]));
    expect([...found.keys()].sort()).toEqual([b().id, c().id].sort());
    expect(found.get(b().id)).toMatch(/is missing/);
    expect(found.get(c().id)).toMatch(/does not decrypt with its own key/);
  });
});

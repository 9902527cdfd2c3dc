import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, ADMIN_PASSPHRASE, makeVault, tempDir } from '../../../tests/support/tempVault';
import { blobPath } from '../evidence/blobPath';
import { addEvidence } from '../evidence/evidenceStore';
import type { EvidenceMeta } from '../evidence/evidenceStore';
import { tamper } from '../../../tests/support/forgeLog';
import { openVault } from '../vault/openVault';
import type { VaultSession } from '../vault/vaultSession';
import { VerifyJobs } from './verifyJobs';
import type { VerifyJobStatus } from './verifyJobs';

let temp: ReturnType<typeof tempDir>;
let dir: string;
let session: VaultSession;
let big: EvidenceMeta;
let small: EvidenceMeta;

beforeEach(async () => {
  temp = tempDir();
  ({ session, dir } = await makeVault(temp.dir));
  big = await addEvidence(session, {
    source: Readable.from([randomBytes(48 * 1024 * 1024)]),
    fileName: 'induction.mp4',
    mediaType: 'video/mp4',
    personId: null,
  });
});

/** A second, small blob. Blobs are read in id order (random), so tests that cancel use only the big one. */
async function addSmall(): Promise<void> {
  small = await addEvidence(session, {
    source: Readable.from([Buffer.from('certificate')]),
    fileName: 'cert.pdf',
    mediaType: 'application/pdf',
    personId: null,
  });
}
afterEach(async () => {
  await session.lock();
  temp.cleanup();
});

async function settled(jobs: VerifyJobs, id: string, seen: VerifyJobStatus[] = [], until?: (s: VerifyJobStatus) => boolean): Promise<VerifyJobStatus> {
  for (;;) {
    const status = jobs.status(id, session);
    seen.push({ ...status });
    if (status.state !== 'running' || until?.(status)) return status;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function blobNameOf(id: string): Promise<string> {
  const row = await session.read((db) => db.get<{ blob_name: string }>('SELECT blob_name FROM evidence WHERE id = ?', [id]));
  return row?.blob_name ?? '';
}

describe('VerifyJobs', () => {
  it('verifies the log and every blob as a job, with progress in files and bytes, one at a time', async () => {
    await addSmall();
    const jobs = new VerifyJobs();
    const id = jobs.start(session);
    expect(() => jobs.start(session)).toThrow(expect.objectContaining({ code: 'conflict' }) as Error);
    const seen: VerifyJobStatus[] = [];
    const done = await settled(jobs, id, seen);
    expect(done).toMatchObject({ state: 'done', error: null, result: { ok: true, evidenceChecked: 2, anchored: false } });
    expect(done.result?.genesis?.fingerprint).toMatch(/^SHA256:/);
    const evidence = seen.filter((s) => s.phase === 'evidence');
    // Seen inside the large blob, not only between files; bytes never go back.
    const fileBoundaries = new Set([0, small.size, big.size, big.size + small.size]);
    expect(evidence.some((s) => !fileBoundaries.has(s.bytes))).toBe(true);
    expect(evidence.map((s) => s.bytes)).toEqual(evidence.map((s) => s.bytes).sort((a, b) => a - b));
    expect(done).toMatchObject({ done: 2, total: 2, bytes: big.size + small.size, totalBytes: big.size + small.size });
    expect(await session.logIntegrity()).toMatchObject({ ok: true, full: true });
  });

  it('reports a swapped blob as tampering, and the dashboard integrity keeps it', async () => {
    await addSmall();
    const bigFile = blobPath(session.paths.blobs, await blobNameOf(big.id));
    const smallFile = blobPath(session.paths.blobs, await blobNameOf(small.id));
    writeFileSync(smallFile, readFileSync(bigFile));
    const jobs = new VerifyJobs();
    const done = await settled(jobs, jobs.start(session));
    expect(done).toMatchObject({ state: 'done', result: { ok: false, problem: { reason: expect.stringContaining(small.id) as string } } });
    expect(await session.logIntegrity()).toMatchObject({ ok: false, full: true });
  });

  it('cancels inside a blob: the job ends cancelled and decides nothing, neither clearing nor condemning', async () => {
    const jobs = new VerifyJobs();
    const id = jobs.start(session);
    await settled(jobs, id, [], (s) => s.phase === 'evidence' && s.bytes > 0 && s.bytes < big.size);
    jobs.cancel(id, session);
    const ended = await settled(jobs, id);
    // The blob being read when cancelled is the last: a cancel taken for damage would end `done`, not ok.
    expect(ended).toMatchObject({ state: 'cancelled', result: null, error: null });
    expect(ended.bytes).toBeLessThan(big.size);
    // No finished verification: the dashboard shows the quick head check, which passes.
    expect(await session.logIntegrity()).toMatchObject({ ok: true, full: false });
    const again = await settled(jobs, jobs.start(session));
    expect(again.result).toMatchObject({ ok: true, evidenceChecked: 1 });
  });

  it('a verification cancelled among the blobs still keeps what the log check found: an edited entry', async () => {
    await tamper(dir, session.dataKey, (db) => {
      db.run("UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 2");
    });
    // The quick head check does not recompute the tree: alone, it passes.
    expect(await session.logIntegrity()).toMatchObject({ ok: true, full: false });
    const jobs = new VerifyJobs();
    const id = jobs.start(session);
    await settled(jobs, id, [], (s) => s.phase === 'evidence' && s.bytes > 0 && s.bytes < big.size);
    jobs.cancel(id, session);
    expect(await settled(jobs, id)).toMatchObject({ state: 'cancelled' });
    expect(await session.logIntegrity()).toMatchObject({
      ok: false,
      full: true,
      reason: expect.stringMatching(/do not match their signed checkpoint/) as string,
    });
  });

  it('belongs to the session that started it: the vault unlocked again neither sees nor cancels it', async () => {
    const jobs = new VerifyJobs();
    const id = jobs.start(session);
    const other = await openVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) });
    try {
      expect(() => jobs.status(id, other)).toThrow('No such verification.');
      jobs.cancel(id, other);
      expect((await settled(jobs, id)).state).toBe('done');
    } finally {
      await other.lock();
    }
  });
});

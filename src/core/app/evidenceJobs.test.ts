import { randomBytes } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeVault, tempDir } from '../../../tests/support/tempVault';
import { listEvidence, readEvidence } from '../evidence/evidenceStore';
import type { VaultSession } from '../vault/vaultSession';
import { EvidenceJobs } from './evidenceJobs';
import type { EvidenceJobStatus } from './evidenceJobs';

let temp: ReturnType<typeof tempDir>;
let session: VaultSession;
let file: string;
let plaintext: Buffer;

beforeEach(async () => {
  temp = tempDir();
  ({ session } = await makeVault(temp.dir));
  plaintext = randomBytes(24 * 1024 * 1024 + 5);
  file = join(temp.dir, 'Training record 2025.PDF');
  writeFileSync(file, plaintext);
});
afterEach(async () => {
  await session.lock();
  temp.cleanup();
});

async function settled(jobs: EvidenceJobs, id: string, seen: number[] = []): Promise<EvidenceJobStatus> {
  for (;;) {
    const status = jobs.status(id, session);
    seen.push(status.bytes);
    if (status.state !== 'running') return status;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Every file under the vault's blob folder (temporary ones included). */
function blobFiles(): string[] {
  return readdirSync(session.paths.blobs, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name);
}

describe('EvidenceJobs', () => {
  it('adds a file with its progress in bytes; the kept blob reads back to the same bytes, and the add is logged', async () => {
    const jobs = new EvidenceJobs();
    const id = await jobs.start(session, file, null);
    await expect(jobs.start(session, file, null)).rejects.toMatchObject({ code: 'conflict' });
    const seen: number[] = [];
    const done = await settled(jobs, id, seen);
    expect(done).toMatchObject({ state: 'done', bytes: plaintext.length, total: plaintext.length, error: null });
    expect(done.result).toMatchObject({ fileName: 'Training record 2025.PDF', mediaType: 'application/pdf', size: plaintext.length });
    // Progress never goes back, and was seen part way at least once.
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.some((bytes) => bytes > 0 && bytes < plaintext.length)).toBe(true);
    const out = new PassThrough();
    const [read] = await Promise.all([buffer(out), readEvidence(session, done.result?.id ?? '', out, 'test')]);
    expect(read.equals(plaintext)).toBe(true);
    const logged = await session.read((db) => db.all<{ target: string }>("SELECT target FROM audit_log WHERE action = 'evidence.add'"));
    expect(logged).toEqual([{ target: done.result?.id }]);
  });

  it('cancel leaves nothing behind: no blob, no temporary file, no row, no log entry', async () => {
    const jobs = new EvidenceJobs();
    const logBefore = await session.read((db) => db.get<{ n: number }>('SELECT count(*) AS n FROM audit_log'));
    const id = await jobs.start(session, file, null);
    jobs.cancel(id, session);
    expect(await settled(jobs, id)).toMatchObject({ state: 'cancelled', result: null, error: null });
    expect(await listEvidence(session)).toEqual([]);
    expect(blobFiles()).toEqual([]);
    expect(await session.read((db) => db.get<{ n: number }>('SELECT count(*) AS n FROM audit_log'))).toEqual(logBefore);
    // And the next add is not refused as a conflict.
    expect((await settled(jobs, await jobs.start(session, file, null))).state).toBe('done');
  });

  it('refuses a file that has gone, a person the vault does not hold, and an unknown job', async () => {
    const jobs = new EvidenceJobs();
    await expect(jobs.start(session, join(temp.dir, 'gone.pdf'), null)).rejects.toMatchObject({ code: 'not_found' });
    await expect(jobs.start(session, file, 'no-such-person')).rejects.toMatchObject({ code: 'not_found', message: 'No such person in this vault.' });
    expect(() => jobs.status('nope', session)).toThrow(/No such evidence upload/);
    // Nothing was started by the refusals.
    expect((await settled(jobs, await jobs.start(session, file, null))).state).toBe('done');
  });

  it('of two adds started at the same moment, one runs and the other is refused as a conflict', async () => {
    const jobs = new EvidenceJobs();
    const [first, second] = await Promise.allSettled([jobs.start(session, file, null), jobs.start(session, file, null)]);
    expect([first.status, second.status].sort()).toEqual(['fulfilled', 'rejected']);
    const started = first.status === 'fulfilled' ? first.value : second.status === 'fulfilled' ? second.value : '';
    expect((await settled(jobs, started)).state).toBe('done');
    expect(await listEvidence(session)).toHaveLength(1);
  });
});

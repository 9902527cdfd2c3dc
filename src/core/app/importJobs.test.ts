import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, ADMIN_PASSPHRASE, makeVault, tempDir } from '../../../tests/support/tempVault';
import { openVault } from '../vault/openVault';
import { vaultStats } from '../records/vaultStats';
import type { VaultSession } from '../vault/vaultSession';
import { ImportJobs } from './importJobs';
import type { ImportJobStatus } from './importJobs';

let temp: ReturnType<typeof tempDir>;
let session: VaultSession;
let dir: string;

beforeEach(async () => {
  temp = tempDir();
  ({ session, dir } = await makeVault(temp.dir));
  const rows = ['Employee ID,First Name,Last Name'];
  for (let i = 0; i < 30_000; i++) rows.push(`E${String(i)},Given${String(i)},Family${String(i)}`);
  writeFileSync(join(temp.dir, 'big.csv'), `${rows.join('\n')}\n`);
});
afterEach(async () => {
  await session.lock();
  temp.cleanup();
});

async function settled(jobs: ImportJobs, id: string): Promise<ImportJobStatus> {
  for (;;) {
    const status = jobs.status(id, session);
    if (status.state !== 'running') return status;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('ImportJobs', () => {
  it('reports progress and completes', async () => {
    const jobs = new ImportJobs();
    const id = jobs.start(session, join(temp.dir, 'big.csv'), { as: 'roster', skipInvalid: false, dryRun: false });
    expect(() => jobs.start(session, join(temp.dir, 'big.csv'), { as: 'roster' })).toThrow(/Another import/);
    const done = await settled(jobs, id);
    expect(done).toMatchObject({ state: 'done', rows: 30_000, result: { committed: true, inserted: 30_000 } });
  });

  it('cancel rolls the whole import back', async () => {
    const jobs = new ImportJobs();
    const before = await vaultStats(session);
    const id = jobs.start(session, join(temp.dir, 'big.csv'), { as: 'roster', skipInvalid: false, dryRun: false });
    jobs.cancel(id, session);
    const done = await settled(jobs, id);
    expect(done.result).toMatchObject({ cancelled: true, committed: false });
    expect(await vaultStats(session)).toEqual(before);
    expect(await session.verifyLog()).toMatchObject({ ok: true });
  });

  it('turns failures into a clear error', async () => {
    const jobs = new ImportJobs();
    writeFileSync(join(temp.dir, 'empty.csv'), '');
    const done = await settled(jobs, jobs.start(session, join(temp.dir, 'empty.csv'), { as: 'roster' }));
    expect(done).toMatchObject({ state: 'failed', error: { code: 'validation_failed' } });
  });

  it('belongs to the session that started it: another session, or the same after lock, neither sees nor cancels it', async () => {
    const jobs = new ImportJobs();
    const id = jobs.start(session, join(temp.dir, 'big.csv'), { as: 'roster', skipInvalid: false, dryRun: true });
    await settled(jobs, id);
    await session.lock();
    session = await openVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) });
    // The report of a finished job holds cell values: the next session is told nothing.
    expect(() => jobs.status(id, session)).toThrow('No such import.');
    jobs.cancel(id, session);
  });
});

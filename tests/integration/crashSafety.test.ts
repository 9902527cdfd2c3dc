import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { blobPath } from '../../src/core/evidence/blobPath';
import { readEvidence } from '../../src/core/evidence/evidenceStore';
import { openVault } from '../../src/core/vault/openVault';
import { ADMIN, ADMIN_PASSPHRASE, makeVault, tempDir } from '../support/tempVault';
import { prng } from '../support/seededRandom';

// Crash safety: a child process (tests/support/crashChild.ts, built by `npm run build`) adds
// and deletes evidence in a loop and is killed with SIGKILL at a random moment, again and again
// on the same vault. After every kill the vault must unlock with a sound database, every row's
// blob present, no stray file in blobs/ (the unlock sweep removed them), an intact audit log,
// and every change the child acknowledged still in place.
//
// Replay a failing sequence of delays and sizes with CUSTODIAN_CRASH_SEED=<seed from the name>.

const CHILD = resolve('out/test-support/crashChild.js');
const RUNS = 24;
const MIN_DELAY_MS = 50;
const MAX_DELAY_MS = 1500;
const READY_TIMEOUT_MS = 30_000;

const seed = Number(process.env.CUSTODIAN_CRASH_SEED ?? Date.now() % 2 ** 32);

/** mulberry32: seeded so that a failure's delays and sizes can be replayed. */
function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Every file under `dir` (not folders), as absolute paths; temp files (`.name`) included. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Starts the child, resolves once it printed `ready`; rejects with its stderr if it died. */
async function startChild(dir: string, childSeed: number) {
  const child = spawn(process.execPath, [CHILD, dir], {
    env: { ...process.env, CUSTODIAN_USER: ADMIN, CUSTODIAN_PASSPHRASE: ADMIN_PASSPHRASE, CUSTODIAN_CRASH_SEED: String(childSeed) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const output = { stderr: '' };
  let pending = '';
  let onReady = (): void => undefined;
  const ready = new Promise<'ready'>((done) => {
    onReady = () => {
      done('ready');
    };
  });
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    pending += text;
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const line of complete) {
      if (line === 'ready') onReady();
      else lines.push(line);
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    output.stderr += text;
  });
  const closed = new Promise<Exit>((done) => {
    child.on('close', (code, signal) => {
      done({ code, signal });
    });
  });

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((done) => {
    timer = setTimeout(() => {
      done('timeout');
    }, READY_TIMEOUT_MS);
  });
  const first = await Promise.race([ready, closed.then(() => 'exited' as const), timeout]);
  clearTimeout(timer);
  if (first !== 'ready') {
    child.kill('SIGKILL');
    await closed;
    throw new Error(`the crash child ${first === 'timeout' ? 'did not get ready in time' : 'exited before it was ready'}: ${output.stderr}`);
  }
  return { child, lines, output, closed };
}

interface RunSummary {
  run: number;
  delayMs: number;
  acknowledged: number;
  strayBefore: number;
  swept: boolean;
  rows: number;
  ms: number;
}

describe('crash safety', () => {
  const parent = tempDir('custodian-crash-');
  let passed = false;

  afterAll(() => {
    if (passed) parent.cleanup();
    else console.warn(`crash safety: vault kept for inspection in ${parent.dir}`);
  });

  it(`survives ${String(RUNS)} SIGKILLs of a writer at random moments (seed ${String(seed)}; replay with CUSTODIAN_CRASH_SEED=${String(seed)})`, async () => {
    expect(existsSync(CHILD), `${CHILD} is missing: run \`npm run build\` first`).toBe(true);
    const random = prng(seed);
    const { session: creator, dir } = await makeVault(parent.dir);
    await creator.lock();
    const blobsDir = join(dir, 'blobs');

    let known = new Set<string>();
    let sweepsSoFar = 0;
    const summaries: RunSummary[] = [];

    for (let run = 1; run <= RUNS; run++) {
      const delayMs = MIN_DELAY_MS + Math.floor(random() * (MAX_DELAY_MS - MIN_DELAY_MS + 1));
      const childSeed = Math.floor(random() * 2 ** 32);
      const where = `run ${String(run)} (seed ${String(seed)}, kill after ${String(delayMs)} ms, vault ${dir})`;

      const startedAt = Date.now();
      const { child, lines, output, closed } = await startChild(dir, childSeed);
      await sleep(delayMs);
      child.kill('SIGKILL');
      const exit = await closed;
      expect(exit, `${where}: the child ended on its own before the kill: ${output.stderr}`).toEqual({ code: null, signal: 'SIGKILL' });

      const added = lines.filter((l) => l.startsWith('added ')).map((l) => l.slice('added '.length));
      const deleted = lines.filter((l) => l.startsWith('deleted ')).map((l) => l.slice('deleted '.length));
      const strayBefore = filesUnder(blobsDir).filter((file) => file.split('/').pop()?.startsWith('.')).length;

      const session = await openVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE) });
      try {
        const integrity = await session.read((db) => db.all<{ integrity_check: string }>('PRAGMA integrity_check'));
        expect(integrity, `${where}: PRAGMA integrity_check`).toEqual([{ integrity_check: 'ok' }]);
        const foreignKeys = await session.read((db) => db.all('PRAGMA foreign_key_check'));
        expect(foreignKeys, `${where}: PRAGMA foreign_key_check`).toEqual([]);

        const rows = await session.read((db) => db.all<{ id: string; blob_name: string }>('SELECT id, blob_name FROM evidence ORDER BY added_at, id'));
        const rowBlobs = new Set(rows.map((row) => blobPath(blobsDir, row.blob_name)));
        const missing = rows.filter((row) => !existsSync(blobPath(blobsDir, row.blob_name))).map((row) => row.id);
        expect(missing, `${where}: evidence rows whose blob file is missing`).toEqual([]);
        const orphans = filesUnder(blobsDir).filter((file) => !rowBlobs.has(file));
        expect(orphans, `${where}: files in blobs/ that no row points at, left after the unlock sweep`).toEqual([]);

        // Every change the child acknowledged survived. Besides those, only the change in
        // flight at the kill may have committed: one addition, or the deletion it announced.
        const ids = new Set(rows.map((row) => row.id));
        const announced = lines.filter((l) => l.startsWith('deleting ')).map((l) => l.slice('deleting '.length));
        const inFlightDelete = announced.find((id) => !deleted.includes(id));
        const acknowledged = new Set([...known, ...added]);
        for (const id of deleted) acknowledged.delete(id);
        const lost = [...acknowledged].filter((id) => !ids.has(id) && id !== inFlightDelete);
        expect(lost, `${where}: acknowledged evidence missing after the crash`).toEqual([]);
        expect(
          deleted.filter((id) => ids.has(id)),
          `${where}: acknowledged deletions undone`,
        ).toEqual([]);
        const unacknowledged = [...ids].filter((id) => !acknowledged.has(id));
        expect(unacknowledged.length, `${where}: rows no acknowledged or in-flight addition explains: ${unacknowledged.join(', ')}`).toBeLessThanOrEqual(
          inFlightDelete ? 0 : 1,
        );

        const verification = await session.verifyLog();
        expect(verification.problem, `${where}: log verify`).toBeNull();
        expect(verification.ok, `${where}: log verify`).toBe(true);

        const sweeps = await session.read((db) => db.get<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE action = 'vault.sweep'"));
        const swept = (sweeps?.n ?? 0) > sweepsSoFar;
        sweepsSoFar = sweeps?.n ?? 0;
        if (strayBefore > 0) expect(swept, `${where}: temp files were left but no vault.sweep entry was logged`).toBe(true);

        // The newest evidence (the addition the kill may have interrupted) decrypts and matches
        // its recorded size and SHA-256. One per run: each decryption is itself logged.
        const newest = rows.at(-1);
        if (newest && !known.has(newest.id)) {
          const sink = new Writable({
            write(_chunk, _encoding, callback) {
              callback();
            },
          });
          await readEvidence(session, newest.id, sink, 'crash-safety test: check the blob');
        }

        summaries.push({ run, delayMs, acknowledged: added.length + deleted.length, strayBefore, swept, rows: rows.length, ms: Date.now() - startedAt });
        known = ids;
      } finally {
        await session.lock();
      }
    }

    console.info(
      `crash safety (seed ${String(seed)}):\n${summaries
        .map(
          (s) =>
            `  run ${String(s.run).padStart(2)}: killed after ${String(s.delayMs).padStart(4)} ms, ${String(s.acknowledged).padStart(3)} acknowledged changes, ` +
            `${String(s.strayBefore)} temp file(s) left, ${s.swept ? 'swept' : 'nothing to sweep'}, ${String(s.rows)} rows, ${String(s.ms)} ms`,
        )
        .join('\n')}`,
    );
    // The kills landed while the child was working, and some of them between a blob's write
    // and its row's commit (or a row's delete and its blob's unlink), so the sweep had work.
    expect(
      summaries.reduce((sum, s) => sum + s.acknowledged, 0),
      'the child made (almost) no progress',
    ).toBeGreaterThan(RUNS);
    expect(new Set(summaries.map((s) => s.rows)).size, 'the evidence count never changed').toBeGreaterThan(1);
    expect(summaries.filter((s) => s.swept).length, 'no kill interrupted a write: the sweep never had work').toBeGreaterThan(0);
    passed = true;
  }, 240_000);
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeVault, tempDir } from '../../../tests/support/tempVault';
import type { VaultSession } from '../vault/vaultSession';
import { dayNumber } from './completionKeys';
import { importFile } from './importFile';
import type { ImportResult } from './importFile';
import type { BulkLimits } from './completionWriter';

// Bulk mode (CompletionWriter) answers key lookups from memory with the key index dropped, and
// builds the index again before commit. It must take exactly the decisions the index would:
// the same files are imported row by row, in bulk from the first row, and switching to bulk
// half-way (after batches were written through the index), into real vaults, and compared.

const PEOPLE = 60;
let temp: ReturnType<typeof tempDir>;

beforeEach(() => {
  temp = tempDir();
});
afterEach(() => {
  temp.cleanup();
});

function file(name: string, lines: string[]): string {
  const path = join(temp.dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function roster(): string {
  const lines = ['Employee ID,First Name,Last Name,Email,Department'];
  for (let p = 0; p < PEOPLE; p++) lines.push(`E${String(p)},Given${String(p)},Family${String(p)},p${String(p)}@example.org,Unit ${String(p % 4)}`);
  return file('roster.csv', lines);
}

const HEADER = 'Employee ID,Course Code,Completion Date,Score';

/** 12,000 completions (three 5,000-row batches), each key once, with scores `score(i)`. */
function completions(name: string, score: (i: number) => number, extra: string[] = []): string {
  const lines = [HEADER];
  for (let i = 0; i < 12_000; i++) {
    const person = i % PEOPLE;
    const course = Math.floor(i / PEOPLE) % 8;
    const day = Math.floor(i / (PEOPLE * 8));
    const date = new Date(Date.UTC(2022, 0, 1 + day)).toISOString().slice(0, 10);
    lines.push(`E${String(person)},C-${String(course)},${date},${String(score(i))}`);
  }
  return file(name, [...lines, ...extra]);
}

interface Outcome {
  results: Omit<ImportResult, 'bulk'>[];
  bulk: boolean[];
  versions: unknown[];
  indexSql: string | undefined;
  logOk: boolean;
}

async function run(name: string, limits: BulkLimits, files: string[]): Promise<Outcome> {
  const { session } = await makeVault(temp.dir, name);
  try {
    await importFile(session, roster());
    const results: Outcome['results'] = [];
    const bulk: boolean[] = [];
    for (const path of files) {
      const { bulk: wentBulk, ...result } = await importFile(session, path, { skipInvalid: true, bulk: limits });
      results.push(result);
      bulk.push(wentBulk);
    }
    return {
      results,
      bulk,
      versions: await versionsOf(session),
      indexSql: (
        await session.read((db) =>
          db.get<{ sql: string }>(
            "SELECT group_concat(sql, ';') AS sql FROM (SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'completion_versions' ORDER BY name)",
          ),
        )
      )?.sql,
      logOk: (await session.verifyLog()).ok,
    };
  } finally {
    await session.lock();
  }
}

/** Every completion version, by natural key and version (ids differ between vaults). */
function versionsOf(session: VaultSession) {
  return session.read((db) =>
    db.all(
      `SELECT p.employee_id, co.code, c.completed_on, c.version, c.current, c.score, c.source_row, c.reason
       FROM completions c JOIN people p ON p.person_id = c.person_id AND p.current = 1 JOIN courses co ON co.course_id = c.course_id
       ORDER BY p.employee_id, co.code, c.completed_on, c.version`,
    ),
  );
}

describe('bulk completions import', () => {
  it('decides exactly as the key index does: new, unchanged, corrected, duplicate in and across batches (contradicting or exact), unknown person', async () => {
    const first = completions('first.csv', (i) => 50 + (i % 50), [
      'E1,C-0,2022-01-01,99', // row 12002: the key of row 3, two batches back
      'E3,C-7,2031-01-01,70',
      'E3,C-7,2031-01-01,71', // row 12004: the key of the row before, in the same batch
      'E999,C-0,2022-01-01,80', // no such person
      'E2,C-0,2022-01-01,52', // row 12006: row 4 again, every value equal, two batches back: imported once
    ]);
    const lines = [HEADER, 'E5,C-3,2030-05-05,70', 'E5,C-3,2030-05-05,71'];
    const second = completions('second.csv', (i) => (i % 7 === 0 ? 100 : 50 + (i % 50)), ['E0,C-0,2022-01-01,1']); // every 7th corrected; row 2 again
    const third = file('third.csv', lines);

    const files = [first, second, third];
    const byIndex = await run('index.custodian', { minRows: Infinity, maxKeys: Infinity }, files);
    const fromStart = await run('bulk.custodian', { minRows: 1, maxKeys: Infinity }, files);
    const halfway = await run('switch.custodian', { minRows: 7_000, maxKeys: Infinity }, files);
    // Bulk from the first batch, back to the index after two batches (10,000 keys held); the
    // second import finds 12,001 rows, more than half the limit, and never goes bulk.
    const andBack = await run('back.custodian', { minRows: 1, maxKeys: 10_000 }, files);

    // Bulk needs minRows rows and half as many as the table held: the two-row file never goes.
    expect(byIndex.bulk).toEqual([false, false, false]);
    expect(fromStart.bulk).toEqual([true, true, false]);
    // 7,000 rows: the first 5,000-row batch goes through the index, the rest in bulk.
    expect(halfway.bulk).toEqual([true, true, false]);
    expect(byIndex.results[0]).toMatchObject({ inserted: 12_001, invalid: 3 });
    expect(byIndex.results[0]?.report.map((r) => `${String(r.row)}: ${r.reason}`).sort()).toEqual([
      '12002: the same person, course and date as row 3',
      '12004: the same person, course and date as row 12003',
      '12005: no such person in the vault (import the roster first)',
    ]);
    expect(byIndex.results[0]?.warnings).toContain('1 row(s) repeat an earlier row exactly and were imported once: row 12006 (= row 4).');
    expect(byIndex.results[1]).toMatchObject({ updated: 1715, unchanged: 10_285, invalid: 1 });
    expect(byIndex.results[2]).toMatchObject({ inserted: 1, invalid: 1 });
    expect(andBack.bulk).toEqual([true, false, false]);
    for (const other of [fromStart, halfway, andBack]) {
      expect(other.results).toEqual(byIndex.results);
      expect(other.versions).toEqual(byIndex.versions);
      expect(other.indexSql).toBe(byIndex.indexSql);
      expect(other.logOk).toBe(true);
    }
    expect(byIndex.indexSql).toMatch(/CREATE UNIQUE INDEX completions_current_key/);
    expect(byIndex.indexSql).toMatch(/CREATE INDEX completions_current_attempts/);
  });

  it('a bulk import rolled back (dry run, or refused for invalid rows) leaves the index and the table as they were', async () => {
    const { session } = await makeVault(temp.dir);
    try {
      await importFile(session, roster());
      const path = completions('c.csv', (i) => 60 + (i % 40), ['E999,C-0,2022-01-01,80']);
      const dry = await importFile(session, path, { dryRun: true, bulk: { minRows: 1, maxKeys: Infinity }, skipInvalid: true });
      expect(dry).toMatchObject({ committed: false, bulk: true, inserted: 12_000 });
      const refused = await importFile(session, path, { bulk: { minRows: 1, maxKeys: Infinity } });
      expect(refused).toMatchObject({ committed: false, bulk: true, invalid: 1 });
      const state = await session.read((db) =>
        db.get<{ n: number; index: string | null }>(
          "SELECT (SELECT count(*) FROM completions) AS n, (SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_master WHERE name IN ('completions_current_key', 'completions_current_attempts') ORDER BY name DESC)) AS 'index'",
        ),
      );
      expect(state).toEqual({
        n: 0,
        index: expect.stringMatching(/^CREATE UNIQUE INDEX completions_current_key.*;CREATE INDEX completions_current_attempts/s) as unknown,
      });
      expect(await session.verifyLog()).toMatchObject({ ok: true });
    } finally {
      await session.lock();
    }
  });

  it('numbers each calendar date distinctly and refuses what is not YYYY-MM-DD', () => {
    const seen = new Set<number>();
    let days = 0;
    for (let t = Date.UTC(1899, 0, 1); t <= Date.UTC(2101, 0, 1); t += 86_400_000, days++) {
      const n = dayNumber(new Date(t).toISOString().slice(0, 10));
      expect(n).toBeGreaterThanOrEqual(0);
      expect(n).toBeLessThan(2 ** 22);
      seen.add(n);
    }
    expect(seen.size).toBe(days);
    expect(dayNumber('9999-12-31')).toBeLessThan(2 ** 22);
    for (const bad of ['2024-13-01', '2024-00-10', '2024-02-32', '2024-2-3', '2024-02-03T00:00']) expect(dayNumber(bad)).toBe(-1);
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeVault, tempDir } from '../../../tests/support/tempVault';
import { importFile } from '../import/importFile';
import type { VaultSession } from '../vault/vaultSession';
import { attemptsOf } from './attemptTable';
import { loadComplianceData, readAttemptsSql } from './complianceData';

// The loader reads a range's attempts packed into one string (and people as JSON) for speed;
// these tests hold what it reads against the plain rows of a real vault.

const ROSTER = `Employee ID,First Name,Last Name,Department,Job Title,Hire Date
E1,Ada,Lovelace,Lab | Bench; North,Technician,2020-01-06
E2,Grace,Hopper,"Quality ""QA""",Analyst,2021-02-01
E3,Alan,Turing,Laboratory,Technician,2022-03-01
E4,Émile,Borel,ÄRZTE,Arzt,2022-03-01
`;

// Whole, fractional and missing scores; passed, failed and no result; an expiry; two courses.
const COMPLETIONS = `Employee ID,Course Code,Course Title,Completion Date,Score,Result,Expiration Date
E1,BBP,Bloodborne Pathogens,2024-10-01,92,Passed,
E1,BBP,Bloodborne Pathogens,2023-10-01,87.5,Passed,2024-10-01
E1,HIPAA,HIPAA Privacy,2024-09-15,,,
E2,BBP,Bloodborne Pathogens,2024-03-01,55,Failed,
E2,HIPAA,HIPAA Privacy,2024-03-08,66.25,,2026-03-08
E3,FIRE,Fire Safety,2024-01-01,100,Passed,
`;

let temp: ReturnType<typeof tempDir>;
let session: VaultSession;

beforeEach(async () => {
  temp = tempDir();
  ({ session } = await makeVault(temp.dir));
  for (const [name, content] of [
    ['roster.csv', ROSTER],
    ['completions.csv', COMPLETIONS],
  ] as const) {
    const path = join(temp.dir, name);
    writeFileSync(path, content);
    expect((await importFile(session, path)).committed).toBe(true);
  }
});
afterEach(async () => {
  await session.lock();
  temp.cleanup();
});

describe('loadComplianceData', () => {
  it('reads every attempt at the asked-for courses exactly as the table holds it', async () => {
    const data = await session.read((db) => loadComplianceData(db, session.vaultId, ['bbp', 'hipaa']));
    const rows = await session.read((db) =>
      db.all<{ person: string; row_id: number; code: string; completed_on: string; score: number | null; passed: number | null; expires_on: string | null }>(
        `SELECT p.employee_id AS person, c.row_id, lower(k.code) AS code, c.completed_on, c.score, c.passed, c.expires_on
         FROM completions c JOIN courses k ON k.course_id = c.course_id AND k.current = 1 JOIN people p ON p.person_id = c.person_id AND p.current = 1
         WHERE c.current = 1 AND lower(k.code) IN ('bbp', 'hipaa')`,
      ),
    );
    const ids = await session.read((db) => db.all<{ person_id: string; employee_id: string }>('SELECT person_id, employee_id FROM people WHERE current = 1'));
    const employee = new Map(ids.map((r) => [r.person_id, r.employee_id]));
    const loaded = data.people.flatMap((person) =>
      attemptsOf(person.attempts).map((a) => ({
        person: employee.get(person.personId),
        row_id: a.rowId,
        code: a.courseCode,
        completed_on: a.completedOn,
        score: a.score,
        passed: a.passed,
        expires_on: a.expiresOn,
      })),
    );
    const expected = rows.map((r) => ({ ...r, passed: r.passed === null ? null : r.passed === 1 }));
    const order = (a: { row_id: number }, b: { row_id: number }) => a.row_id - b.row_id;
    expect(loaded.sort(order)).toEqual(expected.sort(order));
    expect(loaded).toHaveLength(5); // FIRE was not asked for
    expect(loaded.map((a) => a.score).sort()).toEqual([55, 66.25, 87.5, 92, null]);
    expect(data.people.every((p) => attemptsOf(p.attempts).every((a) => a.evidence === 'none'))).toBe(true);
  });

  it('keeps names with | ; quotes and accents (lower-cased as the engine lower-cases rules), and every person, in any number of ranges', async () => {
    // People as plain objects, their attempts as objects (not the rows of a load's table).
    const read = async (peoplePerRange: number) => {
      const data = await session.read((db) => loadComplianceData(db, session.vaultId, ['bbp', 'hipaa', 'fire'], { peoplePerRange }));
      return { unitNames: data.unitNames, people: data.people.map((p) => ({ ...p, attempts: attemptsOf(p.attempts) })) };
    };
    const whole = await read(1000);
    expect(whole.people.map((p) => p.scopes[0]?.unit)).toEqual(['lab | bench; north', 'quality "qa"', 'laboratory', 'ärzte']);
    expect(whole.unitNames.get('ärzte')).toBe('ÄRZTE');
    expect([...whole.unitNames.values()].sort()).toEqual(['Lab | Bench; North', 'Laboratory', 'Quality "QA"', 'ÄRZTE']);
    for (const perRange of [1, 2, 3]) expect(await read(perRange)).toEqual(whole);
  });

  it('reads the covering index alone, never the table', async () => {
    for (const bounded of [true, false]) {
      const plan = await session.read((db) =>
        db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${readAttemptsSql(2, bounded)}`, [...(bounded ? ['', 'z'] : ['']), 1, 2]),
      );
      const detail = plan.map((p) => p.detail).join('\n');
      expect(detail).toMatch(/SEARCH c USING COVERING INDEX completions_current_attempts \(person_key=\?/);
      // The range's people come from an index too, and each is named by its row id.
      expect(detail).toMatch(/SEARCH people USING COVERING INDEX sqlite_autoindex_people_1 \(person_id>\?( AND person_id<\?)?\)/);
      expect(detail).toMatch(/SEARCH p USING INTEGER PRIMARY KEY/);
      expect(detail).not.toMatch(/SCAN c\b|SEARCH c USING INDEX/);
    }
  });
});

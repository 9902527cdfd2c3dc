import { describe, expect, it } from 'vitest';
import { AttemptTable, attemptsOf } from './attemptTable';
import type { Attempt } from './statusEngine';

describe('AttemptTable', () => {
  it('gives back every field as it went in, nulls included, past its first growth', () => {
    const attempts: Attempt[] = Array.from({ length: 3000 }, (_, i) => ({
      rowId: 2 ** 40 + i,
      courseCode: i % 2 ? 'bbp' : 'hipaa',
      courseVersion: i % 3 ? '2024.1' : null,
      completedOn: `2024-01-${String((i % 28) + 1).padStart(2, '0')}`,
      passed: i % 5 === 0 ? null : i % 5 === 1,
      score: i % 7 === 0 ? null : i % 7 === 1 ? 0 : 50.25 + i,
      expiresOn: i % 4 ? null : '2026-01-01',
      evidence: (['none', 'pending', 'accepted', 'rejected'] as const)[i % 4] ?? 'none',
    }));
    const rows = AttemptTable.of(attempts);
    expect(rows).toMatchObject({ from: 0, to: 3000 });
    expect(attemptsOf(rows)).toEqual(attempts);
    // A course is its code and version: the same code at two versions stays two.
    expect(rows.table.versionAt(0)).toBeNull();
    expect(rows.table.versionAt(2)).toBe('2024.1');
  });
});

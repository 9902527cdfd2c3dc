import { describe, expect, it } from 'vitest';
import { asOfForRole, monthEndsOnly } from './asOfForRole';

describe('asOfForRole', () => {
  it('answers auditors for today or a month end, other roles for the day asked', () => {
    expect(monthEndsOnly('auditor')).toBe(true);
    expect(asOfForRole('auditor', '2025-01-15', '2026-12-07')).toBe('2025-01-31');
    expect(asOfForRole('auditor', '2024-02-03', '2026-12-07')).toBe('2024-02-29');
    expect(asOfForRole('auditor', '2025-12-31', '2026-12-07')).toBe('2025-12-31');
    expect(asOfForRole('auditor', '2026-12-07', '2026-12-07')).toBe('2026-12-07');
    // Any other day of this month too: a day's status, even a future one, could tell a due day.
    expect(asOfForRole('auditor', '2026-12-03', '2026-12-07')).toBe('2026-12-31');
    for (const role of ['admin', 'officer', 'reviewer'] as const) {
      expect(monthEndsOnly(role)).toBe(false);
      expect(asOfForRole(role, '2025-01-15', '2026-12-07')).toBe('2025-01-15');
    }
  });
});

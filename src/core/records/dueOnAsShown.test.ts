import { describe, expect, it } from 'vitest';
import { COMPLIANCE_STATUSES, CURRENT_STATUSES } from '../../shared/compliance/complianceStatus';
import { DEFAULT_POLICIES, rolePolicy } from '../../shared/records/maskingPolicy';
import { dueOnAsShown } from './dueOnAsShown';

describe('dueOnAsShown', () => {
  it('a month for every status that is not current, where the policy shows hire dates as months; a day otherwise', () => {
    for (const policy of [DEFAULT_POLICIES.auditor, DEFAULT_POLICIES.regulator, rolePolicy('auditor')]) {
      for (const status of COMPLIANCE_STATUSES) {
        // Failed attempts, onboarding grace and lapses after a move all carry an onboarding due day.
        expect(dueOnAsShown(policy, '2025-03-14', status), status).toBe(CURRENT_STATUSES.has(status) ? '2025-03-14' : '2025-03');
      }
      expect(dueOnAsShown(policy, null, 'never_trained')).toBeNull();
    }
    for (const policy of [DEFAULT_POLICIES.internal, DEFAULT_POLICIES.subject, rolePolicy('officer'), rolePolicy('reviewer')]) {
      for (const status of COMPLIANCE_STATUSES) expect(dueOnAsShown(policy, '2025-03-14', status)).toBe('2025-03-14');
    }
  });
});

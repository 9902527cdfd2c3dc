import { CURRENT_STATUSES } from '../../shared/compliance/complianceStatus';
import type { ComplianceStatus } from '../../shared/compliance/complianceStatus';
import type { MaskingPolicy } from '../../shared/records/maskingPolicy';
import { treatmentOf } from './projectField';

/**
 * A due date as a policy may show it. Training that is current is due when its completion
 * expires, which the completion's own (kept) date already tells. Any other due date may be the
 * day the person was hired, or moved into the requirement's scope, plus the requirement's
 * published onboarding days (never trained, failed, within onboarding grace, lapsed after a
 * move: statusEngine's onboardingDue), so it tells that day to anyone who reads the pack: where
 * the policy generalises hire dates to months, such a due date goes out as its month (YYYY-MM).
 *
 * Used alike by packets, the person panel, the dashboard's drill-downs and their CSV exports.
 * Sort by the shown value: a day order within the month would tell the days again.
 */
export function dueOnAsShown(policy: MaskingPolicy, dueOn: string | null, status: ComplianceStatus): string | null {
  if (dueOn === null || CURRENT_STATUSES.has(status)) return dueOn;
  return treatmentOf(policy, 'person', 'hireDate') === 'generalise' ? dueOn.slice(0, 7) : dueOn;
}

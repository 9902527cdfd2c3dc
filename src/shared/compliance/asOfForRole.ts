import type { Role } from '../roles';
import { rolePolicy } from '../records/maskingPolicy';

/** Whether a role sees statuses only at month ends (and today): where it sees hire dates as months. */
export function monthEndsOnly(role: Role): boolean {
  return rolePolicy(role).fields?.person?.hireDate === 'generalise';
}

/**
 * The date a role's status questions are answered for. Where the role sees hire dates as
 * months (auditors), statuses on days of its choosing would tell the day someone turned overdue,
 * and from it the hire day (hire day plus the pack's published onboarding days): so it is
 * answered for today, or for the last day of the asked day's month. Both are YYYY-MM-DD.
 */
export function asOfForRole(role: Role, asOf: string, today: string): string {
  if (asOf === today || !monthEndsOnly(role)) return asOf;
  const [year, month] = asOf.split('-').map(Number);
  return new Date(Date.UTC(year ?? 1970, month ?? 1, 0)).toISOString().slice(0, 10);
}

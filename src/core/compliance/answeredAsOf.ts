import { asOfForRole } from '../../shared/compliance/asOfForRole';
import type { VaultSession } from '../vault/vaultSession';
import { localToday } from './calendarDate';

/**
 * The day a status question from this session is answered for: the day asked, or for roles
 * that see hire dates as months (auditors) today or the asked day's month end (asOfForRole).
 * Every compliance entry point that takes a day from its caller goes through this.
 */
export function answeredAsOf(session: VaultSession, asked: string): string {
  return asOfForRole(session.principal.role, asked, localToday());
}

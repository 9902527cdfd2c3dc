import type { VaultSession } from '../vault/vaultSession';
import type { KnownPerson } from './suggestRedactions';

/**
 * Everyone of the vault (current records, leavers too: a sign-in sheet from last year lists
 * them), for redaction suggestions. Needs a role that sees PII: the names are matched in core and
 * only boxes and the matched text of the officer's own document go back.
 */
export async function knownPeople(session: VaultSession): Promise<KnownPerson[]> {
  session.require('records.read', 'read records');
  return session.read((db) =>
    db
      .all<{ given_name: string; family_name: string; email: string | null; employee_id: string | null }>(
        'SELECT given_name, family_name, email, employee_id FROM people WHERE current = 1',
      )
      .map((r) => ({ givenName: r.given_name, familyName: r.family_name, email: r.email, employeeId: r.employee_id ?? '' })),
  );
}

import type { VaultSession } from '../vault/vaultSession';
import { MASK, canSee } from './masking';
import { pseudonym } from './pseudonym';

/**
 * "Family, Given" and employee id of each person, masked for roles that may not see PII (as the
 * people list shows them), and their pseudonym. Unknown ids are left out.
 */
export async function personNames(
  session: VaultSession,
  personIds: readonly string[],
): Promise<Map<string, { name: string; employeeId: string | null; pseudonym: string }>> {
  session.require('records.read', 'read records');
  const visible = canSee(session.principal.role, 'pii');
  const rows = await session.read((db) =>
    db.all<{ person_id: string; given_name: string; family_name: string; employee_id: string | null }>(
      'SELECT person_id, given_name, family_name, employee_id FROM people WHERE current = 1 AND person_id IN (SELECT value FROM json_each(?))',
      [JSON.stringify(personIds)],
    ),
  );
  return new Map(
    rows.map((r) => [
      r.person_id,
      {
        ...(visible
          ? { name: `${r.family_name}, ${r.given_name}`, employeeId: r.employee_id }
          : { name: MASK, employeeId: r.employee_id === null ? null : MASK }),
        pseudonym: pseudonym(session.vaultId, r.person_id),
      },
    ]),
  );
}

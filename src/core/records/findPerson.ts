import { CustodianError } from '../../shared/errors';
import type { VaultSession } from '../vault/vaultSession';
import { canSee } from './masking';
import { PSEUDONYM, pseudonym } from './pseudonym';

/**
 * The person a user names: by employee id (roles that see PII), by pseudonym (P-XXXXXX, any
 * role), or by record id (what the app passes). Current people only.
 * @throws CustodianError('not_found') when nobody matches; ('conflict') when a pseudonym is shared.
 */
export async function findPerson(session: VaultSession, text: string): Promise<string> {
  session.require('records.read', 'read records');
  const wanted = text.trim();
  const piiVisible = canSee(session.principal.role, 'pii');
  return session.read((db) => {
    if (PSEUDONYM.test(wanted.toUpperCase())) {
      const ids = db.all<{ person_id: string }>('SELECT person_id FROM people WHERE current = 1').map((r) => r.person_id);
      const matches = ids.filter((id) => pseudonym(session.vaultId, id) === wanted.toUpperCase());
      if (matches.length > 1) throw new CustodianError('conflict', `${wanted} names ${String(matches.length)} people; use the employee id.`);
      if (matches[0]) return matches[0];
    }
    const byId = db.get<{ person_id: string }>('SELECT person_id FROM people WHERE current = 1 AND person_id = ?', [wanted]);
    if (byId) return byId.person_id;
    if (piiVisible) {
      const byEmployee = db.all<{ person_id: string }>('SELECT person_id FROM people WHERE current = 1 AND employee_id = ?', [wanted]);
      if (byEmployee.length === 1 && byEmployee[0]) return byEmployee[0].person_id;
    }
    throw new CustodianError(
      'not_found',
      `Nobody in this vault is ${wanted}${piiVisible ? ' (give an employee id or a pseudonym such as P-7F3K2Q)' : ' (give a pseudonym such as P-7F3K2Q)'}.`,
    );
  });
}

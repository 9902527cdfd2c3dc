import { CustodianError } from '../../shared/errors';
import { ROLES } from '../../shared/roles';
import type { Role } from '../../shared/roles';
import { stateHash } from '../audit/auditLog';
import type { VaultSession } from './vaultSession';

/**
 * Sets which roles may not sign a review of evidence they added themselves (the vault's
 * `no_self_review_roles` policy; default: the reviewer). Admin only; logged with its reason.
 */
export async function setNoSelfReviewRoles(session: VaultSession, roles: readonly Role[], reason: string): Promise<Role[]> {
  session.require('users.manage', 'change the vault policy');
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length > 0) throw new CustodianError('validation_failed', `Unknown role(s): ${unknown.join(', ')}. Roles are ${ROLES.join(', ')}.`);
  if (!reason.trim()) throw new CustodianError('validation_failed', 'Give a reason for changing the policy (--reason); it goes into the audit log.');
  const value = [...new Set(roles)].sort();
  await session.mutate((db) => {
    const before = db.get<{ value: string }>("SELECT value FROM vault_policies WHERE name = 'no_self_review_roles'")?.value ?? '[]';
    db.run(
      "INSERT INTO vault_policies (name, value, changed_at, changed_by) VALUES ('no_self_review_roles', ?, ?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value, changed_at = excluded.changed_at, changed_by = excluded.changed_by",
      [JSON.stringify(value), new Date().toISOString(), session.principal.name],
    );
    return {
      result: undefined,
      events: [
        {
          action: 'policy.no-self-review',
          target: 'no_self_review_roles',
          before: stateHash(JSON.parse(before)),
          after: stateHash(value),
          reason: reason.trim(),
        },
      ],
    };
  });
  return value;
}

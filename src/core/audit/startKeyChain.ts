import { CustodianError } from '../../shared/errors';
import type { VaultSession } from '../vault/vaultSession';
import { logSize } from './auditLog';
import type { ChainMember } from './keyChain';

export interface StartedChain {
  /** Entries before the chain: vouched for by the administrator who started it. */
  legacyEntries: number;
  genesis: ChainMember;
  enrolled: ChainMember[];
}

/**
 * Begins the key chain of a vault made before it: the acting administrator's key becomes the
 * genesis key, and the signing key of every current user whose slot the header holds is enrolled
 * under it. The administrator vouches for the history before: anyone who held the vault key
 * could have rewritten it, and nothing made before the chain can show otherwise. Keys in the
 * `signing_keys` table without a slot in the header are not enrolled.
 */
export async function startKeyChain(session: VaultSession): Promise<StartedChain> {
  session.require('users.manage', 'start the key chain');
  if (await session.chainBegun()) throw new CustodianError('conflict', "This vault's key chain has already begun.");
  const users = await session.read((db) =>
    db.all<{ name: string; slot_id: string }>('SELECT name, slot_id FROM users WHERE removed_at IS NULL AND slot_id IS NOT NULL ORDER BY created_at, name'),
  );
  const members: ChainMember[] = [];
  for (const user of users) {
    const slot = session.header.slots.find((s) => s.id === user.slot_id);
    if (slot) members.push({ name: user.name, publicKey: slot.signing.publicKey });
  }
  const own = members.find((m) => m.name === session.principal.name);
  if (!own) throw new CustodianError('vault_tampered', 'Your own key slot is missing from the vault header.');
  const legacyEntries = await session.read((db) => logSize(db));
  await session.mutate(
    () => ({
      result: undefined,
      events: [{ action: 'log.start-chain', reason: `entries 0-${String(legacyEntries - 1)} predate the key chain; vouched for by ${own.name}` }],
    }),
    { startWith: members },
  );
  return { legacyEntries, genesis: own, enrolled: members.filter((m) => m !== own) };
}

import type { VaultSession } from '../vault/vaultSession';
import { countingReviews } from './reviewSignature';

type Counting = ReturnType<typeof countingReviews>;
const cache = new WeakMap<VaultSession, { stamp: string; value: Promise<Counting> }>();

/** countingReviews for the session, computed once per change of the vault (any process's). */
export async function countingReviewsOf(session: VaultSession): Promise<Counting> {
  const stamp = await session.changeStamp();
  const known = cache.get(session);
  if (known?.stamp === stamp) return known.value;
  const value = session.read((db) => countingReviews(db, session.vaultId));
  const entry = { stamp, value };
  cache.set(session, entry);
  value.catch(() => {
    if (cache.get(session) === entry) cache.delete(session);
  });
  return value;
}

/**
 * Settles once both promises have; rejects with `first`'s failure, else `second`'s. Chains of
 * writes issued at once (not one after another) use it to wait for all and report the earliest.
 */
export async function settledInOrder(first: Promise<unknown>, second: Promise<unknown>): Promise<void> {
  const [a, b] = await Promise.allSettled([first, second]);
  if (a.status === 'rejected') throw a.reason;
  if (b.status === 'rejected') throw b.reason;
}

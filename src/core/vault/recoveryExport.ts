import type { VaultSession } from './vaultSession';

/**
 * The raw database key as hex, so the vault can be opened by any SQLCipher 4 client
 * (`PRAGMA key = "x'...'"`): the no-lock-in promise. Admin only; logged before it is returned.
 * Hazard: the caller prints it; it must go nowhere else.
 */
export async function exportDataKey(session: VaultSession): Promise<string> {
  session.require('recovery.export', 'export the database key');
  await session.record([{ action: 'recovery.export-key', target: session.vaultId }]);
  return session.dataKey.toString('hex');
}

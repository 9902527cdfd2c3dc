import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVault } from '../../src/core/vault/createVault';
import type { CreatedVault } from '../../src/core/vault/createVault';

export const ADMIN = 'alice';
export const ADMIN_PASSPHRASE = 'correct horse battery staple orbit';

/** A fresh folder in the OS temp dir, removed by the returned cleanup. */
export function tempDir(prefix = 'custodian-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A real vault (SQLCipher file, header, blobs) at the minimum Argon2id cost, for speed. */
export async function makeVault(parent: string, name = 'test.custodian'): Promise<CreatedVault & { dir: string }> {
  const dir = join(parent, name);
  const created = await createVault(dir, { user: ADMIN, passphrase: Buffer.from(ADMIN_PASSPHRASE), kdf: 'minimum' });
  return { ...created, dir };
}

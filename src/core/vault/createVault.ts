import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CustodianError } from '../../shared/errors';
import { ratePassphrase } from '../../shared/passphraseStrength';
import { keyFingerprint } from '../audit/keyChain';
import { ARGON2_MINIMUM, calibrateArgon2 } from '../crypto/argon2';
import type { Argon2Params } from '../crypto/argon2';
import { wipe } from '../crypto/wipe';
import { VaultDatabase } from '../db/database';
import { migrate } from '../db/migrations/migrate';
import { syncDirectory } from '../fs/atomicWrite';
import { createPassphraseSlot, createRecoverySlot, signingKeyFromSeed } from './keySlots';
import { formatRecoveryKey } from './recoveryKey';
import { openSession } from './openVault';
import { HEADER_FORMAT, HEADER_VERSION, sealHeader, writeHeader } from './vaultHeader';
import type { VaultHeader } from './vaultHeader';
import type { VaultSession } from './vaultSession';
import { vaultPaths } from './vaultPaths';

export interface CreateVaultOptions {
  /** The first admin's user name. */
  user: string;
  passphrase: Uint8Array;
  /**
   * Argon2id cost. Default: calibrated on this machine to take 0.5-1 s. 'minimum' (64 MiB,
   * t=3, p=4) is the floor DESIGN.md allows, used by tests to stay fast.
   */
  kdf?: 'calibrate' | 'minimum' | Omit<Argon2Params, 'salt' | 'alg'>;
}

export interface CreatedVault {
  session: VaultSession;
  vaultId: string;
  /** Shown once, grouped for printing; never stored anywhere. */
  recoveryKey: string;
  /**
   * `SHA256:...` of the admin's signing key, which begins the audit log's key chain: printed on
   * the recovery sheet, it is the anchor `log verify --trusted` checks a rewrite against.
   */
  genesisFingerprint: string;
}

export async function kdfFor(option: CreateVaultOptions['kdf']): Promise<Omit<Argon2Params, 'salt'>> {
  if (option === 'minimum') return { alg: 'argon2id', ...ARGON2_MINIMUM };
  if (option && option !== 'calibrate') return { alg: 'argon2id', ...option };
  const { m, t, p } = await calibrateArgon2(randomBytes(16).toString('base64'));
  return { alg: 'argon2id', m, t, p };
}

export function assertUserName(name: string): void {
  if (!/^[\p{L}\p{N}][\p{L}\p{N} ._@-]{0,63}$/u.test(name) || name.trim() !== name) {
    throw new CustodianError('validation_failed', 'User names are 1-64 letters, digits, spaces, dots, dashes, underscores or @.');
  }
  if (name === 'recovery') throw new CustodianError('validation_failed', '"recovery" is reserved for the recovery key.');
}

/** @throws CustodianError('weak_passphrase') with advice, before any key is derived. */
export function assertStrongPassphrase(passphrase: Uint8Array, context: string[]): void {
  const verdict = ratePassphrase(Buffer.from(passphrase).toString('utf8'), context);
  if (!verdict.acceptable) throw new CustodianError('weak_passphrase', `That passphrase is too weak. ${verdict.feedback}`);
}

/**
 * Creates `dir` (which must not exist, or be an empty folder) as a new vault with one admin and
 * a recovery key. Built in a temp folder beside it and renamed into place, so a crash never
 * leaves a half-made vault under the real name. Argon2id runs once: the new session is opened
 * with the keys just made, not by unlocking the slot again.
 */
export async function createVault(dir: string, options: CreateVaultOptions): Promise<CreatedVault> {
  assertUserName(options.user);
  assertStrongPassphrase(options.passphrase, [options.user, basename(dir)]);
  const existing = await readdir(dir).catch(() => null);
  if (existing && existing.length > 0) {
    throw new CustodianError('vault_exists', `${dir} already exists and is not empty. Choose a new folder for the vault.`);
  }
  await mkdir(dirname(dir), { recursive: true });
  const staging = join(dirname(dir), `.${basename(dir)}.creating-${randomBytes(4).toString('hex')}`);
  const paths = vaultPaths(staging);
  const dataKey = randomBytes(32);
  const recovery = randomBytes(32);
  const vaultId = randomUUID();
  const adminSeed = randomBytes(32);
  let header: VaultHeader;
  let adminSlotId: string;
  let adminPublicKey: string;
  try {
    await mkdir(paths.blobs, { recursive: true, mode: 0o700 });
    const kdf = await kdfFor(options.kdf);
    const adminSlot = await createPassphraseSlot(vaultId, options.user, options.passphrase, dataKey, kdf, adminSeed);
    adminSlotId = adminSlot.id;
    adminPublicKey = adminSlot.signing.publicKey;
    const recoverySlot = createRecoverySlot(vaultId, recovery, dataKey);
    header = sealHeader(dataKey, {
      format: HEADER_FORMAT,
      version: HEADER_VERSION,
      vaultId,
      createdAt: new Date().toISOString(),
      slots: [adminSlot, recoverySlot],
    });
    await writeHeader(paths.header, header);

    const database = VaultDatabase.open(paths.db, dataKey);
    try {
      await migrate(database);
      const now = new Date().toISOString();
      const adminId = randomUUID();
      const recoveryId = randomUUID();
      await database.transaction((db) => {
        db.run("INSERT INTO users (id, name, kind, role, slot_id, created_at) VALUES (?, ?, 'person', 'admin', ?, ?)", [
          adminId,
          options.user,
          adminSlot.id,
          now,
        ]);
        db.run("INSERT INTO users (id, name, kind, role, slot_id, created_at) VALUES (?, 'recovery', 'recovery', 'admin', ?, ?)", [
          recoveryId,
          recoverySlot.id,
          now,
        ]);
        db.run('INSERT INTO signing_keys (public_key, user_id, created_at) VALUES (?, ?, ?)', [adminSlot.signing.publicKey, adminId, now]);
        db.run('INSERT INTO signing_keys (public_key, user_id, created_at) VALUES (?, ?, ?)', [recoverySlot.signing.publicKey, recoveryId, now]);
      });
    } finally {
      await database.close();
    }
    if (existing) await rm(dir, { recursive: true });
    await rename(staging, dir);
    await syncDirectory(dirname(dir));
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    wipe(dataKey, adminSeed, recovery);
    throw error;
  }

  // The session owns dataKey from here (wiped at its lock, or by openSession on failure).
  let session: VaultSession | undefined;
  try {
    const adminSlot = header.slots.find((slot) => slot.id === adminSlotId);
    if (!adminSlot) throw new Error('the new header lost its admin slot');
    const signingKey = signingKeyFromSeed(adminSeed);
    session = await openSession(vaultPaths(dir), header, { slot: adminSlot, dataKey, signingKey });
    // The first checkpoint begins the key chain: the admin's key as genesis (keyChain.ts).
    await session.mutate(() => ({
      result: undefined,
      events: [
        { action: 'vault.create', target: vaultId },
        { action: 'user.add', target: options.user, after: 'role=admin' },
        { action: 'recovery.create', target: 'recovery' },
      ],
    }));
  } catch (error) {
    // Nothing else holds this session: lock it here, or its key would outlive the failure.
    if (session) await session.lock();
    else wipe(dataKey);
    wipe(recovery);
    throw error;
  } finally {
    wipe(adminSeed);
  }
  const recoveryKey = formatRecoveryKey(recovery);
  wipe(recovery);
  return { session, vaultId, recoveryKey, genesisFingerprint: keyFingerprint(adminPublicKey) };
}

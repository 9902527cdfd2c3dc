import { createPrivateKey, createPublicKey, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { CustodianError } from '../../shared/errors';
import { open, seal } from '../crypto/aesGcm';
import { ARGON2_MAXIMUM, ARGON2_MINIMUM, deriveArgon2, meetsMinimum, withinMaximum } from '../crypto/argon2';
import type { Argon2Params } from '../crypto/argon2';
import { canonicalJson } from '../crypto/canonicalJson';
import { wipe } from '../crypto/wipe';
import type { KeySlot, PassphraseSlot, RecoverySlot } from './vaultHeader';

// Key slots: each wraps the vault's data key (DEK) and the principal's Ed25519 signing seed
// under a key-encryption key (KEK) derived from one credential. The slot's parameters are the
// associated data, so lowering a KDF parameter or moving a slot to another vault breaks the
// unwrap instead of silently weakening it.

const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export const WRONG_CREDENTIAL = 'wrong passphrase or unknown user';

/** The parameters of a slot that its wrapped keys are bound to. */
interface SlotParams {
  id: string;
  kind: KeySlot['kind'];
  user?: string;
  kdf: KeySlot['kdf'];
}

function dataKeyAad(vaultId: string, slot: SlotParams): Buffer {
  const { id, kind, kdf } = slot;
  const user = slot.user ?? null;
  return Buffer.from(canonicalJson({ purpose: 'custodian data key v1', vaultId, id, kind, user, kdf }));
}

function signingAad(vaultId: string, slotId: string, publicKey: string): Buffer {
  return Buffer.from(canonicalJson({ purpose: 'custodian signing key v1', vaultId, slotId, publicKey }));
}

export function signingKeyFromSeed(seed: Uint8Array): KeyObject {
  const der = Buffer.concat([ED25519_PKCS8_PREFIX, seed]);
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } finally {
    der.fill(0);
  }
}

export function publicKeyBase64(privateKey: KeyObject): string {
  return createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64');
}

/** What opening a slot yields. The caller owns `dataKey` and must wipe it at lock. */
export interface OpenedSlot {
  slot: KeySlot;
  dataKey: Buffer;
  signingKey: KeyObject;
}

function wrapSlotSecrets<S extends SlotParams>(vaultId: string, slot: S, kek: Buffer, dataKey: Uint8Array, seed: Uint8Array) {
  const publicKey = publicKeyBase64(signingKeyFromSeed(seed));
  return {
    ...slot,
    wrappedDataKey: seal(kek, dataKey, dataKeyAad(vaultId, slot)),
    signing: { publicKey, wrappedSeed: seal(kek, seed, signingAad(vaultId, slot.id, publicKey)) },
  };
}

function unwrapSlotSecrets(vaultId: string, slot: KeySlot, kek: Buffer): OpenedSlot | null {
  const dataKey = open(kek, slot.wrappedDataKey, dataKeyAad(vaultId, slot));
  if (!dataKey) return null;
  const seed = open(kek, slot.signing.wrappedSeed, signingAad(vaultId, slot.id, slot.signing.publicKey));
  if (!seed) {
    wipe(dataKey);
    return null;
  }
  try {
    const signingKey = signingKeyFromSeed(seed);
    if (publicKeyBase64(signingKey) !== slot.signing.publicKey) {
      wipe(dataKey);
      return null;
    }
    return { slot, dataKey, signingKey };
  } finally {
    wipe(seed);
  }
}

/**
 * @param seed the user's Ed25519 seed to keep (passphrase change); a new one when omitted.
 */
export async function createPassphraseSlot(
  vaultId: string,
  user: string,
  passphrase: Uint8Array,
  dataKey: Uint8Array,
  kdf: Omit<Argon2Params, 'salt'>,
  existingSeed?: Uint8Array,
): Promise<PassphraseSlot> {
  if (!meetsMinimum(kdf)) throw new Error('KDF parameters below the minimum');
  const params: Argon2Params = { ...kdf, alg: 'argon2id', salt: randomBytes(16).toString('base64') };
  const kek = await deriveArgon2(passphrase, params);
  const seed = existingSeed ? Buffer.from(existingSeed) : randomBytes(32);
  try {
    return wrapSlotSecrets(vaultId, { id: randomUUID(), kind: 'passphrase' as const, user, kdf: params }, kek, dataKey, seed);
  } finally {
    wipe(kek, seed);
  }
}

/**
 * @throws CustodianError('vault_tampered') if any passphrase slot's KDF parameters are below the
 *   minimum or above the maximum (nobody but an attacker writes those, and the maximum keeps an
 *   edited header from running unlock out of memory); ('wrong_passphrase') for a wrong
 *   passphrase or unknown user, indistinguishably.
 */
export async function openPassphraseSlot(vaultId: string, slots: readonly KeySlot[], user: string, passphrase: Uint8Array): Promise<OpenedSlot> {
  const passphraseSlots = slots.filter((s): s is PassphraseSlot => s.kind === 'passphrase');
  // Every slot, not only the user's: an unknown name derives with another slot's parameters.
  if (passphraseSlots.some((s) => !meetsMinimum(s.kdf))) {
    throw new CustodianError(
      'vault_tampered',
      `The vault header asks for weaker key derivation than Custodian ever writes (below m=${String(ARGON2_MINIMUM.m / 1024)} MiB, t=${String(ARGON2_MINIMUM.t)}, p=${String(ARGON2_MINIMUM.p)}): it was edited. Restore vault.header from a backup.`,
    );
  }
  if (passphraseSlots.some((s) => !withinMaximum(s.kdf))) {
    throw new CustodianError(
      'vault_tampered',
      `The vault header asks for costlier key derivation than Custodian ever writes (above m=${String(ARGON2_MAXIMUM.m / 1024)} MiB, t=${String(ARGON2_MAXIMUM.t)}, p=${String(ARGON2_MAXIMUM.p)}): it was edited. Restore vault.header from a backup.`,
    );
  }
  const slot = passphraseSlots.find((s) => s.user === user);
  // Unknown user: the same derivation a real slot costs (the first one's parameters, a fresh
  // salt), so the time taken does not tell whether the name exists.
  const model = slot ?? passphraseSlots[0];
  const params = slot?.kdf ?? {
    alg: 'argon2id' as const,
    ...(model ? { m: model.kdf.m, t: model.kdf.t, p: model.kdf.p } : ARGON2_MINIMUM),
    salt: randomBytes(16).toString('base64'),
  };
  const kek = await deriveArgon2(passphrase, params);
  try {
    const opened = slot ? unwrapSlotSecrets(vaultId, slot, kek) : null;
    if (opened) return opened;
    // The signing seed is bound to the slot id and public key only; the data key also to the
    // user name and kind. If the passphrase opens the seed but not the data key, the passphrase
    // is right and the slot's recorded parameters were edited: tampering, not a wrong guess.
    const seed = slot ? open(kek, slot.signing.wrappedSeed, signingAad(vaultId, slot.id, slot.signing.publicKey)) : null;
    if (seed) {
      wipe(seed);
      throw new CustodianError(
        'vault_tampered',
        `The passphrase opens the key slot listed for ${user}, but the slot's recorded details were edited outside Custodian. Restore vault.header from a backup.`,
      );
    }
    throw new CustodianError('wrong_passphrase', WRONG_CREDENTIAL);
  } finally {
    wipe(kek);
  }
}

function recoveryKek(recoveryKey: Uint8Array, salt: string): Buffer {
  return Buffer.from(hkdfSync('sha256', recoveryKey, Buffer.from(salt, 'base64'), 'custodian recovery slot v1', 32));
}

/** `seed`: the recovery principal's Ed25519 seed (default: a new random one); the caller wipes it. */
export function createRecoverySlot(vaultId: string, recoveryKey: Uint8Array, dataKey: Uint8Array, seed?: Uint8Array): RecoverySlot {
  const kdf = { alg: 'hkdf-sha256' as const, salt: randomBytes(16).toString('base64') };
  const kek = recoveryKek(recoveryKey, kdf.salt);
  const ownSeed = seed ? null : randomBytes(32);
  try {
    return wrapSlotSecrets(vaultId, { id: randomUUID(), kind: 'recovery' as const, kdf }, kek, dataKey, seed ?? (ownSeed as Buffer));
  } finally {
    wipe(kek);
    if (ownSeed) wipe(ownSeed);
  }
}

/** @throws CustodianError('wrong_passphrase') if the recovery key does not open the vault. */
export function openRecoverySlot(vaultId: string, slots: readonly KeySlot[], recoveryKey: Uint8Array): OpenedSlot {
  const slot = slots.find((s): s is RecoverySlot => s.kind === 'recovery');
  if (!slot) throw new CustodianError('wrong_passphrase', 'This vault has no recovery key slot.');
  const kek = recoveryKek(recoveryKey, slot.kdf.salt);
  try {
    const opened = unwrapSlotSecrets(vaultId, slot, kek);
    if (!opened) throw new CustodianError('wrong_passphrase', 'That recovery key does not open this vault.');
    return opened;
  } finally {
    wipe(kek);
  }
}

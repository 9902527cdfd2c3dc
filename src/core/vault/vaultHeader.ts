import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { CustodianError } from '../../shared/errors';
import { canonicalJson } from '../crypto/canonicalJson';
import { writeFileAtomic } from '../fs/atomicWrite';

// vault.header: plaintext JSON, authenticated by an HMAC keyed from the data key. It holds the
// key slots (LUKS style): each wraps the same data key under a key derived from one credential.

export const HEADER_FORMAT = 'custodian-vault';
export const HEADER_VERSION = 1;

const sealedBox = z.object({ nonce: z.string(), ciphertext: z.string() }).strict();

const argon2Kdf = z
  .object({
    alg: z.literal('argon2id'),
    m: z.number().int().positive(),
    t: z.number().int().positive(),
    p: z.number().int().positive(),
    salt: z.string().min(16),
  })
  .strict();

const hkdfKdf = z.object({ alg: z.literal('hkdf-sha256'), salt: z.string().min(16) }).strict();

/** The user's Ed25519 signing key: seed wrapped under the slot's KEK; public key in clear. */
const signingKey = z.object({ publicKey: z.string(), wrappedSeed: sealedBox }).strict();

const passphraseSlot = z
  .object({
    id: z.uuid(),
    kind: z.literal('passphrase'),
    user: z.string().min(1).max(64),
    kdf: argon2Kdf,
    wrappedDataKey: sealedBox,
    signing: signingKey,
  })
  .strict();

const recoverySlot = z
  .object({
    id: z.uuid(),
    kind: z.literal('recovery'),
    kdf: hkdfKdf,
    wrappedDataKey: sealedBox,
    signing: signingKey,
  })
  .strict();

export const slotSchema = z.discriminatedUnion('kind', [passphraseSlot, recoverySlot]);

export const headerSchema = z
  .object({
    format: z.literal(HEADER_FORMAT),
    version: z.number().int(),
    vaultId: z.uuid(),
    createdAt: z.string(),
    slots: z.array(slotSchema).min(1),
    mac: z.string(),
  })
  .strict();

export type VaultHeader = z.infer<typeof headerSchema>;
export type KeySlot = z.infer<typeof slotSchema>;
export type PassphraseSlot = z.infer<typeof passphraseSlot>;
export type RecoverySlot = z.infer<typeof recoverySlot>;
export type UnsignedHeader = Omit<VaultHeader, 'mac'>;

function macKey(dataKey: Uint8Array, vaultId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.from(vaultId), 'custodian header mac v1', 32));
}

export function computeHeaderMac(dataKey: Uint8Array, header: UnsignedHeader): string {
  const key = macKey(dataKey, header.vaultId);
  try {
    const { format, version, vaultId, createdAt, slots } = header;
    return createHmac('sha256', key).update(canonicalJson({ format, version, vaultId, createdAt, slots })).digest('base64');
  } finally {
    key.fill(0);
  }
}

/** @throws CustodianError('vault_tampered') when the MAC does not match. */
export function verifyHeaderMac(dataKey: Uint8Array, header: VaultHeader): void {
  const expected = Buffer.from(computeHeaderMac(dataKey, header), 'base64');
  const given = Buffer.from(header.mac, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new CustodianError(
      'vault_tampered',
      'The vault header has been modified outside Custodian (its key slots or settings do not match its signature). Nothing was opened; restore vault.header from a backup.',
    );
  }
}

export function sealHeader(dataKey: Uint8Array, header: UnsignedHeader): VaultHeader {
  return { ...header, mac: computeHeaderMac(dataKey, header) };
}

/**
 * @throws CustodianError('vault_not_found') if there is no header; ('vault_tampered') if it is
 *   not a valid header; ('unsupported_version') if it is newer than this build.
 */
export async function readHeader(file: string): Promise<VaultHeader> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new CustodianError('vault_not_found', 'No Custodian vault here (vault.header is missing).');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CustodianError('vault_tampered', 'vault.header is not valid JSON: it is damaged. Restore it from a backup.');
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > HEADER_VERSION) {
    throw new CustodianError('unsupported_version', `This vault was written by a newer Custodian (format ${String(version)}). Update Custodian to open it.`);
  }
  const parsed = headerSchema.safeParse(json);
  if (!parsed.success || parsed.data.version !== HEADER_VERSION) {
    throw new CustodianError('vault_tampered', 'vault.header does not have the expected structure: it is damaged or was edited. Restore it from a backup.');
  }
  // Byte-exact: the MAC covers the header's meaning, this covers its bytes, so even a change
  // of whitespace or key order (which the MAC would not see) is refused.
  if (serializeHeader(parsed.data) !== text) {
    throw new CustodianError('vault_tampered', 'vault.header was edited outside Custodian (it is not in the form Custodian writes). Restore it from a backup.');
  }
  return parsed.data;
}

/** The one byte form of a header: keys sorted at every level, two-space indent, final newline. */
export function serializeHeader(header: VaultHeader): string {
  return `${JSON.stringify(JSON.parse(canonicalJson(header)), null, 2)}\n`;
}

export async function writeHeader(file: string, header: VaultHeader): Promise<void> {
  await writeFileAtomic(file, serializeHeader(header));
}

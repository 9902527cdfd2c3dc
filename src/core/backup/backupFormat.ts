import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { pack } from 'tar-stream';
import { z } from 'zod';
import { CustodianError } from '../../shared/errors';

// A backup is one uncompressed tar file (ustar, written by tar-stream):
//
//   custodian-backup.json   the manifest: format, version, vault id, and for every entry below
//                           its name, size and SHA-256, in the order the entries follow
//   vault.header            as in the vault (public, MAC'd by the data key)
//   log.head                the newest signed audit checkpoint (absent only in a vault without one)
//   vault.db                a consistent SQLCipher copy, encrypted with the vault's data key
//   blobs/ab/<32 hex>       every evidence blob the database copy refers to (age files)
//   custodian-backup.mac    64 hex digits and a newline: HMAC-SHA256, keyed by
//                           HKDF-SHA256(dataKey, salt = vault id, info = 'custodian backup mac v1'),
//                           over the SHA-256 of every byte of the file before this entry's header
//
// Nothing plaintext goes in: the header is public by design, the rest is ciphertext. Only a key
// slot (passphrase or recovery key) yields the data key that opens the database and checks the
// MAC. Since the MAC covers every byte before its entry, and the last 2048 bytes (MAC entry
// header, MAC text, end-of-archive blocks) must be exactly what the writer produces, a change of
// any single byte of the file is refused.

export const BACKUP_FORMAT = 'custodian-backup';
export const BACKUP_VERSION = 1;
export const MANIFEST_NAME = 'custodian-backup.json';
export const MAC_NAME = 'custodian-backup.mac';
/** The MAC entry's header (512), its text padded to a block (512), end of archive (1024). */
export const TRAILER_BYTES = 2048;
/** Entries are plain files, owner-only. */
export const ENTRY_MODE = 0o600;
const MAC_TEXT_BYTES = 65;

/** Bounds on the small entries, so a forged size cannot make the reader buffer much. */
export const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
const MAX_SMALL_ENTRY_BYTES = 1024 * 1024;

const entrySchema = z
  .object({
    name: z.string(),
    size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();

const manifestSchema = z
  .object({
    format: z.literal(BACKUP_FORMAT),
    version: z.number().int().positive(),
    vaultId: z.uuid(),
    createdAt: z.iso.datetime(),
    entries: z.array(entrySchema),
  })
  .strict();

export type BackupEntry = z.infer<typeof entrySchema>;
export type BackupManifest = z.infer<typeof manifestSchema>;

/** The kinds of file a backup may hold, by name. */
export type EntryKind = 'header' | 'logHead' | 'db' | 'blob';

/**
 * @returns what an entry name denotes, or null for any name a backup may not contain (anything
 *   with '..', absolute paths, unknown files, malformed blob names or shards).
 */
export function entryKind(name: string): EntryKind | null {
  if (name === 'vault.header') return 'header';
  if (name === 'log.head') return 'logHead';
  if (name === 'vault.db') return 'db';
  const blob = /^blobs\/([0-9a-f]{2})\/([0-9a-f]{32})$/.exec(name);
  if (blob?.[2]?.startsWith(blob[1] ?? '-')) return 'blob';
  return null;
}

/** @returns the blob's name (32 hex) for a blob entry. */
export function blobNameOf(entryName: string): string {
  return entryName.slice('blobs/ab/'.length);
}

export function blobEntryName(blobName: string): string {
  return `blobs/${blobName.slice(0, 2)}/${blobName}`;
}

/** The exact length of a backup with these entries: each framed in 512-byte blocks, plus the trailer. */
export function backupFileSize(manifestBytes: number, entries: readonly BackupEntry[]): number {
  const framed = (size: number) => 512 + Math.ceil(size / 512) * 512;
  return entries.reduce((sum, entry) => sum + framed(entry.size), framed(manifestBytes)) + TRAILER_BYTES;
}

/** The one error for a backup that is not exactly what Custodian wrote. */
export function backupDamaged(why: string): CustodianError {
  return new CustodianError('vault_tampered', `The backup is damaged or was modified: ${why}.`);
}

/**
 * Parses and checks a manifest: known format, every name allowed and unique, vault.header and
 * vault.db present, small entries small.
 * @throws CustodianError('vault_tampered'), or ('unsupported_version') for a newer format.
 */
export function parseManifest(bytes: Buffer): BackupManifest {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw backupDamaged('its manifest is not valid JSON');
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > BACKUP_VERSION) {
    throw new CustodianError(
      'unsupported_version',
      `This backup was written by a newer Custodian (backup format ${String(version)}). Update Custodian to restore it.`,
    );
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success || parsed.data.version !== BACKUP_VERSION) throw backupDamaged('its manifest does not have the expected structure');
  const seen = new Set<string>();
  for (const entry of parsed.data.entries) {
    const kind = entryKind(entry.name);
    if (!kind) throw backupDamaged(`its manifest names a file a vault does not have (${JSON.stringify(entry.name.slice(0, 80))})`);
    if (seen.has(entry.name)) throw backupDamaged(`its manifest names ${entry.name} twice`);
    seen.add(entry.name);
    if ((kind === 'header' || kind === 'logHead') && entry.size > MAX_SMALL_ENTRY_BYTES)
      throw backupDamaged(`its manifest gives ${entry.name} an impossible size`);
  }
  if (!seen.has('vault.header') || !seen.has('vault.db')) throw backupDamaged('it lacks vault.header or vault.db');
  return parsed.data;
}

function macKey(dataKey: Uint8Array, vaultId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.from(vaultId), 'custodian backup mac v1', 32));
}

/** HMAC-SHA256 over `prefixSha256`, the SHA-256 of every byte before the MAC entry. */
export function computeBackupMac(dataKey: Uint8Array, vaultId: string, prefixSha256: Buffer): Buffer {
  const key = macKey(dataKey, vaultId);
  try {
    return createHmac('sha256', key).update(prefixSha256).digest();
  } finally {
    key.fill(0);
  }
}

export function backupMacMatches(dataKey: Uint8Array, vaultId: string, prefixSha256: Buffer, mac: Buffer): boolean {
  const expected = computeBackupMac(dataKey, vaultId, prefixSha256);
  return mac.length === expected.length && timingSafeEqual(mac, expected);
}

/** The MAC entry's text: 64 lowercase hex digits and a newline. */
export function macText(mac: Buffer): string {
  return `${mac.toString('hex')}\n`;
}

/** @returns the MAC in a MAC entry's text, or null if the text is not exactly that form. */
export function parseMacText(text: Buffer): Buffer | null {
  if (text.length !== MAC_TEXT_BYTES || !/^[0-9a-f]{64}\n$/.test(text.toString('latin1'))) return null;
  return Buffer.from(text.subarray(0, 64).toString('latin1'), 'hex');
}

/** Whole seconds: what a tar header can carry. */
export function tarTime(iso: string): Date {
  return new Date(Math.floor(Date.parse(iso) / 1000) * 1000);
}

/**
 * The exact last TRAILER_BYTES of a backup: the MAC entry and the end-of-archive blocks, as the
 * writer produces them. The reader compares the file's tail with this byte for byte.
 */
export async function trailerBytes(mac: Buffer, createdAt: string): Promise<Buffer> {
  const tar = pack();
  tar.entry({ name: MAC_NAME, size: MAC_TEXT_BYTES, mode: ENTRY_MODE, mtime: tarTime(createdAt), type: 'file' }, macText(mac));
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  if (bytes.length !== TRAILER_BYTES) throw new Error('unexpected tar trailer layout');
  return bytes;
}

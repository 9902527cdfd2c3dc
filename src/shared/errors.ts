import { z } from 'zod';

/**
 * The closed set of error codes that may cross the IPC boundary.
 * Add a code here (and nowhere else) when core gains a new failure the UI must tell apart.
 */
export const ERROR_CODES = [
  'validation_failed',
  'unknown_channel',
  'forbidden_sender',
  'permission_denied',
  'not_found',
  'conflict',
  'wrong_passphrase',
  'wrong_key',
  'weak_passphrase',
  'vault_locked',
  'vault_exists',
  'vault_not_found',
  'vault_tampered',
  'disk_full',
  'unsupported_version',
  'log_tampered',
  'blob_tampered',
  /** A packet zip refused before unpacking: unsafe names, links, duplicates, a zip bomb. */
  'packet_unsafe',
  /** A packet that does not verify: altered, missing or extra files, a bad signature or proof. */
  'packet_tampered',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const ipcErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
});

export type IpcError = z.infer<typeof ipcErrorSchema>;

/**
 * The only error type core may throw on purpose. Its message is shown to the user, so it must
 * say what happened and what to do, and must never contain key material, passphrases or PII.
 */
export class CustodianError extends Error {
  override readonly name = 'CustodianError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Exit codes scripts can rely on: 0 success, 1 any other failure, 2 usage error,
 * 3 wrong passphrase or unknown user, 4 tampering detected (header, log, blob or packet),
 * 5 permission denied.
 *
 * Async because shared/errors (and with it zod) is loaded only here, when a command has failed.
 */
export async function exitCodeFor(error: unknown): Promise<number> {
  const { CustodianError } = await import('../shared/errors');
  if (!(error instanceof CustodianError)) return 1;
  switch (error.code) {
    case 'validation_failed':
    case 'weak_passphrase':
      return 2;
    case 'wrong_passphrase':
      return 3;
    case 'vault_tampered':
    case 'log_tampered':
    case 'blob_tampered':
    case 'packet_tampered':
    case 'packet_unsafe':
      return 4;
    case 'permission_denied':
      return 5;
    default:
      return 1;
  }
}

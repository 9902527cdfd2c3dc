import type { CustodianError, ErrorCode } from '../shared/errors';

/**
 * A CustodianError for the CLI to throw: `throw await custodianError(code, message)`.
 * shared/errors pulls in zod, so it is loaded only once a command actually fails; `custodian
 * --version` and `--help` never load it.
 */
export async function custodianError(code: ErrorCode, message: string): Promise<CustodianError> {
  const errors = await import('../shared/errors');
  return new errors.CustodianError(code, message);
}

import { CustodianError } from '../../shared/errors';

/** A reason is one line of printable text: the log is printed line by line, so a newline would forge one. */
const REASON = /^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]{10,1000}$/u;

/**
 * The reason given for a logged decision (acknowledging a log problem, disabling a framework),
 * trimmed. @throws CustodianError('validation_failed'), naming `what` it is for.
 */
export function oneLineReason(reason: string | undefined, what: string): string {
  const said = (reason ?? '').trim();
  if (!REASON.test(said)) {
    throw new CustodianError('validation_failed', `Say why ${what} in one line of 10 to 1,000 characters, without control characters.`);
  }
  return said;
}

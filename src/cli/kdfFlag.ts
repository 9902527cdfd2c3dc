import { CustodianError } from '../shared/errors';

/** `--kdf calibrate|minimum`: the Argon2id cost of new passphrase slots. */
export function parseKdfFlag(value: string): 'calibrate' | 'minimum' {
  if (value === 'calibrate' || value === 'minimum') return value;
  throw new CustodianError('validation_failed', '--kdf must be calibrate or minimum');
}

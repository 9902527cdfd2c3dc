import { custodianError } from './errors';

/** `--kdf calibrate|minimum`: the Argon2id cost of new passphrase slots. */
export async function parseKdfFlag(value: string): Promise<'calibrate' | 'minimum'> {
  if (value === 'calibrate' || value === 'minimum') return value;
  throw await custodianError('validation_failed', '--kdf must be calibrate or minimum');
}

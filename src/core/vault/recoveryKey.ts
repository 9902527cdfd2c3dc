import { createHash } from 'node:crypto';
import { base32crockford } from '@scure/base';
import { CustodianError } from '../../shared/errors';

// The recovery key: 256 random bits shown once, printable, with a 16-bit checksum so a typo is
// caught before a slow unlock attempt. Crockford base32 (no I, L, O, U; case-insensitive), in
// groups of five: 11 groups, 55 characters.

const CHECKSUM_BYTES = 2;

function checksum(key: Uint8Array): Buffer {
  return createHash('sha256').update('custodian recovery key').update(key).digest().subarray(0, CHECKSUM_BYTES);
}

export function formatRecoveryKey(key: Uint8Array): string {
  if (key.length !== 32) throw new Error('a recovery key is 32 bytes');
  const text = base32crockford.encode(Buffer.concat([key, checksum(key)]));
  return text.match(/.{1,5}/g)?.join('-') ?? text;
}

/**
 * @returns the 32 key bytes (caller wipes them).
 * @throws CustodianError('validation_failed') for a mistyped key (wrong length or checksum).
 */
export function parseRecoveryKey(text: string): Buffer {
  const compact = text.replace(/[\s-]/g, '').toUpperCase();
  let bytes: Uint8Array;
  try {
    bytes = base32crockford.decode(compact);
  } catch {
    throw new CustodianError('validation_failed', 'That is not a recovery key: check for typing mistakes.');
  }
  if (bytes.length !== 32 + CHECKSUM_BYTES) {
    throw new CustodianError('validation_failed', 'That recovery key has the wrong length: check for missing groups.');
  }
  const key = Buffer.from(bytes.subarray(0, 32));
  if (!checksum(key).equals(Buffer.from(bytes.subarray(32)))) {
    key.fill(0);
    throw new CustodianError('validation_failed', 'That recovery key has a typing mistake (its checksum does not match).');
  }
  return key;
}

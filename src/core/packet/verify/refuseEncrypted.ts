import { open } from 'node:fs/promises';
import { CustodianError } from '../../../shared/errors';

// Before a packet is opened as a zip: an age-encrypted packet (custodian packet build
// --recipient) is refused with how to decrypt it, rather than reported as a damaged zip.

const AGE_MAGIC = ['age-encryption.org/v1', '-----BEGIN AGE ENCRYPTED FILE-----'];

/** @throws CustodianError('not_found') if the file cannot be read, ('validation_failed') for an age-encrypted file. */
export async function refuseEncrypted(file: string): Promise<void> {
  let head: Buffer;
  try {
    const handle = await open(file, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(64), 0, 64, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new CustodianError('not_found', `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`, { cause: error });
  }
  if (AGE_MAGIC.some((magic) => head.toString('latin1').startsWith(magic))) {
    throw new CustodianError(
      'validation_failed',
      `${file} is encrypted with age: decrypt it first with age -d (age -d -i KEY -o packet.zip ${file}), then verify packet.zip.`,
    );
  }
}

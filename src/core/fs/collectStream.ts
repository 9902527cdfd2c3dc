import { Writable } from 'node:stream';
import { CustodianError } from '../../shared/errors';
import { wipe } from '../crypto/wipe';

/**
 * Collects a stream into one buffer no larger than `limit` (more fails the write with a
 * `validation_failed` error saying `tooLarge`). For decrypted plaintext: `take()` and `discard()`
 * wipe the chunks.
 */
export class CollectStream extends Writable {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(
    private readonly limit: number,
    private readonly tooLarge: string,
  ) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.size += chunk.length;
    if (this.size > this.limit) {
      callback(new CustodianError('validation_failed', this.tooLarge));
      return;
    }
    this.chunks.push(chunk);
    callback();
  }

  take(): Buffer {
    const whole = Buffer.concat(this.chunks, this.size);
    wipe(...this.chunks);
    return whole;
  }

  discard(): void {
    wipe(...this.chunks);
  }
}

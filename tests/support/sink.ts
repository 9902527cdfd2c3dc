import { Writable } from 'node:stream';

/** A Writable that keeps what it receives, for reading decrypted evidence back in tests. */
export function sink(): { stream: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  return {
    stream: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        callback();
      },
    }),
    bytes: () => Buffer.concat(chunks),
  };
}

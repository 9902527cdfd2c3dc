import type { Readable } from 'node:stream';
import yazl from 'yazl';

/**
 * A zip written the same way every time: entries in the order added (the builder adds them
 * sorted, and this refuses any other order), every entry stamped with one fixed time and mode
 * 0644, no directory entries, deflate only for what compresses (the caller says). Same inputs,
 * same bytes (on one Node version: deflate's output is zlib's).
 *
 * Hazard: a zip's DOS timestamp is in local time. yazl reads the Date's local fields, so the
 * Date given to yazl is shifted by the zone offset to make those fields read the UTC time:
 * builds in different time zones give the same bytes. No extended-timestamp field is written
 * (it would carry the shifted instant).
 */
export class PacketZip {
  private readonly zip = new yazl.ZipFile();
  private last: string | null = null;
  private readonly mtime: Date;

  /** `root`: the one top folder every entry goes under ("packet-<id>/"). */
  constructor(
    private readonly root: string,
    time: Date,
  ) {
    if (!/^[A-Za-z0-9._-]+\/$/.test(root)) throw new Error('the packet root is one plain folder name ending in /');
    this.mtime = new Date(time.getTime() + time.getTimezoneOffset() * 60_000);
  }

  /** The zip's bytes, as entries are added; ends after `end()`. */
  get output(): NodeJS.ReadableStream & Readable {
    // yazl's outputStream is a PassThrough: a Readable, typed by @types/yazl as the interface.
    return this.zip.outputStream as unknown as NodeJS.ReadableStream & Readable;
  }

  private next(path: string): string {
    if (this.last !== null && !(Buffer.compare(Buffer.from(this.last), Buffer.from(path)) < 0)) {
      throw new Error(`packet entries must be added in byte order: ${path} after ${this.last}`);
    }
    this.last = path;
    return this.root + path;
  }

  private options(compress: boolean): Partial<yazl.Options> {
    // DOS time only: yazl's extended-timestamp field would carry the zone-shifted instant.
    return { mtime: this.mtime, mode: 0o100644, compress, forceDosTimestamp: true };
  }

  addBuffer(path: string, bytes: Uint8Array, compress = true): void {
    this.zip.addBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), this.next(path), this.options(compress));
  }

  /**
   * Adds an entry whose bytes come from `open()`, called only when the zip reaches the entry
   * (every earlier entry is then fully written): for evidence decrypted one file at a time, and
   * for manifests made from the digests of everything before them. An error from the stream
   * fails the whole zip's output.
   */
  addLazy(path: string, open: () => Readable | Promise<Readable>, options: { size?: number; compress?: boolean } = {}): void {
    const output = this.output;
    this.zip.addReadStreamLazy(
      this.next(path),
      { ...this.options(options.compress ?? false), ...(options.size === undefined ? {} : { size: options.size }) },
      (callback) => {
        Promise.resolve()
          .then(open)
          .then(
            (stream) => {
              stream.on('error', (error) => output.destroy(error));
              callback(null, stream);
            },
            (error: unknown) => output.destroy(error instanceof Error ? error : new Error(String(error))),
          );
      },
    );
  }

  end(): void {
    this.zip.end();
  }
}

import { close, fstat, open, read } from 'node:fs';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import type { Entry, LocalFileHeader, ZipFile } from 'yauzl';
import { RandomAccessReader, fromRandomAccessReader } from 'yauzl';
import { CustodianError } from '../../shared/errors';
import { StoredDataScan, checkCentralDirectorySize, checkEntryLayout, readZipEnd, smuggledEntry } from './verify/zipLayout';
import type { ReadAt } from './verify/zipLayout';

/**
 * Opens a packet zip for reading in place, refusing anything unsafe from its end records, central
 * directory and local headers, before any entry's data is read: nothing is ever extracted to
 * disk, and what the caller hashes is what `unzip`, Python's zipfile or a streaming extractor
 * would write (same names, same bytes: ./verify/zipLayout.ts leaves no room for a second reading).
 */

export interface ArchiveLimits {
  /** Entries in the central directory. */
  maxEntries: number;
  /** Sum of the declared uncompressed sizes. */
  maxTotalBytes: number;
  /** Largest uncompressed/compressed ratio of one entry... */
  maxCompressionRatio: number;
  /** ...counted only for entries declared larger than this (a small entry cannot inflate far). */
  ratioFloorBytes: number;
}

const MIB = 1024 * 1024;

export const ARCHIVE_LIMITS: Readonly<ArchiveLimits> = {
  maxEntries: 200_000,
  maxTotalBytes: 64 * 1024 * MIB,
  maxCompressionRatio: 1000,
  ratioFloorBytes: MIB,
};

export interface ArchiveEntry {
  /** The whole name as stored: `packet-<id>/data/report.pdf`. */
  readonly name: string;
  /** The name under the top folder: `data/report.pdf`. */
  readonly path: string;
  /** Declared uncompressed size (reading fails if the data inflates past it). */
  readonly size: number;
  readonly compressedSize: number;
}

export interface PacketArchive {
  /** The one top folder, without its slash: `packet-<id>`. */
  readonly root: string;
  /**
   * Every entry, in the order its data lies in the file: reading them in this order reads the
   * file once, front to back.
   */
  readonly entries: readonly ArchiveEntry[];
  /** Sum of the declared uncompressed sizes. */
  readonly totalBytes: number;
  /**
   * The entry's bytes as they inflate, in chunks. Fails (CustodianError) if the entry inflates
   * past its declared size ('packet_unsafe'), or its local header disagrees with the central
   * directory ('packet_unsafe'), or it is stored with a data descriptor and holds a lookalike of
   * one ('packet_unsafe': ./verify/zipLayout.ts StoredDataScan), or its data is damaged: short,
   * undecodable, or a CRC-32 that differs ('packet_tampered'). Stops reading when the loop is
   * left early.
   */
  entryChunks(entry: ArchiveEntry, signal?: AbortSignal): AsyncGenerator<Buffer, void, undefined>;
  /** The whole entry in memory. @throws CustodianError('packet_unsafe') if declared larger than maxBytes. */
  readEntry(entry: ArchiveEntry, maxBytes: number): Promise<Buffer>;
  close(): void;
}

const READ_CHUNK = MIB;
const UTF8_FLAG = 0x800;
const ENCRYPTED_FLAGS = 0x1 | 0x40;
const DESCRIPTOR_FLAG = 0x8;
const UNICODE_PATH_FIELD = 0x7075;
const ZIP64_FIELD = 0x0001;
const CENTRAL_RECORD_SIZE = 46;
const LOCAL_HEADER_SIZE = 30;
const HOST_UNIX = 3;
const HOST_DARWIN = 19;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;
const DOS_DIRECTORY = 0x10;
const DOS_REPARSE_POINT = 0x400;

/**
 * Bytes [start, end) of the file, read in large positional reads. Not fs.createReadStream: that
 * closes its file descriptor when destroyed, and the descriptor is shared by every entry.
 */
class RangeStream extends Readable {
  private position: number;

  constructor(
    private readonly fd: number,
    start: number,
    private readonly end: number,
  ) {
    super({ highWaterMark: READ_CHUNK });
    this.position = start;
  }

  override _read(): void {
    const length = Math.min(READ_CHUNK, this.end - this.position);
    if (length <= 0) {
      this.push(null);
      return;
    }
    const buffer = Buffer.allocUnsafe(length);
    read(this.fd, buffer, 0, length, this.position, (error, bytesRead) => {
      if (error) this.destroy(error);
      else if (bytesRead === 0) this.destroy(new Error('unexpected end of file'));
      else {
        this.position += bytesRead;
        this.push(bytesRead === length ? buffer : buffer.subarray(0, bytesRead));
      }
    });
  }
}

/** yauzl's reader over one file descriptor, with large reads (its own reads 16 KiB at a time). */
class FdReader extends RandomAccessReader {
  constructor(private readonly fd: number) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return new RangeStream(this.fd, start, end);
  }

  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null) => void): void {
    const next = (done: number): void => {
      if (done === length) {
        callback(null);
        return;
      }
      read(this.fd, buffer, offset + done, length - done, position + done, (error, bytesRead) => {
        if (error) callback(error);
        else if (bytesRead === 0) callback(new Error('unexpected end of file'));
        else next(done + bytesRead);
      });
    };
    next(0);
  }

  override close(callback: (err: Error | null) => void): void {
    close(this.fd, callback);
  }
}

function unsafe(name: string, why: string): CustodianError {
  return new CustodianError(
    'packet_unsafe',
    `The packet was refused before anything was unpacked: ${JSON.stringify(name)} ${why}. A packet Custodian writes never holds such an entry; ask the sender for the original file.`,
  );
}

/** The entry's name as unzip would write it, or why it cannot be known. */
function decodeName(entry: Entry): { name: string } | { error: string } {
  const raw = entry.fileNameRaw;
  let name: string;
  if ((entry.generalPurposeBitFlag & UTF8_FLAG) !== 0) {
    try {
      name = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(raw);
    } catch {
      return { error: 'is flagged UTF-8 but is not valid UTF-8' };
    }
  } else {
    // Without the flag, tools disagree on the encoding (CP437, the local code page): plain ASCII only.
    if (raw.some((byte) => byte > 0x7e)) return { error: 'has non-ASCII bytes without the UTF-8 flag, so tools would name it differently' };
    name = raw.toString('latin1');
  }
  for (const field of entry.extraFields) {
    if (field.id !== UNICODE_PATH_FIELD) continue;
    // Info-ZIP's Unicode Path field: some tools use it instead of the name. It must say the same.
    if (field.data.length < 5 || field.data.subarray(5).toString('utf8') !== name)
      return { error: 'carries a second, different name (Unicode Path extra field)' };
  }
  return { name };
}

/**
 * CON, PRN, AUX, NUL, COM0-9, LPT0-9 (and COM¹²³, LPT¹²³, CONIN$, CONOUT$), any case, with or
 * without an extension or trailing dots and spaces: Windows opens the device, not a file.
 */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3]|conin\$|conout\$) *(\.[^/]*)?[. ]*$/i;

/** Why a name is unsafe to extract, or null. */
function nameProblem(name: string): string | null {
  if (name === '') return 'has an empty name';
  // eslint-disable-next-line no-control-regex -- control characters in a name are the hazard checked here
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'has a control character in its name';
  if (name.includes('\\')) return 'has a backslash in its name (a path separator on Windows)';
  if (name.startsWith('/')) return 'is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'starts with a drive letter';
  if (name.includes(':')) return 'has a colon in its name (a drive or alternate data stream on Windows)';
  const segments = name.split('/');
  if (segments.includes('..')) return 'climbs out of its folder (..)';
  if (segments.includes('.')) return 'has a "." path segment';
  if (name.endsWith('/')) return 'is a folder entry (a packet holds files only)';
  if (segments.includes('')) return 'has an empty path segment (//)';
  if (segments.some((segment) => /^[. ]+$/.test(segment))) return 'has a path segment of dots and spaces only (Windows drops it)';
  const device = segments.find((segment) => WINDOWS_DEVICE.test(segment));
  if (device !== undefined) return `has a Windows reserved device name (${JSON.stringify(device)}) as a path segment`;
  return null;
}

/** Why an entry is not a plain file, or null. */
function typeProblem(entry: Entry): string | null {
  const host = entry.versionMadeBy >> 8;
  if (host === HOST_UNIX || host === HOST_DARWIN) {
    const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
    if (type === S_IFLNK) return 'is a symbolic link';
    if (type === S_IFDIR) return 'is a folder entry (a packet holds files only)';
    if (type !== 0 && type !== S_IFREG) return 'is not a regular file (a device, FIFO or socket)';
  }
  if ((entry.externalFileAttributes & DOS_DIRECTORY) !== 0) return 'is a folder entry (a packet holds files only)';
  if ((entry.externalFileAttributes & DOS_REPARSE_POINT) !== 0) return 'is a Windows reparse point (a link)';
  return null;
}

/**
 * Where the same file would land on a case-insensitive, normalising file system that drops each
 * segment's trailing dots and spaces (Windows writes `a.pdf`, `a.pdf.` and `a.pdf ` to one file).
 */
function collisionKey(name: string): string {
  return name
    .normalize('NFC')
    .toLowerCase()
    .split('/')
    .map((segment) => segment.replace(/[. ]+$/, ''))
    .join('/');
}

interface Located {
  entry: Entry;
  view: ArchiveEntry;
}

/** Checks every entry of the central directory (which begins at `cdOffset`); nothing is read. */
function checkDirectory(entries: readonly Entry[], cdOffset: number, limits: ArchiveLimits): { root: string; located: Located[]; totalBytes: number } {
  const seen = new Map<string, string>();
  const located: Located[] = [];
  let root: string | null = null;
  let totalBytes = 0;
  for (const entry of entries) {
    const decoded = decodeName(entry);
    if ('error' in decoded) throw unsafe(entry.fileNameRaw.toString('latin1'), decoded.error);
    const name = decoded.name;
    const problem = nameProblem(name) ?? typeProblem(entry);
    if (problem) throw unsafe(name, problem);
    if ((entry.generalPurposeBitFlag & ENCRYPTED_FLAGS) !== 0) throw unsafe(name, 'is encrypted');
    if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
      throw unsafe(name, `uses compression method ${String(entry.compressionMethod)} (a packet uses only stored and deflate)`);
    }
    const slash = name.indexOf('/');
    if (slash < 0) throw unsafe(name, 'lies outside the packet folder (a packet holds one top folder)');
    const top = name.slice(0, slash);
    if (root === null) root = top;
    else if (top !== root) throw unsafe(name, `lies outside the packet folder ${JSON.stringify(`${root}/`)} (a packet holds one top folder)`);
    const key = collisionKey(name);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw unsafe(
        name,
        earlier === name
          ? 'appears twice'
          : `would overwrite ${JSON.stringify(earlier)} (same name ignoring case, Unicode normalisation or trailing dots and spaces)`,
      );
    }
    // Readers disagree on which of two extra fields of one kind (two Zip64 fields, say) counts.
    const ids = entry.extraFields.map((field) => field.id);
    if (new Set(ids).size !== ids.length) throw unsafe(name, 'has two extra fields of one kind');
    seen.set(key, name);
    totalBytes += entry.uncompressedSize;
    if (entry.uncompressedSize > limits.ratioFloorBytes) {
      const ratio = entry.compressedSize === 0 ? Infinity : entry.uncompressedSize / entry.compressedSize;
      if (ratio > limits.maxCompressionRatio) {
        throw unsafe(
          name,
          `would inflate ${Number.isFinite(ratio) ? String(Math.round(ratio)) : 'unboundedly'} times, beyond ${String(limits.maxCompressionRatio)} (a zip bomb)`,
        );
      }
    }
    located.push({ entry, view: { name, path: name.slice(slash + 1), size: entry.uncompressedSize, compressedSize: entry.compressedSize } });
  }
  if (root === null) throw new CustodianError('packet_unsafe', 'The packet zip is empty.');
  // A file and a folder of the same name cannot both be written.
  for (const key of seen.keys()) {
    for (let at = key.indexOf('/'); at >= 0; at = key.indexOf('/', at + 1)) {
      const folder = seen.get(key.slice(0, at));
      if (folder !== undefined) throw unsafe(folder, 'is both a file and a folder');
    }
  }
  if (totalBytes > limits.maxTotalBytes) {
    throw new CustodianError(
      'packet_unsafe',
      `The packet was refused before anything was unpacked: it would inflate to ${String(Math.round(totalBytes / MIB))} MiB, beyond the limit of ${String(Math.round(limits.maxTotalBytes / MIB))} MiB.`,
    );
  }
  // Entries whose data overlap let a few bytes inflate many times over (overlapping-file zip bombs).
  located.sort((a, b) => a.entry.relativeOffsetOfLocalHeader - b.entry.relativeOffsetOfLocalHeader);
  for (const [index, { entry, view }] of located.entries()) {
    const end = located[index + 1]?.entry.relativeOffsetOfLocalHeader ?? cdOffset;
    if (entry.relativeOffsetOfLocalHeader + LOCAL_HEADER_SIZE + entry.fileNameLength + entry.compressedSize > end) {
      throw unsafe(view.name, 'overlaps the next entry or runs into the central directory');
    }
  }
  return { root, located, totalBytes };
}

function openFd(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    open(file, 'r', (error, fd) => {
      if (error) reject(error);
      else resolve(fd);
    });
  });
}

function openZip(reader: FdReader, size: number): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    // decodeStrings off: names are decoded and judged here, with reasons (yauzl would rewrite
    // backslashes and stop at the first bad name with a terse message).
    fromRandomAccessReader(reader, size, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (error, zipfile) => {
      if (error) reject(error);
      else resolve(zipfile);
    });
  });
}

function lowLevelStream(zipfile: ZipFile, dataStart: number, entry: Entry): Promise<Readable> {
  // yauzl's openReadStreamLowLevelPromise calls the wrong method (3.4.0), so the callback form.
  return new Promise((resolve, reject) => {
    zipfile.openReadStreamLowLevel(
      dataStart,
      entry.compressedSize,
      0,
      entry.compressedSize,
      entry.compressionMethod === 8,
      entry.uncompressedSize,
      (error, stream) => {
        if (error) reject(error);
        else resolve(stream);
      },
    );
  });
}

function damaged(name: string, why: string, cause?: unknown): CustodianError {
  return new CustodianError('packet_tampered', `The packet zip is damaged: ${JSON.stringify(name)} ${why}.`, { cause });
}

/**
 * Opens `file` and checks its layout (./verify/zipLayout.ts: one reading only) and its central
 * directory: one top folder, plain relative names, no Windows device names, regular files only,
 * no duplicates (also ignoring case, Unicode normalisation and trailing dots and spaces), no
 * encryption, within `limits`. Reads the end records, central directory and local headers, no
 * entry's data.
 * @throws CustodianError('packet_unsafe') naming the first entry refused, or
 *   CustodianError('validation_failed') if the file is not a readable zip.
 */
export async function openPacketArchive(file: string, limits: Partial<ArchiveLimits> = {}): Promise<PacketArchive> {
  const bounds: ArchiveLimits = { ...ARCHIVE_LIMITS, ...limits };
  const fd = await openFd(file);
  const reader = new FdReader(fd);
  let size: number;
  let zipfile: ZipFile;
  try {
    size = await new Promise<number>((resolve, reject) => {
      fstat(fd, (error, stats) => {
        if (error) reject(error);
        else resolve(stats.size);
      });
    });
    zipfile = await openZip(reader, size);
  } catch (error) {
    close(fd, () => undefined);
    throw new CustodianError('validation_failed', `${file} is not a readable zip archive (${error instanceof Error ? error.message : String(error)}).`, {
      cause: error,
    });
  }
  const readAt: ReadAt = (position, length) =>
    new Promise((resolve, reject) => {
      const buffer = Buffer.allocUnsafe(length);
      reader.read(buffer, 0, length, position, (error) => {
        if (error) reject(error);
        else resolve(buffer);
      });
    });
  const unreadable = (error: unknown): CustodianError =>
    error instanceof CustodianError
      ? error
      : new CustodianError('validation_failed', `${file} is not a readable zip archive (${error instanceof Error ? error.message : String(error)}).`, {
          cause: error,
        });
  try {
    // The end records first: until they hold, the central directory yauzl found may not be the one other tools read.
    const zipEnd = await readZipEnd(readAt, size).catch((error: unknown) => {
      throw unreadable(error);
    });
    if (zipfile.entryCount !== zipEnd.entryCount) throw unreadable(new Error('the end records disagree on the entry count'));
    if (zipEnd.entryCount > bounds.maxEntries) {
      throw new CustodianError(
        'packet_unsafe',
        `The packet was refused before anything was unpacked: it holds ${String(zipEnd.entryCount)} entries, more than the limit of ${String(bounds.maxEntries)}.`,
      );
    }
    const entries: Entry[] = [];
    try {
      for await (const entry of zipfile.eachEntry()) entries.push(entry);
    } catch (error) {
      throw unreadable(error);
    }
    checkCentralDirectorySize(
      entries.map((e) => CENTRAL_RECORD_SIZE + e.fileNameLength + e.extraFieldLength + e.fileCommentLength),
      zipEnd,
    );
    const { root, located, totalBytes } = checkDirectory(entries, zipEnd.cdOffset, bounds);
    // Last, the local headers (never the data): they tile the file from byte 0 to the central directory.
    await checkEntryLayout(
      readAt,
      located.map(({ entry, view }) => ({
        name: view.name,
        nameRaw: entry.fileNameRaw,
        offset: entry.relativeOffsetOfLocalHeader,
        flags: entry.generalPurposeBitFlag,
        method: entry.compressionMethod,
        crc32: entry.crc32,
        compressedSize: entry.compressedSize,
        uncompressedSize: entry.uncompressedSize,
        zip64: entry.extraFields.some((field) => field.id === ZIP64_FIELD),
      })),
      zipEnd.cdOffset,
    ).catch((error: unknown) => {
      throw unreadable(error);
    });
    const byView = new Map<ArchiveEntry, { entry: Entry; end: number }>();
    for (const [index, item] of located.entries())
      byView.set(item.view, { entry: item.entry, end: located[index + 1]?.entry.relativeOffsetOfLocalHeader ?? zipEnd.cdOffset });

    async function* entryChunks(view: ArchiveEntry, signal?: AbortSignal): AsyncGenerator<Buffer, void, undefined> {
      const found = byView.get(view);
      if (!found) throw new Error('not an entry of this archive');
      const { entry, end } = found;
      let header: LocalFileHeader;
      try {
        header = await zipfile.readLocalFileHeaderPromise(entry);
      } catch (error) {
        throw damaged(view.name, 'has an unreadable local header', error);
      }
      // unzip reads the local header too: it must say what the central directory says.
      if (
        !header.fileName.equals(entry.fileNameRaw) ||
        header.compressionMethod !== entry.compressionMethod ||
        (header.generalPurposeBitFlag & ENCRYPTED_FLAGS) !== 0 ||
        header.fileDataStart + entry.compressedSize > end
      ) {
        throw unsafe(view.name, 'has a local header that disagrees with the central directory');
      }
      let stream: Readable;
      try {
        stream = await lowLevelStream(zipfile, header.fileDataStart, entry);
      } catch (error) {
        throw damaged(view.name, 'cannot be read', error);
      }
      let crc = 0;
      let length = 0;
      // Stored with a data descriptor: only the data itself tells a streaming extractor where it ends.
      const scan = entry.compressionMethod === 0 && (entry.generalPurposeBitFlag & DESCRIPTOR_FLAG) !== 0 ? new StoredDataScan() : null;
      try {
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          signal?.throwIfAborted();
          length += chunk.length;
          if (length > entry.uncompressedSize) throw unsafe(view.name, `inflates past its declared size of ${String(entry.uncompressedSize)} bytes`);
          if (scan) {
            const lookalike = scan.update(chunk);
            if (lookalike !== null) throw smuggledEntry(view.name, lookalike);
          } else {
            crc = crc32(chunk, crc);
          }
          yield chunk;
        }
        if (scan) crc = scan.crc32;
      } catch (error) {
        if (error instanceof CustodianError || signal?.aborted) throw error;
        const message = error instanceof Error ? error.message : String(error);
        if (/too many bytes/.test(message)) throw unsafe(view.name, `inflates past its declared size of ${String(entry.uncompressedSize)} bytes`);
        throw damaged(view.name, `cannot be read (${message})`, error);
      } finally {
        stream.destroy();
      }
      if (length !== entry.uncompressedSize) throw damaged(view.name, `is shorter than its declared size of ${String(entry.uncompressedSize)} bytes`);
      if (crc >>> 0 !== entry.crc32) throw damaged(view.name, 'does not match its CRC-32');
    }

    return {
      root,
      entries: located.map((item) => item.view),
      totalBytes,
      entryChunks,
      readEntry: async (view, maxBytes) => {
        if (view.size > maxBytes) throw unsafe(view.name, `is larger than the ${String(maxBytes)} bytes such a file may have`);
        const chunks: Buffer[] = [];
        for await (const chunk of entryChunks(view)) chunks.push(chunk);
        return Buffer.concat(chunks);
      },
      close: () => {
        zipfile.close();
      },
    };
  } catch (error) {
    zipfile.close();
    throw error;
  }
}

import type { Readable } from 'node:stream';
import type { Entry, ZipFile } from 'yauzl';
import { openPromise } from 'yauzl';
import { CustodianError } from '../../shared/errors';

/** Bounds on what a ZIP may inflate to, checked on its central directory before any inflation. */
export interface ZipBounds {
  /** Sum of the declared uncompressed sizes of all entries. */
  maxUncompressedBytes: number;
  /** Largest uncompressed/compressed ratio of one entry... */
  maxCompressionRatio: number;
  /** ...counted only for entries larger than this (a small entry cannot inflate far). */
  compressionRatioFloorBytes: number;
  maxZipEntries: number;
}

/** A ZIP whose central directory passed the bounds. Close it when done. */
export interface BoundedZip {
  /** Entry names (as stored) to their central-directory records. */
  readonly entries: ReadonlyMap<string, Entry>;
  /**
   * Inflates one entry as UTF-8 text (multi-byte characters never split across chunks).
   * yauzl fails the stream if an entry inflates past its declared size, so the bounds hold
   * for the bytes actually produced, not only for what the directory claims.
   */
  openText(entry: Entry): Promise<Readable>;
  close(): void;
}

const MIB = 1024 * 1024;

function mib(bytes: number): string {
  return `${(bytes / MIB).toFixed(bytes < 10 * MIB ? 1 : 0)} MiB`;
}

/** The message for a ZIP we cannot read. `name` is the file's base name. */
export function damagedZip(name: string, cause?: unknown): CustodianError {
  return new CustodianError(
    'validation_failed',
    `"${name}" is damaged: it is not a readable ZIP archive (an .xlsx workbook is one). Open it in Excel and save it again, or export it as CSV.`,
    { cause },
  );
}

function checkEntry(name: string, entry: Entry, bounds: ZipBounds): void {
  if (entry.isEncrypted()) {
    throw new CustodianError(
      'validation_failed',
      `"${name}" is password-protected (its contents are encrypted). Save it unprotected as .xlsx or CSV and import that.`,
    );
  }
  const inflated = entry.uncompressedSize;
  if (inflated <= bounds.compressionRatioFloorBytes) return;
  const ratio = entry.compressedSize === 0 ? Infinity : inflated / entry.compressedSize;
  if (ratio > bounds.maxCompressionRatio) {
    throw new CustodianError(
      'validation_failed',
      `"${name}" was refused before unpacking: its part ${entry.fileName} would inflate ${Number.isFinite(ratio) ? Math.round(ratio) : 'unboundedly'} times ` +
        `(${mib(inflated)} from ${mib(entry.compressedSize)}), beyond the limit of ${bounds.maxCompressionRatio} times. ` +
        'Such a file is almost always a zip bomb; if it is a genuine workbook, export it as CSV.',
    );
  }
}

/**
 * Opens `file` as a ZIP and reads its central directory only. Nothing is inflated here.
 * @throws CustodianError('validation_failed') if the ZIP is damaged, encrypted, has too many
 *   entries, or would inflate past `bounds` (in total, or one entry by ratio).
 */
export async function openBoundedZip(file: string, name: string, bounds: ZipBounds): Promise<BoundedZip> {
  let zipfile: ZipFile;
  try {
    zipfile = await openPromise(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true });
  } catch (error) {
    throw damagedZip(name, error);
  }
  try {
    if (zipfile.entryCount > bounds.maxZipEntries) {
      throw new CustodianError(
        'validation_failed',
        `"${name}" was refused: it holds ${zipfile.entryCount} parts, more than the ${bounds.maxZipEntries} a workbook may have.`,
      );
    }
    const entries = new Map<string, Entry>();
    let total = 0;
    try {
      for await (const entry of zipfile.eachEntry()) {
        checkEntry(name, entry, bounds);
        total += entry.uncompressedSize;
        entries.set(entry.fileName, entry);
      }
    } catch (error) {
      if (error instanceof CustodianError) throw error;
      throw damagedZip(name, error);
    }
    if (total > bounds.maxUncompressedBytes) {
      throw new CustodianError(
        'validation_failed',
        `"${name}" was refused before unpacking: it would inflate to ${mib(total)}, more than the limit of ${mib(bounds.maxUncompressedBytes)}. ` +
          'Split the workbook, or export the sheet as CSV.',
      );
    }
    return {
      entries,
      openText: async (entry) => {
        if (!entry.canDecodeFileData()) {
          throw new CustodianError(
            'validation_failed',
            `"${name}" uses a compression method Custodian cannot read. Save it again from Excel as .xlsx, or export it as CSV.`,
          );
        }
        let stream: Readable;
        try {
          stream = await zipfile.openReadStreamPromise(entry);
        } catch (error) {
          throw damagedZip(name, error);
        }
        stream.setEncoding('utf8');
        return stream;
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

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { CustodianError } from '../../shared/errors';
import { loadPdfjs } from './loadPdfjs';

const require = createRequire(import.meta.url);
const PDFJS_ROOT = dirname(require.resolve('pdfjs-dist/package.json'));
/**
 * The 14 standard fonts (Helvetica, Times…) that PDFs name without embedding: read from
 * pdfjs-dist's own folder on disk. pdf.js fetches nothing else: no cMaps, no wasm, no network.
 */
const STANDARD_FONTS = `${pathToFileURL(join(PDFJS_ROOT, 'standard_fonts')).pathname}/`;

/** A file read in pieces (an EncryptedSpill): pdf.js asks only for the ranges it parses. */
export interface RandomAccessSource {
  readonly size: number;
  read(position: number, length: number): Promise<Uint8Array>;
}

const failures = new WeakMap<PDFDocumentProxy, Promise<never>>();

/**
 * `work` on a document openPdf opened, rejected as soon as one of its range reads fails (pdf.js
 * itself would wait for the range for ever). Every call on a ranged document goes through this.
 */
export function whileReadable<T>(doc: PDFDocumentProxy, work: Promise<T>): Promise<T> {
  const failed = failures.get(doc);
  return failed ? Promise.race([work, failed]) : work;
}

/**
 * Opens a PDF with pdf.js (legacy build, for Node) with everything active switched off: no
 * eval, no XFA, no scripting.
 *
 * Refuses, as a `validation_failed` CustodianError with a message for the officer: an encrypted
 * PDF, a file that is not a PDF or is damaged beyond repair, a PDF with no pages.
 */
export async function openPdf(source: Uint8Array | RandomAccessSource): Promise<PDFDocumentProxy> {
  const { getDocument, PDFDataRangeTransport } = await loadPdfjs();
  // pdf.js waits for ever for a range that never comes (and rejects nothing on destroy): a failed
  // read rejects `failed` instead, which openPdf and `whileReadable` race every call against.
  let fail: (error: unknown) => void = () => undefined;
  const failed = new Promise<never>((_resolve, reject) => {
    fail = reject;
  });
  failed.catch(() => undefined);
  const range =
    source instanceof Uint8Array
      ? null
      : new (class extends PDFDataRangeTransport {
          override requestDataRange(begin: number, end: number): void {
            source.read(begin, end - begin).then(
              (chunk) => {
                // A range that arrives after the document was destroyed has no reader left.
                if (!task.destroyed) this.onDataRange(begin, new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
              },
              (error: unknown) => {
                fail(error);
              },
            );
          }
        })(source.size, new Uint8Array(0));
  const task = getDocument({
    ...(source instanceof Uint8Array
      ? // A copy, and a plain Uint8Array: pdf.js refuses a Buffer and detaches what it is given.
        { data: new Uint8Array(source) }
      : // Only the ranges parsed are read (pdf.js sizes its buffer to the file but fills only those).
        { range: range ?? undefined, length: source.size, disableAutoFetch: true, disableStream: true, rangeChunkSize: 65536 }),
    isEvalSupported: false,
    // Fonts' widths and ToUnicode maps, for placing each character's box (pageText).
    fontExtraProperties: true,
    enableXfa: false,
    standardFontDataUrl: STANDARD_FONTS,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0,
  });
  let doc: PDFDocumentProxy;
  try {
    doc = await Promise.race([task.promise, failed]);
  } catch (error) {
    await task.destroy().catch(() => undefined);
    const name = (error as { name?: string }).name;
    if (name === 'PasswordException') {
      throw new CustodianError(
        'validation_failed',
        'This PDF is encrypted with a password. Remove the password in the program that made it, then redact the copy.',
        {
          cause: error,
        },
      );
    }
    throw new CustodianError('validation_failed', 'This file is not a readable PDF (it is damaged or not a PDF at all). Nothing was written.', {
      cause: error,
    });
  }
  failures.set(doc, failed);
  if (doc.numPages < 1) {
    await doc.destroy();
    throw new CustodianError('validation_failed', 'This PDF has no pages: there is nothing to redact.');
  }
  return doc;
}

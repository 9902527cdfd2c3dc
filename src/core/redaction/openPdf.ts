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

/**
 * Opens PDF bytes with pdf.js (legacy build, for Node) with everything active switched off: no
 * eval, no XFA, no scripting.
 *
 * Refuses, as a `validation_failed` CustodianError with a message for the officer: an encrypted
 * PDF, a file that is not a PDF or is damaged beyond repair, a PDF with no pages.
 */
export async function openPdf(bytes: Uint8Array): Promise<PDFDocumentProxy> {
  const { getDocument } = await loadPdfjs();
  const task = getDocument({
    // A copy, and a plain Uint8Array: pdf.js refuses a Buffer and detaches what it is given.
    data: new Uint8Array(bytes),
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
    doc = await task.promise;
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
  if (doc.numPages < 1) {
    await doc.destroy();
    throw new CustodianError('validation_failed', 'This PDF has no pages: there is nothing to redact.');
  }
  return doc;
}

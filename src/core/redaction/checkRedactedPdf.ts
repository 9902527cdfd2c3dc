import type { Readable } from 'node:stream';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { CustodianError } from '../../shared/errors';
import { openPdf, whileReadable } from './openPdf';
import type { RandomAccessSource } from './openPdf';
import { scanImagePdf } from './scanImagePdf';

/** A written output read back: in ranges (pdf.js) and in order (the object scan). */
export interface WrittenPdf extends RandomAccessSource {
  stream(): Readable;
}

export interface RedactedPdfExpectation {
  /** The source's displayed page sizes, in points. */
  sizes: readonly { width: number; height: number }[];
  /** The words the output's text layer may hold (empty unless the kept text layer was asked for). */
  /** Per page, in page order: the words its text layer may hold (none unless the kept text layer was asked for). */
  keptWords: readonly (readonly string[])[];
  /** What was redacted: none may appear in the output's metadata or non-image objects. */
  terms: readonly string[];
}

/** Pages read per pdf.js document (about 1 MB of image each at 200 DPI). */
const PAGES_PER_OPEN = 16;

/** Refuses /Info entries and XMP metadata. */
async function refuseMetadata(doc: PDFDocumentProxy): Promise<void> {
  const meta = await whileReadable(doc, doc.getMetadata());
  const info = Object.entries(meta.info as Record<string, unknown>).filter(
    ([key]) =>
      ![
        'PDFFormatVersion',
        'Language',
        'EncryptFilterName',
        'IsLinearized',
        'IsAcroFormPresent',
        'IsXFAPresent',
        'IsCollectionPresent',
        'IsSignaturesPresent',
      ].includes(key),
  );
  // pdf.js types `metadata` as always present; it is null when the file has none.
  if (info.length > 0 || (meta.metadata as unknown) !== null) refuse('it carries document metadata');
  // What the scan's grammar rules out already, asked of a reader too.
  if ((await whileReadable(doc, doc.getAttachments())) !== null) refuse('it has attachments');
  if ((await whileReadable(doc, doc.getJSActions())) !== null) refuse('it has scripts');
  // pdf.js types the outline as always present; it is null when the file has none.
  if (((await whileReadable(doc, doc.getOutline())) as unknown) !== null) refuse('it has bookmarks');
  if ((await whileReadable(doc, doc.getOpenAction())) !== null) refuse('it has an open action');
}

/** Terms shorter than this are not searched for in raw bytes (two letters occur everywhere). */
const MIN_BYTE_TERM = 4;

function refuse(why: string): never {
  throw new CustodianError('internal', `The redacted file failed its check (${why}). It was not written; the original is unchanged. Report this as a bug.`);
}

/**
 * Reads a redacted PDF back before anyone may keep it, page by page (memory does not grow with
 * the page count: pdf.js reads the ranges it parses, the scan one object at a time):
 * - as a reader would (pdf.js): page count and every page's size match the source; the text
 *   layer holds nothing but kept words (none under a box, by how they were chosen); no /Info
 *   entries and no XMP metadata;
 * - byte by byte (scanImagePdf): nothing but page images, their content, pages, the page tree,
 *   the catalog and the kept text's font; no redacted term (case-insensitive) outside pixels.
 * Throws a CustodianError on any failure; an aborted `signal` rejects with its reason, between pages.
 */
export async function checkRedactedPdf(output: WrittenPdf, expected: RedactedPdfExpectation, signal?: AbortSignal): Promise<void> {
  const pages = expected.sizes.length;
  // pdf.js keeps every range it has read until the document is destroyed, and reading a page's
  // text reads its image too: a fresh document every PAGES_PER_OPEN pages bounds what it holds.
  for (let first = 1; first <= pages; first += PAGES_PER_OPEN) {
    const doc = await openPdf(output).catch(() => refuse('it cannot be read back'));
    try {
      if (doc.numPages !== pages) refuse(`${doc.numPages} pages, not ${pages}`);
      for (let number = first; number < first + PAGES_PER_OPEN && number <= pages; number++) {
        signal?.throwIfAborted();
        const page = await whileReadable(doc, doc.getPage(number));
        const { width, height } = page.getViewport({ scale: 1 });
        const want = expected.sizes[number - 1];
        if (!want || Math.abs(width - want.width) > 0.01 || Math.abs(height - want.height) > 0.01) refuse(`page ${number} changed size`);
        const content = await whileReadable(doc, page.getTextContent());
        const allowed = new Map<string, number>();
        for (const word of expected.keptWords[number - 1] ?? []) allowed.set(word, (allowed.get(word) ?? 0) + 1);
        if ((await whileReadable(doc, page.getAnnotations())).length > 0) refuse(`page ${number} has annotations`);
        for (const item of content.items) {
          if (!('str' in item)) continue;
          for (const word of item.str.split(/\s+/).filter(Boolean)) {
            const left = allowed.get(word) ?? 0;
            if (left === 0) refuse(`page ${number} has text that was not kept`);
            allowed.set(word, left - 1);
          }
        }
        page.cleanup();
      }
      if (first === 1) await refuseMetadata(doc);
    } finally {
      await doc.destroy();
    }
  }
  const shape = await scanImagePdf(
    output.stream(),
    expected.terms.filter((t) => t.length >= MIN_BYTE_TERM),
  ).catch(() => refuse('it cannot be read back'));
  if ('refused' in shape) refuse(shape.refused);
  if (shape.pages !== expected.sizes.length || shape.images !== expected.sizes.length)
    refuse(`its objects hold ${shape.pages} pages, not ${expected.sizes.length}`);
}

import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFStream, PDFString } from 'pdf-lib';
import type { PDFObject } from 'pdf-lib';
import { CustodianError } from '../../shared/errors';
import { openPdf } from './openPdf';

export interface RedactedPdfExpectation {
  /** The source's displayed page sizes, in points. */
  sizes: readonly { width: number; height: number }[];
  /** The words the output's text layer may hold (empty unless the kept text layer was asked for). */
  keptWords: readonly string[];
  /** What was redacted: none may appear in the output's metadata or non-image objects. */
  terms: readonly string[];
}

/** Terms shorter than this are not searched for in raw bytes (two letters occur everywhere). */
const MIN_BYTE_TERM = 4;

function refuse(why: string): never {
  throw new CustodianError('internal', `The redacted file failed its check (${why}). It was not written; the original is unchanged. Report this as a bug.`);
}

/**
 * Reads a redacted PDF back, as a reader would, before anyone may keep it:
 * - page count and every page's size match the source;
 * - the text layer holds nothing but kept words (none under a box, by how they were chosen);
 * - no /Info entries and no XMP metadata;
 * - no redacted term (case-insensitive) in any object or decoded non-image stream.
 * Throws a CustodianError on any failure.
 */
export async function checkRedactedPdf(bytes: Uint8Array, expected: RedactedPdfExpectation): Promise<void> {
  const doc = await openPdf(bytes).catch(() => refuse('it cannot be read back'));
  try {
    if (doc.numPages !== expected.sizes.length) refuse(`${doc.numPages} pages, not ${expected.sizes.length}`);
    const allowed = new Map<string, number>();
    for (const word of expected.keptWords) allowed.set(word, (allowed.get(word) ?? 0) + 1);
    for (let number = 1; number <= doc.numPages; number++) {
      const page = await doc.getPage(number);
      const { width, height } = page.getViewport({ scale: 1 });
      const want = expected.sizes[number - 1];
      if (!want || Math.abs(width - want.width) > 0.01 || Math.abs(height - want.height) > 0.01) refuse(`page ${number} changed size`);
      const content = await page.getTextContent();
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
    const meta = await doc.getMetadata();
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
  } finally {
    await doc.destroy();
  }
  await searchObjects(
    bytes,
    expected.terms.filter((t) => t.length >= MIN_BYTE_TERM),
  );
}

/**
 * The output's objects, read with pdf-lib: every stream must be a page image or a page's content
 * (no metadata stream, attachment, script or font program can hide anywhere), and no string
 * anywhere (an /Info entry, an annotation's text, a bookmark title) may hold a redacted term. Page
 * content is text-checked above, as a reader extracts it. Names and operators are not searched:
 * "Page" is a redacted word and a PDF keyword.
 */
async function searchObjects(bytes: Uint8Array, terms: readonly string[]): Promise<void> {
  const needles = terms.map((t) => t.toLowerCase());
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  const contents = new Set<PDFObject>();
  for (const page of pdf.getPages()) {
    const ref = page.node.get(PDFName.of('Contents'));
    for (const item of ref instanceof PDFArray ? ref.asArray() : [ref]) if (item) contents.add(pdf.context.lookup(item) as PDFObject);
  }
  const strings: string[] = [];
  const visit = (object: PDFObject | undefined): void => {
    if (object instanceof PDFString || object instanceof PDFHexString) strings.push(object.decodeText());
    else if (object instanceof PDFArray) object.asArray().forEach(visit);
    else if (object instanceof PDFDict) for (const [, value] of object.entries()) visit(value);
  };
  visit(pdf.context.trailerInfo.Info);
  for (const [, object] of pdf.context.enumerateIndirectObjects()) {
    if (object instanceof PDFStream) {
      const image = object.dict.get(PDFName.of('Subtype')) === PDFName.of('Image');
      if (!image && !contents.has(object)) refuse('it holds a stream that is neither a page image nor page content');
      visit(object.dict);
    } else {
      visit(object);
    }
  }
  const lower = strings.map((s) => s.toLowerCase());
  if (needles.some((n) => lower.some((s) => s.includes(n)))) refuse('a redacted term is still in its bytes');
}

import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { CustodianError } from '../../shared/errors';
import type { RedactionBox, RedactionSuggestion } from '../../shared/redaction/redactionTypes';
import { checkRedactedPdf } from './checkRedactedPdf';
import { EncryptedSpill } from '../fs/encryptedSpill';
import { ImagePdfWriter, KEPT_FONT_NAME } from './imagePdfWriter';
import { keptRuns, keptTextContent } from './keptText';
import type { OcrEngine } from './ocrEngine';
import { openPdf } from './openPdf';
import type { RandomAccessSource } from './openPdf';
import type { PageText } from './pageText';
import { drawnText, pageText, placeDrawn, wordsOf } from './pageText';
import { boxPixels, DEFAULT_DPI, fittingDpi, MAX_DPI, MIN_DPI, paintBoxes, rasterPage } from './rasterPage';
import type { PageRaster } from './rasterPage';
import { coveredTerms } from './coveredTerms';
import type { KnownPerson } from './suggestRedactions';
import { compileSuggester, suggestPage } from './suggestRedactions';
import { ocrPageText } from './ocrPageText';
import { recordingFailed } from './glyphRecorder';
import { encodePageImage } from './pageImage';

export interface RedactOptions {
  /** Boxes drawn by hand (or accepted in the viewer). */
  boxes?: readonly RedactionBox[];
  /** Literal terms: every occurrence in the text layer (and in OCR words with `ocr`). */
  terms?: readonly string[];
  /** Apply the PII pattern suggestions. */
  pii?: boolean;
  /** Apply the suggestions from these people's names, e-mails and employee ids. */
  people?: readonly KnownPerson[];
  /** OCR pages (or images) without a text layer, so terms and suggestions reach scans too. */
  ocr?: OcrEngine | null;
  dpi?: number;
  /** Keep a searchable text layer of the words that no box touches. Off by default. */
  keepText?: boolean;
  /** JPEG quality of the page images, 1–100. */
  quality?: number;
  signal?: AbortSignal;
  onProgress?: (pagesDone: number, pages: number) => void;
  /**
   * Where a PDF's encrypted spill (its output, hundreds of MB for a long PDF) is written: a
   * folder on disk (the output's, the vault's). By default the OS temp folder, which may be
   * memory (tmpfs).
   */
  spillDir?: string;
}

export interface RedactedPage {
  page: number;
  dpi: number;
  /** Every box painted into this page: the hand-drawn ones and the applied suggestions. */
  boxes: RedactionBox[];
  /** What the applied suggestions matched, and why (the text is the officer's to see, never logged). */
  suggestions: RedactionSuggestion[];
  /** Where the page's words came from: its text layer, OCR, or nowhere (a scan without --ocr). */
  text: 'text' | 'ocr' | 'none';
  notes: string[];
}

export interface RedactionReport {
  kind: 'pdf' | 'image';
  pages: RedactedPage[];
  /** Said of every output: what survives of the source (nothing but pixels, and kept words). */
  notes: string[];
  keptWords: number;
}

export interface RedactResult {
  bytes: Uint8Array;
  report: RedactionReport;
}

/** A redacted PDF written to an encrypted spill file: the caller streams it on, then disposes of it. */
export interface SpilledRedaction {
  output: EncryptedSpill;
  report: RedactionReport;
}

export function validDpi(dpi: number | undefined): number {
  const value = dpi ?? DEFAULT_DPI;
  if (!Number.isInteger(value) || value < MIN_DPI || value > MAX_DPI) {
    throw new CustodianError('validation_failed', `The DPI must be a whole number from ${MIN_DPI} to ${MAX_DPI}.`);
  }
  return value;
}

/**
 * `redactPdfToSpill`, read back into memory: for tests and small files. Files of any size go
 * through the spill (redactDocument).
 */
export async function redactPdf(source: Uint8Array, options: RedactOptions = {}): Promise<RedactResult> {
  const { output, report } = await redactPdfToSpill(source, options);
  try {
    return { bytes: await output.readAll(), report };
  } finally {
    await output.dispose();
  }
}

/**
 * True redaction of a PDF: every page is rasterised, the boxes are painted into its pixels, and a
 * new PDF is built from the images alone (ImagePdfWriter: no /Info, no XMP, no fonts,
 * annotations, forms, attachments, scripts, outlines, layers or earlier revisions of the source
 * survive). The output is checked before it is returned (see checkRedactedPdf); a failed check
 * throws, and the spill is deleted. An aborted `signal` rejects with its reason, between pages.
 *
 * Memory does not grow with the page count: two page rasters at most (one encoding while the next
 * renders), and the output goes page by page into an EncryptedSpill (a 500-page PDF at 200 DPI is
 * about 400 MB), from which the check reads it back. What grows is the source itself, which
 * pdf.js holds whole, and the report (its boxes).
 */
export async function redactPdfToSpill(source: Uint8Array, options: RedactOptions = {}): Promise<SpilledRedaction> {
  const dpi = validDpi(options.dpi);
  const quality = options.quality ?? 90;
  const output = await EncryptedSpill.create(options.spillDir);
  try {
    const doc = await openPdf(source);
    let built: Rasterised;
    let lockedForChanges = false;
    try {
      // openPdf refuses a PDF that needs a password to open; one encrypted with an owner password
      // only (anyone may open it; its permissions restrict printing, copying or changes: common for
      // certificates) is redacted like any other, and the report says its restrictions are gone.
      const { info } = await doc.getMetadata();
      lockedForChanges = typeof (info as { EncryptFilterName?: unknown }).EncryptFilterName === 'string';
      const beyond = (options.boxes ?? []).find((b) => b.page > doc.numPages);
      if (beyond)
        throw new CustodianError(
          'validation_failed',
          `A box is on page ${beyond.page}, but this PDF has ${doc.numPages} page${doc.numPages === 1 ? '' : 's'}. Nothing was written.`,
        );
      built = await rasteriseAll(doc, source, output, options, dpi, quality);
    } finally {
      await doc.destroy();
    }
    const { pages, keptWords, terms, sizes } = built;
    await checkRedactedPdf(output, { sizes, keptWords, terms: [...terms] }, options.signal);
    const squash = (t: string): string => t.replace(/\s+/g, '').toLowerCase();
    const found = new Set(pages.flatMap((p) => p.suggestions.filter((s) => s.kind === 'term').map((s) => squash(s.text))));
    const missed = (options.terms ?? []).filter((t) => t.trim() && !found.has(squash(t)));
    return {
      output,
      report: {
        kind: 'pdf',
        pages,
        keptWords: keptWords.reduce((sum, words) => sum + words.length, 0),
        notes: [
          ...(lockedForChanges
            ? [
                'The source was encrypted with an owner password only (it opens without one; its permissions restrict copying or changes). The redacted copy is not encrypted and carries no such restrictions.',
              ]
            : []),
          ...missed.map((t) => `"${t}" was not found on any page${options.ocr ? '' : ' (scans need OCR)'}; nothing was redacted for it.`),
          `Every page was rasterised, including pages without boxes: the output holds page images only${options.keepText ? ' and an invisible text layer of the words no box touches' : ''}. No text, fonts, metadata, annotations, form fields, attachments, scripts, bookmarks or layers of the source were kept.`,
        ],
      },
    };
  } catch (error) {
    await output.dispose();
    throw error;
  }
}

interface Rasterised {
  pages: RedactedPage[];
  /** Per page. */
  keptWords: string[][];
  terms: Set<string>;
  sizes: { width: number; height: number }[];
}

/** Pages of the source parsed by one pdf.js document before a fresh one takes over. */
const SOURCE_PAGES_PER_OPEN = 32;

/**
 * Every page rendered, painted and written as a page image of a new PDF into `output`, finished.
 * pdf.js keeps what it parsed of every page it was asked for (fonts, resources) until its
 * document is destroyed: a fresh document every SOURCE_PAGES_PER_OPEN pages keeps that from
 * growing with the page count. The fresh ones read `source` in ranges, so none copies it.
 */
async function rasteriseAll(
  first: PDFDocumentProxy,
  source: Uint8Array,
  output: EncryptedSpill,
  options: RedactOptions,
  dpi: number,
  quality: number,
): Promise<Rasterised> {
  const ranged: RandomAccessSource = { size: source.byteLength, read: (position, length) => Promise.resolve(source.subarray(position, position + length)) };
  const numPages = first.numPages;
  const fresh: { doc: PDFDocumentProxy | null } = { doc: null };
  try {
    const out = await ImagePdfWriter.start(output);
    const pages: RedactedPage[] = [];
    const keptWords: string[][] = [];
    const terms = new Set<string>();
    const sizes: { width: number; height: number }[] = [];
    let pendingEmbed: Promise<void> = Promise.resolve();
    const suggest = compileSuggester({ pii: options.pii ?? false, people: options.people, terms: options.terms });
    for (let number = 1; number <= numPages; number++) {
      options.signal?.throwIfAborted();
      if (number % SOURCE_PAGES_PER_OPEN === 1 && number > 1) {
        await fresh.doc?.destroy();
        fresh.doc = null;
        fresh.doc = await openPdf(ranged);
      }
      const doc = fresh.doc ?? first;
      const page = await doc.getPage(number);
      const base = page.getViewport({ scale: 1 });
      sizes.push({ width: base.width, height: base.height });
      const usedDpi = fittingDpi(base.width, base.height, dpi);
      if (usedDpi < MIN_DPI) {
        throw new CustodianError(
          'validation_failed',
          `Page ${number} is too large to rasterise (${Math.round(base.width)} × ${Math.round(base.height)} points). Nothing was written.`,
        );
      }
      const notes =
        usedDpi < dpi ? [`Page ${number} was rasterised at ${usedDpi} DPI, not ${dpi}: at ${dpi} DPI its image would exceed the memory bound.`] : [];
      const raster = await rasterPage(doc, page, usedDpi);
      // Each character's box reaches where the canvas drew its glyph, not only where the text layer says.
      const text: PageText = placeDrawn(await pageText(page), raster.glyphs, raster.scale, raster.heightPt);
      const hasText = /\S/.test(text.text);
      // With OCR, every page is read: a scan with a printed page number or Bates stamp has a text
      // layer of a few words and the document on it in pixels only.
      const ocrText = options.ocr ? await ocrPageText(options.ocr, raster, number) : null;
      const textSource: RedactedPage['text'] = hasText ? 'text' : ocrText ? 'ocr' : 'none';
      if (!hasText && !ocrText && (options.terms?.length || options.pii || options.people?.length)) {
        notes.push(`Page ${number} has no text layer (a scan?): terms and suggestions could not be looked for on it. Use OCR, or draw boxes.`);
      }
      if (recordingFailed(raster.glyphs)) {
        notes.push(
          `Page ${number}: where its glyphs are drawn could not be recorded, so boxes made from its text follow its text layer alone, which may place text elsewhere than it is drawn. Look at the page, and draw a box where any ink shows.`,
        );
      }
      const suggestions = [
        ...suggestPage(suggest, text, drawnText(raster.glyphs, number, raster.scale, raster.heightPt)),
        ...(ocrText ? suggest(ocrText, 'ocr') : []),
      ];
      if (text.type3Unbounded && suggestions.some((s) => s.source === 'text')) {
        notes.push(
          `Page ${number} shows text in a Type3 font whose letters paint what Custodian cannot measure (a shading or nested text): boxes made from its text are a guess and may not cover every stroke. Look at the page, and draw a larger box where any ink shows.`,
        );
      }
      const drawn = (options.boxes ?? []).filter((b) => b.page === number);
      const off = drawn.find((b) => b.x >= base.width || b.y >= base.height || b.x + b.width <= 0 || b.y + b.height <= 0);
      if (off) {
        throw new CustodianError(
          'validation_failed',
          `A box on page ${number} (at ${Math.round(off.x)},${Math.round(off.y)}) is off the page, which is ${Math.round(base.width)} × ${Math.round(base.height)} points as displayed (boxes count from its bottom-left corner). Nothing was written.`,
        );
      }
      const boxes = [...drawn, ...suggestions.flatMap((s) => s.boxes)];
      // Kept words must be seen on the page: not white on white, not under a black box the source
      // already had, not in a hidden layer (each of which a text layer still holds).
      const kept =
        options.keepText && hasText
          ? keptRuns(
              wordsOf(text).filter((w) => inked(raster, w.box)),
              boxes,
            )
          : [];
      paintBoxes(raster.context, boxes, raster.scale, raster.heightPt, raster.canvas.width, raster.canvas.height);
      for (const term of [...coveredTerms(text, boxes), ...(ocrText ? coveredTerms(ocrText, boxes) : [])]) terms.add(term);
      for (const s of suggestions) terms.add(s.text);
      keptWords.push(kept.flatMap((w) => w.text.split(' ')));

      // Compression runs on libuv's pool while the next page renders; pages are written in order.
      const encoded = encodePageImage(raster.canvas, quality).finally(() => raster.release());
      const previous = pendingEmbed;
      const keptText = kept.length ? keptTextContent(KEPT_FONT_NAME, kept).content : undefined;
      pendingEmbed = (async () => {
        const image = await encoded;
        await previous;
        await out.addPage(base.width, base.height, image, keptText);
      })();
      pendingEmbed.catch(() => undefined);
      // At most two rasters alive: this page's encodes while the next page renders. Waiting for the
      // previous page here keeps a slow encoder from piling up one raster per page (15 MB each at
      // 200 DPI).
      await previous;
      page.cleanup();
      pages.push({ page: number, dpi: usedDpi, boxes, suggestions, text: textSource, notes });
      options.onProgress?.(number, numPages);
    }
    await pendingEmbed;
    options.signal?.throwIfAborted();
    await out.finish();
    await output.finish();
    return { pages, keptWords, terms, sizes };
  } finally {
    await fresh.doc?.destroy();
  }
}

/** Whether a box of the page shows ink: its pixels differ in lightness by a quarter of the range or more. */
function inked(raster: PageRaster, box: RedactionBox): boolean {
  const r = boxPixels(box, raster.scale, raster.heightPt);
  const left = Math.max(0, r.left);
  const top = Math.max(0, r.top);
  const width = Math.min(raster.canvas.width, r.right) - left;
  const height = Math.min(raster.canvas.height, r.bottom) - top;
  if (width <= 0 || height <= 0) return false;
  const { data } = raster.context.getImageData(left, top, width, height);
  let low = 255;
  let high = 0;
  for (let i = 0; i < data.length; i += 4) {
    const light = ((data[i] ?? 0) * 299 + (data[i + 1] ?? 0) * 587 + (data[i + 2] ?? 0) * 114) / 1000;
    if (light < low) low = light;
    if (light > high) high = light;
  }
  return high - low >= 64;
}

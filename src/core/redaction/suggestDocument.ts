import type { RedactionSuggestion } from '../../shared/redaction/redactionTypes';
import type { OcrEngine } from './ocrEngine';
import { ocrPageText, ocrWordsText } from './ocrPageText';
import { openPdf } from './openPdf';
import { drawnText, pageText, placeDrawn } from './pageText';
import { fittingDpi, rasterPage } from './rasterPage';
import { decodeDisplayed, imageKind, imageOcrBox } from './redactImage';
import { isPdf } from './redactDocument';
import type { KnownPerson } from './suggestRedactions';
import { compileSuggester, suggestPage } from './suggestRedactions';
import { CustodianError } from '../../shared/errors';

/** OCR reads pages at this DPI: tesseract's sweet spot for office documents. */
const OCR_DPI = 200;

export interface SuggestedPage {
  page: number;
  /** The page as displayed: points for a PDF, pixels for an image. */
  width: number;
  height: number;
  text: 'text' | 'ocr' | 'none';
  suggestions: RedactionSuggestion[];
}

export interface SuggestOptions {
  pii: boolean;
  people?: readonly KnownPerson[];
  terms?: readonly string[];
  ocr?: OcrEngine | null;
  signal?: AbortSignal;
  onProgress?: (pagesDone: number, pages: number) => void;
}

/**
 * Suggestions for every page of a PDF or image, for the officer to accept or reject before
 * anything is redacted: from the text layer, and from OCR where a page has none (if an engine is
 * given). Nothing is written; the page sizes let the viewer place the boxes.
 */
export async function suggestDocument(bytes: Uint8Array, options: SuggestOptions): Promise<{ kind: 'pdf' | 'image'; pages: SuggestedPage[] }> {
  const suggest = compileSuggester({ pii: options.pii, people: options.people, terms: options.terms });
  if (isPdf(bytes)) {
    const doc = await openPdf(bytes);
    try {
      const pages: SuggestedPage[] = [];
      for (let number = 1; number <= doc.numPages; number++) {
        options.signal?.throwIfAborted();
        const page = await doc.getPage(number);
        const { width, height } = page.getViewport({ scale: 1 });
        // Rendered (at 72 DPI; pixels only for OCR): it loads the page's fonts, by whose widths
        // pageText places characters, and records where the canvas draws each glyph, where the
        // boxes must reach (placeDrawn), as the redaction itself will.
        const raster = await rasterPage(doc, page, options.ocr ? fittingDpi(width, height, OCR_DPI) : 72);
        let suggestions: RedactionSuggestion[];
        let hasText: boolean;
        try {
          const text = placeDrawn(await pageText(page), raster.glyphs, raster.scale, raster.heightPt);
          hasText = /\S/.test(text.text);
          suggestions = suggestPage(suggest, text, drawnText(raster.glyphs, number, raster.scale, raster.heightPt));
          // With OCR, every page is read (a scan may carry a few words of text layer: a page number).
          if (options.ocr) suggestions.push(...suggest(await ocrPageText(options.ocr, raster, number), 'ocr'));
        } finally {
          raster.release();
        }
        pages.push({ page: number, width, height, text: hasText ? 'text' : options.ocr ? 'ocr' : 'none', suggestions });
        page.cleanup();
        options.onProgress?.(number, doc.numPages);
      }
      return { kind: 'pdf', pages };
    } finally {
      await doc.destroy();
    }
  }
  const kind = imageKind(bytes);
  if (!kind) throw new CustodianError('validation_failed', 'Only PDF, PNG, JPEG and TIFF files can be redacted.');
  const canvas = await decodeDisplayed(bytes, kind);
  let suggestions: RedactionSuggestion[] = [];
  if (options.ocr) {
    const words = await options.ocr.recognize(await canvas.encode('png'));
    suggestions = suggest(ocrWordsText(words, imageOcrBox), 'ocr');
  }
  options.onProgress?.(1, 1);
  return { kind: 'image', pages: [{ page: 1, width: canvas.width, height: canvas.height, text: options.ocr ? 'ocr' : 'none', suggestions }] };
}

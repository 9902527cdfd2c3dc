import type { PDFDocument, PDFFont, PDFPage } from 'pdf-lib';
import {
  beginText,
  endText,
  popGraphicsState,
  pushGraphicsState,
  setCharacterSqueeze,
  setFontAndSize,
  setTextRenderingMode,
  showText,
  StandardFonts,
  TextRenderingMode,
  moveText,
} from 'pdf-lib';
import type { PageWord, RedactionBox } from '../../shared/redaction/redactionTypes';
import { overlaps } from './pageText';

/**
 * The words no box touches, as runs: consecutive kept words on one line become one string
 * (single spaces between), with the union of their boxes. A removed word, or a new line, ends a
 * run. Written as runs, the words read back as the same words (readers join close glyph runs).
 */
export function keptRuns(words: readonly PageWord[], boxes: readonly RedactionBox[]): PageWord[] {
  const runs: PageWord[] = [];
  let run: PageWord | null = null;
  for (const word of words) {
    if (boxes.some((b) => overlaps(b, word.box))) {
      run = null;
      continue;
    }
    const sameLine = run && Math.abs(run.box.y - word.box.y) < word.box.height / 2 && word.box.x >= run.box.x + run.box.width - 2 * word.box.height;
    if (run && sameLine) {
      const right = Math.max(run.box.x + run.box.width, word.box.x + word.box.width);
      run.text += ` ${word.text}`;
      run.box = { ...run.box, width: right - run.box.x };
    } else {
      run = { ...word, box: { ...word.box } };
      runs.push(run);
    }
  }
  return runs;
}

const fonts = new WeakMap<PDFDocument, PDFFont>();

/**
 * Writes kept words as invisible text (rendering mode 3) over the page image, so the output is
 * searchable and selectable where nothing was redacted. Only words no box touches reach here.
 * The font is Helvetica, not embedded (one font object, no glyphs); a word it cannot encode
 * (outside WinAnsi) is left out rather than approximated.
 */
export function writeKeptText(doc: PDFDocument, page: PDFPage, words: readonly PageWord[]): number {
  let font = fonts.get(doc);
  if (!font) {
    font = doc.embedStandardFont(StandardFonts.Helvetica);
    fonts.set(doc, font);
  }
  const name = page.node.newFontDictionary(font.name, font.ref);
  page.pushOperators(pushGraphicsState(), beginText(), setTextRenderingMode(TextRenderingMode.Invisible));
  let written = 0;
  for (const word of words) {
    let encoded;
    try {
      encoded = font.encodeText(word.text);
    } catch {
      continue;
    }
    const size = Math.max(1, word.box.height / 1.25);
    const natural = font.widthOfTextAtSize(word.text, size);
    const squeeze = natural > 0 ? (100 * word.box.width) / natural : 100;
    page.pushOperators(
      setFontAndSize(name, size),
      setCharacterSqueeze(squeeze),
      // Text position is relative to the previous word's: move back to the origin each time.
      moveText(word.box.x, word.box.y + 0.25 * size),
      showText(encoded),
      moveText(-word.box.x, -(word.box.y + 0.25 * size)),
    );
    written++;
  }
  page.pushOperators(endText(), popGraphicsState());
  return written;
}

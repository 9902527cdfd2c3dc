import {
  beginText,
  endText,
  popGraphicsState,
  pushGraphicsState,
  setCharacterSqueeze,
  setFontAndSize,
  setTextRenderingMode,
  showText,
  StandardFontEmbedder,
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

/** Helvetica's widths and WinAnsi encoding: the one font of a kept text layer (not embedded). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- pdf-lib's StandardFonts and its embedder's FontNames are the same strings under two enum types (pdf-lib casts the same way).
const HELVETICA = StandardFontEmbedder.for(StandardFonts.Helvetica as string as Parameters<typeof StandardFontEmbedder.for>[0]);

/** The font dictionary a kept text layer names (one object per output, no glyphs). */
export const KEPT_TEXT_FONT = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';

/**
 * Kept words as invisible text (rendering mode 3) in page-content operators, drawn over the page
 * image with the font resource `fontName` (KEPT_TEXT_FONT), so the output is searchable and
 * selectable where nothing was redacted. Only words no box touches reach here. A word Helvetica
 * cannot encode (outside WinAnsi) is left out rather than approximated.
 */
export function keptTextContent(fontName: string, words: readonly PageWord[]): { content: string; written: number } {
  const operators = [pushGraphicsState(), beginText(), setTextRenderingMode(TextRenderingMode.Invisible)];
  let written = 0;
  for (const word of words) {
    let encoded;
    try {
      encoded = HELVETICA.encodeText(word.text);
    } catch {
      continue;
    }
    const size = Math.max(1, word.box.height / 1.25);
    const natural = HELVETICA.widthOfTextAtSize(word.text, size);
    const squeeze = natural > 0 ? (100 * word.box.width) / natural : 100;
    operators.push(
      setFontAndSize(fontName, size),
      setCharacterSqueeze(squeeze),
      // Text position is relative to the previous word's: move back to the origin each time.
      moveText(word.box.x, word.box.y + 0.25 * size),
      showText(encoded),
      moveText(-word.box.x, -(word.box.y + 0.25 * size)),
    );
    written++;
  }
  operators.push(endText(), popGraphicsState());
  return { content: operators.map(String).join('\n'), written };
}

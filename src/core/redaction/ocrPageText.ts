import type { RedactionBox } from '../../shared/redaction/redactionTypes';
import type { OcrEngine, OcrWord } from './ocrEngine';
import type { PageText } from './pageText';
import { BOX_PAD } from './pageText';
import type { PageRaster } from './rasterPage';

/**
 * OCR words as a PageText: words joined by spaces, lines by newlines, each character given an
 * equal share of its word's box. `toBox` maps a pixel rectangle of the OCR'd image to the
 * document's coordinates.
 */
export function ocrWordsText(words: readonly OcrWord[], toBox: (x0: number, y0: number, x1: number, y1: number) => RedactionBox): PageText {
  let text = '';
  const boxes: (RedactionBox | null)[] = [];
  let page = 1;
  words.forEach((word, i) => {
    // UTF-16 units, each its share of the word's width (a surrogate pair gets two thin shares).
    const step = (word.x1 - word.x0) / word.text.length;
    for (let k = 0; k < word.text.length; k++) {
      const box = toBox(word.x0 + k * step, word.y0, word.x0 + (k + 1) * step, word.y1);
      page = box.page;
      text += word.text.charAt(k);
      boxes.push(box);
    }
    const next = words[i + 1];
    text += next && next.line !== word.line ? '\n' : ' ';
    boxes.push(null);
  });
  return { page, text, boxes };
}

/** OCRs a rendered PDF page; boxes come back in PDF points from the bottom-left, padded. */
export async function ocrPageText(engine: OcrEngine, raster: PageRaster, page: number): Promise<PageText> {
  const png = await raster.canvas.encode('png');
  const words = await engine.recognize(png);
  const s = raster.scale;
  return ocrWordsText(words, (x0, y0, x1, y1) => ({
    page,
    x: x0 / s - BOX_PAD,
    y: raster.heightPt - y1 / s - BOX_PAD,
    width: (x1 - x0) / s + 2 * BOX_PAD,
    height: (y1 - y0) / s + 2 * BOX_PAD,
  }));
}

import type { PDFFont, PDFPage, RGB } from 'pdf-lib';
import { rgb } from 'pdf-lib';
import { SCRIBBLE_HEIGHT } from './signatureScribble';

export const INK = rgb(0.08, 0.12, 0.3);
export const NAVY = rgb(0.09, 0.2, 0.38);
export const GREY = rgb(0.35, 0.35, 0.38);
export const GOLD = rgb(0.7, 0.55, 0.2);

/** Characters Windows-1252 has beyond Latin-1, which the PDF standard fonts can draw. */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/**
 * Text the standard 14 fonts can encode: Latin-1 and Windows-1252 kept, other letters without
 * their accents, anything else as '?'. (pdf-lib throws on a character WinAnsi lacks.)
 */
export function winAnsiText(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0x3f;
    if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(char)) out += char;
    else {
      const bare = char.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      out += /^[\x20-\x7e]+$/.test(bare) ? bare : '?';
    }
  }
  return out;
}

export interface TextStyle {
  font: PDFFont;
  size: number;
  color?: RGB;
}

export function drawText(page: PDFPage, text: string, x: number, y: number, style: TextStyle): void {
  page.drawText(winAnsiText(text), { x, y, size: style.size, font: style.font, color: style.color ?? rgb(0, 0, 0) });
}

/** Draws `text` centred on `centerX`, shrinking it to fit `maxWidth` if given. */
export function drawCentered(page: PDFPage, text: string, centerX: number, y: number, style: TextStyle, maxWidth = Infinity): void {
  const safe = winAnsiText(text);
  let size = style.size;
  while (size > 6 && style.font.widthOfTextAtSize(safe, size) > maxWidth) size -= 0.5;
  const width = style.font.widthOfTextAtSize(safe, size);
  page.drawText(safe, { x: centerX - width / 2, y, size, font: style.font, color: style.color ?? rgb(0, 0, 0) });
}

/** A signature scribble (see signatureScribble) with its baseline box's bottom-left at (x, y). */
export function drawScribble(page: PDFPage, path: string, x: number, y: number, scale: number): void {
  page.drawSvgPath(path, { x, y: y + SCRIBBLE_HEIGHT * scale, scale, borderColor: INK, borderWidth: 1.1 / scale });
}

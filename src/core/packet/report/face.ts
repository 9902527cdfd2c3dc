import type { PDFFont } from 'pdf-lib';

// An embedded font as the layout uses it: widths to measure cleaned text and glyph ids to draw
// it. Every text given here must have gone through Cleaner first (the font can show all of it).
// Encoding text adds its glyphs to the subset, in the order first drawn: the same drawing order
// gives the same font bytes.

export type FontKey = 'regular' | 'bold';
export type Faces = Record<FontKey, Face>;

/** One embedded font: widths and glyph ids cached per code point (no shaping is needed for it). */
export class Face {
  private readonly widths = new Map<number, number>();
  private readonly glyphs = new Map<number, string>();

  constructor(
    readonly font: PDFFont,
    /** Its name in every page's /Font resources. */
    readonly resource: string,
  ) {}

  /** Width in points of cleaned text. */
  width(text: string, size: number): number {
    let total = 0;
    for (const ch of text) {
      const cp = ch.codePointAt(0) ?? 0;
      let width = this.widths.get(cp);
      if (width === undefined) {
        width = this.font.widthOfTextAtSize(ch, 1);
        this.widths.set(cp, width);
      }
      total += width;
    }
    return total * size;
  }

  /** Cleaned text as the hex string of a Tj operator; adds its glyphs to the subset. */
  encode(text: string): string {
    let hex = '';
    for (const ch of text) {
      const cp = ch.codePointAt(0) ?? 0;
      let glyph = this.glyphs.get(cp);
      if (glyph === undefined) {
        glyph = this.font.encodeText(ch).asString();
        this.glyphs.set(cp, glyph);
      }
      hex += glyph;
    }
    return hex;
  }
}

/** Cleaned text cut to `width` with an ellipsis. */
export function fitted(text: string, width: number, face: Face, size: number): string {
  if (face.width(text, size) <= width) return text;
  const room = width - face.width('\u2026', size);
  let out = '';
  let used = 0;
  for (const ch of text) {
    used += face.width(ch, size);
    if (used > room) break;
    out += ch;
  }
  return `${out.trimEnd()}\u2026`;
}

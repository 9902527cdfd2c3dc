import type { PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PageWord, RedactionBox } from '../../shared/redaction/redactionTypes';
import { loadPdfjs } from './loadPdfjs';
import type { DrawnGlyph } from './glyphRecorder';
import { type InkBounds, type Type3FontData, type Type3Ink, type3Ink } from './type3Ink';

/** One character of a page's text layer with its box (PDF points, bottom-left, as displayed). */
export interface PageChar {
  char: string;
  box: RedactionBox;
}

/**
 * A page's text as one string with a box per character. Text items are joined with a space
 * (or a newline where pdf.js marks the end of a line), and those separators have no box.
 */
export interface PageText {
  page: number;
  text: string;
  /** Same length as `text`; null for separators. */
  boxes: (RedactionBox | null)[];
  /** Present when the page has top-to-bottom text: same length as `text`, true for its characters. */
  vertical?: boolean[];
  /**
   * Some of the text is in a Type3 font whose glyphs paint what cannot be bounded here (a
   * shading, nested text): its boxes are estimates and the officer must look.
   */
  type3Unbounded?: boolean;
}

// Helvetica's advance widths (Adobe AFM, 1/1000 em) for ASCII 32–126. pdf.js gives a width per
// text run, not per glyph; a character's share of the run is estimated from these, which is
// close for most sans-serif fonts and never far for others. Boxes are padded (BOX_PAD) to cover
// the error: a redaction errs on the side of covering a little more.
const HELVETICA = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584,
  556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278,
  469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260,
  334, 584,
];
const charWidth = (c: string): number => HELVETICA[c.charCodeAt(0) - 32] ?? 556;
/** Padding, in points, around a character run's estimated box. */
export const BOX_PAD = 1.5;

interface TextItemLike {
  str: string;
  transform: number[];
  width: number;
  height: number;
  hasEOL?: boolean;
}

/** What pdf.js exports of a font with `fontExtraProperties` (see openPdf). */
interface FontData extends Type3FontData {
  widths?: Record<number, number>;
  defaultWidth?: number;
  isMonospace?: boolean;
  toUnicode?: { _map?: (string | undefined)[] };
  bbox?: number[];
}

/** A font's advance widths by character (1/1000 em), read through its ToUnicode map; null if unknown. */
function fontWidths(page: PDFPageProxy, fontName: string): ((char: string) => number | null) | null {
  if (!page.commonObjs.has(fontName)) return null;
  const font = page.commonObjs.get(fontName) as FontData | null;
  if (!font) return null;
  const codes = new Map<string, number>();
  (font.toUnicode?._map ?? []).forEach((unicode, code) => {
    if (unicode !== undefined && !codes.has(unicode)) codes.set(unicode, code);
  });
  const widths = font.widths ?? {};
  const fallback = font.defaultWidth || (font.isMonospace ? 600 : 0);
  // A Type3 font's widths are in its glyph space: 1/1000 em only through a FontMatrix of 0.001.
  const unit = font.isType3Font ? Math.abs(font.fontMatrix?.[0] ?? 0.001) * 1000 || 1 : 1;
  return (char) => {
    const code = codes.get(char);
    const width = code === undefined ? undefined : widths[code];
    return (width || fallback) * unit || null;
  };
}

/**
 * How far a font's glyphs reach from their origin, in ems: below and above the baseline, before
 * the origin and after it (a glyph inks to `right`, however short its advance).
 */
interface GlyphReach {
  below: number;
  above: number;
  left: number;
  right: number;
}

/** Where an unbounded Type3 glyph (see type3Ink) is assumed to ink, in ems: a guess, and the report says so. */
const UNBOUNDED_TYPE3_INK = { minX: -1, maxX: 2, minY: -1, maxY: 2 };

/**
 * The em sizes of a text item in a Type3 font: along its baseline, and the candidates across it
 * (signed: negative is downwards of the item's up vector). pdf.js's text layer stretches a Type3
 * item's height by the font's bounding-box height times FontMatrix[3] when the font size is at
 * most 1 and the FontMatrix is not the usual one (bitmap fonts whose matrix carries their size);
 * its canvas does not, and which happened cannot be told from the item (the font size is not in
 * it): both are covered.
 */
function type3Sizes(item: TextItemLike, font: FontData): { along: number; across: number[] } {
  const [a, b, c, d] = item.transform as [number, number, number, number];
  const up = Math.hypot(c, d);
  const [, y0 = 0, , y1 = 0] = font.bbox ?? [];
  const fm = font.fontMatrix ?? [0.001, 0, 0, 0.001, 0, 0];
  const usual = fm.length === 6 && fm.every((v, i) => v === [0.001, 0, 0, 0.001, 0, 0][i]);
  const stretch = (y1 - y0) * (fm[3] ?? 0.001);
  return { along: Math.hypot(a, b), across: !usual && y1 - y0 > 0 && stretch !== 0 && Number.isFinite(stretch) ? [up, up / stretch] : [up] };
}

/**
 * The box of `item`'s characters [from, to] (text-space points along the run) in a Type3 font:
 * each glyph's origin is where the text layer puts it, and the font's ink (from its glyphs'
 * drawings, and a generous guess beside it if some glyph has no bound) reaches around it. Where
 * pdf.js's canvas advances glyphs otherwise than its text layer (a mirrored or offset
 * FontMatrix), every character of the item gets the box of the whole item: glyph origins
 * anywhere the canvas's advances can take them. (placeDrawn adds where the canvas drew them.)
 */
function type3Box(
  page: number,
  viewport: ReturnType<PDFPageProxy['getViewport']>,
  item: TextItemLike,
  font: FontData,
  t3: Type3Ink,
  from: number,
  to: number,
): RedactionBox {
  const { along, across } = type3Sizes(item, font);
  const ink = t3.unbounded ? unionInk(t3.ink, UNBOUNDED_TYPE3_INK) : t3.ink;
  // Across the line, in points along the item's up vector, for every candidate em.
  const lo = Math.min(...across.map((em) => Math.min(em * ink.minY, em * ink.maxY)));
  const hi = Math.max(...across.map((em) => Math.max(em * ink.minY, em * ink.maxY)));
  const size = item.height || across[0] || 1;
  const reach = { below: Math.max(0.25, -lo / size), above: Math.max(1, hi / size), left: Math.max(0, -ink.minX), right: Math.max(0, ink.maxX) };
  const sizes = { along, across: size };
  if (t3.placedAsText) return runBox(page, viewport, item, from, to, reach, sizes);
  // Glyph origins: from the item's start to as many of the canvas's advances as it may hold.
  const glyphs = item.str.length + 1;
  const [least, most] = t3.step;
  return runBox(page, viewport, item, glyphs * least * along, Math.max(item.width, glyphs * most * along), reach, sizes, glyphs * most * along);
}

const unionInk = (a: InkBounds, b: InkBounds): InkBounds => ({
  minX: Math.min(a.minX, b.minX),
  maxX: Math.max(a.maxX, b.maxX),
  minY: Math.min(a.minY, b.minY),
  maxY: Math.max(a.maxY, b.maxY),
});

/**
 * Each character's stretch [from, to] along a text item, in the item's own units. pdf.js gives a
 * width per run, not per glyph: the run's width is shared by the font's own advance widths
 * (Helvetica's where the font does not say), plus one constant per character that absorbs
 * character spacing (letter-spaced text, monospaced fonts drawn with Tc).
 */
function charStretches(item: TextItemLike, widthOf: ((char: string) => number | null) | null): [number, number][] {
  const n = item.str.length;
  const glyphs = Array.from({ length: n }, (_, i) => {
    const char = item.str.charAt(i);
    return widthOf?.(char) ?? charWidth(char);
  });
  const [a, b] = item.transform as [number, number];
  // Font size times horizontal scaling, per 1/1000 em.
  const scale = Math.hypot(a, b) / 1000;
  const natural = glyphs.reduce((sum, g) => sum + g, 0) * scale;
  let spacing = n > 0 ? (item.width - natural) / n : 0;
  let unit = scale;
  // Widths that cannot be right (an unknown font size): fall back to sharing the run proportionally.
  if (!(natural > 0) || Math.abs(spacing) * n > item.width) {
    unit = item.width / (glyphs.reduce((sum, g) => sum + g, 0) || 1);
    spacing = 0;
  }
  const stretches: [number, number][] = [];
  let offset = 0;
  for (const glyph of glyphs) {
    const advance = glyph * unit + spacing;
    stretches.push([offset, offset + advance]);
    offset += advance;
  }
  return stretches;
}

/** Whether `next` continues `previous` on the same line with no gap (one word drawn in two runs). */
function joins(previous: TextItemLike, next: TextItemLike): boolean {
  const [a, b, , , e, f] = previous.transform as [number, number, number, number, number, number];
  const [a2, b2, , , e2, f2] = next.transform as [number, number, number, number, number, number];
  const along = Math.hypot(a, b) || 1;
  const ux = a / along;
  const uy = b / along;
  if (Math.abs(ux - a2 / (Math.hypot(a2, b2) || 1)) > 0.01 || Math.abs(uy - b2 / (Math.hypot(a2, b2) || 1)) > 0.01) return false;
  const dx = e2 - (e + ux * previous.width);
  const dy = f2 - (f + uy * previous.width);
  const size = previous.height || along;
  // Along the line, within a tenth of the font size; across it, on the same baseline.
  return Math.abs(dx * ux + dy * uy) < 0.1 * size && Math.abs(-dx * uy + dy * ux) < 0.2 * size;
}

/**
 * Reads a page's text layer (pdf.js `getTextContent`) into characters with boxes. Render the page
 * first (or `getOperatorList`): the fonts' widths come from what rendering loaded.
 */
export async function pageText(page: PDFPageProxy): Promise<PageText> {
  const viewport = page.getViewport({ scale: 1 });
  const content = await page.getTextContent();
  let text = '';
  const boxes: (RedactionBox | null)[] = [];
  /** Indexes (into `text`) of top-to-bottom characters. */
  const verticalAt: number[] = [];
  let previous: TextItemLike | null = null;
  let endOfLine = false;
  const fonts = new Map<string, ReturnType<typeof fontWidths>>();
  const type3Fonts = new Map<string, { font: FontData; ink: Type3Ink | null } | null>();
  const { OPS } = await loadPdfjs();
  for (const raw of content.items) {
    if (!('str' in raw)) continue;
    const item = raw as TextItemLike & { fontName?: string };
    if (item.str.length === 0) {
      // pdf.js ends lines with empty items too.
      endOfLine ||= item.hasEOL === true;
      continue;
    }
    if (previous) {
      if (previous.hasEOL || endOfLine) {
        text += '\n';
        boxes.push(null);
      } else if (!joins(previous, item)) {
        text += ' ';
        boxes.push(null);
      }
    }
    // Per UTF-16 unit: a character outside the BMP gets two shares (its box is then two boxes).
    // A font's reverse ToUnicode map is built once per page, not once per run.
    let widthOf = item.fontName ? fonts.get(item.fontName) : null;
    if (item.fontName && widthOf === undefined) {
      widthOf = fontWidths(page, item.fontName);
      fonts.set(item.fontName, widthOf);
    }
    const style = item.fontName ? (content.styles[item.fontName] as { ascent?: number; descent?: number; vertical?: boolean } | undefined) : undefined;
    if (style?.vertical === true) {
      // Top-to-bottom text (a CID font with WMode 1): its characters run down from the origin.
      for (let i = 0; i < item.str.length; i++) {
        verticalAt.push(text.length);
        text += item.str.charAt(i);
        boxes.push(verticalCharBox(page.pageNumber, viewport, item, i));
      }
      previous = item;
      endOfLine = false;
      continue;
    }
    const stretches = charStretches(item, widthOf ?? null);
    // The font's own ascent and descent where it states them, never less than the usual reach.
    const finite = (v: number | undefined): number => (v !== undefined && Number.isFinite(v) ? v : 0);
    const reach: GlyphReach = { below: Math.max(0.25, -finite(style?.descent)), above: Math.max(1, finite(style?.ascent)), left: 0, right: 0 };
    // A Type3 font's glyphs are drawings: their boxes come from what the drawings ink.
    let t3 = item.fontName ? type3Fonts.get(item.fontName) : null;
    if (item.fontName && t3 === undefined) {
      const font = page.commonObjs.has(item.fontName) ? (page.commonObjs.get(item.fontName) as FontData | null) : null;
      t3 = font?.isType3Font ? { font, ink: type3Ink(font, OPS) } : null;
      type3Fonts.set(item.fontName, t3);
    }
    stretches.forEach(([from, to], i) => {
      text += item.str.charAt(i);
      boxes.push(t3?.ink ? type3Box(page.pageNumber, viewport, item, t3.font, t3.ink, from, to) : runBox(page.pageNumber, viewport, item, from, to, reach));
    });
    previous = item;
    endOfLine = false;
  }
  const type3Unbounded = [...type3Fonts.values()].some((t3) => t3?.ink?.unbounded === true);
  const vertical = verticalAt.length > 0 ? Array.from(text, () => false) : undefined;
  for (const at of verticalAt) if (vertical) vertical[at] = true;
  return { page: page.pageNumber, text, boxes, ...(vertical ? { vertical } : {}), ...(type3Unbounded ? { type3Unbounded } : {}) };
}

/**
 * The displayed box of character `index` of a top-to-bottom text item. pdf.js gives such an item
 * its font size as `width` and its whole advance down the page as `height`, shared here equally
 * by its characters. In vertical writing a glyph hangs below its origin, centred on it (its
 * horizontal origin sits half its width to the left and 0.88 em below, the default vertical
 * metrics); its ink is taken to reach 0.6 em either side and from 0.1 em above its origin to
 * 0.25 em below the next. placeDrawn then widens the box to where the glyph was drawn.
 */
function verticalCharBox(page: number, viewport: ReturnType<PDFPageProxy['getViewport']>, item: TextItemLike, index: number): RedactionBox {
  const [a, b, c, d, e, f] = item.transform as [number, number, number, number, number, number];
  const across = Math.hypot(a, b) || 1;
  const up = Math.hypot(c, d) || 1;
  const emAcross = item.width || across;
  const advance = item.height / Math.max(1, item.str.length);
  const corners: [number, number][] = [];
  for (const s of [-0.6 * emAcross, 0.6 * emAcross]) {
    for (const t of [0.1 * up - index * advance, -(index + 1) * advance - 0.25 * up]) {
      corners.push(viewport.convertToViewportPoint(e + (a / across) * s + (c / up) * t, f + (b / across) * s + (d / up) * t) as [number, number]);
    }
  }
  return cornersBox(page, viewport, corners);
}

/** The padded box around displayed corners, flipped so y counts up from the bottom. */
function cornersBox(page: number, viewport: ReturnType<PDFPageProxy['getViewport']>, corners: readonly [number, number][]): RedactionBox {
  const xs = corners.map((p) => p[0]);
  const ys = corners.map((p) => p[1]);
  const left = Math.min(...xs) - BOX_PAD;
  const right = Math.max(...xs) + BOX_PAD;
  const top = Math.min(...ys) - BOX_PAD;
  const bottom = Math.max(...ys) + BOX_PAD;
  return { page, x: left, y: viewport.height - bottom, width: right - left, height: bottom - top };
}

/**
 * The displayed box of the stretch [from, to] (text-space points along the run) of a text item:
 * the run's corners through its own transform and the page's viewport (rotation, crop box),
 * then flipped so y counts up from the bottom. Glyphs reach `below` and `above` the baseline in
 * ems across it, `left` of the first origin (`from`) and `right` of the last (`lastOrigin`, by
 * default `from`: one glyph) in ems along it; an em is the run's height unless `sizes` says.
 */
function runBox(
  page: number,
  viewport: ReturnType<PDFPageProxy['getViewport']>,
  item: TextItemLike,
  from: number,
  to: number,
  reach: GlyphReach = { below: 0.25, above: 1, left: 0, right: 0 },
  sizes?: { along: number; across: number },
  lastOrigin = from,
): RedactionBox {
  const [a, b, c, d, e, f] = item.transform as [number, number, number, number, number, number];
  const along = Math.hypot(a, b) || 1;
  const up = Math.hypot(c, d) || 1;
  const ux = a / along;
  const uy = b / along;
  const vx = c / up;
  const vy = d / up;
  // pdf.js reports a run's height as its font size.
  const size = item.height || up;
  const { along: em = size, across: emUp = size } = sizes ?? {};
  const corners: [number, number][] = [];
  for (const s of [from - reach.left * em, Math.max(to, lastOrigin + reach.right * em)]) {
    for (const t of [-reach.below * emUp, reach.above * emUp])
      corners.push(viewport.convertToViewportPoint(e + ux * s + vx * t, f + uy * s + vy * t) as [number, number]);
  }
  return cornersBox(page, viewport, corners);
}

/**
 * The union of boxes given in reading order, one per line they span: a box joins the previous
 * one's group when it continues the same run of text, horizontally (overlapping vertically and
 * close) or, for vertical text and rotated pages, vertically (overlapping horizontally and close).
 */
export function unionBoxes(boxes: readonly RedactionBox[]): RedactionBox[] {
  const groups: RedactionBox[] = [];
  let previous: RedactionBox | null = null;
  let group: RedactionBox | null = null;
  for (const box of boxes) {
    if (group && previous && continues(previous, box)) {
      const x = Math.min(group.x, box.x);
      const y = Math.min(group.y, box.y);
      group.width = Math.max(group.x + group.width, box.x + box.width) - x;
      group.height = Math.max(group.y + group.height, box.y + box.height) - y;
      group.x = x;
      group.y = y;
    } else {
      group = { ...box };
      groups.push(group);
    }
    previous = box;
  }
  return groups;
}

const overlap = (a0: number, a1: number, b0: number, b1: number): number => Math.min(a1, b1) - Math.max(a0, b0);

/** Whether box b continues the run of box a: side by side on one line, or one under the other in one column. */
function continues(a: RedactionBox, b: RedactionBox): boolean {
  if (a.page !== b.page) return false;
  const alongX =
    overlap(a.y, a.y + a.height, b.y, b.y + b.height) > 0.5 * Math.min(a.height, b.height) &&
    -overlap(a.x, a.x + a.width, b.x, b.x + b.width) < 2 * Math.max(a.height, b.height);
  const alongY =
    overlap(a.x, a.x + a.width, b.x, b.x + b.width) > 0.5 * Math.min(a.width, b.width) &&
    -overlap(a.y, a.y + a.height, b.y, b.y + b.height) < 2 * Math.max(a.width, b.width);
  return alongX || alongY;
}

/** The page's words (runs of non-space characters), each with the union of its characters' boxes. */
export function wordsOf(text: PageText): PageWord[] {
  const words: PageWord[] = [];
  for (const match of text.text.matchAll(/\S+/gu)) {
    const boxes = text.boxes.slice(match.index, match.index + match[0].length).filter((b): b is RedactionBox => b !== null);
    for (const box of unionBoxes(boxes)) words.push({ text: match[0], box, source: 'text' });
  }
  return words;
}

/** Whether two boxes on the same page overlap (touching edges do not count). */
export function overlaps(a: RedactionBox, b: RedactionBox): boolean {
  return a.page === b.page && a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** How far ahead in the drawn glyphs a character of the text layer is looked for. */
const ALIGN_WINDOW = 256;

/** Characters that draw nothing of their own (format marks) or only onto the glyph before (combining marks). */
const MARKS = /[\p{Cf}\p{M}]/u;

/**
 * The text with each character's box widened to where pdf.js's canvas drew its glyph (see
 * glyphRecorder): the text layer and the drawn glyphs are both in content order, so each
 * character is matched to the next drawn glyph with the same text (NFKC), within a window, on
 * the same line: the character's box centre within half its size of the glyph's baseline (so
 * text the canvas never drew, in a hidden layer, cannot claim glyphs lines away), or for
 * top-to-bottom text in the same column. A character
 * not matched keeps its text-layer box; the text as drawn (drawnText, suggestPage) finds what
 * the text layer placed on another line or left out. A box only grows.
 * `scale` is the raster's pixels per point; `heightPt` the displayed page's height.
 */
export function placeDrawn(text: PageText, drawn: readonly DrawnGlyph[], scale: number, heightPt: number): PageText {
  const stream: { char: string; glyph: DrawnGlyph }[] = [];
  for (const glyph of drawn) for (const char of glyph.unicode.normalize('NFKC')) if (!/\s/u.test(char) && !MARKS.test(char)) stream.push({ char, glyph });
  const boxes = [...text.boxes];
  let next = 0;
  for (let i = 0; i < text.text.length; i++) {
    const box = boxes[i];
    const char = text.text.charAt(i).normalize('NFKC');
    if (!box || /\s/u.test(char) || MARKS.test(char)) continue;
    // The character's centre in the raster's pixels (y down), and how far off a line it may be.
    const cx = (box.x + box.width / 2) * scale;
    const cy = (heightPt - box.y - box.height / 2) * scale;
    const reach = (Math.max(box.width, box.height) / 2) * scale;
    const end = Math.min(stream.length, next + ALIGN_WINDOW);
    const vertical = text.vertical?.[i] === true;
    for (let j = next; j < end; j++) {
      const entry = stream[j];
      if (entry?.char !== char) continue;
      const line = entry.glyph.line;
      if (vertical) {
        // Top-to-bottom text: the text layer's share of the column may be off (advances differ,
        // vertical metrics move glyphs), so the glyph need only be in the same column: its ink's
        // centre within the character's half-size of the box's centre along the glyph's baseline.
        const ink = entry.glyph.box;
        if (line && ink && Math.abs((cx - (ink.left + ink.right) / 2) * line.dx + (cy - (ink.top + ink.bottom) / 2) * line.dy) > reach) continue;
      } else if (line && Math.abs((cx - line.x) * line.dy - (cy - line.y) * line.dx) > reach) continue;
      next = j + 1;
      const ink = entry.glyph.box;
      if (ink) {
        const left = Math.min(box.x, ink.left / scale - BOX_PAD);
        const right = Math.max(box.x + box.width, ink.right / scale + BOX_PAD);
        const bottom = Math.min(box.y, heightPt - ink.bottom / scale - BOX_PAD);
        const top = Math.max(box.y + box.height, heightPt - ink.top / scale + BOX_PAD);
        boxes[i] = { page: box.page, x: left, y: bottom, width: right - left, height: top - bottom };
      }
      break;
    }
  }
  return { ...text, boxes };
}

/**
 * The page's text as pdf.js's canvas drew it (see glyphRecorder): each glyph's Unicode text in
 * drawing order with its ink box (padded, in displayed points), a space where a glyph starts
 * well clear of the one before on its line and a newline where it does not continue the line
 * (top-to-bottom glyphs of one text operator are joined as they come).
 * Text the text layer leaves out (glyphs it places off the page, or drops) is here, and so is
 * text it reads in another order. Format and combining marks are left out. Rougher than the text layer: for finding what the text layer
 * missed, not for reading.
 */
export function drawnText(drawn: readonly DrawnGlyph[], page: number, scale: number, heightPt: number): PageText {
  let text = '';
  const boxes: (RedactionBox | null)[] = [];
  let previous: NonNullable<DrawnGlyph['box']> | null = null;
  let previousRun: number | undefined;
  for (const glyph of drawn) {
    // Format and combining marks are left out: a term is found across them ("AB\u200BCD").
    const chars = glyph.unicode.normalize('NFKC').replace(new RegExp(MARKS.source, 'gu'), '');
    if (chars.length === 0) continue;
    const ink = glyph.box;
    // Top-to-bottom glyphs of one text operator are one run however its metrics place each one
    // (a glyph moved a column aside still belongs to the number it is part of).
    const sameRun = glyph.run !== undefined && glyph.run === previousRun;
    previousRun = glyph.run;
    if (ink && previous && !sameRun) {
      const height = Math.max(ink.bottom - ink.top, previous.bottom - previous.top, 1);
      const sameLine = Math.min(ink.bottom, previous.bottom) - Math.max(ink.top, previous.top) > 0.3 * height;
      const gap = ink.left - previous.right;
      const separator = !sameLine || gap < -0.5 * height ? '\n' : gap > 0.25 * height ? ' ' : '';
      if (separator && !/\s$/u.test(text)) {
        text += separator;
        boxes.push(null);
      }
    }
    const box = ink
      ? {
          page,
          x: ink.left / scale - BOX_PAD,
          y: heightPt - ink.bottom / scale - BOX_PAD,
          width: (ink.right - ink.left) / scale + 2 * BOX_PAD,
          height: (ink.bottom - ink.top) / scale + 2 * BOX_PAD,
        }
      : null;
    for (let i = 0; i < chars.length; i++) {
      text += chars.charAt(i);
      boxes.push(box && { ...box });
    }
    if (ink) previous = ink;
  }
  return { page, text, boxes };
}

import type { OPS as PdfjsOps } from 'pdfjs-dist/legacy/build/pdf.mjs';

type Ops = typeof PdfjsOps;
type Matrix = [number, number, number, number, number, number];

/** Where a glyph inks, in ems from its origin (x along the baseline, y up), through its font's FontMatrix. */
export interface InkBounds {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

/** What pdf.js gives the main thread of a Type3 font it loaded (see openPdf's fontExtraProperties). */
export interface Type3FontData {
  isType3Font?: boolean;
  fontMatrix?: number[];
  widths?: Record<number, number>;
  charProcOperatorList?: Record<string, { fnArray?: number[]; argsArray?: unknown[] } | undefined>;
}

/**
 * How a Type3 font's glyphs draw on pdf.js's canvas, read from the glyphs' own operator lists
 * (the drawings pdf.js executes for them), not from what the font declares: a glyph may draw
 * outside its d0 or d1 box and its font's FontBBox.
 */
export interface Type3Ink {
  /** The union of the ink of every glyph whose ink has a bound here. */
  ink: InkBounds;
  /**
   * Some glyph paints what has no bound here (a shading, nested text, an image group), or strokes
   * with a line width or miter limit it inherits from the page (unknown until it is drawn).
   */
  unbounded: boolean;
  /**
   * Whether pdf.js's canvas advances glyphs as its text layer says (FontMatrix's a > 0 and no
   * translation e). The canvas advances a glyph by a·width + e ems, the text layer by a·width:
   * with a mirrored or offset matrix the glyphs are drawn away from where the text layer puts them.
   */
  placedAsText: boolean;
  /** The least and greatest advance, in ems, the canvas gives a glyph of this font (a·width + e over its widths). */
  step: [number, number];
}

const apply = ([a, b, c, d, e, f]: Matrix, x: number, y: number): [number, number] => [a * x + c * y + e, b * x + d * y + f];
const multiply = ([a, b, c, d, e, f]: Matrix, [a2, b2, c2, d2, e2, f2]: Matrix): Matrix => [
  a2 * a + c2 * b,
  b2 * a + d2 * b,
  a2 * c + c2 * d,
  b2 * c + d2 * d,
  a2 * e + c2 * f + e2,
  b2 * e + d2 * f + f2,
];
const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

/** A miter limit as the canvas takes it: a value that is not positive is ignored (the previous one stays). */
const miterLimit = (value: unknown, previous: number): number => (typeof value === 'number' && value > 0 ? value : previous);

/** Numbers of an array-like (pdf.js sends Float32Arrays, which arrive as arrays or indexed objects). */
function numbers(value: unknown): number[] | null {
  if (value === null || typeof value !== 'object') return null;
  const list = Array.isArray(value) ? (value as unknown[]) : Array.from({ length: Object.keys(value).length }, (_, i) => (value as Record<number, unknown>)[i]);
  return list.length > 0 && list.every((n) => typeof n === 'number' && Number.isFinite(n)) ? (list as number[]) : null;
}

function matrix(value: unknown): Matrix | null {
  const m = numbers(value);
  return m?.length === 6 ? (m as Matrix) : null;
}

/**
 * A glyph's ink in glyph space (given the line width and miter limit it inherits, where known):
 * the bounds of its paths, strokes widened by half the line width times the miter limit, images as the unit square, all
 * through the transforms in force. Null when it paints something not bounded here.
 */
export function glyphInk(
  ops: Ops,
  fnArray: readonly number[],
  argsArray: readonly unknown[],
  inherited: { lineWidth: number; miterLimit: number } = { lineWidth: NaN, miterLimit: NaN },
): InkBounds | null {
  const ink: InkBounds = { minX: Infinity, maxX: -Infinity, minY: Infinity, maxY: -Infinity };
  // Line width and miter limit start as the glyph inherits them: NaN where unknown (a stroke then has no bound).
  let state = { ctm: IDENTITY, lineWidth: inherited.lineWidth, miterLimit: inherited.miterLimit, lineJoin: 0 };
  const stack: (typeof state)[] = [];
  const add = (x: number, y: number, pad = 0): void => {
    const [px, py] = apply(state.ctm, x, y);
    ink.minX = Math.min(ink.minX, px - pad);
    ink.maxX = Math.max(ink.maxX, px + pad);
    ink.minY = Math.min(ink.minY, py - pad);
    ink.maxY = Math.max(ink.maxY, py + pad);
  };
  const stroking = new Set<number>([ops.stroke, ops.closeStroke, ops.fillStroke, ops.eoFillStroke, ops.closeFillStroke, ops.closeEOFillStroke]);
  const painting = new Set<number>([...stroking, ops.fill, ops.eoFill, ops.rawFillPath]);
  const unitSquare = new Set<number>([ops.paintImageMaskXObject, ops.paintImageXObject, ops.paintInlineImageXObject, ops.paintSolidColorImageMask]);
  // Operators that change no pixel and no geometry this walk tracks.
  const inert = new Set<number>([
    ops.dependency,
    ops.setLineCap,
    ops.setDash,
    ops.setRenderingIntent,
    ops.setFlatness,
    ops.setCharWidth,
    ops.setCharWidthAndBounds,
    ops.setStrokeColorSpace,
    ops.setFillColorSpace,
    ops.setStrokeColor,
    ops.setStrokeColorN,
    ops.setFillColor,
    ops.setFillColorN,
    ops.setStrokeGray,
    ops.setFillGray,
    ops.setStrokeRGBColor,
    ops.setFillRGBColor,
    ops.setStrokeCMYKColor,
    ops.setFillCMYKColor,
    ops.setStrokeTransparent,
    ops.setFillTransparent,
    ops.clip,
    ops.eoClip,
    ops.markPoint,
    ops.markPointProps,
    ops.beginMarkedContent,
    ops.beginMarkedContentProps,
    ops.endMarkedContent,
    ops.beginCompat,
    ops.endCompat,
  ]);
  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i];
    const args = (argsArray[i] ?? []) as unknown[];
    if (fn === undefined || inert.has(fn)) continue;
    if (fn === ops.save) stack.push({ ...state });
    else if (fn === ops.restore) state = stack.pop() ?? state;
    else if (fn === ops.transform) {
      const m = matrix(args);
      if (!m) return null;
      state.ctm = multiply(m, state.ctm);
    } else if (fn === ops.paintFormXObjectBegin) {
      stack.push({ ...state });
      const m = args[0] === null || args[0] === undefined ? IDENTITY : matrix(args[0]);
      if (!m) return null;
      state.ctm = multiply(m, state.ctm);
    } else if (fn === ops.paintFormXObjectEnd) state = stack.pop() ?? state;
    else if (fn === ops.setLineWidth) state.lineWidth = Math.abs(Number(args[0]) || 0);
    else if (fn === ops.setMiterLimit) state.miterLimit = miterLimit(args[0], state.miterLimit);
    else if (fn === ops.setLineJoin) state.lineJoin = Number(args[0]) || 0;
    else if (fn === ops.setGState) {
      for (const entry of (Array.isArray(args[0]) ? args[0] : []) as unknown[]) {
        const [key, value] = Array.isArray(entry) ? (entry as [unknown, unknown]) : [];
        if (key === 'LW') state.lineWidth = Math.abs(Number(value) || 0);
        else if (key === 'ML') state.miterLimit = miterLimit(value, state.miterLimit);
        else if (key === 'LJ') state.lineJoin = Number(value) || 0;
      }
    } else if (fn === ops.constructPath) {
      const [op, , minMax] = args as [number, unknown, unknown];
      if (!painting.has(op)) continue; // endPath (after a clip): nothing drawn
      // An empty path: pdf.js sends no points and a null minMax (and its canvas, once it has drawn
      // it, leaves an empty Path2D in place of the missing points).
      if (minMax === null || minMax === undefined) continue;
      // pdf.js's canvas replaces the path's points with a Path2D the first time it draws it: the
      // bounds are read from the path's minMax ([x0, y0, x1, y1] in the path's space), which stays.
      // A compiled image mask (rawFillPath) is drawn within the unit square; its minMax is in pixels.
      const bounds = op === ops.rawFillPath ? [0, 0, 1, 1] : numbers(minMax);
      if (bounds?.length !== 4) return null;
      const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = bounds;
      // A stroke's half width, as far as a miter (or a square cap) can take it, through the transform.
      const [a, b, c, d] = state.ctm;
      const reach = stroking.has(op) ? (state.lineWidth / 2) * Math.max(Math.SQRT2, state.lineJoin === 0 ? state.miterLimit : 0) : 0;
      const pad = reach * Math.hypot(a, b, c, d);
      if (Number.isNaN(pad)) return null; // a stroke whose width (or miter limit) it inherits
      for (const [x, y] of [
        [x0, y0],
        [x0, y1],
        [x1, y0],
        [x1, y1],
      ] as const)
        add(x, y, pad);
    } else if (unitSquare.has(fn)) {
      for (const [x, y] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ] as const)
        add(x, y);
    } else return null; // shadings, nested text, image groups and repeats, transparency groups…
  }
  return ink;
}

/**
 * The ink and advances of a Type3 font, as pdf.js draws it, in ems (its glyphs through its
 * FontMatrix); null for any other font. Hazard: pdf.js's own canvas is what rendered the page
 * being redacted, so this follows pdf.js's canvas (which clips to a d1 box, and advances by
 * a·width + e), not the PDF specification; other readers may draw the source differently.
 */
export function type3Ink(font: Type3FontData | null | undefined, ops: Ops): Type3Ink | null {
  if (!font?.isType3Font) return null;
  const fm = matrix(font.fontMatrix) ?? [0.001, 0, 0, 0.001, 0, 0];
  const ink: InkBounds = { minX: Infinity, maxX: -Infinity, minY: Infinity, maxY: -Infinity };
  let unbounded = false;
  for (const list of Object.values(font.charProcOperatorList ?? {})) {
    const glyph = list?.fnArray && list.argsArray ? glyphInk(ops, list.fnArray, list.argsArray) : null;
    if (!glyph) {
      unbounded = true;
      continue;
    }
    if (glyph.minX > glyph.maxX) continue; // draws nothing
    const corners = [
      apply(fm, glyph.minX, glyph.minY),
      apply(fm, glyph.minX, glyph.maxY),
      apply(fm, glyph.maxX, glyph.minY),
      apply(fm, glyph.maxX, glyph.maxY),
    ];
    for (const [x, y] of corners) {
      ink.minX = Math.min(ink.minX, x);
      ink.maxX = Math.max(ink.maxX, x);
      ink.minY = Math.min(ink.minY, y);
      ink.maxY = Math.max(ink.maxY, y);
    }
  }
  if (ink.minX > ink.maxX) Object.assign(ink, { minX: 0, maxX: 0, minY: 0, maxY: 0 });
  const widths = Object.values(font.widths ?? {}).filter((w): w is number => typeof w === 'number' && Number.isFinite(w));
  // A glyph missing from Widths advances by e alone.
  const steps = [...widths, 0].map((w) => fm[0] * w + fm[4]);
  return { ink, unbounded, placedAsText: fm[0] > 0 && fm[4] === 0, step: [Math.min(0, ...steps), Math.max(0, ...steps)] };
}

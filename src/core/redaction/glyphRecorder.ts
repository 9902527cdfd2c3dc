import type { OPS as PdfjsOps, RenderTask } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { type Type3FontData, glyphInk } from './type3Ink';

/**
 * One glyph as pdf.js's canvas drew it: its Unicode text (as the font maps it) and the box its
 * ink covers in the canvas's pixels (x right, y down), or null when nothing of it is painted
 * (invisible text) or its ink has no bound (a Type3 glyph painting a shading).
 */
export interface DrawnGlyph {
  unicode: string;
  box: { left: number; top: number; right: number; bottom: number } | null;
}

/*
 * Why this exists: pdf.js's text layer (getTextContent) places characters by its own reckoning,
 * which is not always where its canvas draws them: a glyph it skips (a format mark, a glyph
 * placed off the page) or gives no advance (a combining mark) still advances the canvas; two
 * codes mapped to one character may differ in width; a Type3 glyph draws what it likes. A box
 * made from the text layer alone can then miss ink it means to cover. Recording the glyphs as
 * the canvas draws them gives their true boxes; pageText's `placeDrawn` joins them to the text.
 *
 * How: pdf.js does not expose its CanvasGraphics, so its prototype is reached through the first
 * render task (InternalRenderTask.initializeGraphics creates it) and four of its methods are
 * wrapped once for the process: showText and showType3Text (which glyphs a text operator
 * draws), paintChar (one glyph of an ordinary font: its path's bounds through the transform in
 * force) and executeOperatorList (one Type3 glyph: its drawing's bounds, see type3Ink). They record
 * only while a sink is registered for the canvas context being drawn on (`recordGlyphs`), and only
 * on that context itself: glyphs inside a transparency group or soft mask are drawn on a scratch
 * canvas and are not recorded (their text-layer boxes stand alone).
 *
 * Hazard: these are pdf.js internals (5.4). glyphRecorder.test.ts draws known glyphs through
 * them and fails when an update changes what they are called or take.
 */

type Box = NonNullable<DrawnGlyph['box']>;
interface Matrix2d {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
}
interface PdfjsGlyph {
  fontChar?: string;
  unicode?: string;
  accent?: { fontChar?: string } | null;
  operatorListId?: string;
}
interface Context2d {
  getTransform(): Matrix2d;
  lineWidth: number;
  miterLimit: number;
  lineJoin: string;
  measureText(text: string): {
    actualBoundingBoxLeft?: number;
    actualBoundingBoxRight?: number;
    actualBoundingBoxAscent?: number;
    actualBoundingBoxDescent?: number;
  };
}
interface Gfx {
  ctx: Context2d;
  commonObjs: unknown;
  current: {
    font: Type3FontData & {
      disableFontFace?: boolean;
      missingFile?: boolean;
      getPathGenerator?: (objs: unknown, character: string) => { getBounds?: () => [number, number, number, number] } | undefined;
    };
    fontSize: number;
    fontSizeScale: number;
    textRenderingMode: number;
    lineWidth: number;
  };
}
type Method = (this: Gfx, ...args: unknown[]) => unknown;

interface Pending {
  glyphs: readonly (PdfjsGlyph | number)[];
  at: number;
}
interface Sink {
  glyphs: DrawnGlyph[];
  pending: Pending | null;
  failed: boolean;
}

const sinks = new WeakMap<object, Sink>();
const pathBounds = new WeakMap<object, [number, number, number, number] | null>();
let patched = false;

function boxOf(m: Matrix2d, [x0 = 0, y0 = 0, x1 = 0, y1 = 0]: readonly number[], pad = 0): Box | null {
  // The four corners through m, without arrays: this runs once for every glyph drawn.
  const ax0 = m.a * x0;
  const ax1 = m.a * x1;
  const cy0 = m.c * y0;
  const cy1 = m.c * y1;
  const bx0 = m.b * x0;
  const bx1 = m.b * x1;
  const dy0 = m.d * y0;
  const dy1 = m.d * y1;
  const box = {
    left: Math.min(ax0 + cy0, ax0 + cy1, ax1 + cy0, ax1 + cy1) + m.e - pad,
    right: Math.max(ax0 + cy0, ax0 + cy1, ax1 + cy0, ax1 + cy1) + m.e + pad,
    top: Math.min(bx0 + dy0, bx0 + dy1, bx1 + dy0, bx1 + dy1) + m.f - pad,
    bottom: Math.max(bx0 + dy0, bx0 + dy1, bx1 + dy0, bx1 + dy1) + m.f + pad,
  };
  return Number.isFinite(box.left + box.right + box.top + box.bottom) ? box : null;
}

/** The next glyph of the text operator being drawn whose font character is `character` (skipping spacing numbers). */
function nextGlyph(pending: Pending, match: (glyph: PdfjsGlyph) => boolean): PdfjsGlyph | null {
  for (let i = pending.at; i < pending.glyphs.length; i++) {
    const glyph = pending.glyphs[i];
    if (typeof glyph === 'object' && match(glyph)) {
      pending.at = i + 1;
      return glyph;
    }
  }
  return null;
}

/** Where a paintChar call inks: its glyph's path bounds through `translate(x, y) scale(size, -size)`, strokes widened. */
function charBox(gfx: Gfx, character: string, x: number, y: number): Box | null {
  const { font, fontSize, fontSizeScale, textRenderingMode } = gfx.current;
  const mode = textRenderingMode & 3;
  if (mode === 3) return null; // invisible: nothing painted
  const m = gfx.ctx.getTransform();
  const size = fontSize / fontSizeScale;
  const at: Matrix2d = { a: m.a * size, b: m.b * size, c: -m.c * size, d: -m.d * size, e: m.a * x + m.c * y + m.e, f: m.b * x + m.d * y + m.f };
  // A stroke's width is in the text's space; through the transform, bounded by its norm.
  const pad = mode === 1 || mode === 2 ? (gfx.ctx.lineWidth / 2) * Math.max(Math.SQRT2, gfx.ctx.miterLimit) * Math.hypot(m.a, m.b, m.c, m.d) : 0;
  const path = font.disableFontFace && !font.missingFile ? font.getPathGenerator?.(gfx.commonObjs, character) : undefined;
  if (path && typeof path === 'object') {
    let bounds = pathBounds.get(path);
    if (bounds === undefined) {
      const b = path.getBounds?.();
      bounds = b && b.every(Number.isFinite) && b[0] <= b[2] ? b : null;
      pathBounds.set(path, bounds);
    }
    // An empty glyph (a space) draws nothing.
    return bounds ? boxOf(at, bounds, pad) : null;
  }
  // Drawn with fillText in a system font: its measured ink, else a generous em box.
  const metrics = gfx.ctx.measureText(character);
  const { actualBoundingBoxLeft: l, actualBoundingBoxRight: r, actualBoundingBoxAscent: up, actualBoundingBoxDescent: down } = metrics;
  if ([l, r, up, down].every((v) => typeof v === 'number' && Number.isFinite(v)))
    return boxOf(m, [x - (l ?? 0), y - (up ?? 0), x + (r ?? 0), y + (down ?? 0)], pad + 1);
  return boxOf(at, [-0.5, -1.5, 2, 0.5], pad);
}

function patchGraphics(proto: Record<string, Method | undefined>, OPS: typeof PdfjsOps): void {
  const { showText, showType3Text, paintChar, executeOperatorList } = proto;
  if (!showText || !showType3Text || !paintChar || !executeOperatorList) throw new Error('pdf.js CanvasGraphics has changed: glyphRecorder cannot follow it');
  const withPending = (original: Method): Method =>
    function (this: Gfx, ...args: unknown[]) {
      const sink = sinks.get(this.ctx);
      if (!sink) return original.apply(this, args);
      const outer = sink.pending;
      sink.pending = { glyphs: Array.isArray(args[1]) ? (args[1] as (PdfjsGlyph | number)[]) : [], at: 0 };
      try {
        return original.apply(this, args);
      } finally {
        sink.pending = outer;
      }
    };
  // pdf.js calls an operator's method through an alias named by its OPS number
  // (CanvasGraphics.prototype[OPS.showText]); each alias is replaced with its method.
  const replace = (original: Method, wrapped: Method): void => {
    // Read through descriptors: the prototype has getters that must not run here.
    for (const key of Object.getOwnPropertyNames(proto)) if (Object.getOwnPropertyDescriptor(proto, key)?.value === original) proto[key] = wrapped;
  };
  replace(showText, withPending(showText));
  replace(showType3Text, withPending(showType3Text));
  replace(paintChar, function (this: Gfx, ...args: unknown[]) {
    const sink = sinks.get(this.ctx);
    if (sink?.pending) {
      const [, character, x, y] = args as [number, string, number, number];
      guarded(sink, () => {
        const box = charBox(this, character, x, y);
        const pending = sink.pending;
        const glyph = pending && nextGlyph(pending, (g) => g.fontChar === character);
        const last = sink.glyphs.at(-1);
        if (glyph) sink.glyphs.push({ unicode: glyph.unicode ?? '', box });
        else if (last && box) last.box = last.box ? union(last.box, box) : box; // an accent drawn over the glyph before it
      });
    }
    return paintChar.apply(this, args);
  });
  replace(executeOperatorList, function (this: Gfx, ...args: unknown[]) {
    const sink = sinks.get(this.ctx);
    const list = args[0] as { fnArray?: number[]; argsArray?: unknown[] } | undefined;
    const { font } = this.current;
    if (sink?.pending && font.isType3Font && list) {
      const pending = sink.pending;
      const record = guarded(sink, (): DrawnGlyph | null => {
        const glyph = nextGlyph(pending, (g) => g.operatorListId !== undefined && font.charProcOperatorList?.[g.operatorListId] === list);
        if (!glyph) return null;
        // The glyph draws with the graphics state it inherits: the line width now in force (a number
        // the glyph's own space scales, as PDF says) and the canvas's miter limit.
        const ink = glyphInk(OPS, list.fnArray ?? [], list.argsArray ?? [], {
          lineWidth: Math.abs(this.current.lineWidth),
          miterLimit: this.ctx.lineJoin === 'miter' ? this.ctx.miterLimit : Math.SQRT2,
        });
        // No bound: recorded (so the text lines up) without a box of its own.
        return {
          unicode: glyph.unicode ?? '',
          box: ink === null || ink.minX > ink.maxX ? null : boxOf(this.ctx.getTransform(), [ink.minX, ink.minY, ink.maxX, ink.maxY]),
        };
      });
      if (record) {
        sink.glyphs.push(record);
        const start = sink.glyphs.length;
        try {
          return executeOperatorList.apply(this, args);
        } finally {
          // Text the glyph itself shows (a Type3 glyph may) is part of this glyph's ink, not text of its own.
          for (const nested of sink.glyphs.splice(start)) if (nested.box) record.box = record.box ? union(record.box, nested.box) : nested.box;
        }
      }
    }
    return executeOperatorList.apply(this, args);
  });
}

/**
 * Runs one recording step; an exception is never let into pdf.js's rendering. The sink stops
 * recording (`failed`), so its glyphs no longer line up with the text and are not used.
 */
function guarded<T>(sink: Sink, step: () => T): T | null {
  if (sink.failed) return null;
  try {
    return step();
  } catch {
    sink.failed = true;
    sink.glyphs.length = 0;
    return null;
  }
}

function union(a: Box, b: Box): Box {
  return { left: Math.min(a.left, b.left), top: Math.min(a.top, b.top), right: Math.max(a.right, b.right), bottom: Math.max(a.bottom, b.bottom) };
}

/**
 * Records the glyphs a render task draws on `context` (the context passed to page.render) into
 * the returned list, in drawing order, complete once the task's promise resolves. Call right
 * after page.render, before awaiting it (synchronously: pdf.js makes its graphics object later).
 * A context records for one render at a time; `stopRecording` when it ends.
 */
export function recordGlyphs(task: RenderTask, context: object, OPS: typeof PdfjsOps): DrawnGlyph[] {
  const sink: Sink = { glyphs: [], pending: null, failed: false };
  sinks.set(context, sink);
  if (!patched) {
    const internal = (task as unknown as { _internalRenderTask?: { constructor: { prototype: Record<string, Method> } } })._internalRenderTask;
    const proto = internal?.constructor.prototype;
    const initialize = proto?.initializeGraphics;
    if (!proto || !initialize) throw new Error('pdf.js InternalRenderTask has changed: glyphRecorder cannot follow it');
    patched = true;
    // The first graphics object made (by this task or any other) patches its class.
    let graphicsPatched = false;
    proto.initializeGraphics = function (this: Gfx & { gfx?: object }, ...args: unknown[]) {
      const result = initialize.apply(this, args);
      if (!graphicsPatched && this.gfx) {
        graphicsPatched = true;
        patchGraphics(Object.getPrototypeOf(this.gfx) as Record<string, Method>, OPS);
      }
      return result;
    };
  }
  return sink.glyphs;
}

/** Stops recording on `context` (call when its render has ended, however). */
export function stopRecording(context: object): void {
  sinks.delete(context);
}

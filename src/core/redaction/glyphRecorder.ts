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
  /** Its origin and the direction of its baseline (a unit vector), in the same pixels: which line it is on. */
  line: { x: number; y: number; dx: number; dy: number } | null;
  /**
   * For a glyph of top-to-bottom text: which text operator drew it. One operator's glyphs are
   * one run of text wherever its metrics put each glyph (drawnText joins them).
   */
  run?: number;
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
 * force) and executeOperatorList (one Type3 glyph: its drawing's bounds, see type3Ink), plus
 * beginGroup and endGroup (a transparency group is drawn on a scratch canvas placed at an
 * offset). They record only for a graphics object drawing a render that `recordGlyphs` was given
 * the context of. Not recorded: glyphs a tiling pattern's cell draws (a graphics object of its
 * own), which the text layer leaves out too.
 *
 * Hazard: these are pdf.js internals (5.6). glyphRecorder.test.ts draws known glyphs through
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
      isInvalidPDFjsFont?: boolean;
      remeasure?: boolean;
      vertical?: boolean;
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
  /**
   * The canvas's transform for this text operator's glyphs, read at its first glyph: showText
   * sets it once for the whole run (glyphs are placed by the x, y paintChar is given), except
   * for a font pdf.js remeasures, which may scale the canvas per glyph; that one is read for
   * every glyph. (Reading it through the native binding was 40% of recording's cost.)
   */
  transform: Matrix2d | null;
  /** This text operator's number within the render (see DrawnGlyph.run). */
  run: number;
}
interface Sink {
  glyphs: DrawnGlyph[];
  pending: Pending | null;
  failed: boolean;
  /** False once its render has ended (stopRecording). */
  active: boolean;
  /** Text operators drawn so far. */
  runs: number;
  /**
   * Where the canvas being drawn on sits in the page's pixels: a transparency group is drawn on a
   * scratch canvas placed at an offset, nested groups at the sum of theirs.
   */
  offsets: { x: number; y: number }[];
}

/** Sinks by the canvas context a render was asked to draw on, until its graphics object exists. */
const sinks = new WeakMap<object, Sink>();
/** Sinks by pdf.js graphics object (CanvasGraphics): it keeps drawing the same page on scratch canvases. */
const graphicsSinks = new WeakMap<object, Sink>();
/** The glyph lists whose recording failed. */
const failedLists = new WeakSet<object>();

function sinkOf(gfx: object): Sink | undefined {
  const sink = graphicsSinks.get(gfx);
  return sink?.active ? sink : undefined;
}

/** A line in the current canvas's pixels, moved to the page's. */
function placedLine(sink: Sink, line: DrawnGlyph['line']): DrawnGlyph['line'] {
  const offset = sink.offsets.at(-1);
  return line && offset ? { ...line, x: line.x + offset.x, y: line.y + offset.y } : line;
}

/** A box in the current canvas's pixels, moved to the page's. */
function placed(sink: Sink, box: Box | null): Box | null {
  const offset = sink.offsets.at(-1);
  if (!box || !offset || (offset.x === 0 && offset.y === 0)) return box;
  return { left: box.left + offset.x, right: box.right + offset.x, top: box.top + offset.y, bottom: box.bottom + offset.y };
}
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
function charBox(gfx: Gfx, pending: Pending, character: string, x: number, y: number): Pick<DrawnGlyph, 'box' | 'line'> {
  const { font, fontSize, fontSizeScale, textRenderingMode } = gfx.current;
  const m = font.remeasure === true ? gfx.ctx.getTransform() : (pending.transform ??= gfx.ctx.getTransform());
  const size = fontSize / fontSizeScale;
  const at: Matrix2d = { a: m.a * size, b: m.b * size, c: -m.c * size, d: -m.d * size, e: m.a * x + m.c * y + m.e, f: m.b * x + m.d * y + m.f };
  const line = lineOf(at);
  // Invisible (3) paints nothing; clipping only (7) paints nothing now, but what is filled within
  // the clip later takes the glyphs' shapes: it counts as ink.
  if (textRenderingMode === 3) return { box: null, line };
  const mode = textRenderingMode & 3;
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
    return { box: bounds ? boxOf(at, bounds, pad) : null, line };
  }
  // Drawn with fillText in a system font: its measured ink, else a generous em box.
  const metrics = gfx.ctx.measureText(character);
  const { actualBoundingBoxLeft: l, actualBoundingBoxRight: r, actualBoundingBoxAscent: up, actualBoundingBoxDescent: down } = metrics;
  if ([l, r, up, down].every((v) => typeof v === 'number' && Number.isFinite(v)))
    return { box: boxOf(m, [x - (l ?? 0), y - (up ?? 0), x + (r ?? 0), y + (down ?? 0)], pad + 1), line };
  return { box: boxOf(at, [-0.5, -1.5, 2, 0.5], pad), line };
}

/** A glyph's origin and baseline direction from the transform of its glyph space. */
function lineOf(m: Matrix2d): DrawnGlyph['line'] {
  const length = Math.hypot(m.a, m.b);
  return length > 0 && Number.isFinite(length + m.e + m.f) ? { x: m.e, y: m.f, dx: m.a / length, dy: m.b / length } : null;
}

function patchGraphics(proto: Record<string, Method | undefined>, OPS: typeof PdfjsOps): void {
  const { showText, showType3Text, paintChar, executeOperatorList, beginGroup, endGroup } = proto;
  if (!showText || !showType3Text || !paintChar || !executeOperatorList) throw new Error('pdf.js CanvasGraphics has changed: glyphRecorder cannot follow it');
  const withPending = (original: Method): Method =>
    function (this: Gfx, ...args: unknown[]) {
      const sink = sinkOf(this);
      if (!sink) return original.apply(this, args);
      const outer = sink.pending;
      const glyphs = Array.isArray(args[1]) ? (args[1] as (PdfjsGlyph | number)[]) : [];
      sink.pending = { glyphs, at: 0, transform: null, run: ++sink.runs };
      // A font pdf.js cannot use (`isInvalidPDFjsFont`) is drawn as one fillText of the whole run
      // in a system font: every glyph of the run gets the run's measured ink.
      const ctx = this.ctx as Context2d & { fillText?: (text: string, x: number, y: number) => void };
      const fillText = (this.current as Partial<Gfx['current']> | undefined)?.font?.isInvalidPDFjsFont ? ctx.fillText : undefined;
      const own = fillText ? Object.getOwnPropertyDescriptor(ctx, 'fillText') : undefined;
      if (fillText) {
        ctx.fillText = (text: string, x: number, y: number) => {
          guarded(sink, () => {
            const m = ctx.getTransform();
            const {
              actualBoundingBoxLeft: l = NaN,
              actualBoundingBoxRight: r = NaN,
              actualBoundingBoxAscent: up = NaN,
              actualBoundingBoxDescent: down = NaN,
            } = ctx.measureText(text);
            const box = placed(sink, boxOf(m, [x - l, y - up, x + r, y + down], 1));
            const line = placedLine(sink, lineOf(m));
            for (const glyph of glyphs) if (typeof glyph === 'object') sink.glyphs.push({ unicode: glyph.unicode ?? '', box, line });
          });
          fillText.call(ctx, text, x, y);
        };
      }
      try {
        return original.apply(this, args);
      } finally {
        sink.pending = outer;
        if (own) Object.defineProperty(ctx, 'fillText', own);
        else if (fillText) delete ctx.fillText;
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
    const sink = sinkOf(this);
    const pending = sink?.pending;
    if (sink && pending) {
      const [, character, x, y] = args as [number, string, number, number];
      guarded(sink, () => {
        const drawn = charBox(this, pending, character, x, y);
        const box = placed(sink, drawn.box);
        const glyph = nextGlyph(pending, (g) => g.fontChar === character);
        const last = sink.glyphs.at(-1);
        if (glyph) {
          const vertical = this.current.font.vertical === true ? { run: pending.run } : {};
          sink.glyphs.push({ unicode: glyph.unicode ?? '', box, line: placedLine(sink, drawn.line), ...vertical });
        } else if (last && box) last.box = last.box ? union(last.box, box) : box; // an accent drawn over the glyph before it
      });
    }
    return paintChar.apply(this, args);
  });
  // A transparency group is drawn on a scratch canvas whose pixel (0, 0) is the page's pixel
  // (offsetX, offsetY): pdf.js leaves the parent canvas translated by it (or, for a soft mask,
  // keeps it on its smaskStack). A soft mask's own scratch canvas (beginSMaskMode) is not offset.
  if (beginGroup && endGroup) {
    // pdf.js skips a group in hidden content (no scratch canvas, nothing pushed): an offset is
    // pushed and popped only when its group stack actually grew or shrank.
    replace(beginGroup, function (this: Gfx & { groupStack?: Context2d[]; smaskStack?: { offsetX?: number; offsetY?: number }[] }, ...args: unknown[]) {
      const depth = this.groupStack?.length ?? 0;
      const result = beginGroup.apply(this, args);
      const sink = sinkOf(this);
      if (sink && (this.groupStack?.length ?? 0) > depth) {
        const group = args[1] as { smask?: unknown } | undefined;
        const parent = sink.offsets.at(-1) ?? { x: 0, y: 0 };
        const smask = group?.smask ? this.smaskStack?.at(-1) : undefined;
        const at = smask ? { e: smask.offsetX ?? NaN, f: smask.offsetY ?? NaN } : this.groupStack?.at(-1)?.getTransform();
        // Unknown: recording stops for the page (its text-layer boxes stand alone, and it says so).
        if (!at || !Number.isFinite(at.e) || !Number.isFinite(at.f))
          guarded(sink, () => {
            throw new Error('a group whose place is unknown');
          });
        sink.offsets.push({ x: parent.x + (at?.e ?? 0), y: parent.y + (at?.f ?? 0) });
      }
      return result;
    });
    replace(endGroup, function (this: Gfx & { groupStack?: Context2d[] }, ...args: unknown[]) {
      const depth = this.groupStack?.length ?? 0;
      const result = endGroup.apply(this, args);
      if ((this.groupStack?.length ?? 0) < depth) sinkOf(this)?.offsets.pop();
      return result;
    });
  }
  replace(executeOperatorList, function (this: Gfx, ...args: unknown[]) {
    const sink = sinkOf(this);
    const list = args[0] as { fnArray?: number[]; argsArray?: unknown[] } | undefined;
    const font = (this.current as Partial<Gfx['current']> | undefined)?.font;
    if (sink?.pending && font?.isType3Font && list) {
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
        const m = this.ctx.getTransform();
        return {
          unicode: glyph.unicode ?? '',
          box: ink === null || ink.minX > ink.maxX ? null : placed(sink, boxOf(m, [ink.minX, ink.minY, ink.maxX, ink.maxY])),
          line: placedLine(sink, lineOf(m)),
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
    failedLists.add(sink.glyphs);
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
  const sink: Sink = { glyphs: [], pending: null, failed: false, active: true, runs: 0, offsets: [] };
  sinks.set(context, sink);
  if (!patched) {
    const internal = (task as unknown as { _internalRenderTask?: { constructor: { prototype: Record<string, Method> } } })._internalRenderTask;
    const proto = internal?.constructor.prototype;
    const initialize = proto?.initializeGraphics;
    if (!proto || !initialize) throw new Error('pdf.js InternalRenderTask has changed: glyphRecorder cannot follow it');
    patched = true;
    // The first graphics object made (by this task or any other) patches its class.
    let graphicsPatched = false;
    proto.initializeGraphics = function (this: Gfx & { gfx?: object; _canvasContext?: object }, ...args: unknown[]) {
      const result = initialize.apply(this, args);
      if (this.gfx) {
        if (!graphicsPatched) {
          graphicsPatched = true;
          patchGraphics(Object.getPrototypeOf(this.gfx) as Record<string, Method>, OPS);
        }
        // The graphics object drawing on a recorded context records, on whatever canvas it draws.
        // Its context: the one page.render was given (pdf.js keeps it as `_canvasContext` only
        // without a canvas), which beginDrawing keeps as `compositeCtx` when the page has
        // transparency and it draws on a canvas of its own first.
        const gfx = this.gfx as { ctx?: object; compositeCtx?: object };
        const sink = [this._canvasContext, gfx.compositeCtx, gfx.ctx].map((c) => (c ? sinks.get(c) : undefined)).find(Boolean);
        if (sink) graphicsSinks.set(this.gfx, sink);
      }
      return result;
    };
  }
  return sink.glyphs;
}

/** Stops recording on `context` (call when its render has ended, however). */
export function stopRecording(context: object): void {
  const sink = sinks.get(context);
  if (sink) sink.active = false;
  sinks.delete(context);
}

/** Whether recording `glyphs` failed part-way (the list is then empty: see `guarded`). */
export function recordingFailed(glyphs: readonly DrawnGlyph[]): boolean {
  return failedLists.has(glyphs);
}

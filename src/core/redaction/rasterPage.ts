import { type DrawnGlyph, recordGlyphs, stopRecording } from './glyphRecorder';
import { loadPdfjs } from './loadPdfjs';
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { CustodianError } from '../../shared/errors';
import type { RedactionBox } from '../../shared/redaction/redactionTypes';

/** The DPI a page is rasterised at unless asked otherwise (Dangerzone uses 150). */
export const DEFAULT_DPI = 200;
export const MIN_DPI = 50;
export const MAX_DPI = 600;
/**
 * The largest raster of one page, in pixels (4 bytes each: 256 MiB). A page that would be
 * larger at the asked DPI is rendered at the highest DPI that fits, and the report says so.
 */
export const MAX_PAGE_PIXELS = 64 * 1024 * 1024;

/** The canvas pdf.js renders into in Node (its own @napi-rs/canvas: mixing two copies fails). */
export interface NodeCanvas {
  width: number;
  height: number;
  encode(format: 'jpeg', quality?: number): Promise<Buffer>;
  encode(format: 'png'): Promise<Buffer>;
  /** The pixels, RGBA (premultiplied; opaque here, as rasterPage fills white first). */
  data(): Buffer;
  getContext(kind: '2d'): PaintContext;
}
/** The part of a 2D context redaction paints with. */
export interface PaintContext {
  fillStyle: unknown;
  fillRect(x: number, y: number, width: number, height: number): void;
  getImageData(x: number, y: number, width: number, height: number): { data: Uint8ClampedArray };
}
interface CanvasAndContext {
  canvas: NodeCanvas;
  context: PaintContext;
}
interface CanvasFactory {
  create(width: number, height: number): CanvasAndContext;
  destroy(canvasAndContext: CanvasAndContext): void;
}

export interface PageRaster {
  canvas: NodeCanvas;
  context: PaintContext;
  /** The DPI actually used (lower than asked when the page was too large). */
  dpi: number;
  /** Pixels per PDF point. */
  scale: number;
  /** The page's displayed size in points (rotation and crop box applied). */
  widthPt: number;
  heightPt: number;
  /** The glyphs pdf.js drew, in drawing order, with their ink in this raster's pixels (see glyphRecorder). */
  glyphs: DrawnGlyph[];
  release(): void;
}

/** The DPI a page of this size can be rendered at within MAX_PAGE_PIXELS, at most `asked`. */
export function fittingDpi(widthPt: number, heightPt: number, asked: number): number {
  const pixelsAt = (dpi: number): number => Math.ceil((widthPt * dpi) / 72) * Math.ceil((heightPt * dpi) / 72);
  if (pixelsAt(asked) <= MAX_PAGE_PIXELS) return asked;
  return Math.floor(72 * Math.sqrt(MAX_PAGE_PIXELS / (widthPt * heightPt))) - 1;
}

/**
 * Renders a page at `dpi` on a white background, annotations and form fields included, recording
 * where each glyph is drawn (`glyphs`; with `{ glyphs: false }` none are, and the list is empty:
 * pdf.js's own rendering and nothing more, as the benchmark's baseline must be).
 */
export async function rasterPage(doc: PDFDocumentProxy, page: PDFPageProxy, dpi: number, options: { glyphs?: boolean } = {}): Promise<PageRaster> {
  const base = page.getViewport({ scale: 1 });
  const scale = dpi / 72;
  const viewport = page.getViewport({ scale });
  const factory = doc.canvasFactory as CanvasFactory;
  const target = factory.create(Math.ceil(viewport.width), Math.ceil(viewport.height));
  const { canvas, context } = target;
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  // annotationMode 1 (ENABLE): annotations and filled-in form fields are drawn from their
  // appearance streams, as the viewer shows them: the officer redacts what they saw, and it all
  // becomes pixels (their text, as text, survives nowhere).
  const { OPS } = await loadPdfjs();
  const task = page.render({ canvas: canvas as never, canvasContext: context as never, viewport, annotationMode: 1 });
  const glyphs = options.glyphs === false ? [] : recordGlyphs(task, context, OPS);
  try {
    await task.promise;
  } catch (error) {
    factory.destroy(target);
    throw error;
  } finally {
    stopRecording(context);
  }
  return { canvas, context, dpi, scale, widthPt: base.width, heightPt: base.height, glyphs, release: () => factory.destroy(target) };
}

/**
 * Paints boxes (points, bottom-left origin) solid black into a raster of `scale` pixels per
 * point. Edges are rounded outwards to whole pixels, so no pixel even partly inside a box keeps
 * anything of the source.
 */
export function paintBoxes(context: PaintContext, boxes: readonly RedactionBox[], scale: number, heightPt: number, width: number, height: number): void {
  fillPixels(
    context,
    boxes.map((box) => boxPixels(box, scale, heightPt)),
    width,
    height,
  );
}

export interface PixelRect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Fills whole-pixel rectangles solid black, clipped to the raster (fillRect on integers: no anti-aliasing). */
export function fillPixels(context: PaintContext, rects: readonly PixelRect[], width: number, height: number): void {
  context.fillStyle = '#000000';
  for (const r of rects) {
    // fillRect ignores NaN: a box that cannot be placed must stop the redaction, not vanish.
    if (![r.left, r.top, r.right, r.bottom].every(Number.isFinite)) {
      throw new CustodianError('internal', 'A redaction box could not be placed on the page. Nothing was written; report this as a bug.');
    }
    const left = Math.max(0, r.left);
    const top = Math.max(0, r.top);
    const right = Math.min(width, r.right);
    const bottom = Math.min(height, r.bottom);
    if (right > left && bottom > top) context.fillRect(left, top, right - left, bottom - top);
  }
}

/** A box's pixels in a raster of `scale` pixels per point, rounded outwards (not clipped). */
export function boxPixels(box: RedactionBox, scale: number, heightPt: number): PixelRect {
  return {
    left: Math.floor(box.x * scale),
    right: Math.ceil((box.x + box.width) * scale),
    top: Math.floor((heightPt - box.y - box.height) * scale),
    bottom: Math.ceil((heightPt - box.y) * scale),
  };
}

import { createCanvas, ImageData, loadImage } from '@napi-rs/canvas';
import type { Canvas, Image } from '@napi-rs/canvas';
import { imageSize } from 'image-size';
// utif2 is CommonJS without named exports Node can see: import the module object.
import UTIF from 'utif2';
import { CustodianError } from '../../shared/errors';
import type { RedactionBox } from '../../shared/redaction/redactionTypes';
import { checkRedactedImage } from './checkRedactedImage';
import { ocrWordsText } from './ocrPageText';
import type { PageText } from './pageText';
import { fillPixels, MAX_PAGE_PIXELS } from './rasterPage';
import type { RedactedPage, RedactOptions, RedactResult } from './redactPdf';
import { stripImageMetadata } from './stripImageMetadata';
import { suggestRedactions } from './suggestRedactions';

export type RedactableImage = 'png' | 'jpeg' | 'tiff';

/** An OCR word's pixels as an image box (pixels, top-left), padded by 2 pixels. */
export const imageOcrBox = (x0: number, y0: number, x1: number, y1: number): RedactionBox => ({
  page: 1,
  x: x0 - 2,
  y: y0 - 2,
  width: x1 - x0 + 4,
  height: y1 - y0 + 4,
});

const startsWith = (bytes: Uint8Array, magic: readonly number[]): boolean => magic.every((b, i) => bytes[i] === b);

/** The image kinds redaction reads, from their signatures (not the name); null for anything else. */
export function imageKind(bytes: Uint8Array): RedactableImage | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  return null;
}

// EXIF orientations 2–8 as canvas transforms of the stored w × h pixels (5–8 swap the sides).
const ORIENT: Record<number, (w: number, h: number) => [number, number, number, number, number, number]> = {
  2: (w) => [-1, 0, 0, 1, w, 0],
  3: (w, h) => [-1, 0, 0, -1, w, h],
  4: (_w, h) => [1, 0, 0, -1, 0, h],
  5: () => [0, 1, 1, 0, 0, 0],
  6: (_w, h) => [0, 1, -1, 0, h, 0],
  7: (w, h) => [0, -1, -1, 0, h, w],
  8: (w) => [0, -1, 1, 0, 0, w],
};

/** The stored w × h pixels drawn as displayed under an EXIF orientation (1–8), on a new canvas. */
function orient(stored: Image | Canvas, w: number, h: number, orientation: number): Canvas {
  const transform = ORIENT[orientation];
  const swap = transform !== undefined && orientation >= 5;
  const canvas = createCanvas(swap ? h : w, swap ? w : h);
  const context = canvas.getContext('2d');
  if (transform) context.setTransform(...transform(w, h));
  context.drawImage(stored, 0, 0);
  // The boxes are painted through this same context later: they must not be rotated too.
  context.setTransform(1, 0, 0, 1, 0, 0);
  return canvas;
}

/** The orientation tag of a PNG's eXIf chunk (a TIFF structure), or 1. */
export function pngOrientation(bytes: Uint8Array): number {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 8; at + 12 <= view.length;) {
    const length = view.readUInt32BE(at);
    const type = view.toString('latin1', at + 4, at + 8);
    if (type === 'IDAT') return 1; // eXIf comes before the image data, or not at all.
    if (type === 'eXIf') {
      try {
        const exif = view.subarray(at + 8, at + 8 + length);
        const ifd = UTIF.decode(exif.buffer.slice(exif.byteOffset, exif.byteOffset + exif.byteLength) as ArrayBuffer)[0];
        return (ifd?.t274 as number[] | undefined)?.[0] ?? 1;
      } catch {
        return 1;
      }
    }
    at += 12 + length;
  }
  return 1;
}

/**
 * Decodes an image into a canvas as it is displayed. PNG and JPEG decode through Skia, which
 * applies a JPEG's EXIF orientation itself; a PNG's eXIf orientation and a TIFF's orientation tag
 * (TIFF decodes through utif2) are applied here. The size is read from the header first: an image bomb (a small file declaring
 * an enormous image) is refused before anything is decompressed.
 */
export async function decodeDisplayed(bytes: Uint8Array, kind: RedactableImage): Promise<Canvas> {
  let declared: { width?: number; height?: number; images?: unknown[] };
  try {
    declared = imageSize(bytes);
  } catch (error) {
    throw new CustodianError('validation_failed', 'This image cannot be read (it is damaged or not an image). Nothing was written.', { cause: error });
  }
  const width = declared.width ?? 0;
  const height = declared.height ?? 0;
  if (!(width > 0 && height > 0)) throw new CustodianError('validation_failed', 'This image states no size; it cannot be redacted. Nothing was written.');
  if (width * height > MAX_PAGE_PIXELS) {
    throw new CustodianError(
      'validation_failed',
      `This image is too large to redact (${width} × ${height} pixels; the limit is ${MAX_PAGE_PIXELS / 1024 / 1024} million). Nothing was written.`,
    );
  }
  try {
    if (kind !== 'tiff') {
      const image = await loadImage(Buffer.from(bytes));
      // Skia applies a JPEG's EXIF orientation itself, but not a PNG's eXIf chunk.
      const orientation = kind === 'png' ? pngOrientation(bytes) : 1;
      return orient(image, image.width, image.height, orientation);
    }
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const ifds = UTIF.decode(buffer);
    if (ifds.length !== 1)
      throw new CustodianError(
        'validation_failed',
        `This TIFF has ${ifds.length} pages; redaction takes single-page TIFFs. Save the pages as a PDF and redact that.`,
      );
    const ifd = ifds[0];
    if (!ifd) throw new CustodianError('validation_failed', 'This TIFF holds no image. Nothing was written.');
    const w = (ifd.t256 as number[] | undefined)?.[0] ?? 0;
    const h = (ifd.t257 as number[] | undefined)?.[0] ?? 0;
    if (!(w > 0 && h > 0) || w * h > MAX_PAGE_PIXELS)
      throw new CustodianError('validation_failed', 'This TIFF is too large to redact, or states no size. Nothing was written.');
    UTIF.decodeImage(buffer, ifd);
    const stored = createCanvas(ifd.width, ifd.height);
    stored.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(UTIF.toRGBA8(ifd)), ifd.width, ifd.height), 0, 0);
    return orient(stored, ifd.width, ifd.height, (ifd.t274 as number[] | undefined)?.[0] ?? 1);
  } catch (error) {
    if (error instanceof CustodianError) throw error;
    throw new CustodianError('validation_failed', 'This image cannot be decoded (it is damaged or in a form not supported). Nothing was written.', {
      cause: error,
    });
  }
}

/**
 * True redaction of an image: decoded (orientation applied first, so boxes land where the officer
 * drew them on the displayed image), boxes painted into the pixels, re-encoded with nothing but
 * pixels: no EXIF, XMP, ICC profile, comments or text chunks. PNG and TIFF come out as PNG, JPEG as
 * JPEG. Boxes are in pixels from the top-left; the image is page 1.
 */
export async function redactImage(source: Uint8Array, options: RedactOptions = {}): Promise<RedactResult & { format: 'png' | 'jpeg' }> {
  const kind = imageKind(source);
  if (!kind) throw new CustodianError('validation_failed', 'Only PDF, PNG, JPEG and TIFF files can be redacted. Nothing was written.');
  const canvas = await decodeDisplayed(source, kind);
  const notes: string[] = [];
  let text: PageText = { page: 1, text: '', boxes: [] };
  let textSource: RedactedPage['text'] = 'none';
  if (options.ocr) {
    const words = await options.ocr.recognize(await canvas.encode('png'));
    text = ocrWordsText(words, imageOcrBox);
    textSource = 'ocr';
  } else if (options.terms?.length || options.pii || options.people?.length) {
    notes.push('An image has no text layer: terms and suggestions need OCR. Use OCR, or draw boxes.');
  }
  options.signal?.throwIfAborted();
  const suggestions = suggestRedactions(text, { pii: options.pii ?? false, people: options.people, terms: options.terms }, 'ocr');
  const boxes = [...(options.boxes ?? []).filter((b) => b.page === 1), ...suggestions.flatMap((s) => s.boxes)];
  const outside = (options.boxes ?? []).filter((b) => b.page !== 1);
  if (outside.length) throw new CustodianError('validation_failed', 'An image has one page: every box must be on page 1.');
  fillPixels(
    canvas.getContext('2d'),
    boxes.map((b) => ({ left: Math.floor(b.x), top: Math.floor(b.y), right: Math.ceil(b.x + b.width), bottom: Math.ceil(b.y + b.height) })),
    canvas.width,
    canvas.height,
  );
  const format = kind === 'jpeg' ? 'jpeg' : 'png';
  const bytes = stripImageMetadata(format === 'jpeg' ? await canvas.encode('jpeg', options.quality ?? 92) : await canvas.encode('png'), format);
  checkRedactedImage(bytes, format, { width: canvas.width, height: canvas.height });
  if (kind === 'tiff') notes.push('The TIFF was written as a PNG (the same pixels, no metadata).');
  options.onProgress?.(1, 1);
  return {
    bytes: new Uint8Array(bytes),
    format,
    report: {
      kind: 'image',
      pages: [{ page: 1, dpi: 0, boxes, suggestions, text: textSource, notes }],
      keptWords: 0,
      notes: ['The image was decoded and re-encoded: only its pixels were kept, with no EXIF, XMP, ICC profile, comments or text chunks.'],
    },
  };
}

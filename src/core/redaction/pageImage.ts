import { promisify } from 'node:util';
import { deflate } from 'node:zlib';
import type { NodeCanvas } from './rasterPage';
import { stripImageMetadata } from './stripImageMetadata';

const deflateAsync = promisify(deflate);

/**
 * A page image as the PDF stores it: lossless 8-bit gray, deflated (a page of black, white and
 * gray only: text, most forms and sign-in sheets), or a JPEG (any colour).
 */
export type PageImage = { kind: 'jpeg'; bytes: Uint8Array } | { kind: 'gray'; bytes: Uint8Array; width: number; height: number };

/**
 * Deflated gray above this many bytes a pixel (a gray scan's noise compresses badly) is written
 * as a JPEG instead: JPEG at quality 90 stays well under it.
 */
const MAX_GRAY_BYTES_PER_PIXEL = 0.4;

/** The pixels' gray values when every pixel is opaque gray (R = G = B), else null. `rgba` is premultiplied RGBA. */
export function grayPixels(rgba: Uint8Array): Uint8Array | null {
  const pixels = rgba.length >> 2;
  const words = new Uint32Array(rgba.buffer, rgba.byteOffset, pixels);
  const gray = new Uint8Array(pixels);
  for (let i = 0; i < pixels; i++) {
    const word = words[i] ?? 0;
    const value = word & 0xff;
    // Opaque (alpha 255, the top byte on a little-endian host) with R = G = B (whatever their
    // order). A pixel that is not opaque is never taken for gray: premultiplied, its colour is gone.
    // On a big-endian host only white passes, so a page there is a JPEG unless it is blank.
    if (word >>> 0 !== (0xff000000 | (value * 0x010101)) >>> 0) return null;
    gray[i] = value;
  }
  return gray;
}

/**
 * Encodes a painted page raster (opaque: rasterPage fills white first): lossless gray where the
 * page has no colour, which is sharper and about half the size of the JPEG of a text page and
 * several times faster to make; a JPEG (without Skia's ICC profile) otherwise. Compression runs
 * on libuv's pool.
 */
export async function encodePageImage(canvas: NodeCanvas, quality: number): Promise<PageImage> {
  const rgba = canvas.data();
  // A copy's offset may not be a multiple of 4 (a pooled Buffer): Uint32Array needs one that is.
  const gray = grayPixels(rgba.byteOffset % 4 === 0 ? rgba : new Uint8Array(rgba));
  if (gray) {
    // One output chunk for a whole page: each chunk is a callback on this thread.
    const bytes = await deflateAsync(gray, { level: 1, chunkSize: 1 << 20 });
    if (bytes.length <= gray.length * MAX_GRAY_BYTES_PER_PIXEL) return { kind: 'gray', bytes, width: canvas.width, height: canvas.height };
  }
  // Skia adds an ICC profile to a JPEG (APP2): pixels only, as for redacted images.
  return { kind: 'jpeg', bytes: stripImageMetadata(await canvas.encode('jpeg', quality), 'jpeg') };
}

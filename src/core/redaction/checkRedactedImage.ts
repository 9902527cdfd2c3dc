import { imageSize } from 'image-size';
import { CustodianError } from '../../shared/errors';

import { PNG_PIXEL_CHUNKS } from './stripImageMetadata';

function refuse(why: string): never {
  throw new CustodianError('internal', `The redacted image failed its check (${why}). It was not written; the original is unchanged. Report this as a bug.`);
}

/** The chunk types of a PNG, in order. */
export function pngChunks(bytes: Uint8Array): string[] {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const types: string[] = [];
  for (let at = 8; at + 8 <= view.length;) {
    const length = view.readUInt32BE(at);
    types.push(view.toString('latin1', at + 4, at + 8));
    at += 12 + length;
  }
  return types;
}

/** The marker bytes of a JPEG's segments before its image data (0xE0–0xEF are APPn, 0xFE COM). */
export function jpegMarkers(bytes: Uint8Array): number[] {
  const markers: number[] = [];
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 2; at + 4 <= view.length && view.readUInt8(at) === 0xff;) {
    const marker = view.readUInt8(at + 1);
    markers.push(marker);
    if (marker === 0xda) break;
    at += 2 + view.readUInt16BE(at + 2);
  }
  return markers;
}

/**
 * Reads a redacted image back before anyone may keep it: same displayed size, and nothing but
 * pixels: for PNG only IHDR, PLTE, tRNS, IDAT and IEND chunks; for JPEG no EXIF/XMP (APP1), ICC
 * (APP2), Photoshop (APP13) or comment (COM) segments: only JFIF's APP0 is allowed.
 */
export function checkRedactedImage(bytes: Uint8Array, format: 'png' | 'jpeg', size: { width: number; height: number }): void {
  let read;
  try {
    read = imageSize(bytes);
  } catch {
    refuse('it cannot be read back');
  }
  if (read.width !== size.width || read.height !== size.height) refuse('its size changed');
  if (format === 'png') {
    const extra = pngChunks(bytes).filter((t) => !PNG_PIXEL_CHUNKS.has(t));
    if (extra.length) refuse(`it carries ${extra.join(', ')} chunks`);
  } else {
    const extra = jpegMarkers(bytes).filter((m) => (m >= 0xe1 && m <= 0xef) || m === 0xfe);
    if (extra.length) refuse('it carries metadata segments');
  }
}

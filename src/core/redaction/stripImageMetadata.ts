/** The PNG chunks a redacted image keeps: pixels and how to read them, nothing else. */
export const PNG_PIXEL_CHUNKS = new Set(['IHDR', 'PLTE', 'tRNS', 'IDAT', 'IEND']);

/**
 * An encoded image with every segment but its pixels removed. Skia's encoders add an sRGB
 * chunk and an sBIT chunk (PNG) or an ICC profile (JPEG APP2); none carries anything of the
 * source, but the promise is "pixels only", so they go: PNG keeps PNG_PIXEL_CHUNKS (each chunk
 * carries its own CRC; nothing else refers to them), JPEG keeps every segment except APP1–APP15
 * and COM (JFIF's APP0 stays; sRGB is the default without a profile).
 */
export function stripImageMetadata(bytes: Uint8Array, format: 'png' | 'jpeg'): Buffer {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Buffer[] = [];
  if (format === 'png') {
    parts.push(view.subarray(0, 8));
    for (let at = 8; at + 12 <= view.length;) {
      const end = at + 12 + view.readUInt32BE(at);
      if (PNG_PIXEL_CHUNKS.has(view.toString('latin1', at + 4, at + 8))) parts.push(view.subarray(at, end));
      at = end;
    }
    return Buffer.concat(parts);
  }
  parts.push(view.subarray(0, 2));
  let at = 2;
  while (at + 4 <= view.length && view[at] === 0xff) {
    const marker = view.readUInt8(at + 1);
    if (marker === 0xda) break;
    const end = at + 2 + view.readUInt16BE(at + 2);
    if (!((marker >= 0xe1 && marker <= 0xef) || marker === 0xfe)) parts.push(view.subarray(at, end));
    at = end;
  }
  parts.push(view.subarray(at));
  return Buffer.concat(parts);
}

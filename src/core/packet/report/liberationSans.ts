import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { PacketModel } from '../packetModel';

// The report's typeface: Liberation Sans (SIL OFL 1.1), read from pdfjs-dist's standard_fonts
// and embedded as a subset whose name is a hash of the packet, never a counter or a clock.

/** Liberation Sans Regular and Bold from pdfjs-dist's standard_fonts, read once per process. */
let fontBytes: Promise<{ regular: Uint8Array; bold: Uint8Array }> | null = null;

/**
 * The bytes of LiberationSans-Regular.ttf and LiberationSans-Bold.ttf.
 * @throws when pdfjs-dist's folder cannot be found or the files cannot be read; a failed read is
 *   not cached, so the next call tries again.
 */
export function liberationSans(): Promise<{ regular: Uint8Array; bold: Uint8Array }> {
  if (!fontBytes) {
    // Resolved at run time, as openPdf does: the code is bundled into out/, pdfjs-dist is not.
    const folder = join(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts');
    const loading = Promise.all([readFile(join(folder, 'LiberationSans-Regular.ttf')), readFile(join(folder, 'LiberationSans-Bold.ttf'))]).then(
      ([regular, bold]) => ({ regular: new Uint8Array(regular), bold: new Uint8Array(bold) }),
    );
    // A failed read is not cached: the next report tries again.
    loading.catch(() => {
      fontBytes = null;
    });
    fontBytes = loading;
  }
  return fontBytes;
}

/**
 * `ABCDEF+LiberationSans`: a subset font's name carries a six-letter tag (ISO 32000-1 9.6.4).
 * pdf-lib would append a number instead; this tag is a hash of the packet and the font, so it
 * is the same on every run and readers (pdffonts) see the font as a subset.
 */
export function subsetName(model: PacketModel, postscriptName: string): string {
  const digest = createHash('sha256').update(`${model.packetId}\0${postscriptName}`).digest();
  const tag = Array.from(digest.subarray(0, 6), (byte) => String.fromCharCode(65 + (byte % 26))).join('');
  return `${tag}+${postscriptName}`;
}

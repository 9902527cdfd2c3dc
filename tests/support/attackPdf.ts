import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redactPdf, type RedactOptions } from '../../src/core/redaction/redactPdf';
import { type Doc, type Glyph, hex } from './pdfFixtures';

export { Doc, type Glyph, hex, toUnicode, type3 } from './pdfFixtures';

// Hand-built PDFs for attacks on redaction (Type3 fonts, ToUnicode maps, raw content streams),
// and the judge: the inked pixels poppler draws of a redacted output outside its boxes.

const dir = mkdtempSync(join(tmpdir(), 'custodian-attack-pdf-'));
/** Removes the judge's working folder (call from afterAll). */
export const cleanupAttackPdfs = (): void => rmSync(dir, { recursive: true, force: true });

export const letters = (proc: string, width = 1000): Glyph[] => ['A', 'B', 'C', 'D'].map((l) => ({ code: l.charCodeAt(0), unicode: l, proc, width }));
export const BAR = '1000 0 d0\n100 0 800 700 re f\n';
export const str = (codes: number[]) => `<${codes.map((c) => hex(c)).join('')}>`;
export const ABCD = [65, 66, 67, 68];
export const helv = (doc: Doc) => doc.add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');

function drawn(bytes: Uint8Array, name: string, dpi: number): [number, number, Buffer] {
  const path = join(dir, `${name}.pdf`);
  writeFileSync(path, bytes);
  execFileSync('pdftoppm', ['-r', String(dpi), '-gray', '-singlefile', path, join(dir, name)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const pgm = readFileSync(join(dir, `${name}.pgm`));
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.toString('latin1', 0, 40));
  if (!header) throw new Error('not a PGM');
  return [Number(header[1]), Number(header[2]), pgm.subarray(header[0].length)];
}
export type Region = { x0: number; y0: number; x1: number; y1: number } | null;
export function inkOutside(
  bytes: Uint8Array,
  name: string,
  dpi: number,
  heightPt: number,
  boxes: readonly { x: number; y: number; width: number; height: number }[],
  region: Region = null,
): number {
  const scale = dpi / 72;
  const [w, h, pixels] = drawn(bytes, name, dpi);
  const inBox = (px: number, py: number) =>
    boxes.some(
      (b) => px >= b.x * scale - 1 && px <= (b.x + b.width) * scale + 1 && py >= (heightPt - b.y - b.height) * scale - 1 && py <= (heightPt - b.y) * scale + 1,
    );
  let outside = 0;
  const inRegion = (px: number, py: number) =>
    !region || (px / scale >= region.x0 && px / scale <= region.x1 && heightPt - py / scale >= region.y0 && heightPt - py / scale <= region.y1);
  for (let py = 0; py < h; py++) for (let px = 0; px < w; px++) if ((pixels[py * w + px] ?? 255) < 250 && !inBox(px, py) && inRegion(px, py)) outside++;
  return outside;
}
/** pixels of ink in the plain rasterisation (no boxes), outside `ignore` boxes. */
export async function probe(name: string, source: Uint8Array, opts: RedactOptions = { terms: ['ABCD'] }, heightPt = 792, region: Region = null) {
  const dpi = 100;
  const { bytes: plain } = await redactPdf(source, { dpi });
  const plainInk = inkOutside(plain, `${name}-plain`, dpi, heightPt, [], region);
  const { bytes, report } = await redactPdf(source, { ...opts, dpi });
  const boxes = report.pages.flatMap((p) => p.boxes);
  const left = inkOutside(bytes, `${name}-red`, dpi, heightPt, boxes, region);
  const area = boxes.reduce((s, b) => s + b.width * b.height, 0);
  return {
    plainInk,
    left,
    boxes,
    area,
    suggestions: report.pages.flatMap((p) => p.suggestions.map((s) => `${s.text} | ${s.why}`)),
    /** The report's notes and its pages' (but the one every redaction makes). */
    notes: [...report.notes.filter((n) => !n.startsWith('Every page')), ...report.pages.flatMap((p) => p.notes)],
    bytes,
  };
}

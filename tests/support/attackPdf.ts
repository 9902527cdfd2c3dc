import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redactPdf, type RedactOptions } from '../../src/core/redaction/redactPdf';

// Hand-built PDFs for attacks on redaction (Type3 fonts, ToUnicode maps, raw content streams),
// and the judge: the inked pixels poppler draws of a redacted output outside its boxes.

const dir = mkdtempSync(join(tmpdir(), 'custodian-attack-pdf-'));
/** Removes the judge's working folder (call from afterAll). */
export const cleanupAttackPdfs = (): void => rmSync(dir, { recursive: true, force: true });

/** A one-page PDF: objects 1–3 are the catalog, page tree and page; `add` numbers the rest from 4. */
export class Doc {
  objs: string[] = [];
  add(body: string): string {
    this.objs.push(body);
    return `${this.objs.length + 3} 0 R`;
  }
  stream(data: string, dict = ''): string {
    const d = data.endsWith('\n') ? data : `${data}\n`;
    return this.add(`<< /Length ${Buffer.byteLength(d, 'latin1')} ${dict} >>\nstream\n${d}endstream`);
  }
  binStream(data: Buffer, dict = ''): string {
    return this.add(`<< /Length ${data.length} ${dict} >>\nstream\n${data.toString('latin1')}\nendstream`);
  }
  build({
    content,
    resources,
    page = '',
    mediaBox = [0, 0, 612, 792],
    catalog = '',
  }: {
    content: string;
    resources: string;
    page?: string;
    mediaBox?: number[];
    catalog?: string;
  }): Uint8Array {
    const contentRef = this.stream(content);
    const objects = [
      `<< /Type /Catalog /Pages 2 0 R ${catalog} >>`,
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      `<< /Type /Page /Parent 2 0 R /MediaBox [${mediaBox.join(' ')}] ${page} /Resources << ${resources} >> /Contents ${contentRef} >>`,
      ...this.objs,
    ];
    let pdf = '%PDF-1.7\n';
    const offsets: number[] = [];
    objects.forEach((body, i) => {
      offsets.push(pdf.length);
      pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
    });
    const xref = pdf.length;
    pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f\r\n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n\r\n`).join('')}`;
    pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
    return Buffer.from(pdf, 'latin1');
  }
}
export const hex = (n: number, w = 2) => n.toString(16).padStart(w, '0');
export const utf16 = (s: string) => Array.from({ length: s.length }, (_, i) => hex(s.charCodeAt(i), 4)).join('');
export function toUnicode(map: [number, string][], bytes = 1): string {
  return [
    '/CIDInit /ProcSet findresource begin 12 dict begin begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def',
    bytes === 1 ? '1 begincodespacerange <00> <FF> endcodespacerange' : '1 begincodespacerange <0000> <FFFF> endcodespacerange',
    `${map.length} beginbfchar`,
    ...map.map(([code, u]) => `<${hex(code, bytes * 2)}> <${utf16(u)}>`),
    'endbfchar endcmap CMapName currentdict /CMap defineresource pop end end',
  ].join('\n');
}
export interface Glyph {
  code: number;
  unicode: string;
  proc: string;
  width?: number;
}
export function type3(doc: Doc, glyphs: Glyph[], { fontMatrix = [0.001, 0, 0, 0.001, 0, 0], bbox = [0, 0, 1000, 1000], resources = '' } = {}): string {
  const procs = glyphs.map((g) => `/g${g.code} ${doc.stream(g.proc)}`).join(' ');
  const tu = doc.stream(toUnicode(glyphs.filter((g) => g.unicode !== '').map((g) => [g.code, g.unicode])));
  const first = Math.min(...glyphs.map((g) => g.code));
  const last = Math.max(...glyphs.map((g) => g.code));
  const w = Array.from({ length: last - first + 1 }, (_, i) => glyphs.find((g) => g.code === first + i)?.width ?? 1000);
  return doc.add(
    `<< /Type /Font /Subtype /Type3 /FontBBox [${bbox.join(' ')}] /FontMatrix [${fontMatrix.join(' ')}] /CharProcs << ${procs} >> /Encoding << /Type /Encoding /Differences [${glyphs.map((g) => `${g.code} /g${g.code}`).join(' ')}] >> /FirstChar ${first} /LastChar ${last} /Widths [${w.join(' ')}] /Resources << ${resources} >> /ToUnicode ${tu} >>`,
  );
}
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

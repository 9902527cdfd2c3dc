import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createCanvas } from '@napi-rs/canvas';
import { beforeAll, describe, expect, it } from 'vitest';
import { ImagePdfWriter, KEPT_FONT_NAME } from './imagePdfWriter';
import { keptTextContent } from './keptText';
import { scanImagePdf } from './scanImagePdf';

/** A real PDF from the writer: two pages, the second with a kept text layer. */
async function written(): Promise<Buffer> {
  const canvas = createCanvas(85, 110);
  const context = canvas.getContext('2d');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, 85, 110);
  context.fillStyle = '#000';
  context.fillRect(10, 10, 40, 8);
  const jpeg = await canvas.encode('jpeg', 90);
  const chunks: Buffer[] = [];
  const writer = await ImagePdfWriter.start({ write: (bytes) => Promise.resolve(void chunks.push(Buffer.from(bytes))) });
  await writer.addPage(612, 792, jpeg);
  const kept = keptTextContent(KEPT_FONT_NAME, [{ text: 'Attended safety', box: { page: 2, x: 72, y: 700, width: 90, height: 12 }, source: 'text' }]);
  await writer.addPage(595.28, 841.89, jpeg, kept.content);
  await writer.finish();
  return Buffer.concat(chunks);
}

const scan = (bytes: Buffer, terms: string[] = ['Jane Roe']) => scanImagePdf(Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]), terms);

/** The bytes with `from` replaced by `to` (latin1, once; the replacement must happen). */
function edited(bytes: Buffer, from: string, to: string): Buffer {
  const text = bytes.toString('latin1');
  if (!text.includes(from)) throw new Error(`no ${from} to replace`);
  return Buffer.from(text.replace(from, to), 'latin1');
}

let pdf: Buffer;
beforeAll(async () => {
  pdf = await written();
});

describe('ImagePdfWriter and scanImagePdf', () => {
  it('writes a PDF that qpdf and pdfinfo accept, with nothing but its pages, which the scan reads back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scan-'));
    try {
      writeFileSync(join(dir, 'out.pdf'), pdf);
      execFileSync('qpdf', ['--check', join(dir, 'out.pdf')]);
      const info = execFileSync('pdfinfo', [join(dir, 'out.pdf')], { encoding: 'utf8' });
      expect(info).toMatch(/Pages:\s+2\n/);
      expect(info).not.toMatch(/Producer|Creator|Title|Author/);
      expect(execFileSync('pdftotext', [join(dir, 'out.pdf'), '-'], { encoding: 'utf8' })).toContain('Attended safety');
      expect(execFileSync('pdffonts', [join(dir, 'out.pdf')], { encoding: 'utf8' })).toMatch(/Helvetica\s+Type 1/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await scan(pdf)).toEqual({ pages: 2, images: 2 });
  });

  it.each([
    ['an /Info dictionary in the trailer', (b: Buffer) => edited(b, '/Root 1 0 R >>', '/Root 1 0 R /Info 1 0 R >>'), /trailer/],
    [
      'a string in the catalog',
      (b: Buffer) => edited(b, '/Type /Catalog /Pages 2 0 R', '/Type /Catalog /Pages 2 0 R /Lang (en)'),
      /not part of a page-image PDF/,
    ],
    [
      'an XMP metadata stream',
      (b: Buffer) => edited(b, 'xref\n', '99 0 obj\n<< /Type /Metadata /Subtype /XML /Length 5 >>\nstream\n<x/>\n\nendstream\nendobj\nxref\n'),
      /neither a page image nor page content/,
    ],
    ['an incremental update after the end', (b: Buffer) => Buffer.concat([b, Buffer.from('3 0 obj\n<< >>\nendobj\n')]), /one cross-reference table/],
    ['a redacted term shown in a content stream', (b: Buffer) => edited(b, '3 Tr\n', '3 Tr\n(Jane Roe) Tj\n'), /content stream/],
    ['an annotation on a page', (b: Buffer) => edited(b, '/Contents 4 0 R >>', '/Contents 4 0 R /Annots [] >>'), /not part of a page-image PDF/],
    ['a page drawing the image of another page', (b: Buffer) => edited(b, '/Im0 6 0 R', '/Im0 3 0 R'), /shared by two pages|belongs to no page/],
    ['a JavaScript open action', (b: Buffer) => edited(b, '/Pages 2 0 R >>', '/Pages 2 0 R /OpenAction 3 0 R >>'), /not part of a page-image PDF/],
  ])('refuses %s', async (_name, attack, reason) => {
    const result = await scan(attack(pdf));
    expect(result).toHaveProperty('refused');
    expect((result as { refused: string }).refused).toMatch(reason);
  });

  it('refuses a term found in a dictionary the grammar allows: terms are looked for before the grammar', async () => {
    const result = await scan(pdf, ['DCTDecode']);
    expect(result).toEqual({ refused: 'a redacted term is still in its bytes' });
  });
});

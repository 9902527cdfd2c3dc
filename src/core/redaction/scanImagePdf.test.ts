import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { deflateSync } from 'node:zlib';
import { createCanvas } from '@napi-rs/canvas';
import { beforeAll, describe, expect, it } from 'vitest';
import { ImagePdfWriter, KEPT_FONT_NAME } from './imagePdfWriter';
import { keptTextContent } from './keptText';
import { scanImagePdf } from './scanImagePdf';
import { stripImageMetadata } from './stripImageMetadata';

/** A real PDF from the writer: two pages, the second with a kept text layer. */
async function written(): Promise<Buffer> {
  const canvas = createCanvas(85, 110);
  const context = canvas.getContext('2d');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, 85, 110);
  context.fillStyle = '#000';
  context.fillRect(10, 10, 40, 8);
  const jpeg = stripImageMetadata(await canvas.encode('jpeg', 90), 'jpeg');
  const chunks: Buffer[] = [];
  const writer = await ImagePdfWriter.start({ write: (bytes) => Promise.resolve(void chunks.push(Buffer.from(bytes))) });
  await writer.addPage(612, 792, { kind: 'jpeg', bytes: jpeg });
  const kept = keptTextContent(KEPT_FONT_NAME, [{ text: 'Attended safety', box: { page: 2, x: 72, y: 700, width: 90, height: 12 }, source: 'text' }]);
  await writer.addPage(595.28, 841.89, { kind: 'jpeg', bytes: jpeg }, kept.content);
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

  /** The first image's stream with `edit` applied to its bytes, its /Length made to match. */
  function withImage(bytes: Buffer, edit: (jpeg: Buffer) => Buffer): Buffer {
    const text = bytes.toString('latin1');
    const dict = /\/Length (\d+) >>\nstream\n/.exec(text.slice(text.indexOf('/Subtype /Image')));
    if (!dict) throw new Error('no image');
    const start = text.indexOf('/Subtype /Image') + dict.index + dict[0].length;
    const length = Number(dict[1]);
    const jpeg = edit(bytes.subarray(start, start + length));
    const head = Buffer.from(text.slice(0, start).replace(`/Length ${length} >>\nstream\n`, `/Length ${jpeg.length} >>\nstream\n`), 'latin1');
    return Buffer.concat([head, jpeg, bytes.subarray(start + length)]);
  }

  it.each([
    [
      'a JPEG comment holding the term',
      (jpeg: Buffer) => Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xfe, 0x00, 0x0e]), Buffer.from('Jane Roe SSN'), jpeg.subarray(2)]),
      /segment \(0xFFFE\)/,
    ],
    [
      'an EXIF segment',
      (jpeg: Buffer) => Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xe1, 0x00, 0x08]), Buffer.from('Exif\0\0'), jpeg.subarray(2)]),
      /0xFFE1/,
    ],
    [
      'an object hidden after the JPEG ends',
      (jpeg: Buffer) => Buffer.concat([jpeg, Buffer.from('\n10 0 obj\n<< /Type /EmbeddedFile >>\nendobj\n')]),
      /bytes after its end/,
    ],
  ])('refuses a page image carrying %s', async (_name, edit, reason) => {
    const result = await scan(withImage(pdf, edit));
    expect((result as { refused: string }).refused).toMatch(reason);
  });

  it('refuses a cross-reference entry that points into an image, where a reader would find an object the scan never saw', async () => {
    const text = pdf.toString('latin1');
    const imageData = text.indexOf('stream\n', text.indexOf('/Subtype /Image')) + 'stream\n'.length + 100;
    const xref = text.indexOf('xref\n0 ');
    const entryOfCatalog = text.indexOf('\r\n', xref) + 2;
    const forged = `${text.slice(0, entryOfCatalog)}${String(imageData).padStart(10, '0')}${text.slice(entryOfCatalog + 10)}`;
    expect(await scan(Buffer.from(forged, 'latin1'))).toEqual({ refused: 'its cross-reference table does not point at object 1' });
    // And a startxref that names another table.
    const moved = text.replace(/startxref\n(\d+)\n/, (_m, at: string) => `startxref\n${String(Number(at) - 1)}\n`);
    expect((await scan(Buffer.from(moved, 'latin1'))) as { refused: string }).toHaveProperty('refused', expect.stringMatching(/trailer/));
  });

  it('refuses a content stream that paints more than its image: an inline image, a path, marked content with /ActualText', async () => {
    // Each followed by an empty text object, so the stream still ends as a kept text layer does.
    for (const extra of [
      'BI /W 1 /H 1 /CS /G /BPC 8 ID \u0000 EI\n',
      '0 0 0 rg 200 200 100 40 re f\n',
      '/Span << /ActualText <4a616e6520526f65> >> BDC EMC\n',
    ].map((drawing) => `${drawing}q\nBT\nET\nQ\n`)) {
      // The stream's /Length made to match, so only what it draws is wrong.
      const text = pdf.toString('latin1');
      const end = text.indexOf('ET\nQ\n\nendstream') + 'ET\nQ\n'.length;
      const dictAt = text.lastIndexOf('<< /Length ', end);
      const length = Number(/<< \/Length (\d+) >>/.exec(text.slice(dictAt))?.[1]);
      const forged = `${text.slice(0, dictAt)}<< /Length ${length + extra.length} >>${text.slice(text.indexOf(' >>', dictAt) + 3, end)}${extra}${text.slice(end)}`;
      const result = await scan(Buffer.from(forged, 'latin1'));
      expect((result as { refused: string }).refused).toMatch(/draws more than its page image and kept words/);
    }
  });

  it('refuses a page tree that lists a page twice (hiding another page and its image)', async () => {
    const result = await scan(edited(pdf, '/Kids [5 0 R 9 0 R]', '/Kids [5 0 R 5 0 R]'));
    expect((result as { refused: string }).refused).toMatch(/lists a page twice/);
  });

  it('reads back a lossless gray page, and refuses one with bytes after its zlib stream or of another size', async () => {
    const pixels = Buffer.alloc(40 * 30, 255);
    pixels.fill(0, 400, 520);
    const chunks: Buffer[] = [];
    const writer = await ImagePdfWriter.start({ write: (bytes) => Promise.resolve(void chunks.push(Buffer.from(bytes))) });
    await writer.addPage(612, 792, { kind: 'gray', bytes: deflateSync(pixels), width: 40, height: 30 });
    await writer.finish();
    const gray = Buffer.concat(chunks);
    const dir = mkdtempSync(join(tmpdir(), 'scan-gray-'));
    try {
      writeFileSync(join(dir, 'gray.pdf'), gray);
      execFileSync('qpdf', ['--check', join(dir, 'gray.pdf')]);
      expect(execFileSync('pdfimages', ['-list', join(dir, 'gray.pdf')], { encoding: 'utf8' })).toMatch(/image\s+40\s+30\s+gray\s+1\s+8\s+image/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await scan(gray)).toEqual({ pages: 1, images: 1 });
    const hidden = withImage(gray, (zlib) => Buffer.concat([zlib, Buffer.from('Jane Roe SSN 123-45-6789')]));
    expect(await scan(hidden, [])).toEqual({ refused: 'image 3 has bytes after its end' });
    const taller = withImage(gray, () => deflateSync(Buffer.concat([pixels, Buffer.alloc(40, 255)])));
    expect(await scan(taller, [])).toEqual({ refused: 'image 3 is not the size its dictionary states' });
  });

  it('refuses a term found in a dictionary the grammar allows: terms are looked for before the grammar', async () => {
    const result = await scan(pdf, ['DCTDecode']);
    expect(result).toEqual({ refused: 'a redacted term is still in its bytes' });
  });
});

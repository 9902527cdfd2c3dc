import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOcr } from '../../src/core/redaction/ocrEngine';
import type { OcrEngine } from '../../src/core/redaction/ocrEngine';
import { redactImage } from '../../src/core/redaction/redactImage';
import { redactPdf } from '../../src/core/redaction/redactPdf';
import { richPdf } from '../support/pdfFixtures';
import { tempDir } from '../support/tempVault';

// Scans have no text layer: tesseract.js (English data from the npm package, read from disk)
// finds the words, and Debian's tesseract judges the output. The scan is made the way a copier
// makes one: a page rendered to pixels (pdftoppm) and wrapped in a PDF with no text.

const temp = tempDir('custodian-redact-ocr-');
let ocr: OcrEngine;
beforeAll(async () => {
  ocr = await startOcr();
}, 60_000);
afterAll(async () => {
  await ocr.stop();
  temp.cleanup();
});

const run = (tool: string, args: string[]): string => execFileSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

async function scannedSheet(): Promise<{ png: Buffer; pdf: Uint8Array }> {
  const source = await richPdf([
    [
      { text: 'Fire drill attendance', x: 72, y: 700, size: 18 },
      { text: 'Mary Seacole  SSN 123-45-6789', x: 72, y: 650, size: 18 },
      { text: 'Contact mseacole@clinic.example', x: 72, y: 600, size: 18 },
    ],
  ]);
  writeFileSync(join(temp.dir, 'typed.pdf'), source);
  run('pdftoppm', ['-r', '150', '-png', '-singlefile', join(temp.dir, 'typed.pdf'), join(temp.dir, 'scan')]);
  const png = readFileSync(join(temp.dir, 'scan.png'));
  const doc = await PDFDocument.create();
  const page = doc.addPage([612, 792]);
  page.drawImage(await doc.embedPng(png), { x: 0, y: 0, width: 612, height: 792 });
  return { png, pdf: await doc.save() };
}

describe('OCR finds what a scan shows, and the redaction burns it out', () => {
  it('a scanned PDF page: --term and PII suggestions reach it through OCR; Debian tesseract cannot read them after', async () => {
    const { pdf } = await scannedSheet();
    writeFileSync(join(temp.dir, 'scan.pdf'), pdf);
    expect(run('pdftotext', [join(temp.dir, 'scan.pdf'), '-']).trim()).toBe('');
    const people = [{ givenName: 'Mary', familyName: 'Seacole', email: null, employeeId: 'N-1001' }];
    const { bytes, report } = await redactPdf(pdf, { ocr, pii: true, people, terms: ['attendance'] });
    const page = report.pages[0];
    expect(page?.text).toBe('ocr');
    expect(page?.suggestions.map((s) => s.kind).sort()).toEqual(['email', 'person', 'ssn', 'term']);
    expect(page?.suggestions.every((s) => s.source === 'ocr')).toBe(true);
    const out = join(temp.dir, 'scan-redacted.pdf');
    writeFileSync(out, bytes);
    run('pdftoppm', ['-r', '200', '-png', '-singlefile', out, join(temp.dir, 'scan-redacted')]);
    const read = run('tesseract', [join(temp.dir, 'scan-redacted.png'), '-']);
    expect(read).toMatch(/Fire drill/);
    for (const secret of ['attendance', 'Mary', 'Seacole', '123-45', '6789', 'mseacole', 'clinic']) expect(read, secret).not.toContain(secret);
  });

  it('a scan with a few words of text layer (a page number) is still read with OCR', async () => {
    const { png } = await scannedSheet();
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const page = doc.addPage([612, 792]);
    page.drawImage(await doc.embedPng(png), { x: 0, y: 0, width: 612, height: 792 });
    page.drawText('Page 1', { x: 290, y: 20, size: 9, font });
    const { bytes, report } = await redactPdf(await doc.save(), { ocr, pii: true });
    expect(report.pages[0]?.text).toBe('text');
    expect(
      report.pages[0]?.suggestions
        .filter((s) => s.source === 'ocr')
        .map((s) => s.kind)
        .sort(),
    ).toEqual(['email', 'ssn']);
    const out = join(temp.dir, 'footer-redacted.pdf');
    writeFileSync(out, bytes);
    run('pdftoppm', ['-r', '200', '-png', '-singlefile', out, join(temp.dir, 'footer-redacted')]);
    const read = run('tesseract', [join(temp.dir, 'footer-redacted.png'), '-']);
    for (const secret of ['123-45', '6789', 'mseacole']) expect(read, secret).not.toContain(secret);
  });

  it('a scan without --ocr: the report says its terms could not be looked for', async () => {
    const { pdf } = await scannedSheet();
    const { report } = await redactPdf(pdf, { terms: ['attendance'], dpi: 72 });
    expect(report.pages[0]?.text).toBe('none');
    expect(report.pages[0]?.notes.join(' ')).toMatch(/no text layer .* Use OCR, or draw boxes/);
  });

  it('an image: OCR suggestions are burned in; the rest stays legible', async () => {
    const { png } = await scannedSheet();
    const { bytes, report } = await redactImage(png, { ocr, pii: true });
    expect(report.pages[0]?.suggestions.map((s) => s.kind).sort()).toEqual(['email', 'ssn']);
    const out = join(temp.dir, 'image-redacted.png');
    writeFileSync(out, bytes);
    const read = run('tesseract', [out, '-']);
    expect(read).toMatch(/Mary Seacole/);
    for (const secret of ['123-45', '6789', 'mseacole']) expect(read, secret).not.toContain(secret);
  });
});

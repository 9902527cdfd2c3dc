import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { EncryptedSpill } from '../../src/core/fs/encryptedSpill';
import { checkRedactedPdf } from '../../src/core/redaction/checkRedactedPdf';
import { redactPdf } from '../../src/core/redaction/redactPdf';
import { tempDir } from '../support/tempVault';

// The read-back check that stands between a redaction and the vault: given what it must hold,
// it refuses any file that holds more. Each case hands it a real PDF through the encrypted
// spill the redaction writes to (pdf.js reads it in ranges, the scan in order).

const temp = tempDir('custodian-check-');
afterAll(() => temp.cleanup());

async function spilled(bytes: Uint8Array): Promise<EncryptedSpill> {
  const spill = await EncryptedSpill.create(temp.dir);
  await spill.write(bytes);
  await spill.finish();
  return spill;
}

async function textPdf(lines: string[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([612, 792]);
  lines.forEach((line, i) => page.drawText(line, { x: 72, y: 700 - 20 * i, size: 12, font }));
  return doc.save();
}

async function expectCheck(bytes: Uint8Array, expected: Parameters<typeof checkRedactedPdf>[1]): Promise<void> {
  const spill = await spilled(bytes);
  try {
    await checkRedactedPdf(spill, expected);
  } finally {
    await spill.dispose();
  }
}

describe('checkRedactedPdf', () => {
  it('passes a real redaction with its kept words, read back through the encrypted spill', async () => {
    const source = await textPdf(['Attended fire safety', 'Jane Roe 123-45-6789']);
    const { bytes } = await redactPdf(source, { terms: ['Jane Roe'], keepText: true, dpi: 72 });
    await expect(
      expectCheck(bytes, { sizes: [{ width: 612, height: 792 }], keptWords: [['Attended', 'fire', 'safety', '123-45-6789']], terms: ['Jane Roe'] }),
    ).resolves.toBeUndefined();
  });

  it('refuses the source itself: text that was not kept, a font and a term in its bytes', async () => {
    const source = await textPdf(['Jane Roe attended']);
    await expect(expectCheck(source, { sizes: [{ width: 612, height: 792 }], keptWords: [], terms: ['Jane Roe'] })).rejects.toThrow(
      /failed its check \(page 1 has text that was not kept\)/,
    );
  });

  it('refuses a redaction whose kept words include one that was not to be kept', async () => {
    const { bytes } = await redactPdf(await textPdf(['Attended fire safety']), { keepText: true, dpi: 72 });
    await expect(expectCheck(bytes, { sizes: [{ width: 612, height: 792 }], keptWords: [['Attended', 'fire']], terms: [] })).rejects.toThrow(
      /has text that was not kept/,
    );
  });

  it('refuses a kept word on another page than the one it was kept on', async () => {
    const { bytes } = await redactPdf(await textPdf(['Attended fire safety']), { keepText: true, dpi: 72 });
    const twice = await PDFDocument.load(bytes);
    // The same page twice would fail the byte scan (a shared image); pdf.js is asked first.
    const [copy] = await twice.copyPages(twice, [0]);
    if (copy) twice.addPage(copy);
    await expect(
      expectCheck(await twice.save({ useObjectStreams: false }), {
        sizes: [
          { width: 612, height: 792 },
          { width: 612, height: 792 },
        ],
        keptWords: [['Attended', 'fire', 'safety', 'Attended', 'fire', 'safety'], []],
        terms: [],
      }),
    ).rejects.toThrow(/page 2 has text that was not kept/);
  });

  it('refuses a page of another size and a missing page', async () => {
    const { bytes } = await redactPdf(await textPdf(['x']), { dpi: 72 });
    await expect(expectCheck(bytes, { sizes: [{ width: 595.28, height: 841.89 }], keptWords: [], terms: [] })).rejects.toThrow(/page 1 changed size/);
    await expect(
      expectCheck(bytes, {
        sizes: [
          { width: 612, height: 792 },
          { width: 612, height: 792 },
        ],
        keptWords: [],
        terms: [],
      }),
    ).rejects.toThrow(/1 pages, not 2/);
  });

  it('refuses a page-image PDF made by another writer (pdf-lib adds a producer, dates and its own layout)', async () => {
    const doc = await PDFDocument.create();
    doc.addPage([612, 792]);
    await expect(expectCheck(await doc.save(), { sizes: [{ width: 612, height: 792 }], keptWords: [], terms: [] })).rejects.toThrow(/metadata|not part|header/);
  });
});

describe('checkRedactedPdf over a damaged spill', () => {
  it('refuses, rather than waiting for ever, when a range of the spill cannot be read (a chunk changed on disk)', async () => {
    const { bytes } = await redactPdf(await textPdf(['Attended fire safety']), { dpi: 150 });
    const spill = await spilled(bytes);
    try {
      // A byte of every chunk changed on disk: pdf.js's first range fails its authentication.
      const folder = readdirSync(temp.dir).find((name) => name.startsWith('custodian-spill-'));
      if (!folder) throw new Error('no spill folder');
      const file = join(temp.dir, folder, 'spill.bin');
      const sealed = readFileSync(file);
      for (let at = 10; at < sealed.length; at += 65536 + 16) sealed[at] = (sealed[at] ?? 0) ^ 0xff;
      writeFileSync(file, sealed);
      await expect(checkRedactedPdf(spill, { sizes: [{ width: 612, height: 792 }], keptWords: [], terms: [] })).rejects.toThrow(/cannot be read back/);
    } finally {
      await spill.dispose();
    }
  }, 15_000);
});

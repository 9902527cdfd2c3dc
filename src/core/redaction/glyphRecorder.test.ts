import { PDFDocument, popGraphicsState, pushGraphicsState, setTextRenderingMode, StandardFonts, TextRenderingMode } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { openPdf } from './openPdf';
import { rasterPage } from './rasterPage';

// glyphRecorder wraps pdf.js internals (CanvasGraphics.showText, paintChar, showType3Text,
// executeOperatorList): these draw real pages through them, and fail when a pdf.js update
// changes what the recorder relies on.

async function rendered(build: (doc: PDFDocument) => Promise<void>, dpi = 72) {
  const pdf = await PDFDocument.create();
  await build(pdf);
  const doc = await openPdf(await pdf.save());
  try {
    const raster = await rasterPage(doc, await doc.getPage(1), dpi);
    raster.release();
    return raster;
  } finally {
    await doc.destroy();
  }
}

describe('glyphRecorder (through rasterPage)', () => {
  it("records each glyph pdf.js draws, in order, with its ink in the raster's pixels", async () => {
    const raster = await rendered(async (pdf) => {
      const font = await pdf.embedFont(StandardFonts.Helvetica);
      pdf.addPage([612, 792]).drawText('Hi AB', { x: 100, y: 600, size: 20, font });
    }, 144);
    // A space is not drawn (it has no ink), so not recorded.
    expect(raster.glyphs.map((g) => g.unicode).join('')).toBe('HiAB');
    const [h, i, a, b] = raster.glyphs;
    // "H" at 100 pt, 20 pt Helvetica: its stem from x = 100 + 1.6, its cap height 14.4 pt above 600.
    const px = (pt: number) => pt * 2;
    expect(h?.box?.left).toBeGreaterThan(px(100));
    expect(h?.box?.left).toBeLessThan(px(103));
    expect(h?.box?.bottom).toBeCloseTo(px(792 - 600), 0);
    expect(h?.box?.top).toBeCloseTo(px(792 - 614.4), -1);
    // In order along the line.
    for (const [left, right] of [
      [h, i],
      [i, a],
      [a, b],
    ])
      expect(left?.box?.right).toBeLessThan(right?.box?.left ?? 0);
  });

  it('records invisible text (an OCR layer over a scan) with no box: nothing of it is drawn', async () => {
    const raster = await rendered(async (pdf) => {
      const font = await pdf.embedFont(StandardFonts.Helvetica);
      const page = pdf.addPage([612, 792]);
      page.drawText('seen', { x: 100, y: 600, size: 20, font });
      page.pushOperators(pushGraphicsState(), setTextRenderingMode(TextRenderingMode.Invisible));
      page.drawText('unseen', { x: 100, y: 500, size: 20, font });
      page.pushOperators(popGraphicsState());
    });
    expect(raster.glyphs.map((g) => g.unicode).join('')).toBe('seenunseen');
    expect(raster.glyphs.slice(0, 4).every((g) => g.box !== null)).toBe(true);
    expect(raster.glyphs.slice(4).every((g) => g.box === null)).toBe(true);
  });

  it('records nothing once its render has ended', async () => {
    const first = await rendered(async (pdf) => {
      const font = await pdf.embedFont(StandardFonts.Helvetica);
      pdf.addPage([612, 792]).drawText('one', { x: 100, y: 600, size: 20, font });
    });
    await rendered(async (pdf) => {
      const font = await pdf.embedFont(StandardFonts.Helvetica);
      pdf.addPage([612, 792]).drawText('two', { x: 100, y: 600, size: 20, font });
    });
    expect(first.glyphs.map((g) => g.unicode).join('')).toBe('one');
  });
});

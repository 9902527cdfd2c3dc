import { afterAll, describe, expect, it } from 'vitest';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { redactPdf } from '../../src/core/redaction/redactPdf';
import { BAR, cleanupAttackPdfs, Doc, helv, inkOutside, letters, probe, str, toUnicode, type3 } from '../support/attackPdf';

// Attacks on where redaction boxes come from (glyphRecorder, placeDrawn, drawnText, suggestPage),
// from a hostile review: text drawn inside transparency groups and soft masks, clip-only text
// filled later, decoys in hidden layers or groups that would claim the term's glyphs, a run too
// long for the alignment window, fonts pdf.js draws with fillText; and pages that must not be
// blacked out beyond their matches. Judged by the pixels poppler draws of the output.

afterAll(cleanupAttackPdfs);
const zwT3 = (doc: Doc) =>
  type3(doc, [
    ...letters(BAR),
    { code: 0x5a, unicode: '\u200b', proc: '10000 0 d0\n', width: 10000 },
    { code: 0x59, unicode: '\u200b', proc: '0 0 d0\n', width: 0 },
  ]);
/** Helvetica whose space (code 0x20) reads U+200B and advances 10 em: the text layer drops it, the canvas does not. */
// eslint-disable-next-line @typescript-eslint/no-unused-vars
const zwHelv = (doc: Doc) => {
  const tu = doc.stream(toUnicode([[0x20, '\u200b']]));
  const widths = Array.from({ length: 256 - 32 }, (_, i) =>
    i === 0 ? 10000 : (({ 65: 667, 66: 667, 67: 722, 68: 722 } as Record<number, number>)[i + 32] ?? 556),
  );
  return doc.add(
    `<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding /FirstChar 32 /LastChar 255 /Widths [${widths.join(' ')}] /ToUnicode ${tu} >>`,
  );
};
const group = (doc: Doc, content: string, resources: string) =>
  doc.stream(content, `/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Group << /S /Transparency >> /Resources << ${resources} >>`);
const TOP = { x0: 0, y0: 550, x1: 612, y1: 792 };

describe('redaction leaves no ink of a term outside its boxes', () => {
  it('L1 BaseFont /InvalidPDFjsFont_serif_1 (not embedded): pdf.js fillText()s the whole run, paintChar never runs', async () => {
    const doc = new Doc();
    const fd = doc.add(
      '<< /Type /FontDescriptor /FontName /InvalidPDFjsFont_serif_1 /Flags 32 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>',
    );
    const f = doc.add(
      `<< /Type /Font /Subtype /TrueType /BaseFont /InvalidPDFjsFont_serif_1 /FirstChar 32 /LastChar 255 /Widths [${Array(224).fill(50).join(' ')}] /FontDescriptor ${fd} >>`,
    );
    const r = await probe('L1', doc.build({ resources: `/Font << /F1 ${f} >>`, content: `BT /F1 40 Tf 100 600 Td (ABCD) Tj ET` }));
    expect(r.left).toBe(0);
  });
  it('L2 Helvetica: spacing after an off-page glyph, inside a transparency group', async () => {
    const doc = new Doc();
    const h = helv(doc);
    const x = group(doc, `BT /F1 20 Tf -5.6 600 Td [(.) -5000 (ABCD)] TJ ET`, `/Font << /F1 ${h} >>`);
    const r = await probe('L2', doc.build({ resources: `/XObject << /X ${x} >>`, content: `/X Do` }));
    expect(r.left).toBe(0);
  });
  it('L3 Helvetica: the same under a soft mask (ExtGState /SMask, all white)', async () => {
    const doc = new Doc();
    const h = helv(doc);
    const mask = doc.stream(`1 g 0 0 612 792 re f`, `/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Group << /S /Transparency /CS /DeviceGray >>`);
    const gs = doc.add(`<< /Type /ExtGState /SMask << /Type /Mask /S /Luminosity /G ${mask} >> >>`);
    const r = await probe(
      'L3',
      doc.build({ resources: `/Font << /F1 ${h} >> /ExtGState << /M ${gs} >>`, content: `q /M gs BT /F1 20 Tf -5.6 600 Td [(.) -5000 (ABCD)] TJ ET Q` }),
    );
    expect(r.left).toBe(0);
  });
  it('L4 Helvetica: clip-only text (7 Tr) then a fill: charBox takes mode 7 for invisible', async () => {
    const doc = new Doc();
    const h = helv(doc);
    const r = await probe(
      'L4',
      doc.build({ resources: `/Font << /F1 ${h} >>`, content: `q BT 7 Tr /F1 20 Tf -5.6 600 Td [(.) -5000 (ABCD)] TJ ET 0 0 612 792 re f Q` }),
    );
    expect(r.left).toBe(0);
  });
  it('L5 hidden optional-content decoy "CDE" (Helvetica) eats the drawn C and D (Type3 zwsp between B and C)', async () => {
    const doc = new Doc();
    const f = zwT3(doc);
    const h = helv(doc);
    const oc = doc.add('<< /Type /OCG /Name (hidden) >>');
    const r = await probe(
      'L5',
      doc.build({
        catalog: `/OCProperties << /OCGs [${oc}] /D << /OFF [${oc}] >> >>`,
        resources: `/Font << /T3 ${f} /F1 ${h} >> /Properties << /oc1 ${oc} >>`,
        content: `/OC /oc1 BDC BT /F1 20 Tf 100 400 Td (CDE) Tj ET EMC BT /T3 20 Tf 100 600 Td ${str([65, 66, 0x5a, 67, 68])} Tj ET`,
      }),
    );
    expect(r.left).toBe(0);
  });
  it('L6 decoy text in a transparency group (visible, elsewhere) eats the drawn glyphs', async () => {
    const doc = new Doc();
    const f = zwT3(doc);
    const h = helv(doc);
    const x = group(doc, `BT /F1 20 Tf 100 400 Td (CDE) Tj ET`, `/Font << /F1 ${h} >>`);
    const r = await probe(
      'L6',
      doc.build({ resources: `/Font << /T3 ${f} >> /XObject << /X ${x} >>`, content: `/X Do BT /T3 20 Tf 100 600 Td ${str([65, 66, 0x5a, 67, 68])} Tj ET` }),
      { terms: ['ABCD'] },
      792,
      TOP,
    );
    expect(r.left).toBe(0);
  });
  it('L7 window overflow: 300 zero-width U+200B glyphs before the term (Type3)', async () => {
    const doc = new Doc();
    const f = zwT3(doc);
    const codes = [...Array.from({ length: 300 }, () => 0x59), 65, 66, 0x5a, 67, 68];
    const r = await probe('L7', doc.build({ resources: `/Font << /T3 ${f} >>`, content: `BT /T3 20 Tf 100 600 Td ${str(codes)} Tj ET` }));
    expect(r.left).toBe(0);
  });
  it('H1 a transparency group in a hidden layer does not stop the recording (pdf.js skips the group)', async () => {
    const doc = new Doc();
    const h = helv(doc);
    const oc = doc.add('<< /Type /OCG /Name (hidden) >>');
    const x = group(doc, `BT /F1 20 Tf 100 100 Td (zz) Tj ET`, `/Font << /F1 ${h} >>`);
    const r = await probe(
      'H1',
      doc.build({
        catalog: `/OCProperties << /OCGs [${oc}] /D << /OFF [${oc}] >> >>`,
        resources: `/Font << /F1 ${h} >> /XObject << /X ${x} >> /Properties << /oc1 ${oc} >>`,
        content: `BT /F1 20 Tf -5.6 600 Td [(.) -5000 (ABCD)] TJ ET /OC /oc1 BDC /X Do EMC`,
      }),
    );
    expect(r.left).toBe(0);
    expect(r.notes.join(' ')).not.toMatch(/could not be recorded/);
  });
  // Known limit: a tiling pattern's cell is drawn by a graphics object of its own (not recorded),
  // and the text layer leaves its text out too: the visible copy is boxed, this one is not. When
  // this starts to pass, the limit is gone: make it an ordinary test and drop it from the README.
  it.fails('L8 a second copy as a tiling-pattern cell (known limit: pattern cells are not recorded)', async () => {
    const doc = new Doc();
    const h = helv(doc);
    const pat = doc.stream(
      `BT /F1 20 Tf 0 5 Td (ABCD) Tj ET`,
      `/Type /Pattern /PatternType 1 /PaintType 1 /TilingType 1 /BBox [0 0 300 30] /XStep 300 /YStep 30 /Resources << /Font << /F1 ${h} >> >>`,
    );
    const r = await probe(
      'L8',
      doc.build({
        resources: `/Font << /F1 ${h} >> /Pattern << /P ${pat} >>`,
        content: `BT /F1 20 Tf 100 700 Td (ABCD) Tj ET /Pattern cs /P scn 100 300 300 30 re f`,
      }),
    );
    expect(r.left).toBe(0);
  });
});

describe('redaction does not black out more than its matches', () => {
  const body = (n: number) =>
    Array.from({ length: n }, (_, i) => `BT /F1 11 Tf 72 ${700 - i * 14} Td (Line ${i}: Alice, Bob, Carol and Dave met at the docks.) Tj ET`).join('\n');
  it('F1 the term in a header drawn inside a transparency group, then body text', async () => {
    const doc = new Doc();
    const h = helv(doc);
    const x = group(doc, `BT /F1 14 Tf 72 740 Td (ABCD Corp) Tj ET`, `/Font << /F1 ${h} >>`);
    const r = await probe('F1', doc.build({ resources: `/Font << /F1 ${h} >> /XObject << /X ${x} >>`, content: `/X Do\n${body(20)}` }));
    expect(r.area).toBeLessThan(1500);
  });
  it('F2 the term in a hidden layer (OCG OFF), then body text', async () => {
    const doc = new Doc();
    const h = helv(doc);
    const oc = doc.add('<< /Type /OCG /Name (draft) >>');
    const r = await probe(
      'F2',
      doc.build({
        catalog: `/OCProperties << /OCGs [${oc}] /D << /OFF [${oc}] >> >>`,
        resources: `/Font << /F1 ${h} >> /Properties << /oc1 ${oc} >>`,
        content: `/OC /oc1 BDC BT /F1 30 Tf 72 760 Td (DRAFT ABCD) Tj ET EMC\n${body(30)}`,
      }),
    );
    expect(r.area).toBeLessThan(4000);
  });
  it('F0 control: a pdf-lib page boxes only its matches', async () => {
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const page = pdf.addPage([612, 792]);
    [
      'Dear ABCD team, the quick brown fox jumps over the lazy dog.',
      'Account holder: Jane Q. Public, SSN 123-45-6789, phone 555-123-4567.',
      'ABCDE is not ABCD; abcd again.',
      'Lorem ipsum dolor sit amet.',
    ].forEach((l, i) => page.drawText(l, { x: 72, y: 700 - i * 16, size: 12, font }));
    const { report } = await redactPdf(await pdf.save(), { terms: ['ABCD'], pii: true, dpi: 100 });
    const boxes = report.pages[0]?.boxes ?? [];
    expect(boxes).toHaveLength(5);
    expect(Math.max(...boxes.map((b) => b.height))).toBeLessThan(20);
  });
});

describe('review 4: concurrency', () => {
  it('two documents at once (Promise.all) give the same boxes as one at a time', async () => {
    const doc = new Doc();
    const f = zwT3(doc);
    const a = doc.build({ resources: `/Font << /T3 ${f} >>`, content: `BT /T3 20 Tf 100 600 Td ${str([65, 66, 0x5a, 67, 68])} Tj ET` });
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    for (let p = 0; p < 3; p++) {
      const page = pdf.addPage([612, 792]);
      for (let i = 0; i < 45; i++) page.drawText(`${p}/${i} fox ${i % 7 ? 'xyz' : 'ABCD'} SSN 123-45-6789.`, { x: 40, y: 760 - i * 16, size: 11, font });
    }
    const b = await pdf.save();
    const key = (r: Awaited<ReturnType<typeof redactPdf>>) => JSON.stringify(r.report.pages.map((p) => p.boxes));
    const refA = key(await redactPdf(a, { terms: ['ABCD'], dpi: 100 }));
    const refB = key(await redactPdf(b, { terms: ['ABCD'], pii: true, dpi: 100 }));
    const [ra, rb, ra2] = await Promise.all([
      redactPdf(a, { terms: ['ABCD'], dpi: 100 }),
      redactPdf(b, { terms: ['ABCD'], pii: true, dpi: 100 }),
      redactPdf(a, { terms: ['ABCD'], dpi: 100 }),
    ]);
    expect([key(ra), key(rb), key(ra2)]).toEqual([refA, refB, refA]);
    expect(inkOutside(ra.bytes, 'conc', 100, 792, ra.report.pages[0]?.boxes ?? [])).toBe(0);
  }, 60000);
});

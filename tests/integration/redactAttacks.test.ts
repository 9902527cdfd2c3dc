import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { afterAll, describe, expect, it } from 'vitest';
import { redactPdf } from '../../src/core/redaction/redactPdf';
import { ABCD, BAR, cleanupAttackPdfs, Doc, helv, hex, inkOutside, letters, str, toUnicode, type3 } from '../support/attackPdf';

// PDFs made to defeat redaction by term: glyphs drawn where pdf.js's text layer does not say
// they are (format and combining marks that advance the canvas but not the text layer, two codes
// for one character with different widths, spacing after a glyph placed off the page, a second
// copy drawn from off-page origins) and Type3 glyphs that draw outside everything their font
// declares. Each redacts "ABCD" and counts, in the output as poppler draws it, the inked pixels
// that no box of the report covers: none may be left, or the report must say the term was not
// found. (From a hostile review; the boxes come from where the canvas drew each glyph, see
// glyphRecorder, placeDrawn and suggestPage.)

afterAll(cleanupAttackPdfs);

/**
 * Redacts `term` at 100 DPI; returns the inked pixels of the output outside every box, after
 * checking that the source draws ink there to begin with (the attack is drawn at all), and the report.
 */
async function attack(name: string, source: Uint8Array, heightPt = 792, term = 'ABCD'): Promise<number> {
  const dpi = 100;
  const { bytes: plain } = await redactPdf(source, { dpi });
  expect(inkOutside(plain, `${name}-plain`, dpi, heightPt, []), `${name}: the source draws nothing`).toBeGreaterThan(50);
  const { bytes, report } = await redactPdf(source, { terms: [term], dpi });
  return inkOutside(bytes, `${name}-redacted`, dpi, heightPt, report.pages[0]?.boxes ?? []);
}

describe('attacks', () => {
  it('baseline bar font', async () => {
    const doc = new Doc();
    const f = type3(doc, letters(BAR));
    expect(await attack('baseline', doc.build({ resources: `/Font << /T3 ${f} >>`, content: `BT /T3 20 Tf 100 600 Td ${str(ABCD)} Tj ET` }))).toBe(0);
  });

  it('inherited line width (glyph strokes without w)', async () => {
    const doc = new Doc();
    const f = type3(doc, letters('1000 0 d0\n500 0 m 500 700 l S\n'));
    expect(
      await attack('inherited-w', doc.build({ resources: `/Font << /T3 ${f} >>`, content: `q 1500 w BT /T3 20 Tf 100 600 Td ${str(ABCD)} Tj ET Q` })),
    ).toBe(0);
  });

  it('inherited miter limit (glyph sharp join)', async () => {
    const doc = new Doc();
    const f = type3(doc, letters('1000 0 d0\n200 w 0 0 m 1000 30 l 0 60 l S\n'));
    expect(await attack('inherited-M', doc.build({ resources: `/Font << /T3 ${f} >>`, content: `q 100 M BT /T3 20 Tf 100 600 Td ${str(ABCD)} Tj ET Q` }))).toBe(
      0,
    );
  });

  it('0 M in the glyph (canvas ignores it, walker takes sqrt2)', async () => {
    const doc = new Doc();
    // join angle ~13.7deg: miter ratio ~8.4 < 10
    const f = type3(doc, letters('1000 0 d0\n0 M 200 w 0 0 m 1000 120 l 0 240 l S\n'));
    expect(await attack('zero-M', doc.build({ resources: `/Font << /T3 ${f} >>`, content: `BT /T3 20 Tf 100 600 Td ${str(ABCD)} Tj ET` }))).toBe(0);
  });

  it('zero-width format mark (U+200B) glyph with a 10 em advance between B and C (Type3)', async () => {
    const doc = new Doc();
    const f = type3(doc, [...letters(BAR), { code: 0x5a, unicode: '\u200b', proc: '10000 0 d0\n', width: 10000 }]);
    expect(
      await attack('zwsp-type3', doc.build({ resources: `/Font << /T3 ${f} >>`, content: `BT /T3 20 Tf 100 600 Td ${str([65, 66, 0x5a, 67, 68])} Tj ET` })),
    ).toBe(0);
  });

  it('combining mark (U+0301) glyph with a 10 em advance between B and C (Type3): found in the text as drawn', async () => {
    // The mark joins B in the text layer ("AB\u0301CD": the term is not there); the text as drawn
    // leaves marks out, finds the term, and boxes C and D where they are drawn.
    const doc = new Doc();
    const f = type3(doc, [...letters(BAR), { code: 0x5a, unicode: '\u0301', proc: '10000 0 d0\n', width: 10000 }]);
    expect(
      await attack(
        'combining-type3',
        doc.build({ resources: `/Font << /T3 ${f} >>`, content: `BT /T3 20 Tf 100 600 Td ${str([65, 66, 0x5a, 67, 68])} Tj ET` }),
      ),
    ).toBe(0);
  });

  it('zero-width format mark in Helvetica (space glyph, Widths 10000, ToUnicode U+200B)', async () => {
    const doc = new Doc();
    const tu = doc.stream(toUnicode([[0x20, '\u200b']]));
    const widths = Array.from({ length: 256 - 32 }, (_, i) =>
      i === 0 ? 10000 : (({ 65: 667, 66: 667, 67: 722, 68: 722 } as Record<number, number>)[i + 32] ?? 556),
    );
    const f = doc.add(
      `<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding /FirstChar 32 /LastChar 255 /Widths [${widths.join(' ')}] /ToUnicode ${tu} >>`,
    );
    expect(await attack('zwsp-helvetica', doc.build({ resources: `/Font << /F1 ${f} >>`, content: `BT /F1 20 Tf 100 600 Td (AB CD) Tj ET` }))).toBe(0);
  });

  it('two codes for one character with different widths (Type3): "(ABCD)"', async () => {
    const doc = new Doc();
    const blank = (w: number) => `${w} 0 d0\n`;
    const f = type3(doc, [
      { code: 0x21, unicode: '(', proc: blank(100), width: 100 }, // registered first, never used
      { code: 0x22, unicode: ')', proc: blank(9000), width: 9000 }, // registered first, never used
      ...letters(BAR),
      { code: 0x5b, unicode: '(', proc: blank(9000), width: 9000 }, // used: wide
      { code: 0x5d, unicode: ')', proc: blank(100), width: 100 }, // used: narrow
    ]);
    expect(
      await attack(
        'dup-codes-type3',
        doc.build({ resources: `/Font << /T3 ${f} >>`, content: `BT /T3 20 Tf 60 600 Td ${str([0x5b, 65, 66, 67, 68, 0x5d])} Tj ET` }),
      ),
    ).toBe(0);
  });

  it('two codes for one character with different widths (Helvetica)', async () => {
    const doc = new Doc();
    // 0x20 (space glyph, blank) and 0xA0 (nbspace, blank) are shown; 0x01/0x02 only registered.
    const tu = doc.stream(
      toUnicode([
        [0x01, '('],
        [0x02, ')'],
        [0x20, '('],
        [0xa0, ')'],
      ]),
    );
    const w: Record<number, number> = { 1: 100, 2: 9000, 0x20: 9000, 0xa0: 100, 65: 667, 66: 667, 67: 722, 68: 722 };
    const widths = Array.from({ length: 255 }, (_, i) => w[i + 1] ?? 556);
    const f = doc.add(
      `<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding /FirstChar 1 /LastChar 255 /Widths [${widths.join(' ')}] /ToUnicode ${tu} >>`,
    );
    expect(await attack('dup-codes-helvetica', doc.build({ resources: `/Font << /F1 ${f} >>`, content: `BT /F1 20 Tf 60 600 Td <2041424344A0> Tj ET` }))).toBe(
      0,
    );
  });

  it('font size 1 with a vertically flipped FontMatrix (text-layer stretch flips up)', async () => {
    const doc = new Doc();
    // glyph drawn 0..3 em up in glyph space; fm d<0 turns it 3 em down
    const f = type3(doc, letters('1000 0 d0\n100 0 800 3000 re f\n'), { fontMatrix: [0.001, 0, 0, -0.001, 0, 0], bbox: [0, 0, 1000, 3000] });
    expect(
      await attack('flip-fm-size1', doc.build({ resources: `/Font << /T3 ${f} >>`, content: `BT /T3 1 Tf 20 0 0 20 100 600 Tm ${str(ABCD)} Tj ET` })),
    ).toBe(0);
  });

  it('type3Sizes false positive: size 20, FontBBox*d = 3 and a Tm 3x taller', async () => {
    const doc = new Doc();
    const f = type3(doc, letters('100 0 d0\n10 0 80 100 re f\n', 100), { fontMatrix: [0.01, 0, 0, 0.01, 0, 0], bbox: [0, 0, 100, 300] });
    expect(
      await attack('sizes-false-positive', doc.build({ resources: `/Font << /T3 ${f} >>`, content: `BT /T3 20 Tf 1 0 0 3 100 500 Tm ${str(ABCD)} Tj ET` })),
    ).toBe(0);
  });

  it('type3Sizes false negative: size 1, FontBBox*d = 0.5 and a Tm 2x taller', async () => {
    const doc = new Doc();
    const f = type3(doc, letters('500 0 d0\n50 0 400 500 re f\n', 500), { fontMatrix: [0.002, 0, 0, 0.002, 0, 0], bbox: [0, 0, 500, 250] });
    expect(
      await attack('sizes-false-negative', doc.build({ resources: `/Font << /T3 ${f} >>`, content: `BT /T3 1 Tf 20 0 0 40 100 500 Tm ${str(ABCD)} Tj ET` })),
    ).toBe(0);
  });

  it('one unmeasurable glyph (unused Z with a shading) throws away the measured 5 em bars', async () => {
    const doc = new Doc();
    const shading =
      '/Shading << /Sh0 << /ShadingType 2 /ColorSpace /DeviceGray /Coords [0 0 1000 0] /Function << /FunctionType 2 /Domain [0 1] /C0 [0] /C1 [0.5] /N 1 >> >> >>';
    const f = type3(doc, [...letters('1000 0 d0\n100 0 800 5000 re f\n'), { code: 0x5a, unicode: 'Z', proc: '1000 0 d0\n0 0 1000 1000 re W n\n/Sh0 sh\n' }], {
      resources: shading,
    });
    expect(await attack('poison-shading', doc.build({ resources: `/Font << /T3 ${f} >>`, content: `BT /T3 20 Tf 100 500 Td ${str(ABCD)} Tj ET` }))).toBe(0);
  });

  it('one glyph with a bare f (empty path) makes the font "unbounded" after rendering', async () => {
    const doc = new Doc();
    const f = type3(doc, [...letters('1000 0 d0\n100 0 800 5000 re f\n'), { code: 0x5a, unicode: 'Z', proc: '1000 0 d0\nf\n' }]);
    expect(
      await attack(
        'poison-empty-f',
        doc.build({ resources: `/Font << /T3 ${f} >>`, content: `BT /T3 20 Tf 100 500 Td ${str(ABCD)} Tj BT /T3 20 Tf 100 300 Td <5a> Tj ET` }),
      ),
    ).toBe(0);
  });

  it('offset FontMatrix with Tc: step ignores character spacing (long run)', async () => {
    const doc = new Doc();
    const f = type3(doc, letters('1000 0 d0\n100 0 800 700 re f\n'), { fontMatrix: [0.001, 0, 0, 0.001, 0.5, 0] });
    const codes = Array.from({ length: 60 }, (_, i) => ABCD[i % 4] ?? 65);
    expect(await attack('offset-fm-Tc', doc.build({ resources: `/Font << /T3 ${f} >>`, content: `BT /T3 4 Tf 0.4 Tc 20 600 Td ${str(codes)} Tj ET` }))).toBe(0);
  });

  it('second occurrence drawn from an off-page origin (ink pulled back onto the page)', async () => {
    const doc = new Doc();
    const f = type3(doc, letters(BAR));
    const g = type3(doc, letters('1000 0 d0\n-30000 0 800 700 re f\n'));
    const source = doc.build({
      resources: `/Font << /T3 ${f} /T4 ${g} >>`,
      content: `BT /T3 20 Tf 100 600 Td ${str(ABCD)} Tj ET BT /T4 20 Tf 700 400 Td ${str(ABCD)} Tj ET`,
    });
    expect(await attack('offpage-origin', source)).toBe(0);
    // The copy the text layer left out is suggested from the text as drawn, and says so.
    const { report } = await redactPdf(source, { terms: ['ABCD'], dpi: 72 });
    expect(report.pages[0]?.suggestions.map((s) => s.why)).toEqual([
      'the term asked for',
      'the term asked for (drawn on the page where its text layer does not say)',
    ]);
  });

  it.each([
    ['rotate-90', '/Rotate 90', 612],
    ['cropbox', '/CropBox [50 100 562 742]', 642],
    ['rotate-270-cropbox', '/Rotate 270 /CropBox [50 100 562 742]', 512],
  ])('page geometry %s', async (name, page, h) => {
    const doc = new Doc();
    const f = type3(doc, letters('1000 0 d0\n-300 -600 1600 2400 re f\n'));
    expect(await attack(name, doc.build({ resources: `/Font << /T3 ${f} >>`, page, content: `BT /T3 20 Tf 100 600 Td ${str(ABCD)} Tj ET` }), h)).toBe(0);
  });

  it.each([
    ['negative-size', 'BT /T3 -20 Tf 300 600 Td', [0.001, 0, 0, 0.001, 0, 0]],
    ['negative-size-fm', 'BT /T3 -20 Tf 300 600 Td', [0.002, 0, 0, 0.002, 0, 0]],
    ['negative-Tz', 'BT -100 Tz /T3 20 Tf 300 600 Td', [0.001, 0, 0, 0.001, 0, 0]],
    ['skew-Tm', 'BT /T3 20 Tf 1 0.3 0.8 1 200 500 Tm', [0.001, 0, 0, 0.001, 0, 0]],
    ['rot-Tm-Tz-Ts', 'BT 250 Tz 8 Ts /T3 20 Tf 0.7 0.7 -0.7 0.7 200 400 Tm', [0.001, 0, 0, 0.001, 0, 0]],
    ['fm-rot', 'BT /T3 20 Tf 200 500 Td', [0.0007, 0.0007, -0.0007, 0.0007, 0, 0]],
    ['fm-skew-c', 'BT /T3 20 Tf 200 500 Td', [0.001, 0, 0.002, 0.001, 0, 0]],
    ['fm-b-only', 'BT /T3 20 Tf 200 500 Td', [0.001, 0.003, 0, 0.001, 0, 0]],
    ['mirror-fm-TJ', 'BT /T3 20 Tf 300 600 Td', [-0.001, 0, 0, 0.001, 0, 0]],
    ['size-0.5-fm', 'BT /T3 0.5 Tf 40 0 0 40 200 500 Tm', [0.002, 0, 0, 0.002, 0, 0]],
    ['Tc-negative', 'BT -15 Tc /T3 20 Tf 300 600 Td', [0.001, 0, 0, 0.001, 0, 0]],
  ] as const)('geometry %s', async (name, prefix, fm) => {
    const doc = new Doc();
    const unit = 0.001 / Math.hypot(fm[0], fm[1]) || 1;
    const u = (n: number) => Math.round(n * unit);
    const f = type3(doc, letters(`${u(1000)} 0 d0\n${u(-200)} ${u(-500)} ${u(1400)} ${u(2000)} re f\n`, u(1000)), {
      fontMatrix: [...fm],
      bbox: [0, 0, u(1000), u(1000)],
    });
    const show = name === 'mirror-fm-TJ' ? `[${str([65, 66])} -300 ${str([67])} 200 ${str([68])}] TJ` : `${str(ABCD)} Tj`;
    expect(await attack(name, doc.build({ resources: `/Font << /T3 ${f} >>`, content: `${prefix} ${show} ET` }))).toBe(0);
  });

  it('combining mark (U+0301) glyph with a 10 em advance before ABCD (Type3): ABCD is drawn 10 em right of where the text layer says', async () => {
    const doc = new Doc();
    const f = type3(doc, [...letters(BAR), { code: 0x5a, unicode: '\u0301', proc: '10000 0 d0\n', width: 10000 }]);
    expect(
      await attack(
        'combining-before',
        doc.build({ resources: `/Font << /T3 ${f} >>`, content: `BT /T3 20 Tf 100 600 Td ${str([0x5a, 65, 66, 67, 68])} Tj ET` }),
      ),
    ).toBe(0);
  });

  it('format mark before ABCD, Helvetica', async () => {
    const doc = new Doc();
    const tu = doc.stream(toUnicode([[0x20, '\u00ad']]));
    const widths = Array.from({ length: 256 - 32 }, (_, i) =>
      i === 0 ? 15000 : (({ 65: 667, 66: 667, 67: 722, 68: 722 } as Record<number, number>)[i + 32] ?? 556),
    );
    const f = doc.add(
      `<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding /FirstChar 32 /LastChar 255 /Widths [${widths.join(' ')}] /ToUnicode ${tu} >>`,
    );
    expect(await attack('shy-before-helvetica', doc.build({ resources: `/Font << /F1 ${f} >>`, content: `BT /F1 20 Tf 100 600 Td ( ABCD) Tj ET` }))).toBe(0);
  });

  it('offset FontMatrix with Tc: step ignores character spacing (dots then ABCD)', async () => {
    const doc = new Doc();
    const f = type3(doc, [...letters('1000 0 d0\n100 0 800 700 re f\n'), { code: 0x2e, unicode: '.', proc: '1000 0 d0\n' }], {
      fontMatrix: [0.001, 0, 0, 0.001, 0.5, 0],
    });
    const codes = [...Array.from({ length: 96 }, () => 0x2e), ...ABCD];
    expect(
      await attack('offset-fm-Tc-dots', doc.build({ resources: `/Font << /T3 ${f} >>`, content: `BT /T3 3 Tf 0.3 Tc 20 600 Td ${str(codes)} Tj ET` })),
    ).toBe(0);
  });

  it('negative miter limit (canvas keeps 10, walker takes 5)', async () => {
    const doc = new Doc();
    const f = type3(doc, letters('1000 0 d0\n-5 M 200 w 0 0 m 1000 120 l 0 240 l S\n'));
    expect(await attack('negative-M', doc.build({ resources: `/Font << /T3 ${f} >>`, content: `BT /T3 20 Tf 100 600 Td ${str(ABCD)} Tj ET` }))).toBe(0);
  });

  it('dvips-style flipped bitmap-like font at size 1 (ordinary glyphs above the baseline)', async () => {
    const doc = new Doc();
    const f = type3(doc, letters('1000 0 d0\n100 -700 600 700 re f\n'), { fontMatrix: [0.001, 0, 0, -0.001, 0, 0], bbox: [0, -700, 1000, 0] });
    expect(
      await attack('flip-fm-size1-ordinary', doc.build({ resources: `/Font << /T3 ${f} >>`, content: `BT /T3 1 Tf 20 0 0 20 100 600 Tm ${str(ABCD)} Tj ET` })),
    ).toBe(0);
  });

  it('inherited line width through an ExtGState on the page', async () => {
    const doc = new Doc();
    const f = type3(doc, letters('1000 0 d0\n500 0 m 500 700 l S\n'));
    const gs = doc.add('<< /Type /ExtGState /LW 1500 >>');
    expect(
      await attack(
        'inherited-gs-LW',
        doc.build({ resources: `/Font << /T3 ${f} >> /ExtGState << /G ${gs} >>`, content: `/G gs BT /T3 20 Tf 100 600 Td ${str(ABCD)} Tj ET` }),
      ),
    ).toBe(0);
  });

  it('nested text inside the glyph far above (unbounded guess)', async () => {
    const doc = new Doc();
    const inner = type3(doc, [{ code: 0x41, unicode: 'A', proc: '1000 0 d0\n0 0 1000 1000 re f\n' }]);
    const f = type3(doc, letters('1000 0 d0\nBT /I 1000 Tf 0 4000 Td (A) Tj ET\n'), { resources: `/Font << /I ${inner} >>` });
    expect(await attack('nested-text', doc.build({ resources: `/Font << /T3 ${f} >>`, content: `BT /T3 20 Tf 100 500 Td ${str(ABCD)} Tj ET` }))).toBe(0);
  });

  it('TJ spacing after an off-page glyph is dropped by the text layer (Helvetica)', async () => {
    const doc = new Doc();
    const f = doc.add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
    expect(
      await attack('offpage-TJ-helvetica', doc.build({ resources: `/Font << /F1 ${f} >>`, content: `BT /F1 20 Tf -5.6 600 Td [(.) -5000 (ABCD)] TJ ET` })),
    ).toBe(0);
  });

  it('negative miter limit, sharper join and thicker line', async () => {
    const doc = new Doc();
    const f = type3(doc, letters('1000 0 d0\n-5 M 400 w 0 0 m 1000 102 l 0 204 l S\n'));
    expect(await attack('negative-M-2', doc.build({ resources: `/Font << /T3 ${f} >>`, content: `BT /T3 20 Tf 100 600 Td ${str(ABCD)} Tj ET` }))).toBe(0);
  });

  it('control: empty-f glyph not drawn', async () => {
    const doc = new Doc();
    const f = type3(doc, [...letters('1000 0 d0\n100 0 800 5000 re f\n'), { code: 0x5a, unicode: 'Z', proc: '1000 0 d0\nf\n' }]);
    expect(
      await attack('control-empty-f-undrawn', doc.build({ resources: `/Font << /T3 ${f} >>`, content: `BT /T3 20 Tf 100 500 Td ${str(ABCD)} Tj ET` })),
    ).toBe(0);
  });
  it('inherited line width 6000', async () => {
    const doc = new Doc();
    const f = type3(doc, letters('1000 0 d0\n500 0 m 500 700 l S\n'));
    expect(
      await attack('inherited-w-6000', doc.build({ resources: `/Font << /T3 ${f} >>`, content: `q 6000 w BT /T3 20 Tf 200 600 Td ${str(ABCD)} Tj ET Q` })),
    ).toBe(0);
  });
});

/**
 * A page with "ABCD" set top to bottom from (300, 600) in Liberation Sans as a CID font with
 * Identity-V (WMode 1), and "KEEP" in Helvetica just above that origin and to its right: where
 * boxes placed the horizontal way from the origin would fall. `gap` (thousandths of an em) is
 * put between the glyphs in the TJ; `cid` is added to the CIDFont (e.g. a /W2 that moves one);
 * `text` replaces ABCD.
 */
function verticalPdf({ gap = 0, cid = '', text = 'ABCD' }: { gap?: number; cid?: string; text?: string } = {}): Uint8Array {
  const ttf = readFileSync(join(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts', 'LiberationSans-Regular.ttf'));
  const face = fontkit.create(ttf);
  const gids = Array.from(text, (l) => ({ gid: face.glyphForCodePoint(l.charCodeAt(0)).id, l }));
  const doc = new Doc();
  const file = doc.binStream(ttf, `/Length1 ${String(ttf.length)}`);
  const descriptor = doc.add(
    `<< /Type /FontDescriptor /FontName /LiberationSans /Flags 32 /FontBBox [-203 -303 1050 910] /ItalicAngle 0 /Ascent 905 /Descent -212 /CapHeight 716 /StemV 80 /FontFile2 ${file} >>`,
  );
  const cidFont = doc.add(
    `<< /Type /Font /Subtype /CIDFontType2 /BaseFont /LiberationSans /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor ${descriptor} /DW 1000 /CIDToGIDMap /Identity ${cid} >>`,
  );
  const unicode = doc.stream(toUnicode([...new Map(gids.map(({ gid, l }) => [gid, l]))], 2));
  const vertical = doc.add(
    `<< /Type /Font /Subtype /Type0 /BaseFont /LiberationSans /Encoding /Identity-V /DescendantFonts [${cidFont}] /ToUnicode ${unicode} >>`,
  );
  return doc.build({
    resources: `/Font << /V ${vertical} /H ${helv(doc)} >>`,
    content: `BT /V 20 Tf 300 600 Td [${gids.map(({ gid }) => `<${hex(gid, 4)}>`).join(` ${String(gap)} `)}] TJ ET BT /H 12 Tf 304 640 Td (KEEP) Tj ET`,
  });
}

describe('vertical text', () => {
  it('boxes top-to-bottom text down the column it is set in: no ink of the term is left, and the word beside its origin is not covered', async () => {
    const source = verticalPdf();
    const dpi = 100;
    const keep = { x0: 300, y0: 636, x1: 340, y1: 656 };
    const { bytes: plain } = await redactPdf(source, { dpi });
    const keepInk = inkOutside(plain, 'vertical-plain-keep', dpi, 792, [], keep);
    expect(keepInk, 'KEEP is drawn').toBeGreaterThan(50);
    const column = { x0: 280, y0: 500, x1: 320, y1: 615 };
    expect(inkOutside(plain, 'vertical-plain-column', dpi, 792, [], column), 'ABCD is drawn down the column').toBeGreaterThan(100);
    const { bytes, report } = await redactPdf(source, { terms: ['ABCD'], dpi });
    const boxes = report.pages[0]?.boxes ?? [];
    expect(boxes.length).toBeGreaterThan(0);
    // Nothing of the term is left anywhere on the page (KEEP aside)...
    expect(inkOutside(bytes, 'vertical-redacted', dpi, 792, [...boxes, { x: keep.x0, y: keep.y0, width: keep.x1 - keep.x0, height: keep.y1 - keep.y0 }])).toBe(
      0,
    );
    // ...and KEEP, above the term's origin, is drawn whole: no box reaches it.
    expect(inkOutside(bytes, 'vertical-redacted-keep', dpi, 792, [], keep)).toBe(keepInk);
    for (const box of boxes) expect(box.y + box.height, 'no box reaches above the origin').toBeLessThan(620);
  });
  it('boxes a top-to-bottom glyph moved off its share of the column (TJ gap, W2 metrics) by its ink', async () => {
    const dpi = 100;
    const bGid = fontkit
      .create(readFileSync(join(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts', 'LiberationSans-Regular.ttf')))
      .glyphForCodePoint(0x42).id;
    // A TJ gap of 3 em splits the text layer's word (found in the text as drawn); a W2 that
    // moves B keeps it one word, whose B must be widened to where B was drawn.
    for (const [name, source, found] of [
      ['TJ 3000 between glyphs', verticalPdf({ gap: 3000 }), 'ABCD | the term asked for (drawn on the page where its text layer does not say)'],
      ['W2 moves B 3 em up', verticalPdf({ cid: `/W2 [${String(bGid)} [-1000 500 -3000]]` }), 'ABCD | the term asked for'],
    ] as const) {
      const { bytes, report } = await redactPdf(source, { terms: ['ABCD'], dpi });
      const boxes = report.pages[0]?.boxes ?? [];
      expect(inkOutside(bytes, `vertical-${name.replace(/\W+/g, '-')}`, dpi, 792, [...boxes, { x: 300, y: 636, width: 40, height: 20 }]), name).toBe(0);
      // Where the text layer holds the word, its characters' boxes reach their glyphs' ink: no
      // match of the text as drawn is left over for the fallback.
      const suggestions = report.pages[0]?.suggestions ?? [];
      expect(
        suggestions.map((s) => `${s.text} | ${s.why}`),
        name,
      ).toEqual([found]);
    }
  });
  it('finds an SSN set top to bottom with one digit moved a column aside (W2), and leaves none of its ink', async () => {
    const face = fontkit.create(
      readFileSync(join(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts', 'LiberationSans-Regular.ttf')),
    );
    const four = face.glyphForCodePoint(0x34).id;
    const dpi = 100;
    const source = verticalPdf({ text: '123-45-6789', cid: `/W2 [${String(four)} [-1000 1800 880]]` });
    const { bytes: plain } = await redactPdf(source, { dpi });
    const aside = { x0: 270, y0: 400, x1: 292, y1: 600 };
    expect(inkOutside(plain, 'vertical-ssn-plain-aside', dpi, 792, [], aside), 'the moved 4 is drawn a column aside').toBeGreaterThan(20);
    const { bytes, report } = await redactPdf(source, { pii: true, dpi });
    const boxes = report.pages[0]?.boxes ?? [];
    expect(inkOutside(bytes, 'vertical-ssn', dpi, 792, [...boxes, { x: 300, y: 636, width: 40, height: 20 }])).toBe(0);
  });
});

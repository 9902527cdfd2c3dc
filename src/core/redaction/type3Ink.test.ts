import { beforeAll, describe, expect, it } from 'vitest';
import { loadPdfjs } from './loadPdfjs';
import { glyphInk, type Type3FontData, type3Ink } from './type3Ink';

// Operator lists as pdf.js builds them for Type3 glyphs (fnArray/argsArray), with its real OPS
// numbers. The integration tests in redactPdf.test.ts draw such fonts and judge the pixels; these
// pin the walk itself, including what pdf.js leaves after its canvas has drawn a glyph.

let OPS: Awaited<ReturnType<typeof loadPdfjs>>['OPS'];
beforeAll(async () => {
  ({ OPS } = await loadPdfjs());
});

const font = (glyphs: [number, unknown][][], fontMatrix = [0.001, 0, 0, 0.001, 0, 0], widths: Record<number, number> = { 65: 1000 }): Type3FontData => ({
  isType3Font: true,
  fontMatrix,
  widths,
  charProcOperatorList: Object.fromEntries(glyphs.map((ops, i) => [`g${i}`, { fnArray: ops.map(([fn]) => fn), argsArray: ops.map(([, args]) => args) }])),
});
/** A filled path whose points pdf.js's canvas has already replaced with a Path2D: only its minMax remains. */
const filled = (minMax: number[]): [number, unknown] => [OPS.constructPath, [OPS.fill, [{ drawn: 'Path2D' }], new Float32Array(minMax)]];

describe('type3Ink', () => {
  it('bounds a glyph by its paths through its own transforms and the FontMatrix, not by what it declares', () => {
    const t3 = type3Ink(
      font([
        // d1 says 0..1000 square; the glyph scales by 2 and draws 0..1000 → 0..2000 glyph units.
        [[OPS.setCharWidthAndBounds, [1000, 0, 0, 0, 1000, 1000]], [OPS.transform, [2, 0, 0, 2, 0, 0]], filled([0, 0, 1000, 1000])],
        // Another glyph below the baseline, its transform undone by restore before it draws.
        [[OPS.save, null], [OPS.transform, [10, 0, 0, 10, 0, 0]], [OPS.restore, null], filled([-100, -700, 500, 0])],
      ]),
      OPS,
    );
    const { minX = NaN, maxX = NaN, minY = NaN, maxY = NaN } = t3?.ink ?? {};
    expect([minX, maxX, minY, maxY].map((v) => Math.round(v * 1000) / 1000)).toEqual([-0.1, 2, -0.7, 2]);
    expect(t3?.placedAsText).toBe(true);
  });

  it('widens a stroke by half its line width times the miter limit, through the transform', () => {
    const t3 = type3Ink(
      font([
        [
          [OPS.setLineWidth, [100]],
          [OPS.setMiterLimit, [4]],
          [OPS.transform, [2, 0, 0, 2, 0, 0]],
          [OPS.constructPath, [OPS.stroke, [new Float32Array([0, 0, 0, 1, 0, 1000])], new Float32Array([0, 0, 0, 1000])]],
        ],
      ]),
      OPS,
    );
    // Half of 100 × 4 = 200, times a bound on the transform's scale (its Frobenius norm, 2√2):
    // 566 glyph units round the line, which the transform takes from 0..1000 to 0..2000.
    expect(t3?.ink.minX).toBeCloseTo(-0.2 * 2 * Math.SQRT2);
    expect(t3?.ink.maxY).toBeCloseTo(2 + 0.2 * 2 * Math.SQRT2);
  });

  it('takes an image (and a compiled image mask) as the unit square through the transform in force', () => {
    const t3 = type3Ink(
      font([
        [
          [OPS.transform, [1000, 0, 0, 3000, 0, -1000]],
          [OPS.constructPath, [OPS.rawFillPath, [new Float32Array([0, 0, 0, 1, 8, 8])], new Float32Array([0, 0, 8, 8])]],
        ],
        [
          [OPS.transform, [500, 0, 0, 500, -500, 0]],
          [OPS.paintImageXObject, ['img_p0_1', 1, 1]],
        ],
      ]),
      OPS,
    );
    expect(t3?.ink).toEqual({ minX: -0.5, maxX: 1, minY: -1, maxY: 2 });
  });

  it('has no bound for a glyph that paints a shading, or anything it does not know, and keeps what the other glyphs measure', () => {
    const bar = [filled([0, -500, 1000, 3000])];
    for (const odd of [
      [[OPS.shadingFill, ['Sh0']]],
      [[OPS.showText, [[]]]],
      [[9999, []]],
      [[OPS.constructPath, [OPS.fill, [{ drawn: 'Path2D' }], new Float32Array([NaN, 0, 1, 1])]]],
    ] as [number, unknown][][]) {
      const t3 = type3Ink(font([bar, odd]), OPS);
      expect(t3?.unbounded).toBe(true);
      // The measured glyph still counts: the guess for the other is added to it, not put in its place.
      expect(t3?.ink).toEqual({ minX: 0, maxX: 1, minY: -0.5, maxY: 3 });
    }
    // An empty path (no points: pdf.js sends a null minMax, and its canvas leaves an empty Path2D) draws nothing.
    expect(type3Ink(font([bar, [[OPS.constructPath, [OPS.fill, [{ drawn: 'Path2D' }], null]]]]), OPS)?.unbounded).toBe(false);
  });

  it('has no bound for a stroke whose line width or miter limit the glyph inherits, unless told what it inherits', () => {
    const stroke: [number, unknown] = [OPS.constructPath, [OPS.stroke, [new Float32Array([0, 0, 0, 1, 0, 1000])], new Float32Array([0, 0, 0, 1000])]];
    expect(type3Ink(font([[stroke]]), OPS)?.unbounded).toBe(true);
    expect(type3Ink(font([[[OPS.setLineWidth, [100]], stroke]]), OPS)?.unbounded).toBe(true); // the miter limit is the page's
    expect(type3Ink(font([[[OPS.setLineWidth, [100]], [OPS.setLineJoin, [1]], stroke]]), OPS)?.unbounded).toBe(false);
    // A miter limit that is not positive is ignored by the canvas: the inherited one stays.
    expect(type3Ink(font([[[OPS.setLineWidth, [100]], [OPS.setMiterLimit, [-5]], stroke]]), OPS)?.unbounded).toBe(true);
    // Told what it inherits (as glyphRecorder is, while the canvas draws it): bounded.
    const ink = glyphInk(OPS, [OPS.constructPath], [stroke[1]], { lineWidth: 200, miterLimit: 4 });
    // Half of 200, times the miter limit 4, times the identity's Frobenius norm (√2).
    expect(ink?.minX).toBeCloseTo(-100 * 4 * Math.SQRT2);
  });

  it('says when the canvas advances glyphs elsewhere than the text layer: a mirrored or offset FontMatrix', () => {
    const glyphs = [[filled([0, 0, 1000, 1000])]];
    const mirrored = type3Ink(font(glyphs, [-0.001, 0, 0, 0.001, 0, 0]), OPS);
    expect(mirrored?.placedAsText).toBe(false);
    expect(mirrored?.step).toEqual([-1, 0]);
    expect(mirrored?.ink).toEqual({ minX: -1, maxX: 0, minY: 0, maxY: 1 });
    const offset = type3Ink(font(glyphs, [0.001, 0, 0, 0.001, 1.5, 0.5]), OPS);
    expect(offset?.placedAsText).toBe(false);
    // Each glyph advances 1 + 1.5 em (or 1.5 em if it has no width).
    expect(offset?.step).toEqual([0, 2.5]);
    expect(offset?.ink).toEqual({ minX: 1.5, maxX: 2.5, minY: 0.5, maxY: 1.5 });
  });

  it('is null for a font that is not Type3', () => {
    expect(type3Ink({ isType3Font: false }, OPS)).toBeNull();
    expect(type3Ink(null, OPS)).toBeNull();
  });
});

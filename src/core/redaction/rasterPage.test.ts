import { describe, expect, it } from 'vitest';
import { fittingDpi, MAX_PAGE_PIXELS, paintBoxes } from './rasterPage';

/** A context that records what is painted. */
function recorder() {
  const rects: number[][] = [];
  return {
    rects,
    context: {
      fillStyle: '',
      fillRect: (x: number, y: number, w: number, h: number) => rects.push([x, y, w, h]),
      getImageData: () => ({ data: new Uint8ClampedArray() }),
    },
  };
}

describe('painting boxes into a raster', () => {
  it('rounds every edge outwards to whole pixels and flips y (PDF points count up from the bottom)', () => {
    const { rects, context } = recorder();
    // 2 pixels per point; a 100-point-high page is 200 pixels high.
    paintBoxes(context, [{ page: 1, x: 10.2, y: 20.2, width: 5.1, height: 3.1 }], 2, 100, 1000, 1000);
    // x 20.4–30.6 → 20–31; y from the top 200-46.6=153.4 … 200-40.4=159.6 → 153–160.
    expect(rects).toEqual([[20, 153, 11, 7]]);
  });

  it('clips to the raster, skips a box wholly outside it, and refuses one it cannot place (NaN)', () => {
    const { rects, context } = recorder();
    paintBoxes(context, [{ page: 1, x: -5, y: -5, width: 10, height: 10 }], 1, 100, 50, 100);
    expect(rects).toEqual([[0, 95, 5, 5]]);
    expect(() => paintBoxes(context, [{ page: 1, x: Number.NaN, y: 0, width: 10, height: 10 }], 1, 100, 50, 100)).toThrow(/could not be placed/);
  });

  it('lowers the DPI of a page too large for the memory bound, to one that fits', () => {
    expect(fittingDpi(612, 792, 200)).toBe(200);
    const dpi = fittingDpi(5000, 5000, 200);
    expect(dpi).toBeLessThan(200);
    expect(Math.ceil((5000 * dpi) / 72) ** 2).toBeLessThanOrEqual(MAX_PAGE_PIXELS);
  });
});

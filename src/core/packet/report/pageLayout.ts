// The report's look, in one place: US Letter, 0.6 in margins, a running header and footer
// inside them; type sizes and leadings; fill and stroke colours as content-stream operators;
// and the one number format content streams get. Coordinates are PDF points from the bottom left.

export const PAGE_WIDTH = 612;
export const PAGE_HEIGHT = 792;
export const MARGIN = 43.2;
export const LEFT = MARGIN;
export const RIGHT = PAGE_WIDTH - MARGIN;
export const CONTENT_WIDTH = RIGHT - LEFT;
export const HEADER_BASELINE = PAGE_HEIGHT - MARGIN - 6;
export const BODY_TOP = PAGE_HEIGHT - MARGIN - 22;
export const BODY_BOTTOM = MARGIN + 24;
export const FOOTER_BASELINE = MARGIN + 2;

export const BODY_SIZE = 9;
export const BODY_LEADING = 12;
export const TABLE_SIZE = 8.5;
export const TABLE_LEADING = 10.6;
export const CELL_PAD_X = 3.5;
export const CELL_PAD_Y = 2.6;
export const SMALL_SIZE = 7.5;

/** Fill colours as content-stream operators: ink, secondary text, the one alarm colour. */
export const INK = '0.11 g';
export const MUTED = '0.4 g';
export const ALERT = '0.66 0.1 0.08 rg';
export const HEADER_FILL = '0.925 g';
export const CODE_FILL = '0.955 g';
/** Stroke colours. */
export const RULE = '0.75 G';
export const STRONG_RULE = '0.35 G';

/** A number for a content stream: at most two decimals, no exponent. */
export function num(value: number): string {
  // `+ 0` turns -0 into 0; hundredths of a point never reach exponent notation.
  return String(Math.round(value * 100) / 100 + 0);
}

/** Baseline of a line of text `size` high, set in a line `leading` high whose top is `top`. */
export function baselineIn(top: number, leading: number, size: number): number {
  return top - leading / 2 - size * 0.34;
}

import type { SeededRandom } from './seededRandom';

/** Width and height of the box a scribble is drawn in (SVG units, y down). */
export const SCRIBBLE_WIDTH = 170;
export const SCRIBBLE_HEIGHT = 44;

function f(value: number): string {
  return value.toFixed(1);
}

/**
 * A handwritten-looking signature as an SVG path (one pen stroke per word, y down, within
 * SCRIBBLE_WIDTH x SCRIBBLE_HEIGHT): a tall looped capital, a run of cursive humps and loops
 * of varying height and slant, and sometimes an underline flourish. Drawn as vector art in PDFs
 * (pdf-lib drawSvgPath) and as pixels in scans (canvas Path2D); it is not text, so no reader
 * can extract it.
 */
export function signatureScribble(rng: SeededRandom): string {
  const baseline = SCRIBBLE_HEIGHT * 0.72;
  const slant = 0.15 + rng.next() * 0.35;
  const words = rng.chance(0.65) ? 2 : 1;
  const parts: string[] = [];
  let x = 4 + rng.next() * 6;
  for (let word = 0; word < words && x < SCRIBBLE_WIDTH * 0.7; word++) {
    // The capital: up from the baseline, over and back down through a loop.
    const capHeight = SCRIBBLE_HEIGHT * (0.55 + rng.next() * 0.35);
    const top = baseline - capHeight;
    const capWidth = 10 + rng.next() * 12;
    parts.push(`M ${f(x)} ${f(baseline + 2)}`);
    parts.push(`C ${f(x + capHeight * slant)} ${f(top - 4)} ${f(x + capWidth + 8)} ${f(top)} ${f(x + capWidth * 0.6)} ${f(baseline - capHeight * 0.45)}`);
    parts.push(`C ${f(x - 4)} ${f(baseline - capHeight * 0.2)} ${f(x + capWidth * 0.3)} ${f(baseline + 3)} ${f(x + capWidth)} ${f(baseline - 3)}`);
    x += capWidth;
    // The run: humps and loops along the baseline.
    const letters = 3 + rng.int(0, word === 0 ? 4 : 6);
    for (let i = 0; i < letters && x < SCRIBBLE_WIDTH - 14; i++) {
      const width = 6 + rng.next() * 8;
      const tall = rng.chance(0.25);
      const height = tall ? SCRIBBLE_HEIGHT * (0.4 + rng.next() * 0.2) : 5 + rng.next() * 7;
      const loop = tall || rng.chance(0.3);
      const peakX = x + width * 0.5 + height * slant;
      if (loop) {
        parts.push(
          `C ${f(peakX + width * 0.6)} ${f(baseline - height)} ${f(peakX - width * 0.6)} ${f(baseline - height - 2)} ${f(x + width * 0.35)} ${f(baseline)}`,
        );
        parts.push(`C ${f(x + width * 0.6)} ${f(baseline + 2)} ${f(x + width * 0.8)} ${f(baseline - 1)} ${f(x + width)} ${f(baseline - 2)}`);
      } else {
        parts.push(`C ${f(x + width * 0.2)} ${f(baseline - height)} ${f(peakX)} ${f(baseline - height)} ${f(x + width * 0.7)} ${f(baseline)}`);
        parts.push(`Q ${f(x + width * 0.85)} ${f(baseline + 1.5)} ${f(x + width)} ${f(baseline - 2)}`);
      }
      x += width;
    }
    x += 8 + rng.next() * 10;
  }
  if (rng.chance(0.6)) {
    // The flourish: back under the name.
    const y = baseline + 5 + rng.next() * 4;
    parts.push(`M ${f(x - 10)} ${f(baseline - 6)} C ${f(x + 6)} ${f(y + 6)} ${f(x * 0.5)} ${f(y - 2)} ${f(6 + rng.next() * 20)} ${f(y + 1)}`);
  }
  return parts.join(' ');
}

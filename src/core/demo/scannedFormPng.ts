import { createCanvas, Path2D } from '@napi-rs/canvas';
import type { SKRSContext2D } from '@napi-rs/canvas';
import { longDate } from './demoDates';
import { HOSPITAL_NAME } from './demoOrganisation';
import { SeededRandom } from './seededRandom';
import { SCRIBBLE_HEIGHT, signatureScribble } from './signatureScribble';

export interface ScannedFormInput {
  title: string;
  formCode: string;
  personName: string;
  employeeId: string;
  unitName: string;
  courseTitle: string;
  day: number;
  evaluator: string | null;
  /** The items ticked off on the form. */
  checklist: readonly string[];
  seed: number;
}

/** US Letter at 100 dpi, a common office-scanner setting. */
export const SCAN_WIDTH = 850;
export const SCAN_HEIGHT = 1100;

/** Everything is drawn in greys, as the scanner's greyscale mode returns it. */
const INK = '#2b2b30';
const PRINT = '#1c1c1c';

function scribble(ctx: SKRSContext2D, rng: SeededRandom, x: number, y: number, scale: number): void {
  ctx.save();
  ctx.translate(x, y - SCRIBBLE_HEIGHT * scale);
  ctx.scale(scale, scale);
  ctx.strokeStyle = INK;
  ctx.lineWidth = 1.6 / scale;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.stroke(new Path2D(signatureScribble(rng)));
  ctx.restore();
}

function field(ctx: SKRSContext2D, label: string, value: string, x: number, y: number, width: number): void {
  ctx.fillStyle = PRINT;
  ctx.font = '17px sans-serif';
  ctx.fillText(label, x, y);
  const labelWidth = ctx.measureText(label).width + 10;
  ctx.fillRect(x + labelWidth, y + 5, width - labelWidth, 1.2);
  ctx.fillStyle = INK;
  ctx.font = 'italic 21px serif';
  ctx.fillText(value, x + labelWidth + 8, y - 1);
}

/** The paper form as filled in by hand, in the page's own (unrotated) coordinates. */
function drawForm(ctx: SKRSContext2D, input: ScannedFormInput, rng: SeededRandom): void {
  const left = 80;
  const width = SCAN_WIDTH - 160;
  ctx.fillStyle = PRINT;
  ctx.textAlign = 'center';
  ctx.font = 'bold 22px sans-serif';
  ctx.fillText(HOSPITAL_NAME.toUpperCase(), SCAN_WIDTH / 2, 110);
  ctx.font = 'bold 27px serif';
  ctx.fillText(input.title, SCAN_WIDTH / 2, 158);
  ctx.textAlign = 'left';
  ctx.fillRect(left, 180, width, 2.5);

  field(ctx, 'Employee name:', input.personName, left, 240, width);
  field(ctx, 'Employee ID:', input.employeeId, left, 290, width * 0.45);
  field(ctx, 'Date:', longDate(input.day), left + width * 0.5, 290, width * 0.5);
  field(ctx, 'Department:', input.unitName, left, 340, width);
  field(ctx, 'Course:', input.courseTitle, left, 390, width);

  ctx.fillStyle = PRINT;
  ctx.font = 'bold 19px sans-serif';
  ctx.fillText('Validated (tick each item)', left, 460);
  let y = 505;
  for (const item of input.checklist) {
    ctx.strokeStyle = PRINT;
    ctx.lineWidth = 1.5;
    ctx.strokeRect(left, y - 18, 22, 22);
    ctx.fillStyle = PRINT;
    ctx.font = '17px sans-serif';
    ctx.fillText(item, left + 38, y);
    // A hand-drawn tick.
    ctx.strokeStyle = INK;
    ctx.lineWidth = 2.6;
    ctx.beginPath();
    ctx.moveTo(left + 3 + rng.next() * 2, y - 8);
    ctx.lineTo(left + 9, y + 1 + rng.next() * 2);
    ctx.lineTo(left + 26 + rng.next() * 4, y - 24 - rng.next() * 4);
    ctx.stroke();
    y += 42;
  }

  y = Math.max(y + 60, 860);
  const signatures: [string, number][] = [['Employee signature', left]];
  if (input.evaluator) signatures.push([`Evaluator: ${input.evaluator}`, left + width * 0.55]);
  for (const [caption, x] of signatures) {
    scribble(ctx, rng, x + 10 + rng.next() * 30, y - 4, 1.3);
    ctx.fillStyle = PRINT;
    ctx.fillRect(x, y, width * 0.42, 1.2);
    ctx.font = '15px sans-serif';
    ctx.fillText(caption, x, y + 22);
  }
  ctx.font = '13px sans-serif';
  ctx.fillStyle = '#3a3a3a';
  ctx.fillText(`${input.formCode}   Retain in the training file for six years.`, left, SCAN_HEIGHT - 60);
}

/**
 * A paper training form, filled in and signed by hand, as a scanner would return it: a
 * greyscale PNG at 100 dpi, the page a little rotated and offset on a grey scanner bed, with
 * paper grain, specks and a faint streak. Deterministic for the same input.
 */
export async function scannedFormPng(input: ScannedFormInput): Promise<Buffer> {
  const rng = new SeededRandom(input.seed);
  const canvas = createCanvas(SCAN_WIDTH, SCAN_HEIGHT);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#bbbbbb';
  ctx.fillRect(0, 0, SCAN_WIDTH, SCAN_HEIGHT);

  const angle = ((rng.next() < 0.5 ? -1 : 1) * (0.4 + rng.next() * 1.3) * Math.PI) / 180;
  ctx.save();
  ctx.translate(SCAN_WIDTH / 2 + rng.int(-8, 8), SCAN_HEIGHT / 2 + rng.int(-6, 10));
  ctx.rotate(angle);
  ctx.translate(-SCAN_WIDTH / 2, -SCAN_HEIGHT / 2);
  ctx.shadowColor = 'rgba(0, 0, 0, 0.45)';
  ctx.shadowBlur = 12;
  ctx.fillStyle = '#ececec';
  ctx.fillRect(14, 12, SCAN_WIDTH - 28, SCAN_HEIGHT - 24);
  ctx.shadowBlur = 0;
  ctx.shadowColor = 'transparent';
  drawForm(ctx, input, rng);
  ctx.restore();

  // Uneven lighting, a faint streak from dust on the glass, then grain and specks.
  ctx.globalCompositeOperation = 'multiply';
  const light = ctx.createLinearGradient(0, 0, 0, SCAN_HEIGHT);
  light.addColorStop(0, '#f4f4f4');
  light.addColorStop(0.45, '#ffffff');
  light.addColorStop(1, '#ededed');
  ctx.fillStyle = light;
  ctx.fillRect(0, 0, SCAN_WIDTH, SCAN_HEIGHT);
  ctx.fillStyle = '#f1f1f1';
  ctx.fillRect(rng.int(60, SCAN_WIDTH - 60), 0, 1, SCAN_HEIGHT);
  ctx.globalCompositeOperation = 'source-over';

  const image = ctx.getImageData(0, 0, SCAN_WIDTH, SCAN_HEIGHT);
  const pixels = image.data;
  const setGrey = (i: number, value: number) => {
    const v = Math.max(0, Math.min(255, Math.round(value)));
    pixels[i] = v;
    pixels[i + 1] = v;
    pixels[i + 2] = v;
  };
  // Grain on a sparse sample of pixels: a dense one looks no better and triples the PNG.
  for (let n = Math.round(SCAN_WIDTH * SCAN_HEIGHT * 0.07); n > 0; n--) {
    const i = rng.int(0, SCAN_WIDTH * SCAN_HEIGHT - 1) * 4;
    setGrey(i, (pixels[i] ?? 0) + (rng.next() - 0.5) * 28);
  }
  for (let speck = 0; speck < 160; speck++) {
    const cx = rng.int(0, SCAN_WIDTH - 3);
    const cy = rng.int(0, SCAN_HEIGHT - 3);
    const size = rng.chance(0.85) ? 1 : 2;
    const value = rng.int(40, 120);
    for (let dy = 0; dy < size; dy++) {
      for (let dx = 0; dx < size; dx++) setGrey(((cy + dy) * SCAN_WIDTH + cx + dx) * 4, value);
    }
  }
  ctx.putImageData(image, 0, 0);
  return canvas.encode('png', { resolution: 100 });
}

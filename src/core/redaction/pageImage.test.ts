import { randomBytes } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { createCanvas } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { encodePageImage, grayPixels } from './pageImage';
import type { NodeCanvas } from './rasterPage';

function page(draw: (context: ReturnType<ReturnType<typeof createCanvas>['getContext']>) => void) {
  const canvas = createCanvas(200, 100);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, 200, 100);
  draw(context);
  return canvas;
}

describe('encodePageImage', () => {
  it('stores a page of black, white and grey text losslessly as 8-bit gray, pixel for pixel', async () => {
    const canvas = page((context) => {
      context.fillStyle = '#000000';
      context.font = '20px sans-serif';
      context.fillText('Jane Roe 123-45-6789', 10, 50);
      context.fillStyle = '#808080';
      context.fillRect(150, 70, 40, 20);
    });
    const image = await encodePageImage(canvas, 90);
    expect(image.kind).toBe('gray');
    if (image.kind !== 'gray') return;
    expect([image.width, image.height]).toEqual([200, 100]);
    const pixels = inflateSync(image.bytes);
    const rgba = canvas.data();
    // Anti-aliased text included: every pixel's gray is its red (= green = blue) exactly.
    for (let i = 0; i < 200 * 100; i++) expect(pixels[i]).toBe(rgba[4 * i]);
  });

  it('keeps colour: one red pixel makes the page a JPEG', async () => {
    const canvas = page((context) => {
      context.fillStyle = '#ff0000';
      context.fillRect(5, 5, 1, 1);
    });
    const image = await encodePageImage(canvas, 90);
    expect(image.kind).toBe('jpeg');
    expect(grayPixels(canvas.data())).toBeNull();
  });

  it('writes a gray scan full of noise as a JPEG, where deflate would make it larger', async () => {
    const noise = randomBytes(200 * 100);
    const canvas = page((context) => {
      const data = context.getImageData(0, 0, 200, 100);
      for (let i = 0; i < noise.length; i++) data.data.fill(noise[i] ?? 0, 4 * i, 4 * i + 3);
      context.putImageData(data, 0, 0);
    });
    expect(grayPixels(canvas.data())).not.toBeNull();
    expect((await encodePageImage(canvas as unknown as NodeCanvas, 90)).kind).toBe('jpeg');
  });
});

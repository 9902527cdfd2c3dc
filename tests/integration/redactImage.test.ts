import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { redactImage } from '../../src/core/redaction/redactImage';
import { tempDir } from '../support/tempVault';

// Image redaction judged by Debian's Pillow: what it reads back from our output (pixels and any
// metadata) is what anyone could. Fixtures are made by Pillow too, with every kind of metadata a
// camera or scanner leaves: EXIF (with an orientation), XMP, an ICC profile, comments, text chunks.

const temp = tempDir('custodian-redact-image-');
afterAll(() => temp.cleanup());
const PYTHON = '/usr/bin/python3';

function python(code: string, ...args: string[]): string {
  return execFileSync(PYTHON, ['-c', code, ...args], { encoding: 'utf8' });
}

/** Stored 300 × 200 with a red square at the stored top-left; EXIF orientation 6 (shown rotated 90° clockwise). */
const MAKE_FIXTURES = String.raw`
import sys
from PIL import Image, ImageDraw, ImageCms, PngImagePlugin
out = sys.argv[1]
im = Image.new('RGB', (300, 200), (40, 160, 40))
d = ImageDraw.Draw(im)
d.rectangle([0, 0, 59, 39], fill=(255, 0, 0))
icc = ImageCms.ImageCmsProfile(ImageCms.createProfile('sRGB')).tobytes()
exif = im.getexif()
exif[0x0112] = 6
exif[0x010e] = 'Camera Description Yeti'
xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description>Xmp Yeti</rdf:Description></rdf:RDF></x:xmpmeta>'
im.save(out + '/camera.jpg', exif=exif.tobytes(), icc_profile=icc, comment=b'Comment Yeti', xmp=xmp, quality=95)
info = PngImagePlugin.PngInfo()
info.add_text('Author', 'Text Yeti')
info.add_itxt('Description', 'International Yeti')
info.add_text('Comment', 'Compressed Yeti', zip=True)
png_exif = im.getexif()
png_exif[0x010e] = 'Png Exif Yeti'
im.save(out + '/scan.png', pnginfo=info, icc_profile=icc, exif=png_exif.tobytes(), dpi=(300, 300))
im.save(out + '/scan.tif', tiffinfo={274: 6, 270: 'Tiff Yeti'})
rot = im.getexif()
rot[0x0112] = 6
im.save(out + '/rotated.png', exif=rot.tobytes())
im.save(out + '/two.tif', save_all=True, append_images=[im])
`;

const READ_BACK = String.raw`
import sys, json
from PIL import Image
im = Image.open(sys.argv[1])
keys = sorted(k for k in im.info.keys() if k not in ('jfif', 'jfif_version', 'jfif_unit', 'jfif_density'))
px = lambda x, y: list(im.convert('RGB').getpixel((x, y)))
points = [[int(v) for v in p.split(',')] for p in sys.argv[2:]]
print(json.dumps({'format': im.format, 'size': list(im.size), 'info': keys, 'exif': len(im.getexif()), 'pixels': [px(x, y) for x, y in points]}))
`;

interface ReadBack {
  format: string;
  size: [number, number];
  info: string[];
  exif: number;
  pixels: [number, number, number][];
}
function readBack(path: string, points: [number, number][]): ReadBack {
  return JSON.parse(python(READ_BACK, path, ...points.map((p) => p.join(',')))) as ReadBack;
}

python(MAKE_FIXTURES, temp.dir);
const fixture = (name: string): Buffer => execFileSync('cat', [join(temp.dir, name)]);
const isBlack = (p: number[] | undefined): boolean => p !== undefined && p.every((v) => v < 40);
const isRed = (p: number[] | undefined): boolean => p !== undefined && (p[0] ?? 0) > 200 && (p[1] ?? 255) < 60 && (p[2] ?? 255) < 60;

describe('a redacted image keeps its pixels and nothing else', () => {
  it('a JPEG with EXIF orientation: boxes land on the image as displayed; EXIF, XMP, ICC and comments are gone', async () => {
    const source = fixture('camera.jpg');
    const before = readBack(join(temp.dir, 'camera.jpg'), [[5, 5]]);
    expect(before.info).toEqual(expect.arrayContaining(['exif', 'icc_profile', 'comment']));
    // Displayed (orientation 6), the stored top-left red square sits at the top-right of a 200 × 300 image.
    const { bytes, format } = await redactImage(source, { boxes: [{ page: 1, x: 0, y: 250, width: 50, height: 50 }] });
    expect(format).toBe('jpeg');
    const out = join(temp.dir, 'camera-redacted.jpg');
    writeFileSync(out, bytes);
    const after = readBack(out, [
      [25, 275],
      [190, 10],
      [100, 150],
    ]);
    expect(after.size).toEqual([200, 300]);
    expect(after.info).toEqual([]);
    expect(after.exif).toBe(0);
    expect(isBlack(after.pixels[0])).toBe(true);
    expect(isRed(after.pixels[1])).toBe(true);
    expect(isBlack(after.pixels[2])).toBe(false);
    expect(Buffer.from(bytes).toString('latin1')).not.toMatch(/Yeti/);
  });

  it('a PNG with text, iTXt, zTXt, eXIf, iCCP and pHYs chunks comes out with IHDR, IDAT and IEND only', async () => {
    const { bytes, format } = await redactImage(fixture('scan.png'), { boxes: [{ page: 1, x: 0, y: 0, width: 60, height: 40 }] });
    expect(format).toBe('png');
    const out = join(temp.dir, 'scan-redacted.png');
    writeFileSync(out, bytes);
    const after = readBack(out, [
      [0, 0],
      [59, 39],
      [60, 40],
    ]);
    expect(after.info).toEqual([]);
    expect(after.exif).toBe(0);
    // Every pixel of the red square is black now, exactly (PNG is lossless); the next one is not.
    expect(after.pixels.slice(0, 2)).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(after.pixels[2]).toEqual([40, 160, 40]);
    expect(Buffer.from(bytes).toString('latin1')).not.toMatch(/Yeti/);
  });

  it("a PNG's eXIf orientation is applied before the boxes, as for a JPEG", async () => {
    const { bytes } = await redactImage(fixture('rotated.png'), { boxes: [{ page: 1, x: 140, y: 0, width: 60, height: 60 }] });
    const out = join(temp.dir, 'rotated-redacted.png');
    writeFileSync(out, bytes);
    const after = readBack(out, [
      [170, 30],
      [100, 150],
    ]);
    // Displayed 200 × 300 with the red square top-right: the box covers it, exactly.
    expect(after.size).toEqual([200, 300]);
    expect(after.pixels[0]).toEqual([0, 0, 0]);
    expect(after.pixels[1]).toEqual([40, 160, 40]);
    expect(after.exif).toBe(0);
  });

  it('a TIFF: its orientation tag is applied, and it comes out as a PNG without tags', async () => {
    const { bytes, format, report } = await redactImage(fixture('scan.tif'), { boxes: [{ page: 1, x: 140, y: 0, width: 60, height: 60 }] });
    expect(format).toBe('png');
    expect(report.pages[0]?.notes.join(' ')).toMatch(/written as a PNG/);
    const out = join(temp.dir, 'tif-redacted.png');
    writeFileSync(out, bytes);
    const after = readBack(out, [
      [170, 30],
      [100, 150],
    ]);
    expect(after.size).toEqual([200, 300]);
    expect(isBlack(after.pixels[0])).toBe(true);
    expect(after.pixels[1]).toEqual([40, 160, 40]);
    expect(Buffer.from(bytes).toString('latin1')).not.toMatch(/Yeti/);
  });
});

describe('bad images are refused before anything is decoded or written', () => {
  it('refuses an image bomb: a 200-byte PNG declaring 100,000 × 100,000 pixels', async () => {
    const chunk = (type: string, data: Buffer): Buffer => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(data.length);
      return Buffer.concat([length, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(100_000, 0);
    ihdr.writeUInt32BE(100_000, 4);
    ihdr.set([8, 2, 0, 0, 0], 8);
    const bomb = Buffer.concat([
      Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(Buffer.alloc(64))),
      chunk('IEND', Buffer.alloc(0)),
    ]);
    const before = process.memoryUsage().rss;
    await expect(redactImage(bomb, { boxes: [] })).rejects.toThrow(/too large to redact \(100000 × 100000 pixels/);
    // Refused from the header: nowhere near the 40 GB the pixels would take was allocated.
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 * 1024);
  });

  it('refuses a multi-page TIFF, a damaged image and a file that is no image', async () => {
    await expect(redactImage(fixture('two.tif'))).rejects.toThrow(/2 pages; redaction takes single-page TIFFs/);
    const jpeg = fixture('camera.jpg');
    await expect(redactImage(jpeg.subarray(0, 600))).rejects.toThrow(/cannot be (decoded|read)/);
    await expect(redactImage(Buffer.from('plain text, not an image'))).rejects.toThrow(/Only PDF, PNG, JPEG and TIFF/);
  });

  it('refuses a box on a page an image does not have', async () => {
    await expect(redactImage(fixture('scan.png'), { boxes: [{ page: 2, x: 0, y: 0, width: 5, height: 5 }] })).rejects.toThrow(/every box must be on page 1/);
  });
});

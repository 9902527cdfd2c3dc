import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvidenceViews } from '../../src/core/app/evidenceViews';
import { addEvidence } from '../../src/core/evidence/evidenceStore';
import { mediaTypeFor } from '../../src/core/evidence/mediaTypeFor';
import type { VaultSession } from '../../src/core/vault/vaultSession';
import { makeVault, tempDir } from '../support/tempVault';

// The redaction workspace draws boxes on an image as core's redaction decodes it (evidence.viewOpen
// with as: 'displayed'): a TIFF, which Chromium cannot show, comes as a PNG with its orientation
// tag applied. Judged by Pillow: the PNG's size and where the stored top-left corner now is.

const PYTHON = '/usr/bin/python3';
const temp = tempDir('custodian-view-displayed-');
let session: VaultSession;

/** Stored 300 × 200 with a red square at the stored top-left; orientation 6 (shown rotated 90° clockwise). */
const MAKE = String.raw`
import sys
from PIL import Image, ImageDraw
im = Image.new('RGB', (300, 200), (40, 160, 40))
ImageDraw.Draw(im).rectangle([0, 0, 59, 39], fill=(255, 0, 0))
im.save(sys.argv[1] + '/scan.tif', tiffinfo={274: 6})
im.save(sys.argv[1] + '/two.tif', save_all=True, append_images=[im])
`;
const READ = String.raw`
import sys, json
from PIL import Image
im = Image.open(sys.argv[1])
print(json.dumps({'format': im.format, 'size': list(im.size), 'exif': len(im.getexif()), 'topRight': list(im.convert('RGB').getpixel((190, 10))), 'topLeft': list(im.convert('RGB').getpixel((10, 10)))}))
`;

async function add(name: string, bytes: Uint8Array): Promise<string> {
  return (await addEvidence(session, { source: Readable.from([Buffer.from(bytes)]), fileName: name, mediaType: mediaTypeFor(name) })).id;
}

async function readAll(views: EvidenceViews, viewId: string, size: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < size;) {
    const slice = views.read(session, viewId, offset, 1024 * 1024);
    parts.push(Buffer.from(slice));
    offset += slice.length;
  }
  return Promise.resolve(Buffer.concat(parts));
}

beforeAll(async () => {
  execFileSync(PYTHON, ['-c', MAKE, temp.dir]);
  ({ session } = await makeVault(temp.dir));
});
afterAll(async () => {
  await session.lock();
  temp.cleanup();
});

describe("an image opened 'as displayed' for redaction", () => {
  it('a TIFF comes as a PNG with its orientation applied (the pixels the boxes are burned into), logged as decrypted', async () => {
    const id = await add('scan.tif', readFileSync(join(temp.dir, 'scan.tif')));
    const logged = () => session.read((db) => db.get<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE action = 'evidence.decrypt'")?.n ?? 0);
    const before = await logged();
    const views = new EvidenceViews();
    const view = await views.open(session, id, true);
    expect(view).toMatchObject({ mediaType: 'image/png', fileName: 'scan.tif' });
    const out = join(temp.dir, 'displayed.png');
    writeFileSync(out, await readAll(views, view.viewId, view.size));
    const seen = JSON.parse(execFileSync(PYTHON, ['-c', READ, out], { encoding: 'utf8' })) as {
      format: string;
      size: number[];
      exif: number;
      topRight: number[];
      topLeft: number[];
    };
    // Shown 200 × 300, the stored top-left red square at the top right; no tags carried over.
    expect(seen).toMatchObject({ format: 'PNG', size: [200, 300], exif: 0 });
    expect(seen.topRight[0]).toBeGreaterThan(200);
    expect(seen.topLeft[0]).toBeLessThan(100);
    expect(await logged()).toBe(before + 1);
    // Opened plainly, the same file is the stored TIFF.
    const plain = await views.open(session, id);
    expect(plain.mediaType).toBe('image/tiff');
    expect((await readAll(views, plain.viewId, plain.size)).subarray(0, 4)).toEqual(readFileSync(join(temp.dir, 'scan.tif')).subarray(0, 4));
  });

  it('refuses what redaction refuses: a PDF (shown by pdf.js instead), a two-page TIFF', async () => {
    const pdf = await PDFDocument.create();
    pdf.addPage();
    const pdfId = await add('sheet.pdf', await pdf.save());
    const views = new EvidenceViews();
    await expect(views.open(session, pdfId, true)).rejects.toMatchObject({
      code: 'validation_failed',
      message: expect.stringMatching(/Only PNG, JPEG and TIFF/) as unknown,
    });
    const twoId = await add('two.tif', readFileSync(join(temp.dir, 'two.tif')));
    await expect(views.open(session, twoId, true)).rejects.toMatchObject({ code: 'validation_failed', message: expect.stringMatching(/2 pages/) as unknown });
  });
});

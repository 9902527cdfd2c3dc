import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestPacket, centralDirectory, endRecord, writePacketZip, writeZip64PacketZip } from '../../../../tests/support/testPacket';
import { tempDir } from '../../../../tests/support/tempVault';
import { openPacketArchive } from '../readPacketArchive';
import { verifyPacket } from '../verifyPacket';
import { StoredDataScan } from './zipLayout';

// The zip layout check against zips as yazl writes them (plain, streamed with data descriptors,
// Zip64), and against each rule broken once by surgery on such a zip. The attacks the rules
// stop (a second central directory, an unlisted entry) are in tests/integration/packetVerify.test.ts.

const temp = tempDir('custodian-zip-layout-');
afterAll(() => temp.cleanup());

const packet = buildTestPacket();
let serial = 0;

async function written(write: typeof writePacketZip, options?: { lazy?: boolean }): Promise<Buffer> {
  serial += 1;
  const file = join(temp.dir, `${String(serial)}.zip`);
  await write(packet.root, packet.files, file, options);
  return readFileSync(file);
}

function saved(zip: Buffer): string {
  serial += 1;
  const file = join(temp.dir, `${String(serial)}.zip`);
  writeFileSync(file, zip);
  return file;
}

/** `bytes` inserted at `at` (before the central directory), every offset past it moved along. */
function inserted(zip: Buffer, at: number, bytes: Buffer): Buffer {
  const { cdOffset, cdSize, records } = centralDirectory(zip);
  const directory = records.map((record) => {
    const copy = Buffer.from(record.bytes);
    if (record.offset >= at) copy.writeUInt32LE(record.offset + bytes.length, 42);
    return copy;
  });
  return Buffer.concat([zip.subarray(0, at), bytes, zip.subarray(at, cdOffset), ...directory, endRecord(records.length, cdSize, cdOffset + bytes.length)]);
}

function patched(zip: Buffer, edit: (copy: Buffer) => void): Buffer {
  const copy = Buffer.from(zip);
  edit(copy);
  return copy;
}

const END = 22;

describe('zips as the builder writes them', () => {
  it.each([
    ['entries from buffers', () => written(writePacketZip)],
    ['every entry streamed, with a data descriptor', () => written(writePacketZip, { lazy: true })],
    ['Zip64 end records, Zip64 fields and 24-byte data descriptors', () => written(writeZip64PacketZip)],
  ])('%s verify', async (_what, make) => {
    const zip = await make();
    const verdict = await verifyPacket(saved(zip));
    expect(verdict.checks.filter((c) => !c.ok)).toEqual([]);
    expect(verdict.ok).toBe(true);
  });
});

const A = 'packet-PKT-2026-0001/allowed_signers';
const B = 'packet-PKT-2026-0001/bag-info.txt';

/** Where the second entry (in file order) begins. */
const secondEntry = (zip: Buffer): number =>
  centralDirectory(zip)
    .records.map((r) => r.offset)
    .sort((a, b) => a - b)[1] ?? 0;

function needlessZip64(zip: Buffer): Buffer {
  const { cdOffset, cdSize, records } = centralDirectory(zip);
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeBigUInt64LE(BigInt(records.length), 24);
  record.writeBigUInt64LE(BigInt(records.length), 32);
  record.writeBigUInt64LE(BigInt(cdSize), 40);
  record.writeBigUInt64LE(BigInt(cdOffset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(cdOffset + cdSize), 8);
  locator.writeUInt32LE(1, 16);
  return Buffer.concat([zip.subarray(0, -END), record, locator, zip.subarray(-END)]);
}

describe('a zip layout with room for a second reading is refused, naming the rule', () => {
  const plain = () => written(writePacketZip);
  const cases: [string, () => Promise<Buffer>, RegExp][] = [
    [
      'a zip comment',
      async () => Buffer.concat([patched(await plain(), (z) => z.writeUInt16LE(5, z.length - 2)), Buffer.from('hello')]),
      /the end of central directory record is not the last 22 bytes of the file \(a zip comment, or bytes after it\)/,
    ],
    [
      'a prefix the offsets do not count',
      async () => Buffer.concat([Buffer.alloc(100), await plain()]),
      /the central directory does not end where the end record begins \(.*\): unzip and Python would look for another central directory/,
    ],
    ['a prefix the offsets count', async () => inserted(await plain(), 0, Buffer.alloc(100)), /100 bytes lie before the first entry/],
    [
      'bytes between two entries',
      async () => {
        const zip = await plain();
        return inserted(zip, secondEntry(zip), Buffer.from('junk'));
      },
      new RegExp(`4 unlisted bytes lie between "${A}" and "${B.replace('.', '\\.')}"`),
    ],
    [
      'two entry counts that disagree',
      async () => patched(await plain(), (z) => z.writeUInt16LE(z.readUInt16LE(z.length - END + 8) - 1, z.length - END + 8)),
      /the end record's two entry counts disagree/,
    ],
    [
      'bytes after the central directory that its size counts',
      async () => {
        const zip = await plain();
        const { cdOffset, cdSize, records } = centralDirectory(zip);
        return Buffer.concat([zip.subarray(0, cdOffset + cdSize), Buffer.alloc(10), endRecord(records.length, cdSize + 10, cdOffset)]);
      },
      /the central directory records add up to (\d+) bytes, not the \d+ the end record declares/,
    ],
    [
      'Zip64 end records the end record does not need',
      async () => needlessZip64(await plain()),
      /a Zip64 end record locator that the end record does not need/,
    ],
    [
      'an end record calling for Zip64 records that are absent',
      async () => patched(await plain(), (z) => z.fill(0xff, z.length - END + 8, z.length - END + 12)),
      /the end record calls for Zip64 end records and there are none/,
    ],
    [
      'a Zip64 end record the end record contradicts',
      async () =>
        patched(await written(writeZip64PacketZip), (z) => {
          z.writeUInt16LE(packet.files.size + 1, z.length - END + 8);
          z.writeUInt16LE(packet.files.size + 1, z.length - END + 10);
        }),
      /the Zip64 end record and the end record disagree/,
    ],
    [
      'a local header whose CRC-32 differs from its central record',
      async () => patched(await plain(), (z) => z.writeUInt32LE(1234, 14)),
      new RegExp(`"${A}" has a local header that disagrees with the central directory \\(CRC-32 or sizes\\)`),
    ],
    [
      'a local extra field a streaming extractor may act on (PKWARE Unix, with a link target)',
      async () => {
        const zip = await plain();
        const field = Buffer.concat([Buffer.from([0x0d, 0x00, 23, 0x00]), Buffer.alloc(12), Buffer.from('/etc/passwd')]);
        const nameLength = zip.readUInt16LE(26);
        return patched(inserted(zip, 30 + nameLength, field), (z) => z.writeUInt16LE(field.length, 28));
      },
      new RegExp(`"${A}" has a local extra field of kind 0x000d, which streaming extractors may act on`),
    ],
    [
      'a data descriptor that differs from its central record',
      async () => {
        const zip = await written(writePacketZip, { lazy: true });
        // The first entry's descriptor (signature, CRC-32, sizes) ends where the second entry begins.
        return patched(zip, (z) => z.writeUInt32LE(1234, secondEntry(zip) - 12));
      },
      new RegExp(`"${A}" has a data descriptor that disagrees with the central directory`),
    ],
  ];

  it.each(cases)('%s', async (_what, make, reason) => {
    const file = saved(await make());
    await expect(openPacketArchive(file)).rejects.toMatchObject({ code: 'packet_unsafe', message: expect.stringMatching(reason) as unknown });
    const verdict = await verifyPacket(file);
    expect(verdict).toMatchObject({ ok: false, checks: [{ name: 'archive', ok: false }], files: 0 });
    expect(verdict.checks).toHaveLength(1);
  });
});

describe('StoredDataScan', () => {
  /** Feeds `data` cut at `cuts`; the offset of the first lookalike, or null, and the CRC-32. */
  function scan(data: Buffer, cuts: readonly number[]): { found: number | null; crc: number } {
    const scanner = new StoredDataScan();
    const bounds = [0, ...[...new Set(cuts)].filter((c) => c > 0 && c < data.length).sort((a, b) => a - b), data.length];
    for (let i = 0; i + 1 < bounds.length; i += 1) {
      const found = scanner.update(data.subarray(bounds[i], bounds[i + 1]));
      if (found !== null) return { found, crc: scanner.crc32 };
    }
    return { found: null, crc: scanner.crc32 };
  }

  function lookalike(before: Buffer, zip64 = false): Buffer {
    const descriptor = Buffer.alloc(zip64 ? 24 : 16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(crc32(before), 4);
    if (zip64) {
      descriptor.writeBigUInt64LE(BigInt(before.length), 8);
      descriptor.writeBigUInt64LE(BigInt(before.length), 16);
    } else {
      descriptor.writeUInt32LE(before.length, 8);
      descriptor.writeUInt32LE(before.length, 12);
    }
    return descriptor;
  }

  it('keeps the CRC-32 of the data however it is cut, and finds nothing in data without a lookalike', () => {
    const signature = Buffer.from('PK\x07\x08', 'latin1');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat({ max: 300 }), { maxLength: 8 }), fc.nat({ max: 300 }), (bytes, cuts, at) => {
        // A signature with a wrong CRC-32 after it is no lookalike.
        const data = Buffer.concat([Buffer.from(bytes).subarray(0, at), signature, Buffer.alloc(12, 0xee), Buffer.from(bytes).subarray(at)]);
        expect(scan(data, cuts)).toEqual({ found: null, crc: crc32(data) >>> 0 });
      }),
      { seed: 20260105, numRuns: 300 },
    );
  });

  it('finds a lookalike (4- or 8-byte sizes) wherever the data is cut', () => {
    for (const zip64 of [false, true]) {
      const before = randomBytes(40);
      const data = Buffer.concat([before, lookalike(before, zip64), randomBytes(30)]);
      for (let cut = 0; cut <= data.length; cut += 1) expect(scan(data, [cut]).found).toBe(40);
      expect(
        scan(
          data,
          Array.from({ length: data.length }, (_, i) => i),
        ).found,
      ).toBe(40);
    }
  });

  it('takes time linear in the data, however many signatures it holds', () => {
    const data = Buffer.alloc(8 * 1024 * 1024, Buffer.from('PK\x07\x08', 'latin1'));
    const started = performance.now();
    expect(scan(data, [1024 * 1024, 3 * 1024 * 1024 + 1]).found).toBeNull();
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

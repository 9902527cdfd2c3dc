import { crc32 } from 'node:zlib';
import { CustodianError } from '../../../shared/errors';

// The zip's layout, checked strictly before the central directory is trusted. Zip readers find
// entries in different ways: yauzl (and this verifier) from the offsets the end record and the
// central directory give; unzip, Python's zipfile and bsdtar from where the central directory
// must lie given its size (correcting every offset by the "extra bytes" they find before it);
// streaming extractors (`cat p.zip | bsdtar -xf -`) from the local headers, front to back. They
// agree only on a zip with no room for a second reading: the end record is the last 22 bytes,
// the central directory ends where the end records begin and holds exactly its records, the
// first entry starts at byte 0 and each entry (local header, data, data descriptor) ends exactly
// where the next begins, the last where the central directory begins. yazl writes such zips.

/** Reads exactly `length` bytes at `position`. @throws Error if the file ends first. */
export type ReadAt = (position: number, length: number) => Promise<Buffer>;

/** What the end records say, once they are consistent. */
export interface ZipEnd {
  entryCount: number;
  cdOffset: number;
  cdSize: number;
}

/** A central record's view of its entry: what its local header and data must agree with. */
export interface LayoutEntry {
  /** The decoded name, for messages. */
  name: string;
  nameRaw: Buffer;
  offset: number;
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  /** The central record has a Zip64 extra field (so a data descriptor may have 8-byte sizes). */
  zip64: boolean;
}

const END_SIZE = 22;
const END_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_END_SIZE = 56;
const ZIP64_END_SIGNATURE = 0x06064b50;
const LOCAL_SIGNATURE = 0x04034b50;
const LOCAL_SIZE = 30;
const CENTRAL_SIZE = 46;
const DESCRIPTOR_SIGNATURE = 0x08074b50;
const DESCRIPTOR_FLAG = 0x8;
const ZIP64_FIELD = 0x0001;
const UNICODE_PATH_FIELD = 0x7075;
/**
 * The local extra fields allowed: Zip64 sizes, Info-ZIP's Unicode Path (which must repeat the
 * name), extended timestamp and Unix owner. Others (PKWARE's Unix field with a link target, say)
 * are what a streaming extractor, which never sees the central directory, might act on.
 */
const LOCAL_EXTRA_ALLOWED: ReadonlySet<number> = new Set([ZIP64_FIELD, UNICODE_PATH_FIELD, 0x5455, 0x7875]);
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;
const BLOCK = 64 * 1024;

function ambiguous(rule: string): CustodianError {
  return new CustodianError(
    'packet_unsafe',
    `The packet was refused before anything was unpacked: its zip layout is ambiguous: ${rule}. Other zip tools could read other files from it than the ones checked here; a packet Custodian writes never has this layout, so ask the sender for the original file.`,
  );
}

function entryUnsafe(name: string, why: string): CustodianError {
  return new CustodianError(
    'packet_unsafe',
    `The packet was refused before anything was unpacked: ${JSON.stringify(name)} ${why}. A packet Custodian writes never holds such an entry; ask the sender for the original file.`,
  );
}

function u64(buffer: Buffer, at: number): number {
  const value = buffer.readBigUInt64LE(at);
  // Beyond 2^53 no real file reaches; as a number it would compare wrongly, so it is refused.
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(value);
}

/**
 * Reads and checks the end records: the end of central directory record is exactly the last 22
 * bytes (no comment), on disk 0, its two entry counts equal; Zip64 end records are present
 * exactly when one of its fields is saturated, lie just before it and agree with every field that
 * is not; the central directory ends exactly where the end records begin.
 * @throws CustodianError('packet_unsafe') naming the rule broken.
 */
export async function readZipEnd(readAt: ReadAt, fileSize: number): Promise<ZipEnd> {
  if (fileSize < END_SIZE) throw ambiguous('it is shorter than an end of central directory record');
  const endAt = fileSize - END_SIZE;
  const end = await readAt(endAt, END_SIZE);
  if (end.readUInt32LE(0) !== END_SIGNATURE || end.readUInt16LE(20) !== 0) {
    throw ambiguous('the end of central directory record is not the last 22 bytes of the file (a zip comment, or bytes after it)');
  }
  if (end.readUInt16LE(4) !== 0 || end.readUInt16LE(6) !== 0) throw ambiguous('the end record names another disk (a split zip)');
  const count16 = end.readUInt16LE(10);
  if (end.readUInt16LE(8) !== count16) throw ambiguous("the end record's two entry counts disagree");
  const size32 = end.readUInt32LE(12);
  const offset32 = end.readUInt32LE(16);
  const needsZip64 = count16 === U16_MAX || size32 === U32_MAX || offset32 === U32_MAX;
  const locatorAt = endAt - ZIP64_LOCATOR_SIZE;
  const hasLocator = locatorAt >= 0 && (await readAt(locatorAt, 4)).readUInt32LE(0) === ZIP64_LOCATOR_SIGNATURE;

  let zipEnd: ZipEnd;
  let cdEnd: number;
  if (!needsZip64) {
    // Python and unzip take a Zip64 locator wherever they find one, needed or not.
    if (hasLocator) throw ambiguous('it has a Zip64 end record locator that the end record does not need');
    zipEnd = { entryCount: count16, cdOffset: offset32, cdSize: size32 };
    cdEnd = endAt;
  } else {
    if (!hasLocator) throw ambiguous('the end record calls for Zip64 end records and there are none');
    const locator = await readAt(locatorAt, ZIP64_LOCATOR_SIZE);
    const recordAt = locatorAt - ZIP64_END_SIZE;
    if (locator.readUInt32LE(4) !== 0 || locator.readUInt32LE(16) !== 1) throw ambiguous('the Zip64 locator names another disk (a split zip)');
    if (recordAt < 0 || u64(locator, 8) !== recordAt) throw ambiguous('the Zip64 end record does not lie just before its locator');
    const record = await readAt(recordAt, ZIP64_END_SIZE);
    if (record.readUInt32LE(0) !== ZIP64_END_SIGNATURE || u64(record, 4) !== ZIP64_END_SIZE - 12) {
      throw ambiguous('the Zip64 end record is not one (or has an extensible data sector)');
    }
    if (record.readUInt32LE(16) !== 0 || record.readUInt32LE(20) !== 0) throw ambiguous('the Zip64 end record names another disk (a split zip)');
    const count64 = u64(record, 32);
    zipEnd = { entryCount: count64, cdSize: u64(record, 40), cdOffset: u64(record, 48) };
    if (
      u64(record, 24) !== count64 ||
      (count16 !== U16_MAX && count16 !== zipEnd.entryCount) ||
      (size32 !== U32_MAX && size32 !== zipEnd.cdSize) ||
      (offset32 !== U32_MAX && offset32 !== zipEnd.cdOffset)
    ) {
      throw ambiguous('the Zip64 end record and the end record disagree');
    }
    cdEnd = recordAt;
  }
  // Readers that correct for "extra bytes" look for the central directory where it must end.
  if (zipEnd.cdOffset + zipEnd.cdSize !== cdEnd) {
    throw ambiguous(
      `the central directory does not end where the end record begins (it is declared at bytes ${String(zipEnd.cdOffset)} to ${String(zipEnd.cdOffset + zipEnd.cdSize)}, the end record begins at ${String(cdEnd)}): unzip and Python would look for another central directory`,
    );
  }
  if (zipEnd.entryCount * CENTRAL_SIZE > zipEnd.cdSize) throw ambiguous('the end record counts more entries than its central directory can hold');
  return zipEnd;
}

/**
 * Checks that the central directory holds exactly the records read from it and nothing more.
 * `recordLengths`: each record's 46 + name + extra field + comment bytes.
 * @throws CustodianError('packet_unsafe').
 */
export function checkCentralDirectorySize(recordLengths: readonly number[], end: ZipEnd): void {
  const total = recordLengths.reduce((sum, length) => sum + length, 0);
  if (recordLengths.length !== end.entryCount || total !== end.cdSize) {
    throw ambiguous(
      `the central directory records add up to ${String(total)} bytes, not the ${String(end.cdSize)} the end record declares (bytes that readers which read the directory by its size would take for more entries)`,
    );
  }
}

/** Positional reads through a 64 KiB window: consecutive small headers cost one read. */
class WindowReader {
  private window: Buffer = Buffer.alloc(0);
  private start = 0;

  constructor(
    private readonly readAt: ReadAt,
    /** Nothing at or past this offset is an entry's. */
    private readonly limit: number,
  ) {}

  /** `length` bytes at `position`, or null if they would reach past the limit. */
  async read(position: number, length: number): Promise<Buffer | null> {
    if (position + length > this.limit) return null;
    const from = position - this.start;
    if (from >= 0 && from + length <= this.window.length) return this.window.subarray(from, from + length);
    this.window = await this.readAt(position, Math.min(Math.max(length, BLOCK), this.limit - position));
    this.start = position;
    return this.window.subarray(0, length);
  }
}

/** The extra fields of a local header; null if they do not exactly fill it. */
function extraFields(extra: Buffer): Map<number, Buffer> | null {
  const fields = new Map<number, Buffer>();
  let at = 0;
  while (at < extra.length) {
    if (at + 4 > extra.length) return null;
    const id = extra.readUInt16LE(at);
    const size = extra.readUInt16LE(at + 2);
    if (at + 4 + size > extra.length || fields.has(id)) return null;
    fields.set(id, extra.subarray(at + 4, at + 4 + size));
    at += 4 + size;
  }
  return fields;
}

/**
 * Checks an entry's local header against its central record.
 * @returns its length (header, name, extra field) and whether it has a Zip64 field.
 * @throws CustodianError('packet_unsafe') naming what differs.
 */
async function checkLocalHeader(reader: WindowReader, entry: LayoutEntry): Promise<{ length: number; zip64: boolean }> {
  const disagrees = (what: string): CustodianError => entryUnsafe(entry.name, `has a local header that disagrees with the central directory (${what})`);
  const header = await reader.read(entry.offset, LOCAL_SIZE);
  if (header?.readUInt32LE(0) !== LOCAL_SIGNATURE) throw entryUnsafe(entry.name, 'has no local header where the central directory says it starts');
  const nameLength = header.readUInt16LE(26);
  const extraLength = header.readUInt16LE(28);
  const rest = await reader.read(entry.offset + LOCAL_SIZE, nameLength + extraLength);
  if (!rest) throw entryUnsafe(entry.name, 'runs into the central directory');
  if (header.readUInt16LE(6) !== entry.flags) throw disagrees('flags');
  if (header.readUInt16LE(8) !== entry.method) throw disagrees('compression method');
  if (!rest.subarray(0, nameLength).equals(entry.nameRaw)) throw disagrees('name');
  const fields = extraFields(rest.subarray(nameLength));
  if (!fields) throw disagrees('a malformed or repeated extra field');
  const foreign = [...fields.keys()].find((id) => !LOCAL_EXTRA_ALLOWED.has(id));
  if (foreign !== undefined) {
    throw entryUnsafe(entry.name, `has a local extra field of kind 0x${foreign.toString(16).padStart(4, '0')}, which streaming extractors may act on`);
  }
  const unicodePath = fields.get(UNICODE_PATH_FIELD);
  // Streaming extractors take the local header's Info-ZIP Unicode Path as the name.
  if (unicodePath && (unicodePath.length < 5 || !unicodePath.subarray(5).equals(entry.nameRaw))) throw disagrees('a second name in a Unicode Path field');
  let compressedSize = header.readUInt32LE(18);
  let uncompressedSize = header.readUInt32LE(22);
  const zip64 = fields.get(ZIP64_FIELD);
  if (zip64 && (compressedSize === U32_MAX || uncompressedSize === U32_MAX)) {
    if (zip64.length < 16) throw disagrees('a short Zip64 field');
    uncompressedSize = u64(zip64, 0);
    compressedSize = u64(zip64, 8);
  }
  const crc = header.readUInt32LE(14);
  const stated = crc === entry.crc32 && compressedSize === entry.compressedSize && uncompressedSize === entry.uncompressedSize;
  const deferred = (entry.flags & DESCRIPTOR_FLAG) !== 0;
  // With a data descriptor the local header may leave CRC and sizes zero (yazl does); else they are the central record's.
  if (!stated && !(deferred && crc === 0 && compressedSize === 0 && uncompressedSize === 0)) throw disagrees('CRC-32 or sizes');
  return { length: LOCAL_SIZE + nameLength + extraLength, zip64: zip64 !== undefined };
}

/** The data descriptor's length at `at`: with or without its signature, 4- or 8-byte sizes. */
async function descriptorLength(reader: WindowReader, at: number, entry: LayoutEntry, zip64: boolean): Promise<number> {
  const lengths = zip64 ? [24, 20] : [16, 12];
  for (const length of lengths) {
    const bytes = await reader.read(at, length);
    if (!bytes) continue;
    const signed = length === 16 || length === 24;
    if (signed && bytes.readUInt32LE(0) !== DESCRIPTOR_SIGNATURE) continue;
    const base = signed ? 4 : 0;
    const compressed = zip64 ? u64(bytes, base + 4) : bytes.readUInt32LE(base + 4);
    const uncompressed = zip64 ? u64(bytes, base + 12) : bytes.readUInt32LE(base + 8);
    if (bytes.readUInt32LE(base) === entry.crc32 && compressed === entry.compressedSize && uncompressed === entry.uncompressedSize) return length;
  }
  throw entryUnsafe(entry.name, 'has a data descriptor that disagrees with the central directory (or none)');
}

/**
 * Checks that the entries tile the file from byte 0 to the central directory: in offset order,
 * each local header agrees with its central record (flags, method, name, CRC-32 and sizes) and
 * each entry (local header, name, extra field, data, data descriptor if flagged) ends exactly
 * where the next begins, the last where the central directory begins. Reads the local headers
 * and data descriptors only, never the entries' data.
 * @throws CustodianError('packet_unsafe') naming the entry or the gap.
 */
export async function checkEntryLayout(readAt: ReadAt, entries: readonly LayoutEntry[], cdOffset: number): Promise<void> {
  const reader = new WindowReader(readAt, cdOffset);
  const sorted = [...entries].sort((a, b) => a.offset - b.offset);
  let expected = 0;
  let previous: string | null = null;
  for (const entry of sorted) {
    if (entry.offset !== expected) {
      if (previous === null) {
        throw ambiguous(
          `${String(entry.offset)} bytes lie before the first entry (a prefix, or an entry no central record lists, which streaming extractors would read)`,
        );
      }
      throw entry.offset > expected
        ? ambiguous(
            `${String(entry.offset - expected)} unlisted bytes lie between ${JSON.stringify(previous)} and ${JSON.stringify(entry.name)} (an entry no central record lists, which streaming extractors would write)`,
          )
        : entryUnsafe(entry.name, `overlaps ${JSON.stringify(previous)}`);
    }
    const local = await checkLocalHeader(reader, entry);
    let end = entry.offset + local.length + entry.compressedSize;
    if (end > cdOffset) throw entryUnsafe(entry.name, 'runs into the central directory');
    if ((entry.flags & DESCRIPTOR_FLAG) !== 0) end += await descriptorLength(reader, end, entry, entry.zip64 || local.zip64);
    expected = end;
    previous = entry.name;
  }
  if (expected !== cdOffset) {
    throw ambiguous(
      `${String(cdOffset - expected)} unlisted bytes between the last entry and the central directory (an entry no central record lists, which streaming extractors would write)`,
    );
  }
}

const DESCRIPTOR_BYTES = Buffer.from([0x50, 0x4b, 0x07, 0x08]);
/** Bytes kept from one chunk to the next: a 24-byte descriptor may straddle them. */
const CARRY = 23;

/**
 * The data of a stored entry with a data descriptor, scanned as it streams past. Such an entry's
 * local header gives no length, so a streaming extractor (libarchive: `cat p.zip | bsdtar -xf -`)
 * ends the entry at the first data descriptor that fits (its signature, then the CRC-32 and count
 * of the bytes before it), and reads what follows as further entries: a file that holds such a
 * lookalike smuggles entries past every manifest. Also keeps the CRC-32 of all data fed, with no
 * second pass over it. Linear in the data, however many signatures it holds.
 */
export class StoredDataScan {
  private carry: Buffer = Buffer.alloc(0);
  /** CRC-32 of the data before `carry`, and where `carry` starts in the data. */
  private carryCrc = 0;
  private carryAt = 0;

  /** Feeds the next chunk. @returns the offset in the data of a descriptor lookalike, or null. */
  update(chunk: Buffer): number | null {
    const window = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    let crcAt = 0;
    let crc = this.carryCrc;
    for (let at = window.indexOf(DESCRIPTOR_BYTES); at >= 0 && at + 16 <= window.length; at = window.indexOf(DESCRIPTOR_BYTES, at + 1)) {
      crc = crc32(window.subarray(crcAt, at), crc);
      crcAt = at;
      const offset = this.carryAt + at;
      if (window.readUInt32LE(at + 4) !== crc >>> 0) continue;
      if (window.readUInt32LE(at + 8) === offset % 2 ** 32) return offset;
      if (at + 24 <= window.length && window.readBigUInt64LE(at + 8) === BigInt(offset)) return offset;
    }
    const kept = Math.min(CARRY, window.length);
    this.carryCrc = crc32(window.subarray(0, window.length - kept), this.carryCrc);
    this.carryAt += window.length - kept;
    this.carry = Buffer.from(window.subarray(window.length - kept));
    return null;
  }

  /** CRC-32 of all the data fed. */
  get crc32(): number {
    return crc32(this.carry, this.carryCrc) >>> 0;
  }
}

/** The error for a lookalike StoredDataScan found. */
export function smuggledEntry(name: string, offset: number): CustodianError {
  return entryUnsafe(
    name,
    `holds a data descriptor lookalike at byte ${String(offset)}: a streaming extractor (bsdtar -xf -) would end the entry there and read the rest as entries no manifest lists`,
  );
}

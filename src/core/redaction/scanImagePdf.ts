import type { Readable } from 'node:stream';
import { inflateSync } from 'node:zlib';
import { KEPT_TEXT_FONT } from './keptText';
import { MAX_PAGE_PIXELS } from './rasterPage';

/**
 * The longest run of text the scan reads before it gives up: a dictionary, a content stream, the
 * page tree's /Kids (10 bytes a page) and the cross-reference table (80 bytes a page).
 */
const MAX_TEXT = 16 * 1024 * 1024;
/** The largest page image read whole for its segment walk (a 64-megapixel page is far less). */
const MAX_IMAGE = 256 * 1024 * 1024;

/** What the scan found, for the caller to compare with what it expected. */
export interface ImagePdfShape {
  pages: number;
  images: number;
}

/** Reads a byte stream in order: lines, exact strings, and runs of bytes; knows its position. */
class ByteReader {
  private buffer: Buffer = Buffer.alloc(0);
  private done = false;
  /** Where `buffer` begins in the stream. */
  private offset = 0;

  constructor(private readonly chunks: AsyncIterator<Buffer>) {}

  get position(): number {
    return this.offset;
  }

  /** Reads the next non-empty chunk into the buffer; false at the end of the stream. */
  private async more(): Promise<boolean> {
    while (!this.done) {
      const next = await this.chunks.next();
      if (next.done) this.done = true;
      else if (next.value.length > 0) {
        this.buffer = this.buffer.length === 0 ? next.value : Buffer.concat([this.buffer, next.value]);
        return true;
      }
    }
    return false;
  }

  private drop(length: number): void {
    this.buffer = this.buffer.subarray(length);
    this.offset += length;
  }

  /** The text up to (not including) `marker`, which is consumed; null at the end of the stream. */
  async upTo(marker: string): Promise<string | null> {
    const needle = Buffer.from(marker, 'latin1');
    for (;;) {
      const at = this.buffer.indexOf(needle);
      if (at >= 0) {
        const text = this.buffer.toString('latin1', 0, at);
        this.drop(at + needle.length);
        return text;
      }
      if (this.buffer.length > MAX_TEXT || !(await this.more())) return null;
    }
  }

  /** The next `length` bytes (a copy), or null if the stream ends first. */
  async take(length: number): Promise<Buffer | null> {
    while (this.buffer.length < length) if (!(await this.more())) return null;
    const bytes = Buffer.from(this.buffer.subarray(0, length));
    this.drop(length);
    return bytes;
  }

  async atEnd(): Promise<boolean> {
    return this.buffer.length === 0 && !(await this.more());
  }
}

const IMAGE =
  /^<< \/Type \/XObject \/Subtype \/Image \/Width (\d+) \/Height (\d+) \/ColorSpace \/Device(?:RGB|Gray|CMYK) \/BitsPerComponent 8(?: \/Decode \[1 0 1 0 1 0 1 0\])? \/Filter \/DCTDecode \/Length (\d+) >>$/;
const GRAY_IMAGE =
  /^<< \/Type \/XObject \/Subtype \/Image \/Width (\d+) \/Height (\d+) \/ColorSpace \/DeviceGray \/BitsPerComponent 8 \/Filter \/FlateDecode \/Length (\d+) >>$/;
const CONTENT = /^<< \/Length (\d+) >>$/;
const NUMBER = String.raw`\d+(?:\.\d+)?`;
const PAGE = new RegExp(
  String.raw`^<< /Type /Page /Parent 2 0 R /MediaBox \[0 0 ${NUMBER} ${NUMBER}\] /Resources << /XObject << /Im0 (\d+) 0 R >>(?: /Font << /F0 (\d+) 0 R >>)? >> /Contents (\d+) 0 R >>$`,
);
const PAGES = /^<< \/Type \/Pages \/Kids \[((?:\d+ 0 R ?)+)\] \/Count (\d+) >>$/;
const CATALOG = '<< /Type /Catalog /Pages 2 0 R >>';
const SIGNED = String.raw`-?\d+(?:\.\d+)?`;
/** One kept word as keptTextContent writes it: font and size, squeeze, move there, show, move back. */
const KEPT_WORD = String.raw`/F0 ${NUMBER} Tf\n${NUMBER} Tz\n${SIGNED} ${SIGNED} Td\n<[0-9A-Fa-f]*> Tj\n${SIGNED} ${SIGNED} Td\n`;
/**
 * The content stream of a page: its image over the page, then at most a kept text layer of
 * invisible words (keptTextContent's operators exactly; what they show is read by pdf.js).
 */
const CONTENT_TEXT = new RegExp(String.raw`^q\n${NUMBER} 0 0 ${NUMBER} 0 0 cm\n/Im0 Do\nQ\n(?:q\nBT\n3 Tr\n(?:${KEPT_WORD})*ET\nQ\n)?$`);

/**
 * Reads a redacted PDF back from its bytes, in order, as ImagePdfWriter's grammar and nothing
 * more: a header; objects that are each a JPEG image, a page's content stream, a page, the page
 * tree, the catalog or the kept text's font; then the cross-reference table and a trailer naming
 * the catalog alone (no /Info, no /Encrypt, no /ID). A page image is a JPEG (segments walked) or
 * deflated 8-bit gray (inflated: exactly its pixels). Anything else (a string in a dictionary, a
 * metadata or attachment stream, an annotation, an action, an object stream, an incremental
 * update, bytes in a page image beyond its JPEG segments or its zlib stream, a cross-reference entry that points
 * anywhere but where its object begins) fails the scan, as does a redacted term in any
 * dictionary or content stream (what a kept word shows is hex: pdf.js reads those).
 * Memory: one object at a time (a page image is read whole for its segment walk).
 *
 * @returns the page and image counts, or the reason the file is not what it must be.
 */
export async function scanImagePdf(stream: Readable, terms: readonly string[]): Promise<ImagePdfShape | { refused: string }> {
  const reader = new ByteReader(stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>);
  const needles = terms.map((t) => t.toLowerCase());
  const holdsTerm = (text: string): boolean => {
    const lower = text.toLowerCase();
    return needles.some((n) => lower.includes(n));
  };
  const header = await reader.upTo('\n');
  if (header !== '%PDF-1.7' || (await reader.upTo('\n')) !== '%\u00e2\u00e3\u00cf\u00d3') return { refused: 'its header is not a PDF 1.7 header' };

  const kinds = new Map<number, string>();
  /** Where each object begins: the cross-reference table must say exactly this. */
  const offsets = new Map<number, number>();
  let xrefAt = -1;
  const pageParts = new Map<number, { image: number; content: number; font: number | null }>();
  let kids: number[] = [];
  for (let index = 1; ; index++) {
    const at = reader.position;
    const opening = await reader.upTo('\n');
    if (opening === null) return { refused: 'it ends inside its objects' };
    if (opening === 'xref') {
      xrefAt = at;
      break;
    }
    const match = /^(\d+) 0 obj$/.exec(opening);
    if (!match) return { refused: `object ${index} does not begin as an object` };
    const number = Number(match[1]);
    if (kinds.has(number) || offsets.has(number)) return { refused: `object ${number} is written twice` };
    offsets.set(number, at);
    const body = await reader.upTo('\n');
    if (body === null) return { refused: `object ${number} is cut short` };
    const after = await reader.upTo('\n');
    if (holdsTerm(body)) return { refused: 'a redacted term is still in its bytes' };
    if (after === 'stream') {
      const jpegImage = IMAGE.exec(body);
      const grayImage = jpegImage ? null : GRAY_IMAGE.exec(body);
      const image = jpegImage ?? grayImage;
      const length = Number(image ? image[3] : (CONTENT.exec(body)?.[1] ?? NaN));
      if (!Number.isSafeInteger(length)) return { refused: `object ${number} is a stream that is neither a page image nor page content` };
      if (image) {
        if (length > MAX_IMAGE) return { refused: `image ${number} is larger than any page image` };
        const data = await reader.take(length);
        if (!data) return { refused: `image ${number} is cut short` };
        const [width, height] = [Number(image[1]), Number(image[2])];
        const why = jpegImage ? jpegRefusal(data, width, height) : grayRefusal(data, width, height);
        if (why) return { refused: `image ${number} ${why}` };
        kinds.set(number, 'image');
      } else {
        const content = await reader.upTo('\nendstream');
        if (content === null || Buffer.byteLength(content, 'latin1') !== length) return { refused: `the content stream ${number} does not match its length` };
        if (!CONTENT_TEXT.test(content) || holdsTerm(content)) return { refused: `the content stream ${number} draws more than its page image and kept words` };
        kinds.set(number, 'content');
        if ((await reader.upTo('\n')) !== '') return { refused: `object ${number} is not closed` };
      }
      if (kinds.get(number) === 'image' && (await reader.upTo('\n')) !== '') return { refused: `object ${number} is not closed` };
      if (kinds.get(number) === 'image' && (await reader.upTo('\n')) !== 'endstream') return { refused: `object ${number} is not closed` };
      if ((await reader.upTo('\n')) !== 'endobj') return { refused: `object ${number} is not closed` };
      continue;
    }
    if (after !== 'endobj') return { refused: `object ${number} is not closed` };
    const page = PAGE.exec(body);
    const pages = PAGES.exec(body);
    if (page) {
      kinds.set(number, 'page');
      pageParts.set(number, { image: Number(page[1]), font: page[2] === undefined ? null : Number(page[2]), content: Number(page[3]) });
    } else if (pages && number === 2) {
      kinds.set(number, 'pages');
      kids = (pages[1] ?? '')
        .trim()
        .split(/ 0 R ?/)
        .filter(Boolean)
        .map(Number);
      if (kids.length !== Number(pages[2])) return { refused: 'its page tree miscounts its pages' };
      if (new Set(kids).size !== kids.length) return { refused: 'its page tree lists a page twice' };
    } else if (body === CATALOG && number === 1) kinds.set(number, 'catalog');
    else if (body === KEPT_TEXT_FONT) kinds.set(number, 'font');
    else return { refused: `object ${number} is not part of a page-image PDF` };
  }

  // Every part where it belongs: each page's image, content and font are objects of that kind,
  // used by one page only; the tree lists exactly the pages.
  if (kinds.get(1) !== 'catalog' || kinds.get(2) !== 'pages') return { refused: 'it has no catalog or page tree' };
  const used = new Set<number>();
  for (const [number, parts] of pageParts) {
    if (kinds.get(parts.image) !== 'image' || kinds.get(parts.content) !== 'content')
      return { refused: `page ${number} does not name its own image and content` };
    if (parts.font !== null && kinds.get(parts.font) !== 'font') return { refused: `page ${number} names a font that is not the kept text's` };
    for (const part of [parts.image, parts.content]) {
      if (used.has(part)) return { refused: `object ${part} is shared by two pages` };
      used.add(part);
    }
  }
  if (kids.length !== pageParts.size || kids.some((kid) => !pageParts.has(kid))) return { refused: 'its page tree does not list exactly its pages' };
  const unused = [...kinds].find(([number, kind]) => (kind === 'image' || kind === 'content') && !used.has(number));
  if (unused) return { refused: `object ${unused[0]} belongs to no page` };

  // Objects 1..N, none missing; then the cross-reference table, entry for entry where each object
  // begins (a reader follows the table, not the file's order: an entry pointing elsewhere, say
  // into an image's bytes, would show the reader an object this scan never saw), and a trailer
  // naming the catalog alone.
  const count = offsets.size + 1;
  if ([...offsets.keys()].some((number) => number < 1 || number >= count)) return { refused: 'its objects are not numbered 1 to N' };
  const tail = await reader.upTo('%%EOF\n');
  if (tail === null || !(await reader.atEnd())) return { refused: 'it does not end with one cross-reference table and trailer' };
  const table = /^0 (\d+)\n((?:\d{10} \d{5} [nf]\r\n)+)trailer\n<< \/Size (\d+) \/Root 1 0 R >>\nstartxref\n(\d+)\n$/.exec(tail);
  if (!table || Number(table[1]) !== count || Number(table[3]) !== count || Number(table[4]) !== xrefAt) {
    return { refused: 'its cross-reference table or trailer holds more than its objects and catalog' };
  }
  const entries = (table[2] ?? '').split('\r\n').slice(0, -1);
  if (entries.length !== count || entries[0] !== '0000000000 65535 f') return { refused: 'its cross-reference table does not list its objects' };
  for (let number = 1; number < count; number++) {
    if (entries[number] !== `${String(offsets.get(number)).padStart(10, '0')} 00000 n`) {
      return { refused: `its cross-reference table does not point at object ${number}` };
    }
  }
  return { pages: pageParts.size, images: [...kinds.values()].filter((k) => k === 'image').length };
}

/**
 * Why a deflated gray page image is not exactly `width` x `height` pixels and nothing else, or
 * null: it must inflate to that many bytes, its zlib stream must end where the PDF stream ends
 * (nothing hidden after it). The pixels are inflated whole: at most MAX_PAGE_PIXELS bytes, the
 * raster bound.
 */
function grayRefusal(data: Buffer, width: number, height: number): string | null {
  const pixels = width * height;
  if (pixels > MAX_PAGE_PIXELS) return 'is larger than any page image';
  let inflated: { buffer: Buffer; engine: { bytesWritten: number } };
  try {
    inflated = inflateSync(data, { info: true, maxOutputLength: pixels + 1, chunkSize: Math.max(64, Math.min(pixels + 1, 1 << 24)) }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
  } catch (error) {
    // More than its pixels stops the inflate at pixels + 1 bytes.
    return (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? 'is not the size its dictionary states' : 'does not inflate to its pixels';
  }
  if (inflated.buffer.length !== pixels) return 'is not the size its dictionary states';
  if (inflated.engine.bytesWritten !== data.length) return 'has bytes after its end';
  return null;
}

/** JPEG markers a page image may hold (SOI, EOI and RSTn aside): SOF0-2, DHT, DQT, DRI, SOS and APP0 (JFIF). */
function allowedMarker(marker: number): boolean {
  return (marker >= 0xc0 && marker <= 0xc2) || marker === 0xc4 || marker === 0xdb || marker === 0xdd || marker === 0xda || marker === 0xe0;
}

/**
 * Why a page image is not a plain JPEG of the stated size, or null: it must walk from SOI to an
 * EOI that ends the stream, through allowed segments only (no comment, no EXIF/XMP/ICC or other
 * APPn that could carry text), with a frame of exactly /Width x /Height. Entropy-coded data is
 * pixels and is not read.
 */
function jpegRefusal(jpeg: Buffer, width: number, height: number): string | null {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) return 'is not a JPEG';
  let at = 2;
  let frames = 0;
  while (at + 2 <= jpeg.length) {
    if (jpeg[at] !== 0xff) return 'has bytes between its segments';
    const marker = jpeg[at + 1] ?? 0;
    if (marker === 0xd9) return at + 2 === jpeg.length ? (frames === 1 ? null : 'has no single frame') : 'has bytes after its end';
    if (!allowedMarker(marker)) return `holds a segment (0xFF${marker.toString(16).toUpperCase()}) that is not part of a plain JPEG`;
    if (at + 4 > jpeg.length) break;
    const length = jpeg.readUInt16BE(at + 2);
    if (length < 2 || at + 2 + length > jpeg.length) return 'has a segment that runs past its end';
    if (marker >= 0xc0 && marker <= 0xc2) {
      frames++;
      if (jpeg.readUInt16BE(at + 5) !== height || jpeg.readUInt16BE(at + 7) !== width) return 'is not the size its dictionary states';
    }
    at += 2 + length;
    if (marker === 0xda) {
      // Entropy-coded data runs to the next marker that is not a stuffed 0xFF00 or a restart marker.
      while (at + 1 < jpeg.length && !(jpeg[at] === 0xff && jpeg[at + 1] !== 0 && !((jpeg[at + 1] ?? 0) >= 0xd0 && (jpeg[at + 1] ?? 0) <= 0xd7))) at++;
    }
  }
  return 'has no end';
}

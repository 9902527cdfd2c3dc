import type { Readable } from 'node:stream';
import { KEPT_TEXT_FONT } from './keptText';

/** The longest dictionary or line the scan reads before it gives up (a page's /Kids list aside). */
const MAX_TEXT = 1024 * 1024;

/** What the scan found, for the caller to compare with what it expected. */
export interface ImagePdfShape {
  pages: number;
  images: number;
}

/** Reads a byte stream in order: lines, exact strings, and runs of bytes to skip. */
class ByteReader {
  private buffer: Buffer = Buffer.alloc(0);
  private done = false;

  constructor(private readonly chunks: AsyncIterator<Buffer>) {}

  private async more(): Promise<boolean> {
    if (this.done) return false;
    const next = await this.chunks.next();
    if (next.done) {
      this.done = true;
      return false;
    }
    this.buffer = this.buffer.length === 0 ? next.value : Buffer.concat([this.buffer, next.value]);
    return true;
  }

  /** The text up to (not including) `marker`, which is consumed; null at the end of the stream. */
  async upTo(marker: string): Promise<string | null> {
    const needle = Buffer.from(marker, 'latin1');
    for (;;) {
      const at = this.buffer.indexOf(needle);
      if (at >= 0) {
        const text = this.buffer.toString('latin1', 0, at);
        this.buffer = this.buffer.subarray(at + needle.length);
        return text;
      }
      if (this.buffer.length > MAX_TEXT || !(await this.more())) return null;
    }
  }

  async skip(length: number): Promise<boolean> {
    let left = length;
    for (;;) {
      const take = Math.min(left, this.buffer.length);
      this.buffer = this.buffer.subarray(take);
      left -= take;
      if (left === 0) return true;
      if (!(await this.more())) return false;
    }
  }

  async atEnd(): Promise<boolean> {
    return this.buffer.length === 0 && !(await this.more());
  }
}

const IMAGE =
  /^<< \/Type \/XObject \/Subtype \/Image \/Width \d+ \/Height \d+ \/ColorSpace \/Device(?:RGB|Gray|CMYK) \/BitsPerComponent 8(?: \/Decode \[1 0 1 0 1 0 1 0\])? \/Filter \/DCTDecode \/Length (\d+) >>$/;
const CONTENT = /^<< \/Length (\d+) >>$/;
const NUMBER = String.raw`\d+(?:\.\d+)?`;
const PAGE = new RegExp(
  String.raw`^<< /Type /Page /Parent 2 0 R /MediaBox \[0 0 ${NUMBER} ${NUMBER}\] /Resources << /XObject << /Im0 (\d+) 0 R >>(?: /Font << /F0 (\d+) 0 R >>)? >> /Contents (\d+) 0 R >>$`,
);
const PAGES = /^<< \/Type \/Pages \/Kids \[((?:\d+ 0 R ?)+)\] \/Count (\d+) >>$/;
const CATALOG = '<< /Type /Catalog /Pages 2 0 R >>';
/** The content stream of a page: its image over the page, then at most a kept text layer (BT ... ET, read by pdf.js). */
const CONTENT_TEXT = new RegExp(String.raw`^q\n${NUMBER} 0 0 ${NUMBER} 0 0 cm\n/Im0 Do\nQ\n(?:q\nBT\n[^]*\nET\nQ\n)?$`);

/**
 * Reads a redacted PDF back from its bytes, in order, as ImagePdfWriter's grammar and nothing
 * more: a header; objects that are each a JPEG image, a page's content stream, a page, the page
 * tree, the catalog or the kept text's font; then the cross-reference table and a trailer naming
 * the catalog alone (no /Info, no /Encrypt, no /ID). Anything else (a string in a dictionary, a
 * metadata or attachment stream, an annotation, an action, an object stream, an incremental
 * update) fails the scan, as does a redacted term in any byte outside the images' pixel data.
 * Memory: one object's dictionary at a time; image data is skipped by its /Length.
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
  const pageParts = new Map<number, { image: number; content: number; font: number | null }>();
  let kids: number[] = [];
  for (let index = 1; ; index++) {
    const opening = await reader.upTo('\n');
    if (opening === null) return { refused: 'it ends inside its objects' };
    if (opening === 'xref') break;
    const match = /^(\d+) 0 obj$/.exec(opening);
    if (!match) return { refused: `object ${index} does not begin as an object` };
    const number = Number(match[1]);
    if (kinds.has(number)) return { refused: `object ${number} is written twice` };
    const body = await reader.upTo('\n');
    if (body === null) return { refused: `object ${number} is cut short` };
    const after = await reader.upTo('\n');
    if (holdsTerm(body)) return { refused: 'a redacted term is still in its bytes' };
    if (after === 'stream') {
      const length = Number((IMAGE.exec(body) ?? CONTENT.exec(body))?.[1] ?? NaN);
      if (!Number.isSafeInteger(length)) return { refused: `object ${number} is a stream that is neither a page image nor page content` };
      if (IMAGE.test(body)) {
        if (!(await reader.skip(length))) return { refused: `image ${number} is cut short` };
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

  // The cross-reference table and the trailer: the catalog and nothing else.
  const tail = await reader.upTo('%%EOF\n');
  if (tail === null || !(await reader.atEnd())) return { refused: 'it does not end with one cross-reference table and trailer' };
  const trailer = /^0 (\d+)\n(?:\d{10} \d{5} [nf]\r\n)+trailer\n<< \/Size (\d+) \/Root 1 0 R >>\nstartxref\n\d+\n$/.exec(tail);
  if (!trailer || Number(trailer[1]) !== kinds.size + 1 || Number(trailer[2]) !== kinds.size + 1) {
    return { refused: 'its cross-reference table or trailer holds more than its objects and catalog' };
  }
  return { pages: pageParts.size, images: [...kinds.values()].filter((k) => k === 'image').length };
}

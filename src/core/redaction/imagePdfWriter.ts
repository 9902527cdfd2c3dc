import { JpegEmbedder } from 'pdf-lib';
import { KEPT_TEXT_FONT } from './keptText';
import type { PageImage } from './pageImage';

/** Where the PDF's bytes go, in order (an EncryptedSpill). */
export interface ByteSink {
  write(bytes: Uint8Array): Promise<void>;
}

/** The font resource name kept text is written with. */
export const KEPT_FONT_NAME = 'F0';

const CATALOG = 1;
const PAGES = 2;

/** A number as PDF writes it: no exponent, at most 4 decimals. */
function num(value: number): string {
  if (!Number.isFinite(value)) throw new Error('a PDF number must be finite');
  return String(Number(value.toFixed(4)));
}

/** The image XObject's dictionary: a JPEG's size and colours read from its own header. */
async function imageDictionary(image: PageImage): Promise<string> {
  if (image.kind === 'gray') {
    return `<< /Type /XObject /Subtype /Image /Width ${image.width} /Height ${image.height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length ${image.bytes.length} >>`;
  }
  // A copy: pdf-lib reads the JPEG through its ArrayBuffer from offset 0 (a pooled Buffer is not).
  const jpeg = await JpegEmbedder.for(new Uint8Array(image.bytes));
  // pdf-lib's ColorSpace enum is not exported; its values are the PDF names.
  const colorSpace: string = jpeg.colorSpace;
  return `<< /Type /XObject /Subtype /Image /Width ${jpeg.width} /Height ${jpeg.height} /ColorSpace /${colorSpace} /BitsPerComponent ${jpeg.bitsPerComponent}${colorSpace === 'DeviceCMYK' ? ' /Decode [1 0 1 0 1 0 1 0]' : ''} /Filter /DCTDecode /Length ${image.bytes.length} >>`;
}

/**
 * Writes a PDF of page images, one page at a time, straight to a sink: memory holds one page,
 * never the document (pdf-lib, which reads PDFs here, builds a whole document in memory before
 * saving it; a 500-page redaction at 200 DPI is about 400 MB). It writes only what a redacted
 * PDF is made of, and nothing a reader could find beyond that:
 * - a catalog and one page tree, no /Info, no XMP, no outline, names, forms or actions;
 * - per page: an image XObject (deflated 8-bit gray, or a JPEG), a content stream that draws it over the whole page
 *   (plus, optionally, kept words as invisible text), and the page (MediaBox only);
 * - with kept text, one unembedded Helvetica font object.
 * Contract: `addPage` for each page in order (awaited), then `finish`. Lengths are direct, the
 * cross-reference table is classic (no object streams), so the file reads back object by object
 * (checkRedactedPdf's scan).
 */
export class ImagePdfWriter {
  private position = 0;
  /** Byte offset of each object, by object number (1-based; 0 is the free head). */
  private readonly offsets: number[] = [0, 0, 0];
  private readonly pages: number[] = [];
  private font: number | null = null;

  private constructor(private readonly sink: ByteSink) {}

  static async start(sink: ByteSink): Promise<ImagePdfWriter> {
    const writer = new ImagePdfWriter(sink);
    // The binary comment line tells transfer tools the file is binary (PDF 32000-1, 7.5.2).
    await writer.emit(Buffer.from([...Buffer.from('%PDF-1.7\n%'), 0xe2, 0xe3, 0xcf, 0xd3, 0x0a]));
    return writer;
  }

  private async emit(bytes: Uint8Array): Promise<void> {
    await this.sink.write(bytes);
    this.position += bytes.length;
  }

  private next(): number {
    this.offsets.push(0);
    return this.offsets.length - 1;
  }

  private async object(number: number, dict: string, stream?: Uint8Array): Promise<void> {
    this.offsets[number] = this.position;
    if (!stream) {
      await this.emit(Buffer.from(`${number} 0 obj\n${dict}\nendobj\n`, 'latin1'));
      return;
    }
    await this.emit(Buffer.from(`${number} 0 obj\n${dict}\nstream\n`, 'latin1'));
    await this.emit(stream);
    await this.emit(Buffer.from('\nendstream\nendobj\n', 'latin1'));
  }

  /**
   * One page of `width` × `height` points showing `image` over all of it; `keptText` (operators
   * from keptTextContent, naming KEPT_FONT_NAME) is drawn over the image.
   */
  async addPage(width: number, height: number, image: PageImage, keptText?: string): Promise<void> {
    const imageRef = this.next();
    await this.object(imageRef, await imageDictionary(image), image.bytes);
    let fontRef: number | null = null;
    if (keptText) {
      if (this.font === null) {
        this.font = this.next();
        await this.object(this.font, KEPT_TEXT_FONT);
      }
      fontRef = this.font;
    }
    const content = Buffer.from(`q\n${num(width)} 0 0 ${num(height)} 0 0 cm\n/Im0 Do\nQ\n${keptText ? `${keptText}\n` : ''}`, 'latin1');
    const contentRef = this.next();
    await this.object(contentRef, `<< /Length ${content.length} >>`, content);
    const pageRef = this.next();
    const fonts = fontRef === null ? '' : ` /Font << /${KEPT_FONT_NAME} ${fontRef} 0 R >>`;
    await this.object(
      pageRef,
      `<< /Type /Page /Parent ${PAGES} 0 R /MediaBox [0 0 ${num(width)} ${num(height)}] /Resources << /XObject << /Im0 ${imageRef} 0 R >>${fonts} >> /Contents ${contentRef} 0 R >>`,
    );
    this.pages.push(pageRef);
  }

  /** The page tree, the catalog, the cross-reference table and the trailer. */
  async finish(): Promise<void> {
    if (this.pages.length === 0) throw new Error('a PDF needs a page');
    await this.object(PAGES, `<< /Type /Pages /Kids [${this.pages.map((p) => `${p} 0 R`).join(' ')}] /Count ${this.pages.length} >>`);
    await this.object(CATALOG, `<< /Type /Catalog /Pages ${PAGES} 0 R >>`);
    const xref = this.position;
    // Each entry is exactly 20 bytes: 10-digit offset, space, 5-digit generation, space, type, CR LF.
    const entries = this.offsets.map((offset, number) => (number === 0 ? '0000000000 65535 f\r\n' : `${String(offset).padStart(10, '0')} 00000 n\r\n`));
    await this.emit(Buffer.from(`xref\n0 ${this.offsets.length}\n${entries.join('')}`, 'latin1'));
    await this.emit(Buffer.from(`trailer\n<< /Size ${this.offsets.length} /Root ${CATALOG} 0 R >>\nstartxref\n${xref}\n%%EOF\n`, 'latin1'));
  }
}

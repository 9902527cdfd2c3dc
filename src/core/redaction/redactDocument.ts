import { Readable } from 'node:stream';
import { CustodianError } from '../../shared/errors';
import { imageKind, redactImage } from './redactImage';
import type { RedactionReport, RedactOptions } from './redactPdf';
import { redactPdfToSpill } from './redactPdf';

export type RedactedFormat = 'pdf' | 'png' | 'jpeg';

/** A checked redacted file: read it once with `stream`, then `dispose` (always, also on failure). */
export interface RedactedOutput {
  readonly size: number;
  stream(): Readable;
  dispose(): Promise<void>;
}

/** Whether the bytes are a PDF: "%PDF-" within the first KiB, as readers accept it. */
export function isPdf(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024)).includes('%PDF-');
}

/**
 * Redacts a PDF or an image (PNG, JPEG, TIFF), told apart by their bytes. The result is checked
 * (checkRedactedPdf / checkRedactedImage) before it is returned; nothing is written here but a
 * PDF's encrypted spill (redactPdfToSpill), which `dispose` deletes. An image's output is in
 * memory (its size is bounded before decoding).
 */
export async function redactDocument(
  bytes: Uint8Array,
  options: RedactOptions,
): Promise<{ output: RedactedOutput; report: RedactionReport; format: RedactedFormat }> {
  if (isPdf(bytes)) {
    const { output, report } = await redactPdfToSpill(bytes, options);
    return { output, report, format: 'pdf' };
  }
  if (imageKind(bytes)) {
    const image = await redactImage(bytes, options);
    const data = Buffer.from(image.bytes.buffer, image.bytes.byteOffset, image.bytes.byteLength);
    return {
      output: { size: data.length, stream: () => Readable.from([data]), dispose: () => Promise.resolve() },
      report: image.report,
      format: image.format,
    };
  }
  throw new CustodianError('validation_failed', 'Only PDF, PNG, JPEG and TIFF files can be redacted. Nothing was written.');
}

/** The file extension of a redacted output. */
export const REDACTED_EXTENSION: Record<RedactedFormat, string> = { pdf: '.pdf', png: '.png', jpeg: '.jpg' };

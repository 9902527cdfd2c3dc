import { CustodianError } from '../../shared/errors';
import { imageKind, redactImage } from './redactImage';
import type { RedactOptions, RedactResult } from './redactPdf';
import { redactPdf } from './redactPdf';

export type RedactedFormat = 'pdf' | 'png' | 'jpeg';

/** Whether the bytes are a PDF: "%PDF-" within the first KiB, as readers accept it. */
export function isPdf(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024)).includes('%PDF-');
}

/**
 * Redacts a PDF or an image (PNG, JPEG, TIFF), told apart by their bytes. The result is checked
 * (checkRedactedPdf / checkRedactedImage) before it is returned; nothing is written here.
 */
export async function redactDocument(bytes: Uint8Array, options: RedactOptions): Promise<RedactResult & { format: RedactedFormat }> {
  if (isPdf(bytes)) return { ...(await redactPdf(bytes, options)), format: 'pdf' };
  if (imageKind(bytes)) return redactImage(bytes, options);
  throw new CustodianError('validation_failed', 'Only PDF, PNG, JPEG and TIFF files can be redacted. Nothing was written.');
}

/** The file extension of a redacted output. */
export const REDACTED_EXTENSION: Record<RedactedFormat, string> = { pdf: '.pdf', png: '.png', jpeg: '.jpg' };

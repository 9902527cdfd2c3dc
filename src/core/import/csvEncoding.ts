import { open } from 'node:fs/promises';
import { TextDecoder } from 'node:util';
import { CustodianError } from '../../shared/errors';

export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/** Bytes of byte-order mark to skip before decoding. */
export const BOM_BYTES: Readonly<Record<CsvEncoding, number>> = {
  'utf-8': 0,
  'utf-8-bom': 3,
  'utf-16le': 2,
  'utf-16be': 2,
  'windows-1252': 0,
};

const DECODER_LABEL: Readonly<Record<CsvEncoding, string>> = {
  'utf-8': 'utf-8',
  'utf-8-bom': 'utf-8',
  'utf-16le': 'utf-16le',
  'utf-16be': 'utf-16be',
  'windows-1252': 'windows-1252',
};

const ENCODING_NAME: Readonly<Record<CsvEncoding, string>> = {
  'utf-8': 'UTF-8',
  'utf-8-bom': 'UTF-8',
  'utf-16le': 'UTF-16',
  'utf-16be': 'UTF-16',
  'windows-1252': 'Windows-1252',
};

export interface DetectedEncoding {
  encoding: CsvEncoding;
  /** The decoded start of the file (after any BOM), for sniffing the delimiter. */
  sample: string;
  /** True when the sample is the whole file (its last line is complete). */
  sampleIsWholeFile: boolean;
  warning?: string;
}

/** A decoder that throws on malformed input; Windows-1252 maps every byte, so never throws. */
export function fatalDecoder(encoding: CsvEncoding): TextDecoder {
  return new TextDecoder(DECODER_LABEL[encoding], { fatal: true, ignoreBOM: true });
}

/** `where` completes "first bad byte ...", e.g. 'on line 12'. */
export function invalidText(name: string, encoding: CsvEncoding, where: string, cause?: unknown): CustodianError {
  return new CustodianError(
    'validation_failed',
    `"${name}" is not valid ${ENCODING_NAME[encoding]} text (first bad byte ${where}). ` + 'Save it again as "CSV UTF-8" and import that.',
    { cause },
  );
}

/**
 * Decides how to decode a CSV. A BOM is trusted. Without one, the first `sampleBytes` are
 * checked: valid UTF-8 there means the file is read as UTF-8 (bad UTF-8 further on is then an
 * error naming the line); otherwise the whole file is read as Windows-1252, with a warning.
 * @throws CustodianError('validation_failed') if a BOM's encoding does not decode.
 */
export async function detectEncoding(
  file: string,
  name: string,
  bom: 'utf-8' | 'utf-16le' | 'utf-16be' | null,
  sampleBytes: number,
): Promise<DetectedEncoding> {
  const handle = await open(file, 'r');
  let head: Buffer;
  let wholeFile: boolean;
  try {
    const buffer = Buffer.alloc(sampleBytes + 4);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    wholeFile = bytesRead <= sampleBytes;
    head = buffer.subarray(0, Math.min(bytesRead, sampleBytes));
  } finally {
    await handle.close();
  }
  const tryDecode = (encoding: CsvEncoding): string | null => {
    try {
      // stream: true leaves a character cut at the sample's end undecoded instead of failing.
      return fatalDecoder(encoding).decode(head.subarray(BOM_BYTES[encoding]), { stream: !wholeFile });
    } catch {
      return null;
    }
  };
  if (bom !== null) {
    const encoding: CsvEncoding = bom === 'utf-8' ? 'utf-8-bom' : bom;
    const sample = tryDecode(encoding);
    if (sample === null) throw invalidText(name, encoding, 'near the start of the file');
    return { encoding, sample, sampleIsWholeFile: wholeFile };
  }
  const utf8 = tryDecode('utf-8');
  if (utf8 !== null) return { encoding: 'utf-8', sample: utf8, sampleIsWholeFile: wholeFile };
  return {
    encoding: 'windows-1252',
    sample: tryDecode('windows-1252') ?? '',
    sampleIsWholeFile: wholeFile,
    warning: 'decoded as Windows-1252 (not valid UTF-8)',
  };
}

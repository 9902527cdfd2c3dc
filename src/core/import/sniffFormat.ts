/** What the first bytes of a file say it is, whatever its name claims. */
export type SniffedFormat =
  | { kind: 'zip' }
  | { kind: 'ole2' }
  | { kind: 'text'; bom: 'utf-8' | 'utf-16le' | 'utf-16be' | null }
  | { kind: 'utf-16-without-bom' }
  | { kind: 'utf-32' }
  | { kind: 'html' }
  | { kind: 'xml' }
  | { kind: 'binary'; what: string };

/** How many leading bytes `sniffFormat` wants to see. */
export const SNIFF_BYTES = 4096;

const MAGIC: readonly { bytes: readonly number[]; what: string }[] = [
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], what: 'a PDF document' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0x1f, 0x8b], what: 'a gzip archive' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-Zip archive' },
  { bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], what: 'a RAR archive' },
];

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ZIP = [0x50, 0x4b, 0x05, 0x06];
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function startsWith(head: Uint8Array, magic: readonly number[]): boolean {
  return head.length >= magic.length && magic.every((byte, i) => head[i] === byte);
}

/** True when NULs sit at alternate positions: UTF-16 text of mostly Latin characters. */
function looksLikeUtf16(head: Uint8Array): boolean {
  const even = { nul: 0, total: 0 };
  const odd = { nul: 0, total: 0 };
  for (let i = 0; i < Math.min(head.length, 1024); i++) {
    const side = i % 2 === 0 ? even : odd;
    side.total++;
    if (head[i] === 0) side.nul++;
  }
  const nulShare = (side: { nul: number; total: number }) => (side.total === 0 ? 0 : side.nul / side.total);
  return (nulShare(even) > 0.4 && nulShare(odd) < 0.05) || (nulShare(odd) > 0.4 && nulShare(even) < 0.05);
}

/**
 * Classifies a file by its first bytes (pass up to SNIFF_BYTES). Text is anything without NUL
 * bytes in its first KiB, or with a UTF-8 / UTF-16 byte-order mark.
 */
export function sniffFormat(head: Uint8Array): SniffedFormat {
  if (startsWith(head, ZIP) || startsWith(head, EMPTY_ZIP)) return { kind: 'zip' };
  if (startsWith(head, OLE2)) return { kind: 'ole2' };
  if (startsWith(head, [0xff, 0xfe, 0, 0]) || startsWith(head, [0, 0, 0xfe, 0xff])) return { kind: 'utf-32' };
  if (startsWith(head, [0xef, 0xbb, 0xbf])) return classifyText(head.subarray(3), 'utf-8');
  if (startsWith(head, [0xff, 0xfe])) return { kind: 'text', bom: 'utf-16le' };
  if (startsWith(head, [0xfe, 0xff])) return { kind: 'text', bom: 'utf-16be' };
  const magic = MAGIC.find((candidate) => startsWith(head, candidate.bytes));
  if (magic) return { kind: 'binary', what: magic.what };
  if (head.subarray(0, 1024).includes(0)) {
    return looksLikeUtf16(head) ? { kind: 'utf-16-without-bom' } : { kind: 'binary', what: 'a binary file' };
  }
  return classifyText(head, null);
}

function classifyText(body: Uint8Array, bom: 'utf-8' | null): SniffedFormat {
  // latin1 maps bytes 1:1, enough to look at ASCII markup at the start.
  const start = Buffer.from(body.subarray(0, 512)).toString('latin1').trimStart().toLowerCase();
  if (start.startsWith('<!doctype html') || start.startsWith('<html') || start.startsWith('<table')) return { kind: 'html' };
  if (start.startsWith('<?xml')) return { kind: 'xml' };
  return { kind: 'text', bom };
}

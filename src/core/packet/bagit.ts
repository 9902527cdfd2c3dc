import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';

/** BagIt 1.0 (RFC 8493) manifests and bag-info, as Custodian writes and checks them. */

export interface FileDigest {
  /** Relative to the bag's root: data/... for payload, a tag file's name otherwise. */
  path: string;
  size: number;
  sha256: string;
  sha512: string;
}

export function digestOf(path: string, bytes: Uint8Array): FileDigest {
  return {
    path,
    size: bytes.byteLength,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    sha512: createHash('sha512').update(bytes).digest('hex'),
  };
}

/**
 * Hashes what passes through (SHA-256 and SHA-512 in one pass) and counts it.
 * `digest` is valid after the stream ends.
 */
export class DigestStream extends Transform {
  private readonly sha256 = createHash('sha256');
  private readonly sha512 = createHash('sha512');
  private size = 0;
  private result: FileDigest | null = null;

  constructor(private readonly path: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.sha256.update(chunk);
    this.sha512.update(chunk);
    this.size += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.result = { path: this.path, size: this.size, sha256: this.sha256.digest('hex'), sha512: this.sha512.digest('hex') };
    callback();
  }

  get digest(): FileDigest {
    if (!this.result) throw new Error('the stream has not ended');
    return this.result;
  }
}

/**
 * Paths in a packet are made of these characters only (evidence file names are cleaned to them),
 * so a manifest line means the same to BagIt tools and to `sha256sum -c`, which differ on how
 * they escape anything else.
 */
export const SAFE_PATH = /^[A-Za-z0-9 ._()\-/]+$/;

export function assertSafePath(path: string): void {
  if (!SAFE_PATH.test(path) || path.startsWith('/') || path.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    throw new Error(`unsafe packet path: ${JSON.stringify(path)}`);
  }
}

/** `<hash>  <path>` lines, sorted by path (byte order), as sha256sum/sha512sum write them. */
export function manifestText(files: readonly FileDigest[], algorithm: 'sha256' | 'sha512'): string {
  return [...files]
    .sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)))
    .map((f) => {
      assertSafePath(f.path);
      return `${f[algorithm]}  ${f.path}\n`;
    })
    .join('');
}

/** Payload-Oxum: `<octets>.<files>` of the payload. */
export function payloadOxum(files: readonly { size: number }[]): string {
  return `${String(files.reduce((sum, f) => sum + f.size, 0))}.${String(files.length)}`;
}

/** bag-info.txt: one `Label: value` line per field, in the order given; values on one line. */
export function bagInfoText(fields: readonly (readonly [string, string])[]): string {
  return fields
    .map(([label, value]) => {
      // eslint-disable-next-line no-control-regex -- control characters would break the line format
      return `${label}: ${value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()}\n`;
    })
    .join('');
}

/** Parses bag-info.txt (continuation lines joined). @returns null if a line is malformed. */
export function parseBagInfo(text: string): [string, string][] | null {
  const fields: [string, string][] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (/^[ \t]/.test(line)) {
      const last = fields[fields.length - 1];
      if (!last) return null;
      last[1] += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) return null;
    fields.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return fields;
}

/**
 * Parses a manifest strictly: `<hex hash>  <path>` lines (one or two spaces, or space-star as
 * sha256sum's binary mode writes). @returns null if any line is malformed or a path repeats.
 */
export function parseManifest(text: string, hexLength: 64 | 128): Map<string, string> | null {
  const entries = new Map<string, string>();
  if (text !== '' && !text.endsWith('\n')) return null;
  for (const line of text.split('\n').slice(0, -1)) {
    const match = new RegExp(`^([0-9a-fA-F]{${String(hexLength)}}) [ *]?(.+)$`).exec(line);
    if (!match) return null;
    const path = (match[2] as string).replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');
    if (entries.has(path)) return null;
    entries.set(path, (match[1] as string).toLowerCase());
  }
  return entries;
}

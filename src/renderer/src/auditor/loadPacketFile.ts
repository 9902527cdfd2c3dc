import { call } from '../ipc/call';

const SLICE = 4 * 1024 * 1024;

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** One file of the open packet, read from core slice by slice (auditor mode; nothing decrypted, nothing written). */
export async function loadPacketFile(path: string, signal?: AbortSignal): Promise<Uint8Array> {
  const first = await call(window.custodian.auditor.read({ path, offset: 0, length: SLICE }));
  const bytes = new Uint8Array(first.size);
  const head = fromBase64(first.data);
  bytes.set(head, 0);
  for (let offset = head.length; offset < first.size;) {
    signal?.throwIfAborted();
    const slice = fromBase64((await call(window.custodian.auditor.read({ path, offset, length: Math.min(SLICE, first.size - offset) }))).data);
    if (slice.length === 0) break;
    bytes.set(slice, offset);
    offset += slice.length;
  }
  return bytes;
}

/** A media type from a packet path's extension, for the viewers. */
export function mediaTypeOfPath(path: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase() ?? '';
  const types: Record<string, string> = {
    pdf: 'application/pdf',
    png: 'image/png',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    tif: 'image/tiff',
    tiff: 'image/tiff',
    csv: 'text/csv',
    txt: 'text/plain',
    json: 'application/json',
  };
  return types[ext] ?? 'application/octet-stream';
}

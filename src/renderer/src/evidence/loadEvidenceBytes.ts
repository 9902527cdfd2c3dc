import { call } from '../ipc/call';

/** Slices asked for at once: the contract's largest. */
const SLICE = 1024 * 1024;

export interface EvidenceBytes {
  bytes: Uint8Array;
  mediaType: string;
  fileName: string;
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/**
 * The decrypted file, read from core's memory slice by slice (never from a file on disk), then
 * closed in core. `onProgress` reports bytes read of the total. Cancelled by `signal`.
 * `displayed`: an image as redaction decodes it, as PNG (evidence.viewOpen's `as`).
 *
 * Hazard: the bytes now live in this renderer until the caller drops them; give them to the
 * viewer only.
 */
export async function loadEvidenceBytes(
  evidenceId: string,
  signal: AbortSignal,
  onProgress?: (read: number, total: number) => void,
  options: { displayed?: boolean } = {},
): Promise<EvidenceBytes> {
  const view = await call(window.custodian.evidence.viewOpen({ evidenceId, ...(options.displayed ? { as: 'displayed' as const } : {}) }));
  try {
    const bytes = new Uint8Array(view.size);
    for (let offset = 0; offset < view.size;) {
      signal.throwIfAborted();
      const { data } = await call(window.custodian.evidence.viewRead({ viewId: view.viewId, offset, length: Math.min(SLICE, view.size - offset) }));
      const slice = fromBase64(data);
      if (slice.length === 0) break;
      bytes.set(slice, offset);
      offset += slice.length;
      onProgress?.(offset, view.size);
    }
    return { bytes, mediaType: view.mediaType, fileName: view.fileName };
  } finally {
    void window.custodian.evidence.viewClose({ viewId: view.viewId });
  }
}

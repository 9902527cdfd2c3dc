import { randomBytes } from 'node:crypto';
import { imageSize } from 'image-size';
import { CustodianError } from '../../shared/errors';
import { getEvidenceMeta, readEvidence } from '../evidence/evidenceStore';
import { wipe } from '../crypto/wipe';
import { CollectStream } from '../fs/collectStream';
import type { VaultSession } from '../vault/vaultSession';

/** Largest file the viewer opens (held decrypted in core's memory while open). */
export const MAX_VIEW_BYTES = 256 * 1024 * 1024;
/** Files open at once per app; opening another closes the oldest. */
const MAX_OPEN = 4;
/** Decrypted bytes held at once, open and being opened. */
const MAX_HELD_BYTES = 512 * 1024 * 1024;
/** Largest slice one read returns (base64 over IPC: about 1.4 MB of JSON). */
export const MAX_VIEW_SLICE = 1024 * 1024;

/** What `as displayed` takes: what redaction takes. */
const DISPLAYABLE: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/tiff']);

/** Memory a decode needs beside the file: its pixels twice (the canvas, the PNG at worst), from the header. */
function decodedBytes(bytes: Buffer): number {
  try {
    // The type says both are there; a header that states no size says otherwise.
    const size: { width?: number; height?: number } = imageSize(bytes);
    return (size.width ?? 0) * (size.height ?? 0) * 8;
  } catch {
    return 0; // Not an image: decodeDisplayed refuses it.
  }
}

/** An image decoded as redaction decodes it (orientation applied), as PNG. */
async function displayedImage(bytes: Buffer): Promise<Buffer> {
  // Loaded on first use: the canvas and the image decoders serve redaction only.
  const { decodeDisplayed, imageKind } = await import('../redaction/redactImage');
  const kind = imageKind(bytes);
  if (!kind) throw new CustodianError('validation_failed', 'Only PNG, JPEG and TIFF images can be shown for redaction.');
  const png = await (await decodeDisplayed(bytes, kind)).encode('png');
  if (png.length > MAX_VIEW_BYTES) {
    wipe(png);
    throw new CustodianError('validation_failed', 'This image is too large to show for redaction; redact it with `custodian redact`.');
  }
  return png;
}

interface OpenView {
  session: VaultSession;
  bytes: Buffer;
}

/**
 * The viewer's decrypted files: a file is decrypted (checked against its SHA-256, logged as
 * `evidence.decrypt` with the reason "viewed in the app") into core's memory, and the renderer
 * reads it in slices over IPC. No plaintext file is ever written. Closing, opening a fifth file
 * or locking the vault wipes the bytes.
 *
 * Hazard: the renderer holds what it read until it drops it; it is given files only to display.
 */
export class EvidenceViews {
  private readonly views = new Map<string, OpenView>();
  /** Bytes reserved by opens still decrypting. */
  private opening = 0;

  private held(): number {
    let total = this.opening;
    for (const view of this.views.values()) total += view.bytes.length;
    return total;
  }

  /**
   * Opens a file for the viewer. `displayed`: an image as redaction sees it, for drawing boxes
   * on: decoded with its orientation applied (a TIFF's tag, a PNG's eXIf, a JPEG's EXIF), as
   * PNG. Chromium shows no TIFF, and where it applies an orientation differently from the
   * redaction's decoder the boxes would land elsewhere than drawn: this is the very pixel grid
   * the boxes are painted into. Refused for anything but PNG, JPEG and single-page TIFF.
   */
  async open(session: VaultSession, evidenceId: string, displayed = false): Promise<{ viewId: string; size: number; mediaType: string; fileName: string }> {
    session.require('evidence.decrypt', 'open original evidence files (auditors receive evidence redacted, in audit packets)');
    const meta = await getEvidenceMeta(session, evidenceId);
    // Refused before anything is decrypted (or logged as viewed).
    if (displayed && !DISPLAYABLE.has(meta.mediaType))
      throw new CustodianError('validation_failed', 'Only PNG, JPEG and TIFF images can be shown for redaction.');
    if (meta.size > MAX_VIEW_BYTES)
      throw new CustodianError('validation_failed', 'This file is too large to view in Custodian; save a copy with `custodian evidence get`.');
    // Room first: the oldest open files are closed to make it; opens in flight are counted.
    while (this.views.size > 0 && this.held() + meta.size > MAX_HELD_BYTES) this.close([...this.views.keys()][0] as string);
    if (this.held() + meta.size > MAX_HELD_BYTES) throw new CustodianError('conflict', 'Other files are still being opened; try again in a moment.');
    this.opening += meta.size;
    const sink = new CollectStream(meta.size, 'This file is too large to view in Custodian; save a copy with `custodian evidence get`.');
    try {
      await readEvidence(session, evidenceId, sink, displayed ? 'viewed in the app, as displayed for redaction' : 'viewed in the app');
    } catch (error) {
      sink.discard();
      throw error;
    } finally {
      this.opening -= meta.size;
    }
    let bytes = sink.take();
    let mediaType = meta.mediaType;
    if (displayed) {
      const original = bytes;
      // Decoding holds the pixels (4 bytes each) and their PNG beside the file: counted as
      // held while it runs, so two large scans cannot decode at once past the bound.
      const decoding = Math.min(MAX_HELD_BYTES, decodedBytes(original));
      try {
        while (this.views.size > 0 && this.held() + decoding > MAX_HELD_BYTES) this.close([...this.views.keys()][0] as string);
        if (this.held() + decoding > MAX_HELD_BYTES) throw new CustodianError('conflict', 'Other files are still being opened; try again in a moment.');
        this.opening += decoding;
        try {
          bytes = await displayedImage(original);
        } finally {
          this.opening -= decoding;
        }
      } finally {
        // The decrypted original is not kept beside its rendition.
        wipe(original);
      }
      mediaType = 'image/png';
    }
    // Locked while decrypting (or decoding): abandon() has run already; these bytes must not outlive it.
    if (session.isLocked) {
      wipe(bytes);
      throw new CustodianError('vault_locked', 'The vault was locked while the file was being opened.');
    }
    const viewId = randomBytes(12).toString('base64url');
    this.views.set(viewId, { session, bytes });
    while (this.views.size > MAX_OPEN) this.close([...this.views.keys()][0] as string);
    return { viewId, size: bytes.length, mediaType, fileName: meta.fileName };
  }

  /** Bytes [offset, offset + length) of an open file of this session. */
  read(session: VaultSession, viewId: string, offset: number, length: number): Buffer {
    const view = this.views.get(viewId);
    if (!view || view.session !== session) throw new CustodianError('not_found', 'That file is no longer open; open it again.');
    if (offset > view.bytes.length) throw new CustodianError('validation_failed', 'Read past the end of the file.');
    return view.bytes.subarray(offset, Math.min(view.bytes.length, offset + Math.min(length, MAX_VIEW_SLICE)));
  }

  close(viewId: string, session?: VaultSession): void {
    const view = this.views.get(viewId);
    if (!view || (session && view.session !== session)) return;
    wipe(view.bytes);
    this.views.delete(viewId);
  }

  /** At lock: wipes every file the session opened. */
  abandon(session: VaultSession): void {
    for (const [id, view] of this.views) if (view.session === session) this.close(id);
  }
}

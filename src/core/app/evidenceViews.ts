import { randomBytes } from 'node:crypto';
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

  async open(session: VaultSession, evidenceId: string): Promise<{ viewId: string; size: number; mediaType: string; fileName: string }> {
    session.require('evidence.decrypt', 'open original evidence files (auditors receive evidence redacted, in audit packets)');
    const meta = await getEvidenceMeta(session, evidenceId);
    if (meta.size > MAX_VIEW_BYTES)
      throw new CustodianError('validation_failed', 'This file is too large to view in Custodian; save a copy with `custodian evidence get`.');
    // Room first: the oldest open files are closed to make it; opens in flight are counted.
    while (this.views.size > 0 && this.held() + meta.size > MAX_HELD_BYTES) this.close([...this.views.keys()][0] as string);
    if (this.held() + meta.size > MAX_HELD_BYTES) throw new CustodianError('conflict', 'Other files are still being opened; try again in a moment.');
    this.opening += meta.size;
    const sink = new CollectStream(meta.size, 'This file is too large to view in Custodian; save a copy with `custodian evidence get`.');
    try {
      await readEvidence(session, evidenceId, sink, 'viewed in the app');
    } catch (error) {
      sink.discard();
      throw error;
    } finally {
      this.opening -= meta.size;
    }
    // Locked while decrypting: abandon() has run already; these bytes must not outlive it.
    if (session.isLocked) {
      sink.discard();
      throw new CustodianError('vault_locked', 'The vault was locked while the file was being opened.');
    }
    const viewId = randomBytes(12).toString('base64url');
    this.views.set(viewId, { session, bytes: sink.take() });
    while (this.views.size > MAX_OPEN) this.close([...this.views.keys()][0] as string);
    return { viewId, size: meta.size, mediaType: meta.mediaType, fileName: meta.fileName };
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

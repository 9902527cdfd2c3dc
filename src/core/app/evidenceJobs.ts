import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { CustodianError } from '../../shared/errors';
import { addEvidence, assertPersonExists } from '../evidence/evidenceStore';
import type { EvidenceMeta } from '../evidence/evidenceStore';
import { mediaTypeFor } from '../evidence/mediaTypeFor';
import { STREAM_CHUNK } from '../fs/streamChunk';
import type { VaultSession } from '../vault/vaultSession';

/** Finished jobs kept for polling. */
const KEEP_FINISHED = 16;

export interface EvidenceJobStatus {
  state: 'running' | 'done' | 'failed' | 'cancelled';
  /** Plaintext bytes encrypted so far, of `total` (the file's size when the job started). */
  bytes: number;
  total: number;
  result: EvidenceMeta | null;
  error: { code: string; message: string } | null;
}

interface Job {
  status: EvidenceJobStatus;
  abort: AbortController;
  /** The session that started it: only that session may see or cancel it. */
  session: VaultSession;
}

/**
 * Evidence files are added as jobs: started, polled for progress (bytes), cancellable until the
 * blob is sealed (a cancelled add leaves nothing: no blob, no row, no log entry). One at a time
 * per app: the progress bar shows one file.
 */
export class EvidenceJobs {
  private readonly jobs = new Map<string, Job>();

  async start(session: VaultSession, file: string, personId: string | null): Promise<string> {
    session.require('evidence.add', 'add evidence');
    if ([...this.jobs.values()].some((j) => j.status.state === 'running')) {
      throw new CustodianError('conflict', 'Another file is still being added; wait for it or cancel it.');
    }
    this.forgetFinished();
    // Registered before the first await, so a second call meanwhile sees it running.
    const id = randomBytes(12).toString('base64url');
    const job: Job = { status: { state: 'running', bytes: 0, total: 0, result: null, error: null }, abort: new AbortController(), session };
    this.jobs.set(id, job);
    try {
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) throw new CustodianError('not_found', 'That file can no longer be read. Choose it again.');
      // Checked by addEvidence too; here so that the call itself is refused, not the job.
      if (personId !== null) await assertPersonExists(session, personId);
      job.status.total = info.size;
    } catch (error) {
      this.jobs.delete(id);
      throw error;
    }
    const fileName = basename(file);
    const source = createReadStream(file, { highWaterMark: STREAM_CHUNK });
    addEvidence(session, {
      source,
      fileName,
      mediaType: mediaTypeFor(fileName),
      personId,
      signal: job.abort.signal,
      onProgress: (bytes) => {
        job.status.bytes = bytes;
      },
    }).then(
      (meta) => {
        job.status = { ...job.status, state: 'done', bytes: meta.size, result: meta };
      },
      (error: unknown) => {
        // A failure before the file was read (a folder that cannot be made) leaves it open.
        source.destroy();
        if (job.abort.signal.aborted && error === job.abort.signal.reason) {
          job.status = { ...job.status, state: 'cancelled' };
          return;
        }
        job.status = {
          ...job.status,
          state: 'failed',
          error:
            error instanceof CustodianError
              ? { code: error.code, message: error.message }
              : { code: 'internal', message: 'The file could not be added. Nothing was kept; try again.' },
        };
      },
    );
    return id;
  }

  /** Keeps the most recent finished jobs only (their status may still be polled once more). */
  private forgetFinished(): void {
    const finished = [...this.jobs.entries()].filter(([, job]) => job.status.state !== 'running');
    for (const [id] of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.jobs.delete(id);
  }

  /** @param session the caller's (unlocked) session: a job started in another, or one since locked, is not found. */
  status(id: string, session: VaultSession): EvidenceJobStatus {
    const job = this.jobs.get(id);
    if (job?.session !== session) throw new CustodianError('not_found', 'No such evidence upload.');
    return job.status;
  }

  cancel(id: string, session: VaultSession): void {
    const job = this.jobs.get(id);
    if (job?.session === session) job.abort.abort();
  }
}

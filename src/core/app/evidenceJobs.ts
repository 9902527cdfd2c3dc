import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { CustodianError } from '../../shared/errors';
import { addEvidence, assertPersonExists } from '../evidence/evidenceStore';
import type { AddEvidenceInput, EvidenceMeta } from '../evidence/evidenceStore';
import { mediaTypeFor } from '../evidence/mediaTypeFor';
import { STREAM_CHUNK } from '../fs/streamChunk';
import type { VaultSession } from '../vault/vaultSession';
import { SessionJobs } from './sessionJobs';
import type { JobStatus } from './sessionJobs';

/** Plaintext bytes encrypted so far, of `total` (the file's size when the job started). */
export type EvidenceJobStatus = JobStatus<{ bytes: number; total: number }, EvidenceMeta>;

/**
 * Evidence files are added as jobs: started, polled for progress (bytes), cancellable until the
 * blob is sealed (a cancelled add leaves nothing: no blob, no row, no log entry). One at a time
 * per app: the progress bar shows one file.
 */
export class EvidenceJobs {
  private readonly jobs = new SessionJobs<{ bytes: number; total: number }, EvidenceMeta>({
    busy: 'Another file is still being added; wait for it or cancel it.',
    unknown: 'No such evidence upload.',
    failed: 'The file could not be added. Nothing was kept; try again.',
  });

  /** Refuses, rather than starting a job that would fail, a file that is gone or a person who is not. */
  async start(
    session: VaultSession,
    file: string,
    personId: string | null,
    more: Pick<AddEvidenceInput, 'links' | 'documentDate' | 'replaces'> = {},
  ): Promise<string> {
    session.require('evidence.add', 'add evidence');
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) throw new CustodianError('not_found', 'That file can no longer be read. Choose it again.');
    // Checked by addEvidence too; here so that the call itself is refused, not the job.
    if (personId !== null) await assertPersonExists(session, personId);
    const fileName = basename(file);
    return this.jobs.start(
      session,
      { bytes: 0, total: info.size },
      async ({ signal, report }) => {
        const source = createReadStream(file, { highWaterMark: STREAM_CHUNK });
        try {
          return await addEvidence(session, {
            source,
            fileName,
            mediaType: mediaTypeFor(fileName),
            personId,
            ...more,
            signal,
            onProgress: (bytes) => report({ bytes }),
          });
        } finally {
          // A failure before the file was read (a folder that cannot be made) leaves it open.
          source.destroy();
        }
      },
      (meta) => ({ bytes: meta.size }),
    );
  }

  status(id: string, session: VaultSession): EvidenceJobStatus {
    return this.jobs.status(id, session);
  }

  cancel(id: string, session: VaultSession): void {
    this.jobs.cancel(id, session);
  }

  /** At lock: stops and forgets the session's jobs (SessionJobs.abandon). */
  abandon(session: VaultSession): void {
    this.jobs.abandon(session);
  }
}

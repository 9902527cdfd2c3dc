import { importFile } from '../import/importFile';
import type { ImportOptions, ImportResult } from '../import/importFile';
import type { VaultSession } from '../vault/vaultSession';
import { SessionJobs } from './sessionJobs';
import type { JobStatus } from './sessionJobs';

/** Rows read so far. A cancelled import is rolled back and ends `done` with `result.cancelled`. */
export type ImportJobStatus = JobStatus<{ rows: number }, ImportResult>;

/**
 * Imports run as jobs: started, polled for progress, cancellable (cancel rolls back). One at a
 * time per app, since an import holds the vault's write transaction.
 */
export class ImportJobs {
  private readonly jobs = new SessionJobs<{ rows: number }, ImportResult>({
    busy: 'Another import is still running; wait for it or cancel it.',
    // The report of a finished job holds cell values from the file: other sessions are told nothing.
    unknown: 'No such import.',
    failed: 'The import failed unexpectedly. Nothing was changed.',
  });

  start(session: VaultSession, file: string, options: Omit<ImportOptions, 'onProgress' | 'signal'>): string {
    return this.jobs.start(
      session,
      { rows: 0 },
      ({ signal, report }) => importFile(session, file, { ...options, signal, onProgress: (rows) => report({ rows }) }),
      (result) => ({ rows: result.rows }),
    );
  }

  status(id: string, session: VaultSession): ImportJobStatus {
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

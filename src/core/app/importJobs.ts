import { randomBytes } from 'node:crypto';
import { CustodianError } from '../../shared/errors';
import { importFile } from '../import/importFile';
import type { ImportOptions, ImportResult } from '../import/importFile';
import type { VaultSession } from '../vault/vaultSession';

export interface ImportJobStatus {
  state: 'running' | 'done' | 'failed';
  rows: number;
  result: ImportResult | null;
  error: { code: string; message: string } | null;
}

interface Job {
  status: ImportJobStatus;
  abort: AbortController;
  /** The session that started it: only that session may see or cancel it. */
  session: VaultSession;
}

/**
 * Imports run as jobs: started, polled for progress, cancellable (cancel rolls back). One at a
 * time per app, since an import holds the vault's write transaction.
 */
export class ImportJobs {
  private readonly jobs = new Map<string, Job>();

  start(session: VaultSession, file: string, options: Omit<ImportOptions, 'onProgress' | 'signal'>): string {
    if ([...this.jobs.values()].some((j) => j.status.state === 'running')) {
      throw new CustodianError('conflict', 'Another import is still running; wait for it or cancel it.');
    }
    const id = randomBytes(12).toString('base64url');
    const job: Job = { status: { state: 'running', rows: 0, result: null, error: null }, abort: new AbortController(), session };
    this.jobs.set(id, job);
    importFile(session, file, {
      ...options,
      signal: job.abort.signal,
      onProgress: (rows) => {
        job.status.rows = rows;
      },
    }).then(
      (result) => {
        job.status = { state: 'done', rows: result.rows, result, error: null };
      },
      (error: unknown) => {
        job.status = {
          state: 'failed',
          rows: job.status.rows,
          result: null,
          error:
            error instanceof CustodianError
              ? { code: error.code, message: error.message }
              : { code: 'internal', message: 'The import failed unexpectedly. Nothing was changed.' },
        };
      },
    );
    return id;
  }

  /**
   * @param session the caller's (unlocked) session: a job started in another, one since locked,
   *   is not found (its report holds cell values from the file).
   */
  status(id: string, session: VaultSession): ImportJobStatus {
    const job = this.jobs.get(id);
    if (job?.session !== session) throw new CustodianError('not_found', 'No such import.');
    return job.status;
  }

  cancel(id: string, session: VaultSession): void {
    const job = this.jobs.get(id);
    if (job?.session === session) job.abort.abort();
  }
}

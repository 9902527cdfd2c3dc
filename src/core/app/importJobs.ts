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
    const job: Job = { status: { state: 'running', rows: 0, result: null, error: null }, abort: new AbortController() };
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

  status(id: string): ImportJobStatus {
    const job = this.jobs.get(id);
    if (!job) throw new CustodianError('not_found', 'No such import.');
    return job.status;
  }

  cancel(id: string): void {
    this.jobs.get(id)?.abort.abort();
  }
}

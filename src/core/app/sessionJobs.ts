import { randomBytes } from 'node:crypto';
import { CustodianError } from '../../shared/errors';
import type { VaultSession } from '../vault/vaultSession';

/** Finished jobs kept for polling, per kind. */
const KEEP_FINISHED = 16;

export type JobState = 'running' | 'done' | 'failed' | 'cancelled';

/** What the renderer polls: the job's own progress fields, its state, and its result or error. */
export type JobStatus<P extends object, R> = P & {
  state: JobState;
  result: R | null;
  error: { code: string; message: string } | null;
};

interface Job<P extends object, R> {
  status: JobStatus<P, R>;
  abort: AbortController;
  /** The session that started it: only that session may see or cancel it. */
  session: VaultSession;
}

export interface JobWording {
  /** Why a second job of this kind is refused while one runs. */
  busy: string;
  /** What `status` says for an unknown job, or one of another session. */
  unknown: string;
  /** The message of a failure that is not a CustodianError (its details stay in core). */
  failed: string;
}

/** What a job's work is handed: the signal that cancels it, and a way to report progress. */
export interface JobContext<P> {
  signal: AbortSignal;
  report: (progress: Partial<P>) => void;
}

/**
 * Long work the renderer starts, polls and may cancel: one kind per instance (imports, evidence
 * adds, verifications), one job of that kind running at a time.
 *
 * Contract: a job belongs to the session that started it. Another session, or the same vault
 * unlocked again, neither sees nor cancels it (a finished report may hold record data); locking
 * abandons it (`abandon`). Work that
 * rejects with the job's own abort reason ends `cancelled`; any other rejection ends `failed`,
 * with the CustodianError's code and message or else `wording.failed` (never a stack).
 */
export class SessionJobs<P extends object, R> {
  private readonly jobs = new Map<string, Job<P, R>>();

  constructor(private readonly wording: JobWording) {}

  /**
   * Starts `work` and returns the job's id at once. Throws CustodianError('conflict') while
   * another job of this kind runs.
   * @param progress the progress fields before any report.
   * @param finished the progress fields once `work` resolves (e.g. the final count).
   */
  start(session: VaultSession, progress: P, work: (job: JobContext<P>) => Promise<R>, finished?: (result: R) => Partial<P>): string {
    if ([...this.jobs.values()].some((j) => j.status.state === 'running')) throw new CustodianError('conflict', this.wording.busy);
    this.forgetFinished();
    const id = randomBytes(12).toString('base64url');
    const job: Job<P, R> = { status: { ...progress, state: 'running', result: null, error: null }, abort: new AbortController(), session };
    this.jobs.set(id, job);
    const context: JobContext<P> = {
      signal: job.abort.signal,
      report: (update) => {
        if (job.status.state === 'running') job.status = { ...job.status, ...update };
      },
    };
    // Started on a later tick, so that a synchronous throw inside `work` is a failed job too.
    Promise.resolve()
      .then(() => work(context))
      .then(
        (result) => {
          job.status = { ...job.status, ...finished?.(result), state: 'done', result };
        },
        (error: unknown) => {
          if (job.abort.signal.aborted && error === job.abort.signal.reason) {
            job.status = { ...job.status, state: 'cancelled' };
            return;
          }
          job.status = {
            ...job.status,
            state: 'failed',
            error: error instanceof CustodianError ? { code: error.code, message: error.message } : { code: 'internal', message: this.wording.failed },
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
  status(id: string, session: VaultSession): JobStatus<P, R> {
    const job = this.jobs.get(id);
    if (job?.session !== session) throw new CustodianError('not_found', this.wording.unknown);
    return job.status;
  }

  /**
   * At lock: stops every running job of `session` and forgets all of its jobs (a finished
   * report may hold record data), so the next session starts clean and is never refused for a
   * job it cannot see. The stopped work settles on its own.
   */
  abandon(session: VaultSession): void {
    for (const [id, job] of this.jobs) {
      if (job.session !== session) continue;
      job.abort.abort();
      this.jobs.delete(id);
    }
  }

  /** Asks the job to stop; a job of another session is left alone, silently. */
  cancel(id: string, session: VaultSession): void {
    const job = this.jobs.get(id);
    if (job?.session === session) job.abort.abort();
  }
}

import { headProblem } from '../audit/acknowledgeLogProblem';
import type { LogProblem } from '../audit/verifyLog';
import type { VaultSession } from '../vault/vaultSession';
import { SessionJobs } from './sessionJobs';
import type { JobStatus } from './sessionJobs';

/**
 * Where a full verification is: `log` while the entries, checkpoints and key chain are checked
 * (one read transaction, not interruptible: it takes seconds at 300,000 entries), then `evidence`
 * while each blob is decrypted and hashed (`done` of `total` files, `bytes` of `totalBytes`).
 */
export interface VerifyProgress {
  phase: 'log' | 'evidence';
  done: number;
  total: number;
  bytes: number;
  totalBytes: number;
}

/** What the renderer is told of a finished verification. */
export interface VerifyReport {
  ok: boolean;
  size: number;
  checkpoints: number;
  signers: string[];
  problem: LogProblem | null;
  evidenceChecked: number;
  genesis: { user: string; fingerprint: string } | null;
  anchored: boolean;
  /** The log does not match its head: an administrator may acknowledge that (acknowledgeLogProblem). */
  headMismatch: boolean;
}

export type VerifyJobStatus = JobStatus<VerifyProgress, VerifyReport>;

/**
 * The app's full verification (the Verify button) as a job: polled for progress, cancellable
 * between blobs and within one. A cancelled verification decides nothing: the dashboard's
 * integrity component keeps what the last finished one found.
 */
export class VerifyJobs {
  private readonly jobs = new SessionJobs<VerifyProgress, VerifyReport>({
    busy: 'The log is already being verified; wait for it or cancel it.',
    unknown: 'No such verification.',
    failed: 'The verification could not finish. Try again.',
  });

  start(session: VaultSession): string {
    session.require('log.verify', 'verify the audit log');
    return this.jobs.start(session, { phase: 'log', done: 0, total: 0, bytes: 0, totalBytes: 0 }, async ({ signal, report }) => {
      const { ok, size, checkpoints, signers, problem, genesis, blobs } = await session.verifyLog(
        {},
        { signal, onBlobProgress: (progress) => report({ phase: 'evidence', ...progress }) },
      );
      return {
        ok,
        size,
        checkpoints,
        signers,
        problem,
        evidenceChecked: blobs?.checked ?? 0,
        genesis: genesis && { user: genesis.user, fingerprint: genesis.fingerprint },
        anchored: session.logAnchored,
        headMismatch: (await session.read((db) => headProblem(session, db))) !== null,
      };
    });
  }

  status(id: string, session: VaultSession): VerifyJobStatus {
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

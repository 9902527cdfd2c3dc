import { useEffect, useState } from 'react';
import { call } from './call';
import type { IpcResult } from '../../../shared/ipc/result';

/** What every job status carries. */
export interface PolledStatus {
  state: 'running' | 'done' | 'failed' | 'cancelled';
  error: { code: string; message: string } | null;
}

/**
 * Polls a core job every `every` ms while it runs; the latest status, or null before the first.
 * A failed poll (the vault locked, the job forgotten) ends polling with a failed status.
 */
export function usePolledJob<S extends PolledStatus>(jobId: string | null, status: (jobId: string) => Promise<IpcResult<S>>, every = 250): S | null {
  const [latest, setLatest] = useState<{ jobId: string; status: S } | null>(null);
  useEffect(() => {
    if (jobId === null) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = (): void => {
      call(status(jobId)).then(
        (next) => {
          if (stopped) return;
          setLatest({ jobId, status: next });
          if (next.state === 'running') timer = setTimeout(poll, every);
        },
        (reason: unknown) => {
          const message = reason instanceof Error ? reason.message : 'The job was lost.';
          if (!stopped) setLatest({ jobId, status: { state: 'failed', error: { code: 'internal', message } } as S });
        },
      );
    };
    poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [jobId, status, every]);
  // A status of an earlier job is not this job's.
  return latest && latest.jobId === jobId ? latest.status : null;
}

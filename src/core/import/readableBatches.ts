import { finished } from 'node:stream';
import type { Readable } from 'node:stream';

/**
 * The objects an object-mode Readable produces, in arrays of at most `max`, taking whatever is
 * buffered synchronously. Node's async iterator settles one promise per object; a CSV import of
 * 200,000 records spent about a second on those promises alone (more while an
 * AsyncLocalStorage is live, as the vault's is: every promise then runs its hooks).
 *
 * Contract: the objects come in stream order; a stream error (or a close before its end) is
 * thrown after the objects read before it. Leaving the loop early, or an error, destroys the
 * stream.
 */
export async function* readableBatches<T>(stream: Readable, max: number): AsyncGenerator<T[]> {
  // Set by the callbacks below (an object, so the loop sees their writes).
  const state: { failure: { error: unknown } | null; ended: boolean; wake: (() => void) | null } = { failure: null, ended: false, wake: null };
  const signal = () => {
    const resolve = state.wake;
    state.wake = null;
    resolve?.();
  };
  const stopWatching = finished(stream, (error) => {
    if (error) state.failure ??= { error };
    else state.ended = true;
    signal();
  });
  stream.on('readable', signal);
  try {
    for (;;) {
      const batch: T[] = [];
      while (batch.length < max) {
        const item = stream.read() as T | null;
        if (item === null) break;
        batch.push(item);
      }
      if (batch.length > 0) {
        yield batch;
        continue;
      }
      // Checked only when nothing is buffered: what was read before a failure comes first.
      if (state.failure !== null) throw state.failure.error;
      if (state.ended) return;
      await new Promise<void>((resolve) => {
        state.wake = resolve;
      });
    }
  } finally {
    stopWatching();
    stream.off('readable', signal);
    stream.destroy();
  }
}

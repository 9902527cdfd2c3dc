import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../fs/atomicWrite';

// Repeated failed unlocks are slowed: after n failures the next attempt waits 2^(n-1) s
// (capped at 5 minutes) from the last failure. The count lives in a small file beside the
// header so it survives a restart; it holds no secret. Deleting it only removes the wait, not
// the cost of Argon2id itself.

const MAX_DELAY_MS = 5 * 60 * 1000;

interface AttemptState {
  failures: number;
  lastFailureAt: number;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) =>
    new Promise((resolve) => {
      setTimeout(resolve, ms);
    }),
};

export function delayAfter(failures: number): number {
  return failures <= 0 ? 0 : Math.min(MAX_DELAY_MS, 1000 * 2 ** (failures - 1));
}

async function readState(file: string): Promise<AttemptState> {
  try {
    const json = JSON.parse(await readFile(file, 'utf8')) as Partial<AttemptState>;
    return {
      failures: Number.isInteger(json.failures) ? Number(json.failures) : 0,
      lastFailureAt: Number.isFinite(json.lastFailureAt) ? Number(json.lastFailureAt) : 0,
    };
  } catch {
    return { failures: 0, lastFailureAt: 0 };
  }
}

/** How long the next attempt must still wait, in ms. */
export async function pendingDelay(file: string, clock: Clock = systemClock): Promise<number> {
  const state = await readState(file);
  return Math.max(0, state.lastFailureAt + delayAfter(state.failures) - clock.now());
}

export async function waitForTurn(file: string, clock: Clock = systemClock): Promise<void> {
  const wait = await pendingDelay(file, clock);
  if (wait > 0) await clock.sleep(wait);
}

export async function recordFailure(file: string, clock: Clock = systemClock): Promise<number> {
  const state = await readState(file);
  const next = { failures: state.failures + 1, lastFailureAt: clock.now() };
  await writeFileAtomic(file, JSON.stringify(next));
  return next.failures;
}

export async function recordSuccess(file: string): Promise<void> {
  const state = await readState(file);
  if (state.failures > 0) await writeFileAtomic(file, JSON.stringify({ failures: 0, lastFailureAt: 0 }));
}

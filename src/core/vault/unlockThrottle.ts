import { open, readFile, rm, stat } from 'node:fs/promises';
import { writeFileAtomic } from '../fs/atomicWrite';
import { processAlive } from '../fs/processAlive';

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
  await writeFileAtomic(file, JSON.stringify(next)).catch(ignoreNoRoom);
  return next.failures;
}

function ignoreNoRoom(error: unknown): void {
  if (!NO_ROOM.has(String((error as NodeJS.ErrnoException).code))) throw error;
}

const LOCK_POLL_MS = 25;
const EMPTY_LOCK_STALE_MS = 5_000;
/** Errors that mean the disk has no room (or takes no writes): the throttle steps aside. */
const NO_ROOM = new Set(['ENOSPC', 'EDQUOT', 'EROFS']);
// Each queued attempt holds the lock for at most the delay due (5 minutes) plus one derivation.
const LOCK_GIVE_UP_MS = 10 * 60 * 1000;

/**
 * Runs one unlock attempt (wait for its turn, derive, record the outcome) while holding
 * `<attempts file>.lock`, so attempts from any number of processes (or of one) happen one after
 * another: each waits the delay the failures before it earned, and no failure is lost to a
 * concurrent read-modify-write of the counter. A lock whose process is gone is taken over.
 */
export async function withAttemptLock<T>(file: string, attempt: () => Promise<T>, clock: Clock = systemClock): Promise<T> {
  const lock = `${file}.lock`;
  const started = clock.now();
  for (;;) {
    try {
      const handle = await open(lock, 'wx', 0o600);
      try {
        await handle.writeFile(String(process.pid));
      } catch (error) {
        await handle.close();
        await rm(lock, { force: true });
        // A full or read-only disk: no lock can be kept, and no failure counted either; the
        // attempt still costs its Argon2id. Refusing would lock everyone out of a full disk.
        if (NO_ROOM.has(String((error as NodeJS.ErrnoException).code))) return await attempt();
        throw error;
      }
      await handle.close();
      break;
    } catch (error) {
      const code = String((error as NodeJS.ErrnoException).code);
      if (NO_ROOM.has(code)) return await attempt();
      if (code !== 'EEXIST') throw error;
      const owner = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
      const age = clock.now() - ((await stat(lock).catch(() => null))?.mtimeMs ?? clock.now());
      // An empty file is a lock being written this instant (wait, as for a live owner), unless
      // it has been empty for seconds: its writer died between creating and writing it.
      const stale = Number.isInteger(owner) && owner > 0 ? !processAlive(owner) : age > EMPTY_LOCK_STALE_MS;
      if (stale) await rm(lock, { force: true });
      else if (clock.now() - started > LOCK_GIVE_UP_MS) throw new Error('another unlock attempt has held the vault for ten minutes');
      else await clock.sleep(LOCK_POLL_MS);
    }
  }
  try {
    return await attempt();
  } finally {
    await rm(lock, { force: true });
  }
}

export async function recordSuccess(file: string): Promise<void> {
  const state = await readState(file);
  if (state.failures > 0) await writeFileAtomic(file, JSON.stringify({ failures: 0, lastFailureAt: 0 })).catch(ignoreNoRoom);
}

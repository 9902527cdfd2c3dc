import type { Page } from 'playwright-core';

// Measures taken inside the page, in the page's own clock, for benchmarks of the UI in
// Chromium (tests/support/harnessSession.ts opens one). The functions handed to page.evaluate
// are serialised and run in the browser: they may use only their argument and these globals.

interface ProbeElement {
  textContent: string | null;
  scrollTop: number;
  readonly scrollHeight: number;
  readonly clientHeight: number;
  getBoundingClientRect(): { top: number; bottom: number };
}

/** The browser globals the probes use, typed here because bench/ compiles without the DOM library. */
interface ProbeGlobals {
  performance: {
    now(): number;
    clearResourceTimings(): void;
    getEntriesByType(type: 'resource'): ArrayLike<{ name: string; startTime: number; duration: number }>;
  };
  requestAnimationFrame(callback: (time: number) => void): number;
  setTimeout(callback: () => void, ms: number): number;
  addEventListener(type: string, listener: (event: { timeStamp: number }) => void, options: { capture: boolean; once: boolean }): void;
  document: {
    body: object;
    querySelector(selector: string): ProbeElement | null;
    querySelectorAll(selector: string): ArrayLike<ProbeElement>;
  };
  MutationObserver: new (callback: () => void) => {
    observe(target: object, options: { childList: boolean; subtree: boolean; characterData: boolean }): void;
    disconnect(): void;
  };
  __benchPaint?: { armedAt: number; pressedAt: number | null; painted: Promise<number> };
  __benchFrames?: { running: boolean; last: number; gaps: number[]; loadingFrames: number };
}

/**
 * Milliseconds from the start of `action` until an element matching `selector` holds text
 * without `pending` and the frame showing it has been painted. The start is the action's first
 * key or pointer press, else the page time it returns (see dragScroll), else just before it.
 */
export async function msUntilPainted(page: Page, selector: string, action: () => Promise<unknown>, pending = 'Loading…'): Promise<number> {
  await page.evaluate(
    ({ selector, pending }) => {
      const w = globalThis as unknown as ProbeGlobals;
      const probe: NonNullable<ProbeGlobals['__benchPaint']> = { armedAt: w.performance.now(), pressedAt: null, painted: Promise.resolve(0) };
      const onPress = (event: { timeStamp: number }) => {
        probe.pressedAt ??= event.timeStamp;
      };
      w.addEventListener('keydown', onPress, { capture: true, once: true });
      w.addEventListener('pointerdown', onPress, { capture: true, once: true });
      probe.painted = new Promise<number>((resolve) => {
        const shown = () => Array.from(w.document.querySelectorAll(selector)).some((el) => el.textContent && !el.textContent.includes(pending));
        const observer = new w.MutationObserver(() => {
          if (!shown()) return;
          observer.disconnect();
          // rAF runs just before the frame is drawn; a task queued from it runs once it has been.
          w.requestAnimationFrame(() => {
            w.setTimeout(() => {
              resolve(w.performance.now());
            }, 0);
          });
        });
        observer.observe(w.document.body, { childList: true, subtree: true, characterData: true });
      });
      w.__benchPaint = probe;
    },
    { selector, pending },
  );
  const returned = await action();
  return page.evaluate(
    async (startedAt) => {
      const w = globalThis as unknown as ProbeGlobals;
      const probe = w.__benchPaint;
      if (!probe) throw new Error('msUntilPainted: the probe was not armed');
      const timeout = new Promise<never>((_, reject) => {
        w.setTimeout(() => {
          reject(new Error('msUntilPainted: nothing was painted within 60 s'));
        }, 60_000);
      });
      const paintedAt = await Promise.race([probe.painted, timeout]);
      return Math.max(0, paintedAt - (startedAt ?? probe.pressedAt ?? probe.armedAt));
    },
    typeof returned === 'number' ? returned : null,
  );
}

/**
 * Scrolls the element matching `selector` from top to bottom over `frames` animation frames,
 * one scroll position per frame, as dragging its scroll bar does. Returns the page time of the
 * last frame (the release), for msUntilPainted.
 */
export function dragScroll(page: Page, selector: string, frames: number): Promise<number> {
  return page.evaluate(
    ({ selector, frames }) => {
      const w = globalThis as unknown as ProbeGlobals;
      const el = w.document.querySelector(selector);
      if (!el) throw new Error(`dragScroll: no element matches ${selector}`);
      return new Promise<number>((resolve) => {
        let frame = 0;
        const step = () => {
          frame++;
          el.scrollTop = ((el.scrollHeight - el.clientHeight) * frame) / frames;
          if (frame < frames) w.requestAnimationFrame(step);
          else resolve(w.performance.now());
        };
        w.requestAnimationFrame(step);
      });
    },
    { selector, frames },
  );
}

export interface FramePacing {
  /** The longest gap between two animation frames, in ms. */
  longestMs: number;
  frames: number;
  /** Frames in which a placeholder (a row not yet fetched) was on screen. */
  pendingFrames: number;
}

/** Placeholders to count: elements matching `items` that show `text` inside the box of `within`. */
export interface PendingProbe {
  items: string;
  within: string;
  text: string;
}

/**
 * Records every requestAnimationFrame gap while `action` runs; with `pending`, also counts the
 * frames that showed a placeholder on screen.
 */
export async function framePacingDuring(page: Page, action: () => Promise<unknown>, pending?: PendingProbe): Promise<FramePacing> {
  await page.evaluate((pending) => {
    const w = globalThis as unknown as ProbeGlobals;
    const state = { running: true, last: w.performance.now(), gaps: [] as number[], loadingFrames: 0 };
    w.__benchFrames = state;
    const showsPending = () => {
      if (!pending) return false;
      const box = w.document.querySelector(pending.within)?.getBoundingClientRect();
      if (!box) return false;
      return Array.from(w.document.querySelectorAll(pending.items)).some((el) => {
        const r = el.getBoundingClientRect();
        return r.bottom > box.top && r.top < box.bottom && Boolean(el.textContent?.includes(pending.text));
      });
    };
    const tick = (time: number) => {
      if (!state.running) return;
      state.gaps.push(time - state.last);
      state.last = time;
      if (showsPending()) state.loadingFrames++;
      w.requestAnimationFrame(tick);
    };
    w.requestAnimationFrame((time) => {
      state.last = time;
      w.requestAnimationFrame(tick);
    });
  }, pending ?? null);
  await action();
  return page.evaluate(() => {
    const w = globalThis as unknown as ProbeGlobals;
    const state = w.__benchFrames;
    if (!state) throw new Error('framePacingDuring: the recorder was not started');
    state.running = false;
    return { longestMs: Math.max(0, ...state.gaps), frames: state.gaps.length, pendingFrames: state.loadingFrames };
  });
}

/** The page's live JavaScript heap after a full garbage collection, in MB (Chromium's CDP). */
export async function jsHeapMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    return usedSize / (1024 * 1024);
  } finally {
    await cdp.detach();
  }
}

/** The median of some samples (NaN for none). */
export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** How far the first element matching `selector` is scrolled: 0 at the top, 1 at the bottom. */
export function scrollFraction(page: Page, selector: string): Promise<number> {
  return page.evaluate((selector) => {
    const w = globalThis as unknown as ProbeGlobals;
    const el = w.document.querySelector(selector);
    if (!el) throw new Error(`scrollFraction: no element matches ${selector}`);
    const room = el.scrollHeight - el.clientHeight;
    return room > 0 ? el.scrollTop / room : 0;
  }, selector);
}

/** Forgets the page's resource timings, so that bridgeCallsMs sees only what follows. */
export async function clearResourceTimings(page: Page): Promise<void> {
  await page.evaluate(() => {
    (globalThis as unknown as ProbeGlobals).performance.clearResourceTimings();
  });
}

/**
 * The durations (request to last byte), in order, of the bridge calls since
 * clearResourceTimings whose URL contains `channel` (e.g. "records.people"): how many calls a
 * wait took, and how much of it was spent in core and the bridge rather than in the renderer.
 */
export function bridgeCallsMs(page: Page, channel: string): Promise<number[]> {
  return page.evaluate((channel) => {
    const entries = (globalThis as unknown as ProbeGlobals).performance.getEntriesByType('resource');
    return Array.from(entries)
      .filter((entry) => decodeURIComponent(entry.name).includes(channel))
      .sort((a, b) => a.startTime - b.startTime)
      .map((entry) => entry.duration);
  }, channel);
}

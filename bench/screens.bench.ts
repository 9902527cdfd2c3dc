import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Page } from 'playwright-core';
import { openVaultInChromium } from '../tests/support/harnessSession';
import { buildRecordsVault } from '../tests/support/recordsVault';
import type { RecordsVault } from '../tests/support/recordsVault';
import type { Figure } from './measure';
import { bridgeCallsMs, clearResourceTimings, dragScroll, framePacingDuring, jsHeapMb, median, msUntilPainted, scrollFraction } from './pageProbes';
import type { FramePacing } from './pageProbes';

// Issue 4: the People and Completions tables are "smooth with 100,000 rows". Measured in
// Debian's Chromium against the harness on a vault of 100,000 current people, each beside the
// same measure on a vault of 1,000 (same code, same machine, same run): a ratio near 1 means
// a hundred times the rows costs nothing. The size can be changed with CUSTODIAN_BENCH_PEOPLE.
// Each figure names how many page calls (bridge to core) the wait took and how long the first
// one was, which separates core's share from the renderer's.

const LARGE = Number(process.env.CUSTODIAN_BENCH_PEOPLE ?? 100_000);
const SMALL = 1_000;
const ROUNDS = 5;
const SCROLL_ROUNDS = 3;
const SCROLL_MS = 3_000;
/**
 * One notch of a mouse wheel in Chromium; Playwright sends them as fast as the page takes them
 * (about 50 a second here). CUSTODIAN_BENCH_WHEEL_PX=600 makes it a fling that outruns core.
 */
const WHEEL_PX = Number(process.env.CUSTODIAN_BENCH_WHEEL_PX ?? 100);
/** A quick drag of the scroll bar from top to bottom: about 0.7 s at 60 frames a second. */
const DRAG_FRAMES = 40;

type Screen = 'People' | 'Completions';

interface ScrollMeasures {
  /** The median over SCROLL_ROUNDS of each round's longest frame. */
  longestMs: number;
  frames: number;
  pendingFrames: number;
  wheels: number;
}

interface ScreenMeasures {
  peopleEnd: Wait;
  peopleDrag: Wait;
  completionsEnd: Wait;
  scroll: ScrollMeasures;
  heapMb: number;
}

const table = (screen: Screen) => `[role="table"][aria-label="${screen}"]`;
const body = (screen: Screen) => `${table(screen)} [role="rowgroup"][tabindex="0"]`;
const row = (screen: Screen, index: number) => `${table(screen)} [aria-rowindex="${String(index + 2)}"]`;

/**
 * A fresh renderer (nothing cached; the vault stays unlocked in the harness) showing `screen`'s
 * first row, with nothing in flight. `url` carries the bridge token, which the app removes from
 * the address bar; going through about:blank makes it a new document, not a change of fragment.
 */
async function freshScreen(page: Page, url: string, screen: Screen): Promise<void> {
  await page.goto('about:blank');
  await page.goto(url);
  await page.getByRole('button', { name: screen, exact: true }).click();
  await page.locator(row(screen, 0)).filter({ hasNotText: 'Loading' }).waitFor();
  await page.waitForLoadState('networkidle');
  await page.locator(body(screen)).focus();
}

/** Medians over ROUNDS fresh renderers: the wait, its first page call and how many calls it made. */
interface Wait {
  ms: number;
  firstCallMs: number;
  calls: number;
}

/** `action` until the table's last row is painted, on fresh renderers. */
async function untilLastRow(page: Page, url: string, screen: Screen, total: number, action: () => Promise<unknown>): Promise<Wait> {
  const samples: number[] = [];
  const firstCalls: number[] = [];
  const calls: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    await freshScreen(page, url, screen);
    await clearResourceTimings(page);
    samples.push(await msUntilPainted(page, row(screen, total - 1), action));
    const durations = await bridgeCallsMs(page, `records.${screen.toLowerCase()}`);
    firstCalls.push(durations[0] ?? Number.NaN);
    calls.push(durations.length);
  }
  return { ms: median(samples), firstCallMs: median(firstCalls), calls: median(calls) };
}

/** The mouse wheel over the People table for SCROLL_MS, turning back at either end; returns the notches sent. */
async function wheelPeople(page: Page): Promise<number> {
  const box = await page.locator(body('People')).boundingBox();
  if (!box) throw new Error('the People table is not on screen');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  let direction = 1;
  let wheels = 0;
  const until = performance.now() + SCROLL_MS;
  while (performance.now() < until) {
    await page.mouse.wheel(0, direction * WHEEL_PX);
    if (++wheels % 10 === 0) {
      const at = await scrollFraction(page, body('People'));
      if (at > 0.99) direction = -1;
      else if (at < 0.01) direction = 1;
    }
  }
  return wheels;
}

/** SCROLL_ROUNDS rounds of wheel scrolling, each on a fresh People screen. */
async function scrollPeople(page: Page, url: string): Promise<ScrollMeasures> {
  const rounds: (FramePacing & { wheels: number })[] = [];
  for (let round = 0; round < SCROLL_ROUNDS; round++) {
    await freshScreen(page, url, 'People');
    let wheels = 0;
    const pacing = await framePacingDuring(
      page,
      async () => {
        wheels = await wheelPeople(page);
      },
      { items: `${table('People')} [role="row"]`, within: body('People'), text: 'Loading…' },
    );
    rounds.push({ ...pacing, wheels });
  }
  const sum = (pick: (r: FramePacing & { wheels: number }) => number) => rounds.reduce((total, r) => total + pick(r), 0);
  return {
    longestMs: median(rounds.map((r) => r.longestMs)),
    frames: sum((r) => r.frames),
    pendingFrames: sum((r) => r.pendingFrames),
    wheels: sum((r) => r.wheels),
  };
}

async function measure(vault: RecordsVault, dataDir: string): Promise<ScreenMeasures> {
  const session = await openVaultInChromium(vault.vault, vault, dataDir);
  try {
    const { page } = session;
    const url = session.harness.url;
    const peopleEnd = await untilLastRow(page, url, 'People', vault.active, () => page.keyboard.press('End'));
    const peopleDrag = await untilLastRow(page, url, 'People', vault.active, () => dragScroll(page, body('People'), DRAG_FRAMES));
    const scroll = await scrollPeople(page, url);
    const heapMb = await jsHeapMb(page);
    const completionsEnd = await untilLastRow(page, url, 'Completions', vault.completions, () => page.keyboard.press('End'));
    return { peopleEnd, peopleDrag, completionsEnd, scroll, heapMb };
  } finally {
    await session.close();
  }
}

export async function benchScreens(): Promise<Figure[]> {
  const root = mkdtempSync(join(tmpdir(), 'custodian-bench-screens-'));
  try {
    const [small, large] = await Promise.all([
      buildRecordsVault(root, { active: SMALL, name: 'Small' }),
      buildRecordsVault(root, { active: LARGE, name: 'Large' }),
    ]);
    const base = await measure(small, join(root, 'app-data-small'));
    const ours = await measure(large, join(root, 'app-data-large'));
    const people = (n: number) => `${n.toLocaleString('en')} people`;
    const pacing = (p: ScrollMeasures) => `${String(p.wheels)} notches, ${String(p.frames)} frames, ${String(p.pendingFrames)} with a Loading… row on screen`;
    const fresh = `median of ${String(ROUNDS)}, nothing cached`;
    const call = (wait: Wait) => `${String(wait.calls)} page call${wait.calls === 1 ? '' : 's'} by then, the first ${wait.firstCallMs.toFixed(0)} ms`;
    return [
      {
        name: `People: End pressed until the last row is painted, ${people(LARGE)} (${fresh}; ${call(ours.peopleEnd)})`,
        value: ours.peopleEnd.ms,
        unit: 'ms',
        baseline: { name: `${people(SMALL)} (${call(base.peopleEnd)})`, value: base.peopleEnd.ms, unit: 'ms' },
        goal: 'about 1x baseline',
      },
      {
        name: `People: scroll bar dragged to the bottom in ${String(DRAG_FRAMES)} frames, release until the last row is painted, ${people(LARGE)} (${fresh}; ${call(ours.peopleDrag)})`,
        value: ours.peopleDrag.ms,
        unit: 'ms',
        baseline: { name: `${people(SMALL)} (${call(base.peopleDrag)})`, value: base.peopleDrag.ms, unit: 'ms' },
        goal: 'about 1x baseline',
      },
      {
        name: `People: longest frame while wheel-scrolling ${String(SCROLL_MS / 1000)} s, ${people(LARGE)} (median of ${String(SCROLL_ROUNDS)} rounds; ${pacing(ours.scroll)})`,
        value: ours.scroll.longestMs,
        unit: 'ms',
        baseline: { name: `${people(SMALL)} (${pacing(base.scroll)})`, value: base.scroll.longestMs, unit: 'ms' },
        goal: 'about 1x baseline',
      },
      {
        name: `People: renderer JS heap after that scrolling, ${people(LARGE)}`,
        value: ours.heapMb,
        unit: 'MB',
        baseline: { name: people(SMALL), value: base.heapMb, unit: 'MB' },
      },
      {
        name: `Completions: End pressed until the last row is painted, ${large.completions.toLocaleString('en')} rows (${fresh}; ${call(ours.completionsEnd)})`,
        value: ours.completionsEnd.ms,
        unit: 'ms',
        baseline: { name: `${small.completions.toLocaleString('en')} rows (${call(base.completionsEnd)})`, value: base.completionsEnd.ms, unit: 'ms' },
        goal: 'about 1x baseline',
      },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/chromium';
import { startHarnessProcess } from '../tests/support/harnessSession';
import type { Figure } from './measure';
import { median } from './pageProbes';

// Issue: "the dashboard renders within 1.5 s of unlock on a 10,000-person demo vault (measured
// in the harness)". A demo vault made by `custodian demo`, opened in Debian's Chromium through
// the harness; each round locks, then times one unlock from the press of Unlock until (a) the
// home shell, (b) the readiness score and (c) the trend chart are painted. The shell is the
// baseline: what unlocking costs before the dashboard asks for anything. The IPC calls' own
// times come from the page's resource timing (the harness bridge is plain fetch), which splits
// "core computing" from "React and the charts rendering". The size can be changed with
// CUSTODIAN_BENCH_DASHBOARD_PEOPLE.

const PEOPLE = Number(process.env.CUSTODIAN_BENCH_DASHBOARD_PEOPLE ?? 10_000);
const SMALL = 400;
const ROUNDS = 5;
const USER = 'admin';
const PASSPHRASE = 'correct horse battery staple orbit';

const SCORE = '[data-testid="score-value"]';
const TREND = '[data-testid="trend-chart"] path.recharts-line-curve';
const SHELL = '[data-testid="vault-name"]';

interface Round {
  /** Press of Unlock -> each thing painted, in ms. */
  shellMs: number;
  scoreMs: number;
  trendMs: number;
  /** The bridge calls: when each answer arrived after the press, and how long core took over it. */
  unlockIpc: { endMs: number; ms: number };
  reportIpc: { endMs: number; ms: number };
  trendIpc: { endMs: number; ms: number };
  /** The same report asked again once everything is painted: core has the vault's data cached. */
  warmReportMs: number;
}

interface PaintProbe {
  performance: {
    now(): number;
    clearResourceTimings(): void;
    getEntriesByType(type: string): ArrayLike<{ name: string; startTime: number; responseEnd: number }>;
  };
  requestAnimationFrame(callback: () => void): number;
  setTimeout(callback: () => void, ms: number): number;
  addEventListener(type: string, listener: (event: { timeStamp: number }) => void, options: { capture: boolean; once: boolean }): void;
  document: { body: object; querySelector(selector: string): object | null };
  MutationObserver: new (callback: () => void) => {
    observe(target: object, options: { childList: boolean; subtree: boolean; characterData: boolean }): void;
    disconnect(): void;
  };
  __dashboardProbe?: { pressedAt: number | null; painted: Record<string, number>; done: Promise<void> };
}

/** Runs the built CLI (`npm run build` first) from the repository root. */
function custodian(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['out/cli/custodian.js', ...args], {
      env: { ...process.env, CUSTODIAN_PASSPHRASE: PASSPHRASE },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`custodian ${args[0] ?? ''} exited with ${String(code)}: ${stderr.trim()}`));
    });
  });
}

/**
 * Arms observers for the shell, the score and the trend, each resolved in the frame after the
 * one that first shows it; the clock starts at the first pointer press (the click on Unlock).
 */
async function armProbe(page: Page): Promise<void> {
  await page.evaluate(
    ({ selectors }) => {
      const w = globalThis as unknown as PaintProbe;
      w.performance.clearResourceTimings();
      const probe = { pressedAt: null as number | null, painted: {} as Record<string, number>, done: Promise.resolve() };
      w.addEventListener('pointerdown', (event) => (probe.pressedAt ??= event.timeStamp), { capture: true, once: true });
      const waits = Object.entries(selectors).map(
        ([name, selector]) =>
          new Promise<void>((resolve) => {
            const shown = () => w.document.querySelector(selector) !== null;
            const observer = new w.MutationObserver(() => {
              if (!shown()) return;
              observer.disconnect();
              // rAF runs just before the frame is drawn; a task queued from it runs once it has been.
              w.requestAnimationFrame(() => {
                w.setTimeout(() => {
                  probe.painted[name] = w.performance.now();
                  resolve();
                }, 0);
              });
            });
            observer.observe(w.document.body, { childList: true, subtree: true, characterData: true });
          }),
      );
      probe.done = Promise.all(waits).then(() => undefined);
      w.__dashboardProbe = probe;
    },
    { selectors: { shell: SHELL, score: SCORE, trend: TREND } },
  );
}

async function readProbe(page: Page): Promise<Omit<Round, 'warmReportMs'>> {
  return page.evaluate(async () => {
    const w = globalThis as unknown as PaintProbe;
    const probe = w.__dashboardProbe;
    if (!probe) throw new Error('the dashboard probe was not armed');
    await Promise.race([
      probe.done,
      new Promise<never>((_, reject) => {
        w.setTimeout(() => reject(new Error('the dashboard was not painted within 60 s')), 60_000);
      }),
    ]);
    const start = probe.pressedAt ?? 0;
    const since = (at: number | undefined) => (at ?? Number.NaN) - start;
    const ipc = (channel: string) => {
      const entries = Array.from(w.performance.getEntriesByType('resource')).filter(
        (e) => e.name.includes(encodeURIComponent(`custodian:${channel}`)) && e.startTime >= start,
      );
      const first = entries[0];
      return first ? { endMs: first.responseEnd - start, ms: first.responseEnd - first.startTime } : { endMs: Number.NaN, ms: Number.NaN };
    };
    return {
      shellMs: since(probe.painted.shell),
      scoreMs: since(probe.painted.score),
      trendMs: since(probe.painted.trend),
      unlockIpc: ipc('vault.unlock'),
      reportIpc: ipc('compliance.report'),
      trendIpc: ipc('compliance.trend'),
    };
  });
}

/** From the welcome screen (locked): open the vault, arm the probe, press Unlock, wait for the dashboard. */
async function unlockRound(page: Page, name: string): Promise<Round> {
  await page.getByRole('button', { name: 'Open a vault…' }).click();
  const dialog = page.getByRole('dialog', { name: `Unlock ${name}` });
  await dialog.getByLabel('User name').fill(USER);
  await dialog.locator('input[type=password]').fill(PASSPHRASE);
  await armProbe(page);
  await dialog.getByRole('button', { name: 'Unlock' }).click();
  const round = await readProbe(page);
  await page.waitForLoadState('networkidle');
  const warmReportMs = await page.evaluate(async () => {
    const w = globalThis as unknown as { performance: { now(): number }; custodian: { compliance: { report(input: object): Promise<unknown> } } };
    const start = w.performance.now();
    await w.custodian.compliance.report({});
    return w.performance.now() - start;
  });
  await page.getByRole('button', { name: 'Lock' }).click();
  await page.getByRole('button', { name: 'Open a vault…' }).waitFor();
  return { ...round, warmReportMs };
}

/** ROUNDS unlocks of `vault` in one Chromium page (the first one is the renderer's first). */
async function measure(vault: string, name: string, dataDir: string): Promise<Round[]> {
  const harness = await startHarnessProcess(dataDir, ['--pick-open', vault]);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
    await page.goto(harness.url);
    const rounds: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) rounds.push(await unlockRound(page, name));
    return rounds;
  } finally {
    await browser.close();
    await harness.stop();
  }
}

const med = (rounds: readonly Round[], pick: (r: Round) => number) => median(rounds.map(pick));

export async function benchDashboard(): Promise<Figure[]> {
  const root = mkdtempSync(join(tmpdir(), 'custodian-bench-dashboard-'));
  try {
    const large = join(root, 'Large.custodian');
    const small = join(root, 'Small.custodian');
    await Promise.all([
      custodian(['demo', large, '--people', String(PEOPLE), '--kdf', 'minimum']),
      custodian(['demo', small, '--people', String(SMALL), '--kdf', 'minimum']),
    ]);
    const base = await measure(small, 'Small', join(root, 'app-data-small'));
    const ours = await measure(large, 'Large', join(root, 'app-data-large'));
    const people = (n: number) => `${n.toLocaleString('en')}-person demo`;
    const of = `median of ${String(ROUNDS)} unlocks`;
    const first = ours[0];
    return [
      {
        name: `Dashboard: Unlock pressed until the readiness score is painted, ${people(PEOPLE)} (${of}; the first: ${String(Math.round(first?.scoreMs ?? Number.NaN))} ms)`,
        value: med(ours, (r) => r.scoreMs),
        unit: 'ms',
        baseline: { name: 'Unlock pressed until the home shell is painted, same unlocks', value: med(ours, (r) => r.shellMs), unit: 'ms' },
        goal: '<= 1500 ms',
      },
      {
        name: `Dashboard: Unlock pressed until the trend chart is painted, ${people(PEOPLE)} (${of})`,
        value: med(ours, (r) => r.trendMs),
        unit: 'ms',
        baseline: { name: 'until the score is painted, same unlocks', value: med(ours, (r) => r.scoreMs), unit: 'ms' },
      },
      {
        name: `Dashboard: Unlock pressed until the score is painted, ${people(PEOPLE)} (${of})`,
        value: med(ours, (r) => r.scoreMs),
        unit: 'ms',
        baseline: { name: people(SMALL), value: med(base, (r) => r.scoreMs), unit: 'ms' },
      },
      {
        name: `Dashboard: Unlock pressed until compliance.report is asked for, ${people(PEOPLE)} (${of})`,
        value: med(ours, (r) => r.reportIpc.endMs - r.reportIpc.ms),
        unit: 'ms',
        baseline: { name: 'until the home shell is painted, same unlocks', value: med(ours, (r) => r.shellMs), unit: 'ms' },
      },
      {
        name: `compliance.report over the bridge, first after unlock (nothing cached in core), ${people(PEOPLE)} (${of})`,
        value: med(ours, (r) => r.reportIpc.ms),
        unit: 'ms',
        baseline: { name: 'vault.unlock over the bridge, same unlocks', value: med(ours, (r) => r.unlockIpc.ms), unit: 'ms' },
      },
      {
        name: `compliance.report over the bridge again, data cached in core (so: evaluating, not reading), ${people(PEOPLE)} (${of})`,
        value: med(ours, (r) => r.warmReportMs),
        unit: 'ms',
        baseline: { name: 'the first, uncached, same unlocks', value: med(ours, (r) => r.reportIpc.ms), unit: 'ms' },
      },
      {
        name: `compliance.trend over the bridge (13 point-in-time reports, data cached), ${people(PEOPLE)} (${of})`,
        value: med(ours, (r) => r.trendIpc.ms),
        unit: 'ms',
        baseline: { name: 'compliance.report, same unlocks', value: med(ours, (r) => r.reportIpc.ms), unit: 'ms' },
      },
      {
        name: `Dashboard: report answer arrived until the score is painted (React and the charts), ${people(PEOPLE)} (${of})`,
        value: med(ours, (r) => r.scoreMs - r.reportIpc.endMs),
        unit: 'ms',
        baseline: { name: people(SMALL), value: med(base, (r) => r.scoreMs - r.reportIpc.endMs), unit: 'ms' },
      },
      {
        name: `Dashboard: trend answer arrived until the trend chart is painted, ${people(PEOPLE)} (${of})`,
        value: med(ours, (r) => r.trendMs - r.trendIpc.endMs),
        unit: 'ms',
        baseline: { name: people(SMALL), value: med(base, (r) => r.trendMs - r.trendIpc.endMs), unit: 'ms' },
      },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

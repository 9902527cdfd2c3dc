import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline: { name: string; value: number; unit: string };
  /** What the issue asks for, e.g. "<= 2x baseline"; printed, never enforced. */
  goal?: string;
}

/** Median time of one call to `fn`, in microseconds, after a warm-up. */
export async function medianMicros(fn: () => Promise<unknown>, rounds = 15, callsPerRound = 2000): Promise<number> {
  for (let i = 0; i < callsPerRound; i++) await fn();
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const start = performance.now();
    for (let i = 0; i < callsPerRound; i++) await fn();
    samples.push(((performance.now() - start) * 1000) / callsPerRound);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? Number.NaN;
}

/** One line per figure, the baseline measured in the same run beside it. */
export function formatFigure(figure: Figure): string {
  const ratio = figure.value / figure.baseline.value;
  const goal = figure.goal ? `; goal ${figure.goal}` : '';
  return (
    `${figure.name}: ${figure.value.toFixed(2)} ${figure.unit}` +
    ` (baseline ${figure.baseline.name}: ${figure.baseline.value.toFixed(2)} ${figure.baseline.unit};` +
    ` ratio ${ratio.toFixed(2)}x${goal})`
  );
}

/** The longest event-loop stall (ms) of this process while `work` runs (5 ms resolution). */
export async function maxStallMs(work: () => Promise<unknown>): Promise<number> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  await work();
  histogram.disable();
  return histogram.max / 1e6;
}

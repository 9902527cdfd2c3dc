import { benchAgeStream } from './ageStream.bench';
import { benchIpcDispatch } from './ipcDispatch.bench';
import { benchUnlockStall } from './unlockStall.bench';
import { formatFigure } from './measure';
import type { Figure } from './measure';

// `npm run bench`: prints one line per figure, each beside a baseline measured in this same run
// (the machines are shared and noisy, so absolute numbers mean little). Never fails a build.

const benches: [string, () => Promise<Figure[]>][] = [
  ['ipc', benchIpcDispatch],
  ['age', benchAgeStream],
  ['unlock', benchUnlockStall],
];

for (const [name, bench] of benches) {
  try {
    for (const figure of await bench()) console.log(formatFigure(figure));
  } catch (error) {
    console.log(`${name}: failed to run (${error instanceof Error ? error.message : String(error)})`);
  }
}

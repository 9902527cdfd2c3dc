import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCoreHandlers } from '../src/core/handlers';
import { dispatch } from '../src/shared/ipc/dispatch';
import type { Figure } from './measure';
import { medianMicros } from './measure';

/** Cost of the IPC edge (channel check, zod parse of input and output, error wrapping). */
export async function benchIpcDispatch(): Promise<Figure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'custodian-bench-'));
  try {
    const handlers = createCoreHandlers({ dataDir });
    const direct = await medianMicros(() => handlers['custodian:app.info']({}));
    const edged = await medianMicros(() => dispatch(handlers, 'custodian:app.info', {}));
    return [
      {
        name: 'ipc dispatch app.info',
        value: edged,
        unit: 'us/call',
        baseline: { name: 'direct core call', value: direct, unit: 'us/call' },
      },
    ];
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

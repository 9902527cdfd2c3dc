import { describe, expect, it } from 'vitest';
import { WritePipeline } from './writePipeline';

// The pipeline's promises, observed with hand-released writes: which stage may start when.

function gate() {
  let open!: () => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('WritePipeline', () => {
  it('prepares batches in order, starts each store at once, and keeps at most two stores in flight', async () => {
    const pipeline = new WritePipeline();
    const events: string[] = [];
    const stores = [gate(), gate(), gate()];
    const staged = (n: number) => () => {
      events.push(`prepare ${String(n)}`);
      return Promise.resolve(async () => {
        events.push(`store ${String(n)}`);
        await stores[n]?.promise;
        events.push(`stored ${String(n)}`);
      });
    };
    await pipeline.startStaged(staged(0));
    await pipeline.startStaged(staged(1));
    await tick();
    // Store 1 runs beside store 0: nothing waits for store 0 to call back.
    expect(events).toEqual(['prepare 0', 'store 0', 'prepare 1', 'store 1']);
    let third = false;
    const starting = pipeline.startStaged(staged(2)).then(() => (third = true));
    await tick();
    expect(third).toBe(false); // store 0 (the one before last) is still running
    stores[0]?.open();
    await starting;
    await tick();
    expect(events.slice(4)).toEqual(['stored 0', 'prepare 2', 'store 2']);
    let drained = false;
    const draining = pipeline.drain().then(() => (drained = true));
    stores[2]?.open();
    await tick();
    expect(drained).toBe(false); // store 1 is still running
    stores[1]?.open();
    await draining;
    expect(events.slice(-2).sort()).toEqual(['stored 1', 'stored 2']);
  });

  it('a one-stage write finishes before the next batch is prepared', async () => {
    const pipeline = new WritePipeline();
    const first = gate();
    const events: string[] = [];
    await pipeline.start(async () => {
      await first.promise;
      events.push('wrote 0');
    });
    const next = pipeline.start(() => {
      events.push('write 1');
      return Promise.resolve();
    });
    await tick();
    expect(events).toEqual([]);
    first.open();
    await next;
    await pipeline.drain();
    expect(events).toEqual(['wrote 0', 'write 1']);
  });

  it('drain rethrows the first failure, in batch order, after every store settled; settle never throws', async () => {
    const pipeline = new WritePipeline();
    const a = gate();
    const b = gate();
    await pipeline.startStaged(() => Promise.resolve(() => a.promise));
    await pipeline.startStaged(() => Promise.resolve(() => b.promise));
    b.fail(new Error('second'));
    await tick();
    let settled = false;
    const settling = pipeline.settle().then(() => (settled = true));
    const draining = pipeline.drain().catch((error: unknown) => error);
    await tick();
    expect(settled).toBe(false); // the first store is still running
    a.fail(new Error('first'));
    expect(((await draining) as Error).message).toBe('first');
    await settling;
    await expect(pipeline.startStaged(() => Promise.resolve(() => Promise.resolve()))).rejects.toThrow('first');
  });

  it('a start that fails on an earlier store still waits for the store running beside it', async () => {
    const pipeline = new WritePipeline();
    const a = gate();
    const b = gate();
    await pipeline.startStaged(() => Promise.resolve(() => a.promise));
    await pipeline.startStaged(() => Promise.resolve(() => b.promise));
    let failed = false;
    const third = pipeline.startStaged(() => Promise.resolve(() => Promise.resolve())).catch((error: unknown) => {
      failed = true;
      return error;
    });
    a.fail(new Error('disk full'));
    await tick();
    expect(failed).toBe(false); // store b is still running: the caller may not roll back yet
    b.open();
    expect(((await third) as Error).message).toBe('disk full');
  });
});

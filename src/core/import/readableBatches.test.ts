import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readableBatches } from './readableBatches';

/** A stream that pushes `items` over several ticks, then ends or fails. */
function slowStream(items: number[], end: 'end' | Error | 'close'): Readable {
  const stream = new Readable({ objectMode: true, read() {} });
  let next = 0;
  const tick = () => {
    if (next < items.length) {
      stream.push(items[next++]);
      stream.push(items[next++]);
      setImmediate(tick);
    } else if (end === 'end') stream.push(null);
    else if (end === 'close') stream.destroy();
    else stream.destroy(end);
  };
  setImmediate(tick);
  return stream;
}

async function collect(stream: Readable, max: number): Promise<{ batches: number[][]; error: unknown }> {
  const batches: number[][] = [];
  try {
    for await (const batch of readableBatches<number>(stream, max)) batches.push(batch);
  } catch (error) {
    return { batches, error };
  }
  return { batches, error: null };
}

describe('readableBatches', () => {
  it('gives every object in order, in batches no larger than asked, and stops at the end', async () => {
    const items = Array.from({ length: 1000 }, (_, i) => i);
    const { batches, error } = await collect(Readable.from(items), 64);
    expect(error).toBeNull();
    expect(batches.flat()).toEqual(items);
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(64);
    // Buffered objects are taken together: far fewer batches than objects.
    expect(batches.length).toBeLessThan(100);
  });

  it('waits for objects pushed later, then ends', async () => {
    const items = Array.from({ length: 40 }, (_, i) => i);
    const { batches, error } = await collect(slowStream(items, 'end'), 8);
    expect(error).toBeNull();
    expect(batches.flat()).toEqual(items);
  });

  it('throws a stream error after the objects read before it', async () => {
    const failure = new Error('broken record');
    const { batches, error } = await collect(slowStream([1, 2, 3, 4], failure), 100);
    expect(error).toBe(failure);
    expect(batches.flat()).toEqual([1, 2, 3, 4]);
    // Still buffered when the error comes: given first all the same.
    const buffered = new Readable({ objectMode: true, read() {} });
    buffered.push(5);
    buffered.push(6);
    buffered.destroy(failure);
    expect(await collect(buffered, 100)).toEqual({ batches: [[5, 6]], error: failure });
  });

  it('throws when the stream is closed before its end', async () => {
    const { error } = await collect(slowStream([1, 2], 'close'), 100);
    expect((error as { code?: string }).code).toBe('ERR_STREAM_PREMATURE_CLOSE');
  });

  it('destroys the stream when the loop is left early', async () => {
    const stream = slowStream(
      Array.from({ length: 100 }, (_, i) => i),
      'end',
    );
    for await (const batch of readableBatches<number>(stream, 4)) {
      expect(batch.length).toBeGreaterThan(0);
      break;
    }
    expect(stream.destroyed).toBe(true);
  });
});

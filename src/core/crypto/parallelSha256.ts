import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/**
 * The hashing thread: one SHA-256 over the slots of the shared ring it is told about, in order.
 * `[slot, length]` hashes that slot and answers the slot number (free again); `null` (the end)
 * is answered with the hex digest. CommonJS source run with `eval`, so it needs no file of its
 * own beside the bundle.
 */
const HASH_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const hash = require('node:crypto').createHash('sha256');
const ring = new Uint8Array(workerData.ring);
parentPort.on('message', (message) => {
  if (message === null) return parentPort.postMessage(hash.digest('hex'));
  const [slot, length] = message;
  hash.update(ring.subarray(slot * workerData.slotSize, slot * workerData.slotSize + length));
  parentPort.postMessage(slot);
});
`;

const SLOT_SIZE = 1024 * 1024;
const SLOTS = 8;

/**
 * SHA-256 of a stream computed on another thread, so that hashing (about 1.2 GB/s here) runs
 * beside the caller's own work on the same bytes (encryption) rather than before it. Each chunk
 * is copied once into a slot of a ring of shared memory (8 x 1 MiB, allocated once: fresh
 * buffers per chunk cost more in page faults than the copy), which the thread hashes in place.
 *
 * Small inputs do not pay for a thread: the first `threadFrom` bytes are only kept (copied);
 * an input that ends before then is hashed inline by `digest`, and one that grows past it
 * starts the thread and sends them first.
 *
 * Contract: `update` in order, awaiting each (it waits for a free slot: memory is bounded by
 * the ring), then `digest` once; `destroy` on any failure (stops the thread).
 */
export class ParallelSha256 {
  private early: Buffer[] = [];
  private earlyBytes = 0;
  private worker: Worker | null = null;
  private ring: Uint8Array | null = null;
  private readonly free: number[] = [];
  private failure: Error | null = null;
  private freed: (() => void) | null = null;

  constructor(private readonly threadFrom = 4 * 1024 * 1024) {}

  async update(chunk: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.worker !== null) return this.send(chunk);
    this.early.push(Buffer.from(chunk));
    this.earlyBytes += chunk.length;
    if (this.earlyBytes < this.threadFrom) return;
    this.startThread();
    const early = this.early;
    this.early = [];
    for (const piece of early) await this.send(piece);
  }

  /** The hex digest of everything given to `update`. */
  async digest(): Promise<string> {
    if (this.failure) throw this.failure;
    const worker = this.worker;
    if (worker === null) {
      const hash = createHash('sha256');
      for (const piece of this.early) hash.update(piece);
      this.early = [];
      return hash.digest('hex');
    }
    const answer = new Promise<string>((resolve, reject) => {
      worker.on('message', (message: unknown) => {
        if (typeof message === 'string') resolve(message);
      });
      worker.once('error', reject);
      worker.once('exit', () => {
        reject(new Error('the hashing thread stopped'));
      });
    });
    worker.postMessage(null);
    try {
      return await answer;
    } finally {
      await this.destroy();
    }
  }

  async destroy(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.early = [];
    this.ring = null;
    if (worker) await worker.terminate();
  }

  private startThread(): void {
    const shared = new SharedArrayBuffer(SLOT_SIZE * SLOTS);
    const worker = new Worker(HASH_THREAD, { eval: true, workerData: { ring: shared, slotSize: SLOT_SIZE } });
    worker.on('message', (message: unknown) => {
      if (typeof message !== 'number') return;
      this.free.push(message);
      this.wake();
    });
    worker.on('error', (error) => {
      this.failure = error;
      this.wake();
    });
    // An exit we did not ask for (destroy clears this.worker first) must not leave a caller waiting.
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      this.failure ??= new Error('the hashing thread stopped');
      this.wake();
    });
    this.ring = new Uint8Array(shared);
    this.free.push(...Array.from({ length: SLOTS }, (_, slot) => slot));
    this.worker = worker;
  }

  private wake(): void {
    const freed = this.freed;
    this.freed = null;
    freed?.();
  }

  /** Copies `chunk` into free slots (a slot at a time) and tells the thread to hash each. */
  private async send(chunk: Uint8Array): Promise<void> {
    for (let offset = 0; offset < chunk.length; offset += SLOT_SIZE) {
      while (this.free.length === 0 && !this.failure) await new Promise<void>((resolve) => (this.freed = resolve));
      if (this.failure) throw this.failure;
      const worker = this.worker;
      const ring = this.ring;
      const slot = this.free.shift();
      if (!worker || !ring || slot === undefined) throw new Error('the hashing thread has stopped');
      const piece = chunk.subarray(offset, offset + SLOT_SIZE);
      ring.set(piece, slot * SLOT_SIZE);
      worker.postMessage([slot, piece.length]);
    }
  }
}

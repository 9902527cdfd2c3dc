import { settledInOrder } from '../db/settledInOrder';

/** The second half of a batch: its SQL writes, run in batch order. */
export type StoreBatch = () => Promise<void>;

const ignore = () => undefined;

/**
 * Batches written while the next are read. Each batch has two stages:
 *
 * - prepare: runs once the previous batch's prepare has finished, so that its lookups see every
 *   earlier batch (a writer whose lookups read the vault does all its writing here and returns
 *   a no-op store; see `start`);
 * - store: the SQL writes it returns, started as soon as it is prepared, even while earlier
 *   stores still run: so the stores of different batches must commute (a staged writer's do:
 *   each writes rows no other batch touches, and audit entries carry their own numbers).
 *
 * So SQLite always has the next batch's statements queued on its own thread while this thread
 * parses and prepares the batch after (hashing, ids, audit leaves); a store that waited for the
 * previous one to call back here would leave SQLite idle whenever this thread is busy. At most
 * two stores are in flight: `startStaged` waits for the store before last.
 *
 * Hazard: the owner must `settle` before its transaction ends (commit or rollback), or a batch
 * in flight would run its statements after it.
 */
export class WritePipeline {
  private prepared: Promise<unknown> = Promise.resolve();
  private stored: Promise<void> = Promise.resolve();
  private storedBefore: Promise<void> = Promise.resolve();
  /** Every store so far. */
  private all: Promise<unknown> = Promise.resolve();

  /** Starts a batch written in one stage (lookups and writes together). */
  start(write: () => Promise<void>): Promise<void> {
    return this.startStaged(async () => {
      await write();
      return () => Promise.resolve();
    });
  }

  /** Waits for room (rethrowing an earlier batch's error), then starts `prepare` without waiting for it. */
  async startStaged(prepare: () => Promise<StoreBatch>): Promise<void> {
    try {
      await this.storedBefore;
      await this.prepared;
    } catch (error) {
      // Another store may still be running: nothing may outlive the failure that ends the
      // transaction, so wait for every store before reporting it.
      await this.settle();
      throw error;
    }
    const prepared = prepare();
    const stored = prepared.then((store) => store());
    prepared.catch(ignore); // observed through `stored`
    stored.catch(ignore); // observed by the next start, drain or settle
    this.prepared = prepared;
    this.storedBefore = this.stored;
    this.stored = stored;
    // Settles when every store has settled; rejects with the first failure.
    const before = this.all;
    this.all = settledInOrder(before, stored);
    this.all.catch(ignore);
  }

  /** Waits for every batch, rethrowing the first error. */
  async drain(): Promise<void> {
    await this.all;
  }

  /** Waits for every batch, ignoring outcomes. */
  async settle(): Promise<void> {
    await this.all.catch(ignore);
  }
}

/**
 * One batch written while the next is read: SQLite writes on its own thread while the import
 * parses and validates the next rows here. Writes run one at a time, in order, so each batch's
 * lookups see every earlier batch.
 *
 * Hazard: the owner must `settle` before its transaction ends (commit or rollback), or the batch
 * in flight would run its statements after it.
 */
export class WritePipeline {
  private inFlight: Promise<void> = Promise.resolve();

  /** Waits for the write in flight (rethrowing its error), then starts `write` without waiting for it. */
  async start(write: () => Promise<void>): Promise<void> {
    await this.inFlight;
    const next = write();
    next.catch(() => undefined); // observed by the next start, drain or settle
    this.inFlight = next;
  }

  /** Waits for the write in flight, rethrowing its error. */
  async drain(): Promise<void> {
    await this.inFlight;
  }

  /** Waits for the write in flight, ignoring its outcome. */
  async settle(): Promise<void> {
    await this.inFlight.catch(() => undefined);
  }
}

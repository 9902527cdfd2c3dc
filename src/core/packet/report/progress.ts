import type { PacketModel } from '../packetModel';

// Progress of one report: a total known from the model before drawing starts, steps per
// section and per table row (rows reported in batches), never backwards, ending exactly at the
// total. It also yields to the event loop between sections so a cancel can be heard.

const ROW_BATCH = 500;

export class Progress {
  readonly total: number;
  private done = 0;
  private sinceReport = 0;

  constructor(
    model: PacketModel,
    private readonly onProgress?: (done: number, total: number) => void,
  ) {
    const exceptions = model.requirements.reduce((sum, requirement) => sum + requirement.exceptions.length, 0);
    // cover, readiness, one per requirement and per row, evidence, requests, custody, checkpoint,
    // contents, pages, file.
    this.total = 2 + model.requirements.length + exceptions + model.evidence.length + (model.requests?.length ?? 0) + model.custody.length + 4;
  }

  /** A row of a long table: reported in batches. */
  row(): void {
    this.done++;
    if (++this.sinceReport >= ROW_BATCH) this.report();
  }

  step(count: number): void {
    this.done += count;
    this.report();
  }

  /** Lets the event loop run (a cancel, a progress message) between sections. */
  async yield(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  finish(): void {
    this.done = this.total;
    this.report();
  }

  private report(): void {
    this.sinceReport = 0;
    this.onProgress?.(Math.min(this.done, this.total), this.total);
  }
}

import type { WritableDb } from '../database';

/** One schema step. Versions go up in steps of 10; a migration never changes once released. */
export interface Migration {
  version: number;
  name: string;
  up(db: WritableDb): void;
}

/**
 * Where an unlock stands while it upgrades the vault's database to this version's schema (the
 * first unlock after an update). Each step is one migration, run inside one transaction with
 * the others: an interrupted upgrade leaves the vault as it was, and the next unlock runs it
 * again. `compacting` is the rebuild (VACUUM) that follows, when a step freed pages and the file
 * is at most 128 MiB; an interrupted rebuild leaves those pages free (SQLite reuses them).
 *
 * Plain data: core reports it, the owner of core's worker keeps the latest (the worker is busy
 * inside the step and cannot answer), the renderer polls it while its unlock is pending.
 */
export interface VaultUpgrade {
  phase: 'migrating' | 'compacting';
  /** The schema the vault had, and the one this version writes. */
  fromVersion: number;
  toVersion: number;
  /** 1-based: the step now running (`steps` while compacting). */
  step: number;
  steps: number;
  /** The running step's name, e.g. "compact completions". */
  name: string;
  /** When the upgrade began (ms since the epoch, this machine's clock). */
  startedAt: number;
}

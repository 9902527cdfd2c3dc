import { AsyncLocalStorage } from 'node:async_hooks';
import { chmodSync, closeSync, openSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { rm } from 'node:fs/promises';
import Database from 'better-sqlite3-multiple-ciphers';
import type { Statement } from 'better-sqlite3-multiple-ciphers';
import { CustodianError } from '../../shared/errors';

const DISK_FULL = 'The disk holding the vault is full: nothing was written. Free some space and try again.';
const NEARLY_FULL_BYTES = 4 * 1024 * 1024;

/** Whether the file system holding `file` has (almost) no room left. */
function diskFull(file: string): boolean {
  try {
    const stats = statfsSync(dirname(file));
    return stats.bavail * stats.bsize < NEARLY_FULL_BYTES;
  } catch {
    return false;
  }
}

export type SqlValue = string | number | bigint | Buffer | null;
export type SqlParams = readonly SqlValue[];

declare const writableBrand: unique symbol;

/**
 * A handle that may only read: it has no `run` or `exec`, and `all`/`get` refuse any statement
 * SQLite does not report as read-only (an `INSERT ... RETURNING` through `all` throws).
 */
export interface ReadableDb {
  all<T>(sql: string, params?: SqlParams): T[];
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the row's shape, as with `all`
  get<T>(sql: string, params?: SqlParams): T | undefined;
}

/**
 * A handle inside a transaction: every write goes through one of these. Branded, so that no
 * object can pass for one structurally; only `VaultDatabase.transaction` makes them.
 */
export interface WritableDb extends ReadableDb {
  readonly [writableBrand]: true;
  run(sql: string, params?: SqlParams): { changes: number; lastID: number };
  /**
   * Runs one statement (anonymous `?` parameters) once per row, prepared once: a bulk insert
   * costs one native call a row and nothing else. Returns the rows changed in all.
   */
  runMany(sql: string, rows: readonly SqlParams[]): number;
  /** Runs one or more statements without parameters (DDL, pragmas). */
  exec(sql: string): void;
}

/**
 * The driver's compiled addon, when not the one npm built for this Node: Electron's main
 * process passes the copy built for Electron's ABI (scripts/electron-native.mjs). Set once,
 * before the first open.
 */
let nativeBinding: string | undefined;

export function useNativeBinding(file: string): void {
  nativeBinding = file;
}

/**
 * Every vault connection's settings, after its key. A 64 MiB page cache: every page read from
 * disk is also a decryption, and a bulk import touches many pages before it commits. Temporary
 * tables, indexes and sorts (an import's index rebuild, GROUP BY) stay in memory: temporary
 * files are not encrypted, and this build's default (SQLITE_TEMP_STORE=1) would write them to
 * disk without the pragma. (Exported for the import benchmark's encrypted baseline.)
 */
export const CONNECTION_PRAGMAS =
  'PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;';

/** A handle used after its read or transaction ended: a bug, so it throws. */
const ENDED = 'the read or transaction this handle belongs to has ended';

/** Prepared statements kept per connection (SQL text is code, never user input, so few). */
const STATEMENT_CACHE_LIMIT = 256;

/** `?1`, `?2`...: better-sqlite3 binds these by name, so the array becomes `{ 1: a, 2: b }`. */
const NUMBERED_PARAMETER = /\?\d/;

/**
 * Pragmas a read handle may run, and only as reads (no `=`, no argument). SQLite reports some
 * pragmas as read-only statements although they change the connection or the file (`optimize`
 * runs ANALYZE; `secure_delete = OFF`, `key`, `cipher` reconfigure it), so every other pragma is
 * refused on a read handle.
 */
const READABLE_PRAGMAS = new Set([
  'user_version',
  'temp_store',
  'compile_options',
  'freelist_count',
  'page_count',
  'page_size',
  'integrity_check',
  'quick_check',
  'foreign_key_check',
  'table_info',
  'index_list',
  'data_version',
]);
const READABLE_PRAGMA = /^\s*PRAGMA\s+(?:main\.)?([a-z_]+)\s*(?:\(\s*[a-z_]+\s*\))?\s*;?\s*$/i;

/** Any statement that mentions PRAGMA must be one of the above, bare (or `table_info(t)`). */
function readablePragma(sql: string): boolean {
  if (!/\bpragma\b/i.test(sql)) return true;
  const match = READABLE_PRAGMA.exec(sql);
  const name = match?.[1]?.toLowerCase() ?? '';
  return READABLE_PRAGMAS.has(name) && (!sql.includes('(') || name === 'table_info' || name === 'index_list');
}

interface Prepared {
  statement: Statement;
  numbered: boolean;
}

function bind(params: SqlParams, numbered: boolean): unknown[] {
  if (!numbered) return params as unknown[];
  return [Object.fromEntries(params.map((value, index) => [String(index + 1), value]))];
}

/**
 * One SQLCipher 4 connection, keyed with the raw 256-bit data key, used synchronously (in
 * core's worker, never on Electron's main loop). Work is serialised: a transaction may await
 * (an import reads its file between batches), and everything else waits until it ends, so no
 * statement from elsewhere can land inside it.
 */
export class VaultDatabase {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly statements = new Map<string, Prepared>();
  /** Set while this connection's queued work runs (and in everything that work awaits). */
  private readonly inside = new AsyncLocalStorage<VaultDatabase>();

  private constructor(private readonly db: Database.Database) {}

  /**
   * Opens (or creates) `file` with the raw key and the vault's pragmas, and proves the key by
   * reading `sqlite_master`.
   *
   * Hazard: the key travels to SQLite as a hex string inside the PRAGMA text; JavaScript cannot
   * wipe strings. Never log SQL from this function.
   * @throws CustodianError('wrong_key') when the key does not open the file.
   */
  static open(file: string, dataKey: Uint8Array): VaultDatabase {
    if (dataKey.length !== 32) throw new Error('the database key must be 32 bytes');
    // Owner-only from the first byte (SQLite creates files 0644; -wal and -shm copy this mode).
    closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
    try {
      return VaultDatabase.openWith(file, dataKey, false);
    } catch (error) {
      if (!diskFull(file)) throw error;
      // SQLite cannot create the WAL index (-shm) on a full disk. In exclusive locking mode it
      // keeps that index in memory, so the vault still opens for reading (stats, status,
      // log verify); writes then fail as disk_full. Other processes wait while it is open.
      try {
        return VaultDatabase.openWith(file, dataKey, true);
      } catch {
        throw new CustodianError('disk_full', DISK_FULL);
      }
    }
  }

  private static openWith(file: string, dataKey: Uint8Array, exclusive: boolean): VaultDatabase {
    const db = new Database(file, nativeBinding ? { nativeBinding } : {});
    try {
      keyConnection(db, dataKey);
      if (exclusive) db.pragma('locking_mode = EXCLUSIVE');
      try {
        db.prepare('SELECT count(*) AS n FROM sqlite_master').get();
      } catch {
        throw new CustodianError('wrong_key', 'The vault database could not be opened with this key: it is corrupt or belongs to another vault.');
      }
      db.exec(CONNECTION_PRAGMAS);
      if (db.pragma('journal_mode', { simple: true }) !== 'wal') throw new Error('could not enable WAL');
    } catch (error) {
      db.close();
      throw error;
    }
    return new VaultDatabase(db);
  }

  private enqueue<T>(work: () => T | Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new CustodianError('vault_locked', 'The vault is locked.'));
    // Work queued from inside queued work would wait for itself forever (and hold the vault
    // open, so locking could not wipe the key): a bug, refused at once.
    if (this.inside.getStore() === this) return Promise.reject(new Error('a read or transaction was started inside another on the same connection'));
    const run = () => this.inside.run(this, work);
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private statement(sql: string): Prepared {
    let prepared = this.statements.get(sql);
    if (prepared) {
      // Most recently used last, so the oldest is the first evicted.
      this.statements.delete(sql);
    } else {
      prepared = { statement: this.db.prepare(sql), numbered: NUMBERED_PARAMETER.test(sql) };
      if (this.statements.size >= STATEMENT_CACHE_LIMIT) {
        const oldest = this.statements.keys().next().value;
        if (oldest !== undefined) this.statements.delete(oldest);
      }
    }
    this.statements.set(sql, prepared);
    return prepared;
  }

  private readStatement(sql: string): Prepared {
    // Pragmas are checked before preparing: some (`key`) take effect when prepared.
    if (!readablePragma(sql)) throw new Error('a read handle cannot run a statement that writes');
    const prepared = this.statement(sql);
    if (!prepared.statement.readonly) throw new Error('a read handle cannot run a statement that writes');
    return prepared;
  }

  /** A handle valid while `live()` is true. */
  private handle(live: () => boolean, writable: boolean): WritableDb {
    const check = () => {
      if (!live()) throw new Error(ENDED);
    };
    const pick = writable ? (sql: string) => this.statement(sql) : (sql: string) => this.readStatement(sql);
    // Rows are typed by the caller's `T` (the SQL decides their shape; nothing checks it).
    const readable: ReadableDb = {
      all: (sql: string, params: SqlParams = []) => {
        check();
        const { statement, numbered } = pick(sql);
        return statement.all(...bind(params, numbered)) as never[];
      },
      get: (sql: string, params: SqlParams = []) => {
        check();
        const { statement, numbered } = pick(sql);
        return statement.get(...bind(params, numbered)) as never;
      },
    };
    if (!writable) return readable as WritableDb;
    return Object.assign(readable, {
      run: (sql: string, params: SqlParams = []) => {
        check();
        const { statement, numbered } = this.statement(sql);
        const { changes, lastInsertRowid } = statement.run(...bind(params, numbered));
        return { changes, lastID: Number(lastInsertRowid) };
      },
      runMany: (sql: string, rows: readonly SqlParams[]) => {
        check();
        const { statement, numbered } = this.statement(sql);
        if (numbered) throw new Error('runMany takes anonymous parameters only');
        let changes = 0;
        for (const row of rows) changes += statement.run(...row).changes;
        return changes;
      },
      exec: (sql: string) => {
        check();
        this.db.exec(sql);
      },
    }) as unknown as WritableDb;
  }

  /**
   * Reads outside any transaction. `work` may await; the handle is valid until it settles.
   */
  read<T>(work: (db: ReadableDb) => T | Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      let live = true;
      try {
        return await work(this.handle(() => live, false));
      } finally {
        live = false;
      }
    });
  }

  /**
   * Runs `work` in one IMMEDIATE transaction: all of it commits, or none of it does. `work` may
   * await (nothing else runs on this connection meanwhile); its handle dies when it settles.
   */
  transaction<T>(work: (db: WritableDb) => T | Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      let live = true;
      try {
        // Waits up to the driver's busy timeout (5 s) for another process's write to finish.
        this.db.exec('BEGIN IMMEDIATE');
      } catch (error) {
        if ((error as { code?: unknown }).code === 'SQLITE_FULL') throw new CustodianError('disk_full', DISK_FULL);
        if ((error as { code?: unknown }).code === 'SQLITE_BUSY') {
          throw new CustodianError(
            'conflict',
            'The vault is in use: another Custodian process (an import, perhaps) is writing to it. Try again when it has finished.',
          );
        }
        throw error;
      }
      try {
        const result = await work(this.handle(() => live, true));
        live = false;
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        live = false;
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        // All or nothing: the rollback above undid every row; say so in the user's words.
        if ((error as { code?: unknown }).code === 'SQLITE_FULL') throw new CustodianError('disk_full', DISK_FULL);
        throw error;
      }
    });
  }

  /**
   * Checks every page in use: each read of an encrypted page verifies its HMAC (SQLCipher 4),
   * and `integrity_check` reads every page reachable from the schema, so a flipped byte in any
   * of them is reported. Free pages are not read (with `secure_delete` they hold no data);
   * SQLCipher's `cipher_integrity_check`, which reads those too, does not exist in this build.
   * @returns 'ok', or SQLite's first complaints.
   */
  checkIntegrity(): Promise<string> {
    return this.enqueue(() => {
      try {
        const rows = this.db.pragma('integrity_check') as { integrity_check: string }[];
        return rows.map((r) => r.integrity_check).join('; ');
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    });
  }

  /**
   * Writes a consistent copy of the whole database (schema, rows, user_version) to `targetFile`,
   * a new file encrypted exactly as the vault's own (SQLCipher 4, the same raw key), with
   * `VACUUM INTO`: one read transaction, so every table comes from the same state even if
   * another process writes to the vault meanwhile.
   *
   * Errors are replaced by a generic one so that nothing from the statement reaches a log.
   * @throws CustodianError('conflict') if `targetFile` exists; ('internal') if the copy fails.
   */
  exportEncryptedCopy(targetFile: string): Promise<void> {
    return this.enqueue(async () => {
      try {
        closeSync(openSync(targetFile, 'wx', 0o600));
      } catch {
        throw new CustodianError('conflict', 'Could not create the file for the database copy (it exists or the folder is not writable).');
      }
      try {
        this.db.prepare('VACUUM INTO ?').run(targetFile);
      } catch {
        await rm(targetFile, { force: true });
        throw new CustodianError('internal', 'Could not write an encrypted copy of the vault database.');
      }
    });
  }

  /**
   * Re-encrypts every page under `newKey` (rotating the data key). SQLite3 Multiple Ciphers
   * cannot rekey in WAL mode, so the journal goes back to DELETE for the rekey and to WAL after;
   * the WAL is checkpointed first, so no page is left under the old key. The caller re-wraps the
   * new key in every slot and re-seals the header: until then the vault opens with neither.
   *
   * Hazard: the key travels as hex inside the PRAGMA text; never log it.
   */
  rekey(newKey: Uint8Array): Promise<void> {
    if (newKey.length !== 32) return Promise.reject(new Error('the database key must be 32 bytes'));
    return this.enqueue(() => {
      this.statements.clear();
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      if (this.db.pragma('journal_mode = DELETE', { simple: true }) !== 'delete') throw new Error('could not leave WAL mode to rekey');
      try {
        this.db.exec(`PRAGMA rekey = "x'${Buffer.from(newKey).toString('hex')}'"`);
      } finally {
        // Back to WAL whatever happened; failing that, the vault must not be used as it is.
        if (this.db.pragma('journal_mode = WAL', { simple: true }) !== 'wal') {
          this.closed = true;
          this.db.close();
        }
      }
      if (this.closed) throw new Error('could not return to WAL mode after rekeying; the database was closed');
    });
  }

  /**
   * Rebuilds the file without free pages (`VACUUM`) if it has any and is at most `maxBytes`.
   * Free pages are not read by `checkIntegrity` (they hold nothing: `secure_delete` zeroes them,
   * and SQLite reuses them before growing the file), so a vault should keep none; a migration
   * that drops a table calls this after it commits. Hazard: with `temp_store = MEMORY` (temporary
   * files would be plaintext) VACUUM builds the new database in memory, as large as the file:
   * hence the bound. It cannot run in a transaction.
   * `beforeVacuum` is called (synchronously) only when it will rebuild.
   * @returns the number of free pages reclaimed (0 if none, or the file is over the bound).
   */
  reclaimFreePages(maxBytes = 128 * 1024 * 1024, beforeVacuum?: () => void): Promise<number> {
    return this.enqueue(() => {
      const free = Number(this.db.pragma('freelist_count', { simple: true }));
      const bytes = Number(this.db.pragma('page_count', { simple: true })) * Number(this.db.pragma('page_size', { simple: true }));
      if (free > 0 && bytes <= maxBytes) {
        beforeVacuum?.();
        this.statements.clear();
        this.db.exec('VACUUM');
        return free;
      }
      return 0;
    });
  }

  /** Refuses new work at once, waits for the work already queued, then closes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    this.statements.clear();
    if (this.db.open) this.db.close();
  }
}

/**
 * Puts a fresh connection in SQLCipher 4 mode and gives it the raw key. Must be the first thing
 * done on the connection. Hazard: never log the SQL built here.
 */
export function keyConnection(db: Database.Database, dataKey: Uint8Array): void {
  db.pragma("cipher = 'sqlcipher'");
  db.pragma('legacy = 4');
  db.exec(`PRAGMA key = "x'${Buffer.from(dataKey).toString('hex')}'"`);
}

import { chmod, open, rm } from 'node:fs/promises';
import sqlite3 from '@journeyapps/sqlcipher';
import { CustodianError } from '../../shared/errors';

export type SqlValue = string | number | bigint | Buffer | null;
export type SqlParams = readonly SqlValue[] | Record<string, SqlValue>;

/** A handle that may only read. The brand keeps a WritableDb from being faked structurally. */
export interface ReadableDb {
  readonly kind: 'readable' | 'writable';
  all<T>(sql: string, params?: SqlParams): Promise<T[]>;
  get<T>(sql: string, params?: SqlParams): Promise<T | undefined>;
  /**
   * `all` with a statement prepared once per read or transaction: runs of it queue on SQLite's
   * thread without coming back to this one in between, so several issued at once are read
   * while this thread works on the answers already in (see `runCached`).
   */
  allCached<T>(sql: string, params?: SqlParams): Promise<T[]>;
}

/** A handle inside a transaction: every write goes through one of these. */
export interface WritableDb extends ReadableDb {
  readonly kind: 'writable';
  run(sql: string, params?: SqlParams): Promise<{ changes: number; lastID: number }>;
  /**
   * `run` with a statement prepared once per transaction, for statements issued many times
   * (bulk inserts). Besides sparing the parse, it keeps SQLite busy while this thread is: `run`
   * prepares on SQLite's thread and then needs this thread to start the statement, so a busy
   * main thread leaves SQLite idle; a prepared statement runs without coming back here
   * (measured: a 180 ms insert beside 180 ms of JavaScript took 350 ms with `run`, 200 ms so).
   */
  runCached(sql: string, params?: SqlParams): Promise<{ changes: number; lastID: number }>;
  exec(sql: string): Promise<void>;
}

/**
 * Statements prepared by `runCached` and `allCached` for one read or transaction, which closes
 * it before it ends (a transaction: before COMMIT or ROLLBACK): from then on both refuse, and
 * `close` waits for every run in flight, so that no statement issued inside can run after it
 * (a transaction's in autocommit).
 */
class StatementCache {
  private readonly statements = new Map<string, Promise<sqlite3.Statement>>();
  private readonly running = new Set<Promise<unknown>>();
  private closed = false;

  constructor(private readonly db: sqlite3.Database) {}

  run(sql: string, params: SqlParams): Promise<{ changes: number; lastID: number }> {
    return this.track(
      sql,
      (statement) =>
        new Promise<{ changes: number; lastID: number }>((resolve, reject) => {
          statement.run(params, function (this: sqlite3.RunResult, error: Error | null) {
            if (error) reject(error);
            else resolve({ changes: this.changes, lastID: this.lastID });
          });
        }),
    );
  }

  all<T>(sql: string, params: SqlParams): Promise<T[]> {
    return this.track(
      sql,
      (statement) =>
        new Promise<T[]>((resolve, reject) => {
          statement.all(params, (error: Error | null, rows: T[]) => {
            if (error) reject(error);
            else resolve(rows);
          });
        }),
    );
  }

  private track<R>(sql: string, use: (statement: sqlite3.Statement) => Promise<R>): Promise<R> {
    if (this.closed) return Promise.reject(new Error('the read or transaction it belongs to has ended'));
    const result = this.get(sql).then(use);
    const tracked = result.catch(() => undefined).finally(() => this.running.delete(tracked));
    this.running.add(tracked);
    return result;
  }

  private get(sql: string): Promise<sqlite3.Statement> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = new Promise<sqlite3.Statement>((resolve, reject) => {
        const prepared: sqlite3.Statement = this.db.prepare(sql, (error: Error | null) => {
          if (error) reject(error);
          else resolve(prepared);
        });
      });
      // A statement that fails to prepare is not kept (its error reaches the caller).
      statement.catch(() => this.statements.delete(sql));
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Refuses new runs and waits for those in flight. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.running.size > 0) await Promise.all(this.running);
  }

  /** Finalizes every statement (after `close`). */
  async finalizeAll(): Promise<void> {
    const statements = [...this.statements.values()];
    this.statements.clear();
    await Promise.all(
      statements.map(async (pending) => {
        const statement = await pending.catch(() => null);
        if (statement) await new Promise<void>((resolve) => statement.finalize(() => resolve()));
      }),
    );
  }
}

function handle(db: sqlite3.Database, kind: 'readable', statements?: StatementCache): ReadableDb;
function handle(db: sqlite3.Database, kind: 'writable', statements?: StatementCache): WritableDb;
function handle(db: sqlite3.Database, kind: 'readable' | 'writable', statements?: StatementCache): WritableDb {
  return {
    kind: kind as 'writable',
    all: <T>(sql: string, params: SqlParams = []) =>
      new Promise<T[]>((resolve, reject) => {
        db.all(sql, params, (error: Error | null, rows: T[]) => {
          if (error) reject(error);
          else resolve(rows);
        });
      }),
    get: <T>(sql: string, params: SqlParams = []) =>
      new Promise<T | undefined>((resolve, reject) => {
        db.get(sql, params, (error: Error | null, row: T | undefined) => {
          if (error) reject(error);
          else resolve(row);
        });
      }),
    run: (sql: string, params: SqlParams = []) =>
      new Promise((resolve, reject) => {
        db.run(sql, params, function (this: sqlite3.RunResult, error: Error | null) {
          if (error) reject(error);
          else resolve({ changes: this.changes, lastID: this.lastID });
        });
      }),
    runCached: (sql: string, params: SqlParams = []) => (statements ? statements.run(sql, params) : Promise.reject(new Error('runCached needs a transaction'))),
    allCached: <T>(sql: string, params: SqlParams = []) => (statements ? statements.all<T>(sql, params) : Promise.reject(new Error('allCached needs a read or a transaction'))),
    exec: (sql: string) =>
      new Promise<void>((resolve, reject) => {
        db.exec(sql, (error: Error | null) => {
          if (error) reject(error);
          else resolve();
        });
      }),
  };
}

/**
 * One SQLCipher 4 connection, keyed with the raw 256-bit data key. All work is serialised:
 * a transaction runs alone, and reads outside transactions queue behind it.
 */
export class VaultDatabase {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(private readonly db: sqlite3.Database) {}

  /**
   * Opens (or creates) `file` with the raw key and the vault's pragmas, and proves the key by
   * reading `sqlite_master`.
   *
   * Hazard: the key travels to SQLite as a hex string inside the PRAGMA text; JavaScript cannot
   * wipe strings. Never log SQL from this function.
   * @throws CustodianError('wrong_key') when the key does not open the file.
   */
  static async open(file: string, dataKey: Uint8Array): Promise<VaultDatabase> {
    if (dataKey.length !== 32) throw new Error('the database key must be 32 bytes');
    // Owner-only from the first byte (SQLite creates files 0644; -wal and -shm copy this mode).
    await (await open(file, 'a', 0o600)).close();
    await chmod(file, 0o600);
    const db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const opened: sqlite3.Database = new sqlite3.Database(file, (error: Error | null) => {
        if (error) reject(error);
        else resolve(opened);
      });
    });
    const raw = handle(db, 'writable');
    try {
      // SQLCipher's own log goes to stderr; keep it quiet (errors still surface as exceptions).
      await raw.exec('PRAGMA cipher_log_level = NONE;');
      await raw.exec(`PRAGMA key = "x'${Buffer.from(dataKey).toString('hex')}'";`);
      try {
        await raw.get('SELECT count(*) AS n FROM sqlite_master');
      } catch {
        throw new CustodianError('wrong_key', 'The vault database could not be opened with this key: it is corrupt or belongs to another vault.');
      }
      // A 64 MiB page cache: every page read from disk is also an AES decryption, and a bulk
      // import touches many pages before it commits. Temporary tables, indexes and sorts (an
      // import's index rebuild, GROUP BY) stay in memory: SQLCipher does not encrypt temporary
      // files. This build defaults to memory (SQLITE_TEMP_STORE=2); the pragma pins it anyway.
      await raw.exec(
        'PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;',
      );
      const mode = await raw.get<{ journal_mode: string }>('PRAGMA journal_mode');
      if (mode?.journal_mode !== 'wal') throw new Error('could not enable WAL');
    } catch (error) {
      await new Promise<void>((resolve) => {
        db.close(() => {
          resolve();
        });
      });
      throw error;
    }
    return new VaultDatabase(db);
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new CustodianError('vault_locked', 'The vault is locked.'));
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Reads outside any transaction. */
  read<T>(work: (db: ReadableDb) => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      const statements = new StatementCache(this.db);
      try {
        return await work(handle(this.db, 'readable', statements));
      } finally {
        await statements.close();
        await statements.finalizeAll();
      }
    });
  }

  /**
   * Runs `work` in one IMMEDIATE transaction: all of it commits, or none of it does.
   */
  transaction<T>(work: (db: WritableDb) => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      const statements = new StatementCache(this.db);
      const db = handle(this.db, 'writable', statements);
      await db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(db);
        await statements.close();
        await db.exec('COMMIT');
        return result;
      } catch (error) {
        await statements.close();
        await db.exec('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        await statements.finalizeAll();
      }
    });
  }

  /**
   * Writes a consistent copy of the whole database (schema, rows, user_version) to `targetFile`,
   * a new file encrypted with `dataKey` exactly as the vault's own (SQLCipher 4, raw key), via
   * ATTACH ... KEY and sqlcipher_export. Runs alone in the serial queue, so no transaction of
   * this connection is half-way through, and the copy is made in one transaction.
   *
   * Hazard: the key travels to SQLite as a bound hex string. Errors are replaced by a generic
   * one so that nothing from the statement reaches a log.
   * @throws CustodianError('conflict') if `targetFile` exists; ('internal') if the export fails.
   */
  exportEncryptedCopy(targetFile: string, dataKey: Uint8Array): Promise<void> {
    if (dataKey.length !== 32) return Promise.reject(new Error('the database key must be 32 bytes'));
    return this.enqueue(async () => {
      try {
        await (await open(targetFile, 'wx', 0o600)).close();
      } catch {
        throw new CustodianError('conflict', 'Could not create the file for the database copy (it exists or the folder is not writable).');
      }
      const raw = handle(this.db, 'writable');
      try {
        await raw.run('ATTACH DATABASE ? AS custodian_export KEY ?', [targetFile, `x'${Buffer.from(dataKey).toString('hex')}'`]);
        try {
          // One transaction: every table is copied from the same state, even if another
          // process writes to the vault meanwhile.
          await raw.exec('BEGIN');
          await raw.get("SELECT sqlcipher_export('custodian_export')");
          // sqlcipher_export leaves user_version at 0; the schema version must travel with it.
          const version = await raw.get<{ user_version: number }>('PRAGMA main.user_version');
          await raw.exec(`PRAGMA custodian_export.user_version = ${String(Math.trunc(version?.user_version ?? 0))}`);
          await raw.exec('COMMIT');
        } catch (error) {
          await raw.exec('ROLLBACK').catch(() => undefined);
          throw error;
        } finally {
          await raw.run('DETACH DATABASE custodian_export');
        }
      } catch {
        await rm(targetFile, { force: true });
        throw new CustodianError('internal', 'Could not write an encrypted copy of the vault database.');
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.queue;
    this.closed = true;
    await new Promise<void>((resolve, reject) => {
      this.db.close((error: Error | null) => {
        if (error) reject(error);
        else resolve();
      });
    });
  }
}

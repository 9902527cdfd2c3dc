import sqlite3 from '@journeyapps/sqlcipher';
import { CustodianError } from '../../shared/errors';

export type SqlValue = string | number | bigint | Buffer | null;
export type SqlParams = readonly SqlValue[] | Record<string, SqlValue>;

/** A handle that may only read. The brand keeps a WritableDb from being faked structurally. */
export interface ReadableDb {
  readonly kind: 'readable' | 'writable';
  all<T>(sql: string, params?: SqlParams): Promise<T[]>;
  get<T>(sql: string, params?: SqlParams): Promise<T | undefined>;
}

/** A handle inside a transaction: every write goes through one of these. */
export interface WritableDb extends ReadableDb {
  readonly kind: 'writable';
  run(sql: string, params?: SqlParams): Promise<{ changes: number; lastID: number }>;
  exec(sql: string): Promise<void>;
}

function handle(db: sqlite3.Database, kind: 'readable'): ReadableDb;
function handle(db: sqlite3.Database, kind: 'writable'): WritableDb;
function handle(db: sqlite3.Database, kind: 'readable' | 'writable'): WritableDb {
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
    const db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const opened: sqlite3.Database = new sqlite3.Database(file, (error: Error | null) => {
        if (error) reject(error);
        else resolve(opened);
      });
    });
    const raw = handle(db, 'writable');
    try {
      await raw.exec(`PRAGMA key = "x'${Buffer.from(dataKey).toString('hex')}'";`);
      try {
        await raw.get('SELECT count(*) AS n FROM sqlite_master');
      } catch {
        throw new CustodianError('wrong_key', 'The vault database could not be opened with this key: it is corrupt or belongs to another vault.');
      }
      await raw.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;');
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
    return this.enqueue(() => work(handle(this.db, 'readable')));
  }

  /**
   * Runs `work` in one IMMEDIATE transaction: all of it commits, or none of it does.
   */
  transaction<T>(work: (db: WritableDb) => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      const db = handle(this.db, 'writable');
      await db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(db);
        await db.exec('COMMIT');
        return result;
      } catch (error) {
        await db.exec('ROLLBACK').catch(() => undefined);
        throw error;
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

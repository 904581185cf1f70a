/**
 * The one module that talks to Kuzu. Everything else goes through `KuzuEngine`, so engine quirks
 * (lock errors, multi-statement results, result lifetimes) are handled in one place.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as kuzu from 'kuzu';
import { LockedError, RuntimeError } from '../core/errors';
import { detectEngine } from '../engines/detect';

export type Row = Record<string, unknown>;

export interface OpenOptions {
  readOnly?: boolean;
  /** Buffer pool size in bytes; 0 lets Kuzu choose. */
  bufferPoolSize?: number;
}

/** The installed Kuzu release, e.g. `0.11.3`. */
export function kuzuVersion(): string {
  return kuzu.Database.getVersion();
}

/** The storage version the installed Kuzu reads and writes (39 for 0.11.x). */
export function kuzuStorageVersion(): number {
  return Number(kuzu.Database.getStorageVersion());
}

/** Turns Kuzu's own messages into user-facing errors where we know what they mean. */
export function translateKuzuError(err: unknown, dbPath: string): Error {
  const message = err instanceof Error ? err.message : String(err);
  if (/Could not set lock on file/i.test(message)) {
    return new LockedError(`database ${dbPath} is open in another process`, [
      'close the other program (Kuzu Explorer, a shell, a server) that holds it, then run this again',
    ]);
  }
  if (/different version|storage version/i.test(message)) {
    return new RuntimeError(`database ${dbPath} was written by another Kuzu release: ${message}`, 'E_STORAGE_VERSION', [
      'run `kuzu-migrate doctor` to see which release wrote it',
    ]);
  }
  if (/cannot be a directory/i.test(message)) {
    return new RuntimeError(`database ${dbPath} is a directory (written by Kuzu 0.10 or older)`, 'E_STORAGE_VERSION', [
      'export it with the Kuzu release that wrote it and import it into a new 0.11 database',
    ]);
  }
  return err instanceof Error ? err : new Error(message);
}

export class KuzuEngine {
  private constructor(
    readonly path: string,
    private readonly db: kuzu.Database,
    private readonly conn: kuzu.Connection,
    readonly readOnly: boolean,
  ) {}

  /** Opens (and for a writable handle, creates) the database at `dbPath`. */
  static async open(dbPath: string, options: OpenOptions = {}): Promise<KuzuEngine> {
    const readOnly = options.readOnly ?? false;
    if (readOnly && !fs.existsSync(dbPath)) {
      throw new RuntimeError(`database ${dbPath} does not exist`, 'E_NO_DATABASE');
    }
    if (!readOnly) fs.mkdirSync(path.dirname(path.resolve(dbPath)), { recursive: true });
    // A database written by another release or engine: say so, and how to move it, before Kuzu's
    // own message (or worse, before Kuzu creates a file where a 0.10 folder is).
    const found = detectEngine(dbPath);
    if (found.needs_upgrade) {
      throw new RuntimeError(found.detail, 'E_STORAGE_VERSION', [`run \`kuzu-migrate upgrade --database ${dbPath}\` to move it to this Kuzu release`]);
    }
    let db: kuzu.Database | undefined;
    try {
      db = new kuzu.Database(dbPath, options.bufferPoolSize ?? 0, true, readOnly);
      await db.init();
      const conn = new kuzu.Connection(db);
      await conn.init();
      return new KuzuEngine(dbPath, db, conn, readOnly);
    } catch (err) {
      if (db) await db.close().catch(() => undefined);
      throw translateKuzuError(err, dbPath);
    }
  }

  /** Runs one statement and returns all rows. Results are closed before returning (kuzu#5545). */
  async query(statement: string): Promise<Row[]> {
    let result: kuzu.QueryResult | kuzu.QueryResult[];
    try {
      result = await this.conn.query(statement);
    } catch (err) {
      throw translateKuzuError(err, this.path);
    }
    return drain(result);
  }

  /** Runs one statement with parameters (values never inlined into Cypher). */
  async execute(statement: string, params: Record<string, unknown>): Promise<Row[]> {
    let result: kuzu.QueryResult | kuzu.QueryResult[];
    try {
      const prepared = await this.conn.prepare(statement);
      if (!prepared.isSuccess()) throw new Error(prepared.getErrorMessage());
      result = await this.conn.execute(prepared, params as Record<string, kuzu.KuzuValue>);
    } catch (err) {
      throw translateKuzuError(err, this.path);
    }
    return drain(result);
  }

  /** First column of the first row, for scalar queries. */
  async scalar<T = unknown>(statement: string): Promise<T> {
    const rows = await this.query(statement);
    if (rows.length === 0) throw new Error(`query returned no rows: ${statement}`);
    return Object.values(rows[0])[0] as T;
  }

  async close(): Promise<void> {
    await this.conn.close().catch(() => undefined);
    await this.db.close().catch(() => undefined);
  }
}

async function drain(result: kuzu.QueryResult | kuzu.QueryResult[]): Promise<Row[]> {
  // A multi-statement query returns several results; read all of them before closing any (a
  // closed first result makes later reads segfault, kuzu-notes §2).
  const results = Array.isArray(result) ? result : [result];
  const rowsPerResult: Row[][] = [];
  for (const r of results) rowsPerResult.push((await r.getAll()) as Row[]);
  for (const r of results) r.close();
  return rowsPerResult[rowsPerResult.length - 1] ?? [];
}

/** Opens a database, runs `fn`, and always closes it. */
export async function withEngine<T>(dbPath: string, options: OpenOptions, fn: (engine: KuzuEngine) => Promise<T>): Promise<T> {
  const engine = await KuzuEngine.open(dbPath, options);
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

/**
 * The one module that talks to an engine in this process. Everything else goes through
 * `KuzuEngine`, so engine quirks (lock errors, multi-statement results, result lifetimes) are
 * handled in one place.
 *
 * The engine is the configured one (`engine:` in kuzu-migrate.yaml, see configureEngine): the
 * bundled `kuzu` package, or LadybugDB (`@ladybugdb/core`) from the engine cache, installed there
 * on first use (src/engines/install.ts). Its native package is loaded lazily, at the first open,
 * and a process loads at most ONE native engine: with both `kuzu` and `@ladybugdb/core` required
 * into one Node process, each opens and queries its own database, and the process then dies with
 * SIGSEGV at exit (measured, both orders). Work on another release runs in a child process
 * (src/engines/process.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as kuzu from 'kuzu';
import { KuzuMigrateError, LockedError, RefusedError, RuntimeError } from '../core/errors';
import { statementCount } from '../core/cypher-guard';
import { detectEngine } from '../engines/detect';
import { adaptStatement } from '../engines/dialect';
import type { InstallEvent } from '../engines/install';
import { ENGINE_NAME, EngineKind, EngineRelease, findRelease, RELEASES } from '../engines/releases';
import { firstValue, type QueryRunner, type Row } from '../engines/runner';

export type { QueryRunner, Row };

export interface OpenOptions {
  readOnly?: boolean;
  /** Buffer pool size in bytes; 0 lets the engine choose. */
  bufferPoolSize?: number;
}

/** `kuzu` and `@ladybugdb/core` have the same Node API (LadybugDB is Kuzu's fork). */
type NativeModule = typeof kuzu;

export interface EngineSetup {
  /** Asked before a missing engine is downloaded; false (or no callback) refuses, changing nothing. */
  approveInstall?: (release: EngineRelease) => Promise<boolean>;
  /** Engine cache; default enginesDir() (`KUZU_MIGRATE_ENGINES_DIR`). */
  enginesDir?: string;
  onInstall?: (e: InstallEvent) => void;
}

const BUNDLED: EngineRelease = RELEASES.find((r) => r.bundled)!;
let selected: { release: EngineRelease; setup: EngineSetup } = { release: BUNDLED, setup: {} };
let loaded: { release: EngineRelease; native: NativeModule } | null = null;

/**
 * Chooses the engine this process opens databases with (default: the bundled Kuzu). Nothing is
 * loaded yet. Refused when another native engine is already loaded in this process.
 */
export function configureEngine(kind: EngineKind, setup: EngineSetup = {}): EngineRelease {
  const release = findRelease(kind);
  if (!release) throw new RuntimeError(`unknown engine ${kind}`, 'E_INTERNAL');
  if (loaded && loaded.release.id !== release.id) {
    throw new RuntimeError(
      `this process already runs ${loaded.release.id} and cannot also load ${release.id}: two native engines in one process crash it`,
      'E_ENGINE_CONFLICT',
      ['run each engine in its own process (one kuzu-migrate command per engine)'],
    );
  }
  selected = { release, setup };
  return release;
}

/** The configured engine release (loaded or not). */
export function configuredEngine(): EngineRelease {
  return selected.release;
}

/**
 * Loads the configured engine's native package, installing it into the engine cache first when
 * it is missing (only with approval). Idempotent; the CLI calls it before any other work so a
 * missing engine is refused before anything is written.
 */
export async function loadEngine(): Promise<EngineRelease> {
  if (loaded) return loaded.release;
  const { release, setup } = selected;
  let modulePath: string;
  if (release.bundled) modulePath = 'kuzu';
  else {
    // The installer (and the child-process engine it tests an install with) only for another release.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ensureEngine, installedPath } = require('../engines/install') as typeof import('../engines/install');
    const have = installedPath(release, setup.enginesDir);
    if (!have) {
      const ok = setup.approveInstall ? await setup.approveInstall(release) : false;
      if (!ok) {
        throw new RefusedError(
          `engine: ${release.engine} needs ${release.id} (npm ${release.package}@${release.version}, ~${Math.round(release.approxBytes / 1024 / 1024)} MB), which is not installed; nothing was changed`,
          'E_ENGINE_NOT_INSTALLED',
          ['run this on a terminal and answer yes, or pass --auto-approve (apply, upgrade), or set `engine: kuzu` in kuzu-migrate.yaml'],
        );
      }
    }
    modulePath = have ?? (await ensureEngine(release, { dir: setup.enginesDir, onEvent: setup.onInstall }));
  }
  if (loaded) return (loaded as { release: EngineRelease }).release; // loaded meanwhile by a concurrent open
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const native = require(modulePath) as NativeModule;
  loaded = { release, native };
  return release;
}

async function nativeModule(): Promise<NativeModule> {
  await loadEngine();
  return loaded!.native;
}

/** The configured engine's release, e.g. `0.11.3` (Kuzu) or `0.19.1` (LadybugDB). */
export function engineVersion(): string {
  return loaded ? loaded.native.Database.getVersion() : selected.release.version;
}

/** The storage version the configured engine reads and writes (39 for Kuzu 0.11.x, 43 for LadybugDB 0.19.1). */
export function engineStorageVersion(): number {
  return loaded ? Number(loaded.native.Database.getStorageVersion()) : selected.release.storageVersion;
}

/** `kuzu` or `ladybug`: the configured engine. */
export function engineKind(): EngineKind {
  return selected.release.engine;
}

/** The configured engine's version (kept under its old name: plans and manifests call it kuzu_version). */
export const kuzuVersion = engineVersion;
/** The configured engine's storage version (old name). */
export const kuzuStorageVersion = engineStorageVersion;

/**
 * Why the configured engine must not open the database at `dbPath`, as an error, or null. Bytes
 * only: nothing is loaded or opened.
 */
export function engineMismatch(dbPath: string, release: EngineRelease = selected.release): KuzuMigrateError | null {
  const found = detectEngine(dbPath, release);
  if (!found.needs_upgrade) return null;
  if (found.engine && found.engine !== release.engine) {
    return new RuntimeError(
      `database ${dbPath} is a ${ENGINE_NAME[found.engine]} database (${found.release ?? `storage version ${found.storage_version}`}), but the configuration says \`engine: ${release.engine}\``,
      'E_ENGINE_MISMATCH',
      [
        `if it is meant to stay ${ENGINE_NAME[found.engine]}, set \`engine: ${found.engine}\` in kuzu-migrate.yaml`,
        `to move it to ${ENGINE_NAME[release.engine]}, run \`kuzu-migrate upgrade --database ${dbPath} --to ${release.id}\``,
      ],
    );
  }
  // Without --to, upgrade moves it to the engine the YAML declares.
  return new RuntimeError(found.detail, 'E_STORAGE_VERSION', [`run \`kuzu-migrate upgrade --database ${dbPath}\` to move it to ${release.id}`]);
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
  if (/replay shadow pages under read-only mode/i.test(message)) {
    // A process was killed during a checkpoint; the .shadow file beside the database holds the
    // pages to finish it with, and only a read-write open replays them (issue 16 item 8).
    return new RuntimeError(`database ${dbPath} was interrupted during a checkpoint and cannot be read until it is completed`, 'E_CHECKPOINT_INTERRUPTED', [
      'run `kuzu-migrate recover` (it opens the database read-write once, which completes the checkpoint)',
    ]);
  }
  if (/cannot be a directory/i.test(message)) {
    return new RuntimeError(`database ${dbPath} is a directory (written by Kuzu 0.10 or older)`, 'E_STORAGE_VERSION', [
      'export it with the Kuzu release that wrote it and import it into a new 0.11 database',
    ]);
  }
  return err instanceof Error ? err : new Error(message);
}

/** The configured release, loaded into this process: a QueryRunner on one open database. */
export class KuzuEngine implements QueryRunner {
  private constructor(
    readonly path: string,
    private readonly db: kuzu.Database,
    private readonly conn: kuzu.Connection,
    readonly readOnly: boolean,
    /** The engine release this handle runs on (the configured one). */
    readonly release: EngineRelease,
  ) {}

  /** Opens (and for a writable handle, creates) the database at `dbPath`. */
  static async open(dbPath: string, options: OpenOptions = {}): Promise<KuzuEngine> {
    const readOnly = options.readOnly ?? false;
    if (readOnly && !fs.existsSync(dbPath)) {
      throw new RuntimeError(`database ${dbPath} does not exist`, 'E_NO_DATABASE');
    }
    if (!readOnly) fs.mkdirSync(path.dirname(path.resolve(dbPath)), { recursive: true });
    // A database written by another release or engine: say so, and how to move it, before the
    // engine's own message (or worse, before it creates a file where a 0.10 folder is).
    const mismatch = engineMismatch(dbPath);
    if (mismatch) throw mismatch;
    const native = await nativeModule();
    let db: kuzu.Database | undefined;
    try {
      db = new native.Database(dbPath, options.bufferPoolSize ?? 0, true, readOnly);
      await db.init();
      const conn = new native.Connection(db);
      await conn.init();
      return new KuzuEngine(dbPath, db, conn, readOnly, loaded!.release);
    } catch (err) {
      if (db) await db.close().catch(() => undefined);
      throw translateKuzuError(err, dbPath);
    }
  }

  /**
   * An empty in-memory database of the configured engine: a scratch catalog to compile the
   * declaration's expressions against without touching any file. Close it like any other.
   */
  static async openInMemory(): Promise<KuzuEngine> {
    const native = await nativeModule();
    // A catalog only, no data: a small buffer pool instead of the default share of memory.
    const db = new native.Database(':memory:', 64 * 1024 * 1024, true, false);
    await db.init();
    const conn = new native.Connection(db);
    await conn.init();
    return new KuzuEngine(':memory:', db, conn, false, loaded!.release);
  }

  /**
   * Compiles (prepares) a statement without running it: null when it binds against this catalog,
   * else Kuzu's first error line (`Binder exception: Cannot find property titel for n.`). Nothing
   * is executed, so a write statement writes nothing; constant expressions are folded, so
   * `CAST('x' AS INT32)` fails here too (measured on 0.11.3).
   */
  async compile(statement: string): Promise<string | null> {
    try {
      assertSingleStatement(statement); // one statement, as query() requires
      const prepared = await this.conn.prepare(adaptStatement(this.release, statement));
      return prepared.isSuccess() ? null : prepared.getErrorMessage().split('\n')[0];
    } catch (err) {
      return (err as Error).message.split('\n')[0];
    }
  }

  /**
   * Runs ONE statement and returns all rows. Results are closed before returning (kuzu#5545).
   * Kuzu's query() would run several `;`-separated statements; text with a statement separator
   * outside string literals and comments is refused here (E_MULTI_STATEMENT), so no expression
   * spliced into generated Cypher can append a statement of its own.
   */
  async query(statement: string): Promise<Row[]> {
    assertSingleStatement(statement);
    let result: kuzu.QueryResult | kuzu.QueryResult[];
    try {
      // The shared code writes Kuzu 0.11.3's Cypher; dialect.ts rewrites what another engine lacks.
      result = await this.conn.query(adaptStatement(this.release, statement));
    } catch (err) {
      throw translateKuzuError(err, this.path);
    }
    return drain(result);
  }

  /** Runs one statement with parameters (values never inlined into Cypher). */
  async execute(statement: string, params: Record<string, unknown>): Promise<Row[]> {
    let result: kuzu.QueryResult | kuzu.QueryResult[];
    try {
      const prepared = await this.conn.prepare(adaptStatement(this.release, statement));
      if (!prepared.isSuccess()) throw new Error(prepared.getErrorMessage());
      result = await this.conn.execute(prepared, params as Record<string, kuzu.KuzuValue>);
    } catch (err) {
      throw translateKuzuError(err, this.path);
    }
    return drain(result);
  }

  /** First column of the first row, for scalar queries. */
  async scalar<T = unknown>(statement: string): Promise<T> {
    return firstValue<T>(await this.query(statement), statement);
  }

  /** A read-write handle on `copyPath` (a byte copy of this database), same engine: see QueryRunner. */
  async openCopy(copyPath: string): Promise<KuzuEngine> {
    return KuzuEngine.open(copyPath, { bufferPoolSize: 64 * 1024 * 1024 });
  }

  async close(): Promise<void> {
    await this.conn.close().catch(() => undefined);
    await this.db.close().catch(() => undefined);
  }
}

/** Refuses text that holds more than one statement (a trailing `;` is allowed). */
export function assertSingleStatement(statement: string): void {
  if (statementCount(statement) > 1) {
    throw new RefusedError(`refusing to run more than one statement in one call: ${statement.slice(0, 120)}`, 'E_MULTI_STATEMENT', [
      'an expression in the YAML, a plan or a snapshot contains ";"; each must be exactly one expression',
    ]);
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

/**
 * The one engine seam: what catalog reads, fingerprints, history and the snapshot codec need from
 * an open database. The in-process engine (src/kuzu/engine.ts, the configured release) and the
 * child-process engine (src/engines/process.ts, any other release) both implement it, so code
 * typed against QueryRunner runs unchanged on every release. Engine differences are capability
 * flags on the release (`release.capabilities`), never engine-name checks at a call site.
 */
import type { EngineRelease } from './releases';

/** One result row: column name → value as the engine's Node API returns it. */
export type Row = Record<string, unknown>;

/**
 * First column of the first row of `rows` (what `scalar` returns), for both engines' `scalar`.
 * Throws a plain Error naming `statement` when there is no row: a query written to return one.
 */
export function firstValue<T>(rows: Row[], statement: string): T {
  if (rows.length === 0) throw new Error(`query returned no rows: ${statement}`);
  return Object.values(rows[0])[0] as T;
}

export interface QueryRunner {
  /** The database file this runner has open. */
  readonly path: string;
  readonly readOnly: boolean;
  /** The release that runs the queries (and whose capabilities apply). */
  readonly release: EngineRelease;
  /**
   * Runs one statement (written for Kuzu 0.11.3: the runner adapts it to its release) and returns
   * the rows of its last result. Throws the engine's error, translated (LockedError when the file
   * is held by another process, RuntimeError otherwise).
   */
  query(statement: string): Promise<Row[]>;
  /** Runs one statement with parameters; values are never inlined into Cypher. */
  execute(statement: string, params: Record<string, unknown>): Promise<Row[]>;
  /** First column of the first row; throws when there is no row. */
  scalar<T = unknown>(statement: string): Promise<T>;
  /**
   * Compiles (prepares) one statement without running it: null when it binds, else the engine's
   * first error line. Optional: a runner that cannot prepare (a child-process engine) leaves it
   * out, and the pre-checks that need it are skipped there.
   */
  compile?(statement: string): Promise<string | null>;
  /**
   * Opens `copyPath` — a byte copy of this database made by the caller — read-write with the same
   * release. Used to evaluate expressions whose catalog text is lossy (a default's sign,
   * kuzu/default-signs.ts) without writing to this database. Optional: without it such probes are
   * skipped and the caller falls back to what the catalog says.
   */
  openCopy?(copyPath: string): Promise<QueryRunner>;
  /** Closes the database; its files are left consistent. Idempotent. */
  close(): Promise<void>;
}

/**
 * Apply's query proof (`queries:` in the YAML, core/queries.ts): the declared queries are timed on
 * the live database before the change (read-only, after the confirmation, before the backup) and
 * on the new database in the private staging folder just before it is swapped in (read-only, so
 * the digest recovery relies on is of an unchanged file). A query that breaks its tolerance or
 * whose result changed refuses the swap: the live file was never written, so the database stays
 * byte-identical; `--allow-slowdown` records the breach and swaps anyway.
 */
import { RuntimeError } from '../core/errors';
import { judgeQuery, ms, verdictLine, type DeclaredQuery, type QueryRun, type QueryVerdict } from '../core/queries';
import { withEngine } from '../kuzu/engine';
import { timeQueries } from '../kuzu/queries';
import type { HistoryQuery } from '../state/history';
import type { Emit } from './events';

/** One declared query before and after, with its verdict (apply --json `queries`). */
export interface QueryComparison {
  name: string;
  /** Null on a database the apply creates. */
  before: QueryRun | null;
  after: QueryRun;
  verdict: QueryVerdict;
}

/** Runs per side in apply: the median of 5 after a warm-up keeps one slow run from deciding. */
export const APPLY_QUERY_RUNS = 5;

/** Times `queries` on the database at `dbPath`, opened read-only. Runs without the PROFILE operator list. */
export async function timeOn(dbPath: string, queries: readonly DeclaredQuery[], runs = APPLY_QUERY_RUNS): Promise<QueryRun[]> {
  const timed = await withEngine(dbPath, { readOnly: true }, (engine) => timeQueries(engine, queries, { runs }));
  return timed.map(({ profile: _profile, ...run }) => run);
}

/**
 * The declared queries on the live database before the change (read-only), or null when none are
 * declared or the database does not exist yet. Throws E_CHECK_NOT_READ_ONLY (65) before anything ran.
 */
export async function timeBefore(dbPath: string, queries: readonly DeclaredQuery[], exists: boolean, emit: Emit): Promise<QueryRun[] | null> {
  if (!queries.length || !exists) return null;
  emit('queries', `timing ${queries.length} declared quer${queries.length === 1 ? 'y' : 'ies'} on the database before the change`);
  return timeOn(dbPath, queries);
}

/**
 * The declared queries on the new database (`file`, the private copy, closed) judged against
 * `before`: each comparison is emitted side by side; throws E_QUERY_REGRESSION (exit 1) when one
 * fails, unless `allowSlowdown`. Returns [] when none are declared.
 */
export async function proveOnCopy(file: string, queries: readonly DeclaredQuery[], before: readonly QueryRun[] | null, allowSlowdown: boolean, emit: Emit): Promise<QueryComparison[]> {
  if (!queries.length) return [];
  emit('queries', 'timing the declared queries on the new database');
  const comparisons = compareRuns(queries, before, await timeOn(file, queries));
  for (const line of comparisonLines(comparisons)) emit('queries', line);
  const failed = comparisons.filter((c) => !c.verdict.ok);
  if (failed.length && !allowSlowdown) throw queryRegressionError(failed);
  return comparisons;
}

/**
 * Judges each query's run after against its run before (matched by name; the same data, so row
 * counts compare). `before` null: a new database, where only "it runs" is judged (judgeQuery).
 */
export function compareRuns(queries: readonly DeclaredQuery[], before: readonly QueryRun[] | null, after: readonly QueryRun[]): QueryComparison[] {
  return queries.map((q, i) => {
    const b = before?.find((r) => r.name === q.name) ?? null;
    // No before at all: the apply creates the database (timeBefore returned null).
    return { name: q.name, before: b, after: after[i], verdict: judgeQuery(q, b, after[i], { compareRows: true, newDatabase: before === null }) };
  });
}

/** The lines apply prints: each query's median before and after, side by side, with its operators. */
export function comparisonLines(comparisons: readonly QueryComparison[]): string[] {
  const width = Math.max(...comparisons.map((c) => c.name.length), 5);
  return comparisons.map((c) => {
    const after = c.after.error !== null ? 'fails' : ms(c.after.median_ms);
    const before = c.before === null ? 'new' : c.before.error !== null ? 'fails' : ms(c.before.median_ms);
    const ratio = c.verdict.slowdown !== null ? ` (${c.verdict.slowdown.toFixed(2)}×)` : '';
    const ops = c.after.operators.join(', ') || '-';
    return `${c.verdict.ok ? 'ok  ' : 'FAIL'} ${c.name.padEnd(width)}  ${before.padStart(10)} → ${after.padStart(10)}${ratio}  ${ops}`;
  });
}

/** The error a refused swap ends with: every failed query with both timings and the operators that changed. */
export function queryRegressionError(failed: readonly QueryComparison[]): RuntimeError {
  return new RuntimeError(
    `${failed.length} declared quer${failed.length === 1 ? 'y' : 'ies'} broke ${failed.length === 1 ? 'its' : 'their'} tolerance on the new database, so it was not swapped in; the database is unchanged:\n  ${failed.map((c) => verdictLine(c.verdict)).join('\n  ')}`,
    'E_QUERY_REGRESSION',
    ['find why the plan changed (`kuzu-migrate queries` shows the operators), fix the YAML or the query\'s tolerance, or accept it with --allow-slowdown'],
  );
}

/** The comparisons as the history log keeps them. */
export function historyQueries(comparisons: readonly QueryComparison[]): HistoryQuery[] {
  return comparisons.map((c) => ({
    name: c.name,
    before_ms: c.before?.error === null ? c.before.median_ms : null,
    after_ms: c.after.error === null ? c.after.median_ms : null,
    rows_before: c.before?.rows ?? null,
    rows_after: c.after.rows,
    operators_before: c.before?.operators ?? [],
    operators_after: c.after.operators,
    ok: c.verdict.ok,
  }));
}

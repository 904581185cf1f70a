/**
 * The one evaluator of the YAML's `checks:`, used by apply (inside its transaction, before COMMIT)
 * and by verify (on a read-only handle), so a check means the same thing in both.
 *
 * A check must not be able to change what is committed. Kuzu 0.11.3 offers no read-only mode for a
 * statement inside a write transaction, and a read-only Database still runs `COPY (...) TO '<file>'`
 * (measured: the file is written), so read-only is enforced in three layers:
 *   1. readQueryProblem (core/cypher-guard.ts): one query, read clauses only, CALL only of read-only
 *      procedures — also checked when the YAML is loaded, with file:line:column (exit 65);
 *   2. EXPLAIN: the physical plan Kuzu would run may hold no writing operator (INSERT, SET_PROPERTY,
 *      DELETE, MERGE, COPY_TO, ...) — Kuzu's own parser decides what the text is;
 *   3. the query runs as a prepared statement, and Kuzu refuses to prepare more than one statement.
 */
import { KuzuMigrateError } from '../core/errors';
import { readQueryProblem, writingOperators } from '../core/cypher-guard';
import type { Check } from '../config/config';
import type { KuzuEngine } from './engine';

export interface CheckOutcome {
  name: string;
  ok: boolean;
  /** Why it failed, one line; null when ok. */
  problem: string | null;
}

/** A check (or a declared query) that is not a read-only query: refused, never run (exit 65, like the YAML it came from). */
export class CheckNotReadOnlyError extends KuzuMigrateError {
  constructor(name: string, why: string, what: 'check' | 'query' = 'check') {
    super(`${what} "${name}" is not one read-only query: ${why}; nothing was run`, 'E_CHECK_NOT_READ_ONLY', [
      what === 'check'
        ? 'a check must only read and return a single true, e.g. MATCH (n:T) WHERE n.p IS NULL RETURN count(*) = 0'
        : 'a declared query must only read: MATCH ... RETURN, or CALL QUERY_FTS_INDEX / QUERY_VECTOR_INDEX ... RETURN',
    ]);
  }
}

/**
 * Layers 1 and 2 above for one query: the token guard (with `procedures` allowed to be CALLed
 * besides the catalog ones, lower-case) and the EXPLAIN of the query, bound with `params`, whose
 * plan may hold no writing operator. Throws CheckNotReadOnlyError; any other engine error (the
 * query does not bind) is thrown as it comes, for the caller to report as a failed run.
 */
export async function assertReadOnly(
  engine: KuzuEngine,
  item: { name: string; query: string; params?: Record<string, unknown> },
  what: 'check' | 'query' = 'check',
  procedures: readonly string[] = [],
): Promise<void> {
  const guard = readQueryProblem(item.query, what, procedures);
  if (guard) throw new CheckNotReadOnlyError(item.name, guard.message, what);
  const explain = await engine.execute(`EXPLAIN ${item.query}`, item.params ?? {});
  const writes = writingOperators(String(Object.values(explain[0] ?? {})[0] ?? ''));
  if (writes.length) throw new CheckNotReadOnlyError(item.name, `Kuzu would run ${writes.join(', ')}`, what);
}

/**
 * Runs one check. Returns ok when it returns exactly one row with one column holding true.
 * Throws CheckNotReadOnlyError when it is not a read-only query (layers 1 and 2 above); a query
 * that fails in Kuzu or returns anything else is a failed outcome, not a throw.
 */
export async function evaluateCheck(engine: KuzuEngine, check: Check): Promise<CheckOutcome> {
  const guard = readQueryProblem(check.query);
  if (guard) throw new CheckNotReadOnlyError(check.name, guard.message);
  let rows;
  try {
    await assertReadOnly(engine, check);
    rows = await engine.execute(check.query, {});
  } catch (err) {
    if (err instanceof CheckNotReadOnlyError) throw err;
    return { name: check.name, ok: false, problem: `failed to run: ${(err as Error).message.split('\n')[0]}` };
  }
  const values = rows.length === 1 ? Object.values(rows[0]) : [];
  if (values.length === 1 && values[0] === true) return { name: check.name, ok: true, problem: null };
  return { name: check.name, ok: false, problem: `returned ${JSON.stringify(rows.slice(0, 3), (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}, expected a single true` };
}

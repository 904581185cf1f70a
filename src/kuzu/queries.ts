/**
 * Runs the declared queries (`queries:`, core/queries.ts) on an open database: each is first
 * proven read-only by the one checks guard (kuzu/checks.ts assertReadOnly: the token guard and an
 * EXPLAIN without writing operators), then run `warmup` times unmeasured, `runs` times measured,
 * and once under PROFILE for its operators. Callers open the database read-only (the `queries`
 * command, verify, drift, and apply on the live file before the change and on its private copy
 * before the swap), so even a guard miss could not write.
 */
import { performance } from 'node:perf_hooks';
import { parseProfile, profileSummary, QUERY_PROCEDURES, runStats, type DeclaredQuery, type ProfiledRun, type ProfileOperator } from '../core/queries';

export type { ProfiledRun };
import { assertReadOnly, CheckNotReadOnlyError } from './checks';
import type { KuzuEngine } from './engine';

export interface TimingOptions {
  /** Measured runs per query (>= 1). Default 5. */
  runs?: number;
  /** Unmeasured runs first (buffer pool, caches). Default 1. */
  warmup?: number;
  /** Called before each query, for progress. */
  onQuery?: (q: DeclaredQuery) => void;
}


export const DEFAULT_RUNS = 5;
export const DEFAULT_WARMUP = 1;

/**
 * Times every query in `queries` on `engine`. A query that fails in Kuzu is a run with `error`,
 * not a throw; one that is not read-only throws CheckNotReadOnlyError (exit 65) and nothing of it runs.
 */
export async function timeQueries(engine: KuzuEngine, queries: readonly DeclaredQuery[], options: TimingOptions = {}): Promise<ProfiledRun[]> {
  const out: ProfiledRun[] = [];
  for (const q of queries) {
    options.onQuery?.(q);
    out.push(await timeQuery(engine, q, options));
  }
  return out;
}

async function timeQuery(engine: KuzuEngine, q: DeclaredQuery, options: TimingOptions): Promise<ProfiledRun> {
  const runs = Math.max(1, options.runs ?? DEFAULT_RUNS);
  const warmup = Math.max(0, options.warmup ?? DEFAULT_WARMUP);
  const failed = (err: unknown): ProfiledRun => ({ name: q.name, error: (err as Error).message.split('\n')[0], runs: 0, ...runStats([]), rows: null, value: null, operators: [], profile: [] });
  try {
    await assertReadOnly(engine, q, 'query', QUERY_PROCEDURES);
  } catch (err) {
    if (err instanceof CheckNotReadOnlyError) throw err;
    return failed(err);
  }
  const times: number[] = [];
  let rows: Record<string, unknown>[] = [];
  try {
    for (let i = 0; i < warmup + runs; i++) {
      // Let the previous run's rows go first: held through the next run they doubled peak memory
      // (a 2M-row result peaked at 624 MB in a new-user test).
      rows = [];
      const t = performance.now();
      rows = await engine.execute(q.query, q.params);
      if (i >= warmup) times.push(performance.now() - t);
    }
  } catch (err) {
    return failed(err);
  }
  let profile: ProfileOperator[] = [];
  try {
    const p = await engine.execute(`PROFILE ${q.query}`, q.params);
    profile = parseProfile(String(Object.values(p[0] ?? {})[0] ?? ''));
  } catch {
    // The query itself ran; a plan Kuzu cannot PROFILE leaves the operators unknown, not the run failed.
  }
  const cells = rows.length === 1 ? Object.values(rows[0]) : [];
  return {
    name: q.name,
    error: null,
    runs,
    ...runStats(times),
    rows: rows.length,
    value: cells.length === 1 && typeof cells[0] === 'boolean' ? cells[0] : null,
    operators: profileSummary(profile),
    profile,
  };
}

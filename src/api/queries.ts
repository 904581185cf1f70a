/**
 * The declared queries as a use case: `kuzu-migrate queries`, `verify --queries` and
 * `drift --queries` time them on the live database (read-only) and judge each against its
 * declaration and, when there is one, the baseline the last apply recorded in
 * backups/history.jsonl (its timings on the database it swapped in). Apply's before/after
 * comparison is in apply/queries.ts; the renderers in core/render-queries.ts.
 */
import * as fs from 'node:fs';
import type { ResolvedConfig } from '../config/config';
import { RuntimeError } from '../core/errors';
import { judgeQuery, type DeclaredQuery, type QueryRun } from '../core/queries';
import type { QueriesResult, QueryReport } from '../core/render-queries';
import { withEngine } from '../kuzu/engine';
import { DEFAULT_RUNS, DEFAULT_WARMUP, timeQueries, type TimingOptions } from '../kuzu/queries';
import { readHistoryLog } from '../state/history-log';
import type { HistoryQuery } from '../state/history';

/** A history entry's timing of a query as a run to judge against (its median after that apply). */
export function baselineRun(h: HistoryQuery): QueryRun {
  return {
    name: h.name,
    error: h.after_ms === null ? 'failed at that apply' : null,
    runs: 0,
    median_ms: h.after_ms,
    min_ms: null,
    max_ms: null,
    p90_ms: null,
    rows: h.rows_after,
    value: null,
    operators: h.operators_after,
  };
}

export function expectedOf(q: DeclaredQuery): QueryReport['expected'] {
  return q.expect?.kind === 'rows' ? { rows: q.expect.rows } : q.expect?.kind === 'value' ? { value: q.expect.value } : null;
}

/**
 * Times `config.queries` on the live database, opened read-only, and judges them. Data may grow
 * between applies, so against a baseline only time and failures count, not the row count (unless
 * declared). Throws E_NO_DATABASE when the database does not exist, E_CHECK_NOT_READ_ONLY (65)
 * for a query that is not read-only.
 */
export async function benchQueries(config: ResolvedConfig, options: TimingOptions = {}): Promise<QueriesResult> {
  if (!fs.existsSync(config.database)) {
    throw new RuntimeError(`database ${config.database} does not exist (${config.databaseOrigin})`, 'E_NO_DATABASE', ['check the path, or create it with `kuzu-migrate apply --create`']);
  }
  const runs = await withEngine(config.database, { readOnly: true }, (engine) => timeQueries(engine, config.queries, options));
  const last = [...readHistoryLog(config.backups, config.database)].reverse().find((h) => h.queries?.length);
  const reports = config.queries.map((q, i): QueryReport => {
    const recorded = last?.queries?.find((h) => h.name === q.name);
    const base = recorded ? baselineRun(recorded) : null;
    return {
      ...runs[i],
      query: q.query,
      params: q.params,
      expected: expectedOf(q),
      limits: { max_slowdown: q.maxSlowdown, max_ms: q.maxMs },
      baseline_ms: recorded?.after_ms ?? null,
      verdict: judgeQuery(q, base, runs[i], { compareRows: false }),
    };
  });
  return {
    database: config.database,
    runs: Math.max(1, options.runs ?? DEFAULT_RUNS),
    warmup: Math.max(0, options.warmup ?? DEFAULT_WARMUP),
    baseline: last ? { apply_id: last.id, version: last.version, applied_at: last.applied_at } : null,
    ok: reports.every((r) => r.verdict.ok),
    queries: reports,
  };
}

export { renderQueriesMarkdown, renderQueriesText, type QueriesResult, type QueryReport } from '../core/render-queries';

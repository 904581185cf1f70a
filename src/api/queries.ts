/**
 * The declared queries as a use case: `kuzu-migrate queries`, `verify --queries` and
 * `drift --queries` time them on the live database (read-only) and judge each against its
 * declaration and, when there is one, the baseline the last apply recorded in
 * backups/history.jsonl (its timings on the database it swapped in). Apply's before/after
 * comparison is in apply/queries.ts.
 */
import * as fs from 'node:fs';
import type { ResolvedConfig } from '../config/config';
import { RuntimeError } from '../core/errors';
import { judgeQuery, ms, type DeclaredQuery, type QueryRun, type QueryVerdict } from '../core/queries';
import { withEngine } from '../kuzu/engine';
import { DEFAULT_RUNS, DEFAULT_WARMUP, timeQueries, type ProfiledRun, type TimingOptions } from '../kuzu/queries';
import { readHistoryLog } from '../state/history-log';
import type { HistoryQuery } from '../state/history';

/** One declared query's report: its declaration, its run, its verdict. */
export interface QueryReport extends ProfiledRun {
  query: string;
  params: Record<string, unknown>;
  /** `{rows: n}`, `{value: b}` or null (nothing declared). */
  expected: { rows: number } | { value: boolean } | null;
  limits: { max_slowdown: number; max_ms: number | null };
  /** The median the baseline apply recorded for it, or null. */
  baseline_ms: number | null;
  verdict: QueryVerdict;
}

export interface QueriesResult {
  database: string;
  runs: number;
  warmup: number;
  /** The apply whose recorded timings the medians are compared with (max_slowdown), or null. */
  baseline: { apply_id: string; version: string; applied_at: string } | null;
  /** False when any query failed, returned another result than declared, or broke a tolerance. */
  ok: boolean;
  queries: QueryReport[];
}

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

const spread = (r: QueryReport) => (r.min_ms === null ? '-' : `${r.min_ms.toFixed(2)}–${r.max_ms!.toFixed(2)}`);
const result = (r: QueryReport) => (r.error !== null ? 'failed' : r.value !== null ? `${r.rows} row (${String(r.value)})` : `${r.rows} row${r.rows === 1 ? '' : 's'}`);

/** The result for people: one block per query. Pure. */
export function renderQueriesText(r: QueriesResult, colors: { green: (s: string) => string; red: (s: string) => string; bold: (s: string) => string } = { green: String, red: String, bold: String }): string {
  const lines = [`Queries on ${r.database} (median of ${r.runs} run${r.runs === 1 ? '' : 's'} after ${r.warmup} warm-up${r.baseline ? `; baseline: apply ${r.baseline.apply_id} to ${r.baseline.version}` : ''}):`];
  if (!r.queries.length) lines.push('  (no queries declared under queries:)');
  const width = Math.max(4, ...r.queries.map((q) => q.name.length));
  for (const q of r.queries) {
    const status = q.verdict.ok ? colors.green('ok  ') : colors.bold(colors.red('FAIL'));
    if (q.error !== null) lines.push(`  ${status}  ${q.name.padEnd(width)}  ${q.error}`);
    else {
      lines.push(`  ${status}  ${q.name.padEnd(width)}  median ${ms(q.median_ms)} (min–max ${spread(q)}, p90 ${ms(q.p90_ms)})  ${result(q)}`);
      lines.push(`        ${''.padEnd(width)}  operators: ${q.operators.join(', ') || '(none read)'}`);
      if (q.baseline_ms !== null) lines.push(`        ${''.padEnd(width)}  baseline ${ms(q.baseline_ms)}${q.verdict.slowdown !== null ? ` (${q.verdict.slowdown.toFixed(2)}×)` : ''}`);
    }
    for (const p of q.verdict.problems) lines.push(`        ${''.padEnd(width)}  ${p}`);
    for (const n of q.verdict.notes) lines.push(`        ${''.padEnd(width)}  note: ${n}`);
  }
  if (r.queries.length) lines.push(r.ok ? 'All queries within their tolerances.' : `${r.queries.filter((q) => !q.verdict.ok).length} query(ies) failed.`);
  return lines.join('\n');
}

/** The result as a Markdown table (for a PR comment or a job summary). Pure. */
export function renderQueriesMarkdown(r: QueriesResult): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [
    `### Query timings: \`${cell(r.database)}\``,
    '',
    `Median of ${r.runs} run${r.runs === 1 ? '' : 's'} after ${r.warmup} warm-up${r.baseline ? `; baseline: apply \`${r.baseline.apply_id}\` to ${r.baseline.version}` : ''}.`,
    '',
    '| Query | Median | Min–max | p90 | Baseline | Result | Operators | Status |',
    '|---|---:|---:|---:|---:|---|---|---|',
  ];
  for (const q of r.queries) {
    const status = q.verdict.ok ? 'ok' : `**FAIL**: ${q.verdict.problems.join('; ')}`;
    lines.push(`| \`${cell(q.name)}\` | ${ms(q.median_ms)} | ${spread(q)} | ${ms(q.p90_ms)} | ${ms(q.baseline_ms)} | ${result(q)} | ${cell(q.operators.join(', ') || '-')} | ${cell(q.error ?? status)} |`);
  }
  if (!r.queries.length) lines.push('| (none declared) | | | | | | | |');
  return lines.join('\n') + '\n';
}

/**
 * The result of timing the declared queries (`kuzu-migrate queries`, `verify --queries`,
 * `drift --queries`) and its renderers for people: text and Markdown. Pure.
 */
import { ms, type ProfiledRun, type QueryVerdict } from './queries';

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
  /** The database, opened read-only. */
  database: string;
  /** Measured runs per query. */
  runs: number;
  /** Unmeasured runs before them. */
  warmup: number;
  /** The apply whose recorded timings the medians are compared with (max_slowdown), or null. */
  baseline: { apply_id: string; version: string; applied_at: string } | null;
  /** False when any query failed, returned another result than declared, or broke a tolerance. */
  ok: boolean;
  /** One entry per declared query, in declaration order. */
  queries: QueryReport[];
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

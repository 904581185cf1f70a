/**
 * The pure half of `npm run bench`: statistics over repeated runs, the phase breakdown of an apply
 * from its event/statement timeline, target checks, and the Markdown rendered from the JSON report
 * (the JSON is the record; the Markdown is a view of it, so the two cannot disagree). No clock, file
 * or process here.
 */

/** Summary of repeated measurements of one quantity. */
export interface Stats {
  median: number;
  min: number;
  max: number;
  /** Number of samples. */
  n: number;
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function stats(xs: number[]): Stats {
  if (xs.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length };
}

/** a / b, NaN when either is missing or b is 0. */
export function ratio(a: number | undefined, b: number | undefined): number {
  if (a === undefined || b === undefined || !isFinite(a) || !isFinite(b) || b === 0) return NaN;
  return a / b;
}

/**
 * Growth of a series from its first to its last point, as a fraction of the first
 * (0.1 = 10 % slower at the largest size). The series is ordered by size.
 */
export function growth(series: number[]): number {
  if (series.length < 2) return 0;
  return ratio(series[series.length - 1] - series[0], series[0]);
}

// ---------------------------------------------------------------------------------------------
// Apply timeline → phases

/** What the bench worker records while applyMigration runs; times in ms since the call started. */
export interface ApplyTimeline {
  total_ms: number;
  /** applyMigration's onEvent callbacks, in order. */
  events: { t: number; phase: string; message: string }[];
  /** Every statement sent through KuzuEngine (query/execute), in order. */
  statements: { t: number; ms: number; sql: string }[];
  /** KuzuEngine.open / close calls. */
  opens: { t: number; ms: number; readOnly: boolean }[];
  closes: { t: number; ms: number }[];
}

/** The phases of one apply, in ms. Phases that did not happen are 0. */
export interface ApplyPhases {
  /** Lock, settle, re-plan (read-only introspection), policy, cast pre-check. */
  prepare: number;
  /**
   * CHECKPOINT + the apply's one copy of the file (into its private folder, hashed as copied: the
   * backup is the original itself, kept at the swap); createBackup's copy first when the backups
   * folder is on another file system.
   */
  backup: number;
  /** Up to the first statement: write handle opened, live schema introspected, BEGIN. */
  open: number;
  /** Export strategy only: the lossless snapshot export of the live database. */
  export: number;
  /** Export strategy only: loading the snapshot into the fresh staging file. */
  load: number;
  /**
   * The plan's statements up to verification: CREATE staging + COPY (rewrite); for an in-place
   * apply (no verification) every statement, the checks and the history row.
   */
  statements: number;
  /** Content verification: rebuilt tables against old ones (and, export strategy, the loaded copy against the export). */
  verify: number;
  /** Statements after verification (DROP, RENAME), checks, history row. */
  finish: number;
  /** COMMIT and closing the write handle (Kuzu checkpoints on close). */
  commit: number;
  /** Export strategy only: the original's checksum re-check, fsync and rename of the new file. */
  swap: number;
  /** Post-verify introspection, journal clean-up, backup pruning. */
  post_verify: number;
}

export const PHASE_NAMES: readonly (keyof ApplyPhases)[] = ['prepare', 'backup', 'open', 'export', 'load', 'statements', 'verify', 'finish', 'commit', 'swap', 'post_verify'];

const STEP_PHASES = new Set(['in_place', 'rebuild', 'finish']);

/**
 * Cuts the timeline into phases. Each event apply emits starts a phase (backup start and end,
 * export, load, each step, verify, checks, swap); apply does not announce COMMIT or what follows
 * it, so the COMMIT statement, the close after it and the next open (post-verify) are marks too.
 * A phase lasts until the next mark; the last one until the end.
 */
export function phasesFromTimeline(tl: ApplyTimeline): ApplyPhases {
  const marks: { t: number; phase: keyof ApplyPhases }[] = [{ t: 0, phase: 'prepare' }];
  let backups = 0;
  let verifiedAfterStep = false;
  let sawStep = false;
  for (const e of tl.events) {
    if (e.phase === 'backup') marks.push({ t: e.t, phase: backups++ === 0 ? 'backup' : 'open' });
    else if (e.phase === 'export' || e.phase === 'load' || e.phase === 'swap') marks.push({ t: e.t, phase: e.phase });
    else if (e.phase === 'verify') {
      if (sawStep) verifiedAfterStep = true;
      marks.push({ t: e.t, phase: 'verify' });
    } else if (STEP_PHASES.has(e.phase)) {
      sawStep = true;
      marks.push({ t: e.t, phase: verifiedAfterStep ? 'finish' : 'statements' });
    } else if (e.phase === 'checks') marks.push({ t: e.t, phase: verifiedAfterStep ? 'finish' : 'statements' });
    else if (e.phase === 'post-verify') marks.push({ t: e.t, phase: 'post_verify' });
  }
  const commit = tl.statements.find((s) => s.sql.trim().toUpperCase() === 'COMMIT');
  if (commit) {
    marks.push({ t: commit.t, phase: 'commit' });
    const close = tl.closes.find((c) => c.t >= commit.t + commit.ms);
    if (close) {
      const closed = close.t + close.ms;
      const swap = tl.events.some((e) => e.phase === 'swap' && e.t >= closed);
      // Since the post-verify runs on the new file before the swap, its own event marks it (above).
      const preSwapCheck = tl.events.some((e) => e.phase === 'post-verify' && e.t >= closed);
      marks.push({ t: closed, phase: swap && !preSwapCheck ? 'swap' : 'post_verify' });
      const next = preSwapCheck ? undefined : tl.opens.find((o) => o.t >= closed && (!swap || tl.events.some((e) => e.phase === 'swap' && e.t <= o.t)));
      if (next) marks.push({ t: next.t, phase: 'post_verify' });
    }
  }
  marks.sort((a, b) => a.t - b.t);
  const out = Object.fromEntries(PHASE_NAMES.map((p) => [p, 0])) as unknown as ApplyPhases;
  marks.forEach((m, i) => {
    const end = i + 1 < marks.length ? marks[i + 1].t : tl.total_ms;
    out[m.phase] += Math.max(0, end - m.t);
  });
  return out;
}

/** The `k` slowest statements of a timeline, for profiling. */
export function slowestStatements(tl: ApplyTimeline, k: number): { sql: string; ms: number }[] {
  return [...tl.statements].sort((a, b) => b.ms - a.ms).slice(0, k).map((s) => ({ sql: s.sql, ms: s.ms }));
}

// ---------------------------------------------------------------------------------------------
// Rendering

/** A Markdown table; cells are escaped for `|`, and numeric-looking columns are right-aligned. */
export function markdownTable(header: string[], rows: (string | number)[][]): string {
  const cell = (v: string | number) => String(v).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[-+]?[\d.,]+(\s?(ms|s|MB|×|%|k|M))?$|^—$|^n\/a$/.test(String(r[i] ?? '').trim())));
  const lines = [
    `| ${header.map(cell).join(' | ')} |`,
    `|${header.map((_, i) => (numeric[i] ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${header.map((_, i) => cell(r[i] ?? '')).join(' | ')} |`),
  ];
  return lines.join('\n');
}

/** Milliseconds for people: `850 ms`, `4.21 s`. */
export function fmtMs(ms: number | undefined): string {
  if (ms === undefined || !isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** `median (min–max)`. */
export function fmtStats(s: Stats | undefined): string {
  if (!s || s.n === 0 || !isFinite(s.median)) return '—';
  if (s.n === 1) return fmtMs(s.median);
  return `${fmtMs(s.median)} (${fmtMs(s.min)}–${fmtMs(s.max)})`;
}

export function fmtCount(n: number): string {
  if (n >= 1_000_000 && n % 1_000_000 === 0) return `${n / 1_000_000}M`;
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  if (n >= 1_000 && n % 1_000 === 0) return `${n / 1_000}k`;
  if (n >= 1_000) return `${Math.round(n / 1_000)}k`;
  return String(n);
}

export function fmtRatio(r: number): string {
  return isFinite(r) ? `${r.toFixed(2)}×` : '—';
}

export function fmtMB(bytes: number | undefined): string {
  return bytes === undefined || !isFinite(bytes) ? '—' : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function fmtPct(f: number): string {
  return isFinite(f) ? `${f >= 0 ? '+' : ''}${(f * 100).toFixed(0)} %` : '—';
}

/** A checked target: what was wanted, what was measured, and whether it holds. */
export interface TargetCheck {
  id: string;
  target: string;
  measured: string;
  met: boolean | null;
}

export function targetTable(checks: TargetCheck[]): string {
  return markdownTable(
    ['target', 'measured', 'met'],
    checks.map((c) => [c.target, c.measured, c.met === null ? 'not measured' : c.met ? 'yes' : '**no**']),
  );
}

/**
 * The pure part of fleet runs: shards, waves, per-target results, the summary and the exit code.
 * No I/O here; src/fleet runs the targets.
 */
import { createHash } from 'node:crypto';
import { KuzuMigrateError } from './errors';

/** What a fleet run does on each target. */
export type FleetCommand = 'plan' | 'apply' | 'drift' | 'verify' | 'list';
export const FLEET_COMMANDS: readonly FleetCommand[] = ['plan', 'apply', 'drift', 'verify', 'list'];

/**
 * One target's outcome.
 * - `applied`: apply changed it; `unchanged`: it already matched (apply: skipped without writing);
 * - `changes` / `drift`: plan or drift found differences (exit 2 for that target);
 * - `ok`: verify or list succeeded; `failed`: the command failed (see `error`);
 * - `skipped`: not run, because an earlier wave failed.
 */
export type TargetStatus = 'applied' | 'unchanged' | 'changes' | 'drift' | 'ok' | 'failed' | 'skipped';

export interface TargetResult {
  /** Stable name: the path relative to the YAML's folder. */
  target: string;
  /** Absolute path on the machine that ran it. */
  path: string;
  status: TargetStatus;
  /** 1-based wave number; null when the run had no waves. */
  wave: number | null;
  /** Process exit code of the command on this target (0 for skipped). */
  exit_code: number;
  /** Latest applied version before the run (from the target's history), null when unknown or none. */
  version_before: string | null;
  /** Latest applied version after the run, null when unknown. */
  version_after: string | null;
  /** Changes planned (plan/drift) or applied (apply). */
  changes: number | null;
  duration_ms: number;
  backup_id: string | null;
  error: { code: string; message: string } | null;
}

export interface FleetSummary {
  total: number;
  by_status: Partial<Record<TargetStatus, number>>;
  /** Worst exit code over the targets (see worstExit). */
  exit_code: number;
}

/** A fleet run's machine-readable result (`--json`), also what `fleet report` merges. */
export interface FleetResult {
  fleet_format: 1;
  command: FleetCommand;
  version: string;
  environment: string | null;
  /** `I/N` when the run was one shard, else null. */
  shard: string | null;
  started_at: string;
  duration_ms: number;
  targets: TargetResult[];
  summary: FleetSummary;
}

/** How bad an exit code is, for "the worst of the targets": error > locked > refused > changes > ok. */
const SEVERITY: Record<number, number> = { 0: 0, 2: 1, 3: 2, 4: 3, 64: 4, 65: 5, 1: 6 };

export function worstExit(codes: number[]): number {
  let worst = 0;
  for (const c of codes) if ((SEVERITY[c] ?? 7) > (SEVERITY[worst] ?? 7)) worst = c;
  return worst;
}

export function summarize(targets: TargetResult[]): FleetSummary {
  const by: Partial<Record<TargetStatus, number>> = {};
  for (const t of targets) by[t.status] = (by[t.status] ?? 0) + 1;
  return { total: targets.length, by_status: by, exit_code: worstExit(targets.map((t) => t.exit_code)) };
}

/** A shard of `--shard I/N`: I counts from 1 (I = JOB_COMPLETION_INDEX + 1 on Kubernetes). */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new KuzuMigrateError(`--shard ${text} is not I/N with 1 ≤ I ≤ N`, 'E_USAGE', ['e.g. --shard 1/4 … --shard 4/4; on Kubernetes use $((JOB_COMPLETION_INDEX + 1))/N']);
  }
  return { index, count };
}

/**
 * The 1-based shard a target belongs to: a hash of its key alone, so every machine computes the
 * same slice without coordination, slices are disjoint and cover the fleet for any N, and adding
 * a target never moves the others.
 */
export function shardOf(key: string, count: number): number {
  const h = createHash('sha256').update(key).digest();
  return (h.readUInt32BE(0) % count) + 1;
}

/**
 * `--waves 1,10%,100%` as cumulative target counts over `total` targets: an absolute number or a
 * percentage (rounded up) of the whole fleet; each wave ends where its count is reached. The last
 * wave always reaches the whole fleet (a trailing `100%` is implied). Errors: exit 64.
 */
export function parseWaves(text: string, total: number): number[] {
  const parts = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) throw new KuzuMigrateError('--waves is empty', 'E_USAGE', ['e.g. --waves 1,10%,100%']);
  const ends: number[] = [];
  for (const p of parts) {
    const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(p);
    if (!m || Number(m[1]) <= 0 || (m[2] === '%' && Number(m[1]) > 100) || (m[2] === '' && !Number.isInteger(Number(m[1])))) {
      throw new KuzuMigrateError(`--waves: "${p}" is neither a count nor a percentage in (0, 100]`, 'E_USAGE', ['e.g. --waves 1,10%,100%']);
    }
    const n = m[2] === '%' ? Math.ceil((Number(m[1]) / 100) * total) : Number(m[1]);
    const end = Math.min(total, Math.max(n, 1));
    if (ends.length && end < ends[ends.length - 1]) {
      throw new KuzuMigrateError(`--waves: "${p}" is smaller than the wave before it`, 'E_USAGE', ['waves are cumulative: each names how many targets are done when it ends']);
    }
    if (!ends.length || end > ends[ends.length - 1]) ends.push(end);
  }
  if (ends[ends.length - 1] < total) ends.push(total);
  return ends.filter((e) => e > 0);
}

/**
 * Merges the results of several shards (or runs) into one: targets by key, the later run's
 * result winning for a target that appears twice (a re-run after a failure). Errors: exit 64
 * when the results are of different commands, versions or environments.
 */
export function mergeResults(results: FleetResult[]): FleetResult {
  if (results.length === 0) throw new KuzuMigrateError('fleet report needs at least one result file', 'E_USAGE');
  const first = results[0];
  for (const r of results) {
    if (r.fleet_format !== 1) throw new KuzuMigrateError(`a result file has fleet_format ${String(r.fleet_format)}; this kuzu-migrate reads 1`, 'E_USAGE', ['produce every shard result with the same kuzu-migrate version']);
    for (const k of ['command', 'version', 'environment'] as const) {
      if (r[k] !== first[k]) throw new KuzuMigrateError(`fleet results disagree on ${k}: ${String(first[k])} vs ${String(r[k])}`, 'E_USAGE', ['merge results of one rollout only']);
    }
  }
  const sorted = [...results].sort((a, b) => (a.started_at < b.started_at ? -1 : a.started_at > b.started_at ? 1 : 0));
  const byKey = new Map<string, TargetResult>();
  for (const r of sorted) for (const t of r.targets) if (t.status !== 'skipped' || !byKey.has(t.target)) byKey.set(t.target, t);
  const targets = [...byKey.values()].sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
  const start = Math.min(...results.map((r) => Date.parse(r.started_at)));
  const end = Math.max(...results.map((r) => Date.parse(r.started_at) + r.duration_ms));
  return { ...first, shard: null, started_at: new Date(start).toISOString(), duration_ms: end - start, targets, summary: summarize(targets) };
}

const STATUS_ORDER: TargetStatus[] = ['failed', 'skipped', 'drift', 'changes', 'applied', 'unchanged', 'ok'];

function statusLine(s: FleetSummary): string {
  return STATUS_ORDER.filter((k) => s.by_status[k]).map((k) => `${s.by_status[k]} ${k}`).join(', ') || 'no targets';
}

function versions(t: TargetResult): string {
  if (t.version_before === null && t.version_after === null) return '-';
  if (t.version_before === t.version_after) return t.version_after ?? '-';
  return `${t.version_before ?? '(none)'} → ${t.version_after ?? '?'}`;
}

/** The summary for a terminal or a log: one line per target, then the totals. */
export function renderFleetText(r: FleetResult): string {
  const w = Math.max(6, ...r.targets.map((t) => t.target.length));
  const lines = r.targets.map((t) => {
    const tail = t.error ? `  ${t.error.code}: ${t.error.message}` : t.backup_id ? `  backup ${t.backup_id}` : '';
    return `${t.target.padEnd(w)}  ${t.status.padEnd(9)}  ${versions(t).padEnd(17)}  ${String(t.duration_ms).padStart(6)} ms${tail}`;
  });
  const head = `${r.command} --all${r.shard ? ` (shard ${r.shard})` : ''}: ${r.summary.total} target${r.summary.total === 1 ? '' : 's'}, ${statusLine(r.summary)} in ${(r.duration_ms / 1000).toFixed(1)} s (exit ${r.summary.exit_code})`;
  return [...lines, '', head].join('\n') + '\n';
}

/** The summary as a Markdown PR comment: totals, then a table (failed and skipped first). */
export function renderFleetMarkdown(r: FleetResult): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rank = (t: TargetResult) => STATUS_ORDER.indexOf(t.status);
  const rows = [...r.targets].sort((a, b) => rank(a) - rank(b) || (a.target < b.target ? -1 : 1));
  return [
    `### kuzu-migrate ${r.command} --all: ${r.version}${r.environment ? ` (${r.environment})` : ''}${r.shard ? `, shard ${r.shard}` : ''}`,
    '',
    `**${r.summary.total} targets**: ${statusLine(r.summary)}. Exit code ${r.summary.exit_code}.`,
    '',
    '| target | status | version | wave | time | backup / error |',
    '|---|---|---|---:|---:|---|',
    ...rows.map((t) => `| \`${esc(t.target)}\` | ${t.status} | ${esc(versions(t))} | ${t.wave ?? ''} | ${t.duration_ms} ms | ${t.error ? esc(`${t.error.code}: ${t.error.message}`) : t.backup_id ? `\`${t.backup_id}\`` : ''} |`),
    '',
  ].join('\n');
}

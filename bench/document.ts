/**
 * The bench report as data (docs/benchmarks.json) and its Markdown view (docs/benchmarks.md).
 * Pure: the runner fills a BenchReport; targets and the Markdown are computed from it alone.
 */
import {
  ApplyPhases, fmtCount, fmtMB, fmtMs, fmtPct, fmtRatio, fmtStats, growth, markdownTable, PHASE_NAMES, ratio, Stats, TargetCheck, targetTable,
} from './report';
import { APPLY_FIXED_SECONDS, BACKUP_BYTES_PER_SECOND, estimateRebuild, formatBytes, REBUILD_ROWS_PER_SECOND } from '../dist/core/lint/cost';
import type { RewriteStrategy } from '../dist/core/plan';

export const BENCH_FORMAT_VERSION = 1;

export interface Machine {
  cpu: string;
  cores: number;
  memory_bytes: number;
  os: string;
  node: string;
  kuzu: string;
  tool: string;
  /** 1/5/15-minute load averages when the run started and ended (other processes may be running). */
  load_start: number[];
  load_end: number[];
  /** How peak memory was read: GNU `/usr/bin/time -v`, or sampling /proc/<pid>/status VmHWM. */
  memory_probe: string;
}

/** A measured child process, repeated. */
export interface ProcessMeasure {
  wall: Stats;
  /** User + system CPU time of the process (ms), when /usr/bin/time -v was there: steadier than wall time under load. */
  cpu?: Stats;
  /** Peak RSS in bytes, median over the runs. */
  peak_rss: number | undefined;
}

export interface ApplyMeasure {
  /** False when apply refused the strategy (e.g. E_UNSUPPORTED); then `reason` says why. */
  available: boolean;
  reason?: string;
  /** Wall time of applyMigration inside the worker (process start excluded). */
  total: Stats;
  phases: Record<keyof ApplyPhases, Stats>;
  peak_rss: number | undefined;
  /** Slowest statements of the median run (profiling). */
  slowest: { sql: string; ms: number }[];
}

export interface DataPoint {
  nodes: number;
  rels: number;
  bytes: number;
  generate_ms: { nodes: number; rels: number };
  plan: ProcessMeasure;
  plan_pending: ProcessMeasure;
  drift: ProcessMeasure;
  rewrite: Record<string, ApplyMeasure>;
  baseline: { total: Stats; export: Stats; import: Stats; close: Stats; export_bytes: number; format: string; peak_rss?: number };
  in_place: { add: ApplyMeasure; rename: ApplyMeasure };
  backup: {
    backup: Stats;
    copy: Stats;
    checkpoint: Stats;
    sha256: Stats;
    /** fsync of the plain copy (createBackup fsyncs its copy too). */
    fsync?: Stats;
    /** How createBackup copied (`copy`: read once, hashed while written; `clone`: FICLONE). */
    method?: string;
    /** The same on a reflink file system (--cow-dir): a bare FICLONE of the file, and createBackup there. */
    clone?: { clone: Stats; backup: Stats; method: string } | null;
  };
  fingerprint: { time: Stats; rows: number; columns: number; rows_per_s: number };
  /** `kuzu-migrate export` / `import` (library calls in the worker, parquet, verification included) and their peak RSS. */
  snapshot?: { export: Stats; import: Stats; export_rss: number | undefined; import_rss: number | undefined };
  /** A bare Kuzu open (node + require('kuzu') + read-only open + close) of the same file, as a child process. */
  open?: ProcessMeasure;
}

/** The 10-table mixed-type schema (strings, lists, structs, dates): rewrite of all 10 tables against EXPORT+IMPORT. */
export interface MixedPoint {
  node_tables: number;
  rel_tables: number;
  rows: number;
  bytes: number;
  rewrite: ApplyMeasure;
  baseline: { total: Stats; export: Stats; import: Stats; peak_rss?: number };
}

/** One point of the scaling chart: the default rewrite against EXPORT+IMPORT. */
export interface ScalingPoint {
  nodes: number;
  rels: number;
  rewrite: Stats;
  baseline: Stats;
}

export interface SchemaPoint {
  tables: number;
  node_tables: number;
  rel_tables: number;
  plan: ProcessMeasure;
  drift: ProcessMeasure;
  /** A bare Kuzu open of the same file, measured in the same rounds (the floor of plan/drift). */
  open?: ProcessMeasure;
}

export interface BenchReport {
  format_version: number;
  generated_at: string;
  duration_ms: number;
  command: string;
  options: { quick: boolean; scale: number; reps: number; rels_per_node: number; sizes: number[]; schema_sizes: number[]; mixed_rows?: number; scaling_sizes?: number[]; cow_dir?: string | null };
  machine: Machine;
  /** Process floors: `node bin/run.js --version`, and `node -e "require('kuzu')"`. */
  floor: { cli_version: ProcessMeasure; require_kuzu: ProcessMeasure };
  data: DataPoint[];
  schema: SchemaPoint[];
  mixed?: MixedPoint | null;
  scaling?: ScalingPoint[];
  targets: TargetCheck[];
}

/**
 * Flat means: the largest size is at most this much slower than the smallest. Flatness compares
 * the fastest run of each size: load from other processes only ever adds time, so the minimum is
 * the steadiest estimate of the intrinsic cost (medians are reported beside it).
 */
export const FLAT_TOLERANCE = 0.2;
/** Issue 14's targets. */
export const REWRITE_RATIO_TARGET = 1.0;
export const COPY_STRATEGY_RATIO_TARGET = 1.3;
export const SNAPSHOT_RATIO_TARGET = 1.3;
export const OUR_SHARE_MS = 200;
export const VERSION_MS = 150;
export const RSS_MARGIN_BYTES = 150 * 1024 * 1024; // fmtMB counts 2^20 bytes

/** Kuzu-migrate's own share of an in-place apply: everything except the checkpoint and the one copy (backup phase), the ALTERs and COMMIT. */
export function inPlaceOverhead(m: ApplyMeasure): number {
  return m.total.median - m.phases.backup.median - m.phases.statements.median - m.phases.commit.median;
}

export function checkTargets(r: Pick<BenchReport, 'data' | 'schema'> & Partial<Pick<BenchReport, 'floor' | 'mixed'>>): TargetCheck[] {
  const out: TargetCheck[] = [];
  const d = r.data;
  const first = d[0];
  const last = d[d.length - 1];
  const flat = (id: string, what: string, series: number[], fmt: (x: number) => string) => {
    const g = growth(series);
    out.push({
      id,
      target: `${what}: flat in rows (fastest run ≤ ${fmtPct(FLAT_TOLERANCE)} from ${fmtCount(first.nodes)} to ${fmtCount(last.nodes)} nodes)`,
      measured: `${series.map(fmt).join(' → ')} (${fmtPct(g)})`,
      met: d.length < 2 ? null : g <= FLAT_TOLERANCE,
    });
  };
  if (d.length > 0) {
    // CPU time where it was measured: under load from other processes a process's wall time grows
    // with the load, its CPU time with its own work (which is what "flat in rows" is about).
    const byCpu = d.every((p) => p.plan.cpu?.n && p.plan_pending.cpu?.n && p.drift.cpu?.n);
    const pick = (m: ProcessMeasure) => (byCpu ? m.cpu!.min : m.wall.min);
    const how = byCpu ? 'CLI CPU time (user + system)' : 'CLI wall time';
    flat('plan_rows', `\`plan\` (no changes), ${how}`, d.map((p) => pick(p.plan)), fmtMs);
    flat('plan_pending_rows', `\`plan\` (pending rewrite), ${how}`, d.map((p) => pick(p.plan_pending)), fmtMs);
    flat('drift_rows', `\`drift\`, ${how}`, d.map((p) => pick(p.drift)), fmtMs);
  }
  const big = r.schema.find((s) => s.tables === 300) ?? r.schema[r.schema.length - 1];
  if (big) {
    for (const [id, m] of [['plan_tables', big.plan], ['drift_tables', big.drift]] as const) {
      const share = m.wall.median - (big.open?.wall.median ?? NaN);
      out.push({
        id,
        target: `\`${id.split('_')[0]}\` at ${big.tables} tables: our share (total − a bare Kuzu open of the same file, same run) ≤ ${fmtMs(OUR_SHARE_MS)}`,
        measured: big.open
          ? `${fmtMs(m.wall.median)} − ${fmtMs(big.open.wall.median)} = ${fmtMs(share)}` +
            (m.cpu?.n && big.open.cpu?.n ? ` (CPU: ${fmtMs(m.cpu.median)} − ${fmtMs(big.open.cpu.median)} = ${fmtMs(m.cpu.median - big.open.cpu.median)})` : '')
          : `${fmtStats(m.wall)} (no bare open measured)`,
        met: big.open ? share <= OUR_SHARE_MS : null,
      });
    }
  }
  if (r.floor) {
    const cpu = r.floor.cli_version.cpu;
    out.push({
      id: 'version',
      target: `\`kuzu-migrate --version\` ≤ ${fmtMs(VERSION_MS)} (process start included)`,
      measured: `${fmtStats(r.floor.cli_version.wall)}${cpu && cpu.n ? `, CPU ${fmtMs(cpu.median)}` : ''}`,
      met: r.floor.cli_version.wall.median <= VERSION_MS,
    });
  }
  // The ratios at the two largest data sizes (200k / 1M and 1M / 5M at the default sizes).
  for (const p of d.slice(-2)) {
    const at = `at ${fmtCount(p.nodes)} nodes / ${fmtCount(p.rels)} rels`;
    for (const [strategy, m] of Object.entries(p.rewrite)) {
      const q = ratio(m.total.median, p.baseline.total.median);
      const limit = strategy === 'transaction' ? REWRITE_RATIO_TARGET : COPY_STRATEGY_RATIO_TARGET;
      out.push({
        id: `rewrite_${strategy}_${fmtCount(p.nodes)}`,
        target: `rewrite apply \`--strategy ${strategy}\`${strategy === 'transaction' ? ' (default), full content verification' : ''} ≤ ${fmtRatio(limit)} EXPORT+IMPORT ${at}`,
        measured: m.available ? `${fmtMs(m.total.median)} vs ${fmtMs(p.baseline.total.median)} = ${fmtRatio(q)}` : `not available (${m.reason ?? 'refused'})`,
        met: m.available ? q <= limit : null,
      });
    }
  }
  if (r.mixed) {
    const m = r.mixed;
    const q = ratio(m.rewrite.total.median, m.baseline.total.median);
    out.push({
      id: 'rewrite_mixed',
      target: `rewrite apply (default), ${m.node_tables + m.rel_tables} tables of mixed types (strings, lists, structs, dates), all rebuilt, ≤ ${fmtRatio(REWRITE_RATIO_TARGET)} EXPORT+IMPORT`,
      measured: m.rewrite.available ? `${fmtMs(m.rewrite.total.median)} vs ${fmtMs(m.baseline.total.median)} = ${fmtRatio(q)} (${fmtCount(m.rows)} rows)` : `not available (${m.rewrite.reason ?? 'refused'})`,
      met: m.rewrite.available ? q <= REWRITE_RATIO_TARGET : null,
    });
  }
  if (last?.snapshot) {
    const at = `at ${fmtCount(last.nodes)} nodes / ${fmtCount(last.rels)} rels`;
    for (const [id, ours, raw, what] of [
      ['snapshot_export', last.snapshot.export, last.baseline.export, '`export` (parquet) ≤ 1.3× Kuzu\'s EXPORT DATABASE'],
      ['snapshot_import', last.snapshot.import, last.baseline.import, '`import` with its verification ≤ 1.3× Kuzu\'s IMPORT DATABASE'],
    ] as const) {
      const q = ratio(ours.median, raw.median);
      out.push({ id, target: `snapshot ${what} ${at}`, measured: `${fmtMs(ours.median)} vs ${fmtMs(raw.median)} = ${fmtRatio(q)}`, met: isFinite(q) ? q <= SNAPSHOT_RATIO_TARGET : null });
    }
  }
  if (last) {
    for (const kind of ['add', 'rename'] as const) {
      const series = d.map((p) => inPlaceOverhead(p.in_place[kind]));
      const g = growth(series.map((x) => Math.max(x, 1)));
      out.push({
        id: `in_place_${kind}`,
        target: `in-place apply (${kind === 'add' ? 'add property with default' : 'rename property'}): kuzu-migrate's own time (total − backup − ALTER − COMMIT) flat in rows`,
        measured: `${series.map(fmtMs).join(' → ')} (${fmtPct(g)})`,
        met: d.length < 2 ? null : g <= FLAT_TOLERANCE,
      });
    }
    // Backups: one read of the source (a copy hashed while written, or a clone hashed once).
    const b = last.backup;
    const own = b.backup.median - b.checkpoint.median;
    const fsync = b.fsync && b.fsync.n ? b.fsync.median : 0;
    out.push({
      id: 'backup_one_read',
      target: `backup reads the source once (copy hashed while written, no second hash pass): createBackup − CHECKPOINT ≤ plain copy + fsync + one sha256 pass, at ${fmtCount(last.nodes)} nodes`,
      measured: `${fmtMs(b.backup.median)} − ${fmtMs(b.checkpoint.median)} = ${fmtMs(own)} vs ${fmtMs(b.copy.median)} + ${fmtMs(fsync)} + ${fmtMs(b.sha256.median)} = ${fmtMs(b.copy.median + fsync + b.sha256.median)} (${b.method ?? 'copy'})`,
      met: own <= b.copy.median + fsync + b.sha256.median,
    });
    out.push({
      id: 'backup_clone',
      target: 'backup is a copy-on-write clone where the file system supports it (measured on --cow-dir)',
      measured: b.clone ? `${b.clone.method}: createBackup ${fmtMs(b.clone.backup.median)} (bare FICLONE ${fmtMs(b.clone.clone.median)}) vs ${fmtMs(b.backup.median)} copying` : 'not measured (no --cow-dir on a reflink file system)',
      met: b.clone ? b.clone.method === 'clone' : null,
    });
    const rss = d.map((p) => p.plan.peak_rss ?? NaN);
    out.push({
      id: 'memory_plan',
      target: '`plan` peak RSS flat in rows',
      measured: `${rss.map((x) => fmtMB(x)).join(' → ')} (${fmtPct(growth(rss))})`,
      met: d.length < 2 || rss.some((x) => !isFinite(x)) ? null : growth(rss) <= FLAT_TOLERANCE,
    });
    // Peak RSS against Kuzu's own for the same work: + 150 MB at most, at every size.
    const margin = (id: string, label: string, pairs: { at: string; ours: number | undefined; kuzu: number | undefined }[]) => {
      const ok = pairs.filter((x) => x.ours !== undefined && x.kuzu !== undefined);
      const worst = ok.reduce((w, x) => Math.max(w, x.ours! - x.kuzu!), -Infinity);
      out.push({
        id,
        target: `${label}: peak RSS ≤ Kuzu's own for the same work + ${fmtMB(RSS_MARGIN_BYTES)}, at every size`,
        measured: ok.length ? ok.map((x) => `${x.at}: ${fmtMB(x.ours)} vs ${fmtMB(x.kuzu)}`).join('; ') : 'not measured',
        met: ok.length ? worst <= RSS_MARGIN_BYTES : null,
      });
    };
    margin('memory_rewrite', 'rewrite apply vs EXPORT+IMPORT', d.map((p) => ({ at: fmtCount(p.nodes), ours: p.rewrite['transaction']?.peak_rss, kuzu: p.baseline.peak_rss })));
    margin('memory_plan_open', 'plan vs a bare open', [
      ...d.map((p) => ({ at: fmtCount(p.nodes), ours: p.plan.peak_rss, kuzu: p.open?.peak_rss })),
      ...(big ? [{ at: `${big.tables} tables`, ours: big.plan.peak_rss, kuzu: big.open?.peak_rss }] : []),
    ]);
    margin('memory_snapshot', 'snapshot export+import vs EXPORT+IMPORT', d.map((p) => ({ at: fmtCount(p.nodes), ours: p.snapshot ? Math.max(p.snapshot.export_rss ?? 0, p.snapshot.import_rss ?? 0) : undefined, kuzu: p.baseline.peak_rss })));
  }
  return out;
}

/** Wall time (median, min–max), with the median CPU time beside it when it was measured; peak RSS. */
function proc(m: ProcessMeasure): string[] {
  return [fmtStats(m.wall) + (m.cpu?.n ? ` · CPU ${fmtMs(m.cpu.median)}` : ''), fmtMB(m.peak_rss)];
}

const IN_PLACE_PHASES: readonly (keyof ApplyPhases)[] = ['prepare', 'backup', 'open', 'statements', 'commit', 'post_verify'];

function phaseRows(label: string, m: ApplyMeasure, extra: string[], phases: readonly (keyof ApplyPhases)[] = PHASE_NAMES): string[] {
  if (!m.available) return [label, ...extra, 'not available', ...phases.map(() => '—')];
  return [label, ...extra, fmtStats(m.total), ...phases.map((p) => fmtMs(m.phases[p].median))];
}

/**
 * Per-target explanations, hand-written from profiling (docs/benchmarks-targets.md): a `## <id>`
 * heading per target id (as in TargetCheck.id), its paragraphs below it. Returns id → Markdown.
 */
export function parseExplanations(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let id: string | null = null;
  let body: string[] = [];
  const flush = () => {
    if (id && body.join('').trim()) out[id] = body.join('\n').trim();
  };
  for (const line of text.split('\n')) {
    const m = /^## +([A-Za-z0-9_.-]+) *$/.exec(line);
    if (m) {
      flush();
      id = m[1];
      body = [];
    } else if (id) body.push(line);
  }
  flush();
  return out;
}

/**
 * The explanation of every missed target (issue 14: "for a missed one the profile that explains
 * it and what would fix it"); a missed target without one is listed as unexplained.
 */
export function missedSection(targets: TargetCheck[], explanations: Record<string, string>): string[] {
  const missed = targets.filter((t) => t.met === false);
  if (!missed.length) return [];
  const out = ['### Missed targets: what the profile shows and what would fix it', ''];
  for (const t of missed) {
    out.push(`**${t.target}** — measured ${t.measured}.`, '');
    out.push(explanations[t.id] ?? `_No explanation written for \`${t.id}\` (add a \`## ${t.id}\` section to docs/benchmarks-targets.md)._`, '');
  }
  return out;
}

/**
 * Renders the whole document. `analysis` is hand-written text inserted after the targets;
 * `explanations`: per-target paragraphs (parseExplanations), shown for the missed ones.
 */
export function renderBenchMarkdown(r: BenchReport, analysis = '', explanations: Record<string, string> = {}): string {
  const m = r.machine;
  const sizeLabel = (p: DataPoint) => `${fmtCount(p.nodes)} / ${fmtCount(p.rels)}`;
  const out: string[] = [];
  out.push('# kuzu-migrate benchmarks', '');
  out.push(
    `Generated by \`${r.command}\` on ${r.generated_at} in ${fmtMs(r.duration_ms)}; the figures below are the median of ${r.options.reps} runs ` +
      'with (min–max) beside them. The raw numbers are in [benchmarks.json](benchmarks.json); this page is rendered from it.',
    '',
  );
  out.push('## Machine', '');
  out.push(
    markdownTable(
      ['', ''],
      [
        ['CPU', `${m.cpu}, ${m.cores} cores`],
        ['memory', fmtMB(m.memory_bytes)],
        ['OS', m.os],
        ['Node', m.node],
        ['Kuzu (npm `kuzu`)', m.kuzu],
        ['kuzu-migrate', m.tool],
        ['load average at start (1/5/15 min)', m.load_start.map((x) => x.toFixed(2)).join(' / ')],
        ['load average at end', m.load_end.map((x) => x.toFixed(2)).join(' / ')],
        ['peak memory read with', m.memory_probe],
      ],
    ),
    '',
  );
  out.push('## How to reproduce', '');
  out.push(
    '```sh',
    'npm install',
    'npm run bench                 # default sizes: docs/benchmarks.{md,json}, the fleet bench, and the chart (needs gnuplot)',
    'npm run bench -- --quick      # smoke run (a few minutes), writes to a temporary folder unless --out is given',
    'npm run bench -- --cow-dir /mnt/cow   # also measure backups on a file system with copy-on-write clones',
    'npm run bench -- --no-scaling # without the 4M-node scaling point',
    'npm run bench:chart           # redraw docs/img/benchmarks-scaling.svg from docs/benchmarks.json',
    'npm run bench -- --reps 5 --out /tmp/bench --keep',
    '```',
    '',
    'Every database is generated inside Kuzu (`COPY Item FROM (UNWIND range(...) RETURN ...)`); no row passes through JavaScript. ' +
      'The data graph is `Item(id INT64 PK, v INT32, name STRING, score DOUBLE)` and `Link(Item→Item, w DOUBLE, MANY_MANY)` with ' +
      `${r.options.rels_per_node} rels per node. The wide schema has two thirds node tables (five properties, one DEFAULT) and one third ` +
      'rel tables between neighbours, with no rows. CLI figures are `node bin/run.js …` as a child process, process start included. ' +
      'Apply, backup, baseline and fingerprint figures are timed inside a worker process (`dist-bench/worker.js`) around the library call, ' +
      'so they exclude process start; each run gets a fresh copy of the generated database and a cold Kuzu.',
    '',
  );
  out.push('## Targets', '', targetTable(r.targets), '');
  out.push(...missedSection(r.targets, explanations));
  if (analysis.trim()) out.push(analysis.trim(), '');

  out.push('## 1. `plan` and `drift` against data size', '');
  out.push(
    `Process floor: \`node bin/run.js --version\` ${fmtStats(r.floor.cli_version.wall)}; \`node -e "require('kuzu')"\` ${fmtStats(r.floor.require_kuzu.wall)}.`,
    '',
  );
  out.push(
    markdownTable(
      ['nodes / rels', 'file', 'plan (no changes)', 'peak RSS', 'plan (pending rewrite)', 'peak RSS', 'drift', 'peak RSS'],
      r.data.map((p) => [sizeLabel(p), fmtMB(p.bytes), ...proc(p.plan), ...proc(p.plan_pending), ...proc(p.drift)]),
    ),
    '',
  );
  out.push('### … and against schema size (no rows)', '');
  out.push(
    markdownTable(
      ['tables', 'node / rel', 'bare Kuzu open', 'peak RSS', 'plan', 'peak RSS', 'our share', 'drift', 'peak RSS', 'our share'],
      r.schema.map((s) => [
        String(s.tables),
        `${s.node_tables} / ${s.rel_tables}`,
        ...(s.open ? proc(s.open) : ['—', '—']),
        ...proc(s.plan),
        fmtMs(s.plan.wall.median - (s.open?.wall.median ?? NaN)),
        ...proc(s.drift),
        fmtMs(s.drift.wall.median - (s.open?.wall.median ?? NaN)),
      ]),
    ),
    '',
  );

  out.push('## 2. Rewrite apply against EXPORT + IMPORT', '');
  out.push(
    'The change: `Item.v` INT32 → INT64, which rebuilds `Item` and the `Link` rel table attached to it. The baseline is Kuzu’s own ' +
      `\`EXPORT DATABASE (format='${r.data[0]?.baseline.format ?? 'parquet'}')\` from the same file plus \`IMPORT DATABASE\` into a fresh one, through the same driver, ` +
      'closing the new database (Kuzu checkpoints on close). Apply includes lock, planning, backup, verification, commit and post-verify.',
    '',
  );
  out.push(
    markdownTable(
      ['nodes / rels', 'baseline (export + import + close)', 'export', 'import', ...Object.keys(r.data[0]?.rewrite ?? {}).flatMap((s) => [`apply ${s}`, 'ratio'])],
      r.data.map((p) => [
        sizeLabel(p),
        fmtStats(p.baseline.total),
        fmtMs(p.baseline.export.median),
        fmtMs(p.baseline.import.median),
        ...Object.values(p.rewrite).flatMap((a) => (a.available ? [fmtStats(a.total), fmtRatio(ratio(a.total.median, p.baseline.total.median))] : ['not available', '—'])),
      ]),
    ),
    '',
  );
  out.push('### Phases of the rewrite apply (median ms)', '');
  out.push(
    'prepare = lock, settle, re-plan, policy, cast pre-check · backup = CHECKPOINT + one pass that copies and hashes (or a clone, hashed once) · ' +
      'open = the private copy (from the backup) + write handle, introspection, BEGIN · ' +
      'export / load = (export strategy) lossless snapshot export of the live file and its load into a fresh staging file · ' +
      'statements = CREATE staging + COPY · verify = whole-row fingerprints old vs new, per property only on a mismatch (export strategy: also the loaded copy against the export) · ' +
      'finish = DROP/RENAME, checks, history row · commit = COMMIT + close (checkpoint) · ' +
      'post_verify = one read-only reopen of the new file before the swap: schema = declaration, indexes answer (since issue 14 it runs before the swap) · ' +
      'swap = the digest (rebuilt tables from the verification scan, others counted), the unchanged-source check (inode, size, mtime, ctime), fsync, rename, journal, pruning. ' +
      'Cut at the events `applyMigration` emits plus the COMMIT statement and the handle closes/opens the worker records by wrapping `KuzuEngine` in its own process.',
    '',
  );
  out.push(
    markdownTable(
      ['nodes / rels', 'strategy', 'total', ...PHASE_NAMES],
      r.data.flatMap((p) => Object.entries(p.rewrite).map(([s, a]) => phaseRows(sizeLabel(p), a, [s]))),
    ),
    '',
  );
  out.push(...estimateSection(r));
  const last = r.data[r.data.length - 1];
  if (last) {
    for (const [s, a] of Object.entries(last.rewrite)) {
      if (!a.available || a.slowest.length === 0) continue;
      out.push(`Slowest statements of the median \`${s}\` run at ${sizeLabel(last)}:`, '');
      out.push(markdownTable(['ms', 'statement'], a.slowest.map((x) => [Math.round(x.ms), '`' + x.sql.slice(0, 140) + (x.sql.length > 140 ? '…' : '') + '`'])), '');
    }
  }

  out.push('## 3. In-place apply against rows', '');
  out.push(
    'add = `Item.status STRING DEFAULT \'new\'` and `Link.kind INT32 DEFAULT 1` in one apply; rename = `Item.name` → `title`. ' +
      'Here "statements" holds the ALTERs, checks and history row; "backup" is the checkpoint and the apply\'s one copy of the file (its backup is the original itself, kept at the swap). Overhead = total − backup − statements − commit: what kuzu-migrate adds around Kuzu.',
    '',
  );
  out.push(
    markdownTable(
      ['nodes / rels', 'change', 'total', ...IN_PLACE_PHASES, 'overhead', 'peak RSS'],
      r.data.flatMap((p) =>
        (['add', 'rename'] as const).map((k) => [...phaseRows(sizeLabel(p), p.in_place[k], [k], IN_PLACE_PHASES), fmtMs(inPlaceOverhead(p.in_place[k])), fmtMB(p.in_place[k].peak_rss)]),
      ),
    ),
    '',
  );

  out.push(...mixedSection(r), ...snapshotSection(r), ...scalingSection(r));
  out.push('## 4. Peak resident memory against data size', '');
  out.push(
    markdownTable(
      ['nodes / rels', 'file', 'bare open', 'plan', 'drift', 'EXPORT+IMPORT (Kuzu)', 'apply rewrite (worker)', 'apply add (worker)', 'export', 'import'],
      r.data.map((p) => [
        sizeLabel(p),
        fmtMB(p.bytes),
        fmtMB(p.open?.peak_rss),
        fmtMB(p.plan.peak_rss),
        fmtMB(p.drift.peak_rss),
        fmtMB(p.baseline.peak_rss),
        fmtMB(p.rewrite['transaction']?.peak_rss),
        fmtMB(p.in_place.add.peak_rss),
        fmtMB(p.snapshot?.export_rss),
        fmtMB(p.snapshot?.import_rss),
      ]),
    ),
    '',
  );

  out.push('## 5. Backup against a plain file copy', '');
  out.push(
    markdownTable(
      ['nodes / rels', 'file', 'createBackup', 'method', 'fs.copyFileSync', 'ratio', 'fsync of that copy', 'CHECKPOINT alone (open+close)', 'sha256 of the file alone', 'createBackup on --cow-dir', 'bare FICLONE'],
      r.data.map((p) => [
        sizeLabel(p),
        fmtMB(p.bytes),
        fmtStats(p.backup.backup),
        p.backup.method ?? 'copy',
        fmtStats(p.backup.copy),
        fmtRatio(ratio(p.backup.backup.median, p.backup.copy.median)),
        fmtMs(p.backup.fsync?.median),
        fmtMs(p.backup.checkpoint.median),
        fmtMs(p.backup.sha256.median),
        p.backup.clone ? `${fmtStats(p.backup.clone.backup)} (${p.backup.clone.method})` : 'not measured',
        p.backup.clone ? fmtMs(p.backup.clone.clone.median) : '—',
      ]),
    ),
    '',
  );

  out.push('## 6. Verification throughput (fingerprintDatabase)', '');
  out.push(
    markdownTable(
      ['nodes / rels', 'rows fingerprinted', 'columns', 'time', 'rows/s'],
      r.data.map((p) => [sizeLabel(p), fmtCount(p.fingerprint.rows), String(p.fingerprint.columns), fmtStats(p.fingerprint.time), fmtCount(Math.round(p.fingerprint.rows_per_s))]),
    ),
    '',
  );
  out.push('## Generation (for reference)', '');
  out.push(
    markdownTable(
      ['nodes / rels', 'COPY nodes', 'COPY rels', 'file'],
      r.data.map((p) => [sizeLabel(p), fmtMs(p.generate_ms.nodes), fmtMs(p.generate_ms.rels), fmtMB(p.bytes)]),
    ),
    '',
  );
  return out.join('\n');
}

/**
 * lint's rebuild estimate (KM302, core/lint/cost.ts) for the bench's rewrite — every row of Item
 * and Link is rebuilt — against the measured median apply, so the model's error is on record.
 */
export function estimateSection(r: Pick<BenchReport, 'data'>): string[] {
  const rows = r.data.flatMap((p) =>
    Object.entries(p.rewrite)
      .filter(([, a]) => a.available)
      .map(([strategy, a]) => {
        const e = estimateRebuild({ strategy: strategy as RewriteStrategy, rebuiltRows: p.nodes + p.rels, totalRows: p.nodes + p.rels, databaseBytes: p.bytes, freeBytes: null });
        return [`${fmtCount(p.nodes)} / ${fmtCount(p.rels)}`, strategy, fmtMs(e.seconds * 1000), fmtStats(a.total), fmtRatio(ratio(a.total.median, e.seconds * 1000))];
      }),
  );
  if (rows.length === 0) return [];
  return [
    '### Rebuild estimate (lint KM302) against the measured apply',
    '',
    `The estimate \`kuzu-migrate plan\`/\`lint\` print for a rebuild: ${APPLY_FIXED_SECONDS} s fixed + file bytes / ${formatBytes(BACKUP_BYTES_PER_SECOND)}/s (backup) + ` +
      `rows / ${fmtCount(REBUILD_ROWS_PER_SECOND.transaction)} rows/s (transaction) or ${fmtCount(REBUILD_ROWS_PER_SECOND.export)} rows/s (export, every row). ` +
      'The throughputs are constants in src/core/lint/cost.ts taken from the 1M / 5M rows of §2 and §5 of this file (so that row matches by construction); ' +
      'ratio = measured / estimated, > 1 when the estimate is optimistic.',
    '',
    markdownTable(['nodes / rels', 'strategy', 'estimated', 'measured apply', 'ratio'], rows),
    '',
  ];
}

function mixedSection(r: BenchReport): string[] {
  const m = r.mixed;
  if (!m) return [];
  return [
    '## 2b. Rewrite of a 10-table mixed-type schema',
    '',
    `${m.node_tables} node tables \`M0..M${m.node_tables - 1}\`(id INT64, n INT32, s STRING, tags INT64[], st STRUCT(a INT64, b STRING), d DOUBLE, day DATE) and ` +
      `${m.rel_tables} rel tables (w DOUBLE, labels STRING[]) between neighbours, every 10th value NULL, ${fmtCount(m.rows)} rows, ${fmtMB(m.bytes)}; ` +
      'the change retypes every `n` INT32 → INT64, so all 10 tables are rebuilt and verified. Baseline as in §2.',
    '',
    markdownTable(
      ['rows', 'baseline (export + import + close)', 'export', 'import', 'apply (default)', 'ratio', 'peak RSS apply', 'peak RSS baseline'],
      [[fmtCount(m.rows), fmtStats(m.baseline.total), fmtMs(m.baseline.export.median), fmtMs(m.baseline.import.median), m.rewrite.available ? fmtStats(m.rewrite.total) : 'not available', fmtRatio(ratio(m.rewrite.total.median, m.baseline.total.median)), fmtMB(m.rewrite.peak_rss), fmtMB(m.baseline.peak_rss)]],
    ),
    '',
    markdownTable(['strategy', 'total', ...PHASE_NAMES], [phaseRows('default', m.rewrite, [])].map((row) => row)),
    '',
  ];
}

function snapshotSection(r: BenchReport): string[] {
  const rows = r.data.filter((p) => p.snapshot);
  if (!rows.length) return [];
  return [
    '## 2c. Snapshots against Kuzu\'s EXPORT / IMPORT DATABASE',
    '',
    '`export` = exportSnapshot (lossless codec, parquet, with its restorability proof); `import` = importSnapshot into a fresh file, its verification ' +
      'against the manifest included. Library calls timed in the worker (process start excluded), like Kuzu\'s own EXPORT and IMPORT (+ close) beside them.',
    '',
    markdownTable(
      ['nodes / rels', 'EXPORT DATABASE', 'export', 'ratio', 'IMPORT DATABASE + close', 'import', 'ratio'],
      rows.map((p) => [
        `${fmtCount(p.nodes)} / ${fmtCount(p.rels)}`,
        fmtMs(p.baseline.export.median),
        fmtStats(p.snapshot!.export),
        fmtRatio(ratio(p.snapshot!.export.median, p.baseline.export.median)),
        fmtMs(p.baseline.import.median + p.baseline.close.median),
        fmtStats(p.snapshot!.import),
        fmtRatio(ratio(p.snapshot!.import.median, p.baseline.import.median + p.baseline.close.median)),
      ]),
    ),
    '',
  ];
}

function scalingSection(r: BenchReport): string[] {
  const pts = r.scaling ?? [];
  if (!pts.length) return [];
  return [
    '## 2d. Scaling: rewrite against EXPORT+IMPORT',
    '',
    '![rewrite apply and EXPORT+IMPORT against data size](img/benchmarks-scaling.svg)',
    '',
    'Drawn by `npm run bench:chart` (gnuplot) from the `scaling` points of benchmarks.json: the default rewrite (transaction, full content verification) ' +
      `and Kuzu's EXPORT+IMPORT at each size, ×${r.options.rels_per_node} rels per node.`,
    '',
    markdownTable(
      ['nodes / rels', 'EXPORT+IMPORT', 'rewrite apply', 'ratio'],
      pts.map((p) => [`${fmtCount(p.nodes)} / ${fmtCount(p.rels)}`, fmtStats(p.baseline), fmtStats(p.rewrite), fmtRatio(ratio(p.rewrite.median, p.baseline.median))]),
    ),
    '',
  ];
}

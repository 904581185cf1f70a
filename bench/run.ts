/**
 * `npm run bench`: measures plan/drift, rewrite and in-place apply, memory, backup and verification
 * against data size and schema size, and writes docs/benchmarks.{json,md}. See document.ts for what
 * each figure means and docs/benchmarks.md for the results.
 *
 *   node dist-bench/run.js [--quick] [--scale N] [--reps N] [--out DIR] [--work DIR] [--keep] [--cow-dir DIR] [--no-scaling]
 *   node dist-bench/run.js --render [--out DIR]   re-render benchmarks.md from benchmarks.json
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { kuzuVersion } from '../dist/kuzu/engine';
import { TOOL_VERSION } from '../dist/version';
import { memoryProbe, runNode } from './child';
import { ApplyMeasure, BENCH_FORMAT_VERSION, BenchReport, checkTargets, DataPoint, MixedPoint, parseExplanations, ProcessMeasure, renderBenchMarkdown, ScalingPoint, SchemaPoint } from './document';
import { dataSchema, generateDataGraph, generateMixed, generateWideSchema, MIXED_NODE_TABLES, MIXED_REL_TABLES, mixedSchema, wideSchema, wideSplit, writeProject } from './generate';
import { ApplyPhases, ApplyTimeline, fmtCount, fmtMs, median, PHASE_NAMES, phasesFromTimeline, slowestStatements, stats } from './report';

const ROOT = path.resolve(__dirname, '..'); // dist-bench/ sits beside dist/ at the repository root
const CLI = path.join(ROOT, 'bin', 'run.js');
const WORKER = path.join(__dirname, 'worker.js');
const OPEN = path.join(__dirname, 'open.js');

interface Options {
  quick: boolean;
  scale: number;
  reps: number;
  out: string;
  work: string;
  keep: boolean;
  /** Only re-render the Markdown from an existing benchmarks.json (e.g. after editing the analysis). */
  render: boolean;
  sizes: number[];
  schemaSizes: number[];
  relsPerNode: number;
  strategies: string[];
  /** Rows per node table of the 10-table mixed-type schema (rel tables hold twice as many). */
  mixedRows: number;
  /** Sizes measured only for the scaling chart (default rewrite + baseline), beyond `sizes`. */
  scalingExtra: number[];
  /** Sizes of `sizes` that are points of the scaling chart. */
  scalingSizes: number[];
  /** A folder on a file system with copy-on-write clones (XFS reflink, Btrfs), for the backup clone figures. */
  cowDir: string | null;
}

function usage(msg?: string): never {
  if (msg) process.stderr.write(`bench: ${msg}\n`);
  process.stderr.write('usage: npm run bench -- [--quick] [--scale N] [--reps N] [--out DIR] [--work DIR] [--keep] [--cow-dir DIR] [--no-scaling] | --render [--out DIR]\n');
  process.exit(64);
}

function parseArgs(argv: string[]): Options {
  let quick = false;
  let scale = 1;
  let reps: number | undefined;
  let out: string | undefined;
  let work: string | undefined;
  let keep = false;
  let render = false;
  let cowDir: string | null = null;
  let scaling = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '--quick') quick = true;
    else if (a === '--keep') keep = true;
    else if (a === '--render') render = true;
    else if (a === '--scale') scale = Number(value());
    else if (a === '--reps') reps = Number(value());
    else if (a === '--out') out = value();
    else if (a === '--work') work = value();
    else if (a === '--cow-dir') cowDir = path.resolve(value());
    else if (a === '--no-scaling') scaling = false;
    else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument ${a}`);
  }
  if (!(scale > 0)) usage('--scale must be a positive number');
  if (reps !== undefined && !(Number.isInteger(reps) && reps > 0)) usage('--reps must be a positive integer');
  // 200k / 1M and 1M / 5M are issue 14's rewrite targets; 10k, 100k, 1M (and 4M below) the chart's points.
  const base = quick ? [1_000, 10_000] : [10_000, 100_000, 200_000, 1_000_000];
  const chart = quick ? [1_000, 10_000] : [10_000, 100_000, 1_000_000];
  return {
    quick,
    scale,
    reps: reps ?? (quick ? 2 : 3),
    // A smoke run must not overwrite the committed figures.
    out: path.resolve(out ?? (quick ? path.join(os.tmpdir(), 'kuzu-migrate-bench-quick') : path.join(ROOT, 'docs'))),
    work: path.resolve(work ?? (render ? os.tmpdir() : fs.mkdtempSync(path.join(os.tmpdir(), 'kuzu-migrate-bench-')))),
    keep,
    render,
    sizes: base.map((n) => Math.round(n * scale)),
    schemaSizes: quick ? [10, 300] : [10, 30, 100, 300],
    relsPerNode: 5,
    strategies: ['transaction', 'export'],
    mixedRows: Math.round((quick ? 1_000 : 100_000) * scale),
    scalingExtra: scaling && !quick ? [Math.round(4_000_000 * scale)] : [],
    scalingSizes: scaling ? chart.map((n) => Math.round(n * scale)) : [],
    cowDir,
  };
}

const log = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

async function repeat<T>(n: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await fn(i));
  return out;
}

function measureOf(runs: { wall_ms: number; peak_rss: number | undefined; cpu_ms?: number }[]): ProcessMeasure {
  const rss = runs.map((r) => r.peak_rss).filter((x): x is number => x !== undefined);
  const cpu = runs.map((r) => r.cpu_ms).filter((x): x is number => x !== undefined);
  return { wall: stats(runs.map((r) => r.wall_ms)), cpu: stats(cpu), peak_rss: rss.length ? median(rss) : undefined };
}

type WorkerResult = Record<string, unknown> & { ok: boolean; error?: { code: string; message: string } };

async function worker(task: string, args: Record<string, unknown>): Promise<{ result: WorkerResult; peak_rss: number | undefined; wall_ms: number }> {
  const resultFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'km-bench-w-')), 'result.json');
  const r = await runNode([WORKER, task, JSON.stringify(args), resultFile]);
  let result: WorkerResult;
  try {
    result = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as WorkerResult;
  } catch {
    throw new Error(`bench worker ${task} exited ${r.status} without a result:\n${r.stderr.slice(-2000)}`);
  } finally {
    fs.rmSync(path.dirname(resultFile), { recursive: true, force: true });
  }
  return { result, peak_rss: r.peak_rss, wall_ms: r.wall_ms };
}

function copyDatabase(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

const emptyPhases = (): Record<keyof ApplyPhases, ReturnType<typeof stats>> =>
  Object.fromEntries(PHASE_NAMES.map((p) => [p, stats([])])) as Record<keyof ApplyPhases, ReturnType<typeof stats>>;

type ApplyRun = { tl: ApplyTimeline; peak: number | undefined } | { unavailable: string };

/**
 * Applies `variant` once to a fresh copy of `template`, in the worker. A refusal with
 * E_UNSUPPORTED (a strategy that has not landed) is "not available", not an error.
 */
async function applyOnce(template: string, dir: string, variant: 'rewrite' | 'add' | 'rename' | 'mixed', strategy?: string): Promise<ApplyRun> {
  const trial = path.join(dir, `apply-${variant}-${strategy ?? 'default'}`);
  copyDatabase(template, path.join(trial, 'graph.kuzu'));
  const config = writeProject(trial, './graph.kuzu', variant === 'mixed' ? mixedSchema('rewrite') : dataSchema(variant));
  try {
    const { result, peak_rss } = await worker('apply', { config, strategy });
    if (!result.ok) {
      const e = result.error!;
      if (e.code === 'E_UNSUPPORTED') return { unavailable: `${e.code}: ${e.message}` };
      throw new Error(`apply ${variant} (${strategy ?? 'default'}) failed: ${e.code} ${e.message}`);
    }
    if (result['status'] !== 'applied') throw new Error(`apply ${variant} returned ${String(result['status'])}`);
    return { tl: result['timeline'] as ApplyTimeline, peak: peak_rss };
  } finally {
    fs.rmSync(trial, { recursive: true, force: true });
  }
}

function summarizeApply(all: ApplyRun[]): ApplyMeasure {
  const gone = all.find((r): r is { unavailable: string } => 'unavailable' in r);
  if (gone || all.length === 0) return { available: false, reason: gone?.unavailable ?? 'not run', total: stats([]), phases: emptyPhases(), peak_rss: undefined, slowest: [] };
  const runs = all as { tl: ApplyTimeline; peak: number | undefined }[];
  const phases = runs.map((r) => phasesFromTimeline(r.tl));
  const totals = runs.map((r) => r.tl.total_ms);
  const mid = runs[totals.indexOf([...totals].sort((a, b) => a - b)[Math.floor((totals.length - 1) / 2)])];
  const rss = runs.map((r) => r.peak).filter((x): x is number => x !== undefined);
  return {
    available: true,
    total: stats(totals),
    phases: Object.fromEntries(PHASE_NAMES.map((p) => [p, stats(phases.map((x) => x[p]))])) as ApplyMeasure['phases'],
    peak_rss: rss.length ? median(rss) : undefined,
    slowest: slowestStatements(mid.tl, 6),
  };
}

type CliRun = { wall_ms: number; peak_rss: number | undefined; cpu_ms?: number };

/** Raw runs of one data size, summarized into a DataPoint once every repetition is done. */
interface DataRuns {
  nodes: number;
  dir: string;
  template: string;
  gen: { nodes_ms: number; rels_ms: number; bytes: number };
  cli: Record<'plan' | 'plan_pending' | 'drift', CliRun[]>;
  rewrite: Record<string, ApplyRun[]>;
  baseline: BaselineRun[];
  add: ApplyRun[];
  rename: ApplyRun[];
  backup: { copy_ms: number; fsync_ms?: number; backup_ms: number; checkpoint_ms: number; sha256_ms: number; method: string; clone: { clone_ms: number; backup_ms: number; method: string } | null }[];
  fingerprint: { ms: number; rows: number; columns: number }[];
  open: CliRun[];
  snapshot: { export_ms: number; import_ms: number; export_rss: number | undefined; import_rss: number | undefined }[];
}

type BaselineRun = { export_ms: number; import_ms: number; close_ms: number; total_ms: number; export_bytes: number; peak_rss: number | undefined };

/** Kuzu's own EXPORT + IMPORT of `db` in the worker (its peak RSS is Kuzu's own for the same work). */
async function baselineOnce(db: string, work: string): Promise<BaselineRun> {
  fs.mkdirSync(work, { recursive: true });
  try {
    const { result, peak_rss } = await worker('baseline', { db, work, format: 'parquet' });
    if (!result.ok) throw new Error(`baseline failed: ${result.error?.message}`);
    return { ...(result as unknown as BaselineRun), peak_rss };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** `kuzu-migrate export` of the template, then `import` of it into a fresh file, each in the worker. */
async function snapshotOnce(template: string, dir: string): Promise<DataRuns['snapshot'][number]> {
  const trial = path.join(dir, 'snapshot');
  const config = writeProject(trial, path.relative(trial, template), dataSchema('base'));
  try {
    const exp = await worker('snapshot_export', { config, version: 'v1.0.0' });
    if (!exp.result.ok) throw new Error(`export failed: ${exp.result.error?.code} ${exp.result.error?.message}`);
    const imp = await worker('snapshot_import', { config, version: 'v1.0.0', database: path.join(trial, 'imported.kuzu') });
    if (!imp.result.ok) throw new Error(`import failed: ${imp.result.error?.code} ${imp.result.error?.message}`);
    return { export_ms: Number(exp.result['ms']), import_ms: Number(imp.result['ms']), export_rss: exp.peak_rss, import_rss: imp.peak_rss };
  } finally {
    fs.rmSync(trial, { recursive: true, force: true });
  }
}

/** A bare Kuzu open of `db` in its own process (dist-bench/open.js): the floor of plan and drift. */
async function bareOpen(db: string): Promise<CliRun> {
  const r = await runNode([OPEN, db]);
  if (r.status !== 0) throw new Error(`bare open of ${db} exited ${r.status}:\n${r.stderr}`);
  return r;
}

async function cliOnce(args: string[], okStatus: number[]): Promise<CliRun> {
  const r = await runNode([CLI, ...args]);
  if (!okStatus.includes(r.status)) throw new Error(`kuzu-migrate ${args.join(' ')} exited ${r.status}:\n${r.stderr || r.stdout}`);
  return r;
}

async function prepareData(o: Options, nodes: number): Promise<DataRuns> {
  const dir = path.join(o.work, `data-${nodes}`);
  const template = path.join(dir, 'template.kuzu');
  fs.mkdirSync(dir, { recursive: true });
  log(`generating ${fmtCount(nodes)} nodes / ${fmtCount(nodes * o.relsPerNode)} rels inside Kuzu`);
  const gen = await generateDataGraph(template, nodes, o.relsPerNode);
  log(`  ${fmtMs(gen.nodes_ms)} + ${fmtMs(gen.rels_ms)}, ${(gen.bytes / 1e6).toFixed(0)} MB`);
  // plan / drift read the template read-only; the pending variant points another YAML at it.
  writeProject(path.join(dir, 'p-same'), '../template.kuzu', dataSchema('base'));
  writeProject(path.join(dir, 'p-pending'), '../template.kuzu', dataSchema('rewrite'));
  const rewrite = Object.fromEntries(o.strategies.map((st) => [st, [] as ApplyRun[]]));
  return { nodes, dir, template, gen, cli: { plan: [], plan_pending: [], drift: [] }, rewrite, baseline: [], add: [], rename: [], backup: [], fingerprint: [], open: [], snapshot: [] };
}

/** One repetition of every measurement on one data size. */
async function measureDataOnce(o: Options, d: DataRuns): Promise<void> {
  const same = path.join(d.dir, 'p-same', 'kuzu-migrate.yaml');
  const pending = path.join(d.dir, 'p-pending', 'kuzu-migrate.yaml');
  d.cli.plan.push(await cliOnce(['plan', '-c', same], [0]));
  d.cli.plan_pending.push(await cliOnce(['plan', '-c', pending], [0]));
  d.cli.drift.push(await cliOnce(['drift', '-c', same], [0]));
  d.open.push(await bareOpen(d.template));
  for (const st of o.strategies) {
    if (d.rewrite[st].some((r) => 'unavailable' in r)) continue; // refused once: not available
    d.rewrite[st].push(await applyOnce(d.template, d.dir, 'rewrite', st));
  }
  d.baseline.push(await baselineOnce(d.template, path.join(d.dir, 'baseline')));
  d.snapshot.push(await snapshotOnce(d.template, d.dir));
  d.add.push(await applyOnce(d.template, d.dir, 'add'));
  d.rename.push(await applyOnce(d.template, d.dir, 'rename'));
  const trial = path.join(d.dir, 'backup');
  copyDatabase(d.template, path.join(trial, 'graph.kuzu'));
  try {
    const { result } = await worker('backup', { db: path.join(trial, 'graph.kuzu'), backups: path.join(trial, 'backups'), cowDir: o.cowDir });
    if (!result.ok) throw new Error(`backup failed: ${result.error?.message}`);
    d.backup.push(result as unknown as DataRuns['backup'][number]);
  } finally {
    fs.rmSync(trial, { recursive: true, force: true });
  }
  const { result } = await worker('fingerprint', { db: d.template });
  if (!result.ok) throw new Error(`fingerprint failed: ${result.error?.message}`);
  d.fingerprint.push(result as unknown as DataRuns['fingerprint'][number]);
}

function summarizeData(o: Options, d: DataRuns): DataPoint {
  const fpTime = stats(d.fingerprint.map((f) => f.ms));
  const pick = <T>(xs: T[], f: (x: T) => number) => stats(xs.map(f));
  return {
    nodes: d.nodes,
    rels: d.nodes * o.relsPerNode,
    bytes: d.gen.bytes,
    generate_ms: { nodes: d.gen.nodes_ms, rels: d.gen.rels_ms },
    plan: measureOf(d.cli.plan),
    plan_pending: measureOf(d.cli.plan_pending),
    drift: measureOf(d.cli.drift),
    rewrite: Object.fromEntries(Object.entries(d.rewrite).map(([st, runs]) => [st, summarizeApply(runs)])),
    baseline: {
      total: pick(d.baseline, (b) => b.total_ms),
      export: pick(d.baseline, (b) => b.export_ms),
      import: pick(d.baseline, (b) => b.import_ms),
      close: pick(d.baseline, (b) => b.close_ms),
      export_bytes: d.baseline[0].export_bytes,
      format: 'parquet',
      peak_rss: median(d.baseline.map((b) => b.peak_rss).filter((x): x is number => x !== undefined)),
    },
    in_place: { add: summarizeApply(d.add), rename: summarizeApply(d.rename) },
    backup: {
      backup: pick(d.backup, (b) => b.backup_ms),
      copy: pick(d.backup, (b) => b.copy_ms),
      checkpoint: pick(d.backup, (b) => b.checkpoint_ms),
      sha256: pick(d.backup, (b) => b.sha256_ms),
      fsync: pick(d.backup, (b) => b.fsync_ms ?? NaN),
      method: d.backup[0]?.method,
      clone: d.backup[0]?.clone
        ? { clone: pick(d.backup, (b) => b.clone?.clone_ms ?? NaN), backup: pick(d.backup, (b) => b.clone?.backup_ms ?? NaN), method: d.backup[0].clone.method }
        : null,
    },
    snapshot: {
      export: pick(d.snapshot, (x) => x.export_ms),
      import: pick(d.snapshot, (x) => x.import_ms),
      export_rss: median(d.snapshot.map((x) => x.export_rss).filter((x): x is number => x !== undefined)),
      import_rss: median(d.snapshot.map((x) => x.import_rss).filter((x): x is number => x !== undefined)),
    },
    open: measureOf(d.open),
    fingerprint: { time: fpTime, rows: d.fingerprint[0].rows, columns: d.fingerprint[0].columns, rows_per_s: d.fingerprint[0].rows / (fpTime.median / 1000) },
  };
}

/**
 * Generates every wide-schema database, then runs plan and drift on them round-robin, one
 * repetition at a time, so a burst of load from other processes hits every size alike.
 */
async function measureSchema(o: Options): Promise<SchemaPoint[]> {
  const configs: string[] = [];
  for (const tables of o.schemaSizes) {
    const dir = path.join(o.work, `schema-${tables}`);
    fs.mkdirSync(dir, { recursive: true });
    log(`wide schema: generating ${tables} tables`);
    await generateWideSchema(path.join(dir, 'graph.kuzu'), tables);
    configs.push(writeProject(dir, './graph.kuzu', wideSchema(tables)));
  }
  const runs = o.schemaSizes.map(() => ({ plan: [] as CliRun[], drift: [] as CliRun[], open: [] as CliRun[] }));
  for (let rep = 0; rep < o.reps; rep++) {
    log(`wide schema: plan / drift, round ${rep + 1}/${o.reps}`);
    for (let i = 0; i < configs.length; i++) {
      runs[i].plan.push(await cliOnce(['plan', '-c', configs[i]], [0]));
      runs[i].drift.push(await cliOnce(['drift', '-c', configs[i]], [0]));
      // The floor in the same round: node + require('kuzu') + a read-only open of the same file.
      runs[i].open.push(await bareOpen(path.join(path.dirname(configs[i]), 'graph.kuzu')));
    }
  }
  return o.schemaSizes.map((tables, i) => {
    if (!o.keep) fs.rmSync(path.dirname(configs[i]), { recursive: true, force: true });
    const split = wideSplit(tables);
    return { tables, node_tables: split.nodes, rel_tables: split.rels, plan: measureOf(runs[i].plan), drift: measureOf(runs[i].drift), open: measureOf(runs[i].open) };
  });
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1].trim();
  } catch {
    /* not Linux */
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

const ANALYSIS_FILE = path.join(ROOT, 'docs', 'benchmarks-analysis.md');
const EXPLANATIONS_FILE = path.join(ROOT, 'docs', 'benchmarks-targets.md');

/** Per-target explanations written from profiling (docs/benchmarks-targets.md), shown for missed targets. */
function explanations(): Record<string, string> {
  return fs.existsSync(EXPLANATIONS_FILE) ? parseExplanations(fs.readFileSync(EXPLANATIONS_FILE, 'utf8')) : {};
}

/** The mixed-type database: generated once, then applied and baselined each round. */
interface MixedRuns {
  dir: string;
  template: string;
  rows: number;
  bytes: number;
  rewrite: ApplyRun[];
  baseline: BaselineRun[];
}

async function prepareMixed(o: Options): Promise<MixedRuns> {
  const dir = path.join(o.work, 'mixed');
  const template = path.join(dir, 'template.kuzu');
  fs.mkdirSync(dir, { recursive: true });
  log(`mixed-type schema: ${MIXED_NODE_TABLES} node tables × ${fmtCount(o.mixedRows)} rows, ${MIXED_REL_TABLES} rel tables × ${fmtCount(2 * o.mixedRows)}`);
  const g = await generateMixed(template, o.mixedRows);
  return { dir, template, rows: g.rows, bytes: g.bytes, rewrite: [], baseline: [] };
}

/** A size measured only for the scaling chart. */
interface ScalingRuns {
  nodes: number;
  dir: string;
  template: string;
  rewrite: ApplyRun[];
  baseline: BaselineRun[];
}

async function prepareScaling(o: Options, nodes: number): Promise<ScalingRuns> {
  const dir = path.join(o.work, `scaling-${nodes}`);
  const template = path.join(dir, 'template.kuzu');
  fs.mkdirSync(dir, { recursive: true });
  log(`scaling: generating ${fmtCount(nodes)} nodes / ${fmtCount(nodes * o.relsPerNode)} rels`);
  await generateDataGraph(template, nodes, o.relsPerNode);
  return { nodes, dir, template, rewrite: [], baseline: [] };
}

/** Hand-written analysis of the committed run, inserted after the targets (not for smoke runs). */
function analysisText(quick: boolean): string {
  return !quick && fs.existsSync(ANALYSIS_FILE) ? fs.readFileSync(ANALYSIS_FILE, 'utf8') : '';
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.render) {
    const report = JSON.parse(fs.readFileSync(path.join(o.out, 'benchmarks.json'), 'utf8')) as BenchReport;
    report.targets = checkTargets(report); // re-checked: the targets may have changed since the run
    fs.writeFileSync(path.join(o.out, 'benchmarks.md'), renderBenchMarkdown(report, analysisText(report.options.quick), explanations()));
    log(`rendered ${path.join(o.out, 'benchmarks.md')} from benchmarks.json`);
    return;
  }
  const started = Date.now();
  const load_start = os.loadavg();
  log(`work folder ${o.work}; sizes ${o.sizes.map(fmtCount).join(', ')} nodes; ${o.reps} runs each; memory via ${memoryProbe()}`);
  const floor = {
    cli_version: measureOf(await repeat(o.reps, () => cliOnce(['--version'], [0]))),
    require_kuzu: measureOf(await repeat(o.reps, () => runNode(['-e', `require(${JSON.stringify(require.resolve('kuzu'))})`]))),
  };
  const schema = await measureSchema(o);
  // Every size is generated first and then measured round-robin, one repetition at a time, so
  // load from other processes (recorded above) spreads over all sizes instead of skewing one.
  const runs: DataRuns[] = [];
  for (const n of o.sizes) runs.push(await prepareData(o, n));
  const mixed = await prepareMixed(o);
  const extra: ScalingRuns[] = [];
  for (const n of o.scalingExtra) extra.push(await prepareScaling(o, n));
  for (let rep = 0; rep < o.reps; rep++) {
    for (const d of runs) {
      log(`round ${rep + 1}/${o.reps}: ${fmtCount(d.nodes)} nodes (load ${os.loadavg()[0].toFixed(2)})`);
      await measureDataOnce(o, d);
    }
    log(`round ${rep + 1}/${o.reps}: mixed-type schema, ${fmtCount(mixed.rows)} rows (load ${os.loadavg()[0].toFixed(2)})`);
    mixed.rewrite.push(await applyOnce(mixed.template, mixed.dir, 'mixed'));
    mixed.baseline.push(await baselineOnce(mixed.template, path.join(mixed.dir, 'baseline')));
    for (const x of extra) {
      log(`round ${rep + 1}/${o.reps}: scaling, ${fmtCount(x.nodes)} nodes (load ${os.loadavg()[0].toFixed(2)})`);
      x.rewrite.push(await applyOnce(x.template, x.dir, 'rewrite'));
      x.baseline.push(await baselineOnce(x.template, path.join(x.dir, 'baseline')));
    }
  }
  const data = runs.map((d) => summarizeData(o, d));
  const mixedPoint: MixedPoint = {
    node_tables: MIXED_NODE_TABLES,
    rel_tables: MIXED_REL_TABLES,
    rows: mixed.rows,
    bytes: mixed.bytes,
    rewrite: summarizeApply(mixed.rewrite),
    baseline: {
      total: stats(mixed.baseline.map((b) => b.total_ms)),
      export: stats(mixed.baseline.map((b) => b.export_ms)),
      import: stats(mixed.baseline.map((b) => b.import_ms)),
      peak_rss: median(mixed.baseline.map((b) => b.peak_rss).filter((x): x is number => x !== undefined)),
    },
  };
  const scaling: ScalingPoint[] = [
    ...data.filter((p) => o.scalingSizes.includes(p.nodes)).map((p) => ({ nodes: p.nodes, rels: p.rels, rewrite: p.rewrite['transaction'].total, baseline: p.baseline.total })),
    ...extra.map((x) => ({ nodes: x.nodes, rels: x.nodes * o.relsPerNode, rewrite: summarizeApply(x.rewrite).total, baseline: stats(x.baseline.map((b) => b.total_ms)) })),
  ];
  if (!o.keep) for (const d of [...runs, mixed, ...extra]) fs.rmSync(d.dir, { recursive: true, force: true });

  const report: BenchReport = {
    format_version: BENCH_FORMAT_VERSION,
    generated_at: new Date().toISOString(),
    duration_ms: Date.now() - started,
    command: `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`,
    options: {
      quick: o.quick,
      scale: o.scale,
      reps: o.reps,
      rels_per_node: o.relsPerNode,
      sizes: o.sizes,
      schema_sizes: o.schemaSizes,
      mixed_rows: o.mixedRows,
      scaling_sizes: [...o.scalingSizes, ...o.scalingExtra],
      cow_dir: o.cowDir,
    },
    machine: {
      cpu: cpuModel(),
      cores: os.cpus().length,
      memory_bytes: os.totalmem(),
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      node: process.version,
      kuzu: kuzuVersion(),
      tool: TOOL_VERSION,
      load_start,
      load_end: os.loadavg(),
      memory_probe: memoryProbe() === 'time-v' ? 'GNU /usr/bin/time -v (Maximum resident set size)' : 'sampling /proc/<pid>/status VmHWM every 10 ms',
    },
    floor,
    data,
    schema,
    mixed: mixedPoint,
    scaling,
    targets: [],
  };
  report.targets = checkTargets(report);
  fs.mkdirSync(o.out, { recursive: true });
  const analysis = analysisText(o.quick);
  fs.writeFileSync(path.join(o.out, 'benchmarks.json'), JSON.stringify(report, null, 2) + '\n');
  fs.writeFileSync(path.join(o.out, 'benchmarks.md'), renderBenchMarkdown(report, analysis, explanations()));
  if (!o.keep) fs.rmSync(o.work, { recursive: true, force: true });
  log(`done in ${fmtMs(Date.now() - started)}; wrote ${path.join(o.out, 'benchmarks.md')} and benchmarks.json`);
  for (const t of report.targets) log(`  ${t.met === null ? '?' : t.met ? 'met   ' : 'MISSED'} ${t.id}: ${t.measured}`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

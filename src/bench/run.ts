/**
 * `npm run bench`: measures plan/drift, rewrite and in-place apply, memory, backup and verification
 * against data size and schema size, and writes docs/benchmarks.{json,md}. See document.ts for what
 * each figure means and docs/benchmarks.md for the results.
 *
 *   node dist/bench/run.js [--quick] [--scale N] [--reps N] [--out DIR] [--work DIR] [--keep]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { kuzuVersion } from '../kuzu/engine';
import { TOOL_VERSION } from '../version';
import { memoryProbe, runNode } from './child';
import { ApplyMeasure, BENCH_FORMAT_VERSION, BenchReport, checkTargets, DataPoint, ProcessMeasure, renderBenchMarkdown, SchemaPoint } from './document';
import { dataSchema, generateDataGraph, generateWideSchema, wideSchema, wideSplit, writeProject } from './generate';
import { ApplyPhases, ApplyTimeline, fmtCount, fmtMs, median, PHASE_NAMES, phasesFromTimeline, slowestStatements, stats } from './report';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'bin', 'run.js');
const WORKER = path.join(__dirname, 'worker.js');

interface Options {
  quick: boolean;
  scale: number;
  reps: number;
  out: string;
  work: string;
  keep: boolean;
  sizes: number[];
  schemaSizes: number[];
  relsPerNode: number;
  strategies: string[];
}

function usage(msg?: string): never {
  if (msg) process.stderr.write(`bench: ${msg}\n`);
  process.stderr.write('usage: npm run bench -- [--quick] [--scale N] [--reps N] [--out DIR] [--work DIR] [--keep]\n');
  process.exit(64);
}

function parseArgs(argv: string[]): Options {
  let quick = false;
  let scale = 1;
  let reps: number | undefined;
  let out: string | undefined;
  let work: string | undefined;
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '--quick') quick = true;
    else if (a === '--keep') keep = true;
    else if (a === '--scale') scale = Number(value());
    else if (a === '--reps') reps = Number(value());
    else if (a === '--out') out = value();
    else if (a === '--work') work = value();
    else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument ${a}`);
  }
  if (!(scale > 0)) usage('--scale must be a positive number');
  if (reps !== undefined && !(Number.isInteger(reps) && reps > 0)) usage('--reps must be a positive integer');
  const base = quick ? [1_000, 10_000] : [10_000, 100_000, 1_000_000];
  return {
    quick,
    scale,
    reps: reps ?? (quick ? 2 : 3),
    // A smoke run must not overwrite the committed figures.
    out: path.resolve(out ?? (quick ? path.join(os.tmpdir(), 'kuzu-migrate-bench-quick') : path.join(ROOT, 'docs'))),
    work: path.resolve(work ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kuzu-migrate-bench-'))),
    keep,
    sizes: base.map((n) => Math.round(n * scale)),
    schemaSizes: quick ? [10, 300] : [10, 30, 100, 300],
    relsPerNode: 5,
    strategies: ['transaction', 'export'],
  };
}

const log = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

async function repeat<T>(n: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await fn(i));
  return out;
}

/** Runs the real CLI `reps` times; every run must exit with one of `okStatus`. */
async function cli(reps: number, args: string[], okStatus: number[]): Promise<ProcessMeasure> {
  const runs = await repeat(reps, async () => {
    const r = await runNode([CLI, ...args]);
    if (!okStatus.includes(r.status)) throw new Error(`kuzu-migrate ${args.join(' ')} exited ${r.status}:\n${r.stderr || r.stdout}`);
    return r;
  });
  return measureOf(runs);
}

function measureOf(runs: { wall_ms: number; peak_rss: number | undefined }[]): ProcessMeasure {
  const rss = runs.map((r) => r.peak_rss).filter((x): x is number => x !== undefined);
  return { wall: stats(runs.map((r) => r.wall_ms)), peak_rss: rss.length ? median(rss) : undefined };
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

/**
 * Applies `variant` to fresh copies of `template`, `reps` times, in the worker. A refusal with
 * E_UNSUPPORTED (the export strategy before it lands) is recorded as "not available", not an error.
 */
async function measureApply(template: string, dir: string, variant: 'rewrite' | 'add' | 'rename', reps: number, strategy?: string): Promise<ApplyMeasure> {
  const runs: { tl: ApplyTimeline; peak: number | undefined }[] = [];
  for (let i = 0; i < reps; i++) {
    const trial = path.join(dir, `apply-${variant}-${strategy ?? 'default'}-${i}`);
    copyDatabase(template, path.join(trial, 'graph.kuzu'));
    const config = writeProject(trial, './graph.kuzu', dataSchema(variant));
    try {
      const { result, peak_rss } = await worker('apply', { config, strategy });
      if (!result.ok) {
        const e = result.error!;
        if (e.code === 'E_UNSUPPORTED') return { available: false, reason: `${e.code}: ${e.message}`, total: stats([]), phases: emptyPhases(), peak_rss: undefined, slowest: [] };
        throw new Error(`apply ${variant} (${strategy ?? 'default'}) failed: ${e.code} ${e.message}`);
      }
      if (result['status'] !== 'applied') throw new Error(`apply ${variant} returned ${String(result['status'])}`);
      runs.push({ tl: result['timeline'] as ApplyTimeline, peak: peak_rss });
    } finally {
      fs.rmSync(trial, { recursive: true, force: true });
    }
  }
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

async function measureDataPoint(o: Options, nodes: number): Promise<DataPoint> {
  const rels = nodes * o.relsPerNode;
  const dir = path.join(o.work, `data-${nodes}`);
  const template = path.join(dir, 'template.kuzu');
  fs.mkdirSync(dir, { recursive: true });
  log(`generating ${fmtCount(nodes)} nodes / ${fmtCount(rels)} rels inside Kuzu`);
  const gen = await generateDataGraph(template, nodes, o.relsPerNode);
  log(`  ${fmtMs(gen.nodes_ms)} + ${fmtMs(gen.rels_ms)}, ${(gen.bytes / 1e6).toFixed(0)} MB`);

  // plan / drift read the template read-only; the pending variant points another YAML at it.
  const same = writeProject(path.join(dir, 'p-same'), '../template.kuzu', dataSchema('base'));
  const pending = writeProject(path.join(dir, 'p-pending'), '../template.kuzu', dataSchema('rewrite'));
  log('  plan / drift');
  const plan = await cli(o.reps, ['plan', '-c', same], [0]);
  const plan_pending = await cli(o.reps, ['plan', '-c', pending], [0]);
  const drift = await cli(o.reps, ['drift', '-c', same], [0]);

  const rewrite: Record<string, ApplyMeasure> = {};
  for (const s of o.strategies) {
    log(`  rewrite apply --strategy ${s}`);
    rewrite[s] = await measureApply(template, dir, 'rewrite', o.reps, s);
    if (!rewrite[s].available) log(`    not available: ${rewrite[s].reason}`);
  }

  log('  baseline EXPORT + IMPORT');
  const base = await repeat(o.reps, async (i) => {
    const work = path.join(dir, `baseline-${i}`);
    fs.mkdirSync(work, { recursive: true });
    try {
      const { result } = await worker('baseline', { db: template, work, format: 'parquet' });
      if (!result.ok) throw new Error(`baseline failed: ${result.error?.message}`);
      return result as unknown as { export_ms: number; import_ms: number; close_ms: number; total_ms: number; export_bytes: number };
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  log('  in-place apply');
  const add = await measureApply(template, dir, 'add', o.reps);
  const rename = await measureApply(template, dir, 'rename', o.reps);

  log('  backup vs copy');
  const backups = await repeat(o.reps, async (i) => {
    const trial = path.join(dir, `backup-${i}`);
    copyDatabase(template, path.join(trial, 'graph.kuzu'));
    try {
      const { result } = await worker('backup', { db: path.join(trial, 'graph.kuzu'), backups: path.join(trial, 'backups') });
      if (!result.ok) throw new Error(`backup failed: ${result.error?.message}`);
      return result as unknown as { copy_ms: number; backup_ms: number; checkpoint_ms: number; sha256_ms: number };
    } finally {
      fs.rmSync(trial, { recursive: true, force: true });
    }
  });

  log('  fingerprint');
  const fps = await repeat(o.reps, async () => {
    const { result } = await worker('fingerprint', { db: template });
    if (!result.ok) throw new Error(`fingerprint failed: ${result.error?.message}`);
    return result as unknown as { ms: number; rows: number; columns: number };
  });
  const fpTime = stats(fps.map((f) => f.ms));

  if (!o.keep) fs.rmSync(dir, { recursive: true, force: true });
  return {
    nodes,
    rels,
    bytes: gen.bytes,
    generate_ms: { nodes: gen.nodes_ms, rels: gen.rels_ms },
    plan,
    plan_pending,
    drift,
    rewrite,
    baseline: {
      total: stats(base.map((b) => b.total_ms)),
      export: stats(base.map((b) => b.export_ms)),
      import: stats(base.map((b) => b.import_ms)),
      close: stats(base.map((b) => b.close_ms)),
      export_bytes: base[0].export_bytes,
      format: 'parquet',
    },
    in_place: { add, rename },
    backup: {
      backup: stats(backups.map((b) => b.backup_ms)),
      copy: stats(backups.map((b) => b.copy_ms)),
      checkpoint: stats(backups.map((b) => b.checkpoint_ms)),
      sha256: stats(backups.map((b) => b.sha256_ms)),
    },
    fingerprint: { time: fpTime, rows: fps[0].rows, columns: fps[0].columns, rows_per_s: fps[0].rows / (fpTime.median / 1000) },
  };
}

async function measureSchemaPoint(o: Options, tables: number): Promise<SchemaPoint> {
  const dir = path.join(o.work, `schema-${tables}`);
  fs.mkdirSync(dir, { recursive: true });
  log(`wide schema: ${tables} tables`);
  await generateWideSchema(path.join(dir, 'graph.kuzu'), tables);
  const config = writeProject(dir, './graph.kuzu', wideSchema(tables));
  const plan = await cli(o.reps, ['plan', '-c', config], [0]);
  const drift = await cli(o.reps, ['drift', '-c', config], [0]);
  if (!o.keep) fs.rmSync(dir, { recursive: true, force: true });
  const split = wideSplit(tables);
  return { tables, node_tables: split.nodes, rel_tables: split.rels, plan, drift };
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

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const load_start = os.loadavg();
  log(`work folder ${o.work}; sizes ${o.sizes.map(fmtCount).join(', ')} nodes; ${o.reps} runs each; memory via ${memoryProbe()}`);
  const floor = {
    cli_version: await cli(o.reps, ['--version'], [0]),
    require_kuzu: measureOf(await repeat(o.reps, () => runNode(['-e', `require(${JSON.stringify(require.resolve('kuzu'))})`]))),
  };
  const schema: SchemaPoint[] = [];
  for (const t of o.schemaSizes) schema.push(await measureSchemaPoint(o, t));
  const data: DataPoint[] = [];
  for (const n of o.sizes) data.push(await measureDataPoint(o, n));

  const report: BenchReport = {
    format_version: BENCH_FORMAT_VERSION,
    generated_at: new Date().toISOString(),
    duration_ms: Date.now() - started,
    command: `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`,
    options: { quick: o.quick, scale: o.scale, reps: o.reps, rels_per_node: o.relsPerNode, sizes: o.sizes, schema_sizes: o.schemaSizes },
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
    targets: [],
  };
  report.targets = checkTargets(report);
  fs.mkdirSync(o.out, { recursive: true });
  const analysisFile = path.join(ROOT, 'docs', 'benchmarks-analysis.md');
  const analysis = !o.quick && fs.existsSync(analysisFile) ? fs.readFileSync(analysisFile, 'utf8') : '';
  fs.writeFileSync(path.join(o.out, 'benchmarks.json'), JSON.stringify(report, null, 2) + '\n');
  fs.writeFileSync(path.join(o.out, 'benchmarks.md'), renderBenchMarkdown(report, analysis));
  if (!o.keep) fs.rmSync(o.work, { recursive: true, force: true });
  log(`done in ${fmtMs(Date.now() - started)}; wrote ${path.join(o.out, 'benchmarks.md')} and benchmarks.json`);
  for (const t of report.targets) log(`  ${t.met === null ? '?' : t.met ? 'met   ' : 'MISSED'} ${t.id}: ${t.measured}`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

/**
 * Fleet benchmark (`npm run bench` runs it after the main one; alone: `node dist-bench/fleet.js`).
 * Measures `apply --all` over N tiny databases at concurrency 1 and 2, side by side with single
 * `apply` runs of one such database in the same run, and the resume pass (every target already
 * done: recognised read-only, no child process). Writes docs/benchmarks-fleet.{json,md}.
 *
 *   node dist-bench/fleet.js [--targets N] [--reps N] [--out DIR] [--work DIR] [--keep]
 *
 * What the figures mean:
 * - targets/s: N divided by the wall time of the whole `apply --all` (process start included);
 * - per-target overhead: (fleet wall time × concurrency / N) − the median single apply of one
 *   target, i.e. what the fleet machinery adds per target on top of doing each apply by hand.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withEngine } from '../dist/kuzu/engine';
import { runNode } from './child';
import { median } from './report';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'bin', 'run.js');

interface Options {
  targets: number;
  reps: number;
  out: string;
  work: string;
  keep: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { targets: 1000, reps: 5, out: path.join(ROOT, 'docs'), work: fs.mkdtempSync(path.join(os.tmpdir(), 'km-bench-fleet-')), keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => argv[++i] ?? (process.stderr.write(`bench: ${a} needs a value\n`), process.exit(64));
    if (a === '--targets') o.targets = Number(v());
    else if (a === '--reps') o.reps = Number(v());
    else if (a === '--out') o.out = path.resolve(v());
    else if (a === '--work') o.work = path.resolve(v());
    else if (a === '--keep') o.keep = true;
    else {
      process.stderr.write(`bench: unknown argument ${a}\nusage: node dist-bench/fleet.js [--targets N] [--reps N] [--out DIR] [--work DIR] [--keep]\n`);
      process.exit(64);
    }
  }
  if (!Number.isInteger(o.targets) || o.targets < 2) process.exit(64);
  return o;
}

const yaml = (version: string, extra: string) => `version: ${version}
database: ./single.kuzu
backups: ./backups
targets:
  - tenants/*.kuzu
schema:
  nodes:
    Customer:
      primary_key: id
      properties:
        id: INT64
        name: STRING
${extra}`;

async function makeTiny(file: string): Promise<void> {
  await withEngine(file, {}, async (e) => {
    await e.query('CREATE NODE TABLE Customer(id INT64, name STRING, PRIMARY KEY(id))');
    await e.query("UNWIND range(1, 20) AS i CREATE (:Customer {id: i, name: 'c' + CAST(i AS STRING)})");
  });
}

async function cli(dir: string, args: string[]): Promise<number> {
  const r = await runNode([CLI, ...args], { cwd: dir, timeoutMs: 3_600_000 });
  if (r.status !== 0) throw new Error(`kuzu-migrate ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  return r.wall_ms;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const started = new Date();
  const results: Record<string, unknown> = { targets: o.targets, machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? '?', memory_gib: Math.round(os.totalmem() / 2 ** 30), loadavg_at_start: os.loadavg().map((x) => +x.toFixed(2)) } };

  // Single applies of one tiny database, each on a fresh copy: the baseline a fleet target is compared with.
  const singleDir = path.join(o.work, 'single');
  fs.mkdirSync(singleDir, { recursive: true });
  const single: number[] = [];
  for (let r = 0; r < o.reps; r++) {
    const db = path.join(singleDir, `s${r}.kuzu`);
    await makeTiny(db);
    fs.writeFileSync(path.join(singleDir, 'kuzu-migrate.yaml'), yaml('v1.1.0', '        tier: STRING\n'));
    single.push(await cli(singleDir, ['apply', '--auto-approve', '--database', db]));
  }
  const singleMs = median(single);
  results.single_apply_ms = { median: Math.round(singleMs), runs: single.map(Math.round) };

  for (const concurrency of [1, 2]) {
    const dir = path.join(o.work, `c${concurrency}`);
    fs.mkdirSync(path.join(dir, 'tenants'), { recursive: true });
    for (let i = 0; i < o.targets; i++) await makeTiny(path.join(dir, 'tenants', `t${String(i).padStart(5, '0')}.kuzu`));
    fs.writeFileSync(path.join(dir, 'kuzu-migrate.yaml'), yaml('v1.1.0', '        tier: STRING\n'));
    const wall = await cli(dir, ['apply', '--all', '--auto-approve', '--concurrency', String(concurrency), '--results', 'result.json']);
    const res = JSON.parse(fs.readFileSync(path.join(dir, 'result.json'), 'utf8')) as { summary: { by_status: Record<string, number> } };
    if (res.summary.by_status.applied !== o.targets) throw new Error(`expected ${o.targets} applied, got ${JSON.stringify(res.summary.by_status)}`);
    const resume = await cli(dir, ['apply', '--all', '--auto-approve', '--concurrency', String(concurrency)]);
    results[`concurrency_${concurrency}`] = {
      wall_ms: Math.round(wall),
      targets_per_s: +(o.targets / (wall / 1000)).toFixed(2),
      per_target_ms: Math.round((wall * concurrency) / o.targets),
      overhead_per_target_ms: Math.round((wall * concurrency) / o.targets - singleMs),
      resume_wall_ms: Math.round(resume),
      resume_per_target_ms: +(resume / o.targets).toFixed(1),
    };
    process.stderr.write(`fleet: concurrency ${concurrency}: ${JSON.stringify(results[`concurrency_${concurrency}`])}\n`);
    if (!o.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
  results.finished_at = new Date().toISOString();
  results.started_at = started.toISOString();
  results.loadavg_at_end = os.loadavg().map((x) => +x.toFixed(2));
  fs.mkdirSync(o.out, { recursive: true });
  fs.writeFileSync(path.join(o.out, 'benchmarks-fleet.json'), JSON.stringify(results, null, 2) + '\n');
  fs.writeFileSync(path.join(o.out, 'benchmarks-fleet.md'), render(results));
  if (!o.keep) fs.rmSync(o.work, { recursive: true, force: true });
}

function render(r: Record<string, unknown>): string {
  const c = (k: string) => r[k] as Record<string, number>;
  const m = r.machine as Record<string, unknown>;
  const s = r.single_apply_ms as { median: number };
  const row = (n: number) => {
    const x = c(`concurrency_${n}`);
    return `| ${n} | ${(x.wall_ms / 1000).toFixed(1)} s | ${x.targets_per_s} | ${x.per_target_ms} ms | ${x.overhead_per_target_ms} ms | ${(x.resume_wall_ms / 1000).toFixed(1)} s (${x.resume_per_target_ms} ms/target) |`;
  };
  return `# Fleet benchmark

\`apply --all\` over ${r.targets} tiny databases (one node table, 20 rows; the change adds a property),
measured by \`npm run bench\` (bench/fleet.ts) on ${m.cpus} × ${m.cpu}, ${m.memory_gib} GiB; load average
${JSON.stringify(m.loadavg_at_start)} at the start and ${JSON.stringify(r.loadavg_at_end)} at the end
(${r.started_at} → ${r.finished_at}).

Single \`apply\` of one such database (process start included), median of ${(r.single_apply_ms as { runs: number[] }).runs.length}: **${s.median} ms**.

| concurrency | wall time | targets/s | time per target × concurrency | overhead per target vs a single apply | resume (all done) |
|---:|---:|---:|---:|---:|---:|
${row(1)}
${row(2)}

Each target runs in its own process through the same CLI as a single apply (its own lock, journal,
backup and history), so a target costs about one single apply; the overhead column is what the fleet
adds on top (the read-only check that recognises done targets, result parsing, scheduling). The
resume pass opens each target read-only and starts no process.
`;
}

main().catch((err) => {
  process.stderr.write(`bench fleet: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});

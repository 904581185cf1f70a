/**
 * Runs one command over a fleet of databases (`--all`): in waves, with bounded concurrency, each
 * target in its own process through the very CLI a single database uses — so every target keeps
 * its own lock, journal, backups and history, and is migrated old-or-new exactly as a single apply
 * is. A killed fleet run is resumed by running it again: targets already at the declared version
 * with a matching schema fingerprint are recognised in this process (read-only, no child process)
 * and reported `unchanged`.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ResolvedConfig } from '../config/config';
import { FleetCommand, FleetResult, parseShard, parseWaves, shardOf, summarize, TargetResult } from '../core/fleet';
import { ExitCode, KuzuMigrateError } from '../core/errors';
import { planLive, readLive } from '../plan/planning';
import { readHistory } from '../state/history';
import { journalPath } from '../state/journal';
import { lockPath } from '../state/lock';
import { realDatabasePath } from '../state/paths';
import { resolveTargets, Target, targetBackups } from './targets';

export interface FleetOptions {
  command: FleetCommand;
  /** The YAML file and environment the children load (the same the caller loaded). */
  configFile: string;
  env: string | null;
  /** `--waves` text, e.g. `1,10%,100%`; undefined: one wave. */
  waves?: string;
  /** Failed targets tolerated before the run stops (default 0: stop at the first). */
  maxFailures?: number;
  /** Child processes at once; default: defaultConcurrency(). */
  concurrency?: number;
  /** `--shard I/N` text. */
  shard?: string;
  /** Extra CLI arguments passed to every child (e.g. --allow-destructive=T, --strategy export). */
  args?: string[];
  /** Progress, one line per finished target. */
  onTarget?: (r: TargetResult, done: number, total: number) => void;
  /** Aborts the run: no new target starts; running ones finish (each is atomic on its own). */
  signal?: AbortSignal;
}

/** Processes the machine can run side by side: one per core, and no more than 1 GiB of free memory each. */
export function defaultConcurrency(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(cores, Math.floor(os.freemem() / 2 ** 30)));
}

const CLI = path.resolve(__dirname, '..', '..', 'bin', 'run.js');

/**
 * Runs `options.command` on every target of `config` (see resolveTargets), wave by wave.
 * Returns one result per target, skipped ones included; never throws for a target's failure
 * (that is its result), only for bad options or targets (exit 64/65).
 */
export async function runFleet(config: ResolvedConfig, options: FleetOptions): Promise<FleetResult> {
  const started = Date.now();
  const shard = options.shard ? parseShard(options.shard) : null;
  let targets = resolveTargets(config);
  if (shard) targets = targets.filter((t) => shardOf(t.key, shard.count) === shard.index);
  const concurrency = options.concurrency ?? defaultConcurrency();
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new KuzuMigrateError(`--concurrency must be a whole number ≥ 1`, 'E_USAGE');
  const maxFailures = options.maxFailures ?? 0;
  const ends = options.waves ? parseWaves(options.waves, targets.length) : [targets.length];

  const results: TargetResult[] = new Array(targets.length);
  let failures = 0;
  let done = 0;
  let begin = 0;
  for (let w = 0; w < ends.length; w++) {
    const wave = options.waves ? w + 1 : null;
    const slice = targets.slice(begin, ends[w]).map((t, i) => ({ t, i: begin + i }));
    begin = ends[w];
    const stop = () => failures > maxFailures || options.signal?.aborted === true;
    // A small pool: each worker takes the next target until the wave is done or the run stops.
    const next = () => slice.shift();
    await Promise.all(
      Array.from({ length: Math.min(concurrency, slice.length) }, async () => {
        for (let item = next(); item; item = next()) {
          const r = stop() ? skipped(item.t, wave) : await runTarget(config, options, item.t, wave);
          if (r.status === 'failed') failures++;
          results[item.i] = r;
          options.onTarget?.(r, ++done, targets.length);
        }
      }),
    );
    if (stop()) {
      for (let i = begin; i < targets.length; i++) {
        results[i] = skipped(targets[i], null);
        options.onTarget?.(results[i], ++done, targets.length);
      }
      break;
    }
  }
  return {
    fleet_format: 1,
    command: options.command,
    version: config.version,
    environment: config.environment,
    shard: shard ? `${shard.index}/${shard.count}` : null,
    started_at: new Date(started).toISOString(),
    duration_ms: Date.now() - started,
    targets: results,
    summary: summarize(results),
  };
}

function skipped(t: Target, wave: number | null): TargetResult {
  return { target: t.key, path: t.path, status: 'skipped', wave, exit_code: 0, version_before: null, version_after: null, changes: null, duration_ms: 0, backup_id: null, error: null };
}

/** Latest applied version and whether the target already matches the declaration: one read-only open. */
async function currentState(config: ResolvedConfig, t: Target): Promise<{ version: string | null; matches: boolean }> {
  if (!fs.existsSync(t.path)) return { version: null, matches: false };
  return readLive(t.path, async (live, engine) => {
    const h = engine ? await readHistory(engine) : [];
    const plan = await planLive(live, engine, { ...config, database: t.path }, config.schema);
    return { version: h.length ? h[h.length - 1].version : null, matches: plan.changes.length === 0 };
  });
}

async function runTarget(config: ResolvedConfig, options: FleetOptions, t: Target, wave: number | null): Promise<TargetResult> {
  const started = Date.now();
  const base: TargetResult = { ...skipped(t, wave) };
  let before: { version: string | null; matches: boolean } | null = null;
  if (options.command === 'apply') {
    try {
      before = await currentState(config, t);
    } catch {
      before = null; // the child reports it, with its own error code
    }
    // Resumable: done targets are recognised here, without a child process or any write — unless
    // an apply of theirs was interrupted (a journal or a lock is left): the child settles that.
    const interrupted = [journalPath(realDatabasePath(t.path)), lockPath(realDatabasePath(t.path))].some((f) => fs.existsSync(f));
    if (before && before.matches && before.version === config.version && !interrupted) {
      return { ...base, status: 'unchanged', version_before: before.version, version_after: before.version, changes: 0, duration_ms: Date.now() - started };
    }
  }
  const argv = [CLI, options.command, '--json', '--config', options.configFile, '--database', t.path];
  if (options.env) argv.push('--env', options.env);
  if (options.command === 'apply') argv.push('--auto-approve');
  argv.push(...(options.args ?? []));
  const child = await runChild(argv, { ...process.env, KUZU_MIGRATE_BACKUPS: targetBackups(config.backups, t.key) });
  const r: TargetResult = { ...base, exit_code: child.code, duration_ms: Date.now() - started, version_before: before?.version ?? null };
  let doc: Record<string, unknown> | null = null;
  try {
    doc = JSON.parse(child.stdout) as Record<string, unknown>;
  } catch {
    doc = null;
  }
  const err = doc && typeof doc.error === 'object' && doc.error ? (doc.error as { code?: string; message?: string }) : null;
  if (!doc || err || (child.code !== 0 && child.code !== ExitCode.Changes)) {
    const message = err?.message ?? (child.stderr.trim().split('\n').find(Boolean) || `exited ${child.code}${child.signal ? ` (${child.signal})` : ''}`);
    return { ...r, status: 'failed', exit_code: child.code === 0 ? ExitCode.Error : child.code, error: { code: err?.code ?? 'E_CHILD', message } };
  }
  return { ...r, ...interpret(options.command, doc, r.version_before) };
}

/** A child's JSON document as the target's status, version and change count. */
function interpret(command: FleetCommand, doc: Record<string, unknown>, before: string | null): Partial<TargetResult> {
  switch (command) {
    case 'apply': {
      const applied = doc.status === 'applied';
      return { status: applied ? 'applied' : 'unchanged', version_after: applied ? String(doc.version) : before, changes: Number(doc.changes ?? 0), backup_id: (doc.backup_id as string | null) ?? null };
    }
    case 'plan': {
      const n = Array.isArray(doc.changes) ? doc.changes.length : 0;
      return { status: n ? 'changes' : 'unchanged', changes: n };
    }
    case 'drift': {
      const n = Array.isArray(doc.differences) ? doc.differences.length : 0;
      return { status: doc.drift ? 'drift' : 'unchanged', changes: n };
    }
    case 'verify':
      return { status: doc.ok ? 'ok' : 'failed', error: doc.ok ? null : { code: 'E_VERIFY', message: failedChecks(doc) } };
    case 'list': {
      const h = Array.isArray(doc.history) ? (doc.history as Array<{ version?: string }>) : [];
      const v = h.length ? String(h[h.length - 1].version ?? '') || null : null;
      return { status: 'ok', version_before: v, version_after: v };
    }
  }
}

function failedChecks(doc: Record<string, unknown>): string {
  const checks = Array.isArray(doc.checks) ? (doc.checks as Array<{ ok?: boolean; name?: string; detail?: string }>) : [];
  const bad = checks.filter((c) => c.ok === false).map((c) => c.name ?? '?');
  return bad.length ? `failed: ${bad.join(', ')}` : 'verification failed';
}

function runChild(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => resolve({ code: ExitCode.Error, signal: null, stdout: '', stderr: e.message }));
    child.on('close', (code, signal) =>
      resolve({ code: code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : ExitCode.Error), signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
  });
}

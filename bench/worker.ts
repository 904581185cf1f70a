/**
 * Bench worker: one measurement in its own process, so every measurement starts from a cold
 * Kuzu (no buffer pool, no open handles left by the previous one) and its peak memory can be read
 * by `/usr/bin/time -v`. The parent (run.ts) passes a JSON argument and reads the JSON result from
 * a file (Kuzu may write to stdout/stderr).
 *
 *   node dist-bench/worker.js <task> '<json args>' <result file>
 *
 * Tasks: apply (applyMigration with a statement-level timeline), baseline (EXPORT + IMPORT
 * DATABASE), backup (createBackup vs a plain copy), fingerprint (fingerprintDatabase).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { applyMigration } from '../dist/apply/apply';
import { checkpoint, createBackup } from '../dist/state/backup';
import { sha256File } from '../dist/state/files';
import { loadConfig } from '../dist/config/config';
import { KuzuMigrateError } from '../dist/core/errors';
import { cypherString } from '../dist/core/identifiers';
import { KuzuEngine, withEngine } from '../dist/kuzu/engine';
import { fingerprintDatabase } from '../dist/kuzu/fingerprint';
import { introspect } from '../dist/kuzu/introspect';
import { exportSnapshot } from '../dist/snapshot/export';
import { importSnapshot } from '../dist/snapshot/import';
import { RewriteStrategy } from '../dist/core/plan';
import { ApplyTimeline } from './report';

type Json = Record<string, unknown>;

/**
 * Records every statement, open and close that goes through KuzuEngine, by wrapping its methods
 * in this process only. Apply emits events at phase starts but not at COMMIT or after it; the
 * statement log fills that gap and shows which statements cost the time.
 */
function instrument(tl: ApplyTimeline, t0: () => number): void {
  const proto = KuzuEngine.prototype as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  for (const m of ['query', 'execute'] as const) {
    const orig = proto[m];
    proto[m] = async function (this: unknown, ...args: unknown[]) {
      const start = performance.now();
      try {
        return await orig.apply(this, args);
      } finally {
        tl.statements.push({ t: start - t0(), ms: performance.now() - start, sql: String(args[0]).replace(/\s+/g, ' ').slice(0, 200) });
      }
    };
  }
  const origClose = proto['close'];
  proto['close'] = async function (this: unknown) {
    const start = performance.now();
    try {
      return await origClose.apply(this);
    } finally {
      tl.closes.push({ t: start - t0(), ms: performance.now() - start });
    }
  };
  const statics = KuzuEngine as unknown as { open: (p: string, o?: { readOnly?: boolean }) => Promise<KuzuEngine> };
  const origOpen = statics.open.bind(KuzuEngine);
  statics.open = async (p, o) => {
    const start = performance.now();
    try {
      return await origOpen(p, o);
    } finally {
      tl.opens.push({ t: start - t0(), ms: performance.now() - start, readOnly: Boolean(o?.readOnly) });
    }
  };
}

async function taskApply(args: Json): Promise<Json> {
  const tl: ApplyTimeline = { total_ms: 0, events: [], statements: [], opens: [], closes: [] };
  let start = performance.now();
  instrument(tl, () => start);
  const config = loadConfig(String(args['config']));
  start = performance.now();
  try {
    const result = await applyMigration(config, {
      allowDestructive: true,
      rewriteStrategy: args['strategy'] as RewriteStrategy | undefined,
      command: 'kuzu-migrate bench',
      onEvent: (e) => tl.events.push({ t: performance.now() - start, phase: e.phase, message: e.message }),
    });
    tl.total_ms = performance.now() - start;
    return { ok: true, status: result.status, strategy: result.strategy, rewrite_strategy: result.rewrite_strategy, timeline: tl };
  } catch (err) {
    tl.total_ms = performance.now() - start;
    const code = err instanceof KuzuMigrateError ? err.code : 'E_UNKNOWN';
    return { ok: false, error: { code, message: (err as Error).message }, timeline: tl };
  }
}

/** Kuzu's own round trip through the same driver: EXPORT DATABASE, then IMPORT into a fresh file. */
async function taskBaseline(args: Json): Promise<Json> {
  const db = String(args['db']);
  const work = String(args['work']);
  const format = String(args['format'] ?? 'parquet');
  const exportDir = path.join(work, 'export');
  const target = path.join(work, 'imported.kuzu');
  const t0 = performance.now();
  await withEngine(db, { readOnly: true }, async (e) => {
    await e.query(`EXPORT DATABASE ${cypherString(exportDir)} (format=${cypherString(format)})`);
  });
  const t1 = performance.now();
  const engine = await KuzuEngine.open(target);
  await engine.query(`IMPORT DATABASE ${cypherString(exportDir)}`);
  const t2 = performance.now();
  await engine.close(); // Kuzu checkpoints on close: part of having a usable file
  const t3 = performance.now();
  return { ok: true, export_ms: t1 - t0, import_ms: t2 - t1, close_ms: t3 - t2, total_ms: t3 - t0, export_bytes: dirSize(exportDir) };
}

function dirSize(dir: string): number {
  return fs.readdirSync(dir).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
}

/** createBackup against its parts and against a plain copy of the same file. */
async function taskBackup(args: Json): Promise<Json> {
  const db = String(args['db']);
  const backups = String(args['backups']);
  const plainTarget = path.join(backups, 'plain-copy.kuzu');
  fs.mkdirSync(backups, { recursive: true });
  let t = performance.now();
  fs.copyFileSync(db, plainTarget);
  const copy_ms = performance.now() - t;
  // createBackup fsyncs its copy (a backup must survive a crash): the same for the plain copy.
  t = performance.now();
  const fd = fs.openSync(plainTarget, 'r');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  const fsync_ms = performance.now() - t;
  fs.rmSync(plainTarget);
  t = performance.now();
  const manifest = await createBackup(db, backups, { reason: 'bench' });
  const backup_ms = performance.now() - t;
  // The same on a file system with copy-on-write clones (--cow-dir: XFS with reflink, Btrfs…).
  let clone: Json | null = null;
  if (args['cowDir']) {
    const dir = fs.mkdtempSync(path.join(String(args['cowDir']), 'km-bench-cow-'));
    try {
      const cowDb = path.join(dir, 'graph.kuzu');
      fs.copyFileSync(db, cowDb);
      const plain = path.join(dir, 'clone.kuzu');
      let c = performance.now();
      fs.copyFileSync(cowDb, plain, fs.constants.COPYFILE_FICLONE_FORCE);
      const clone_ms = performance.now() - c;
      c = performance.now();
      const m = await createBackup(cowDb, path.join(dir, 'backups'), { reason: 'bench' });
      clone = { clone_ms, backup_ms: performance.now() - c, method: m.method ?? 'copy' };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  t = performance.now();
  await checkpoint(db);
  const checkpoint_ms = performance.now() - t;
  t = performance.now();
  await sha256File(db);
  const sha256_ms = performance.now() - t;
  return { ok: true, copy_ms, fsync_ms, backup_ms, checkpoint_ms, sha256_ms, bytes: manifest.size, method: manifest.method ?? 'copy', clone };
}

/** `kuzu-migrate export` as a library call (lossless codec, parquet, restorability proof included). */
async function taskSnapshotExport(args: Json): Promise<Json> {
  const config = loadConfig(String(args['config']));
  const t = performance.now();
  const r = await exportSnapshot(config, { version: String(args['version']), format: 'parquet' });
  return { ok: true, ms: performance.now() - t, path: r.path };
}

/** `kuzu-migrate import` of that export into a fresh database, its verification included. */
async function taskSnapshotImport(args: Json): Promise<Json> {
  const config = loadConfig(String(args['config']));
  const t = performance.now();
  const r = await importSnapshot(config, { version: String(args['version']), database: String(args['database']) });
  return { ok: true, ms: performance.now() - t, rows: r.rows, verified: r.verified };
}

async function taskFingerprint(args: Json): Promise<Json> {
  const db = String(args['db']);
  return withEngine(db, { readOnly: true }, async (engine) => {
    const schema = (await introspect(engine)).schema;
    const t = performance.now();
    const fps = await fingerprintDatabase(engine, schema);
    const ms = performance.now() - t;
    const rows = fps.reduce((n, f) => n + f.rows, 0);
    const columns = fps.reduce((n, f) => n + Object.keys(f.properties).length, 0);
    return { ok: true, ms, rows, columns, tables: fps.map((f) => ({ table: f.table, rows: f.rows, columns: Object.keys(f.properties).length })) };
  });
}

async function main(): Promise<void> {
  const [task, rawArgs, out] = process.argv.slice(2);
  const args = JSON.parse(rawArgs ?? '{}') as Json;
  const tasks: Record<string, (a: Json) => Promise<Json>> = {
    apply: taskApply,
    baseline: taskBaseline,
    backup: taskBackup,
    fingerprint: taskFingerprint,
    snapshot_export: taskSnapshotExport,
    snapshot_import: taskSnapshotImport,
  };
  const fn = tasks[task];
  if (!fn) throw new Error(`unknown bench task ${task}`);
  let result: Json;
  try {
    result = await fn(args);
  } catch (err) {
    result = { ok: false, error: { code: err instanceof KuzuMigrateError ? err.code : 'E_UNKNOWN', message: (err as Error).message } };
  }
  fs.writeFileSync(out, JSON.stringify(result));
}

void main();

/**
 * Fleet targets: the database files one declaration is rolled out to (`targets:` in the YAML).
 *
 * Resolution is I/O (globs, a command, an inventory file) and happens only when a command runs
 * with `--all`; the YAML loader keeps the specs unresolved. Each target is identified by its `key`
 * (see targetKey): shards, backups folders and reports use the key, so they do not depend on where
 * the checkout lives on a given machine.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { globSync, isDynamicPattern } from 'tinyglobby';
import { KuzuMigrateError } from '../core/errors';
import type { ResolvedConfig, TargetSpec } from '../config/config';

export interface Target {
  /** Absolute path of the database file. */
  path: string;
  /** The path relative to the YAML's folder (forward slashes): the target's stable name. */
  key: string;
}

/**
 * Expands `${VAR}` (and `$VAR`-free text as is) from `env`. An unset variable is a configuration
 * error (exit 65): a path silently missing a segment would point at the wrong database.
 */
export function expandVars(text: string, env: NodeJS.ProcessEnv = process.env, where = 'targets'): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
    const v = env[name];
    if (v === undefined) throw new KuzuMigrateError(`${where}: environment variable ${name} is not set`, 'E_CONFIG_ENV', [`set ${name}, or write the path without \${${name}}`]);
    return v;
  });
}

/**
 * Every target the config declares, de-duplicated by real path and sorted by key.
 * Errors: UsageError (exit 64) when no targets are declared or a spec names nothing;
 * ConfigError (exit 65) for an unset `${VAR}`, a failing command or an unreadable inventory.
 */
export function resolveTargets(config: Pick<ResolvedConfig, 'dir' | 'targets' | 'file'>, env: NodeJS.ProcessEnv = process.env): Target[] {
  if (!config.targets || config.targets.length === 0) {
    throw new KuzuMigrateError(`--all needs targets: in ${path.basename(config.file)}`, 'E_NO_TARGETS', ['declare them, e.g. targets: ["tenants/*.kuzu"] (see docs/fleet.md)']);
  }
  const found = new Map<string, Target>();
  for (const spec of config.targets) {
    const paths = specPaths(spec, config.dir, env);
    if (paths.length === 0) throw new KuzuMigrateError(`targets: ${describeSpec(spec)} names no database`, 'E_NO_TARGETS', [spec.kind === 'path' ? `the pattern is relative to ${config.dir}` : 'check what it prints']);
    for (const p of paths) {
      const abs = path.resolve(config.dir, p);
      // The same file through two spellings (or a symlink) is one target: one lock, one apply.
      let real = abs;
      try {
        real = fs.realpathSync(abs);
      } catch {
        /* a missing file stays as written: the command reports it */
      }
      if (!found.has(real)) found.set(real, { path: abs, key: targetKey(config.dir, abs) });
    }
  }
  return [...found.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * The target's stable name, the same on every machine that runs a shard: its path relative to the
 * YAML's folder when it lies inside it, else its absolute path (a checkout's location differs
 * between runners; `/srv/kuzu/tenants/a.kuzu` does not). Forward slashes.
 */
export function targetKey(dir: string, abs: string): string {
  const rel = path.relative(dir, abs);
  const key = rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel;
  return key.split(path.sep).join('/');
}

/**
 * The folder of a target's backups under the config's `backups`: the key made safe as one folder
 * name, plus a short hash so that `a/b.kuzu` and `a_b.kuzu` never share one.
 */
export function targetBackups(backupsRoot: string, key: string): string {
  const safe = key.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/\.{2,}/g, '_').replace(/^[._]+/, '').slice(0, 80);
  const h = createHash('sha256').update(key).digest('hex').slice(0, 8);
  return path.join(backupsRoot, `${safe}-${h}`);
}

function describeSpec(s: TargetSpec): string {
  return s.kind === 'path' ? `"${s.value}"` : `${s.kind}: "${s.value}"`;
}

function specPaths(spec: TargetSpec, dir: string, env: NodeJS.ProcessEnv): string[] {
  if (spec.kind === 'path') {
    const value = expandVars(spec.value, env);
    if (!isDynamicPattern(value)) return [value];
    // Kuzu 0.11 databases are files; a 0.10 folder matched by a glob is still one target.
    return globSync([value], { cwd: dir, absolute: true, onlyFiles: false, dot: false, deep: 8 })
      .filter((f) => !/\.(wal|shadow|lock|journal\.json|tmp)$/.test(f))
      .sort();
  }
  if (spec.kind === 'file') {
    const file = path.resolve(dir, expandVars(spec.value, env));
    let data: unknown;
    try {
      data = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new KuzuMigrateError(`targets: cannot read the inventory ${spec.value}: ${(err as Error).message.split('\n')[0]}`, 'E_TARGETS', ['it must be a JSON array of paths or of {"path": ...} objects']);
    }
    return inventoryPaths(data, `targets: file ${spec.value}`);
  }
  let out: string;
  try {
    out = execFileSync('/bin/sh', ['-c', spec.value], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000, env });
  } catch (err) {
    const e = err as { status?: number; stderr?: string; message: string };
    throw new KuzuMigrateError(`targets: command "${spec.value}" failed${e.status !== undefined ? ` (exit ${e.status})` : ''}: ${(e.stderr || e.message).trim().split('\n')[0]}`, 'E_TARGETS', ['run it by hand in the YAML\'s folder; it must print one path per line or a JSON array']);
  }
  const text = out.trim();
  if (text.startsWith('[')) {
    try {
      return inventoryPaths(JSON.parse(text), `targets: command "${spec.value}"`);
    } catch (err) {
      if (err instanceof KuzuMigrateError) throw err;
      /* not JSON after all: one path per line */
    }
  }
  return text.split('\n').map((l) => l.trim()).filter(Boolean);
}

function inventoryPaths(data: unknown, where: string): string[] {
  if (!Array.isArray(data)) throw new KuzuMigrateError(`${where} is not a JSON array`, 'E_TARGETS', ['write ["a.kuzu", "b.kuzu"] or [{"path": "a.kuzu"}]']);
  return data.map((e, i) => {
    const p = typeof e === 'string' ? e : e && typeof e === 'object' && typeof (e as { path?: unknown }).path === 'string' ? (e as { path: string }).path : null;
    if (!p) throw new KuzuMigrateError(`${where}: entry ${i} is neither a path nor {"path": ...}`, 'E_TARGETS', []);
    return p;
  });
}

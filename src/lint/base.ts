/**
 * `lint --base REF`: the declaration as it was at a git ref (or in another file), so a pull-request
 * job can lint the change itself without any database. git runs with an argument vector (never a
 * shell); the YAML files of the config's folder at REF are written to a private temporary folder
 * with the same layout, so `schema:` paths and globs resolve as they did at REF.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, type ResolvedConfig } from '../config/config';
import { ConfigError, UsageError } from '../core/errors';
import { emptySchema, type Schema } from '../core/model';

export interface BaseDeclaration {
  /** The declared schema at the base, renamed_from/using hints removed (they describe the move *to* it). */
  schema: Schema;
  /** What the base was read from, for messages: `git main:kuzu-migrate.yaml` or a path. */
  source: string;
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

/**
 * Reads the base declaration. `base` is a path to an existing file (another kuzu-migrate YAML),
 * else a git revision of the repository holding `configFile`. A config that did not exist at the
 * revision is an empty schema (the pull request adds it). Environments never change the schema,
 * so the base is read without one (an environment added by the pull request is not an error). Throws UsageError for an unknown
 * revision or a config outside a git repository, ConfigError when the base YAML is invalid.
 */
export function loadBase(base: string, configFile: string): BaseDeclaration {
  const headAbs = path.resolve(configFile);
  if (fs.existsSync(base) && fs.statSync(base).isFile()) {
    return { schema: stripHints(loadConfig(base).schema), source: base };
  }
  const dir = path.dirname(headAbs);
  let top: string;
  try {
    top = git(dir, ['rev-parse', '--show-toplevel']).trim();
  } catch {
    throw new UsageError(`--base ${base}: not a file, and ${dir} is not inside a git repository`, ['pass a git ref (main, origin/main, a commit) or the path of the base YAML']);
  }
  try {
    git(top, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`]);
  } catch {
    throw new UsageError(`--base ${base}: no such git revision or file`, ['fetch the base branch first (e.g. git fetch origin main) and pass origin/main, or pass a commit']);
  }
  // Paths inside the repository, with forward slashes as git prints them.
  const relDir = path.relative(fs.realpathSync(top), fs.realpathSync(dir)).split(path.sep).join('/');
  const relConfig = (relDir ? relDir + '/' : '') + path.basename(headAbs);
  const files = git(top, ['ls-tree', '-r', '--name-only', '-z', base, '--', relDir || '.'])
    .split('\0')
    .filter((f) => /\.ya?ml$/i.test(f));
  if (!files.includes(relConfig)) return { schema: emptySchema(), source: `git ${base}:${relConfig} (absent: empty schema)` };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kuzu-migrate-base-'));
  try {
    for (const f of files) {
      const target = path.join(tmp, ...f.split('/'));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, execFileSync('git', ['show', `${base}:${f}`], { cwd: top, maxBuffer: 64 * 1024 * 1024 }));
    }
    try {
      return { schema: stripHints(loadConfig(path.join(tmp, ...relConfig.split('/'))).schema), source: `git ${base}:${relConfig}` };
    } catch (err) {
      if (err instanceof ConfigError) {
        // Say which revision the problems are in; paths point into the temporary copy.
        throw new ConfigError(err.diagnostics.map((d) => ({ ...d, file: `${base}:${relConfig}` })), `the base declaration (${base}:${relConfig}) is invalid:\n${err.message}`);
      }
      throw err;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The base acts as the "live" side of the diff: the hints of how it was reached do not apply. */
function stripHints(schema: Schema): Schema {
  const clean = <T extends { renamedFrom?: string; properties: { renamedFrom?: string; using?: string }[] }>(t: T): T => ({
    ...t,
    renamedFrom: undefined,
    properties: t.properties.map((p) => ({ ...p, renamedFrom: undefined, using: undefined })),
  });
  return { nodes: schema.nodes.map(clean), rels: schema.rels.map(clean) };
}

export type { ResolvedConfig };

/**
 * Test helpers: real Kuzu databases in temporary folders (never a mock), loaded from the vendored
 * datasets, and a runner for the built CLI.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ResolvedConfig } from '../../src/config/config';
import { emptySchema } from '../../src/core/model';
import { KuzuEngine, withEngine } from '../../src/kuzu/engine';
import { outputProblems } from './schemas';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const DATASETS = path.resolve(REPO_ROOT, 'test', 'fixtures', 'datasets');

/** Folders tempDir made in this test file: removed after the file's last test (KM_KEEP_TMP=1 keeps them). */
const made: string[] = [];
// Registered when a test file imports this module (top level), so it runs once per file. Before it,
// every file left its databases in $TMPDIR: 64 GB there filled the disk of a shared machine.
if (typeof afterAll === 'function' && !process.env.KM_KEEP_TMP) {
  afterAll(() => {
    for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
}

export function tempDir(prefix = 'km-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

function statements(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split(/;\s*\n|;\s*$|\n(?=CREATE|COPY)/i)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Loads `tinysnb` or `demo-db` from test/fixtures/datasets into an open database: this process's
 * KuzuEngine, or an engine of another release running in its own process (anything with query()).
 */
export async function loadDataset(engine: Pick<KuzuEngine, 'query'> | { query(s: string): Promise<unknown> }, name: 'tinysnb' | 'demo-db'): Promise<void> {
  const dir = path.join(DATASETS, name);
  for (const s of statements(path.join(dir, 'schema.cypher'))) await engine.query(s);
  for (const s of statements(path.join(dir, 'copy.cypher'))) {
    await engine.query(s.replace(/"dataset\/[^"]*\/([^"/]+)"/g, (_m, f) => `"${path.join(dir, f)}"`));
  }
}

/** Creates a database file at `dbPath` and runs `setup` on it, then closes it. */
export async function makeDatabase(dbPath: string, setup: (engine: KuzuEngine) => Promise<void>): Promise<string> {
  await withEngine(dbPath, {}, setup);
  return dbPath;
}

/**
 * A new folder holding `<dir>/db.kuzu` built by `setup` (closed again): the start of most
 * hand-written cases. Returns the folder and the database path.
 */
export async function databaseIn(prefix: string, setup: (engine: KuzuEngine) => Promise<unknown>): Promise<{ dir: string; db: string }> {
  const dir = tempDir(prefix);
  const db = path.join(dir, 'db.kuzu');
  await makeDatabase(db, async (e) => void (await setup(e)));
  return { dir, db };
}

/**
 * Writes `<dir>/kuzu-migrate.yaml` for the database `./db.kuzu` with snapshots in ./migrations and
 * backups in ./backups; `schema` is the YAML text under `schema:` (indented by two spaces).
 */
export function writeYaml(dir: string, schema: string, version = 'v1.0.0'): string {
  const file = path.join(dir, 'kuzu-migrate.yaml');
  fs.writeFileSync(file, `version: ${version}\ndatabase: ./db.kuzu\nmigrations: ./migrations\nbackups: ./backups\nschema:\n${schema}`);
  return file;
}

/**
 * A byte copy of a closed database at `from` (the file and any companion the engine left beside
 * it: .wal, .shadow, ...) to `to`, whose folder is created. Far cheaper than building the same
 * content again with CREATE or COPY: build a large database once per file, copy it per case.
 */
export function copyDatabase(from: string, to: string): string {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  const base = path.basename(from);
  for (const f of fs.readdirSync(path.dirname(from))) {
    if (f === base || (f.startsWith(base + '.') && fs.statSync(path.join(path.dirname(from), f)).isFile())) {
      fs.copyFileSync(path.join(path.dirname(from), f), path.join(path.dirname(to), path.basename(to) + f.slice(base.length)));
    }
  }
  return to;
}

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (bin/run.js over dist/) as a user would. `npm test` builds first. */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): CliResult {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'run.js'), ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    // Progress off unless a test asks for it (KUZU_MIGRATE_PROGRESS=1): tests read stderr for errors.
    env: { ...process.env, NO_COLOR: '1', KUZU_MIGRATE_PROGRESS: '0', ...options.env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  // Every `--json` output is checked against its command's output schema (schemas/).
  const command = args.find((a) => !a.startsWith('-'));
  // (A process killed by the timeout printed nothing to check; the caller's exit-code check says so.)
  if (command && args.includes('--json') && !args.includes('--help') && r.status !== null) {
    let doc: unknown;
    try {
      doc = JSON.parse(r.stdout);
    } catch {
      throw new Error(`\`${args.join(' ')}\` printed no JSON with --json (exit ${r.status}): ${r.stdout.slice(0, 300)}${r.stderr.slice(0, 300)}`);
    }
    const problems = outputProblems(command, doc);
    if (problems.length) throw new Error(`\`${args.join(' ')}\` --json output breaks its schema:\n${problems.join('\n')}`);
  }
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A ResolvedConfig for library-level snapshot tests (exportSnapshot / importSnapshot): `database`
 * with snapshots in `<dir>/migrations` and backups in `<dir>/backups`, no schema, default policy.
 */
export function snapshotTestConfig(dir: string, database: string): ResolvedConfig {
  return {
    file: path.join(dir, 'kuzu-migrate.yaml'),
    dir,
    version: 'v1.0.0',
    engine: 'kuzu',
    database,
    migrations: path.join(dir, 'migrations'),
    backups: path.join(dir, 'backups'),
    environment: null,
    policy: { allowDestructive: false, backupRetention: 10 },
    checks: [],
    schema: emptySchema(),
    schemaFiles: [],
    create: false,
    databaseOrigin: 'from the test',
    sources: {},
    lint: { severity: {}, naming: {} },
    protect: [],
    unmanaged: [],
    locations: { tables: {}, properties: {}, sections: { schema: { file: 'kuzu-migrate.yaml', line: 1, column: 1 } } },
    targets: null,
    queries: [],
  } as ResolvedConfig;
}

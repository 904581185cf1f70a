/** A throwaway kuzu-migrate project: a YAML file and a database path in a temp folder. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { withEngine } from '../../src/kuzu/engine';
import { loadConfig } from '../../src/config/config';
import { blockingFindings } from '../../src/core/findings';
import { planMigration } from '../../src/plan/planning';
import { copyDatabase, runCli, tempDir } from './db';

export type YamlSchema = {
  nodes?: Record<string, unknown>;
  rels?: Record<string, unknown>;
};

export interface Project {
  dir: string;
  yamlPath: string;
  dbPath: string;
  write(schema: YamlSchema, extra?: Record<string, unknown>): void;
}

export function makeProject(prefix = 'km-proj-'): Project {
  const dir = tempDir(prefix);
  const yamlPath = path.join(dir, 'kuzu-migrate.yaml');
  const dbPath = path.join(dir, 'db', 'graph.kuzu');
  // Each write declares a new version (v1.0.0, v1.0.1, …): a changed schema under the same version
  // is refused by apply. `create: true`: these projects start without a database.
  let writes = 0;
  return {
    dir,
    yamlPath,
    dbPath,
    write(schema, extra = {}) {
      const doc = { version: `v1.0.${writes++}`, database: './db/graph.kuzu', create: true, migrations: './migrations', backups: './backups', ...extra, schema };
      fs.writeFileSync(yamlPath, stringify(doc));
    },
  };
}

/** The schema most tests start from: requirements and components. */
export function baseSchema(): YamlSchema {
  return {
    nodes: {
      Requirement: {
        primary_key: 'id',
        properties: { id: 'INT64', title: 'STRING', state: 'STRING', priority: { type: 'INT32', default: 0 }, score_text: 'STRING' },
      },
      Component: { primary_key: 'name', properties: { name: 'STRING', owner: 'STRING' } },
    },
    rels: {
      depends_on: { from: 'Requirement', to: 'Requirement', multiplicity: 'MANY_MANY', properties: { weight: 'DOUBLE' } },
      implemented_by: { from: 'Requirement', to: 'Component', multiplicity: 'MANY_MANY' },
    },
  };
}

/** Rows for baseSchema, loaded with Cypher inside Kuzu. */
export const BASE_DATA = [
  "CREATE (:Requirement {id: 1, title: 'login', state: 'open', priority: 2, score_text: '10'})",
  "CREATE (:Requirement {id: 2, title: 'logout', state: 'done', priority: 1, score_text: '20'})",
  "CREATE (:Requirement {id: 3, title: 'reset', state: NULL, priority: 5, score_text: NULL})",
  "CREATE (:Component {name: 'auth', owner: 'ann'})",
  "CREATE (:Component {name: 'ui', owner: 'bob'})",
  'MATCH (a:Requirement {id: 2}), (b:Requirement {id: 1}) CREATE (a)-[:depends_on {weight: 0.5}]->(b)',
  'MATCH (a:Requirement {id: 3}), (b:Requirement {id: 1}) CREATE (a)-[:depends_on {weight: 1.0/3}]->(b)',
  "MATCH (a:Requirement {id: 1}), (b:Component {name: 'auth'}) CREATE (a)-[:implemented_by]->(b)",
  "MATCH (a:Requirement {id: 2}), (b:Component {name: 'auth'}) CREATE (a)-[:implemented_by]->(b)",
];

export function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

/** Databases already built from a declaration (+ rows), per start schema, for this test file. */
const templates = new Map<string, string>();

/**
 * A project whose database holds `start` (default: baseSchema()) and `data` (default: BASE_DATA),
 * as `kuzu-migrate apply` built it. The first call per start schema builds it with the built CLI
 * into a template folder; every call gets its own copy of that closed database file, so cases stay
 * independent while the CLI runs once per file instead of once per case (a spawn costs ~0.5 s).
 */
export async function seededProject(start: YamlSchema = baseSchema(), data: readonly string[] = BASE_DATA, prefix = 'km-proj-'): Promise<Project> {
  const key = JSON.stringify([start, data]);
  let template = templates.get(key);
  if (!template) {
    const t = makeProject('km-template-');
    t.write(start);
    const r = runCli(['apply', '--auto-approve', '-c', t.yamlPath]);
    if (r.status !== 0) throw new Error(`building the template database failed (exit ${r.status}): ${r.stderr}`);
    await withEngine(t.dbPath, {}, async (e) => {
      for (const s of data) await e.query(s);
    });
    template = t.dbPath;
    templates.set(key, template);
  }
  const p = makeProject(prefix);
  p.write(start);
  copyDatabase(template, p.dbPath);
  return p;
}

const folderTemplates = new Map<string, Promise<string>>();

/**
 * A fresh copy of a project folder that `build(dir)` makes once per `key` in this test file (a
 * dataset loaded and declared by `init`, say). The folder must refer to its files by relative
 * paths (init writes `database: ./db/...`). Cases stay independent; the build runs once.
 */
export async function copyOfTemplate(key: string, build: (dir: string) => Promise<void>, prefix = 'km-copy-'): Promise<string> {
  let template = folderTemplates.get(key);
  if (!template) {
    template = (async () => {
      const dir = tempDir('km-template-');
      await build(dir);
      return dir;
    })();
    folderTemplates.set(key, template);
  }
  const dir = tempDir(prefix);
  fs.cpSync(await template, dir, { recursive: true });
  return dir;
}

/**
 * What `kuzu-migrate plan --detailed-exitcode -c <yaml>` exits with — 0: no changes (the live
 * database is the declared one), 2: changes, 1: apply would fail or refuse (an error finding) —
 * from the library calls the command makes (src/commands/plan.ts), for tests whose subject is the
 * database a command left behind rather than the plan command: a CLI start costs ≈ 0.4 s of CPU.
 * The command's own exit codes are tested through the CLI in the e2e files. Kuzu 0.11.3 projects
 * only: this process holds Kuzu's engine, and a process runs one engine (LadybugDB's through the CLI).
 */
export async function planExitCode(yaml: string): Promise<0 | 1 | 2> {
  const plan = await planMigration(loadConfig(yaml), { precheck: {} });
  if (blockingFindings(plan.findings ?? []).length > 0) return 1;
  // No changes exactly when the live schema's fingerprint is the declared one's.
  if ((plan.changes.length === 0) !== (plan.live_fingerprint === plan.desired_fingerprint)) throw new Error(`${yaml}: ${plan.changes.length} changes, yet fingerprints ${plan.live_fingerprint === plan.desired_fingerprint ? 'equal' : 'differ'}`);
  return plan.changes.length === 0 ? 0 : 2;
}

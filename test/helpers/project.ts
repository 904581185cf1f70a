/** A throwaway kuzu-migrate project: a YAML file and a database path in a temp folder. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { tempDir } from './db';

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

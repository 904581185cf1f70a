/**
 * Synthetic databases for the bench, generated inside Kuzu: rows come from `UNWIND range(...)`
 * in a `COPY ... FROM (subquery)`, so no row ever passes through JavaScript and generation time
 * is Kuzu's own.
 *
 * Two shapes:
 *  - the data graph: `Item` nodes (INT64 key, INT32, STRING, DOUBLE) and `Link` rels Item→Item
 *    with a DOUBLE, `relsPerNode` × as many rels as nodes; the schema is fixed, rows grow;
 *  - the wide schema: `tables` empty tables (two thirds node tables with five properties, one third
 *    rel tables between consecutive node tables); rows fixed at zero, tables grow.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { withEngine } from '../dist/kuzu/engine';

export type YamlSchema = { nodes: Record<string, unknown>; rels: Record<string, unknown> };

/** The data graph's declared schema, and the variants the bench applies to it. */
export function dataSchema(variant: 'base' | 'rewrite' | 'add' | 'rename'): YamlSchema {
  const item: Record<string, unknown> = { id: 'INT64', v: 'INT32', name: 'STRING', score: 'DOUBLE' };
  const link: Record<string, unknown> = { w: 'DOUBLE' };
  if (variant === 'rewrite') item['v'] = 'INT64'; // INT32 → INT64: a rewrite of Item, and of Link with it
  if (variant === 'add') {
    item['status'] = { type: 'STRING', default: "'new'" };
    link['kind'] = { type: 'INT32', default: 1 };
  }
  if (variant === 'rename') {
    delete item['name'];
    item['title'] = { type: 'STRING', renamed_from: 'name' };
  }
  return {
    nodes: { Item: { primary_key: 'id', properties: item } },
    rels: { Link: { from: 'Item', to: 'Item', multiplicity: 'MANY_MANY', properties: link } },
  };
}

/** Creates the data graph at `dbPath` (which must not exist); returns Kuzu's load times. */
export async function generateDataGraph(dbPath: string, nodes: number, relsPerNode: number): Promise<{ nodes_ms: number; rels_ms: number; bytes: number }> {
  const rels = nodes * relsPerNode;
  return withEngine(dbPath, {}, async (e) => {
    await e.query('CREATE NODE TABLE Item(id INT64, v INT32, name STRING, score DOUBLE, PRIMARY KEY(id))');
    await e.query('CREATE REL TABLE Link(FROM Item TO Item, w DOUBLE, MANY_MANY)');
    let t = Date.now();
    if (nodes > 0) {
      await e.query(
        `COPY Item FROM (UNWIND range(0, ${nodes - 1}) AS i RETURN i, CAST(i % 1000 AS INT32), concat('item-', CAST(i AS STRING)), CAST(i AS DOUBLE) / 7)`,
      );
    }
    const nodes_ms = Date.now() - t;
    t = Date.now();
    // Endpoints spread by a multiplicative step so edges are not all local; duplicates are fine (MANY_MANY).
    if (rels > 0) {
      await e.query(`COPY Link FROM (UNWIND range(0, ${rels - 1}) AS j RETURN j % ${nodes}, (j * 7919 + 13) % ${nodes}, CAST(j % 100 AS DOUBLE) / 3)`);
    }
    const rels_ms = Date.now() - t;
    return { nodes_ms, rels_ms, bytes: 0 };
  }).then((r) => ({ ...r, bytes: fs.statSync(dbPath).size }));
}

/** Table counts of the wide schema: two thirds node tables, the rest rels between neighbours. */
export function wideSplit(tables: number): { nodes: number; rels: number } {
  const nodes = Math.max(1, Math.ceil((tables * 2) / 3));
  return { nodes, rels: tables - nodes };
}

export function wideSchema(tables: number): YamlSchema {
  const { nodes, rels } = wideSplit(tables);
  const schema: YamlSchema = { nodes: {}, rels: {} };
  for (let i = 0; i < nodes; i++) {
    schema.nodes[`N${i}`] = { primary_key: 'id', properties: { id: 'INT64', a: 'STRING', b: 'INT32', c: 'DOUBLE', d: { type: 'STRING', default: "'x'" } } };
  }
  for (let j = 0; j < rels; j++) {
    schema.rels[`R${j}`] = { from: `N${j % nodes}`, to: `N${(j + 1) % nodes}`, multiplicity: 'MANY_MANY', properties: { w: 'DOUBLE' } };
  }
  return schema;
}

export async function generateWideSchema(dbPath: string, tables: number): Promise<void> {
  const { nodes, rels } = wideSplit(tables);
  await withEngine(dbPath, {}, async (e) => {
    // One transaction: hundreds of auto-committed DDL statements take ~40 ms each.
    await e.query('BEGIN TRANSACTION');
    for (let i = 0; i < nodes; i++) {
      await e.query(`CREATE NODE TABLE N${i}(id INT64, a STRING, b INT32, c DOUBLE, d STRING DEFAULT 'x', PRIMARY KEY(id))`);
    }
    for (let j = 0; j < rels; j++) await e.query(`CREATE REL TABLE R${j}(FROM N${j % nodes} TO N${(j + 1) % nodes}, w DOUBLE, MANY_MANY)`);
    await e.query('COMMIT');
  });
}

/**
 * The mixed-type schema (issue 14): 10 tables — 6 node tables `M0..M5` with a STRING, a list, a
 * STRUCT, a DOUBLE and a DATE, 4 rel tables `L0..L3` (M_i → M_i+1) with a DOUBLE and a STRING[].
 * The rewrite variant retypes `n` INT32 → INT64 in every node table, which rebuilds all 10.
 */
export const MIXED_NODE_TABLES = 6;
export const MIXED_REL_TABLES = 4;

export function mixedSchema(variant: 'base' | 'rewrite'): YamlSchema {
  const schema: YamlSchema = { nodes: {}, rels: {} };
  for (let i = 0; i < MIXED_NODE_TABLES; i++) {
    schema.nodes[`M${i}`] = {
      primary_key: 'id',
      properties: { id: 'INT64', n: variant === 'rewrite' ? 'INT64' : 'INT32', s: 'STRING', tags: 'INT64[]', st: 'STRUCT(a INT64, b STRING)', d: 'DOUBLE', day: 'DATE' },
    };
  }
  for (let j = 0; j < MIXED_REL_TABLES; j++) {
    schema.rels[`L${j}`] = { from: `M${j}`, to: `M${j + 1}`, multiplicity: 'MANY_MANY', properties: { w: 'DOUBLE', labels: 'STRING[]' } };
  }
  return schema;
}

/** Creates the mixed-type database: `rows` rows per node table, 2 × `rows` per rel table (every 10th value NULL). */
export async function generateMixed(dbPath: string, rows: number): Promise<{ rows: number; bytes: number }> {
  await withEngine(dbPath, {}, async (e) => {
    for (let i = 0; i < MIXED_NODE_TABLES; i++) {
      await e.query(`CREATE NODE TABLE M${i}(id INT64, n INT32, s STRING, tags INT64[], st STRUCT(a INT64, b STRING), d DOUBLE, day DATE, PRIMARY KEY(id))`);
      await e.query(
        `COPY M${i} FROM (UNWIND range(0, ${rows - 1}) AS i RETURN i, CAST(i % 1000 AS INT32), CASE WHEN i % 10 = 0 THEN NULL ELSE concat('s-', CAST(i AS STRING)) END, ` +
          `[i, i % 7, i % 13], CASE WHEN i % 10 = 3 THEN NULL ELSE {a: i, b: concat('b', CAST(i % 50 AS STRING))} END, CAST(i AS DOUBLE) / 3, date('2020-01-01') + CAST(i % 3000 AS INT64))`,
      );
    }
    for (let j = 0; j < MIXED_REL_TABLES; j++) {
      await e.query(`CREATE REL TABLE L${j}(FROM M${j} TO M${j + 1}, w DOUBLE, labels STRING[], MANY_MANY)`);
      await e.query(
        `COPY L${j} FROM (UNWIND range(0, ${2 * rows - 1}) AS k RETURN k % ${rows}, (k * 7919 + 13) % ${rows}, CAST(k % 100 AS DOUBLE) / 3, ` +
          `CASE WHEN k % 10 = 5 THEN NULL ELSE ['x', concat('l', CAST(k % 9 AS STRING))] END)`,
      );
    }
  });
  return { rows: MIXED_NODE_TABLES * rows + MIXED_REL_TABLES * 2 * rows, bytes: fs.statSync(dbPath).size };
}

/** Writes `kuzu-migrate.yaml` in `dir` for `database` (relative to `dir`); returns its path. */
export function writeProject(dir: string, database: string, schema: YamlSchema): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'kuzu-migrate.yaml');
  const doc = { version: 'v1.0.0', database, migrations: './migrations', backups: './backups', schema };
  fs.writeFileSync(file, stringify(doc));
  return file;
}

/**
 * Declared queries through the built CLI on a real database: Doc(id, body, emb FLOAT[3], k INT32)
 * with 5,000 rows (more than 2 × Kuzu's vector size), an FTS and a vector index (small HNSW
 * options, as test/integration/catalog-objects.test.ts builds them), and 4,999 Cites edges. The
 * queries are an FTS lookup, a vector lookup and a traversal. Judged in Kuzu directly where it
 * matters: the indexes after a rebuild, and the untouched file after a refused apply.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { withEngine } from '../../src/kuzu/engine';
import { makeDatabase, runCli, tempDir } from '../helpers/db';

const ROWS = 5000;
const TARGET = 4242;
const EMB = 'CAST(sin(i) AS FLOAT), CAST(cos(i) AS FLOAT), CAST(i AS FLOAT) / 5000.0';
/** TARGET's embedding, computed as EMB computes it (Kuzu's FLOAT is single precision: Math.fround). */
const TARGET_EMB = [Math.fround(Math.sin(TARGET)), Math.fround(Math.cos(TARGET)), Math.fround(TARGET / 5000)];

/**
 * The tolerances are the defaults except max_slowdown 4 (default 2): this suite shares two cores
 * with other jobs, and what it proves is that the indexes are used before and after (operators,
 * rows), not a timing; the 5 ms floor alone already absorbs most noise.
 */
const QUERIES = [
  { name: 'fts_search', query: "CALL QUERY_FTS_INDEX('Doc', 'doc_fts', $q) RETURN node.id AS id", params: { q: 'zebra' }, rows: 1, max_slowdown: 4 },
  { name: 'nearest', query: "CALL QUERY_VECTOR_INDEX('Doc', 'doc_vec', $v, 3, efs := 200) RETURN node.id AS id, distance", params: { v: TARGET_EMB }, rows: 3, max_ms: 5000, max_slowdown: 4 },
  { name: 'citations', query: 'MATCH (a:Doc)-[:Cites]->(b:Doc) RETURN count(*) > 0', expect: true, max_slowdown: 4 },
];

let template: string;
let templateYaml: string;

beforeAll(async () => {
  template = path.join(tempDir('km-queries-tpl-'), 'graph.kuzu');
  await makeDatabase(template, async (e) => {
    await e.query('CREATE NODE TABLE Doc(id INT64 PRIMARY KEY, body STRING, emb FLOAT[3], k INT32)');
    await e.query(`UNWIND range(1, ${ROWS}) AS i CREATE (:Doc {id: i, body: 'common text ' + (CASE WHEN i = ${TARGET} THEN 'zebra' ELSE 'apple' END), emb: [${EMB}], k: i})`);
    await e.query('CREATE REL TABLE Cites(FROM Doc TO Doc)');
    await e.query('MATCH (a:Doc), (b:Doc) WHERE b.id = a.id + 1 CREATE (a)-[:Cites]->(b)');
    await e.query("CALL CREATE_FTS_INDEX('Doc', 'doc_fts', ['body'])");
    await e.query("CALL CREATE_VECTOR_INDEX('Doc', 'doc_vec', 'emb', mu := 4, ml := 8, efc := 16, metric := 'l2')");
  });
  // The YAML `init` writes for it (written here: one CLI start less).
  templateYaml = stringify({
    version: 'v0.1.0',
    database: './db/graph.kuzu',
    migrations: './migrations',
    backups: './backups',
    schema: {
      nodes: {
        Doc: {
          primary_key: 'id',
          properties: { id: 'INT64', body: 'STRING', emb: 'FLOAT[3]', k: 'INT32' },
          indexes: { doc_fts: { type: 'fts', properties: ['body'] }, doc_vec: { type: 'vector', property: 'emb', mu: 4, ml: 8, efc: 16, metric: 'l2' } },
        },
      },
      rels: { Cites: { from: 'Doc', to: 'Doc', multiplicity: 'MANY_MANY' } },
    },
  });
}, 60_000);

interface Proj {
  yaml: string;
  db: string;
}

/** A project on a copy of the template database, with `init`'s YAML plus `queries`. */
function project(queries: unknown[] = QUERIES): Proj {
  const dir = tempDir('km-queries-');
  const db = path.join(dir, 'db', 'graph.kuzu');
  fs.mkdirSync(path.dirname(db));
  fs.copyFileSync(template, db);
  const yaml = path.join(dir, 'kuzu-migrate.yaml');
  fs.writeFileSync(yaml, stringify({ ...parse(templateYaml), queries }));
  return { yaml, db };
}

/** Edits the YAML's schema and declares the next version. */
function edit(p: Proj, fn: (schema: any) => void): void {
  const doc = parse(fs.readFileSync(p.yaml, 'utf8'));
  fn(doc.schema);
  doc.version = doc.version.replace(/\d+$/, (n: string) => String(Number(n) + 1));
  fs.writeFileSync(p.yaml, stringify(doc));
}

const cli = (p: Proj, ...args: string[]) => runCli([...args, '-c', p.yaml]);
const sha = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');

async function indexNames(db: string): Promise<string[]> {
  return withEngine(db, { readOnly: true }, async (e) => (await e.query('CALL SHOW_INDEXES() RETURN index_name')).map((r) => String(r['index_name'])).sort());
}

describe('declared queries (queries:)', () => {
  it('a rebuild that keeps the indexes: FTS and vector lookups timed before and after, within tolerance; recorded in list; queries and drift compare with it', async () => {
    const p = project();
    const byName = (r: any, n: string) => r.queries.find((q: any) => q.name === n);
    // k INT32 → INT64 rebuilds Doc (and Cites with it) on the private copy: both indexes are dropped and rebuilt.
    edit(p, (s) => (s.nodes.Doc.properties.k = 'INT64'));
    const plan = JSON.parse(cli(p, 'plan', '--json').stdout);
    expect(plan.changes.map((c: any) => `${c.kind} ${c.table}.${c.property}`)).toEqual(['alter_property_type Doc.k']);
    expect(plan.rebuilt_tables).toEqual(expect.arrayContaining(['Doc', 'Cites']));
    expect(plan.queries).toEqual([
      { name: 'fts_search', tables: ['Doc'], touched: ['Doc'] },
      { name: 'nearest', tables: ['Doc'], touched: ['Doc'] },
      { name: 'citations', tables: ['Doc', 'Cites'], touched: ['Doc', 'Cites'] },
    ]);
    const r = cli(p, 'apply', '--auto-approve', '--json');
    expect(r.status).toBe(0);
    const applied = JSON.parse(r.stdout);
    expect(applied.queries.map((c: any) => [c.name, c.verdict.ok, c.before.rows, c.after.rows])).toEqual([
      ['fts_search', true, 1, 1],
      ['nearest', true, 3, 3],
      ['citations', true, 1, 1],
    ]);
    for (const c of applied.queries) {
      expect(c.before.median_ms).toBeGreaterThan(0);
      expect(c.after.median_ms).toBeGreaterThan(0);
      expect(c.after.operators).toEqual(c.before.operators);
    }
    // In Kuzu directly: the rebuilt table has both indexes, and they answer.
    expect(await indexNames(p.db)).toEqual(['doc_fts', 'doc_vec']);
    expect(await withEngine(p.db, { readOnly: true }, (e) => e.query("CALL table_info('Doc') WHERE name = 'k' RETURN type"))).toEqual([{ type: 'INT64' }]);

    // The history: list --json (from history.jsonl) and list's text.
    const list = JSON.parse(cli(p, 'list', '--json').stdout);
    const entry = list.history.find((h: any) => h.id === applied.apply_id);
    expect(entry.queries.map((q: any) => q.name)).toEqual(['fts_search', 'nearest', 'citations']);
    expect(entry.queries[0]).toMatchObject({ before_ms: applied.queries[0].before.median_ms, after_ms: applied.queries[0].after.median_ms, rows_before: 1, rows_after: 1, ok: true });
    expect(cli(p, 'list').stdout).toMatch(/query fts_search: \d+\.\d\d ms → \d+\.\d\d ms {2}SCAN_NODE_TABLE\(Doc\), QUERY_FTS_INDEX, HASH_JOIN/);

    // queries and drift --queries now compare with what that apply recorded.
    const now = JSON.parse(cli(p, 'queries', '--json', '--runs', '3').stdout);
    // Problems first, so that a failure shows them (with the numbers) rather than only ok: false.
    expect(now.queries.map((q: any) => [q.name, q.verdict.problems])).toEqual([['fts_search', []], ['nearest', []], ['citations', []]]);
    expect(now).toMatchObject({ ok: true, runs: 3, baseline: { apply_id: applied.apply_id } });
    expect(byName(now, 'fts_search')).toMatchObject({ rows: 1, error: null, runs: 3, baseline_ms: applied.queries[0].after.median_ms });
    expect(byName(now, 'fts_search').operators).toContain('QUERY_FTS_INDEX');
    expect(byName(now, 'fts_search').profile.find((o: any) => o.function === 'QUERY_FTS_INDEX')).toMatchObject({ name: 'TABLE_FUNCTION_CALL' });
    expect(byName(now, 'nearest').operators).toContain('QUERY_VECTOR_INDEX');
    expect(byName(now, 'citations')).toMatchObject({ value: true, operators: ['SCAN_NODE_TABLE(Doc)', 'SCAN_REL_TABLE(Cites)'] });
    const drift = cli(p, 'drift', '--queries', '--json');
    expect(JSON.parse(drift.stdout)).toMatchObject({ drift: false, queries: { ok: true } });
    expect(drift.status).toBe(0);
  }, 90_000);

  it('a YAML that drops the FTS index: the lookup fails on the new database, apply refuses, the database is byte-identical', async () => {
    const p = project();
    edit(p, (s) => delete s.nodes.Doc.indexes.doc_fts);
    const digest = sha(p.db);
    const r = cli(p, 'apply', '--auto-approve', '--allow-destructive', '--json');
    expect(r.status).toBe(1);
    const error = JSON.parse(r.stdout).error;
    expect(error).toMatchObject({ code: 'E_QUERY_REGRESSION', exit_code: 1, hints: [expect.stringMatching(/--allow-slowdown/)] });
    expect(error.message).toMatch(/query "fts_search" \(\d+\.\d\d ms before, - after\): ran before \(\d+\.\d\d ms\) and fails now: .*doc_fts.*\(operators: .*-QUERY_FTS_INDEX/);
    expect(error.message).toMatch(/the database is unchanged/);
    expect(sha(p.db)).toBe(digest);
    expect(fs.readdirSync(path.dirname(p.db))).toEqual(['graph.kuzu']);
    expect(await indexNames(p.db)).toEqual(['doc_fts', 'doc_vec']);
  }, 60_000);

  it('a query whose row count changes is reported and refused; --allow-slowdown applies and records the breach', async () => {
    const p = project([{ name: 'doc_columns', query: "CALL table_info('Doc') RETURN name" }]);
    edit(p, (s) => (s.nodes.Doc.properties.note = 'STRING'));
    const digest = sha(p.db);
    const refused = cli(p, 'apply', '--auto-approve');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/query "doc_columns" .*returned 5 rows, 4 before/);
    expect(sha(p.db)).toBe(digest);

    const r = cli(p, 'apply', '--auto-approve', '--allow-slowdown');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/FAIL doc_columns +\d+\.\d\d ms → +\d+\.\d\d ms/);
    expect(r.stderr).toBe('');
    const list = JSON.parse(cli(p, 'list', '--json').stdout);
    expect(list.history.at(-1).queries).toEqual([expect.objectContaining({ name: 'doc_columns', rows_before: 4, rows_after: 5, ok: false })]);
  }, 60_000);

  it('a declared result that does not hold fails queries (exit 1), verify --queries (1) and drift --queries (2)', () => {
    const p = project([{ name: 'zebras', query: "CALL QUERY_FTS_INDEX('Doc', 'doc_fts', 'zebra') RETURN node.id", rows: 2 }]);
    const q = cli(p, 'queries');
    expect(q.status).toBe(1);
    expect(q.stdout).toMatch(/FAIL {2}zebras .*\n.*operators: .*QUERY_FTS_INDEX[^]*returned 1 rows, expected 2/);
    const v = cli(p, 'verify', '--queries', '--json');
    expect(v.status).toBe(1);
    expect(JSON.parse(v.stdout).checks.at(-1)).toMatchObject({ name: 'query zebras', ok: false, problems: ['returned 1 rows, expected 2'] });
    const d = cli(p, 'drift', '--queries');
    expect(d.status).toBe(2);
    expect(d.stdout).toMatch(/returned 1 rows, expected 2/);
  }, 60_000);

  it('a write clause or two statements in queries: is refused with file:line before anything runs', () => {
    const p = project([
      { name: 'sneaky', query: 'MATCH (d:Doc) WHERE d.id = 1 SET d.k = 0 RETURN d.id' },
      { name: 'two', query: 'MATCH (d:Doc) RETURN d.id; MATCH (d:Doc) DETACH DELETE d' },
    ]);
    const digest = sha(p.db);
    for (const cmd of [['validate'], ['apply', '--auto-approve']]) {
      const r = cli(p, ...cmd);
      expect(r.status).toBe(65);
      expect(r.stderr).toMatch(/kuzu-migrate\.yaml:\d+:\d+: query "sneaky": query contains SET \(a write clause\)/);
      expect(r.stderr).toMatch(/kuzu-migrate\.yaml:\d+:\d+: query "two": query contains a statement separator ";"/);
    }
    expect(sha(p.db)).toBe(digest);
  }, 30_000);
});

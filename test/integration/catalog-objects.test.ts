/**
 * Indexes, sequences and macros through the built CLI on a real database: Doc(id, body, emb
 * FLOAT[3], k INT32) with 5,000 rows generated inside Kuzu (more than 2 × Kuzu's vector size), an
 * FTS index and a vector index. Each change is applied, then `plan` is empty and the indexes
 * answer QUERY_FTS_INDEX / QUERY_VECTOR_INDEX with the expected hits, judged in Kuzu directly.
 * The vector index is built with small HNSW options (mu 4, ml 8, efc 16): with the defaults
 * Kuzu needs ~15 s for 5,000 rows on this machine, with these ~0.5 s.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { withEngine } from '../../src/kuzu/engine';
import { loadConfig } from '../../src/config/config';
import { planMigration } from '../../src/plan/planning';
import { applyMigration } from '../../src/apply/apply';
import { ensureEngine } from '../../src/engines/install';
import { withEngineProcess } from '../../src/engines/process';
import { findRelease } from '../../src/engines/releases';
import { makeDatabase, REPO_ROOT, runCli, tempDir } from '../helpers/db';

const ROWS = 5000;
/** The row the indexes must find: 'zebra' is in its body only, and its own embedding is nearest to itself. */
const TARGET = 4242;
const FTS = "CALL QUERY_FTS_INDEX('Doc', 'doc_fts', 'zebra') RETURN node.id AS id";
/**
 * Embeddings spread on a helix ([sin i, cos i, i / 5000]): with a grid of equal distances HNSW's
 * greedy search with small options missed the nearest row; here it finds it every time (measured).
 */
const EMB = 'CAST(sin(i) AS FLOAT), CAST(cos(i) AS FLOAT), CAST(i AS FLOAT) / 5000.0';

let template: string;
/** kuzu-migrate.yaml as `init` wrote it for each template (database: ./db/graph.kuzu). */
const templateYaml = new Map<string, string>();
/**
 * The same database with 100 rows (+ the target row), for the per-path sequence/macro and SIGKILL
 * tests, which are about the catalog objects and repeat snapshots many times. The snapshot-path
 * test of indexes, sequence and macro uses the full 5,000-row template (Doc.emb FLOAT[3] goes into
 * Parquet natively; measured +3 s CPU over the small one).
 */
let smallTemplate: string;

async function buildTemplate(rows: number): Promise<string> {
  const db = path.join(tempDir('km-objects-tpl-'), 'graph.kuzu');
  await makeDatabase(db, async (e) => {
    await e.query('CREATE NODE TABLE Doc(id INT64 PRIMARY KEY, body STRING, emb FLOAT[3], k INT32, note STRING)');
    await e.query(
      `UNWIND range(1, ${rows}) AS i CREATE (:Doc {id: i, body: 'word' + CAST(i % 50 AS STRING) + ' common text ' + (CASE WHEN i = ${TARGET} THEN 'zebra' ELSE 'apple' END), emb: [${EMB}], k: i, note: 'n'})`,
    );
    if (rows < TARGET) await e.query(`WITH ${TARGET} AS i CREATE (:Doc {id: i, body: 'zebra', emb: [${EMB}], k: i, note: 'n'})`);
    await e.query('CREATE NODE TABLE Tag(name STRING PRIMARY KEY, w INT32)');
    await e.query("CREATE (:Tag {name: 'a', w: 1})");
    await e.query("CALL CREATE_FTS_INDEX('Doc', 'doc_fts', ['body'])");
    await e.query("CALL CREATE_VECTOR_INDEX('Doc', 'doc_vec', 'emb', mu := 4, ml := 8, efc := 16, metric := 'l2')");
    await e.query('CREATE SEQUENCE order_no START 100');
    await e.query("RETURN nextval('order_no')");
    await e.query("RETURN nextval('order_no')");
    await e.query('CREATE MACRO addOne(x) AS x + 1');
  });
  return db;
}

beforeAll(async () => {
  template = await buildTemplate(ROWS);
  smallTemplate = await buildTemplate(100);
  for (const t of [template, smallTemplate]) {
    const dir = tempDir('km-objects-init-');
    fs.mkdirSync(path.join(dir, 'db'));
    fs.copyFileSync(t, path.join(dir, 'db', 'graph.kuzu'));
    const r = runCli(['init', '--database', path.join(dir, 'db', 'graph.kuzu'), '-c', path.join(dir, 'kuzu-migrate.yaml')]);
    expect(r.status).toBe(0);
    templateYaml.set(t, fs.readFileSync(path.join(dir, 'kuzu-migrate.yaml'), 'utf8'));
  }
}, 90_000);

interface Proj {
  dir: string;
  yaml: string;
  db: string;
}

/** A project on a copy of the template database, with the YAML `init` writes for it. */
function project(from = template): Proj {
  const dir = tempDir('km-objects-');
  const db = path.join(dir, 'db', 'graph.kuzu');
  fs.mkdirSync(path.dirname(db));
  fs.copyFileSync(from, db);
  const yaml = path.join(dir, 'kuzu-migrate.yaml');
  fs.writeFileSync(yaml, templateYaml.get(from)!);
  return { dir, yaml, db };
}

function edit(p: Proj, fn: (schema: any) => void, version?: string): void {
  const doc = parse(fs.readFileSync(p.yaml, 'utf8'));
  fn(doc.schema);
  if (version) doc.version = version;
  fs.writeFileSync(p.yaml, stringify(doc));
}

function cli(p: Proj, ...args: string[]): ReturnType<typeof runCli> {
  return runCli([...args, '-c', p.yaml], { env: { KUZU_MIGRATE_ENGINES_DIR: process.env.KUZU_MIGRATE_ENGINES_DIR ?? path.join(REPO_ROOT, '.engines') } });
}

/** apply through the CLI exits 0 with nothing on stderr (the message is shown when it does not). */
function applyOk(p: Proj, ...flags: string[]): void {
  // The steps of a test re-declare one version on purpose: they are about catalog objects, not versions.
  const r = cli(p, 'apply', '--auto-approve', '--allow-same-version', ...flags);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
}

/** The same apply in-process (the library call the command makes): no process start per step. */
async function applyHere(p: Proj, options: Parameters<typeof applyMigration>[1] = {}): Promise<void> {
  // The template was made by hand, not by kuzu-migrate: its drops pass the first-run guard on purpose.
  // Each step re-declares the same version on purpose: this test is about catalog objects, not versions.
  const r = await applyMigration(loadConfig(p.yaml), { allowDropsOnFirstRun: true, allowSameVersion: true, ...options });
  expect(r.status).toBe('applied');
}

/** `plan` through the CLI: exit 0 with --detailed-exitcode and "No changes". */
function expectPlanEmptyCli(p: Proj): void {
  const r = cli(p, 'plan', '--detailed-exitcode');
  expect(r.stdout).toContain('No changes');
  expect(r.status).toBe(0);
}

/** The plan (the library call `plan` makes) has no change. */
async function expectPlanEmpty(p: Proj): Promise<void> {
  const plan = await planMigration(loadConfig(p.yaml));
  expect(plan.changes.map((c) => `${c.kind} ${c.object ?? c.table}`)).toEqual([]);
}

async function q(db: string, query: string): Promise<Record<string, unknown>[]> {
  return withEngine(db, { readOnly: true }, (e) => e.query(query));
}

/** Both indexes answer with the one right row. */
async function expectIndexesAnswer(db: string): Promise<void> {
  expect((await q(db, FTS)).map((r) => Number(r['id']))).toEqual([TARGET]);
  expectNearTarget(await nearest(db));
}

/**
 * The vector index answers near TARGET's own embedding: three rows, the first TARGET at distance 0
 * or, since HNSW search is approximate and its graph is built anew by every rebuild, one of
 * TARGET's neighbours on the helix (seen once under load: 4198, seven turns away, for 4242).
 * By brute force on (sin i, cos i, i/5000) the nearest other rows are ±44 (l2 0.020) and ±88
 * (0.039) away, everything else ≥ 0.05: a first row under 0.05 (in l2 or its square) is a right
 * answer, and an empty or wrong index is not.
 */
function expectNearTarget(near: Record<string, unknown>[]): void {
  expect(near).toHaveLength(3);
  const first = { id: Number(near[0]['id']), distance: Number(near[0]['distance']) };
  if (first.id !== TARGET) expect(first.distance).toBeLessThan(0.05);
  else expect(first.distance).toBe(0);
}

/** l2: the nearest neighbours of TARGET's stored embedding; the first is TARGET itself, at distance 0. */
async function nearest(db: string): Promise<Record<string, unknown>[]> {
  const emb = (await q(db, `MATCH (d:Doc) WHERE d.id = ${TARGET} RETURN d.emb AS e`))[0]['e'] as number[];
  return q(db, `CALL QUERY_VECTOR_INDEX('Doc', 'doc_vec', [${emb.join(', ')}], 3, efs := 200) RETURN node.id AS id, distance ORDER BY distance`);
}

async function indexNames(db: string): Promise<string[]> {
  return (await q(db, 'CALL SHOW_INDEXES() RETURN index_name')).map((r) => String(r['index_name'])).sort();
}

/** The sequence continues after its last value and the macro is callable. */
async function expectSequenceAndMacro(db: string, next: number): Promise<void> {
  await withEngine(db, {}, async (e) => {
    expect(Number(await e.scalar("RETURN nextval('order_no')"))).toBe(next);
    expect(Number(await e.scalar('RETURN addOne(41)'))).toBe(42);
  });
}

describe('indexes, sequences and macros', () => {
  it('init writes them, plan is empty, and the plan JSON never shows engine objects', () => {
    const p = project();
    const yaml = fs.readFileSync(p.yaml, 'utf8');
    expect(yaml).toMatch(/doc_fts: \{ type: fts, properties: \[ body \] \}/);
    expect(yaml).toMatch(/doc_vec: \{ type: vector, property: emb, mu: 4, ml: 8, metric: l2, efc: 16 \}/);
    expect(yaml).toMatch(/order_no: \{ start: 100 \}/);
    expect(yaml).toMatch(/ADDONE: \{ parameters: \[ x \], body: x \+ 1 \}/);
    expect(yaml).not.toMatch(/TOKENIZE|_serial/);
    expectPlanEmptyCli(p);
    expect(cli(p, 'validate').status).toBe(0);
  });

  it('a retype of an indexed table (k INT32 → INT64) runs on a private copy and recreates both indexes', async () => {
    const p = project();
    edit(p, (s) => (s.nodes.Doc.properties.k = 'INT64'));
    const plan = JSON.parse(cli(p, 'plan', '--format', 'json').stdout);
    expect(plan.private_copy.method).toBe('copy');
    expect(plan.steps.filter((s: any) => s.phase === 'drop_indexes')).toHaveLength(2);
    expect(plan.steps.filter((s: any) => s.phase === 'create_indexes')).toHaveLength(2);
    applyOk(p);
    expectPlanEmptyCli(p);
    await expectIndexesAnswer(p.db);
    expect((await q(p.db, "CALL table_info('Doc') WHERE name = 'k' RETURN type"))[0]['type']).toBe('INT64');
    expect(Number((await q(p.db, 'MATCH (d:Doc) WHERE d.k = d.id RETURN count(*) AS n'))[0]['n'])).toBe(ROWS);
    // Nothing else was lost on the way: sequence position and macro.
    await expectSequenceAndMacro(p.db, 102);
  }, 90_000);

  it('a property dropped next to an index, an indexed property dropped with its index, an index added, changed and dropped', async () => {
    const p = project();
    // next to the index: in place, indexes untouched
    edit(p, (s) => delete s.nodes.Doc.properties.note);
    await applyHere(p, { allowDestructive: true });
    await expectPlanEmpty(p);
    await expectIndexesAnswer(p.db);

    // added (FTS with options)
    edit(p, (s) => (s.nodes.Doc.indexes.doc_fts2 = { type: 'fts', properties: ['body'], stemmer: 'porter', stop_words: 'default' }));
    await applyHere(p);
    await expectPlanEmpty(p);
    expect(await indexNames(p.db)).toEqual(['doc_fts', 'doc_fts2', 'doc_vec']);
    expect((await q(p.db, "CALL QUERY_FTS_INDEX('Doc', 'doc_fts2', 'zebras') RETURN node.id AS id")).map((r) => Number(r['id']))).toEqual([TARGET]);

    // changed options: dropped and built again with them
    edit(p, (s) => (s.nodes.Doc.indexes.doc_vec.efc = 24));
    const plan = await planMigration(loadConfig(p.yaml));
    expect(plan.changes.map((c) => c.kind)).toEqual(['alter_index']);
    await applyHere(p);
    await expectPlanEmpty(p);
    const def = (await q(p.db, "CALL SHOW_INDEXES() WHERE index_name = 'doc_vec' RETURN index_definition"))[0]['index_definition'];
    expect(String(def)).toContain('efc := 24');
    await expectIndexesAnswer(p.db);

    // dropped
    edit(p, (s) => delete s.nodes.Doc.indexes.doc_fts2);
    await applyHere(p);
    await expectPlanEmpty(p);
    expect(await indexNames(p.db)).toEqual(['doc_fts', 'doc_vec']);

    // an indexed property dropped, with its index (Kuzu refuses the drop while the index exists)
    edit(p, (s) => {
      delete s.nodes.Doc.properties.body;
      delete s.nodes.Doc.indexes.doc_fts;
    });
    await applyHere(p, { allowDestructive: true });
    await expectPlanEmpty(p);
    expect(await indexNames(p.db)).toEqual(['doc_vec']);
    expectNearTarget(await nearest(p.db));
    await expectSequenceAndMacro(p.db, 102);
  }, 120_000);

  it('sequence, macro and indexes survive export → import, apply --strategy export and rollback', async () => {
    // The full 5,000-row template (past 2 × 2,048): Doc.emb FLOAT[3] goes into Parquet natively now.
    const p = project();
    expect(cli(p, 'export', '--version', 'v0.1.0').status).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(p.dir, 'migrations', 'v0.1.0', 'manifest.json'), 'utf8'));
    expect(manifest.schema.sequences).toEqual([expect.objectContaining({ name: 'order_no', position: '101' })]);
    const target = path.join(p.dir, 'restored.kuzu');
    const imp = cli(p, 'import', '--version', 'v0.1.0', '--database', target);
    expect(imp.stderr).toBe('');
    expect(imp.status).toBe(0);
    await expectIndexesAnswer(target);
    await expectSequenceAndMacro(target, 102);

    // An unrelated rewrite (another table) by the export strategy keeps every object of the database.
    edit(p, (s) => (s.nodes.Tag.properties.w = 'INT64'), 'v0.2.0');
    const plan = await planMigration(loadConfig(p.yaml), { rewriteStrategy: 'export' });
    expect(plan.rewrite_strategy).toBe('export');
    expect(plan.rebuilt_tables).toEqual(['Tag']);
    applyOk(p, '--strategy', 'export');
    await expectPlanEmpty(p);
    await expectIndexesAnswer(p.db);
    await expectSequenceAndMacro(p.db, 102); // consumes 102

    const rb = cli(p, 'rollback', 'v0.1.0', '--auto-approve');
    expect(rb.stderr).toBe('');
    expect(rb.status).toBe(0);
    await expectIndexesAnswer(p.db);
    expect((await q(p.db, "CALL table_info('Tag') WHERE name = 'w' RETURN type"))[0]['type']).toBe('INT32');
    await expectSequenceAndMacro(p.db, 102); // the state before the export-strategy apply

    // diff shows sequence and macro changes against a snapshot.
    edit(p, (s) => {
      s.sequences.invoice_no = { start: 1 };
      delete s.macros.ADDONE;
    });
    const d = cli(p, 'diff', 'v0.1.0', '--declared');
    expect(d.stdout).toContain('+ create sequence invoice_no');
    expect(d.stdout).toContain('- drop macro ADDONE(x) AS x + 1');
    expect(d.stdout).toContain('+CREATE SEQUENCE `invoice_no` START 1');

    // verify: an index must be present and answer a query.
    const ok = cli(p, 'verify', '--version', 'v0.1.0', '--json');
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(JSON.stringify(JSON.parse(ok.stdout))).toContain('every index exists and answers a query');
    await withEngine(p.db, {}, (e) => e.query("CALL DROP_FTS_INDEX('Doc', 'doc_fts')"));
    const bad = cli(p, 'verify', '--version', 'v0.1.0');
    expect(bad.status).toBe(1);
    expect(bad.stdout + bad.stderr).toMatch(/Doc\.doc_fts: missing/);
  }, 120_000);

  /**
   * Issue 9 item 2 per path: a sequence whose options change keeps its position; a macro replaced
   * by a new body returns the new result — through apply (transaction and export strategies),
   * export → import and rollback, judged in Kuzu (nextval, the macro's value, show_sequences).
   */
  it('a changed sequence keeps its position and a replaced macro its new body: apply (both strategies), export → import, rollback', async () => {
    const p = project(smallTemplate);
    expect(cli(p, 'export', '--version', 'v0.1.0').status).toBe(0); // order_no at 101 (+1), ADDONE x + 1
    const seq = async (db: string) =>
      (await q(db, "CALL show_sequences() WHERE name = 'order_no' RETURN CAST(increment AS STRING) AS inc, CAST(`max value` AS STRING) AS max, cycle"))[0];
    const nextAndMacro = async (db: string) =>
      withEngine(db, {}, async (e) => [Number(await e.scalar("RETURN nextval('order_no')")), Number(await e.scalar('RETURN addOne(41)'))]);

    // Options changed and the macro replaced, one plan (the macro forces a fresh database).
    edit(p, (s) => {
      s.sequences.order_no = { start: 100, increment: 5, max: 1000, cycle: true };
      s.macros.ADDONE = { parameters: ['x'], body: 'x + 2' };
    }, 'v0.2.0');
    const plan = await planMigration(loadConfig(p.yaml));
    expect(plan.changes.map((c) => c.kind).sort()).toEqual(['alter_sequence', 'replace_macro']);
    applyOk(p);
    await expectPlanEmpty(p);
    expect(await seq(p.db)).toEqual({ inc: '5', max: '1000', cycle: true });
    expect(await nextAndMacro(p.db)).toEqual([106, 43]); // 101 + 5; 41 + 2

    // Options changed again by the transaction strategy alone (in place: no macro change).
    edit(p, (s) => (s.sequences.order_no.increment = 10), 'v0.3.0');
    const inPlace = await planMigration(loadConfig(p.yaml), { rewriteStrategy: 'transaction' });
    expect(inPlace.changes.map((c) => c.kind)).toEqual(['alter_sequence']);
    expect(inPlace.private_copy ?? null).toBeNull();
    applyOk(p, '--strategy', 'transaction');
    await expectPlanEmpty(p);
    expect(await nextAndMacro(p.db)).toEqual([116, 43]);

    // And by the export strategy.
    edit(p, (s) => (s.sequences.order_no.increment = 3), 'v0.4.0');
    applyOk(p, '--strategy', 'export');
    await expectPlanEmpty(p);
    expect(await seq(p.db)).toEqual({ inc: '3', max: '1000', cycle: true });
    expect(await nextAndMacro(p.db)).toEqual([119, 43]);

    // export → import carries the changed sequence at its position and the new macro body.
    expect(cli(p, 'export', '--version', 'v0.4.0').status).toBe(0);
    const target = path.join(p.dir, 'restored.kuzu');
    const imp = cli(p, 'import', '--version', 'v0.4.0', '--database', target);
    expect(imp.stderr).toBe('');
    expect(imp.status).toBe(0);
    expect(await seq(target)).toEqual({ inc: '3', max: '1000', cycle: true });
    expect(await nextAndMacro(target)).toEqual([122, 43]);

    // rollback to v0.1.0: the old options, the old position, the old body.
    const rb = cli(p, 'rollback', 'v0.1.0', '--auto-approve');
    expect(rb.stderr).toBe('');
    expect(rb.status).toBe(0);
    expect((await seq(p.db)).inc).toBe('1');
    expect(await nextAndMacro(p.db)).toEqual([102, 42]);
  }, 150_000);

  it.each(['before_swap', 'after_swap'])('SIGKILL at %s leaves the old or the new database, indexes included', async (point) => {
    const p = project();
    edit(p, (s) => (s.nodes.Doc.properties.k = 'INT64'));
    const killed = runCli(['apply', '--auto-approve', '-c', p.yaml], { env: { KUZU_MIGRATE_FAULT: point } });
    expect(killed.status).not.toBe(0);
    expect(cli(p, 'recover').status).toBe(0);
    const k = String((await q(p.db, "CALL table_info('Doc') WHERE name = 'k' RETURN type"))[0]['type']);
    expect(k).toBe(point === 'after_swap' ? 'INT64' : 'INT32');
    expect(await indexNames(p.db)).toEqual(['doc_fts', 'doc_vec']);
    await expectIndexesAnswer(p.db);
    expect(fs.readdirSync(path.dirname(p.db)).filter((f) => f.startsWith('_km_') || f.startsWith('._km_'))).toEqual([]);
  }, 90_000);

  // One kill point per index case (the crash-safety matrix covers the timings): after recover the
  // database is the old one or the new one, and its indexes answer. (Applying each change to the
  // end, then an empty plan, is the test above.)
  it.each<[string, string, 'old' | 'new', (s: any) => void, string[]]>([
    ['a property dropped next to an index (in place)', 'in_transaction', 'old', (s) => delete s.nodes.Doc.properties.note, ['doc_fts', 'doc_vec']],
    ['an index added', 'after_swap', 'new', (s) => (s.nodes.Doc.indexes.doc_fts2 = { type: 'fts', properties: ['body'], stemmer: 'porter' }), ['doc_fts', 'doc_fts2', 'doc_vec']],
    ['an index changed (options)', 'before_swap', 'old', (s) => (s.nodes.Doc.indexes.doc_vec.efc = 24), ['doc_fts', 'doc_vec']],
    ['an index dropped', 'after_swap', 'new', (s) => delete s.nodes.Doc.indexes.doc_fts, ['doc_vec']],
  ])('SIGKILL: %s, killed at %s, leaves the %s database', async (name, point, expected, change, indexes) => {
    const p = project(smallTemplate);
    const before = await indexNames(p.db);
    edit(p, change);
    const killed = runCli(['apply', '--auto-approve', '--allow-same-version', '--allow-drops-on-first-run', '--allow-destructive=Doc.note', '-c', p.yaml], { env: { KUZU_MIGRATE_FAULT: point } });
    expect(killed.status).not.toBe(0);
    expect(cli(p, 'recover').status).toBe(0);
    const now = await indexNames(p.db);
    expect(now).toEqual(expected === 'old' ? before : indexes);
    const note = await q(p.db, "CALL table_info('Doc') WHERE name = 'note' RETURN name");
    expect(note).toHaveLength(name.startsWith('a property dropped') && expected === 'new' ? 0 : 1);
    const def = String((await q(p.db, "CALL SHOW_INDEXES() WHERE index_name = 'doc_vec' RETURN index_definition"))[0]['index_definition']);
    expect(def).toContain(name === 'an index changed (options)' && expected === 'new' ? 'efc := 24' : 'efc := 16');
    if (now.includes('doc_fts')) await expectIndexesAnswer(p.db);
    else expectNearTarget(await nearest(p.db));
    if (now.includes('doc_fts2')) expect((await q(p.db, "CALL QUERY_FTS_INDEX('Doc', 'doc_fts2', 'zebras') RETURN node.id AS id")).map((r) => Number(r['id']))).toEqual([TARGET]);
  }, 90_000);
});

describe('LadybugDB: sequences and macros, indexes refused', () => {
  const ENGINES_DIR = process.env.KUZU_MIGRATE_ENGINES_DIR ?? path.join(REPO_ROOT, '.engines');
  const LADYBUG = findRelease('ladybug')!;
  let ladybugPath = '';
  beforeAll(async () => {
    ladybugPath = await ensureEngine(LADYBUG, { dir: ENGINES_DIR });
  }, 15 * 60_000);

  /** Statements on a LadybugDB database, in a LadybugDB worker process (one native engine per process). */
  async function lbug(db: string, ...statements: string[]): Promise<Record<string, unknown>[]> {
    return withEngineProcess(LADYBUG, ladybugPath, db, {}, async (p) => {
      let rows: Record<string, unknown>[] = [];
      for (const s of statements) rows = await p.query(s);
      return rows;
    });
  }

  it('a sequence keeps its position and a macro survives the export rewrite; an index is refused before anything is written', async () => {
    const dir = tempDir('km-objects-lbug-');
    const p: Proj = { dir, yaml: path.join(dir, 'kuzu-migrate.yaml'), db: path.join(dir, 'db', 'graph.lbug') };
    const doc = (k: string, extra: Record<string, unknown> = {}) => ({
      version: 'v1.0.0',
      engine: 'ladybug',
      database: './db/graph.lbug',
      create: true,
      schema: {
        nodes: { Doc: { primary_key: 'id', properties: { id: 'INT64', body: 'STRING', k }, ...extra } },
        sequences: { order_no: { start: 100 } },
        macros: { addOne: { parameters: ['x'], body: 'x + 1' } },
      },
    });
    fs.writeFileSync(p.yaml, stringify(doc('INT32')));
    applyOk(p);
    const used = await lbug(p.db, "CREATE (:Doc {id: 1, body: 'zebra', k: 1})", "RETURN nextval('order_no') AS v", "RETURN nextval('order_no') AS v");
    expect(Number(used[0]['v'])).toBe(101);
    expectPlanEmptyCli(p);

    fs.writeFileSync(p.yaml, stringify(doc('INT64')));
    const plan = JSON.parse(cli(p, 'plan', '--format', 'json').stdout);
    expect(plan.rewrite_strategy).toBe('export');
    applyOk(p);
    expectPlanEmptyCli(p);
    const after = await lbug(p.db, "RETURN nextval('order_no') AS v, addOne(41) AS m");
    expect([Number(after[0]['v']), Number(after[0]['m'])]).toEqual([102, 42]);

    fs.writeFileSync(p.yaml, stringify(doc('INT64', { indexes: { doc_fts: { type: 'fts', properties: ['body'] } } })));
    const before = fs.readFileSync(p.db);
    const r = cli(p, 'apply', '--auto-approve', '--allow-same-version');
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/no built-in FTS or vector indexes.*doc_fts/);
    expect(fs.readFileSync(p.db).equals(before)).toBe(true);
  }, 120_000);
});

/**
 * Fixed examples from the failing seeds of test/integration/whole-db-property.test.ts (issue 9:
 * "failing seeds found while building it become fixed example tests"), judged by the canonical dump
 * read in Kuzu (test/helpers/canonical.ts). The seed each came from is named in the test.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { applyMigration, exportSnapshot, importSnapshot, introspectDatabase, KuzuMigrateError, loadConfig, schemaToYaml } from '../../src/index';
import { dumpDatabase } from '../helpers/canonical';
import { makeDatabase, tempDir } from '../helpers/db';
import { parse } from 'yaml';

/** Seed 3's values of the rel column (Cypher expressions, as generated). */
const CASES = "WHEN 0 THEN CAST({a: CAST(map(CAST([CAST('7870-03-03' AS DATE), CAST('3770-11-06' AS DATE), CAST('3290-09-10' AS DATE)] AS DATE[]), CAST([CAST('2.3743890573138155e+260' AS DOUBLE), CAST('-0.0' AS DOUBLE), CAST('6.669380696111282e-18' AS DOUBLE)] AS DOUBLE[])) AS MAP(DATE, DOUBLE)), Zz: CAST(union_value(s := ';\n=') AS UNION(s STRING, i INT64)), b: CAST(NULL AS STRUCT(a UINT64, b MAP(STRING, DECIMAL(16, 12))))} AS STRUCT(a MAP(DATE, DOUBLE), Zz UNION(s STRING, i INT64), b STRUCT(a UINT64, b MAP(STRING, DECIMAL(16, 12))))) WHEN 1 THEN CAST({a: CAST(map(CAST([] AS DATE[]), CAST([] AS DOUBLE[])) AS MAP(DATE, DOUBLE)), Zz: CAST(union_value(i := CAST(NULL AS INT64)) AS UNION(s STRING, i INT64)), b: CAST({a: CAST('0' AS UINT64), b: CAST(map(CAST(['0'] AS STRING[]), CAST([CAST('0.000000000001' AS DECIMAL(16, 12))] AS DECIMAL(16, 12)[])) AS MAP(STRING, DECIMAL(16, 12)))} AS STRUCT(a UINT64, b MAP(STRING, DECIMAL(16, 12))))} AS STRUCT(a MAP(DATE, DOUBLE), Zz UNION(s STRING, i INT64), b STRUCT(a UINT64, b MAP(STRING, DECIMAL(16, 12))))) WHEN 2 THEN CAST({a: CAST(map(CAST([CAST('7936-04-01' AS DATE)] AS DATE[]), CAST([CAST('-7e-323' AS DOUBLE)] AS DOUBLE[])) AS MAP(DATE, DOUBLE)), Zz: CAST(union_value(s := ')a\r}\ud83d\ude00Z]') AS UNION(s STRING, i INT64)), b: CAST(NULL AS STRUCT(a UINT64, b MAP(STRING, DECIMAL(16, 12))))} AS STRUCT(a MAP(DATE, DOUBLE), Zz UNION(s STRING, i INT64), b STRUCT(a UINT64, b MAP(STRING, DECIMAL(16, 12))))) WHEN 3 THEN CAST({a: CAST(map(CAST([] AS DATE[]), CAST([] AS DOUBLE[])) AS MAP(DATE, DOUBLE)), Zz: CAST(union_value(s := '') AS UNION(s STRING, i INT64)), b: CAST(NULL AS STRUCT(a UINT64, b MAP(STRING, DECIMAL(16, 12))))} AS STRUCT(a MAP(DATE, DOUBLE), Zz UNION(s STRING, i INT64), b STRUCT(a UINT64, b MAP(STRING, DECIMAL(16, 12))))) WHEN 4 THEN CAST({a: CAST(NULL AS MAP(DATE, DOUBLE)), Zz: CAST(NULL AS UNION(s STRING, i INT64)), b: CAST(NULL AS STRUCT(a UINT64, b MAP(STRING, DECIMAL(16, 12))))} AS STRUCT(a MAP(DATE, DOUBLE), Zz UNION(s STRING, i INT64), b STRUCT(a UINT64, b MAP(STRING, DECIMAL(16, 12)))))";

async function project(setup: Parameters<typeof makeDatabase>[1]): Promise<{ dir: string; db: string; yaml: string }> {
  const dir = tempDir('km-seeds-');
  const db = path.join(dir, 'db.kuzu');
  await makeDatabase(db, setup);
  const yaml = path.join(dir, 'kuzu-migrate.yaml');
  fs.writeFileSync(yaml, schemaToYaml(await introspectDatabase(db), { version: 'v1.0.0', database: './db.kuzu', migrations: './migrations', backups: './backups' }));
  return { dir, db, yaml };
}

async function refusal(p: Promise<unknown>): Promise<KuzuMigrateError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof KuzuMigrateError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

test('seed 1: a BLOB[][2][] column with two 4,097-element lists is refused before writing (it crashed Kuzu with a segfault)', async () => {
  const p = await project(async (e) => {
    await e.query('CREATE NODE TABLE T(id INT64 PRIMARY KEY, c BLOB[][2][])');
    await e.query("UNWIND range(0, 4199) AS i CREATE (:T {id: i, c: CASE i % 2 WHEN 0 THEN [[[BLOB('a')], CAST(NULL AS BLOB[])]] ELSE NULL END})");
    await e.query("MATCH (n:T) WHERE n.id IN [4093, 4094] SET n.c = CAST(list_transform(range(0, 4096), _k -> [[BLOB('\\\\x00')], CAST([] AS BLOB[])]) AS BLOB[][2][])");
  });
  const err = await refusal(exportSnapshot(loadConfig(p.yaml), { version: 'v1.0.1', format: 'csv' }));
  expect(err.code).toBe('E_UNEXPORTABLE');
  expect(err.message).toMatch(/^cannot export T\.c \(row with key 409[34]\): \d+ BLOB\[\]\[2\]\[\] elements in one batch of 2048 rows/);
  expect(err.hints.join('\n')).toMatch(/--format parquet/);
  expect(fs.existsSync(path.join(p.dir, 'migrations', 'v1.0.1'))).toBe(false);
  // Parquet keeps lists of plain values natively: the same column exports and imports exactly.
  await exportSnapshot(loadConfig(p.yaml), { version: 'v1.0.2', format: 'parquet' });
  const target = path.join(p.dir, 'restored.kuzu');
  await importSnapshot(loadConfig(p.yaml), { version: 'v1.0.2', database: target });
  expect(await dumpDatabase(target)).toEqual(await dumpDatabase(p.db));
}, 120_000);

test("seed 1: map values ', a', '}' and '' are carried (they were refused as NULL map values)", async () => {
  // (A MAP(STRING, STRING)[] column took 84 s to COPY for two rows here: the codec's expression for a
  // map inside a list binds very slowly; reported with issue 9, not covered by this example.)
  const p = await project(async (e) => {
    await e.query('CREATE NODE TABLE T(id INT64 PRIMARY KEY, n MAP(INT64, STRING))');
    await e.query("CREATE (:T {id: 1, n: map([1, 2, 3], ['', 'x=, y', '}'])})");
    await e.query("CREATE (:T {id: 2, n: map([3], [', a'])})");
  });
  const want = await dumpDatabase(p.db);
  for (const [format, version] of [['parquet', 'v1.0.2']] as const) {
    await exportSnapshot(loadConfig(p.yaml), { version, format });
    const target = path.join(p.dir, `restored-${format}.kuzu`);
    await importSnapshot(loadConfig(p.yaml), { version, database: target });
    expect({ format, ...(await dumpDatabase(target)) }).toEqual({ format, ...want });
  }
  // A NULL map value, also inside a list of maps, is still refused (map_values() reads it as '').
  const q = await project(async (e) => {
    await e.query('CREATE NODE TABLE T(id INT64 PRIMARY KEY, m MAP(STRING, STRING)[])');
    await e.query("CREATE (:T {id: 7, m: [map(['k', 'j'], [NULL, 'x'])]})");
  });
  const err = await refusal(exportSnapshot(loadConfig(q.yaml), { version: 'v1.0.1', format: 'parquet' }));
  expect(err.message).toMatch(/^cannot export T\.m \(row with key 7\): 1 row holds a map with a NULL value/);
}, 120_000);

test('seed 2: a UNION column beside NULL unions is refused by export and by the export strategy (Kuzu decodes it wrongly), nothing written; a transaction rewrite keeps it', async () => {
  const p = await project(async (e) => {
    await e.query('CREATE NODE TABLE N(id INT64 PRIMARY KEY, u UNION(b BOOL), r INT32)');
    await e.query('UNWIND range(0, 4199) AS i CREATE (:N {id: i, r: i, u: CASE WHEN i % 3 = 1 THEN CAST(union_value(b := true) AS UNION(b BOOL)) WHEN i % 3 = 2 THEN CAST(union_value(b := CAST(NULL AS BOOL)) AS UNION(b BOOL)) ELSE NULL END})');
  });
  const want = await dumpDatabase(p.db);
  for (const format of ['csv', 'parquet'] as const) {
    const err = await refusal(exportSnapshot(loadConfig(p.yaml), { version: 'v1.0.1', format }));
    expect(err.code).toBe('E_UNRESTORABLE');
    expect(err.message).toMatch(/^cannot export N\.u \(row with key \d+\): the written file does not load back/);
    expect(fs.existsSync(path.join(p.dir, 'migrations', 'v1.0.1'))).toBe(false);
  }
  // The transaction strategy copies inside Kuzu (no file): the unions survive a retype of r.
  const doc = parse(fs.readFileSync(p.yaml, 'utf8'));
  doc.schema.nodes.N.properties.r = 'INT64';
  doc.version = 'v1.1.0';
  fs.writeFileSync(p.yaml, stringify(doc));
  // The export strategy exports without the proof; its load verification fails and the proof,
  // run then, refuses as export does (same code, table, property and row), the database unchanged.
  const viaExport = await refusal(applyMigration(loadConfig(p.yaml), { rewriteStrategy: 'export' }));
  expect(viaExport.code).toBe('E_UNRESTORABLE');
  expect(viaExport.message).toMatch(/^cannot export N\.u \(row with key \d+\): the written file does not load back/);
  expect(await dumpDatabase(p.db)).toEqual(want);
  expect((await applyMigration(loadConfig(p.yaml), { rewriteStrategy: 'transaction' })).status).toBe('applied');
  const got = await dumpDatabase(p.db);
  expect(got.content).toEqual(want.content);
}, 180_000);

test('seed 3: a rel column STRUCT(a MAP, Zz UNION, b STRUCT(.., MAP)) survives a transaction rewrite (its verification failed: hash() reads slots under NULL fields)', async () => {
  const T = "STRUCT(a MAP(DATE, DOUBLE), Zz UNION(s STRING, i INT64), b STRUCT(a UINT64, b MAP(STRING, DECIMAL(16, 12))))";
  const p = await project(async (e) => {
    await e.query('CREATE NODE TABLE N(id INT64 PRIMARY KEY, r INT32)');
    await e.query('UNWIND range(0, 4199) AS i CREATE (:N {id: i, r: i})');
    await e.query(`CREATE REL TABLE R(FROM N TO N, \`w x\` ${T})`);
    // The five values seed 3 generated, and NULL, over 4,200 edges.
    await e.query(`UNWIND range(0, 4199) AS i MATCH (a:N {id: i}), (b:N {id: (i * 7 + 1) % 4200}) CREATE (a)-[:R {\`w x\`: CASE i % 6 ${CASES} ELSE CAST(NULL AS ${T}) END}]->(b)`);
  });
  const want = await dumpDatabase(p.db);
  const doc = parse(fs.readFileSync(p.yaml, 'utf8'));
  doc.schema.nodes.N.properties.r = 'INT64';
  doc.version = 'v1.1.0';
  fs.writeFileSync(p.yaml, stringify(doc));
  expect((await applyMigration(loadConfig(p.yaml), { rewriteStrategy: 'transaction' })).status).toBe('applied');
  expect((await dumpDatabase(p.db)).content).toEqual(want.content);
}, 120_000);

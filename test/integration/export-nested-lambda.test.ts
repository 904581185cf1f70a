/**
 * Export's guard against list lambdas past Kuzu's vector size counts nested collections, not only
 * the outermost ones. A STRUCT(b INT64[])[] column of 5,000 rows, each one struct whose list holds
 * a NULL and two more values, has 2,048 outer elements per batch (within the guard's old count) but
 * 6,144 inner ones: the codec's inner lambda segfaulted Kuzu 0.11.3 in both formats (the whole
 * process died, exit 139). The same type with its lists on a quarter of the rows (1,536 inner
 * elements per batch) must still export and import exactly, judged in Kuzu.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { applyMigration, exportSnapshot, importSnapshot, introspectDatabase, KuzuMigrateError, loadConfig, schemaToYaml } from '../../src/index';
import { dumpDatabase } from '../helpers/canonical';
import { makeDatabase, tempDir } from '../helpers/db';

async function project(rows: string, type = 'STRUCT(b INT64[])[]'): Promise<{ dir: string; db: string; yaml: string }> {
  const dir = tempDir('km-nested-lambda-');
  const db = path.join(dir, 'db.kuzu');
  await makeDatabase(db, async (e) => {
    await e.query(`CREATE NODE TABLE T(id INT64 PRIMARY KEY, x ${type}, r INT32)`);
    await e.query(`UNWIND range(0, 4999) AS i CREATE (:T {id: i, x: ${rows}, r: i})`);
  });
  const yaml = path.join(dir, 'kuzu-migrate.yaml');
  fs.writeFileSync(yaml, schemaToYaml(await introspectDatabase(db), { version: 'v1.0.0', database: './db.kuzu', migrations: './migrations', backups: './backups' }));
  return { dir, db, yaml };
}

test('nested lists past 2,048 elements per batch are refused in both formats, naming table, column and depth; nothing written', async () => {
  const p = await project('[{b: [i, NULL, i + 1]}]');
  for (const [format, version] of [['csv', 'v1.0.1'], ['parquet', 'v1.0.2']] as const) {
    const err = await exportSnapshot(loadConfig(p.yaml), { version, format }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KuzuMigrateError);
    expect((err as KuzuMigrateError).code).toBe('E_UNEXPORTABLE');
    expect((err as KuzuMigrateError).message).toMatch(/^cannot export T\.x \(row with key \d+\): 6144 STRUCT\(b INT64\[\]\)\[\] nested \(depth 1\) elements in one batch of 2048 rows/);
    expect(fs.existsSync(path.join(p.dir, 'migrations', version))).toBe(false);
  }
}, 60_000);

test('nested lists within 2,048 elements per batch export and import exactly across batches (csv)', async () => {
  const p = await project('CASE WHEN i % 4 = 1 THEN [{b: [i, NULL, i + 1]}, NULL] WHEN i % 4 = 2 THEN CAST([] AS STRUCT(b INT64[])[]) ELSE NULL END');
  await exportSnapshot(loadConfig(p.yaml), { version: 'v1.0.1', format: 'csv' });
  const target = path.join(p.dir, 'restored.kuzu');
  await importSnapshot(loadConfig(p.yaml), { version: 'v1.0.1', database: target });
  expect(await dumpDatabase(target)).toEqual(await dumpDatabase(p.db));
}, 60_000);

test('a STRUCT(b INT64[]) column with NULL structs past row 2,048 round-trips in both formats and through the export strategy (before 932607f Kuzu wrote NULL list elements as "=" there and export died with a raw cast error)', async () => {
  const p = await project("CASE WHEN i % 23 = 0 THEN NULL ELSE {b: CASE i % 3 WHEN 0 THEN CAST([] AS INT64[]) WHEN 1 THEN [i] ELSE [NULL] END} END", 'STRUCT(b INT64[])');
  const want = await dumpDatabase(p.db);
  for (const [format, version] of [['csv', 'v1.0.1'], ['parquet', 'v1.0.2']] as const) {
    await exportSnapshot(loadConfig(p.yaml), { version, format });
    const target = path.join(p.dir, `restored-${format}.kuzu`);
    await importSnapshot(loadConfig(p.yaml), { version, database: target });
    expect({ format, ...(await dumpDatabase(target)) }).toEqual({ format, ...want });
  }
  const doc = parse(fs.readFileSync(p.yaml, 'utf8'));
  doc.schema.nodes.T.properties.r = 'INT64';
  doc.version = 'v1.1.0';
  fs.writeFileSync(p.yaml, stringify(doc));
  expect((await applyMigration(loadConfig(p.yaml), { rewriteStrategy: 'export' })).status).toBe('applied');
  expect((await dumpDatabase(p.db)).content).toEqual(want.content);
}, 60_000);

test("a CSV file with lambda-decoded columns is read by one thread: Kuzu's parallel reader segfaulted on one within 2,048 elements per batch", async () => {
  // 740 KB of CSV: a padded STRING beside a STRUCT(s STRING, y DOUBLE)[] holding 3 elements on a
  // quarter of the rows (1,536 per batch). With the parallel CSV reader the proof's LOAD crashed
  // the process (exit 139); a small file of the same column did not.
  const dir = tempDir('km-nested-lambda-');
  const db = path.join(dir, 'db.kuzu');
  await makeDatabase(db, async (e) => {
    await e.query('CREATE NODE TABLE T(id INT64 PRIMARY KEY, pad STRING, x STRUCT(s STRING, y DOUBLE)[])');
    await e.query('UNWIND range(0, 4999) AS i CREATE (:T {id: i, pad: concat(CAST(range(1, 40) AS STRING), CAST(i AS STRING)), x: CASE WHEN i % 4 = 1 THEN [{s: \'a\', y: i / 7.0}, NULL, {s: CAST(NULL AS STRING), y: CAST(NULL AS DOUBLE)}] ELSE NULL END})');
  });
  const yaml = path.join(dir, 'kuzu-migrate.yaml');
  fs.writeFileSync(yaml, schemaToYaml(await introspectDatabase(db), { version: 'v1.0.0', database: './db.kuzu', migrations: './migrations', backups: './backups' }));
  await exportSnapshot(loadConfig(yaml), { version: 'v1.0.1', format: 'csv' });
  const target = path.join(dir, 'restored.kuzu');
  await importSnapshot(loadConfig(yaml), { version: 'v1.0.1', database: target });
  expect(await dumpDatabase(target)).toEqual(await dumpDatabase(db));
}, 60_000);

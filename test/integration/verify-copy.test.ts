/**
 * The rebuild's content verification (kuzu/fingerprint.ts verifyCopy, the function apply's
 * verifyRebuilt calls for every rebuilt table) on a real Kuzu database: an exact copy passes,
 * and a copy with ONE value changed, lost (row deleted), turned NULL, or moved to another row
 * (two rows' values swapped: every column's multiset of values is unchanged) is caught, with the
 * property named by the per-property drill-down. Since issue 14 the fast path is one whole-row
 * hash per row; these cases prove it was not weakened to counts or samples. 5,000 rows (past
 * 2 × 2,048, Kuzu's vector size); the tampered row sits in the third vector. Also: the digest
 * entry the verification yields equals the one recovery computes from the file (rowFingerprintTable),
 * and NULL STRUCTs written by CREATE and by COPY do not differ (kuzu-notes §6).
 */
import * as path from 'node:path';
import { KuzuEngine } from '../../src/kuzu/engine';
import { CopySide, ROW_COLUMN, rowFingerprintTable, RowColumn, verifyCopy } from '../../src/kuzu/fingerprint';
import { introspect } from '../../src/kuzu/introspect';
import { tempDir } from '../helpers/db';

const ROWS = 5000;
const TAMPERED = 4502; // in the third vector of 2,048; it and the next row have no NULLs

let engine: KuzuEngine;

const COLS: { name: string; type: string }[] = [
  { name: 'id', type: 'INT64' },
  { name: 'a', type: 'INT64' },
  { name: 's', type: 'STRING' },
  { name: 'st', type: 'STRUCT(x INT64, y STRING)' },
  { name: 'l', type: 'INT64[]' },
];

function side(table: string): CopySide {
  const columns: RowColumn[] = COLS.map((c) => ({ name: c.name, expr: `n.${c.name}`, type: c.type }));
  return { match: `MATCH (n:${table})`, keys: ['n.id'], columns };
}

/** A copy of Old (by COPY, as a rebuild makes it), then `tamper` statements on it. */
async function copyOf(name: string, ...tamper: string[]): Promise<void> {
  await engine.query(`CREATE NODE TABLE ${name}(id INT64, a INT64, s STRING, st STRUCT(x INT64, y STRING), l INT64[], PRIMARY KEY(id))`);
  await engine.query(`COPY ${name} FROM (MATCH (n:Old) RETURN n.id, n.a, n.s, n.st, n.l)`);
  for (const t of tamper) await engine.query(t);
}

beforeAll(async () => {
  engine = await KuzuEngine.open(path.join(tempDir('km-verify-copy-'), 'v.kuzu'));
  await engine.query('CREATE NODE TABLE Old(id INT64, a INT64, s STRING, st STRUCT(x INT64, y STRING), l INT64[], PRIMARY KEY(id))');
  // Every 7th row has NULLs (a NULL STRUCT included); values repeat across rows (i % 100), so a
  // swap of two rows' values keeps every column's multiset.
  await engine.query(
    `COPY Old FROM (UNWIND range(0, ${ROWS - 2}) AS i RETURN i, CASE WHEN i % 7 = 0 THEN NULL ELSE i % 100 END, concat('v', CAST(i % 100 AS STRING)), ` +
      `CASE WHEN i % 7 = 0 THEN NULL ELSE {x: i % 100, y: 'y'} END, [i % 100, 1])`,
  );
  // One row written by CREATE with a NULL STRUCT: the copy holds it as written by COPY.
  await engine.query(`CREATE (:Old {id: ${ROWS - 1}, a: 1, s: 'c', l: [1]})`);
});

afterAll(async () => {
  await engine.close();
});

test('an exact copy passes, and its whole-row fingerprint is the digest recovery computes from the table', async () => {
  await copyOf('Same');
  const r = await verifyCopy(engine, 'Same', side('Old'), side('Same'), side('Same').columns);
  expect(r.problems).toEqual([]);
  expect(r.rows).toBe(ROWS);
  const schema = (await introspect(engine)).schema;
  const digest = await rowFingerprintTable(engine, schema.nodes.find((t) => t.name === 'Same')!, schema);
  expect(digest.rows).toBe(ROWS);
  expect(digest.properties[ROW_COLUMN].hash).toBe(r.hash);
});

test.each([
  ['a changed value', [`MATCH (n:T) WHERE n.id = ${TAMPERED} SET n.a = n.a + 1`], /T\.a: content differs/],
  ['a changed value inside a struct', [`MATCH (n:T) WHERE n.id = ${TAMPERED} SET n.st = {x: 1000, y: 'y'}`], /T\.st: content differs/],
  ['a changed list element', [`MATCH (n:T) WHERE n.id = ${TAMPERED} SET n.l = [1000, 1]`], /T\.l: content differs/],
  ['a value turned NULL', [`MATCH (n:T) WHERE n.id = ${TAMPERED} SET n.s = NULL`], /T\.s: 4999 non-NULL values after, 5000 before/],
  ['a lost row', [`MATCH (n:T) WHERE n.id = ${TAMPERED} DELETE n`], /T: 4999 rows after, 5000 before/],
  [
    'values moved between rows (swapped, multisets unchanged)',
    [`MATCH (n:T) WHERE n.id = ${TAMPERED} SET n.a = ${(TAMPERED + 1) % 100}`, `MATCH (n:T) WHERE n.id = ${TAMPERED + 1} SET n.a = ${TAMPERED % 100}`],
    /T\.a: content differs/,
  ],
])('%s is caught and the property named', async (what, tamper, expected) => {
  const name = `T${what.replace(/[^a-z]/gi, '').slice(0, 20)}`;
  await copyOf(name, ...tamper.map((t) => t.replace(/\(n:T\)/g, `(n:${name})`)));
  const r = await verifyCopy(engine, 'T', side('Old'), side(name));
  expect(r.problems.join('\n')).toMatch(expected);
});

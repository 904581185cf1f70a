/**
 * Property-based test (fast-check) of issue 9's promise for values: a snapshot either restores
 * every value exactly or is refused before anything is written — never a silent difference.
 *
 * Generated: a column type from core/types' grammar (INT64, INT32, INT128, DOUBLE, STRING, BOOL,
 * DATE, UUID inside LIST, ARRAY, STRUCT and MAP, nested to depth 3), values with NULLs at every
 * level, empty lists and, for lists of plain values, one row holding 4,096 elements. A table of
 * 4,200 rows (past 2 × 2,048) is filled cheaply inside Kuzu from two generated values, and the
 * generated edge values are placed at rows 2,047 / 2,048 / 4,095 / 4,096. Then export csv → import
 * and export parquet → import, judged in Kuzu: sum(hash({k, v})) and the count of NULLs.
 *
 * Not covered here (see the report of issue 9): the rewrite strategies, rollback, init → plan,
 * odd identifiers, catalog objects.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { KuzuMigrateError } from '../../src/core/errors';
import { withEngine } from '../../src/kuzu/engine';
import { exportSnapshot } from '../../src/snapshot/export';
import { importSnapshot } from '../../src/snapshot/import';
import { cypherString } from '../../src/core/identifiers';
import { makeDatabase, snapshotTestConfig, tempDir } from '../helpers/db';

type T =
  | { k: 'leaf'; name: 'INT64' | 'INT32' | 'INT128' | 'DOUBLE' | 'STRING' | 'BOOL' | 'DATE' | 'UUID' }
  | { k: 'list'; el: T }
  | { k: 'array'; el: T; n: number }
  | { k: 'struct'; fields: [string, T][] }
  | { k: 'map'; key: 'STRING' | 'INT64'; value: T };

function render(t: T): string {
  switch (t.k) {
    case 'leaf':
      return t.name;
    case 'list':
      return `${render(t.el)}[]`;
    case 'array':
      return `${render(t.el)}[${t.n}]`;
    case 'struct':
      return `STRUCT(${t.fields.map(([n, f]) => `${n} ${render(f)}`).join(', ')})`;
    case 'map':
      return `MAP(${t.key}, ${render(t.value)})`;
  }
}

const leaf = fc.constantFrom('INT64', 'INT32', 'INT128', 'DOUBLE', 'STRING', 'BOOL', 'DATE', 'UUID').map((name) => ({ k: 'leaf', name }) as T);
const typeArb: fc.Arbitrary<T> = fc.letrec<{ t: T }>((tie) => ({
  t: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'type' },
    leaf,
    tie('t').map((el) => ({ k: 'list', el }) as T),
    fc.tuple(tie('t'), fc.integer({ min: 1, max: 3 })).map(([el, n]) => ({ k: 'array', el, n }) as T),
    fc.uniqueArray(fc.tuple(fc.constantFrom('a', 'b', 'c', 'x_1'), tie('t')), { minLength: 1, maxLength: 2, selector: (f) => f[0] }).map((fields) => ({ k: 'struct', fields }) as T),
    fc.tuple(fc.constantFrom('STRING', 'INT64'), tie('t')).map(([key, value]) => ({ k: 'map', key, value }) as T),
  ),
})).t;

const INT64_MAX = (1n << 63n) - 1n;
/** A Cypher expression of a value of type `t` (always CAST to `t`), NULL possible at every level. */
function valueArb(t: T, depth = 0): fc.Arbitrary<string> {
  const cast = (a: fc.Arbitrary<string>) => a.map((v) => `CAST(${v} AS ${render(t)})`);
  const nullable = (a: fc.Arbitrary<string>) => fc.oneof({ weight: 1, arbitrary: fc.constant(`CAST(NULL AS ${render(t)})`) }, { weight: 5, arbitrary: a });
  switch (t.k) {
    case 'leaf': {
      const byName: Record<string, fc.Arbitrary<string>> = {
        INT64: fc.bigInt(-INT64_MAX - 1n, INT64_MAX).map((n) => cypherString(n.toString())),
        INT32: fc.integer().map((n) => String(n)),
        // INT128's minimum is refused by export (kuzu-notes §3): kept out of the values, not the type.
        INT128: fc.bigInt(-(1n << 127n) + 1n, (1n << 127n) - 1n).map((n) => cypherString(n.toString())),
        DOUBLE: fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => cypherString(Object.is(d, -0) ? '-0.0' : String(d))),
        STRING: fc.string({ maxLength: 12 }).map(cypherString),
        BOOL: fc.boolean().map(String),
        DATE: fc.date({ min: new Date('1900-01-01'), max: new Date('2200-12-31'), noInvalidDate: true }).map((d) => cypherString(d.toISOString().slice(0, 10))),
        UUID: fc.uuid().map(cypherString),
      };
      return nullable(cast(byName[t.name]));
    }
    case 'list':
      return nullable(cast(fc.array(valueArb(t.el, depth + 1), { maxLength: 3 }).map((vs) => (vs.length ? `[${vs.join(', ')}]` : `CAST([] AS ${render(t)})`))));
    case 'array':
      return nullable(cast(fc.array(valueArb(t.el, depth + 1), { minLength: t.n, maxLength: t.n }).map((vs) => `[${vs.join(', ')}]`)));
    case 'struct':
      return nullable(cast(fc.tuple(...t.fields.map(([, f]) => valueArb(f, depth + 1))).map((vs) => `{${t.fields.map(([n], i) => `${n}: ${vs[i]}`).join(', ')}}`)));
    case 'map': {
      const key = t.key === 'STRING' ? fc.string({ minLength: 1, maxLength: 6 }) : fc.integer({ min: -1000, max: 1000 }).map(String);
      return nullable(
        cast(
          fc.uniqueArray(fc.tuple(key, valueArb(t.value, depth + 1)), { maxLength: 3, selector: (e) => e[0] }).map((es) =>
            es.length === 0
              ? `map(CAST([] AS ${t.key}[]), CAST([] AS ${render(t.value)}[]))`
              : `map([${es.map(([k]) => (t.key === 'STRING' ? cypherString(k) : `CAST(${k} AS INT64)`)).join(', ')}], [${es.map(([, v]) => v).join(', ')}])`,
          ),
        ),
      );
    }
  }
}

/** A list of 4,096 plain elements for LIST(INT64/INT32/DOUBLE/STRING) columns, else null. */
function longList(t: T): string | null {
  if (t.k !== 'list' || t.el.k !== 'leaf') return null;
  const el = t.el.name;
  if (el === 'STRING') return `list_transform(range(1, 4096), k -> CAST(k AS STRING))`;
  if (el === 'INT64' || el === 'INT32' || el === 'DOUBLE') return `CAST(range(1, 4096) AS ${render(t)})`;
  return null;
}

const ROWS = 4200;
/**
 * Fixed, so a run is reproducible and CI does not depend on luck; KM_PROPERTY_SEED explores others
 * (seeds 101–1212 were run on 2026-11-30: 404 and 303 found the untyped NULL of the quoted
 * decoder, 707 a Kuzu segfault without the encoder's lets, INT64[2][2]). Written to stderr before
 * anything runs: a crash of Kuzu kills the jest worker, and fast-check's own report with it.
 */
const SEED = process.env.KM_PROPERTY_SEED ? Number(process.env.KM_PROPERTY_SEED) : 707;
process.stderr.write(`values-property: seed ${SEED} (replay with KM_PROPERTY_SEED=${SEED})\n`);
const EDGE_ROWS = [2047, 2048, 4095, 4096];


const JUDGE = 'MATCH (n:T) RETURN count(*) AS rows, CAST(sum(CASE WHEN n.c IS NULL THEN CAST(0 AS UINT64) ELSE hash({k: n.id, v: n.c}) END) AS STRING) AS h, sum(CASE WHEN n.c IS NULL THEN 1 ELSE 0 END) AS nulls';

async function judge(db: string): Promise<Record<string, unknown>> {
  return withEngine(db, { readOnly: true }, async (e) => (await e.query(JUDGE))[0]);
}

const outcomes: string[] = [];

test('every generated column survives export csv/parquet → import, or export refuses it before writing', async () => {
  await fc.assert(
    fc.asyncProperty(
      typeArb.chain((t) => fc.record({ t: fc.constant(t), fill: fc.tuple(valueArb(t), valueArb(t)), edges: fc.array(valueArb(t), { minLength: 4, maxLength: 4 }) })),
      async ({ t, fill, edges }) => {
        const dir = tempDir('km-prop-');
        const db = path.join(dir, 'db.kuzu');
        const type = render(t);
        // Each stage on stderr before it runs: a Kuzu crash kills the worker with no other report.
        const trace = (stage: string) => process.env['KM_PROPERTY_TRACE'] && process.stderr.write(`values-property: ${type}: ${stage}\n`);
        trace('build');
        await makeDatabase(db, async (e) => {
          await e.query(`CREATE NODE TABLE T(id INT64 PRIMARY KEY, c ${type})`);
          await e.query(`UNWIND range(0, ${ROWS - 1}) AS i CREATE (:T {id: i, c: CASE i % 3 WHEN 0 THEN ${fill[0]} WHEN 1 THEN ${fill[1]} ELSE CAST(NULL AS ${type}) END})`);
          for (let j = 0; j < EDGE_ROWS.length; j++) await e.query(`MATCH (n:T {id: ${EDGE_ROWS[j]}}) SET n.c = ${edges[j]}`);
          const long = longList(t);
          if (long) await e.query(`MATCH (n:T {id: 4094}) SET n.c = ${long}`);
        });
        const want = await judge(db);
        const cfg = snapshotTestConfig(dir, db);
        for (const [format, version] of [['csv', 'v1.0.1'], ['parquet', 'v1.0.2']] as const) {
          try {
            trace(`export ${format}`);
            await exportSnapshot(cfg, { version, format });
          } catch (err) {
            // The only acceptable failure: a documented refusal, with nothing left behind.
            expect(err).toBeInstanceOf(KuzuMigrateError);
            expect((err as KuzuMigrateError).code).toMatch(/^E_UNEXPORTABLE$|^E_UNRESTORABLE$/);
            expect(fs.existsSync(path.join(dir, 'migrations', version))).toBe(false);
            outcomes.push(`${type} ${format}: refused (${(err as Error).message.slice(0, 80)})`);
            continue;
          }
          const target = path.join(dir, `restored-${format}.kuzu`);
          trace(`import ${format}`);
          await importSnapshot(cfg, { version, database: target });
          expect({ type, format, ...(await judge(target)) }).toEqual({ type, format, ...want });
          outcomes.push(`${type} ${format}: exact`);
        }
        fs.rmSync(dir, { recursive: true, force: true });
      },
    ),
    // Each run builds a 4,200-row database and two snapshots: two keep the file near 60 s (KM_PROPERTY_RUNS=n for a deeper run, KM_PROPERTY_SEED=s to replay).
    { numRuns: Number(process.env.KM_PROPERTY_RUNS ?? 2), seed: SEED },
  );
  // Visible in the test output: which shapes round-trip and which are refused.
  console.log(outcomes.join('\n'));
}, 600_000);

/**
 * Issue 9's numbered inputs on LadybugDB 0.19.1 (`engine: ladybug`), through the built CLI, judged
 * in LadybugDB itself (a worker process: this jest process has loaded Kuzu, and two native engines
 * never share a process). One database holds them all, so the CLI runs a few times, not per item:
 *   3a gen_random_uuid() added to 100 rows; 3b DEFAULT -1 (table_info prints `1` on LadybugDB too);
 *   3c DOUBLE DEFAULT 1.0 declared `1`; 4 FLOAT[1536] embeddings, a MAP with a NULL value, the nil
 *   UUID; 5 INT64[] in 5,000 rows; 6 a table `ALL CUSTODIANS` with names that need back-quotes.
 * Item 2: a used sequence and a macro ride along through export → import and the export rewrite.
 * Item 1 on LadybugDB (no built-in indexes: refused before anything is written) is in
 * test/integration/catalog-objects.test.ts and upgrade.test.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureEngine } from '../../src/engines/install';
import { withEngineProcess } from '../../src/engines/process';
import { findRelease } from '../../src/engines/releases';
import { REPO_ROOT, runCli, tempDir } from '../helpers/db';

const ENGINES_DIR = process.env.KUZU_MIGRATE_ENGINES_DIR ?? path.join(REPO_ROOT, '.engines');
const LADYBUG = findRelease('ladybug')!;
let ladybugPath = '';

async function lbug(db: string, ...statements: string[]): Promise<Record<string, unknown>[]> {
  return withEngineProcess(LADYBUG, ladybugPath, db, {}, async (p) => {
    let rows: Record<string, unknown>[] = [];
    for (const s of statements) rows = await p.query(s);
    return rows;
  });
}

const LISTS_WRONG = 'MATCH (p:P) WHERE CAST(p.l AS STRING) <> CAST([p.id, p.id + 1, p.id + 2] AS STRING) RETURN count(*) AS n';
const EMB_SUM = 'MATCH (d:Doc) RETURN CAST(sum(hash({k: d.id, v: d.emb})) AS STRING) AS s';

describe('issue 9 inputs on LadybugDB (built CLI)', () => {
  const dir = tempDir('km-e2e-lbug9-');
  const db = path.join(dir, 'db', 'graph.lbug');
  const yaml = path.join(dir, 'kuzu-migrate.yaml');
  const cli = (...args: string[]) => runCli(args, { cwd: dir, env: { KUZU_MIGRATE_ENGINES_DIR: ENGINES_DIR } });
  let embSum = '';

  beforeAll(async () => {
    ladybugPath = await ensureEngine(LADYBUG, { dir: ENGINES_DIR });
    fs.mkdirSync(path.dirname(db));
    await lbug(
      db,
      'CREATE NODE TABLE T(id INT64 PRIMARY KEY, a INT64 DEFAULT -1, x DOUBLE DEFAULT 1.0)',
      'UNWIND range(1, 100) AS i CREATE (:T {id: i})',
      "CREATE NODE TABLE `ALL CUSTODIANS`(`id` INT64 PRIMARY KEY, `x'y` STRING, `MATCH` INT64, `a-b` INT64)",
      "CREATE (:`ALL CUSTODIANS` {`id`: 1, `x'y`: 'q', `MATCH`: 2, `a-b`: 3})",
      'CREATE NODE TABLE P(id INT64 PRIMARY KEY, l INT64[])',
      'UNWIND range(0, 4999) AS i CREATE (:P {id: i, l: [i, i + 1, i + 2]})',
      'CREATE NODE TABLE Doc(id INT64 PRIMARY KEY, emb FLOAT[1536])',
      'UNWIND range(0, 2) AS i CREATE (:Doc {id: i, emb: CAST(list_transform(range(1, 1536), k -> CAST(k / 7.0 + i AS FLOAT)) AS FLOAT[1536])})',
      // Item 2: a used sequence and a macro.
      'CREATE SEQUENCE order_no START 100',
      "RETURN nextval('order_no')",
      "RETURN nextval('order_no')",
      'CREATE MACRO addOne(x) AS x + 1',
    );
    embSum = String((await lbug(db, EMB_SUM))[0]['s']);
  }, 15 * 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('init reads names that need back-quotes and DEFAULT -1; validate and plan accept them (items 3b, 6)', () => {
    const r = cli('init', '--database', './db/graph.lbug');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const text = fs.readFileSync(yaml, 'utf8');
    expect(text).toMatch(/engine: ladybug/);
    expect(text).toMatch(/a: \{ type: INT64, default: -1 \}/);
    expect(text).toMatch(/ALL CUSTODIANS/);
    expect(cli('validate').status).toBe(0);
    expect(cli('plan', '--detailed-exitcode').status).toBe(0);
  });

  it('parquet export → import keeps lists past 2,048 values, embeddings, odd names and DEFAULT -1 (items 3b, 4, 5, 6)', async () => {
    const exp = cli('export', '--version', 'v0.1.0');
    expect(exp.stderr).toBe('');
    expect(exp.status).toBe(0);
    const target = path.join(dir, 'restored.lbug');
    const imp = cli('import', '--version', 'v0.1.0', '--database', target);
    expect(imp.stderr).toBe('');
    expect(imp.status).toBe(0);
    const [wrong] = await lbug(target, LISTS_WRONG);
    expect(Number(wrong['n'])).toBe(0);
    expect(String((await lbug(target, EMB_SUM))[0]['s'])).toBe(embSum);
    expect(await lbug(target, "MATCH (c:`ALL CUSTODIANS`) RETURN c.`x'y` AS q, c.`MATCH` AS m, c.`a-b` AS ab")).toEqual([{ q: 'q', m: 2, ab: 3 }]);
    expect(await lbug(target, 'CREATE (t:T {id: 1000}) RETURN t.a AS a, t.x AS x')).toEqual([{ a: -1, x: 1 }]);
    expect(await lbug(target, "RETURN nextval('order_no') AS v, addOne(41) AS m")).toEqual([{ v: 102, m: 42 }]);
  });

  it('plan: 1.0 declared as 1 is no change, -1 → 1 is; a UUID default gives 100 rows 100 values (items 3a, 3b, 3c)', async () => {
    const text = fs.readFileSync(yaml, 'utf8');
    fs.writeFileSync(
      yaml,
      text
        .replace(/x: \{ type: DOUBLE, default: 1(\.0)? \}/, 'x: { type: DOUBLE, default: 1 }')
        .replace('a: { type: INT64, default: -1 }', 'a: { type: INT64, default: 1 }\n        uid: { type: UUID, default: gen_random_uuid() }')
        .replace(/^version: .*$/m, 'version: v0.2.0'),
    );
    const p = cli('plan', '--json');
    expect(p.status).toBe(0);
    const changes = JSON.parse(p.stdout).changes.map((c: { kind: string; property?: string; from?: unknown; to?: unknown }) => [c.kind, c.property, c.from ?? null, c.to ?? null]);
    expect(changes).toEqual(expect.arrayContaining([['alter_property_default', 'a', '-1', '1']]));
    expect(changes.filter((c: unknown[]) => c[1] === 'x')).toEqual([]);
    // LadybugDB's default strategy is export: the whole database goes through a snapshot.
    const ap = cli('apply', '--auto-approve');
    expect(ap.stderr).toBe('');
    expect(ap.status).toBe(0);
    expect(cli('plan', '--detailed-exitcode').status).toBe(0);
    expect(await lbug(db, 'MATCH (t:T) RETURN count(DISTINCT t.uid) AS n, count(*) AS c')).toEqual([{ n: 100, c: 100 }]);
    expect(await lbug(db, 'CREATE (t:T {id: 1000}) RETURN t.a AS a')).toEqual([{ a: 1 }]);
    const [wrong] = await lbug(db, LISTS_WRONG);
    expect(Number(wrong['n'])).toBe(0);
    expect(String((await lbug(db, EMB_SUM))[0]['s'])).toBe(embSum);
    expect(await lbug(db, "RETURN nextval('order_no') AS v, addOne(41) AS m")).toEqual([{ v: 102, m: 42 }]);
  });

  it('the nil UUID is carried (LadybugDB checkpoints it, Kuzu 0.11.3 does not); a MAP holding a NULL value is refused naming table, column and key (item 4)', async () => {
    await lbug(db, 'CREATE NODE TABLE U(id INT64 PRIMARY KEY, u UUID)', "CREATE (:U {id: 7, u: UUID('00000000-0000-0000-0000-000000000000')})");
    const exp = cli('export', '--version', 'v0.3.0');
    expect(exp.stderr).toBe('');
    expect(exp.status).toBe(0);
    const target = path.join(dir, 'restored-u.lbug');
    const imp = cli('import', '--version', 'v0.3.0', '--database', target);
    expect(imp.stderr).toBe('');
    expect(imp.status).toBe(0);
    expect(await lbug(target, 'MATCH (u:U) RETURN u.id AS id, CAST(u.u AS STRING) AS u')).toEqual([{ id: 7, u: '00000000-0000-0000-0000-000000000000' }]);

    await lbug(db, 'CREATE NODE TABLE M(id INT64 PRIMARY KEY, m MAP(STRING, INT64))', "CREATE (:M {id: 7, m: map(['k', 'j'], [NULL, 1])})");
    const refused = cli('export', '--version', 'v0.4.0');
    expect(refused.status).toBe(3);
    expect(refused.stderr).toMatch(/cannot export M\.m \(row with key 7\): 1 row holds a map with a NULL value/);
    expect(fs.existsSync(path.join(dir, 'migrations', 'v0.4.0'))).toBe(false);
  });
});

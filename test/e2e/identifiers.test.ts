/**
 * Issue 9 item 6 through the built CLI: names that need back-quotes (`ALL CUSTODIANS`, reserved
 * words, unicode, quotes, `/` and `-`) go through init, validate, plan, apply, export (both
 * formats), import and doctor; a name Kuzu 0.11.3 itself cannot introspect (`a.b`) is refused by
 * init with the reason.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withEngine } from '../../src/kuzu/engine';
import { databaseIn, runCli } from '../helpers/db';

test('odd identifiers survive every command; the data is judged in Kuzu', async () => {
  const { dir, db } = await databaseIn('km-e2e-ident-', async (e) => {
    await e.query("CREATE NODE TABLE `ALL CUSTODIANS`(`id` INT64 PRIMARY KEY, `x'y` STRING, `MATCH` INT64, `é ü` INT64, `a/b` INT64, `a-b` INT64)");
    await e.query('CREATE NODE TABLE `WHERE`(id INT64 PRIMARY KEY)');
    await e.query('CREATE REL TABLE `MATCH`(FROM `ALL CUSTODIANS` TO `WHERE`, `w x` INT64)');
    await e.query("UNWIND range(1, 4200) AS i CREATE (:`ALL CUSTODIANS` {`id`: i, `x'y`: 'q' + CAST(i AS STRING), `a/b`: i * 2})");
    await e.query('CREATE (:`WHERE` {id: 5})');
    await e.query('MATCH (a:`ALL CUSTODIANS`), (b:`WHERE`) WHERE a.id % 2 = 0 CREATE (a)-[:`MATCH` {`w x`: a.id}]->(b)');
  });
  const cli = (...args: string[]) => runCli(args, { cwd: dir });
  const ok = (...args: string[]) => {
    const r = cli(...args);
    expect({ args, status: r.status, stderr: r.stderr }).toEqual({ args, status: 0, stderr: '' });
    return r;
  };
  ok('init', '--database', db);
  ok('validate');
  ok('plan', '--detailed-exitcode');
  ok('export', '--version', 'v1.0.1');
  ok('export', '--version', 'v1.0.2', '--format', 'csv');
  expect(fs.readdirSync(path.join(dir, 'migrations', 'v1.0.1', 'nodes')).sort()).toEqual(['ALL%20CUSTODIANS.parquet', 'WHERE.parquet']);
  const sum = "MATCH (a:`ALL CUSTODIANS`)-[r:`MATCH`]->(b:`WHERE`) RETURN count(*) AS n, sum(r.`w x`) AS w, sum(a.`a/b`) AS ab, count(a.`x'y`) AS xy";
  const want = await withEngine(db, { readOnly: true }, (e) => e.query(sum));
  expect(want[0]['n']).toBe(2100);
  for (const v of ['v1.0.1', 'v1.0.2']) {
    const target = path.join(dir, `r-${v}.kuzu`);
    ok('import', '--version', v, '--database', target);
    expect(await withEngine(target, { readOnly: true }, (e) => e.query(sum))).toEqual(want);
  }
  ok('doctor');
  // A property with a space and a reserved word, added by apply.
  const yaml = fs.readFileSync(path.join(dir, 'kuzu-migrate.yaml'), 'utf8').replace(/( +)a-b: INT64\n/, '$1a-b: INT64\n$1"new prop": STRING\n$1RETURN: { type: INT64, default: -1 }\n');
  fs.writeFileSync(path.join(dir, 'kuzu-migrate.yaml'), yaml);
  ok('apply', '--auto-approve');
  ok('plan', '--detailed-exitcode');
  expect(await withEngine(db, { readOnly: true }, (e) => e.scalar('MATCH (a:`ALL CUSTODIANS` {id: 7}) RETURN a.`RETURN`'))).toBe(-1);
});

test('a table named a.b is refused by init with the reason; no YAML is written', async () => {
  const { dir, db } = await databaseIn('km-e2e-ident-dot-', (e) => e.query('CREATE NODE TABLE `a.b`(id INT64 PRIMARY KEY)'));
  const r = runCli(['init', '--database', db], { cwd: dir });
  expect(r.status).toBe(3);
  expect(r.stderr).toMatch(/^Error: table a\.b: "a\.b" contains "\.", which Kuzu 0\.11\.3 cannot introspect/);
  expect(r.stderr).toMatch(/hint: rename it in Kuzu first/);
  expect(fs.existsSync(path.join(dir, 'kuzu-migrate.yaml'))).toBe(false);
});

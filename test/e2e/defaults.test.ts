/** Issue 9 item 3c through the built CLI: a live DOUBLE DEFAULT 1.0 declared as `default: 1` plans nothing. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { withEngine } from '../../src/kuzu/engine';
import { databaseIn, runCli, writeYaml } from '../helpers/db';

test('DOUBLE DEFAULT 1.0 declared as 1 or 1.00: plan is empty; declared 1.5: a default change is planned', async () => {
  const { dir } = await databaseIn('km-e2e-defaults-', async (e) => {
    await e.query('CREATE NODE TABLE T(id INT64 PRIMARY KEY, x DOUBLE DEFAULT 1.0)');
    await e.query('CREATE (:T {id: 1})');
  });
  const write = (def: string) => writeYaml(dir, `  nodes:\n    T:\n      primary_key: id\n      properties:\n        id: INT64\n        x: { type: DOUBLE, default: ${def} }\n`);
  for (const def of ['1', '1.00', "'1.0'"]) {
    write(def);
    const r = runCli(['plan', '--detailed-exitcode'], { cwd: dir });
    expect({ def, status: r.status, stderr: r.stderr }).toEqual({ def, status: 0, stderr: '' });
  }
  write('1.5');
  const r = runCli(['plan', '--detailed-exitcode', '--json'], { cwd: dir });
  expect(r.status).toBe(2);
  expect(JSON.parse(r.stdout).changes.map((c: { kind: string }) => c.kind)).toEqual(['alter_property_default']);
});

test('item 3a: gen_random_uuid() added to 5,000 nodes and 5,000 rels gives every existing row its own value', async () => {
  const { dir, db } = await databaseIn('km-e2e-uuid-default-', async (e) => {
    await e.query('CREATE NODE TABLE T(id INT64 PRIMARY KEY)');
    await e.query('CREATE REL TABLE R(FROM T TO T, w INT64)');
    await e.query('UNWIND range(1, 5000) AS i CREATE (:T {id: i})');
    await e.query('MATCH (a:T), (b:T) WHERE b.id = a.id % 5000 + 1 CREATE (a)-[:R {w: a.id}]->(b)');
  });
  writeYaml(dir, `  nodes:\n    T:\n      primary_key: id\n      properties:\n        id: INT64\n        uid: { type: UUID, default: gen_random_uuid() }\n  rels:\n    R:\n      from: T\n      to: T\n      properties:\n        w: INT64\n        uid: { type: UUID, default: gen_random_uuid() }\n`);
  const plan = JSON.parse(runCli(['plan', '--json'], { cwd: dir }).stdout);
  expect(plan.rebuilt_tables.sort()).toEqual(['R', 'T']);
  const r = runCli(['apply', '--auto-approve'], { cwd: dir });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  await withEngine(db, { readOnly: true }, async (e) => {
    expect(Number(await e.scalar('MATCH (n:T) RETURN count(DISTINCT n.uid)'))).toBe(5000);
    expect(Number(await e.scalar('MATCH ()-[r:R]->() RETURN count(DISTINCT r.uid)'))).toBe(5000);
    expect(Number(await e.scalar('MATCH (a:T)-[r:R]->(b:T) WHERE b.id = a.id % 5000 + 1 AND r.w = a.id RETURN count(*)'))).toBe(5000);
    expect(await e.scalar("CALL table_info('R') WHERE name = 'uid' RETURN `default expression`")).toBe('gen_random_uuid()');
  });
  expect(runCli(['plan', '--detailed-exitcode'], { cwd: dir }).status).toBe(0);
});

/**
 * Issue 9 item 3b: `DEFAULT -1` (table_info prints `1`). init writes -1 and leaves the file's bytes
 * alone (the sign is read on a private copy); plan sees -1 → 1 and nothing for -1 → -1; a snapshot
 * export → import keeps -1 on a node and a rel table, judged by inserting rows in Kuzu.
 */
test('DEFAULT -1: init writes -1 without touching the file, plan sees -1 → 1, export → import and rollback keep -1', async () => {
  const { dir, db } = await databaseIn('km-e2e-default-sign-', async (e) => {
    await e.query('CREATE NODE TABLE T(id STRING PRIMARY KEY, a INT64 DEFAULT -1, b DOUBLE DEFAULT -1.5, c INT64 DEFAULT 2)');
    await e.query('CREATE REL TABLE R(FROM T TO T, w INT64 DEFAULT -7)');
    // The probe's own key value exists already: it must make room for it only on its copy.
    await e.query("CREATE (:T {id: '_km_probe', a: 5})-[:R {w: 3}]->(:T {id: 'x'})");
  });
  const sha = () => createHash('sha256').update(fs.readFileSync(db)).digest('hex');
  const before = sha();
  expect(runCli(['init', '--database', './db.kuzu'], { cwd: dir }).status).toBe(0);
  expect(sha()).toBe(before);
  const yaml = fs.readFileSync(path.join(dir, 'kuzu-migrate.yaml'), 'utf8');
  expect(yaml).toMatch(/a: \{ type: INT64, default: -1 \}/);
  expect(yaml).toMatch(/b: \{ type: DOUBLE, default: -1\.5 \}/);
  expect(yaml).toMatch(/c: \{ type: INT64, default: 2 \}/);
  expect(yaml).toMatch(/w: \{ type: INT64, default: -7 \}/);
  expect(runCli(['plan', '--detailed-exitcode'], { cwd: dir }).status).toBe(0);
  fs.writeFileSync(path.join(dir, 'kuzu-migrate.yaml'), yaml.replace('default: -1 }', 'default: 1 }'));
  const p = runCli(['plan', '--detailed-exitcode', '--json'], { cwd: dir });
  expect(p.status).toBe(2);
  expect(JSON.parse(p.stdout).changes.map((c: { kind: string; from: string; to: string }) => [c.kind, c.from, c.to])).toEqual([['alter_property_default', '-1', '1']]);
  fs.writeFileSync(path.join(dir, 'kuzu-migrate.yaml'), yaml);

  const ex = runCli(['export', '--version', 'v1.0.0'], { cwd: dir });
  expect(ex.stderr).toBe('');
  expect(ex.status).toBe(0);
  const target = path.join(dir, 'restored.kuzu');
  const im = runCli(['import', '--version', 'v1.0.0', '--database', target], { cwd: dir });
  expect(im.stderr).toBe('');
  expect(im.status).toBe(0);
  await withEngine(target, {}, async (e) => {
    expect(await e.query("CREATE (a:T {id: 'n1'})-[r:R]->(b:T {id: 'n2'}) RETURN a.a AS a, a.b AS b, a.c AS c, r.w AS w")).toEqual([{ a: -1, b: -1.5, c: 2, w: -7 }]);
    expect(await e.query("MATCH (a:T {id: '_km_probe'})-[r:R]->() RETURN a.a AS a, r.w AS w")).toEqual([{ a: 5, w: 3 }]);
  });

  // apply -1 → 1 (rows inserted afterwards get 1), then rollback to the snapshot: -1 again.
  fs.writeFileSync(path.join(dir, 'kuzu-migrate.yaml'), yaml.replace('default: -1 }', 'default: 1 }').replace(/^version: .*$/m, 'version: v1.1.0'));
  const ap = runCli(['apply', '--auto-approve'], { cwd: dir });
  expect(ap.stderr).toBe('');
  expect(ap.status).toBe(0);
  const inserted = async () => withEngine(db, {}, (e) => e.query("CREATE (a:T {id: 'n3'}) RETURN a.a AS a"));
  expect(await inserted()).toEqual([{ a: 1 }]);
  const rb = runCli(['rollback', 'v1.0.0', '--auto-approve'], { cwd: dir });
  expect(rb.stderr).toBe('');
  expect(rb.status).toBe(0);
  expect(await inserted()).toEqual([{ a: -1 }]);
});

/** Issue 9 item 3c through the built CLI: a live DOUBLE DEFAULT 1.0 declared as `default: 1` plans nothing. */
import * as fs from 'node:fs';
import * as path from 'node:path';
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

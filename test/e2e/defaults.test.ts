/** Issue 9 item 3c through the built CLI: a live DOUBLE DEFAULT 1.0 declared as `default: 1` plans nothing. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeDatabase, runCli, tempDir } from '../helpers/db';

test('DOUBLE DEFAULT 1.0 declared as 1 or 1.00: plan is empty; declared 1.5: a default change is planned', async () => {
  const dir = tempDir('km-e2e-defaults-');
  await makeDatabase(path.join(dir, 'db.kuzu'), async (e) => {
    await e.query('CREATE NODE TABLE T(id INT64 PRIMARY KEY, x DOUBLE DEFAULT 1.0)');
    await e.query('CREATE (:T {id: 1})');
  });
  const write = (def: string) =>
    fs.writeFileSync(
      path.join(dir, 'kuzu-migrate.yaml'),
      `version: v1.0.0\ndatabase: ./db.kuzu\nmigrations: ./migrations\nbackups: ./backups\nschema:\n  nodes:\n    T:\n      primary_key: id\n      properties:\n        id: INT64\n        x: { type: DOUBLE, default: ${def} }\n`,
    );
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

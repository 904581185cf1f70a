/**
 * The whole manual Kuzu migration flow, automated, on the shipped requirements example:
 * list → export v4.0.0 (both formats) → change the YAML → plan → apply → export v4.1.0 →
 * diff v4.0.0 v4.1.0 → import into a new database → verify → rollback to v4.0.0 → verify again.
 * Every step's output is checked.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { withEngine } from '../../src/kuzu/engine';
import { REPO_ROOT, runCli, tempDir } from '../helpers/db';

describe('the manual migration flow, automated', () => {
  const dir = tempDir('km-flow-');
  const yaml = path.join(dir, 'kuzu-migrate.yaml');
  const db = path.join(dir, 'db', 'requirements.kuzu');
  const example = (v: string) => fs.readFileSync(path.join(REPO_ROOT, 'examples', 'requirements', `${v}.yaml`), 'utf8');
  const cli = (...args: string[]) => runCli([...args, '-c', yaml], { cwd: dir });
  const json = (...args: string[]) => {
    const r = cli(...args, '--json');
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}${r.stdout}`);
    return JSON.parse(r.stdout);
  };
  const q = (file: string, query: string) => withEngine(file, { readOnly: true }, (e) => e.query(query));

  it('walks every step', async () => {
    // v4.0.0 from nothing, with data
    fs.writeFileSync(yaml, example('v4.0.0'));
    expect(cli('apply', '--auto-approve').status).toBe(1); // a missing database is created only when asked
    expect(json('apply', '--auto-approve', '--create')).toMatchObject({ status: 'applied', version: 'v4.0.0' });
    await withEngine(db, {}, async (e) => {
      await e.query("CREATE (:Requirement {id: 'R1', title: 'login', priority: 2})");
      await e.query("CREATE (:Requirement {id: 'R2', title: 'logout', priority: 1})");
      await e.query("MATCH (a:Requirement {id: 'R2'}), (b:Requirement {id: 'R1'}) CREATE (a)-[:depends_on]->(b)");
    });

    // list: nothing exported yet, one apply in the history
    const list0 = json('list');
    expect(list0.versions).toEqual([]);
    expect(list0.history.map((h: { version: string }) => h.version)).toEqual(['v4.0.0']);

    // export v4.0.0 in both formats (the csv one under another name: versions are never overwritten)
    expect(json('export', '--version', 'v4.0.0', '--format', 'parquet')).toMatchObject({ version: 'v4.0.0', format: 'parquet', rows: 3 });
    expect(cli('export', '--version', 'v4.0.0').status).toBe(3);
    const csvYaml = path.join(dir, 'csv.yaml');
    fs.writeFileSync(csvYaml, example('v4.0.0').replace('./migrations', './migrations-csv'));
    const csv = runCli(['export', '--version', 'v4.0.0', '--format', 'csv', '--json', '-c', csvYaml], { cwd: dir });
    expect(csv.status).toBe(0);
    expect(JSON.parse(csv.stdout)).toMatchObject({ format: 'csv', rows: 3 });

    // change the YAML, plan, apply
    fs.writeFileSync(yaml, example('v4.1.0'));
    const plan = cli('plan', '--detailed-exitcode');
    expect(plan.status).toBe(2);
    expect(plan.stdout).toMatch(/rename property Requirement\.priority → rank/);
    expect(plan.stdout).toMatch(/add property Requirement\.status STRING/);
    expect(plan.stdout).toMatch(/add property depends_on\.weight DOUBLE/);
    expect(json('apply', '--auto-approve')).toMatchObject({ status: 'applied', version: 'v4.1.0', strategy: 'in_place' });
    expect(await q(db, 'MATCH (r:Requirement) RETURN r.id AS id, r.rank AS rank, r.status AS status ORDER BY id')).toEqual([
      { id: 'R1', rank: 2, status: 'draft' },
      { id: 'R2', rank: 1, status: 'draft' },
    ]);
    expect(cli('drift').status).toBe(0);

    // export v4.1.0, diff the two versions
    expect(json('export', '--version', 'v4.1.0')).toMatchObject({ version: 'v4.1.0', previous: 'v4.0.0' });
    expect(fs.readFileSync(path.join(dir, 'migrations', 'v4.1.0', 'CHANGELOG.md'), 'utf8')).toMatch(/rank/);
    // its manifest keeps the declared rename hints and still follows the manifest schema
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'migrations', 'v4.1.0', 'manifest.json'), 'utf8'));
    const validate = new Ajv2020({ strict: false, validateFormats: false }).compile(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'schemas', 'manifest.schema.json'), 'utf8')));
    expect(validate(manifest)).toBe(true);
    expect(manifest.declared_schema.nodes[0].properties.find((p: { name: string }) => p.name === 'rank').renamedFrom).toBe('priority');
    const diff = cli('diff', 'v4.0.0', 'v4.1.0');
    expect(diff.status).toBe(0);
    expect(diff.stdout).toMatch(/rename property Requirement\.priority → rank/);
    expect(diff.stdout).toMatch(/^\+.*`status` STRING/m); // the unified diff of schema.cypher
    const list1 = json('list');
    expect(list1.versions.map((v: { version: string; current: boolean }) => `${v.version}${v.current ? '*' : ''}`)).toEqual(['v4.0.0', 'v4.1.0*']);

    // import v4.1.0 into a new database, verify it against the version
    const copy = path.join(dir, 'copy', 'requirements.kuzu');
    expect(json('import', '--version', 'v4.1.0', '--database', copy)).toMatchObject({ verified: true, rows: 3 });
    expect(await q(copy, 'MATCH (r:Requirement) RETURN count(*) AS n')).toEqual([{ n: 2 }]);
    expect(json('verify', '--version', 'v4.1.0')).toMatchObject({ ok: true });

    // rollback to v4.0.0, verify again (against v4.0.0's snapshot and declaration)
    expect(json('rollback', 'v4.0.0', '--auto-approve')).toMatchObject({ status: 'rolled_back', version: 'v4.0.0' });
    expect(await q(db, 'MATCH (r:Requirement) RETURN r.id AS id, r.priority AS p ORDER BY id')).toEqual([
      { id: 'R1', p: 2 },
      { id: 'R2', p: 1 },
    ]);
    fs.writeFileSync(yaml, example('v4.0.0'));
    expect(json('verify', '--version', 'v4.0.0')).toMatchObject({ ok: true });
    const bad = cli('verify', '--version', 'v4.1.0');
    expect(bad.status).toBe(1);
  });
});

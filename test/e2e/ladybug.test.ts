/**
 * `engine: ladybug` end to end through the built CLI, on real LadybugDB databases: apply (create,
 * an in-place change, a rewrite with the transaction strategy), plan, export + import, verify,
 * doctor; and the refusals: a config naming the other engine, a LadybugDB that is not installed.
 *
 * LadybugDB is installed into <repo>/.engines by the tool's own installer (as upgrade.test.ts
 * does). It is never loaded into this (jest) process, which has loaded Kuzu: data is written and
 * read through a LadybugDB worker process (src/engines/process.ts), the CLI runs in its own.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv/dist/2020';
import { configureEngine, configuredEngine } from '../../src/kuzu/engine';
import { fingerprintDatabase } from '../../src/kuzu/fingerprint';
import { introspect } from '../../src/kuzu/introspect';
import { ensureEngine } from '../../src/engines/install';
import { withEngineProcess } from '../../src/engines/process';
import { findRelease } from '../../src/engines/releases';
import { makeDatabase, REPO_ROOT, runCli, tempDir } from '../helpers/db';

const ENGINES_DIR = process.env.KUZU_MIGRATE_ENGINES_DIR ?? path.join(REPO_ROOT, '.engines');
const LADYBUG = findRelease('ladybug')!;
let ladybugPath = '';

const schema = (version: string, engine: string, person: Record<string, unknown>) => `version: ${version}
engine: ${engine}
database: ./db/graph.lbug
create: true
migrations: ./migrations
backups: ./backups
schema:
  nodes:
    Person:
      primary_key: id
      properties:
${Object.entries(person)
  .map(([k, v]) => `        ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
  .join('\n')}
    Item:
      primary_key: id
      properties:
        id: SERIAL
        label: STRING
  rels:
    knows:
      from: Person
      to: Person
      multiplicity: MANY_ONE
      properties:
        since: INT64
        weight: DOUBLE
`;

/** Runs statements on a LadybugDB database in a LadybugDB worker process; returns the last rows. */
async function lbug(db: string, ...statements: string[]): Promise<Record<string, unknown>[]> {
  return withEngineProcess(LADYBUG, ladybugPath, db, {}, async (p) => {
    let rows: Record<string, unknown>[] = [];
    for (const s of statements) rows = await p.query(s);
    return rows;
  });
}

async function fingerprints(db: string) {
  return withEngineProcess(LADYBUG, ladybugPath, db, { readOnly: true }, async (p) => {
    const live = await introspect(p);
    return fingerprintDatabase(p, live.schema);
  });
}

describe('engine: ladybug (built CLI, real LadybugDB databases)', () => {
  const dir = tempDir('km-e2e-lbug-');
  const yaml = path.join(dir, 'kuzu-migrate.yaml');
  const db = path.join(dir, 'db', 'graph.lbug');
  const env = { KUZU_MIGRATE_ENGINES_DIR: ENGINES_DIR };
  const cli = (...args: string[]) => runCli(args, { cwd: dir, env });
  const ajv = new Ajv({ allErrors: true, strict: true, validateFormats: false });
  const validatePlan = ajv.compile(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'schemas', 'plan.schema.json'), 'utf8')));
  const validateManifest = ajv.compile(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'schemas', 'manifest.schema.json'), 'utf8')));

  beforeAll(async () => {
    ladybugPath = await ensureEngine(LADYBUG, { dir: ENGINES_DIR });
  }, 15 * 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('apply creates, changes in place and rewrites (transaction); plan is then empty', async () => {
    fs.writeFileSync(yaml, schema('v1.0.0', 'ladybug', { id: 'INT64', name: 'STRING', age: 'INT32' }));
    const created = cli('apply', '--auto-approve', '--json');
    expect(created.stderr).toBe('');
    expect(created.status).toBe(0);
    expect(JSON.parse(created.stdout).plan).toMatchObject({ engine: 'ladybug', kuzu_version: LADYBUG.version });
    expect(fs.readFileSync(db).subarray(0, 4).toString('latin1')).toBe('LBUG');

    await lbug(
      db,
      "CREATE (:Person {id: 1, name: 'ann', age: 30})",
      "CREATE (:Person {id: 2, name: 'bob', age: -7})",
      'MATCH (a:Person {id: 1}), (b:Person {id: 2}) CREATE (a)-[:knows {since: 2020, weight: 1.0/3}]->(b)',
      "CREATE (:Item {label: 'a'})",
      "CREATE (:Item {label: 'b'})",
    );

    // In place: a property with a default.
    fs.writeFileSync(yaml, schema('v1.1.0', 'ladybug', { id: 'INT64', name: 'STRING', age: 'INT32', email: { type: 'STRING', default: "'none'" } }));
    const planned = cli('plan', '--format', 'json');
    expect(planned.status).toBe(0);
    const plan = JSON.parse(planned.stdout);
    expect(validatePlan(plan)).toBe(true);
    expect(plan).toMatchObject({ engine: 'ladybug', kuzu_version: '0.19.1', strategy: 'in_place' });
    expect(cli('apply', '--auto-approve').status).toBe(0);

    // A rewrite: a type change. On LadybugDB the default is a fresh file (a committed COPY is
    // durable only at the next checkpoint); the transaction strategy, asked for, rebuilds in place.
    fs.writeFileSync(yaml, schema('v1.2.0', 'ladybug', { id: 'INT64', name: 'STRING', age: 'INT64', email: { type: 'STRING', default: "'none'" } }));
    expect(JSON.parse(cli('plan', '--format', 'json').stdout)).toMatchObject({ strategy: 'rewrite', rewrite_strategy: 'export' });
    const rewrite = cli('apply', '--auto-approve', '--strategy', 'transaction', '--json');
    expect(rewrite.stderr).toBe('');
    expect(rewrite.status).toBe(0);
    expect(JSON.parse(rewrite.stdout)).toMatchObject({ status: 'applied', strategy: 'rewrite', rewrite_strategy: 'transaction' });

    const after = cli('plan', '--detailed-exitcode', '--json');
    expect(after.status).toBe(0);
    expect(JSON.parse(after.stdout).changes).toEqual([]);
    expect(await lbug(db, 'MATCH (p:Person) RETURN p.id AS id, p.age AS age, p.email AS email ORDER BY id')).toEqual([
      { id: 1, age: 30, email: 'none' },
      { id: 2, age: -7, email: 'none' },
    ]);
    // Item's SERIAL continues: 0, 1, then 2.
    expect(await lbug(db, "CREATE (:Item {label: 'c'})", 'MATCH (i:Item) RETURN max(i.id) AS m')).toEqual([{ m: 2 }]);
    expect(fs.readdirSync(path.dirname(db))).toEqual(['graph.lbug']); // no companion or staging file left
  });

  it('export + import round trip with identical fingerprints; verify and doctor pass', async () => {
    const exported = cli('export', '--version', 'v1.2.0', '--json');
    expect(exported.stderr).toBe('');
    expect(exported.status).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'migrations', 'v1.2.0', 'manifest.json'), 'utf8'));
    expect(validateManifest(manifest)).toBe(true);
    expect(manifest).toMatchObject({ engine: 'ladybug', kuzu_version: '0.19.1', storage_version: 43 });

    const copy = path.join(dir, 'copy', 'graph.lbug');
    const imported = cli('import', '--version', 'v1.2.0', '--database', copy);
    expect(imported.stderr).toBe('');
    expect(imported.status).toBe(0);
    expect(fs.readFileSync(copy).subarray(0, 4).toString('latin1')).toBe('LBUG');
    const [a, b] = [await fingerprints(db), await fingerprints(copy)];
    expect(a.length).toBe(3);
    expect(b).toEqual(a);

    for (const target of [db, copy]) {
      const v = cli('verify', '--version', 'v1.2.0', '--database', target);
      expect(v.stdout).toMatch(/All checks passed/);
      expect(v.status).toBe(0);
    }
    const doctor = cli('doctor', '--json');
    expect(doctor.status).toBe(0);
    const d = JSON.parse(doctor.stdout);
    expect(d.ok).toBe(true);
    expect(d.items.find((i: { name: string }) => i.name === 'storage version')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/43 \(ladybug@0\.19\.1\)/) });
  });

  it('the default (export) rewrite killed right after its swap leaves every row; recover settles it', async () => {
    const copy = path.join(dir, 'kill', 'graph.lbug');
    expect(cli('import', '--version', 'v1.2.0', '--database', copy).status).toBe(0);
    const text = fs.readFileSync(yaml, 'utf8');
    const k = path.join(dir, 'kill.yaml');
    fs.writeFileSync(k, text.replace('version: v1.2.0', 'version: v1.3.0').replace('        since: INT64', '        since: INT128'));
    const killed = runCli(['apply', '-c', k, '--database', copy, '--auto-approve'], { cwd: dir, env: { ...env, KUZU_MIGRATE_FAULT: 'after_swap' } });
    expect(killed.status).not.toBe(0);
    expect(cli('recover', '-c', k, '--database', copy).stdout).toMatch(/its content matches what the apply recorded, it is complete/);
    expect(await lbug(copy, 'MATCH ()-[r:knows]->() RETURN CAST(r.since AS STRING) AS since, r.weight = 1.0/3 AS w')).toEqual([{ since: '2020', w: true }]);
    expect(cli('plan', '-c', k, '--database', copy, '--detailed-exitcode').status).toBe(0);
    expect(fs.readdirSync(path.dirname(copy))).toEqual(['graph.lbug']);
  });

  it('init reads a LadybugDB file with LadybugDB and declares engine: ladybug', () => {
    const out = path.join(dir, 'init', 'kuzu-migrate.yaml');
    const r = cli('init', '--database', db, '-c', out, '--version', 'v1.2.0');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^engine: ladybug$/m);
    expect(cli('plan', '-c', out, '--detailed-exitcode').status).toBe(0);
  });

  it('engine: kuzu on a LadybugDB file is refused, pointing at the engine key and at upgrade', () => {
    const k = path.join(dir, 'kuzu.yaml');
    fs.writeFileSync(k, fs.readFileSync(yaml, 'utf8').replace('engine: ladybug', 'engine: kuzu'));
    const before = fs.readFileSync(db);
    for (const args of [['plan'], ['apply', '--auto-approve'], ['export', '--version', 'v9.0.0'], ['verify']]) {
      const r = cli(...args, '-c', k);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/is a LadybugDB database \(ladybug@0\.19\.1\), but the configuration says `engine: kuzu`/);
      expect(r.stderr).toMatch(/set `engine: ladybug` in kuzu-migrate\.yaml/);
      expect(r.stderr).toMatch(/kuzu-migrate upgrade --database .* --to kuzu@0\.11\.3/);
    }
    // An environment may override the engine.
    fs.appendFileSync(k, 'environments:\n  lb:\n    engine: ladybug\n');
    const overridden = cli('plan', '-c', k, '--env', 'lb', '--detailed-exitcode');
    expect(overridden.stderr).toBe('');
    expect(overridden.status).toBe(0);
    const doctor = cli('doctor', '-c', k, '--json');
    expect(doctor.status).toBe(1);
    expect(JSON.parse(doctor.stdout).items.find((i: { name: string }) => i.name === 'storage version')).toMatchObject({ status: 'error', detail: expect.stringMatching(/engine: ladybug/) });
    expect(fs.readFileSync(db).equals(before)).toBe(true);
  });

  it('engine: ladybug on a Kuzu file is refused the same way', async () => {
    const p = path.join(dir, 'k', 'graph.kuzu');
    fs.mkdirSync(path.dirname(p), { recursive: true });
    await makeDatabase(p, async (e) => void (await e.query('CREATE NODE TABLE T(id INT64, PRIMARY KEY(id))')));
    const r = cli('plan', '--database', p);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/is a Kuzu database \(kuzu@0\.11\.3\), but the configuration says `engine: ladybug`/);
    expect(r.stderr).toMatch(/set `engine: kuzu`/);
    expect(r.stderr).toMatch(/upgrade --database .* --to ladybug/);
  });

  it('a LadybugDB that is not installed is refused without a terminal, changing nothing', () => {
    const empty = path.join(dir, 'no-engines');
    fs.mkdirSync(empty);
    const fresh = path.join(dir, 'fresh', 'graph.lbug');
    const r = runCli(['apply', '--database', fresh, '--json'], { cwd: dir, env: { KUZU_MIGRATE_ENGINES_DIR: empty } });
    expect(r.status).toBe(3);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'E_ENGINE_NOT_INSTALLED', message: expect.stringMatching(/ladybug@0\.19\.1 .* not installed; nothing was changed/) });
    expect(fs.existsSync(path.dirname(fresh))).toBe(false);
    expect(fs.readdirSync(empty)).toEqual([]);
  });

  it('one native engine per process: a second one is refused once the first is loaded', async () => {
    // This jest process has loaded Kuzu (makeDatabase above).
    expect(configuredEngine().id).toBe('kuzu@0.11.3');
    expect(() => configureEngine('ladybug')).toThrow(/already runs kuzu@0\.11\.3 and cannot also load ladybug@0\.19\.1/);
    expect(configureEngine('kuzu').id).toBe('kuzu@0.11.3');
  });
});

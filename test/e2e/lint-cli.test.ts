/**
 * Lint, protection, unmanaged tables, the first-run guard and the size-aware policy through the
 * built CLI on real Kuzu databases: one lint run per finding family (counts judged against Kuzu
 * directly), SARIF validated against the OASIS 2.1.0 schema, `lint --base` on a temporary git
 * repository, and apply refusing or allowing what the YAML says.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import { stringify } from 'yaml';
import { withEngine } from '../../src/kuzu/engine';
import { applyMigration, ApplyOptions } from '../../src/apply/apply';
import { planMigration } from '../../src/plan/planning';
import { verifyDatabase } from '../../src/snapshot/inspect';
import { loadConfig } from '../../src/config/config';
import { KuzuMigrateError } from '../../src/core/errors';
import { makeDatabase, REPO_ROOT, runCli, tempDir } from '../helpers/db';
import { BASE_DATA, baseSchema, clone, makeProject, Project } from '../helpers/project';

const SARIF_SCHEMA = path.join(REPO_ROOT, 'test', 'fixtures', 'sarif', 'sarif-schema-2.1.0.json');

async function scalar(db: string, q: string): Promise<unknown> {
  return withEngine(db, { readOnly: true }, (e) => e.scalar(q));
}
async function tables(db: string): Promise<string[]> {
  return withEngine(db, { readOnly: true }, async (e) => (await e.query('CALL show_tables() RETURN name')).map((r) => String(r['name'])).sort());
}

/** A YAML next to the project's, same database, another schema (lint is read-only: one database serves all). */
function variant(p: Project, name: string, schema: unknown, extra: Record<string, unknown> = {}): string {
  const file = path.join(p.dir, `${name}.yaml`);
  fs.writeFileSync(file, stringify({ version: 'v1.1.0', database: './db/graph.kuzu', backups: './backups', ...extra, schema }));
  return file;
}
/** 1-based line of the first line of `file` matching `re`. */
function lineOf(file: string, re: RegExp): number {
  return fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => re.test(l)) + 1;
}
const json = (r: { stdout: string }) => JSON.parse(r.stdout);

describe('lint against a live database, one family at a time', () => {
  let p: Project;
  beforeAll(async () => {
    p = makeProject('km-lint-');
    p.write(baseSchema());
    await applyMigration(loadConfig(p.yamlPath));
    // 5,003 requirements (more than two Kuzu vectors of 2,048); every 1000th score_text is not a number.
    await withEngine(p.dbPath, {}, async (e) => {
      for (const s of BASE_DATA) await e.query(s);
      await e.query("UNWIND range(100, 5099) AS i CREATE (:Requirement {id: i, title: 't' + CAST(i AS STRING), score_text: CASE WHEN i % 1000 = 0 THEN 'n/a' ELSE CAST(i AS STRING) END})");
    });
  });

  it('destructive: a dropped property, counted, as text and as SARIF valid against the 2.1.0 schema', async () => {
    const s = clone(baseSchema()) as any;
    delete s.nodes.Component.properties.owner;
    const yaml = variant(p, 'destructive', s);
    const r = runCli(['lint', '-c', yaml, '--json']);
    expect(r.status).toBe(1);
    const ajv = new Ajv2020({ strict: true, validateFormats: false });
    ajv.addSchema(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'schemas', 'plan.schema.json'), 'utf8')));
    const validateResult = ajv.compile(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'schemas', 'lint.output.schema.json'), 'utf8')));
    expect(validateResult(json(r)) ? [] : validateResult.errors).toEqual([]);
    const f = json(r).findings.find((x: any) => x.code === 'KM102');
    expect(f).toMatchObject({ severity: 'error', table: 'Component', property: 'owner', rows: Number(await scalar(p.dbPath, 'MATCH (c:Component) WHERE c.owner IS NOT NULL RETURN count(*)')) });
    expect(f.location).toEqual({ file: expect.stringMatching(/destructive\.yaml$/), line: lineOf(yaml, /^ {4}Component:/), column: 5 });

    const out = path.join(p.dir, 'lint.sarif');
    const sarif = runCli(['lint', '-c', yaml, '--format', 'sarif', '--output', out], { cwd: p.dir });
    expect(sarif.status).toBe(1);
    const log = JSON.parse(fs.readFileSync(out, 'utf8'));
    // The OASIS schema is draft-04; its keywords here mean the same under ajv's draft-07 core once `id` is `$id`.
    const schema = JSON.parse(fs.readFileSync(SARIF_SCHEMA, 'utf8'));
    schema.$id = schema.id;
    delete schema.id;
    delete schema.$schema;
    const validate = new Ajv({ strict: false, validateFormats: false, allErrors: true }).compile(schema);
    expect(validate(log) ? [] : validate.errors).toEqual([]);
    expect(validate({ ...log, version: '2.0.0' })).toBe(false); // the schema is not a rubber stamp
    const result = log.runs[0].results.find((x: any) => x.ruleId === 'KM102');
    expect(result.level).toBe('error');
    expect(result.locations[0].physicalLocation).toMatchObject({ artifactLocation: { uri: 'destructive.yaml' }, region: { startLine: lineOf(yaml, /^ {4}Component:/), startColumn: 5 } });
  });

  it('data-dependent and rebuild cost: the failing values and the rebuilt rows, as Kuzu counts them, in the plan JSON', async () => {
    const s = clone(baseSchema()) as any;
    s.nodes.Requirement.properties.score_text = 'INT64';
    const yaml = variant(p, 'data', s);
    const r = runCli(['plan', '-c', yaml, '--format', 'json']);
    expect(r.status).toBe(0);
    const plan = json(r);
    const validate = new Ajv2020({ strict: true, validateFormats: false }).compile(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'schemas', 'plan.schema.json'), 'utf8')));
    expect(validate(plan) ? [] : validate.errors).toEqual([]);
    const by = (code: string) => plan.lint.findings.filter((f: any) => f.code === code);
    const bad = Number(await scalar(p.dbPath, "MATCH (n:Requirement) WHERE n.score_text IS NOT NULL AND NOT n.score_text =~ '[0-9]+' RETURN count(*)"));
    expect(bad).toBe(5);
    expect(by('KM201')[0]).toMatchObject({ severity: 'error', rows: bad, message: expect.stringMatching(/^5 values of Requirement\.score_text cannot be converted from STRING to INT64/) });
    const requirements = Number(await scalar(p.dbPath, 'MATCH (n:Requirement) RETURN count(*)'));
    expect(requirements).toBe(5003);
    expect(by('KM301').map((f: any) => [f.table, f.rows])).toEqual([
      ['Requirement', requirements],
      ['depends_on', Number(await scalar(p.dbPath, 'MATCH ()-[r:depends_on]->() RETURN count(*)'))],
      ['implemented_by', Number(await scalar(p.dbPath, 'MATCH ()-[r:implemented_by]->() RETURN count(*)'))],
    ]);
    expect(plan.lint.estimate).toMatchObject({ strategy: 'transaction', rows: requirements + 4, disk_free: expect.any(Number) });
    expect(plan.lint.estimate.disk_needed).toBeGreaterThan(fs.statSync(p.dbPath).size);
    expect(by('KM302')[0].message).toMatch(/^estimate \(transaction strategy, from docs\/benchmarks\.md/);
  });

  it('compatibility: a rename is a warning (exit 0), shown in Markdown', () => {
    const s = clone(baseSchema()) as any;
    delete s.nodes.Requirement.properties.state;
    s.nodes.Requirement.properties.status = { type: 'STRING', renamed_from: 'state' };
    const r = runCli(['lint', '-c', variant(p, 'compat', s), '--format', 'markdown']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\| ⚠️ warning \| KM402 \| `[^`]*compat\.yaml:\d+` \| property Requirement\.state is renamed to status/);
  });

  it('naming: a warning once lint.naming sets a convention', () => {
    const s = clone(baseSchema()) as any;
    s.nodes.order_item = { primary_key: 'id', properties: { id: 'INT64' } };
    const yaml = variant(p, 'naming', s, { lint: { naming: { node_tables: 'PascalCase' } } });
    const r = runCli(['lint', '-c', yaml, '--json']);
    expect(r.status).toBe(0);
    expect(json(r).findings).toEqual([
      expect.objectContaining({ code: 'KM501', severity: 'warning', message: 'node table order_item is not PascalCase', location: expect.objectContaining({ line: lineOf(yaml, /^ {4}order_item:/) }) }),
    ]);
  });
});

describe('lint --base: the change against a git ref, no database', () => {
  it('points at the working tree YAML and exits 1 on errors; a bad ref is a usage error', () => {
    const dir = tempDir('km-lint-git-');
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir, encoding: 'utf8' });
    git('init', '-q');
    fs.mkdirSync(path.join(dir, 'infra'));
    const yaml = path.join(dir, 'infra', 'kuzu-migrate.yaml');
    fs.writeFileSync(yaml, stringify({ version: 'v1.0.0', database: './nowhere/graph.kuzu', schema: baseSchema() }));
    git('add', '.');
    git('commit', '-qm', 'base');
    const s = clone(baseSchema()) as any;
    delete s.nodes.Requirement.properties.score_text;
    s.nodes.Requirement.properties.priority = { type: 'INT64', default: 0 };
    s.nodes.Part = { ...s.nodes.Component, renamed_from: 'Component' };
    delete s.nodes.Component;
    s.rels.implemented_by.to = 'Part';
    fs.writeFileSync(yaml, stringify({ version: 'v1.1.0', database: './nowhere/graph.kuzu', schema: s }));

    const r = runCli(['lint', '--base', 'HEAD', '-c', 'infra/kuzu-migrate.yaml', '--json'], { cwd: dir });
    expect(r.status).toBe(1);
    const out = json(r);
    expect(out.against).toBe('git HEAD:infra/kuzu-migrate.yaml');
    const at = (code: string) => out.findings.filter((f: any) => f.code === code).map((f: any) => `${f.location.file}:${f.location.line}:${f.location.column}`);
    expect(at('KM102')).toEqual([`infra/kuzu-migrate.yaml:${lineOf(yaml, /^ {4}Requirement:/)}:5`]);
    expect(at('KM401')).toEqual([`infra/kuzu-migrate.yaml:${lineOf(yaml, /^ {4}Part:/)}:5`]);
    expect(at('KM403')).toEqual([`infra/kuzu-migrate.yaml:${lineOf(yaml, /^ {8}priority:/)}:9`]);
    expect(at('KM301').length).toBe(3); // Requirement and both rels attached to it; no counts without a database
    expect(out.findings.some((f: any) => f.rows !== undefined)).toBe(false);
    expect(fs.existsSync(path.join(dir, 'infra', 'nowhere'))).toBe(false);

    const bad = runCli(['lint', '--base', 'no-such-ref', '-c', 'infra/kuzu-migrate.yaml'], { cwd: dir });
    expect(bad.status).toBe(64);
    expect(bad.stderr).toMatch(/--base no-such-ref: no such git revision or file\nhint: /);
  });
});

describe('protection, unmanaged tables, first-run guard, size-aware policy (apply)', () => {
  /** apply in-process (the CLI's exit codes for these refusals are checked once each below). */
  async function applyWith(yaml: string, options: ApplyOptions = {}, env?: string): Promise<KuzuMigrateError | null> {
    try {
      await applyMigration(loadConfig(yaml, { env }), options);
      return null;
    } catch (err) {
      if (err instanceof KuzuMigrateError) return err;
      throw err;
    }
  }
  async function managedProject(): Promise<Project> {
    const p = makeProject('km-protect-');
    p.write(baseSchema());
    expect(await applyWith(p.yamlPath)).toBeNull();
    await withEngine(p.dbPath, {}, async (e) => {
      for (const s of BASE_DATA) await e.query(s);
    });
    return p;
  }

  it('protect: refuses drops and rebuilds whatever --allow-destructive says; per environment too', async () => {
    const p = await managedProject();
    const protectedSchema = clone(baseSchema()) as any;
    protectedSchema.nodes.Component.protect = true;
    protectedSchema.nodes.Requirement.properties.title = { type: 'STRING', protect: true };

    const drop = clone(protectedSchema);
    delete drop.nodes.Component.properties.owner;
    const r = runCli(['apply', '--auto-approve', '--allow-destructive', '-c', variant(p, 'drop', drop, { policy: { allow_destructive: true } })]);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/would destroy or rebuild protected objects: Component\.owner \(dropped\)\nhint: protect: true/);

    const rebuild = clone(protectedSchema);
    rebuild.nodes.Requirement.properties.priority = { type: 'INT64', default: 0 };
    const err = await applyWith(variant(p, 'rebuild', rebuild), { allowDestructive: true });
    expect(err).toMatchObject({ code: 'E_PROTECTED', exitCode: 3, message: expect.stringMatching(/Requirement\.title \(rewritten by the rebuild of Requirement/) });

    const dropRel = clone(baseSchema()) as any;
    delete dropRel.rels.depends_on;
    const envYaml = variant(p, 'env', dropRel, { environments: { prod: { database: './db/graph.kuzu', protect: ['depends_on'] } } });
    expect(await applyWith(envYaml, { allowDestructive: true }, 'prod')).toMatchObject({ code: 'E_PROTECTED', message: expect.stringMatching(/depends_on \(dropped\)/) });
    // Nothing was touched: judged in Kuzu.
    expect(await tables(p.dbPath)).toEqual(expect.arrayContaining(['depends_on']));
    expect(Number(await scalar(p.dbPath, 'MATCH (c:Component) WHERE c.owner IS NOT NULL RETURN count(*)'))).toBe(2);
    expect(await withEngine(p.dbPath, { readOnly: true }, async (e) => (await e.query("CALL table_info('Requirement') RETURN name, type")).find((x) => x['name'] === 'priority')!['type'])).toBe('INT32');

    // Without the environment's protection the same plan applies.
    expect(await applyWith(envYaml, { allowDestructive: true })).toBeNull();
    expect(await tables(p.dbPath)).not.toContain('depends_on');
  });

  it('unmanaged: never dropped by apply, not drift, left out by init', async () => {
    const p = await managedProject();
    await withEngine(p.dbPath, {}, async (e) => {
      await e.query('CREATE NODE TABLE app_sessions (id STRING, PRIMARY KEY (id))');
      await e.query("CREATE (:app_sessions {id: 's1'})");
    });
    expect((await planMigration(loadConfig(p.yamlPath))).changes.map((c) => `${c.kind} ${c.table}`)).toEqual(['drop_table app_sessions']);
    const yaml = variant(p, 'unmanaged', baseSchema(), { unmanaged: ['app_*'] });
    expect(runCli(['drift', '-c', yaml]).status).toBe(0);
    expect((await verifyDatabase(loadConfig(yaml))).checks[0]).toMatchObject({ ok: true });
    expect(await applyWith(yaml, { allowDestructive: true })).toBeNull();
    expect(Number(await scalar(p.dbPath, 'MATCH (s:app_sessions) RETURN count(*)'))).toBe(1);

    const initYaml = path.join(p.dir, 'init.yaml');
    expect(runCli(['init', '-d', p.dbPath, '-c', initYaml, '--unmanaged', 'app_*']).status).toBe(0);
    const written = fs.readFileSync(initYaml, 'utf8');
    expect(written).not.toMatch(/app_sessions/);
    expect(written).toMatch(/unmanaged:\n {2}- app_\*/);
    expect((await planMigration(loadConfig(initYaml))).changes).toEqual([]);
  });

  it('first-run guard: drops on a database kuzu-migrate never applied to need explicit consent', async () => {
    const p = makeProject('km-firstrun-');
    await makeDatabase(p.dbPath, async (e) => {
      await e.query('CREATE NODE TABLE A (id INT64, PRIMARY KEY (id))');
      await e.query('CREATE NODE TABLE B (id INT64, PRIMARY KEY (id))');
      await e.query('CREATE (:B {id: 1})');
    });
    p.write({ nodes: { A: { primary_key: 'id', properties: { id: 'INT64' } } } }, { policy: { allow_destructive: true } });
    expect((await planMigration(loadConfig(p.yamlPath))).lint!.findings.map((f) => `${f.severity} ${f.code}`)).toEqual(['error KM602', 'warning KM101']); // the drop itself is allowed by policy; the first run is not
    const r = runCli(['apply', '--auto-approve', '--allow-destructive', '-c', p.yamlPath]);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/never applied to .* and the plan drops: B\nhint: .*--allow-drops-on-first-run/);
    expect(await tables(p.dbPath)).toEqual(['A', 'B']);
    expect(runCli(['apply', '--auto-approve', '--allow-drops-on-first-run', '-c', p.yamlPath]).status).toBe(0);
    expect(await tables(p.dbPath)).toEqual(['A', '_kuzu_migrate_history']);
  });

  it('allow_destructive_below_rows: a drop touching fewer rows passes, one touching as many is refused', async () => {
    const p = await managedProject();
    const s = clone(baseSchema()) as any;
    delete s.nodes.Component.properties.owner; // 2 non-NULL values
    const err = await applyWith(variant(p, 'size2', s, { policy: { allow_destructive_below_rows: 2 } }));
    expect(err).toMatchObject({ code: 'E_DESTRUCTIVE', message: expect.stringMatching(/drop_property Component\.owner \(2 rows\)/) });
    const env = variant(p, 'size3', s, { environments: { prod: { database: './db/graph.kuzu', policy: { allow_destructive_below_rows: 3 } } } });
    expect(await applyWith(env, {}, 'prod')).toBeNull();
    expect(await withEngine(p.dbPath, { readOnly: true }, async (e) => (await e.query("CALL table_info('Component') RETURN name")).map((x) => x['name']))).toEqual(['name']);
  });
});

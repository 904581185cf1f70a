/**
 * Issue 10's "what is broken now", each input through the built CLI: the exit code, the message,
 * and that nothing changed. Prompts and signals run the real process on a pseudo-terminal
 * (`script`), answering, typing Ctrl-C / Ctrl-D, or sending SIGINT/SIGTERM to its pid.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withEngine } from '../../src/kuzu/engine';
import { introspect } from '../../src/kuzu/introspect';
import { schemaFingerprint } from '../../src/core/model';
import { readHistory } from '../../src/state/history';
import { lockPath } from '../../src/state/lock';
import { journalPath } from '../../src/state/journal';
import { makeDatabase, REPO_ROOT, runCli, tempDir } from '../helpers/db';
import { applyMigration, savedPlanGuard } from '../../src/apply/apply';
import { rollbackTo } from '../../src/apply/rollback';
import { listSnapshots } from '../../src/snapshot/inspect';
import { loadConfig } from '../../src/config/config';
import { planMigration } from '../../src/plan/planning';
import { renderMarkdown } from '../../src/core/render';
import { BASE_DATA, baseSchema, clone, makeProject, Project } from '../helpers/project';

type S = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A project whose database holds baseSchema and BASE_DATA (set up in-process: the CLI is the subject, not the setup). */
async function project(): Promise<{ p: Project; start: S }> {
  const p = makeProject('km-contract-');
  const start = clone(baseSchema()) as S;
  p.write(start);
  await applyMigration(loadConfig(p.yamlPath), {});
  await withEngine(p.dbPath, {}, async (e) => {
    for (const s of BASE_DATA) await e.query(s);
  });
  return { p, start };
}

/** Schema fingerprint, row counts and history length: "nothing changed" compares these. */
async function state(db: string): Promise<unknown> {
  return withEngine(db, { readOnly: true }, async (e) => ({
    schema: schemaFingerprint((await introspect(e)).schema),
    requirements: await e.scalar('MATCH (n:Requirement) RETURN count(*)'),
    history: (await readHistory(e)).length,
  }));
}

function unchangedFiles(p: Project): void {
  expect(fs.existsSync(lockPath(p.dbPath))).toBe(false);
  expect(fs.existsSync(journalPath(p.dbPath))).toBe(false);
}

describe('1. plan predicts what apply would fail on', () => {
  it('a bad cast, a using: typo, a checks: syntax error and a drop refused by env prod: plan exits 1 naming each (file:line), apply refuses, nothing changed', async () => {
    const { p, start } = await project();
    const before = await state(p.dbPath);
    const d = clone(start);
    d.nodes.Requirement.properties.title = 'INT32';
    d.nodes.Requirement.properties.lower_title = { type: 'STRING', using: 'lower(n.titel)' };
    delete d.nodes.Component.properties.owner;
    p.write(d, {
      checks: [{ name: 'broken', query: 'MATCH (r:Requirement) WHER r.id IS NULL RETURN count(*) = 0' }],
      environments: { prod: { database: './db/graph.kuzu', policy: { allow_destructive: ['Requirement.title'] } } },
    });
    const plan = runCli(['plan', '-e', 'prod', '--detailed-exitcode', '-c', p.yamlPath]);
    expect(plan.stdout).toMatch(/\[error cast-fails\] 3 values of Requirement\.title cannot be converted from STRING to INT32 \(e\.g\. 1: "login"/);
    expect(plan.stdout).toMatch(/\[error using-invalid\] \S*kuzu-migrate\.yaml:\d+:\d+: using of Requirement\.lower_title does not compile .*Cannot find property titel/);
    expect(plan.stdout).toMatch(/\[error check-invalid\] \S*kuzu-migrate\.yaml:\d+:\d+: check "broken" does not compile.*Parser exception/);
    expect(plan.stdout).toContain('[error policy-refused] refused by policy of env prod: drop_property Component.owner (2 rows)');
    expect(plan.status).toBe(1);
    const apply = runCli(['apply', '-e', 'prod', '--auto-approve', '-c', p.yamlPath]);
    expect(apply.status).toBe(3);
    expect(apply.stderr).toMatch(/not allowed: drop_property Component\.owner \(2 rows\) \(refused by policy of env prod\)/);
    expect(await state(p.dbPath)).toEqual(before);
    unchangedFiles(p);
    // the same findings in JSON and Markdown (rendered from the same document)
    const doc = await planMigration(loadConfig(p.yamlPath, { env: 'prod' }), { precheck: {} });
    expect(doc.findings!.map((f) => f.code).sort()).toEqual(['cast-fails', 'check-invalid', 'policy-refused', 'using-invalid']);
    expect(renderMarkdown(doc)).toMatch(/\[!CAUTION\][\s\S]*\| error \| `cast-fails` \|/);
  });

  it('default: draft (a variable) is caught by validate with a hint how to write the string', async () => {
    const p = makeProject('km-contract-');
    const d = clone(baseSchema()) as S;
    d.nodes.Component.properties.status = { type: 'STRING', default: 'draft' };
    p.write(d);
    const r = runCli(['validate', '-c', p.yamlPath]);
    expect(r.status).toBe(65);
    expect(r.stderr).toMatch(/kuzu-migrate\.yaml:\d+:\d+: default draft is a Cypher variable, not a value/);
    expect(r.stderr).toContain(`hint: for the string write default: "'draft'"`);
  });
});

describe('2. paths: a typo is not a new database', () => {
  it('apply -d with a mistyped path exits 1 naming the path and how it was resolved, creating nothing; drift on it is exit 1; ${VAR} expands, unset is exit 65', async () => {
    const { p, start } = await project();
    p.write(start, { database: '${KM_TEST_DB_DIR}/graph.kuzu', create: false });
    const env = { KM_TEST_DB_DIR: path.dirname(p.dbPath) };
    const entries = fs.readdirSync(path.dirname(p.dbPath)).sort();
    const typo = path.join(p.dir, 'db', 'grpah.kuzu');
    const r = runCli(['apply', '--auto-approve', '-d', typo, '-c', p.yamlPath], { env });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/database .*grpah\.kuzu does not exist \(from --database\)/);
    expect(r.stderr).toMatch(/hint: .*--create/);
    expect(fs.readdirSync(path.dirname(p.dbPath)).sort()).toEqual(entries);
    const drift = runCli(['drift', '-d', typo, '-c', p.yamlPath], { env });
    expect([drift.status, drift.stderr]).toEqual([1, expect.stringMatching(/grpah\.kuzu does not exist/)]);
    const ok = runCli(['drift', '-c', p.yamlPath], { env });
    expect([ok.status, ok.stdout]).toEqual([0, expect.stringContaining("No drift: ./db/graph.kuzu")]); // the path, relative to the YAML, came from ${KM_TEST_DB_DIR}
    const unset = runCli(['plan', '-c', p.yamlPath]);
    expect(unset.status).toBe(65);
    expect(unset.stderr).toMatch(/\$\{KM_TEST_DB_DIR\} in database is not set in the environment/);
    // explicit creation
    const fresh = path.join(p.dir, 'db', 'fresh.kuzu');
    expect(runCli(['apply', '--auto-approve', '--create', '-d', fresh, '-c', p.yamlPath], { env }).status).toBe(0);
    expect(fs.existsSync(fresh)).toBe(true);
  });
});

/** The CLI on a pseudo-terminal (stdin and stdout are a TTY), for prompts and signals. */
function onTerminal(args: string[], env: Record<string, string> = {}, pipeStdout = false) {
  const cmd = [process.execPath, path.join(REPO_ROOT, 'bin', 'run.js'), ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ') + (pipeStdout ? ' | cat; exit ${PIPESTATUS[0]}' : '');
  const child = spawn('script', ['-qfec', cmd, '/dev/null'], { env: { ...process.env, NO_COLOR: '1', SHELL: '/bin/bash', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b) => (out += b.toString()));
  child.stderr.on('data', (b) => (out += b.toString()));
  const exit = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  return {
    output: () => out,
    type: (s: string) => child.stdin.write(s),
    exit,
    async waitFor(re: RegExp, ms = 30_000): Promise<void> {
      const until = Date.now() + ms;
      while (!re.test(out)) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${re}; output:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

describe('3. honest exits at the prompt and during apply', () => {
  let p: Project;
  let start: S;
  beforeAll(async () => {
    ({ p, start } = await project());
    const d = clone(start);
    d.nodes.Component.properties.team = { type: 'STRING', default: "'core'" };
    d.nodes.Requirement.properties.priority = { type: 'INT64', default: 0 }; // a rewrite: several statements
    p.write(d);
  });

  const prompt = /Only "yes" is accepted: /;
  const cases: [string, (t: ReturnType<typeof onTerminal>) => void, number, RegExp][] = [
    ['answering no (stdout piped) → 3', (t) => t.type('no\r'), 3, /Cancelled; nothing changed/],
    ['Ctrl-D → 3', (t) => t.type('\x04'), 3, /Cancelled; nothing changed/],
    ['Ctrl-C typed → 130', (t) => t.type('\x03'), 130, /interrupted by SIGINT at the prompt: nothing changed/],
    ['SIGTERM sent to the process → 143', () => process.kill(JSON.parse(fs.readFileSync(lockPath(p.dbPath), 'utf8')).pid, 'SIGTERM'), 143, /interrupted by SIGTERM at the prompt: nothing changed/],
  ];
  it.each(cases)('%s at the prompt: its exit code and message, lock released, nothing changed', async (_n, act, code, message) => {
    const before = await state(p.dbPath);
    const t = onTerminal(['apply', '-c', p.yamlPath], {}, _n.includes('piped'));
    await t.waitFor(prompt);
    act(t);
    expect(await t.exit).toBe(code);
    expect(t.output()).toMatch(message);
    expect(await state(p.dbPath)).toEqual(before);
    unchangedFiles(p);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ])('%s during the transaction: rolled back, lock released, exit %s', async (signal, code) => {
    const before = await state(p.dbPath);
    const r = runCli(['apply', '--auto-approve', '-c', p.yamlPath], { env: { KUZU_MIGRATE_FAULT: `in_transaction:${signal}` } });
    expect(r.status).toBe(code);
    expect(r.stderr).toMatch(new RegExp(`interrupted by ${signal} at step \\d+ of \\d+: the transaction was rolled back and the database is unchanged \\(backup \\S+ kept\\)`));
    expect(await state(p.dbPath)).toEqual(before);
    unchangedFiles(p);
  });

  it('the time reported and recorded excludes the prompt', async () => {
    // Any wait shows it: counted in, the reported time would exceed the whole call minus the wait
    // by the wait itself (0.5 s here; it was 2 s, idle time of the suite).
    const wait = 500;
    const t0 = Date.now();
    const r = await applyMigration(loadConfig(p.yamlPath), { confirm: () => new Promise((res) => setTimeout(() => res(true), wait)) });
    const total = Date.now() - t0;
    expect(r.status).toBe('applied');
    // Whatever the machine's speed: the reported time is at most the whole call minus the prompt.
    expect(r.duration_ms).toBeLessThanOrEqual(total - wait);
    const history = await withEngine(p.dbPath, { readOnly: true }, readHistory);
    expect(history[history.length - 1].duration_ms).toBeLessThanOrEqual(total - wait);
  });
});

describe('4 and 5. undo and versions', () => {
  it('same version with another schema is refused; rollback --last undoes an apply; list keeps it as rolled back; a lower version points at rollback; init keeps the recorded version', async () => {
    const { p, start } = await project();
    const before = await state(p.dbPath);
    const d = clone(start);
    d.nodes.Component.properties.team = 'STRING';
    p.write(d, { version: 'v1.0.0' }); // the version the project was created at
    const refused = runCli(['apply', '--auto-approve', '-c', p.yamlPath]);
    expect(refused.status).toBe(3);
    expect(refused.stderr).toMatch(/version v1\.0\.0 was already applied with a different schema/);
    expect(refused.stderr).toContain('--allow-same-version');
    expect(await state(p.dbPath)).toEqual(before);
    await applyMigration(loadConfig(p.yamlPath), { allowSameVersion: true });
    expect(await rollbackTo(loadConfig(p.yamlPath), 'v1.0.0')).toMatchObject({ status: 'no_changes' });

    const undo = runCli(['rollback', '--last', '--auto-approve', '-c', p.yamlPath]);
    expect([undo.status, undo.stdout]).toEqual([0, expect.stringMatching(/Rolled .* back to v1\.0\.0 from backup \S+, taken by the last apply \(to v1\.0\.0\)/)]);
    const props = await withEngine(p.dbPath, { readOnly: true }, (e) => e.query("CALL table_info('Component') RETURN name"));
    expect(props.map((r) => r['name'])).toEqual(['name', 'owner']);
    const list = JSON.parse(runCli(['list', '--json', '-c', p.yamlPath]).stdout);
    const ops = list.history.map((h: { operation: string; rolled_back: boolean; changes: number }) => `${h.operation}:${h.changes}:${h.rolled_back}`);
    expect(ops).toEqual(['apply:4:false', 'apply:1:true', 'rollback:0:false']);

    d.nodes.Component.properties.extra = 'STRING';
    p.write(d, { version: 'v0.9.0' });
    const lower = runCli(['apply', '--auto-approve', '-c', p.yamlPath]);
    expect(lower.status).toBe(3);
    expect(lower.stderr).toMatch(/declared version v0\.9\.0 is lower than v1\.0\.0/);
    expect(lower.stderr).toMatch(/hint: .*kuzu-migrate rollback v0\.9\.0/);
    const yaml2 = path.join(p.dir, 'adopted.yaml');
    expect(runCli(['init', '-d', p.dbPath, '-c', yaml2]).status).toBe(0);
    expect(fs.readFileSync(yaml2, 'utf8')).toMatch(/^version: v1\.0\.0$/m);
  });

  it("an adopted database (init) rolls back to its adopted version from the first apply's backup; --backup ID restores a named backup", async () => {
    const dir = tempDir('km-adopt-');
    const db = path.join(dir, 'graph.kuzu');
    await makeDatabase(db, async (e) => {
      await e.query('CREATE NODE TABLE P(id INT64 PRIMARY KEY, name STRING)');
      await e.query("CREATE (:P {id: 1, name: 'a'})");
    });
    const yaml = path.join(dir, 'kuzu-migrate.yaml');
    expect(runCli(['init', '-d', db, '-c', yaml]).status).toBe(0);
    fs.writeFileSync(yaml, fs.readFileSync(yaml, 'utf8').replace('version: v0.1.0', 'version: v0.2.0').replace(/(\n\s+)name: STRING/, '$1name: STRING$1age: INT64'));
    await applyMigration(loadConfig(yaml), {});
    const back = runCli(['rollback', 'v0.1.0', '--auto-approve', '-c', yaml]);
    expect([back.status, back.stderr]).toEqual([0, '']);
    expect(back.stdout).toMatch(/the database as it was before its first recorded apply/);
    const cols = async () => (await withEngine(db, { readOnly: true }, (e) => e.query("CALL table_info('P') RETURN name"))).map((r) => r['name']);
    expect(await cols()).toEqual(['id', 'name']);
    // the rollback backed up the v0.2.0 state first: restore it by id
    const config = loadConfig(yaml);
    const rollbackBackup = (await listSnapshots(config)).backups.find((b) => b.reason === 'rollback')!.id;
    await expect(rollbackTo(config, { backup: 'nope' })).rejects.toThrow(/there is no backup nope/);
    expect(await rollbackTo(config, { backup: rollbackBackup })).toMatchObject({ status: 'rolled_back', version: 'v0.2.0' });
    expect(await cols()).toEqual(['id', 'name', 'age']);
  });
});

describe('saved plans are applied as saved, or refused naming why', () => {
  it('refuses edited statements and an invalid file through the CLI; another environment or database by the guard', async () => {
    const { p, start } = await project();
    const d = clone(start);
    d.nodes.Component.properties.team = 'STRING';
    p.write(d, { environments: { prod: { database: './db/prod.kuzu' } } });
    const config = loadConfig(p.yamlPath);
    const saved = await planMigration(config, { precheck: {} });
    const before = await state(p.dbPath);
    const variant = (name: string, edit: (x: any) => void) => { // eslint-disable-line @typescript-eslint/no-explicit-any
      const x = clone(saved);
      edit(x);
      const f = path.join(p.dir, `${name}.json`);
      fs.writeFileSync(f, JSON.stringify(x));
      return f;
    };
    const edited = runCli(['apply', variant('edited', (x) => (x.steps[0].statement = 'MATCH (n) DETACH DELETE n')), '-c', p.yamlPath]);
    expect([edited.status, edited.stderr]).toEqual([3, expect.stringMatching(/the plan file is not what was planned.*step 1 differs/)]);
    const invalid = runCli(['apply', variant('invalid', (x) => delete x.steps), '-c', p.yamlPath]);
    expect([invalid.status, invalid.stderr]).toEqual([64, expect.stringMatching(/is not a kuzu-migrate plan: steps is not a list/)]);
    // valid to the loose shape check, not to schemas/plan.schema.json
    const unknown = runCli(['apply', variant('unknown', (x) => (x.findings = [{ code: 'X Y', severity: 'fatal', message: 1 }])), '-c', p.yamlPath]);
    expect([unknown.status, unknown.stderr]).toEqual([64, expect.stringMatching(/is not a valid kuzu-migrate plan: \/findings\/0\/code: must match pattern/)]);
    expect(await state(p.dbPath)).toEqual(before);
    expect(() => savedPlanGuard(saved, loadConfig(p.yamlPath, { env: 'prod' }))).toThrow(/made for database .*graph\.kuzu, not .*prod\.kuzu/);
    expect(() => savedPlanGuard(saved, loadConfig(p.yamlPath, { env: 'prod', database: p.dbPath }))).toThrow(/made for no environment, not environment prod/);
    expect(() => savedPlanGuard(saved, config)).not.toThrow();
    // applied as saved: the saved document's statements run
    expect(await applyMigration(config, { plan: saved })).toMatchObject({ status: 'applied', changes: 1 });
  });
});

describe('doctor finds what would make apply fail', () => {
  it('the database open in another process, a text file, a pending journal, backups in a git work tree', async () => {
    const dir = tempDir('km-doctor-');
    spawnSync('git', ['init', '-q', dir]);
    const db = path.join(dir, 'graph.kuzu');
    await makeDatabase(db, async (e) => void (await e.query('CREATE NODE TABLE P(id INT64 PRIMARY KEY)')));
    const yaml = path.join(dir, 'kuzu-migrate.yaml');
    fs.writeFileSync(yaml, 'version: v1.0.0\ndatabase: ./graph.kuzu\nbackups: ./backups\nschema:\n  nodes:\n    P: { primary_key: id, properties: { id: INT64 } }\n');
    const item = (r: { stdout: string }, name: string) => JSON.parse(r.stdout).items.find((i: { name: string }) => i.name === name);
    fs.writeFileSync(journalPath(db), JSON.stringify({ apply_id: 'x', pid: 1, host: 'h', database: db, version: 'v1.0.0', phase: 'executing', backup_id: null, strategy: 'in_place', started_at: '', updated_at: '' }));
    // held open by this process: Kuzu's file lock
    await withEngine(db, {}, async () => {
      const r = runCli(['doctor', '--json', '-c', yaml]);
      expect(r.status).toBe(1);
      expect(item(r, 'open')).toMatchObject({ status: 'error', detail: expect.stringMatching(/open in another process/) });
      expect(item(r, 'interrupted apply')).toMatchObject({ status: 'error', detail: expect.stringMatching(/kuzu-migrate recover/) });
      expect(item(r, 'backups location')).toMatchObject({ status: 'warning', detail: expect.stringContaining(`inside the git work tree ${dir}`) });
    });
    fs.rmSync(journalPath(db));
    fs.writeFileSync(db, 'not a database\n'.repeat(300));
    const text = runCli(['doctor', '--json', '-c', yaml]);
    expect(text.status).toBe(1);
    expect(JSON.parse(text.stdout).items.filter((i: { status: string }) => i.status === 'error').map((i: { detail: string }) => i.detail).join(' ')).toMatch(/not a readable database|storage version|not a Kuzu/i);
  });
});

/**
 * The built CLI as users and scripts see it: exit codes, error messages with file:line, --json,
 * --help, and golden plans in text, JSON and Markdown.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeDatabase, runCli, tempDir } from '../helpers/db';
import { baseSchema, clone, makeProject, seededProject } from '../helpers/project';
import { renderText } from '../../src/core/render';

const GOLDEN = path.join(__dirname, '..', 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (UPDATE || !fs.existsSync(file)) fs.writeFileSync(file, actual);
  expect(actual).toBe(fs.readFileSync(file, 'utf8'));
}

describe('errors users can cause', () => {
  it('malformed YAML: exit 65 with file:line:column', () => {
    const dir = tempDir();
    const yaml = path.join(dir, 'kuzu-migrate.yaml');
    fs.writeFileSync(yaml, 'version: v1.0.0\ndatabase: ./db.kuzu\nschema:\n  nodes:\n    A: {primary_key: id, properties: {id: INT64}\n');
    const r = runCli(['validate', '-c', yaml]);
    expect(r.status).toBe(65);
    expect(r.stderr).toMatch(/kuzu-migrate\.yaml:\d+:\d+: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('unknown type, illegal identifiers and a bad primary key are all reported at once', () => {
    const p = makeProject();
    const s = clone(baseSchema()) as any;
    s.nodes.Requirement.properties.title = 'STRNG';
    s.nodes['Bad`Name'] = { primary_key: 'id', properties: { id: 'INT64' } };
    s.nodes['_km_staging'] = { primary_key: 'id', properties: { id: 'INT64' } };
    s.nodes.Component.primary_key = 'nope';
    p.write(s);
    const r = runCli(['validate', '-c', p.yamlPath]);
    expect(r.status).toBe(65);
    expect(r.stderr).toMatch(/kuzu-migrate\.yaml:\d+:\d+: .*STRNG/);
    expect(r.stderr).toMatch(/hint: .*STRING/);
    expect(r.stderr).toMatch(/Bad`Name/);
    expect(r.stderr).toMatch(/_km_staging.*reserved/);
    expect(r.stderr).toMatch(/nope/);
    const json = runCli(['validate', '-c', p.yamlPath, '--json']);
    expect(json.status).toBe(65);
    const err = JSON.parse(json.stdout).error;
    expect(err.code).toBe('E_CONFIG');
    expect(err.hints).toEqual([expect.stringMatching(/kuzu-migrate validate/)]); // the registry's hint, never an empty list
    expect(err.diagnostics.length).toBeGreaterThanOrEqual(4);
    for (const d of err.diagnostics) expect(d).toMatchObject({ file: expect.any(String), line: expect.any(Number), column: expect.any(Number) });
  });

  it('a missing configuration file: exit 64 with a hint to init', () => {
    const r = runCli(['plan', '-c', path.join(tempDir(), 'nope.yaml')]);
    expect(r.status).toBe(64);
    expect(r.stderr).toMatch(/init/);
  });

  it('an unknown flag or command is a usage error (64), not "changes" (2)', () => {
    expect(runCli(['plan', '--no-such-flag']).status).toBe(64);
    expect(runCli(['no-such-command']).status).toBe(64);
  });

  it('a database from another Kuzu release: plan and apply stop pointing at upgrade, doctor says so', () => {
    const p = makeProject();
    p.write(baseSchema());
    fs.mkdirSync(path.dirname(p.dbPath), { recursive: true });
    const head = Buffer.alloc(4096);
    head.write('KUZU', 0, 'latin1');
    head.writeBigUInt64LE(38n, 4); // Kuzu 0.10.x's storage version, in a 0.11-style file
    fs.writeFileSync(p.dbPath, head);
    for (const args of [['plan'], ['apply', '--auto-approve']]) {
      const r = runCli([...args, '-c', p.yamlPath]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/storage version 38/);
      expect(r.stderr).toMatch(/hint: run `kuzu-migrate upgrade --database .*graph\.kuzu`/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const doctor = JSON.parse(runCli(['doctor', '--json', '-c', p.yamlPath]).stdout);
    expect(doctor.items.find((i: { name: string }) => i.name === 'storage version')).toMatchObject({ status: 'error', detail: expect.stringMatching(/upgrade/) });
    expect(fs.readFileSync(p.dbPath).subarray(0, 12)).toEqual(head.subarray(0, 12)); // untouched
  });

  it('a saved plan of the old format (1) is refused with exit 3, saying to plan again', () => {
    const p = makeProject();
    p.write(baseSchema());
    const old = JSON.parse(fs.readFileSync(path.join(GOLDEN, 'plan.json'), 'utf8'));
    old.format_version = 1;
    const file = path.join(p.dir, 'old-plan.json');
    fs.writeFileSync(file, JSON.stringify(old));
    const r = runCli(['apply', file, '-c', p.yamlPath, '--json']);
    expect(r.status).toBe(3);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'E_PLAN_FORMAT', exit_code: 3, hints: [expect.stringMatching(/kuzu-migrate plan --out/)] });
    expect(fs.existsSync(p.dbPath)).toBe(false); // nothing was created
  });

  it('--help teaches, with examples', () => {
    const r = runCli(['plan', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/EXAMPLES/);
    expect(r.stdout).toMatch(/--detailed-exitcode/);
  });
});

describe('a fleet-only YAML (targets:, no database:)', () => {
  it('serves --all and --database; a one-database run is E_CONFIG pointing at them; neither key is E_CONFIG', async () => {
    const dir = tempDir('km-fleet-only-');
    for (const n of ['a', 'b']) await makeDatabase(path.join(dir, 'tenants', `${n}.kuzu`), (e) => e.query('CREATE NODE TABLE P(id INT64, PRIMARY KEY(id))').then(() => undefined));
    const yaml = path.join(dir, 'kuzu-migrate.yaml');
    const schema = 'schema:\n  nodes:\n    P: { primary_key: id, properties: { id: INT64, name: STRING } }\n';
    fs.writeFileSync(yaml, `version: v1.0.0\ntargets: ['tenants/*.kuzu']\n${schema}`);
    expect(runCli(['validate', '-c', yaml]).status).toBe(0);
    const all = runCli(['plan', '--all', '--detailed-exitcode', '-c', yaml]);
    expect(all.stderr).not.toMatch(/E_CONFIG|database/);
    expect(all.status).toBe(2); // both targets need the new property
    expect(runCli(['plan', '--detailed-exitcode', '-d', path.join(dir, 'tenants', 'a.kuzu'), '-c', yaml]).status).toBe(2);
    const single = runCli(['plan', '--json', '-c', yaml]);
    expect(single.status).toBe(65);
    const err = JSON.parse(single.stdout).error;
    expect(err.code).toBe('E_CONFIG');
    expect(err.message).toMatch(/no "database" \(only targets:\)/);
    expect(err.diagnostics[0].hint).toMatch(/--all.*--database/);
    fs.writeFileSync(yaml, `version: v1.0.0\n${schema}`);
    const neither = runCli(['validate', '-c', yaml]);
    expect(neither.status).toBe(65);
    expect(neither.stderr).toMatch(/kuzu-migrate\.yaml:1:1: the configuration is missing "database"/);
  });
});

describe('plan, drift and golden plans', () => {
  async function project() {
    // The base declaration applied by the CLI, with rows: one database per file, copied per case.
    const p = await seededProject();
    const desired = clone(baseSchema()) as any;
    desired.nodes.Requirement.properties.priority = { type: 'INT64', default: 0 };
    delete desired.nodes.Requirement.properties.state;
    desired.nodes.Requirement.properties.status = { type: 'STRING', renamed_from: 'state' };
    delete desired.nodes.Component.properties.owner;
    desired.nodes.Team = { primary_key: 'id', comment: 'who owns what', properties: { id: 'SERIAL', name: 'STRING' } };
    desired.rels.implemented_by.multiplicity = 'MANY_ONE';
    return { p, desired };
  }

  /** Golden output must not depend on the temp folder or the clock. */
  const stable = (s: string, dir: string) => s.split(dir).join('<project>').replace(/"created_at": "[^"]+"/, '"created_at": "<now>"').replace(/"version": "\d+\.\d+\.\d+"/g, '"version": "<v>"')
      // Free disk space differs between machines and runs (lint's rebuild estimate, KM302).
      .replace(/, [\d.]+ [kMGT]?B free/g, ', <free> free').replace(/"disk_free": \d+/g, '"disk_free": null');

  it('drift exits 0 when equal and 2 with differences; plan --detailed-exitcode likewise', async () => {
    const { p, desired } = await project();
    expect(runCli(['drift', '-c', p.yamlPath]).status).toBe(0);
    expect(runCli(['plan', '--detailed-exitcode', '-c', p.yamlPath]).status).toBe(0);
    p.write(desired);
    const d = runCli(['drift', '-c', p.yamlPath, '--json']);
    expect(d.status).toBe(2);
    expect(JSON.parse(d.stdout)).toMatchObject({ drift: true, differences: expect.arrayContaining([expect.objectContaining({ kind: 'drop_property', table: 'Component', property: 'owner' })]) });
    // The drop is destructive and nothing allows it: apply would refuse it, so 1; allowed, 2.
    expect(runCli(['plan', '--detailed-exitcode', '-c', p.yamlPath]).status).toBe(1);
    expect(runCli(['plan', '--detailed-exitcode', '--allow-destructive', '-c', p.yamlPath]).status).toBe(2);
    expect(runCli(['plan', '-c', p.yamlPath]).status).toBe(0);
  });

  it('plan --format json is the golden plan, and the text the CLI prints is rendered from that JSON (UPDATE_GOLDEN=1 rewrites it)', async () => {
    // The renderers themselves are golden-tested in-process (test/unit/render.test.ts) from this file.
    const { p, desired } = await project();
    p.write(desired);
    const json = runCli(['plan', '-c', p.yamlPath, '--format', 'json']);
    expect(json.status).toBe(0);
    golden('plan.json', stable(json.stdout, p.dir));
    const doc = JSON.parse(json.stdout);
    expect(doc.summary).toEqual({ create: 1, update: 1, delete: 1, replace: 2, destructive: 2, total: 5 });
    const text = runCli(['plan', '-c', p.yamlPath, '--statements']);
    expect(text.status).toBe(0);
    // Paths relative to the YAML, as the CLI shows them; the free disk space may change between the
    // two runs on a busy disk (KM302's estimate), so it is masked on both sides.
    expect(stable(text.stdout, p.dir)).toBe(stable(renderText(doc, { statements: true, baseDir: p.dir }), p.dir));
  });
});

describe('--version', () => {
  it("prints oclif's user-agent line (package name/version platform-arch node-version) without loading oclif", () => {
    const r = runCli(['--version']);
    expect(r.status).toBe(0);
    const pjson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { name: string; version: string };
    expect(r.stdout).toBe(`${pjson.name}/${pjson.version} ${process.platform}-${process.arch} node-${process.version}\n`);
    // The same line oclif prints itself (it handles `--version` with any other argument).
    expect(runCli(['--version', '--bogus']).stdout).toBe(r.stdout);
  });
});

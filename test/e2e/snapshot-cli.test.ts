/**
 * The snapshot commands through the built CLI (run `npm run build` first): happy paths and every
 * documented refusal, with exit codes and messages; manifests are checked against
 * schemas/manifest.schema.json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv/dist/2020';
import { loadDataset, makeDatabase, REPO_ROOT, runCli, tempDir } from '../helpers/db';

const YAML = `version: v1.0.0
database: ./db/graph.kuzu
migrations: ./migrations
backups: ./backups
schema:
  nodes:
    User:
      primary_key: name
      properties:
        name: STRING
        age: INT64
    City:
      primary_key: name
      properties:
        name: STRING
        population: INT64
  rels:
    Follows:
      from: User
      to: User
      properties:
        since: INT64
    LivesIn:
      from: User
      to: City
checks:
  - name: everyone is over 45
    query: MATCH (u:User) WHERE u.age < 45 RETURN count(*) = 0
  - name: nobody is 99
    query: MATCH (u:User) WHERE u.age = 99 RETURN count(*) = 0
`;

describe('snapshot commands (built CLI)', () => {
  const dir = tempDir('km-e2e-snap-');
  const db = path.join(dir, 'db', 'graph.kuzu');
  const cli = (...args: string[]) => runCli(args, { cwd: dir });
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validateManifest = ajv.compile(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'schemas', 'manifest.schema.json'), 'utf8')));

  beforeAll(async () => {
    fs.writeFileSync(path.join(dir, 'kuzu-migrate.yaml'), YAML);
    fs.mkdirSync(path.dirname(db), { recursive: true });
    await makeDatabase(db, (e) => loadDataset(e, 'demo-db'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('export writes a complete version; the manifest follows its JSON schema', () => {
    const r = cli('export', '--version', 'v1.0.0', '--format', 'csv', '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.rows).toBeGreaterThan(0);
    const vdir = path.join(dir, 'migrations', 'v1.0.0');
    for (const f of ['schema.cypher', 'copy.cypher', 'manifest.json', 'CHANGELOG.md', 'nodes/User.csv', 'rels/LivesIn/User-City.csv']) expect(fs.existsSync(path.join(vdir, f))).toBe(true);
    const manifest = JSON.parse(fs.readFileSync(path.join(vdir, 'manifest.json'), 'utf8'));
    expect(validateManifest(manifest)).toBe(true);
    expect(fs.readdirSync(path.join(dir, 'migrations')).filter((e) => e.includes('partial'))).toEqual([]);
  });

  test('an existing version is never overwritten (exit 3)', () => {
    const r = cli('export', '--version', 'v1.0.0');
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/version v1\.0\.0 already exists .* a snapshot is never overwritten/);
  });

  test.each([['../x'], ['v1.0.0/../..'], ['/tmp/evil'], ['v1.0'], ['1.0.0']])('version name %s is a usage error (exit 64), nothing written', (v) => {
    const r = cli('export', '--version', v);
    expect(r.status).toBe(64);
    expect(r.stderr).toMatch(/is not a version name/);
    expect(fs.readdirSync(path.join(dir, 'migrations')).sort()).toEqual(['v1.0.0']);
    expect(cli('import', '--version', v).status).toBe(64);
  });

  test('second version, list marks the live one, diff shows changes', async () => {
    expect(cli('export', '--version', 'v1.1.0').status).toBe(0);
    const l = cli('list', '--json');
    expect(l.status).toBe(0);
    const list = JSON.parse(l.stdout);
    expect(list.versions.map((v: { version: string }) => v.version)).toEqual(['v1.0.0', 'v1.1.0']);
    expect(list.versions.every((v: { current: boolean }) => v.current)).toBe(true);
    expect(cli('list').stdout).toMatch(/\* v1\.1\.0/);
    const d = cli('diff', 'v1.0.0', '--declared', '--format', 'json');
    expect(d.status).toBe(0);
    const diff = JSON.parse(d.stdout);
    expect(diff.patch).toContain('v1.0.0/schema.cypher');
    expect(cli('diff', 'v1.0.0', 'v1.1.0').stdout).toMatch(/No schema changes/);
    expect(cli('diff', 'v1.0.0').status).toBe(64);
  });

  test('import into a new file verifies; into a non-empty one is refused (exit 3); --force backs up', () => {
    const target = path.join(dir, 'restored.kuzu');
    const r = cli('import', '--version', 'v1.0.0', '--database', target);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/verified against the manifest/);
    const again = cli('import', '--version', 'v1.0.0', '--database', target);
    expect(again.status).toBe(3);
    expect(again.stderr).toMatch(/is not empty; import loads only into an empty or new database/);
    expect(again.stderr).toMatch(/hint: pass --force/);
    const forced = cli('import', '--version', 'v1.1.0', '--database', target, '--force', '--json');
    expect(forced.status).toBe(0);
    expect(JSON.parse(forced.stdout).backup).toMatch(/import/);
    expect(fs.readdirSync(dir).filter((e) => e.startsWith('_km_'))).toEqual([]);
  });

  test('verify: declaration and version pass except the failing YAML check (exit 1, each failure listed)', () => {
    const r = cli('verify', '--version', 'v1.0.0', '--json');
    const res = JSON.parse(r.stdout);
    const failed = res.checks.filter((c: { ok: boolean }) => !c.ok).map((c: { name: string }) => c.name);
    expect(failed).toEqual(['check everyone is over 45']);
    expect(r.status).toBe(1);
  });

  test('damaged snapshot: checksum mismatch and missing file are named, exit 1, nothing changed', () => {
    const target = path.join(dir, 'never.kuzu');
    const v = path.join(dir, 'migrations', 'v1.1.0');
    const file = path.join(v, 'nodes', 'City.parquet');
    const saved = fs.readFileSync(file);
    fs.appendFileSync(file, 'x');
    let r = cli('import', '--version', 'v1.1.0', '--database', target);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/snapshot v1\.1\.0 is damaged, nothing was changed:\n\s+nodes\/City\.parquet has \d+ bytes, the manifest says/);
    fs.writeFileSync(file, Buffer.concat([saved.subarray(0, saved.length - 1), Buffer.from([saved[saved.length - 1] ^ 1])]));
    r = cli('import', '--version', 'v1.1.0', '--database', target);
    expect(r.stderr).toMatch(/nodes\/City\.parquet does not match its checksum/);
    fs.rmSync(file);
    r = cli('import', '--version', 'v1.1.0', '--database', target);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/nodes\/City\.parquet is missing/);
    expect(fs.existsSync(target)).toBe(false);
    fs.writeFileSync(file, saved);
  });

  test('unwritable migrations folder: clear error, exit 1', () => {
    // Tests run as root, where chmod 555 does not stop writes: the folder is put under a regular
    // FILE instead, so creating it fails with ENOTDIR.
    const blocker = path.join(dir, 'blocker');
    fs.writeFileSync(blocker, '');
    const yaml = path.join(dir, 'blocked.yaml');
    fs.writeFileSync(yaml, YAML.replace('migrations: ./migrations', 'migrations: ./blocker/migrations'));
    const r = cli('export', '--version', 'v2.0.0', '-c', yaml);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot write the migrations folder .*blocker\/migrations: a part of the path is a file, not a folder/);
    const doc = cli('doctor', '-c', yaml, '--json');
    expect(doc.status).toBe(1);
    const items = JSON.parse(doc.stdout).items;
    expect(items.find((i: { name: string }) => i.name === 'write permission: migrations folder').status).toBe('error');
  });

  test('doctor: ok on a healthy setup; reports storage version, leftovers and a stale lock', () => {
    let r = cli('doctor', '--json');
    expect(r.status).toBe(0);
    let items = JSON.parse(r.stdout).items as { name: string; status: string; detail: string }[];
    expect(items.find((i) => i.name === 'storage version')!.detail).toMatch(/^39/);
    fs.mkdirSync(path.join(dir, 'migrations', '.v9.9.9.partial-12345'));
    fs.writeFileSync(`${db}.lock`, JSON.stringify({ id: 'abc', pid: 999999, host: require('node:os').hostname(), command: 'apply', started_at: '' }));
    r = cli('doctor', '--json');
    expect(r.status).toBe(0);
    items = JSON.parse(r.stdout).items;
    expect(items.find((i) => i.name === 'leftover staging files')!.status).toBe('warning');
    expect(items.find((i) => i.name === 'lock')!.detail).toMatch(/stale lock abc/);
    fs.rmSync(`${db}.lock`);
    fs.rmSync(path.join(dir, 'migrations', '.v9.9.9.partial-12345'), { recursive: true });
  });
});

/** Resolving `targets:` on real files: globs, an inventory file, a command, ${VAR}, symlinks, errors. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../../src/config/config';
import { KuzuMigrateError } from '../../src/core/errors';
import { resolveTargets, targetBackups, targetKey } from '../../src/fleet/targets';
import { tempDir } from '../helpers/db';

const dir = tempDir('km-targets-');
const touch = (p: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
  fs.writeFileSync(path.join(dir, p), 'x');
};

function config(targets: unknown, file = 'kuzu-migrate.yaml') {
  const yaml = `version: v1.0.0\ndatabase: ./dev.kuzu\ntargets: ${JSON.stringify(targets)}\nschema:\n  nodes:\n    T:\n      primary_key: id\n      properties:\n        id: INT64\n`;
  fs.writeFileSync(path.join(dir, file), yaml);
  return loadConfig(path.join(dir, file));
}

function error(fn: () => unknown): KuzuMigrateError {
  try {
    fn();
  } catch (e) {
    if (e instanceof KuzuMigrateError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

beforeAll(() => {
  for (const p of ['tenants/a.kuzu', 'tenants/b.kuzu', 'tenants/b.kuzu.wal', 'tenants/c.kuzu.lock', 'eu/x.kuzu', 'us/y.kuzu']) touch(p);
  fs.symlinkSync(path.join(dir, 'tenants', 'a.kuzu'), path.join(dir, 'alias.kuzu'));
  fs.writeFileSync(path.join(dir, 'inventory.json'), JSON.stringify(['eu/x.kuzu', { path: 'us/y.kuzu' }]));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('globs skip companion files; an inventory file and a command add theirs; one file is one target', () => {
  const c = config(['tenants/*', { file: 'inventory.json' }, { command: 'echo alias.kuzu; echo tenants/b.kuzu' }]);
  const t = resolveTargets(c);
  expect(t.map((x) => x.key)).toEqual(['eu/x.kuzu', 'tenants/a.kuzu', 'tenants/b.kuzu', 'us/y.kuzu']);
  expect(t.every((x) => path.isAbsolute(x.path))).toBe(true);
});

test('a command may print a JSON array; ${VAR} is expanded and an unset one is exit 65', () => {
  expect(resolveTargets(config([{ command: 'echo \'["eu/x.kuzu"]\'' }])).map((x) => x.key)).toEqual(['eu/x.kuzu']);
  expect(resolveTargets(config(['${KM_REGION}/*.kuzu']), { ...process.env, KM_REGION: 'us' }).map((x) => x.key)).toEqual(['us/y.kuzu']);
  const e = error(() => resolveTargets(config(['${KM_UNSET_REGION}/*.kuzu']), {}));
  expect(e.exitCode).toBe(65);
  expect(e.message).toMatch(/KM_UNSET_REGION is not set/);
});

test('errors name the spec: no match (64), failing command (65), bad inventory (65), no targets (64)', () => {
  expect(error(() => resolveTargets(config(['nowhere/*.kuzu']))).exitCode).toBe(64);
  const cmd = error(() => resolveTargets(config([{ command: 'echo boom >&2; exit 3' }])));
  expect([cmd.exitCode, cmd.message]).toEqual([65, expect.stringMatching(/exit 3\): boom/)]);
  fs.writeFileSync(path.join(dir, 'bad.json'), '{"not": "an array"}');
  expect(error(() => resolveTargets(config([{ file: 'bad.json' }]))).message).toMatch(/not a JSON array/);
  expect(error(() => resolveTargets(config([{ file: 'missing.json' }]))).exitCode).toBe(65);
  const none = loadConfig(path.join(dir, 'kuzu-migrate.yaml'));
  expect(error(() => resolveTargets({ ...none, targets: null })).exitCode).toBe(64);
});

test('keys do not depend on the checkout: outside the YAML folder a target is named by its absolute path', () => {
  expect(targetKey('/ci/runner-7/work/repo', '/ci/runner-7/work/repo/tenants/a.kuzu')).toBe('tenants/a.kuzu');
  expect(targetKey('/ci/runner-7/work/repo', '/srv/kuzu/a.kuzu')).toBe('/srv/kuzu/a.kuzu');
  expect(targetKey('/ci/runner-2/x/repo', '/srv/kuzu/a.kuzu')).toBe('/srv/kuzu/a.kuzu');
  // Backups folders are one level, distinct for keys that sanitise alike.
  const a = targetBackups('/b', 'a/b.kuzu');
  const b = targetBackups('/b', 'a_b.kuzu');
  expect(path.dirname(a)).toBe('/b');
  expect(a).not.toBe(b);
  expect(path.basename(targetBackups('/b', '../../etc/passwd'))).not.toMatch(/\.\.|\//);
});

test('the YAML schema accepts targets at top level and per environment, and rejects a bad entry with file:line', () => {
  fs.writeFileSync(path.join(dir, 'env.yaml'), 'version: v1.0.0\ndatabase: ./dev.kuzu\ntargets: ["tenants/*"]\nenvironments:\n  eu:\n    targets: [{file: inventory.json}]\nschema:\n  nodes:\n    T:\n      primary_key: id\n      properties:\n        id: INT64\n');
  const eu = loadConfig(path.join(dir, 'env.yaml'), { env: 'eu' });
  expect(resolveTargets(eu).map((x) => x.key)).toEqual(['eu/x.kuzu', 'us/y.kuzu']);
  fs.writeFileSync(path.join(dir, 'badtargets.yaml'), 'version: v1.0.0\ndatabase: ./dev.kuzu\ntargets:\n  - {glob: "x"}\nschema:\n  nodes:\n    T:\n      primary_key: id\n      properties:\n        id: INT64\n');
  const e = error(() => loadConfig(path.join(dir, 'badtargets.yaml')));
  expect(e.exitCode).toBe(65);
  expect(e.message).toMatch(/badtargets\.yaml:4:\d+/);
});

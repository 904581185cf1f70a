/**
 * The pure rules behind the plan contract: policy and version findings, finding formatting, the
 * history merge, rollback targets of adopted databases and backups, and the
 * YAML checks that need no database (bare-word defaults, ${VAR} in paths, create).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Change } from '../../src/core/changes';
import { formatFinding, sortFindings, Finding } from '../../src/core/findings';
import { compareVersions, policyFindings, versionFindings } from '../../src/core/rules';
import { mergeHistory } from '../../src/state/history-log';
import { HistoryEntry } from '../../src/state/history';
import { findBackupTarget, findRollbackTarget } from '../../src/apply/rollback';
import { BackupManifest } from '../../src/state/backup';
import { validateConfig } from '../../src/config/config';

const change = (kind: Change['kind'], table: string, property?: string, destructive = true): Change =>
  ({ kind, table, table_kind: 'node', ...(property ? { property } : {}), action: 'delete', destructive, in_place: true, reason: '', rows_affected: 2 }) as Change;

describe('policy findings', () => {
  const changes = [change('drop_property', 'Component', 'owner'), change('drop_table', 'Old'), change('add_property', 'Component', 'team', false)];
  test.each<[string, boolean | string[], string | null, string[]]>([
    ['nothing allowed', false, 'prod', ['Component.owner', 'Old']],
    ['all allowed', true, 'prod', []],
    ['a table covers its properties', ['component'], null, ['Old']],
    ['one property', ['Component.owner'], null, ['Old']],
    ['another property does not', ['Component.team'], null, ['Component.owner', 'Old']],
  ])('%s', (_n, allow, env, refused) => {
    const fs = policyFindings(changes, allow, env);
    expect(fs.map((f) => (f.property ? `${f.table}.${f.property}` : f.table))).toEqual(refused);
    for (const f of fs) expect(f).toMatchObject({ code: 'policy-refused', severity: 'error' });
  });
  it('names the environment and the change', () => {
    expect(policyFindings(changes, false, 'prod')[0].message).toBe('refused by policy of env prod: drop_property Component.owner (2 rows)');
    expect(policyFindings(changes, false, null)[0].hint).toContain('--allow-destructive=Component.owner');
  });
});

describe('versions', () => {
  test.each<[string, string, number | null]>([
    ['v1.2.3', 'v1.2.3', 0],
    ['v1.10.0', 'v1.9.9', 1],
    ['v0.9.0', 'v1.0.0', -1],
    ['v2.0.0', 'junk', null],
  ])('compareVersions(%s, %s) = %s', (a, b, r) => expect(compareVersions(a, b)).toBe(r));

  const h = (version: string, fp: string) => ({ version, desired_fingerprint: fp, operation: 'apply' });
  test.each<[string, ReturnType<typeof h>[], string, string, boolean, string[]]>([
    ['no history', [], 'v1.0.0', 'A', false, []],
    ['same version, same schema', [h('v1.0.0', 'A')], 'v1.0.0', 'A', false, []],
    ['same version, other schema', [h('v1.0.0', 'A')], 'v1.0.0', 'B', false, ['version-reused']],
    ['same version, other schema, allowed', [h('v1.0.0', 'A')], 'v1.0.0', 'B', true, []],
    ['a version earlier in the history reused', [h('v1.0.0', 'A'), h('v1.1.0', 'B')], 'v1.1.0', 'C', false, ['version-reused']],
    ['lower than live', [h('v1.0.0', 'A'), h('v2.0.0', 'B')], 'v1.5.0', 'C', true, ['version-downgrade']],
    ['higher', [h('v1.0.0', 'A')], 'v1.1.0', 'B', false, []],
  ])('%s', (_n, history, declared, fp, allow, codes) => {
    expect(versionFindings(history, declared, fp, { allowSameVersion: allow }).map((f) => f.code)).toEqual(codes);
  });
  it('the downgrade hint names rollback', () => {
    expect(versionFindings([h('v2.0.0', 'A')], 'v1.0.0', 'B')[0].hint).toContain('kuzu-migrate rollback v1.0.0');
  });
});

describe('findings', () => {
  it('format with code, location and hint; sort errors first', () => {
    const a: Finding = { code: 'using-invalid', severity: 'error', message: 'm', hint: 'h', source: { file: 'k.yaml', line: 3, column: 5 } };
    const b: Finding = { code: 'a-warning', severity: 'warning', message: 'w' };
    expect(formatFinding(a)).toBe('[error using-invalid] k.yaml:3:5: m\n  hint: h');
    expect(sortFindings([b, a]).map((f) => f.code)).toEqual(['using-invalid', 'a-warning']);
  });
});

const entry = (id: string, version: string, at: string, backup = '', operation = 'apply'): HistoryEntry => ({
  id,
  version,
  applied_at: at,
  duration_ms: 1,
  live_fingerprint: '',
  desired_fingerprint: '',
  strategy: 'in_place',
  changes: 1,
  tool_version: '',
  kuzu_version: '',
  backup_id: backup,
  operation,
});

describe('history merge', () => {
  it('keeps entries only the log has, marked rolled back, in time order', () => {
    const a = entry('a', 'v1.0.0', '2025-01-01');
    const b = entry('b', 'v1.1.0', '2025-01-02');
    const r = entry('r', 'v1.0.0', '2025-01-03', '', 'rollback');
    const merged = mergeHistory([a, r], [a, b, r].map((e) => ({ ...e, database: '/x' })));
    expect(merged.map((e) => `${e.id}:${e.rolled_back}`)).toEqual(['a:false', 'b:true', 'r:false']);
    expect(merged[1]).not.toHaveProperty('database');
  });
});

describe('rollback targets', () => {
  const backup = (id: string, version: string | null): BackupManifest => ({ id, version, created_at: '2025-01-01', reason: 'apply', file: 'graph.kuzu', size: 1, sha256: '' }) as unknown as BackupManifest;
  it('an adopted database: the first apply took a backup without version; an older version names it', () => {
    const history = [entry('a', 'v0.2.0', '2025-01-02', 'B1')];
    const t = findRollbackTarget(history, 'v0.1.0', [backup('B1', null)], false);
    expect(t).toMatchObject({ source: 'backup', backup_id: 'B1' });
    expect(findRollbackTarget(history, 'v0.3.0', [backup('B1', null)], false)).toBeNull();
    expect(findRollbackTarget(history, 'v0.2.0', [backup('B1', null)], false)).toBe('current');
  });
  it('--last is the backup of the last apply; --backup ID that backup; else a reason', () => {
    const history = [entry('a', 'v1.0.0', '1', 'B1'), entry('b', 'v1.0.0', '2', 'B2'), entry('r', 'v1.0.0', '3', 'B3', 'rollback')];
    const backups = [backup('B1', 'v0.9.0'), backup('B2', 'v1.0.0'), backup('B3', 'v1.0.0')];
    expect(findBackupTarget(history, backups, { last: true })).toMatchObject({ backup_id: 'B2', version: 'v1.0.0' });
    expect(findBackupTarget(history, backups, { backup: 'B1' })).toMatchObject({ backup_id: 'B1', version: 'v0.9.0' });
    expect(findBackupTarget(history, backups, { backup: 'nope' })).toMatch(/there is no backup nope/);
    expect(findBackupTarget([], backups, { last: true })).toMatch(/no apply that took a backup/);
  });
});

describe('YAML checks that need no database', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'km-unit-contract-'));
  const check = (body: string, env: Record<string, string | undefined> = {}) => {
    const file = path.join(dir, 'kuzu-migrate.yaml');
    fs.writeFileSync(file, body);
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
    try {
      return validateConfig(file);
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  const schema = (def: string) => `version: v1.0.0\ndatabase: ./db.kuzu\nschema:\n  nodes:\n    A:\n      primary_key: id\n      properties:\n        id: INT64\n        s: { type: STRING, default: ${def} }\n`;
  test.each([
    ['draft', true],
    ['"draft"', true],
    ["\"'draft'\"", false],
    ['current_date()', false],
    ['"NULL"', false],
    ['true', false],
  ])('default %s: a bare word is an error with a hint', (def, bad) => {
    const r = check(schema(def));
    const ds = r.diagnostics.filter((d) => /Cypher variable/.test(d.message));
    expect(ds.length).toBe(bad ? 1 : 0);
    if (bad) expect(ds[0]).toMatchObject({ line: 9, hint: expect.stringContaining(`default: "'draft'"`) });
  });
  it('${VAR} in database is expanded; unset is a diagnostic at the key; create and its origin are resolved', () => {
    const body = 'version: v1.0.0\ndatabase: ${KM_UNIT_DIR}/g.kuzu\ncreate: true\nenvironments:\n  prod:\n    database: ./prod.kuzu\n    create: false\nschema:\n  nodes: {}\n';
    const ok = check(body, { KM_UNIT_DIR: '/data/x' });
    expect(ok.config).toMatchObject({ database: '/data/x/g.kuzu', create: true, databaseOrigin: expect.stringMatching(/^from database: "\$\{KM_UNIT_DIR\}\/g\.kuzu" at .*kuzu-migrate\.yaml:2:11/) });
    const unset = check(body, { KM_UNIT_DIR: undefined });
    expect(unset.config).toBeNull();
    expect(unset.diagnostics).toEqual([expect.objectContaining({ line: 2, message: '${KM_UNIT_DIR} in database is not set in the environment' })]);
    // the environment's database and create win; the top-level ${VAR} is not needed then
    const prod = validateConfig(path.join(dir, 'kuzu-migrate.yaml'), { env: 'prod' });
    expect(prod.config).toMatchObject({ database: path.join(dir, 'prod.kuzu'), create: false, databaseOrigin: expect.stringMatching(/^from environments\.prod\.database/) });
  });
});

/** Pure parts of snapshots: version names, escaping, file names, changelog, manifest checks. */
import { Change } from '../../src/core/changes';
import { ExitCode, KuzuMigrateError } from '../../src/core/errors';
import { renderChangelog } from '../../src/snapshot/changelog';
import { columnCodec, escapeText, unescapeText } from '../../src/snapshot/codec';
import { manifestProblem, nodeFilePath, relFilePath } from '../../src/snapshot/manifest';
import { fingerprintStyle, rowEntry } from '../../src/snapshot/content';
import { checkVersionName, compareVersions, previousVersion, versionDir } from '../../src/snapshot/version-name';
import { cypherStatements } from '../../src/snapshot/import';
import { adaptStatement, exactFloatText } from '../../src/engines/dialect';
import { findRelease } from '../../src/engines/releases';

describe('version names', () => {
  test.each(['v1.0.0', 'v0.0.1', 'v10.20.30'])('%s is valid', (v) => expect(checkVersionName(v)).toBe(v));
  test.each(['../x', 'v1.0.0/../..', '/abs', 'v1.0', '1.0.0', 'v1.0.0 ', 'v01.0.0', 'v1.0.0-rc1', '', '.', 'v1.0.0/x'])('%j is a usage error', (v) => {
    try {
      checkVersionName(v);
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(KuzuMigrateError);
      expect((err as KuzuMigrateError).exitCode).toBe(ExitCode.Usage);
    }
  });
  test('versionDir stays inside migrations', () => {
    expect(versionDir('/m', 'v1.2.3')).toBe('/m/v1.2.3');
    expect(() => versionDir('/m', '../v1.2.3')).toThrow(/not a version name/);
  });
  test('ordering and previous version', () => {
    expect(compareVersions('v1.10.0', 'v1.9.0')).toBeGreaterThan(0);
    expect(previousVersion(['v1.0.0', 'v1.9.0', 'v1.10.0', 'junk', '.v1.0.0.partial-1'], 'v1.10.0')).toBe('v1.9.0');
    expect(previousVersion(['v2.0.0'], 'v1.0.0')).toBeNull();
  });
});

describe('escaping', () => {
  test.each(['', 'plain', 'a,b]c[d{e}f(g)h', `'"\\`, ' lead and trail ', '%5B literal', 'tab\tnl\ncr\r', 'colon: x', 'héllo ☃'])('%j round-trips and contains no special character', (s) => {
    const e = escapeText(s);
    expect(unescapeText(e)).toBe(s);
    expect(e).not.toMatch(/[[\]{}(),'"\\\s:]/);
  });
});

describe('codec classification', () => {
  test.each([
    ['INT64', 'csv', 'native'],
    ['INT64', 'parquet', 'native'],
    ['DOUBLE', 'csv', 'quoted'],
    ['DOUBLE', 'parquet', 'native'],
    ['STRING', 'csv', 'quoted'],
    ['STRING', 'parquet', 'native'],
    ['INT128', 'parquet', 'quoted'],
    ['DECIMAL(18, 4)', 'parquet', 'quoted'],
    ['INTERVAL', 'parquet', 'quoted'],
    ['STRUCT(a STRING, b STRUCT(c INT64))', 'parquet', 'quoted'],
    ['UUID', 'parquet', 'quoted'],
    // Lists without a list lambda where a format allows (lambdas are wrong past 2,048 elements).
    ['INT64[]', 'parquet', 'native'],
    ['FLOAT[1536]', 'parquet', 'native'],
    ['STRING[][]', 'parquet', 'native'],
    ['INT128[]', 'parquet', 'quoted'],
    ['INT64[]', 'csv', 'list_text'],
    ['DATE[3]', 'csv', 'list_text'],
    ['INT64[][]', 'csv', 'quoted'],
    ['DOUBLE[]', 'csv', 'quoted'],
  ] as const)('%s in %s is %s', (type, format, mode) => expect(columnCodec(type, format).mode).toBe(mode));
});

describe('file names', () => {
  test('rel files cannot collide (Kuzu EXPORT writes A_B_C_D for both)', () => {
    expect(relFilePath('A_B', 'C', 'D', 'csv')).not.toBe(relFilePath('A', 'B_C', 'D', 'csv'));
    expect(nodeFilePath('User', 'parquet')).toBe('nodes/User.parquet');
  });
});

describe('changelog', () => {
  const change: Change = { kind: 'add_property', table: 'Requirement', table_kind: 'node', property: 'due', to: 'DATE', action: 'create', destructive: false, in_place: true, reason: '' };
  test('lists changes since the previous version', () => {
    const md = renderChangelog({ version: 'v4.1.0', previous: 'v4.0.0', changes: [change], date: new Date('2025-01-02T00:00:00Z'), tables: 2, rows: 10 });
    expect(md).toContain('# v4.1.0 (2025-01-02)');
    expect(md).toContain('Schema changes since v4.0.0:');
    expect(md).toContain('- `+` add property Requirement.due DATE');
  });
  test('first snapshot', () => {
    expect(renderChangelog({ version: 'v1.0.0', previous: null, changes: [], date: new Date(0), tables: 1, rows: 1 })).toContain('First snapshot: 1 table, 1 row.');
  });
});

describe('manifest checks', () => {
  const ok = { format_version: 1, files: [{ path: 'nodes/A.csv' }], tables: [], schema: { nodes: [], rels: [] } };
  test('accepts a well-formed manifest', () => expect(manifestProblem(ok)).toBeNull());
  test.each(['../x', '/etc/passwd', 'a/../../b'])('refuses file path %s', (p) => expect(manifestProblem({ ...ok, files: [{ path: p }] })).toMatch(/leaves the version folder/));
  test('reads format 1 (per-property fingerprints, `encoded` nested values) and 2 (whole-row, `quoted`)', () => {
    expect(manifestProblem({ ...ok, format_version: 1 })).toBeNull();
    expect(manifestProblem({ ...ok, format_version: 2 })).toBeNull();
  });
  test.each([3, 0, '2', undefined])('refuses format_version %p', (v) => expect(manifestProblem({ ...ok, format_version: v })).toMatch(/format_version/));
});

describe('manifest fingerprint style (format 2 whole-row, format 1 per property)', () => {
  const fp = (keys: string[]) => ({ table: 'T', kind: 'node' as const, rows: 3, properties: Object.fromEntries(keys.map((k) => [k, { hash: '1', non_null: 3 }])) });
  test.each([
    [['_row'], 'row'],
    [['_keys', 'a', 'b'], 'columns'],
    // A format-1 table without properties still has its keys entry.
    [['_keys'], 'columns'],
    // A property named _row beside the keys is format 1's.
    [['_keys', '_row'], 'columns'],
  ] as const)('%j is %s', (keys, style) => expect(fingerprintStyle(fp([...keys]))).toBe(style));
  test('rowEntry is what rowFingerprintTable returns: rows as non_null under _row', () =>
    expect(rowEntry('T', 'rel', 5, '42')).toEqual({ table: 'T', kind: 'rel', rows: 5, properties: { _row: { hash: '42', non_null: 5 } } }));
});

test('schema.cypher splits into statements', () => {
  expect(cypherStatements("CREATE NODE TABLE `A` (`x` STRING DEFAULT 'a;b', PRIMARY KEY (`x`));\nCOMMENT ON TABLE `A` IS 'c';\n")).toEqual([
    "CREATE NODE TABLE `A` (`x` STRING DEFAULT 'a;b', PRIMARY KEY (`x`))",
    "COMMENT ON TABLE `A` IS 'c'",
  ]);
});

describe('engine dialect: to_json for releases without it', () => {
  const old = findRelease('kuzu@0.10.1')!;
  test('every to_json(...) the codec writes is replaced, whatever its argument', () => {
    const codec = columnCodec('STRUCT(x DOUBLE, y DOUBLE[])', 'csv');
    const statement = `COPY (MATCH (n:T) RETURN ${codec.encode('n.`odd name`')}) TO 'f.csv'`;
    expect(statement).toMatch(/to_json\(/);
    const adapted = adaptStatement(old, statement);
    expect(adapted).not.toMatch(/to_json\(/i);
    const args = [...statement.matchAll(/to_json\(([^()]*)\)/g)].map((m) => m[1]);
    expect(args).toHaveLength(2); // the DOUBLE field and the DOUBLE[] elements
    for (const a of args) expect(adapted).toContain(exactFloatText(a));
  });
  test('parentheses inside string literals do not end the argument', () => {
    expect(adaptStatement(old, "RETURN to_json(f(')', x)) AS a, to_json(y) AS b")).toBe(`RETURN ${exactFloatText("f(')', x)")} AS a, ${exactFloatText('y')} AS b`);
  });
  test('a release with to_json keeps the statement', () => {
    const s = 'RETURN to_json(1.5)';
    expect(adaptStatement(findRelease('kuzu@0.11.3')!, s)).toBe(s);
  });
});

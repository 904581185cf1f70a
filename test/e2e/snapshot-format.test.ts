/**
 * Snapshot manifest formats through the built CLI (run `npm run build` first).
 *
 * Format 1 (one fingerprint per property, written before issue 14): the fixture
 * test/fixtures/snapshot-format1/v1.0.0 was written by kuzu-migrate at commit 6d5b601 from the
 * database STATEMENTS builds; it must still import, verify (per property, naming the column) and
 * diff. Format 2 (one whole-row fingerprint per table): `verify` must catch a changed, lost or
 * shifted value in any property of a node or rel table and name the column (drilled down against
 * the snapshot's files), and `import` must refuse a data file that no longer holds what was
 * exported. Every table has 5,000 rows (> 2 × Kuzu's vector size); results are judged in Kuzu.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { withEngine } from '../../src/kuzu/engine';
import { dumpDatabase } from '../helpers/canonical';
import { makeDatabase, REPO_ROOT, runCli, tempDir } from '../helpers/db';

/** The fixture's source database (gen script: these statements, then `export v1.0.0` at 6d5b601). */
const STATEMENTS = [
  'CREATE NODE TABLE P(id INT64 PRIMARY KEY, name STRING, score DOUBLE, tags INT64[], s STRUCT(a INT64, b STRING))',
  'CREATE REL TABLE K(FROM P TO P, w INT32)',
  "UNWIND range(0, 4999) AS i CREATE (:P {id: i, name: concat('p', CAST(i AS STRING)), score: CASE WHEN i % 7 = 0 THEN NULL ELSE i / 3.0 END, tags: [i, i % 5], s: {a: i, b: CASE WHEN i % 11 = 0 THEN NULL ELSE 'b' END}})",
  'COPY K FROM (UNWIND range(0, 4999) AS j RETURN j, (j * 7 + 3) % 5000, CAST(j % 100 AS INT32))',
];

const yaml = (database: string) => `version: v1.0.0
database: ${database}
migrations: ./migrations
backups: ./backups
schema:
  nodes:
    P:
      primary_key: id
      properties:
        id: INT64
        name: STRING
        score: DOUBLE
        tags: INT64[]
        s: STRUCT(a INT64, b STRING)
  rels:
    K:
      from: P
      to: P
      properties:
        w: INT32
`;

type Check = { name: string; ok: boolean; problems: string[] };

describe('snapshot manifest formats (built CLI)', () => {
  const dir = tempDir('km-e2e-snapfmt-');
  const source = path.join(dir, 'source.kuzu');
  const cli = (...args: string[]) => runCli(args, { cwd: dir });
  const query = (db: string, q: string) => withEngine(db, {}, (e) => e.query(q));
  /** The failing checks of `verify <version>` on the YAML's database, with the exit code. */
  const verify = (version: string) => {
    const r = cli('verify', '--version', version, '--json');
    return { status: r.status, failed: (JSON.parse(r.stdout).checks as Check[]).filter((c) => !c.ok) };
  };

  beforeAll(async () => {
    await makeDatabase(source, async (e) => {
      for (const s of STATEMENTS) await e.query(s);
    });
    fs.mkdirSync(path.join(dir, 'migrations'));
    fs.cpSync(path.join(REPO_ROOT, 'test', 'fixtures', 'snapshot-format1', 'v1.0.0'), path.join(dir, 'migrations', 'v1.0.0'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'kuzu-migrate.yaml'), yaml('./source.kuzu'));
  }, 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('format 1: imports to the exact database, verifies per property (naming a changed column), diffs', async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'migrations', 'v1.0.0', 'manifest.json'), 'utf8'));
    expect(manifest.format_version).toBe(1);
    expect(Object.keys(manifest.tables[0].fingerprint.properties)).toContain('_keys');
    const restored = path.join(dir, 'restored1.kuzu');
    const r = cli('import', 'v1.0.0', '--database', restored);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(await dumpDatabase(restored)).toEqual(await dumpDatabase(source));
    // verify runs against the YAML's database: point it at the restored file.
    fs.writeFileSync(path.join(dir, 'kuzu-migrate.yaml'), yaml('./restored1.kuzu'));
    try {
      expect(verify('v1.0.0')).toEqual({ status: 0, failed: [] });
      await query(restored, "MATCH (p:P {id: 4321}) SET p.name = 'changed'");
      const v = verify('v1.0.0');
      expect(v.status).toBe(1);
      expect(v.failed.map((c) => c.problems).flat()).toEqual([expect.stringMatching(/^P\.name: content differs/)]);
    } finally {
      fs.writeFileSync(path.join(dir, 'kuzu-migrate.yaml'), yaml('./source.kuzu'));
    }
    // A format-2 version of the same database: diff between the two formats reads both.
    expect(cli('export', 'v1.0.1').status).toBe(0);
    const d = cli('diff', 'v1.0.0', 'v1.0.1');
    expect(d.status).toBe(0);
    expect(d.stdout).toMatch(/No schema changes/);
  }, 120_000);

  test('format 2: one whole-row fingerprint per table; verify names a changed, lost or shifted value of a node or rel column', async () => {
    expect(cli('export', 'v2.0.0').status).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'migrations', 'v2.0.0', 'manifest.json'), 'utf8'));
    expect(manifest.format_version).toBe(2);
    for (const t of manifest.tables) {
      expect(Object.keys(t.fingerprint.properties)).toEqual(['_row']);
      expect(t.rows).toBe(5000);
    }
    expect(verify('v2.0.0')).toEqual({ status: 0, failed: [] });
    // Every kind of change at once (one verify: each CLI run costs seconds), each judged in Kuzu
    // first; verify must fail naming every changed column; undone, verify passes again.
    const cases: { what: string; change: string[]; undo: string[]; check: string; want: unknown }[] = [
      {
        what: 'changed',
        change: ["MATCH (p:P {id: 4100}) SET p.name = 'p4101'"],
        undo: ["MATCH (p:P {id: 4100}) SET p.name = 'p4100'"],
        check: 'MATCH (p:P {id: 4100}) RETURN p.name AS v',
        want: 'p4101',
      },
      {
        what: 'lost (NULL)',
        change: ['MATCH (p:P {id: 4201}) SET p.score = NULL'],
        undo: ['MATCH (p:P {id: 4201}) SET p.score = 4201 / 3.0'],
        check: 'MATCH (p:P {id: 4201}) RETURN p.score AS v',
        want: null,
      },
      {
        // Two rows swap their struct values: every multiset of values stays the same.
        // (4300 and 4302: neither has a NULL field b, which is at ids divisible by 11.)
        what: 'shifted between rows',
        change: ["MATCH (p:P {id: 4300}) SET p.s = {a: 4302, b: 'b'}", "MATCH (p:P {id: 4302}) SET p.s = {a: 4300, b: 'b'}"],
        undo: ["MATCH (p:P {id: 4300}) SET p.s = {a: 4300, b: 'b'}", "MATCH (p:P {id: 4302}) SET p.s = {a: 4302, b: 'b'}"],
        check: 'MATCH (p:P {id: 4300}) RETURN p.s.a AS v',
        want: 4302,
      },
      {
        // Two edges swap their weights (j = 4400 and 4401: w 0 and 1).
        what: 'shifted between rels',
        change: ['MATCH (:P {id: 4400})-[k:K]->() SET k.w = 1', 'MATCH (:P {id: 4401})-[k:K]->() SET k.w = 0'],
        undo: ['MATCH (:P {id: 4400})-[k:K]->() SET k.w = 0', 'MATCH (:P {id: 4401})-[k:K]->() SET k.w = 1'],
        check: 'MATCH (:P {id: 4400})-[k:K]->() RETURN k.w AS v',
        want: 1,
      },
    ];
    for (const c of cases) {
      for (const s of c.change) await query(source, s);
      const got = (await query(source, c.check))[0]['v'];
      expect({ what: c.what, v: got === null || typeof c.want !== 'number' ? got : Number(got) }).toEqual({ what: c.what, v: c.want });
    }
    const v = verify('v2.0.0');
    expect(v.status).toBe(1);
    expect(v.failed.flatMap((x) => x.problems)).toEqual([
      expect.stringMatching(/^K: content differs \(whole-row fingerprint \d+, expected \d+\)$/),
      '  K.w: values differ from rels/K/P-P.parquet',
      expect.stringMatching(/^P: content differs \(whole-row fingerprint \d+, expected \d+\)$/),
      '  P.name: values differ from nodes/P.parquet',
      '  P.score: values differ from nodes/P.parquet',
      '  P.s: values differ from nodes/P.parquet',
    ]);
    for (const c of cases) for (const s of c.undo) await query(source, s);
    // A property added since the snapshot: the schema check fails, and the content check names it
    // (the drill-down compares the properties both sides have) instead of failing to compare.
    await query(source, 'ALTER TABLE P ADD extra INT64 DEFAULT 7');
    const added = verify('v2.0.0');
    expect(added.status).toBe(1);
    expect(added.failed.find((c) => /content/.test(c.name))?.problems).toEqual([
      expect.stringMatching(/^P: content differs \(whole-row fingerprint \d+, expected \d+\)$/),
      '  P.extra: in the database, not in nodes/P.parquet',
    ]);
    await query(source, 'ALTER TABLE P DROP extra');
    expect(verify('v2.0.0')).toEqual({ status: 0, failed: [] });
  }, 240_000);

  test('format 2: import refuses a data file that no longer holds what was exported (checksums updated), nothing created', async () => {
    const version = path.join(dir, 'migrations', 'v2.0.0');
    const file = path.join(version, 'rels', 'K', 'P-P.parquet');
    const edited = path.join(dir, 'edited.parquet');
    // One edge's weight changed, written by Kuzu itself; every other value as it was.
    await query(source, `COPY (LOAD FROM '${file}' RETURN _km_from AS _km_from, _km_to AS _km_to, CASE WHEN _km_from = 4500 THEN CAST(99 AS INT32) ELSE w END AS w) TO '${edited}'`);
    fs.copyFileSync(edited, file);
    const rows = await query(source, `LOAD FROM '${file}' WHERE _km_from = 4500 RETURN w`);
    expect(rows.map((r) => Number(r['w']))).toEqual([99]);
    const manifestPath = path.join(version, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
    const entry = manifest.files.find((f: { path: string }) => f.path === 'rels/K/P-P.parquet');
    entry.sha256 = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    entry.bytes = fs.statSync(file).size;
    fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
    const target = path.join(dir, 'tampered.kuzu');
    const r = cli('import', 'v2.0.0', '--database', target);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/the loaded data does not match snapshot v2\.0\.0, nothing was changed/);
    expect(r.stderr).toMatch(/K: content differs \(whole-row fingerprint/);
    // The loaded rows equal the (edited) files: the files are not what was exported.
    expect(r.stderr).toMatch(/K: the database holds exactly the rows of the snapshot's data files/);
    expect(fs.existsSync(target)).toBe(false);
    expect(fs.readdirSync(dir).filter((e) => e.startsWith('_km_'))).toEqual([]);
  }, 120_000);
});

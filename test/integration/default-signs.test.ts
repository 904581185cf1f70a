/**
 * Reading a default's sign (src/kuzu/default-signs.ts) on real Kuzu databases: table_info prints
 * `DEFAULT -1` as `1`; introspection evaluates it on a private copy. Every primary-key type the
 * probe must make a key for, a rel table (whose probe creates endpoint nodes), a table whose other
 * default fails when evaluated (nextval of a dropped sequence), and the fallback when no copy can
 * be opened. The user's file is never written.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KuzuEngine, withEngine } from '../../src/kuzu/engine';
import { introspect, introspectPath } from '../../src/kuzu/introspect';
import { probeDefaultSignsInPlace, rememberDefaultSigns } from '../../src/kuzu/default-signs';
import type { QueryRunner } from '../../src/engines/runner';
import { makeDatabase, tempDir } from '../helpers/db';

const PK_TYPES: [string, string][] = [
  ['INT8', '1'],
  ['UINT64', '1'],
  ['STRING', "'x'"],
  ['DATE', "date('2020-01-01')"],
  ['TIMESTAMP', "timestamp('2020-01-01 00:00:00')"],
  ['UUID', "UUID('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')"],
  ['BLOB', "BLOB('x')"],
];

describe('a default whose sign table_info drops', () => {
  const db = path.join(tempDir('km-default-signs-'), 'graph.kuzu');
  const leftovers = () => fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('kuzu-migrate-defaults-')).length;

  beforeAll(async () => {
    await makeDatabase(db, async (e) => {
      for (const [i, [type, value]] of PK_TYPES.entries()) {
        await e.query(`CREATE NODE TABLE K${i}(id ${type} PRIMARY KEY, a INT64 DEFAULT -1, b DOUBLE DEFAULT 2.5)`);
        await e.query(`CREATE (:K${i} {id: ${value}})`);
      }
      await e.query("CREATE NODE TABLE S(id SERIAL PRIMARY KEY, a DOUBLE DEFAULT -0.5, s STRING DEFAULT -1, d DECIMAL(10, 2) DEFAULT -1.5, u UINT8 DEFAULT 3)");
      await e.query('CREATE (:S)');
      await e.query('CREATE REL TABLE R(FROM K2 TO S, w INT64 DEFAULT -7, v INT64 DEFAULT 7)');
      // Another default of the table fails when evaluated (Kuzu lets its sequence be dropped).
      await e.query('CREATE SEQUENCE gone');
      await e.query("CREATE NODE TABLE F(id INT64 PRIMARY KEY, a INT64 DEFAULT -3, n INT64 DEFAULT nextval('gone'))");
      await e.query('DROP SEQUENCE gone');
    });
  });

  test('introspection reads every sign, for every key type and a rel table, without writing the file', async () => {
    const sha = createHash('sha256').update(fs.readFileSync(db)).digest('hex');
    const before = leftovers();
    const live = await introspectPath(db);
    const defaults = Object.fromEntries(
      [...live.schema.nodes, ...live.schema.rels].flatMap((t) => t.properties.filter((p) => p.default !== null).map((p) => [`${t.name}.${p.name}`, p.default])),
    );
    for (let i = 0; i < PK_TYPES.length; i++) expect([defaults[`K${i}.a`], defaults[`K${i}.b`]]).toEqual(['-1', '2.5']);
    expect([defaults['S.a'], defaults['S.s'], defaults['S.d'], defaults['S.u']]).toEqual(['-0.5', '-1', '-1.5', '3']);
    expect([defaults['R.w'], defaults['R.v']]).toEqual(['-7', '7']);
    expect(defaults['F.a']).toBe('-3');
    expect(live.warnings).toEqual([]);
    expect(createHash('sha256').update(fs.readFileSync(db)).digest('hex')).toBe(sha);
    expect(fs.existsSync(`${db}.wal`)).toBe(false);
    expect(leftovers()).toBe(before);
    // The rows the probe made on its copy are nowhere in the database.
    await withEngine(db, { readOnly: true }, async (e) => {
      expect(Number(await e.scalar('MATCH (n:K2) RETURN count(*)'))).toBe(1);
      expect(Number(await e.scalar('MATCH ()-[r:R]->() RETURN count(*)'))).toBe(0);
    });
  });

  test('without a copy to evaluate on, the default is marked and a warning names it', async () => {
    const e = await KuzuEngine.open(db, { readOnly: true });
    try {
      // The same engine, but it cannot open a copy (as a runner without openCopy).
      const noCopy: QueryRunner = { path: e.path, readOnly: true, release: e.release, query: (s) => e.query(s), execute: (s, p) => e.execute(s, p), scalar: (s) => e.scalar(s), close: () => e.close() };
      const live = await introspect(noCopy);
      const s = live.schema.nodes.find((t) => t.name === 'S')!.properties.find((p) => p.name === 'a')!;
      expect(s).toEqual({ name: 'a', type: 'DOUBLE', default: '0.5', defaultSignUnknown: true });
      expect(live.warnings).toContain('the sign of the default of S.a, S.s, S.d, S.u could not be read (this engine cannot evaluate it on a copy); it is compared without its sign');
    } finally {
      await e.close();
    }
  });

  test('on a private file of ours the signs are read in place (rolled back: rows and SERIAL position unchanged) and remembered for the closed file', async () => {
    const own = path.join(tempDir('km-default-signs-own-'), 'graph.kuzu');
    fs.copyFileSync(db, own);
    const rowsOf = (e: QueryRunner) => Promise.all(['MATCH (n:K2) RETURN count(*)', 'MATCH (n:S) RETURN count(*)', 'MATCH ()-[r:R]->() RETURN count(*)'].map((q) => e.scalar(q).then(Number)));
    const found = await withEngine(own, {}, async (e) => {
      const raw = (await introspect(e, { probeSigns: false })).schema;
      // Without the probe, table_info's text: the minus is gone.
      expect(raw.nodes.find((t) => t.name === 'S')!.properties.find((p) => p.name === 'a')!.default).toBe('0.5');
      const f = await probeDefaultSignsInPlace(e, raw);
      expect(await rowsOf(e)).toEqual([1, 1, 0]);
      return f;
    });
    expect(found).not.toBeNull();
    expect(fs.existsSync(`${own}.wal`)).toBe(false);
    const defaultsOf = async () => {
      const live = await introspectPath(own);
      expect(live.warnings).toEqual([]);
      return Object.fromEntries([...live.schema.nodes, ...live.schema.rels].flatMap((t) => t.properties.filter((p) => p.default !== null).map((p) => [`${t.name}.${p.name}`, p.default])));
    };
    // The answer in place is the copy's: remembered, then compared with a fresh probe on a copy (after a write, below).
    rememberDefaultSigns(own, found!);
    const remembered = await defaultsOf();
    expect([remembered['K0.a'], remembered['S.a'], remembered['S.s'], remembered['R.w'], remembered['R.v'], remembered['F.a']]).toEqual(['-1', '-0.5', '-1', '-7', '7', '-3']);
    // While the file is unchanged the remembered answer is used (shown with a deliberately wrong one) ...
    rememberDefaultSigns(own, { probes: found!.probes, signs: found!.signs.map((row) => row.map((x) => !x)) });
    expect((await defaultsOf())['R.v']).toBe('-7');
    // ... and once it changes it is not: the next introspection probes on a copy and agrees with the in-place answer.
    await withEngine(own, {}, async (e) => {
      await e.query('CREATE (:S)');
      // The in-place probe's rolled-back row did not take a SERIAL value: the next one is 1.
      expect((await e.query('MATCH (n:S) RETURN n.id AS id ORDER BY id')).map((r) => Number(r['id']))).toEqual([0, 1]);
    });
    expect(await defaultsOf()).toEqual(remembered);
  });
});

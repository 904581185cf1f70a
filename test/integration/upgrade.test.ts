/**
 * Upgrade test helpers: real databases written by old npm releases of Kuzu and by LadybugDB, each
 * engine in its own worker process. The releases are installed by the tool's own installer
 * (src/engines/install.ts) into <repo>/.engines on first run, and reused afterwards.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Schema } from '../../src/core/model';
import { fingerprintDatabase, TableFingerprint } from '../../src/kuzu/fingerprint';
import { introspect } from '../../src/kuzu/introspect';
import { ensureEngine, installedPath } from '../../src/engines/install';
import { EngineProcess } from '../../src/engines/process';
import { EngineRelease, findRelease } from '../../src/engines/releases';
import { loadDataset, REPO_ROOT } from '../helpers/db';

const ENGINES_DIR = process.env.KUZU_MIGRATE_ENGINES_DIR ?? path.join(REPO_ROOT, '.engines');
/** A first run downloads ~1.1 GB; later runs find the cache. */
const INSTALL_TIMEOUT = 15 * 60_000;

function release(name: string): EngineRelease {
  const r = findRelease(name);
  if (!r) throw new Error(`unknown release ${name}`);
  return r;
}

async function installEngines(names: string[]): Promise<void> {
  for (const n of names) await ensureEngine(release(n), { dir: ENGINES_DIR });
}

async function withRelease<T>(name: string, dbPath: string, readOnly: boolean, fn: (p: EngineProcess) => Promise<T>): Promise<T> {
  const r = release(name);
  const mod = installedPath(r, ENGINES_DIR);
  if (!mod) throw new Error(`${name} is not installed in ${ENGINES_DIR}`);
  const p = await EngineProcess.open(r, mod, dbPath, { readOnly });
  try {
    return await fn(p);
  } finally {
    await p.close();
  }
}

/** tinysnb (every type it has) from test/fixtures/datasets. */
async function loadTinysnb(p: EngineProcess): Promise<void> {
  await loadDataset(p, 'tinysnb');
}

/** SERIAL, defaults, a table comment, a rel with several FROM→TO pairs, a rel without properties. */
const EXTRA = [
  "CREATE NODE TABLE Item(id SERIAL, name STRING DEFAULT 'unnamed', qty INT64 DEFAULT 7, price DOUBLE, PRIMARY KEY(id))",
  'CREATE NODE TABLE Tag(name STRING, PRIMARY KEY(name))',
  'CREATE NODE TABLE Owner(id INT64, tags STRING[], seen TIMESTAMP, PRIMARY KEY(id))',
  'CREATE REL TABLE link(FROM Item TO Tag, FROM Owner TO Tag, FROM Item TO Item, weight DOUBLE DEFAULT 1.5, MANY_MANY)',
  'CREATE REL TABLE owns(FROM Owner TO Item, since DATE, ONE_MANY)',
  'CREATE REL TABLE plain(FROM Tag TO Tag)',
  "COMMENT ON TABLE Item IS 'things we sell'",
  "CREATE (:Item {name: 'a', price: 0.1})",
  'CREATE (:Item {qty: 3, price: 5e-324})',
  "CREATE (:Item {name: 'c', qty: NULL, price: -1.0/3})",
  "CREATE (:Tag {name: 'red'})",
  "CREATE (:Tag {name: 'blue'})",
  "CREATE (:Owner {id: 1, tags: ['x', 'y,z'], seen: timestamp('2024-01-02 03:04:05.123456')})",
  'CREATE (:Owner {id: 2, tags: [], seen: NULL})',
  "MATCH (a:Item), (t:Tag {name: 'red'}) CREATE (a)-[:link]->(t)",
  "MATCH (a:Owner), (t:Tag {name: 'blue'}) CREATE (a)-[:link {weight: 0.25}]->(t)",
  'MATCH (a:Item {id: 0}), (b:Item {id: 1}) CREATE (a)-[:link {weight: 1.0/3}]->(b)',
  "MATCH (o:Owner {id: 1}), (i:Item) WHERE i.id < 2 CREATE (o)-[:owns {since: date('2020-02-29')}]->(i)",
  "MATCH (a:Tag {name: 'red'}), (b:Tag {name: 'blue'}) CREATE (a)-[:plain]->(b)",
];

async function loadExtra(p: EngineProcess): Promise<void> {
  for (const s of EXTRA) await p.query(s);
}

/** Schema and content fingerprints of a database, read with `name`'s own release. */
async function snapshotOf(name: string, dbPath: string): Promise<{ schema: Schema; fingerprints: TableFingerprint[] }> {
  return withRelease(name, dbPath, true, async (p) => {
    const schema = (await introspect(p)).schema;
    return { schema, fingerprints: await fingerprintDatabase(p, schema) };
  });
}

import * as os from 'node:os';
import { schemaFingerprint } from '../../src/core/model';
import { compareFingerprints } from '../../src/kuzu/fingerprint';
import { detectEngine } from '../../src/engines/detect';
import { upgradeDatabase } from '../../src/upgrade/upgrade';
import { KuzuMigrateError } from '../../src/core/errors';
import { tempDir } from '../helpers/db';
import { stagingName } from '../../src/core/plan';

/** Every entry under `dir` with its size and modification time: equal before and after means nothing was written. */
function snapshotFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort().map((f) => {
    const st = fs.statSync(path.join(dir, f));
    return `${f} ${st.isDirectory() ? 'dir' : st.size} ${st.mtimeMs}`;
  });
}

jest.setTimeout(180_000);

beforeAll(async () => {
  await installEngines(['kuzu@0.9.0', 'kuzu@0.10.1', 'ladybug']);
}, INSTALL_TIMEOUT);

async function makeDb(releaseName: string, dbPath: string, tinysnb: boolean): Promise<void> {
  await withRelease(releaseName, dbPath, false, async (p) => {
    if (tinysnb) await loadTinysnb(p);
    await loadExtra(p);
  });
}

/** Upgrades and checks the result against the source, read independently with each side's own release. */
async function upgradeAndCompare(fromName: string, toName: string, tinysnb: boolean) {
  const dir = tempDir('km-upgrade-');
  const db = path.join(dir, 'graph.kuzu');
  await makeDb(fromName, db, tinysnb);
  const before = await snapshotOf(fromName, db);
  const r = await upgradeDatabase({ database: db, to: toName, backups: path.join(dir, 'backups'), enginesDir: ENGINES_DIR, approveInstall: async () => false });
  expect(r.status).toBe('upgraded');
  expect(r.from).toBe(release(fromName).id);
  const to = release(toName);
  const detected = detectEngine(db);
  expect(detected).toMatchObject({ engine: to.engine, storage_version: to.storageVersion, layout: 'file' });
  const after = await snapshotOf(toName, db);
  expect(schemaFingerprint(after.schema)).toBe(schemaFingerprint(before.schema));
  expect(compareFingerprints(before.fingerprints, after.fingerprints)).toEqual([]);
  expect(after.fingerprints.map((f) => f.table).sort()).toEqual(r.verified_tables.slice().sort());
  // Defaults, the comment and the several FROM→TO pairs are there, and SERIAL continues after 2.
  const item = after.schema.nodes.find((t) => t.name === 'Item')!;
  expect(item.comment).toBe('things we sell');
  expect(item.properties.find((p) => p.name === 'name')!.default).toBe("'unnamed'");
  expect(item.properties.find((p) => p.name === 'qty')!.default).toBe('7');
  expect(after.schema.rels.find((t) => t.name === 'link')!.connections).toHaveLength(3);
  expect(after.schema.rels.find((t) => t.name === 'owns')!.multiplicity).toBe('ONE_MANY');
  await withRelease(toName, db, false, async (p) => {
    const rows = await p.query("CREATE (i:Item {price: 1.0}) RETURN i.id AS id, i.name AS name, i.qty AS qty");
    expect(rows).toEqual([{ id: 3, name: 'unnamed', qty: 7 }]);
  });
  // The original, untouched, is in the backup and still opens with its own release.
  const backupCopy = path.join(r.backup_path!, 'graph.kuzu');
  const fromBackup = await snapshotOf(fromName, backupCopy);
  expect(compareFingerprints(before.fingerprints, fromBackup.fingerprints)).toEqual([]);
  expect(fs.readdirSync(dir).filter((e) => e.startsWith('_km_') || e.endsWith('.upgrade.json') || e.endsWith('.lock'))).toEqual([]);
  return { r, dir };
}

describe('upgrade across engine releases (real databases)', () => {
  test('kuzu 0.10.1 folder with tinysnb → kuzu 0.11.3 file: identical schema and content', async () => {
    const { r } = await upgradeAndCompare('kuzu@0.10.1', 'kuzu@0.11.3', true);
    expect(r.detected).toMatchObject({ engine: 'kuzu', storage_version: 38, layout: 'folder', release: 'kuzu@0.10.1', needs_upgrade: true });
  });

  test('kuzu 0.11.3 with tinysnb → LadybugDB', async () => {
    await upgradeAndCompare('kuzu@0.11.3', 'ladybug', true);
  });

  test('kuzu 0.9.0 folder → kuzu 0.11.3', async () => {
    const { r } = await upgradeAndCompare('kuzu@0.9.0', 'kuzu@0.11.3', false);
    expect(r.detected).toMatchObject({ storage_version: 37, layout: 'folder', release: 'kuzu@0.9.0' });
  });

  test('kuzu 0.9.0 folder → LadybugDB', async () => {
    await upgradeAndCompare('kuzu@0.9.0', 'ladybug', false);
  });

  test('a database already at the target is left alone', async () => {
    const dir = tempDir('km-upgrade-');
    const db = path.join(dir, 'graph.kuzu');
    await makeDb('kuzu@0.11.3', db, false);
    const r = await upgradeDatabase({ database: db, backups: path.join(dir, 'backups'), enginesDir: ENGINES_DIR });
    expect(r.status).toBe('no_changes');
    expect(fs.existsSync(path.join(dir, 'backups'))).toBe(false);
  });

  // The catalog prints DEFAULT -1 as `1`; introspection evaluates it on a private copy with the
  // source's own release (kuzu/default-signs.ts), so the sign survives without any declaration.
  test.each([
    ['kuzu@0.11.3', 'ladybug'],
    ['kuzu@0.10.1', 'kuzu@0.11.3'],
  ])('a default\'s unary minus survives %s → %s without a declaration', async (from, to) => {
    const dir = tempDir('km-upgrade-');
    const db = path.join(dir, 'graph.kuzu');
    await withRelease(from, db, false, async (p) => {
      await p.query('CREATE NODE TABLE T(id INT64, level INT64 DEFAULT -1, up INT64 DEFAULT 1, PRIMARY KEY(id))');
      await p.query('CREATE (:T {id: 1})');
    });
    const before = fs.readdirSync(dir).sort();
    const live = (await snapshotOf(from, db)).schema;
    expect(live.nodes[0].properties.map((p) => p.default)).toEqual([null, '-1', '1']);
    expect(fs.readdirSync(dir).sort()).toEqual(before); // the probe ran on a copy elsewhere
    const r = await upgradeDatabase({ database: db, to, backups: path.join(dir, 'backups'), enginesDir: ENGINES_DIR });
    expect(r.restored).toEqual([]);
    await withRelease(to, db, false, async (p) => {
      expect(await p.query('CREATE (t:T {id: 2}) RETURN t.level AS level, t.up AS up')).toEqual([{ level: -1, up: 1 }]);
      expect(await p.query('MATCH (t:T {id: 1}) RETURN t.level AS level')).toEqual([{ level: -1 }]);
    });
  });
});

describe('refusals', () => {
  function fakeDb(bytes: Buffer): string {
    const dir = tempDir('km-upgrade-');
    const db = path.join(dir, 'graph.kuzu');
    fs.writeFileSync(db, Buffer.concat([bytes, Buffer.alloc(4096)]));
    return db;
  }
  function header(magic: string, version: number): Buffer {
    const b = Buffer.alloc(12);
    b.write(magic, 0, 'latin1');
    b.writeBigUInt64LE(BigInt(version), 4);
    return b;
  }

  test('an unknown storage version is refused naming what was found; nothing changes', async () => {
    const db = fakeDb(header('KUZU', 40));
    const before = fs.readFileSync(db);
    const err = await upgradeDatabase({ database: db, backups: path.join(path.dirname(db), 'backups'), enginesDir: ENGINES_DIR }).catch((e) => e);
    expect(err).toBeInstanceOf(KuzuMigrateError);
    expect(err.code).toBe('E_UNKNOWN_STORAGE_VERSION');
    expect(err.exitCode).toBe(3);
    expect(err.message).toMatch(/Kuzu database with storage version 40, which no release kuzu-migrate knows reads/);
    expect(fs.readFileSync(db).equals(before)).toBe(true);
    expect(fs.readdirSync(path.dirname(db))).toEqual(['graph.kuzu']);
  });

  test('detection: Kuzu 0.8 storage, LadybugDB, and bytes that are no database', () => {
    expect(detectEngine(fakeDb(header('KUZU', 36))).detail).toMatch(/storage version 36 \(Kuzu 0\.8\.x, which has no installable npm release\)/);
    expect(detectEngine(fakeDb(header('LBUG', 43)))).toMatchObject({ engine: 'ladybug', release: 'ladybug@0.19.1', needs_upgrade: true });
    expect(detectEngine(fakeDb(header('LBUG', 99)))).toMatchObject({ engine: 'ladybug', release: null });
    expect(detectEngine(fakeDb(header('SQLi', 3)))).toMatchObject({ engine: null, needs_upgrade: false });
    expect(detectEngine(path.join(os.tmpdir(), 'km-no-such-db'))).toMatchObject({ exists: false, needs_upgrade: false });
  });

  test('an engine that cannot be installed: a clear error, nothing left behind', async () => {
    const dir = tempDir('km-engines-');
    const missing = { ...release('kuzu@0.10.1'), id: 'kuzu@0.0.1', version: '0.0.1', alias: 'kuzu-0.0.1' };
    const err = await ensureEngine(missing, { dir }).catch((e) => e);
    expect(err.code).toBe('E_ENGINE_INSTALL');
    expect(err.message).toMatch(/cannot install kuzu@0\.0\.1 with npm/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  // The source is exported by snapshot/export.ts writeDataFiles, with export's refusals: a value
  // no engine loads back is named before the target is created, and nothing is left behind.
  test('a NULL map value in a kuzu 0.10.1 rel table is refused (E_UNEXPORTABLE) naming it; the original is untouched', async () => {
    const dir = tempDir('km-upgrade-refuse-');
    const db = path.join(dir, 'graph.kuzu');
    await withRelease('kuzu@0.10.1', db, false, async (p) => {
      await p.query('CREATE NODE TABLE A(id SERIAL, PRIMARY KEY(id))');
      await p.query('CREATE NODE TABLE B(id INT64, PRIMARY KEY(id))');
      await p.query('CREATE REL TABLE r(FROM A TO B, FROM B TO B, m MAP(STRING, INT64))');
      await p.query('CREATE (:A), (:B {id: 1})');
      await p.query("MATCH (a:A), (b:B) CREATE (a)-[:r {m: map(['k', 'j'], [NULL, 1])}]->(b)");
    });
    const before = snapshotFiles(dir);
    const err = await upgradeDatabase({ database: db, backups: path.join(dir, 'backups'), enginesDir: ENGINES_DIR }).catch((e) => e);
    expect(err).toBeInstanceOf(KuzuMigrateError);
    expect([(err as KuzuMigrateError).code, (err as KuzuMigrateError).exitCode]).toEqual(['E_UNEXPORTABLE', 3]);
    expect((err as Error).message).toMatch(/cannot export r\.m: 1 row holds a map with a NULL value/);
    expect(snapshotFiles(dir)).toEqual(before);
    expect(detectEngine(db).storage_version).toBe(release('kuzu@0.10.1').storageVersion);
  });

  test('a missing engine without consent is refused before anything is touched', async () => {
    const dir = tempDir('km-upgrade-');
    const db = path.join(dir, 'graph.kuzu');
    await makeDb('kuzu@0.11.3', db, false);
    const empty = tempDir('km-engines-');
    const err = await upgradeDatabase({ database: db, to: 'ladybug', backups: path.join(dir, 'backups'), enginesDir: empty, approveInstall: async () => false }).catch((e) => e);
    expect(err.code).toBe('E_ENGINE_NOT_INSTALLED');
    expect(err.message).toMatch(/ladybug@0\.19\.1 must be installed first/);
    expect(detectEngine(db)).toMatchObject({ engine: 'kuzu', storage_version: 39 });
    expect(fs.readdirSync(empty)).toEqual([]);
  });
});

describe('sequences, macros and indexes through upgrade', () => {
  test('kuzu 0.10.1 → 0.11.3 and kuzu 0.11.3 → LadybugDB carry a sequence at its position and a macro', async () => {
    const dir = tempDir('km-upgrade-objects-');
    const db = path.join(dir, 'graph.kuzu');
    await withRelease('kuzu@0.10.1', db, false, async (p) => {
      await p.query('CREATE NODE TABLE T(id INT64, PRIMARY KEY(id))');
      await p.query('CREATE (:T {id: 1})');
      await p.query('CREATE SEQUENCE order_no START 100');
      await p.query("RETURN nextval('order_no')");
      await p.query("RETURN nextval('order_no')");
      await p.query('CREATE MACRO addOne(x) AS x + 1');
    });
    const r = await upgradeDatabase({ database: db, backups: path.join(dir, 'backups'), enginesDir: ENGINES_DIR });
    expect(r.status).toBe('upgraded');
    await withRelease('kuzu@0.11.3', db, false, async (p) => {
      expect(await p.query("RETURN nextval('order_no') AS v, addOne(41) AS m")).toEqual([{ v: 102, m: 42 }]);
    });
    const r2 = await upgradeDatabase({ database: db, to: 'ladybug', backups: path.join(dir, 'backups'), enginesDir: ENGINES_DIR });
    expect(r2.status).toBe('upgraded');
    await withRelease('ladybug', db, false, async (p) => {
      expect(await p.query("RETURN nextval('order_no') AS v, addOne(1) AS m")).toEqual([{ v: 103, m: 2 }]);
    });
  });

  // apply rebuilds a table as a staging table renamed into place, and Kuzu keeps the staging
  // table's SERIAL sequence through the rename (core/plan.ts serialSequenceCandidates). Upgrade
  // reads positions with the snapshot export's readSequences, which looks there too; its former
  // own copy read only `<table>_<property>_serial`, lost the position and restarted ids at 0.
  test('a SERIAL of a table apply rebuilt continues after its last id on LadybugDB', async () => {
    const dir = tempDir('km-upgrade-objects-');
    const db = path.join(dir, 'graph.kuzu');
    const staging = stagingName('Item');
    await withRelease('kuzu@0.11.3', db, false, async (p) => {
      await p.query(`CREATE NODE TABLE ${staging}(id SERIAL, n INT64, PRIMARY KEY(id))`);
      for (let i = 0; i < 3; i++) await p.query(`CREATE (:${staging} {n: ${i}})`);
      await p.query(`ALTER TABLE ${staging} RENAME TO Item`);
      expect((await p.query('CALL show_sequences() RETURN name')).map((r) => r['name'])).toEqual([`${staging}_id_serial`]);
    });
    const r = await upgradeDatabase({ database: db, to: 'ladybug', backups: path.join(dir, 'backups'), enginesDir: ENGINES_DIR });
    expect(r.status).toBe('upgraded');
    await withRelease('ladybug', db, false, async (p) => {
      expect(await p.query('CREATE (i:Item {n: 9}) RETURN i.id AS id')).toEqual([{ id: 3 }]);
      expect(await p.query('MATCH (i:Item) RETURN count(*) AS rows, count(DISTINCT i.id) AS ids')).toEqual([{ rows: 4, ids: 4 }]);
    });
  });

  // Of the releases kuzu-migrate can run, only Kuzu 0.11.3 has FTS and vector indexes built in:
  // 0.9.0, 0.10.x, 0.11.1 and 0.11.2 answer CALL CREATE_FTS_INDEX with "function CREATE_FTS_INDEX
  // is not defined ... INSTALL FTS" and INSTALL downloads from extension.kuzudb.com ("Failed to
  // download extension", measured 2026-11-30); LadybugDB 0.19.1 has none built in either. So an
  // index database is always a 0.11.3 one, and its one upgrade target, LadybugDB, is refused:
  test('kuzu 0.11.3 with an FTS and a vector index → LadybugDB is refused before anything is written, naming both', async () => {
    const dir = tempDir('km-upgrade-objects-');
    const db = path.join(dir, 'graph.kuzu');
    await withRelease('kuzu@0.11.3', db, false, async (p) => {
      await p.query('CREATE NODE TABLE Doc(id INT64, body STRING, PRIMARY KEY(id))');
      await p.query("CREATE (:Doc {id: 1, body: 'zebra'})");
      await p.query("CALL CREATE_FTS_INDEX('Doc', 'doc_fts', ['body'])");
      await p.query('ALTER TABLE Doc ADD emb FLOAT[3]');
      await p.query("CALL CREATE_VECTOR_INDEX('Doc', 'doc_vec', 'emb')");
    });
    const before = fs.readFileSync(db);
    const err = await upgradeDatabase({ database: db, to: 'ladybug', backups: path.join(dir, 'backups'), enginesDir: ENGINES_DIR }).catch((e) => e);
    expect(err).toBeInstanceOf(KuzuMigrateError);
    expect((err as KuzuMigrateError).code).toBe('E_UNSUPPORTED_INDEXES');
    expect((err as Error).message).toContain('Doc.doc_fts');
    expect((err as Error).message).toContain('Doc.doc_vec');
    expect(fs.readFileSync(db).equals(before)).toBe(true);
    expect(fs.readdirSync(dir).sort()).toEqual(['graph.kuzu']);
  });
});

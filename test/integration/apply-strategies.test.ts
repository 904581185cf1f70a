/**
 * The export rewrite strategy, rollback and recover, on real databases through the built CLI.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withEngine } from '../../src/kuzu/engine';
import { introspect } from '../../src/kuzu/introspect';
import { fingerprintDatabase, TableFingerprint } from '../../src/kuzu/fingerprint';
import { readHistory } from '../../src/state/history';
import { journalPath } from '../../src/state/journal';
import { loadDataset, makeDatabase, runCli, tempDir } from '../helpers/db';
import { loadEdgeValues } from '../helpers/edge-values';
import { copyOfTemplate, planExitCode } from '../helpers/project';
import { loadConfig } from '../../src/config/config';
import { rollbackTo } from '../../src/apply/rollback';

async function contentOf(db: string): Promise<TableFingerprint[]> {
  return withEngine(db, { readOnly: true }, async (e) => fingerprintDatabase(e, (await introspect(e)).schema));
}

/** tinysnb plus the fidelity edge values, declared by `init`: built once per file, copied per case. */
async function richProject(): Promise<{ dir: string; db: string; yaml: string }> {
  const dir = await copyOfTemplate('rich', async (t) => {
    const db = path.join(t, 'db', 'graph.kuzu');
    fs.mkdirSync(path.dirname(db));
    await makeDatabase(db, async (e) => {
      await loadDataset(e, 'tinysnb');
      await loadEdgeValues(e);
    });
    expect(runCli(['init', '-d', db, '-c', path.join(t, 'kuzu-migrate.yaml')]).status).toBe(0);
  }, 'km-strat-');
  return { dir, db: path.join(dir, 'db', 'graph.kuzu'), yaml: path.join(dir, 'kuzu-migrate.yaml') };
}

/** demo-db (small: the crash tests run it several times), declared by `init`; built once, copied per case. */
async function smallProject(): Promise<{ dir: string; db: string; yaml: string }> {
  const dir = await copyOfTemplate('small', async (t) => {
    const db = path.join(t, 'db', 'graph.kuzu');
    fs.mkdirSync(path.dirname(db));
    await makeDatabase(db, (e) => loadDataset(e, 'demo-db'));
    const yaml = path.join(t, 'kuzu-migrate.yaml');
    expect(runCli(['init', '-d', db, '-c', yaml]).status).toBe(0);
    fs.writeFileSync(yaml, fs.readFileSync(yaml, 'utf8').replace(/(\n\s+)age: INT64/, '$1age: { type: INT64, default: 18 }'));
  }, 'km-strat-small-');
  return { dir, db: path.join(dir, 'db', 'graph.kuzu'), yaml: path.join(dir, 'kuzu-migrate.yaml') };
}

/** A default on person.gender and on Edge.u64 forces a rebuild of person, Edge and their rels. */
function forceRewrite(yaml: string, version = 'v0.2.0'): void {
  let text = fs.readFileSync(yaml, 'utf8');
  text = text.replace(/(\n\s+)gender: INT64/, '$1gender: { type: INT64, default: 1 }').replace(/(\n\s+)u64: UINT64/, '$1u64: { type: UINT64, default: 7 }');
  text = text.replace(/^version: .*$/m, `version: ${version}`);
  fs.writeFileSync(yaml, text);
}

describe('export strategy', () => {
  it('tinysnb and every fidelity edge value survive a forced rewrite with identical content', async () => {
    const { db, yaml } = await richProject();
    const before = await contentOf(db);
    forceRewrite(yaml);
    const r = runCli(['apply', '--auto-approve', '--strategy', 'export', '--json', '-c', yaml]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ status: 'applied', strategy: 'rewrite', rewrite_strategy: 'export' });
    expect(result.verified_tables).toEqual(expect.arrayContaining(['person', 'Edge', 'EdgeLink', 'knows']));
    expect(await contentOf(db)).toEqual(before);
    expect(await planExitCode(yaml)).toBe(0);
    // history came across the swap
    const history = await withEngine(db, { readOnly: true }, readHistory);
    expect(history.map((h) => h.strategy)).toEqual(['rewrite:export']);
    expect(fs.readdirSync(path.dirname(db)).sort()).toEqual(['graph.kuzu']);
  });

  it('the transaction strategy keeps the same content on the same data', async () => {
    const { db, yaml } = await richProject();
    const before = await contentOf(db);
    forceRewrite(yaml);
    expect(runCli(['apply', '--auto-approve', '--strategy', 'transaction', '-c', yaml]).status).toBe(0);
    expect(await contentOf(db)).toEqual(before);
  });

  it.each(['after_export', 'before_swap', 'after_swap'])('SIGKILL at %s: old or new state, settled by recover', async (point) => {
    const { db, yaml } = await smallProject();
    const before = await contentOf(db);
    const killed = runCli(['apply', '--auto-approve', '--strategy', 'export', '-c', yaml], { env: { KUZU_MIGRATE_FAULT: point } });
    expect(killed.status).toBe(-1);
    expect(await contentOf(db)).toEqual(before); // content is the same in both states
    const swapped = (await withEngine(db, { readOnly: true }, readHistory)).length === 1;
    expect(swapped).toBe(point === 'after_swap');
    const rec = runCli(['recover', '-c', yaml]);
    expect(rec.status).toBe(0);
    expect(rec.stdout).toMatch(swapped ? /its content matches what the apply recorded, it is complete/ : /before its result was put in place; the database is as before/);
    expect(fs.existsSync(journalPath(db))).toBe(false);
    expect(fs.readdirSync(path.dirname(db)).filter((f) => f.startsWith('_km_') || f.startsWith('.'))).toEqual([]);
    expect(await planExitCode(yaml)).toBe(swapped ? 0 : 2);
  });

  it('recover says so when there is nothing to recover', async () => {
    const { yaml } = await smallProject();
    const r = runCli(['recover', '-c', yaml]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Nothing to recover/);
  });
});

describe('rollback', () => {
  it('returns to the exact earlier content from the backup the next apply took, and records it', async () => {
    const { db, yaml } = await richProject();
    fs.writeFileSync(yaml, fs.readFileSync(yaml, 'utf8').replace(/^version: .*$/m, 'version: v0.1.0'));
    expect(runCli(['apply', '--auto-approve', '-c', yaml]).status).toBe(0); // records v0.1.0 (history table only)
    const v1 = await contentOf(db);
    const v1Schema = await withEngine(db, { readOnly: true }, async (e) => (await introspect(e)).schema);
    // v0.2.0 drops a property and changes types
    forceRewrite(yaml, 'v0.2.0');
    fs.writeFileSync(yaml, fs.readFileSync(yaml, 'utf8').replace(/\n\s+eyeSight: DOUBLE/, ''));
    expect(runCli(['apply', '--auto-approve', '--allow-destructive', '-c', yaml]).status).toBe(0);
    await withEngine(db, {}, (e) => e.query("CREATE (:person {ID: 999, fName: 'new'})"));
    expect(runCli(['rollback', 'v0.1.0', '-c', yaml]).status).toBe(3); // needs confirmation
    const r = runCli(['rollback', 'v0.1.0', '--auto-approve', '--json', '-c', yaml]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ status: 'rolled_back', version: 'v0.1.0', target: { source: 'backup' } });
    expect(await contentOf(db)).toEqual(v1);
    expect(await withEngine(db, { readOnly: true }, async (e) => (await introspect(e)).schema)).toEqual(v1Schema);
    const history = await withEngine(db, { readOnly: true }, readHistory);
    expect(history.map((h) => `${h.operation}:${h.version}`)).toEqual(['apply:v0.1.0', 'rollback:v0.1.0']);
    // the state rolled away from (with person 999) is kept as a backup
    expect(fs.existsSync(path.join(path.dirname(yaml), 'backups', result.backup_id, 'database.kuzu'))).toBe(true);
    const again = runCli(['rollback', 'v0.1.0', '--auto-approve', '-c', yaml]);
    expect(again.stdout).toMatch(/already at v0\.1\.0/);
  });

  it('holds its lock from start to end: an apply tried while a snapshot is imported exits 4, and the rollback completes', async () => {
    const { db, yaml } = await smallProject();
    const setVersion = (v: string) => fs.writeFileSync(yaml, fs.readFileSync(yaml, 'utf8').replace(/^version: .*$/m, `version: ${v}`));
    setVersion('v0.1.0');
    expect(runCli(['apply', '--auto-approve', '-c', yaml]).status).toBe(0);
    expect(runCli(['export', '--version', 'v0.1.0', '-c', yaml]).status).toBe(0);
    const v1 = await contentOf(db);
    setVersion('v0.2.0');
    fs.writeFileSync(yaml, fs.readFileSync(yaml, 'utf8').replace(/(\n\s+)age: \{ type: INT64, default: 18 \}/, '$1age: { type: INT64, default: 21 }'));
    expect(runCli(['apply', '--auto-approve', '-c', yaml]).status).toBe(0);
    // No backup holds v0.1.0 any more: the rollback imports the snapshot (the path that once
    // released the lock so that import could take it).
    fs.rmSync(path.join(path.dirname(yaml), 'backups'), { recursive: true, force: true });
    const config = loadConfig(yaml);
    const racers: Array<{ phase: string; status: number | null; stderr: string }> = [];
    const r = await rollbackTo(config, { version: 'v0.1.0' }, {
      onEvent: (e) => {
        if (e.phase !== 'backup' && e.phase !== 'restore') return;
        // Synchronous on purpose: the rollback waits at this point while a second process tries to apply.
        const other = runCli(['apply', '--auto-approve', '-c', yaml]);
        racers.push({ phase: e.phase, status: other.status, stderr: other.stderr });
      },
    });
    expect(r).toMatchObject({ status: 'rolled_back', target: { source: 'snapshot' } });
    expect(racers.map((x) => `${x.phase}:${x.status}`)).toEqual(['backup:4', 'restore:4']);
    for (const x of racers) expect(x.stderr).toMatch(/lock/i);
    expect(await contentOf(db)).toEqual(v1);
    const history = await withEngine(db, { readOnly: true }, readHistory);
    // A snapshot carries no history table: the imported database starts its history with the rollback.
    expect(history.map((h) => `${h.operation}:${h.version}`)).toEqual(['rollback:v0.1.0']);
  });

  it('an unknown version is refused with where to look; a bad name is a usage error', async () => {
    const { yaml } = await smallProject();
    const r = runCli(['rollback', 'v9.9.9', '--auto-approve', '-c', yaml]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no backup or snapshot holds version v9\.9\.9/);
    expect(runCli(['rollback', '../etc', '--auto-approve', '-c', yaml]).status).toBe(64);
  });
});

describe('a full disk', () => {
  // A real full file system: a 1 MiB tmpfs for the backups (root can mount one; where it cannot,
  // the test says so and checks nothing else).
  const mountPoint = tempDir('km-full-');
  let mounted = false;
  beforeAll(() => {
    const r = require('node:child_process').spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint]);
    mounted = r.status === 0;
  });
  afterAll(() => {
    if (mounted) require('node:child_process').spawnSync('umount', [mountPoint]);
  });

  it('a backup that does not fit stops apply with a one-line cause and changes nothing', async () => {
    if (!mounted) {
      console.warn('cannot mount a tmpfs here: full-disk test not run');
      return;
    }
    const { db, yaml } = await smallProject();
    const before = await contentOf(db);
    fs.writeFileSync(yaml, fs.readFileSync(yaml, 'utf8').replace(/^backups: .*$/m, `backups: ${mountPoint}/backups`));
    const r = runCli(['apply', '--auto-approve', '-c', yaml]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^Error: no space left for the backup in .*backups$/m);
    expect(r.stderr).toMatch(/hint: free disk space .*nothing was changed/);
    expect(await contentOf(db)).toEqual(before);
    expect(await planExitCode(yaml)).toBe(2);
    expect(fs.readdirSync(path.join(mountPoint, 'backups'))).toEqual([]); // the partial copy is gone
    expect(fs.existsSync(journalPath(db))).toBe(false);
  });
});

describe('SERIAL through rebuilds', () => {
  it.each(['transaction', 'export'])('%s: inserts continue after the old position, rebuild after rebuild, and snapshots keep it', async (strategy) => {
    const dir = tempDir('km-serial-');
    const yaml = path.join(dir, 'kuzu-migrate.yaml');
    const db = path.join(dir, 'db', 's.kuzu');
    const write = (nType: string, version: string) =>
      fs.writeFileSync(yaml, `version: ${version}\ndatabase: ./db/s.kuzu\ncreate: true\nschema:\n  nodes:\n    T: { primary_key: id, properties: { id: SERIAL, name: STRING, n: ${nType} } }\n`);
    write('INT32', 'v1.0.0');
    expect(runCli(['apply', '--auto-approve', '-c', yaml]).status).toBe(0);
    await withEngine(db, {}, async (e) => {
      for (const n of ['a', 'b', 'c']) await e.query(`CREATE (:T {name: '${n}'})`);
      await e.query("MATCH (t:T {name: 'c'}) DELETE t"); // the sequence is now past the largest id
    });
    for (const [nType, version] of [['INT64', 'v1.1.0'], ['INT32', 'v1.2.0']]) {
      write(nType, version);
      const r = runCli(['apply', '--auto-approve', '--allow-destructive', '--strategy', strategy, '-c', yaml]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      await withEngine(db, {}, (e) => e.query(`CREATE (:T {name: '${version}'})`));
    }
    const rows = await withEngine(db, { readOnly: true }, (e) => e.query('MATCH (t:T) RETURN t.id AS id, t.name AS name ORDER BY id'));
    expect(rows).toEqual([
      { id: 0, name: 'a' },
      { id: 1, name: 'b' },
      { id: 3, name: 'v1.1.0' },
      { id: 4, name: 'v1.2.0' },
    ]);
    // a snapshot taken right after a rebuild (the restarted sequence not used yet) keeps the position
    write('INT64', 'v1.3.0');
    expect(runCli(['apply', '--auto-approve', '--strategy', strategy, '-c', yaml]).status).toBe(0);
    expect(runCli(['export', '--version', 'v1.3.0', '-c', yaml]).status).toBe(0);
    const copy = path.join(dir, 'copy.kuzu');
    expect(runCli(['import', '--version', 'v1.3.0', '--database', copy, '-c', yaml]).status).toBe(0);
    await withEngine(copy, {}, (e) => e.query("CREATE (:T {name: 'next'})"));
    expect(await withEngine(copy, { readOnly: true }, (e) => e.query("MATCH (t:T {name: 'next'}) RETURN t.id AS id"))).toEqual([{ id: 5 }]);
    // and the table can still be dropped
    fs.writeFileSync(yaml, 'version: v2.0.0\ndatabase: ./db/s.kuzu\nschema:\n  nodes:\n    U: { primary_key: id, properties: { id: INT64 } }\n');
    const drop = runCli(['apply', '--auto-approve', '--allow-destructive', '-c', yaml]);
    expect(drop.stderr).toBe('');
    expect(drop.status).toBe(0);
  });
});

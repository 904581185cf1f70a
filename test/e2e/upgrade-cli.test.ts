/**
 * `kuzu-migrate upgrade` through the built CLI: confirmation, --json, refusals, and processes
 * killed half way (KUZU_MIGRATE_FAULT sends SIGKILL to the CLI at a named point, like kill -9).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareFingerprints, fingerprintDatabase } from '../../src/kuzu/fingerprint';
import { introspect } from '../../src/kuzu/introspect';
import { detectEngine } from '../../src/engines/detect';
import { ensureEngine, installedPath } from '../../src/engines/install';
import { EngineProcess } from '../../src/engines/process';
import { findRelease } from '../../src/engines/releases';
import { readJournal } from '../../src/state/journal';
import { recoverInterrupted } from '../../src/state/recover';
import { REPO_ROOT, runCli, tempDir } from '../helpers/db';

const ENGINES_DIR = process.env.KUZU_MIGRATE_ENGINES_DIR ?? path.join(REPO_ROOT, '.engines');
const OLD = findRelease('kuzu@0.10.1')!;

jest.setTimeout(120_000);
beforeAll(async () => {
  await ensureEngine(OLD, { dir: ENGINES_DIR });
}, 15 * 60_000);

async function withOld<T>(db: string, readOnly: boolean, fn: (p: EngineProcess) => Promise<T>): Promise<T> {
  const p = await EngineProcess.open(OLD, installedPath(OLD, ENGINES_DIR)!, db, { readOnly });
  try {
    return await fn(p);
  } finally {
    await p.close();
  }
}

/** A Kuzu 0.10.1 database (a folder) with a few tables and rows. */
async function oldDatabase(): Promise<{ dir: string; db: string }> {
  const dir = tempDir('km-upgrade-cli-');
  const db = path.join(dir, 'graph.kuzu');
  await withOld(db, false, async (p) => {
    await p.query("CREATE NODE TABLE Person(id SERIAL, name STRING DEFAULT 'anon', score DOUBLE, PRIMARY KEY(id))");
    await p.query('CREATE REL TABLE knows(FROM Person TO Person, since INT64)');
    await p.query("COMMENT ON TABLE Person IS 'people'");
    for (let i = 0; i < 20; i++) await p.query(`CREATE (:Person {name: 'p${i}', score: ${i} / 7.0})`);
    await p.query('MATCH (a:Person), (b:Person) WHERE b.id = a.id + 1 CREATE (a)-[:knows {since: a.id}]->(b)');
  });
  return { dir, db };
}

async function oldContent(db: string) {
  return withOld(db, true, async (p) => fingerprintDatabase(p, (await introspect(p)).schema));
}

function upgrade(dir: string, args: string[], env: Record<string, string> = {}) {
  return runCli(['upgrade', ...args], { cwd: dir, env: { KUZU_MIGRATE_ENGINES_DIR: ENGINES_DIR, ...env } });
}

describe('kuzu-migrate upgrade (CLI)', () => {
  test('without a terminal it refuses unless --auto-approve; --json reports the upgrade', async () => {
    const { dir, db } = await oldDatabase();
    const refused = upgrade(dir, ['--database', db]);
    expect(refused.status).toBe(3);
    expect(refused.stderr).toMatch(/needs confirmation and there is no terminal/);
    expect(detectEngine(db)).toMatchObject({ layout: 'folder', storage_version: 38 });

    const ok = upgrade(dir, ['--database', db, '--auto-approve', '--json']);
    expect(ok.status).toBe(0);
    const r = JSON.parse(ok.stdout);
    expect(r).toMatchObject({ status: 'upgraded', from: 'kuzu@0.10.1', to: 'kuzu@0.11.3', tables: 2, rows: 39 });
    expect(detectEngine(db)).toMatchObject({ engine: 'kuzu', storage_version: 39, layout: 'file', needs_upgrade: false });

    const again = upgrade(dir, ['--database', db, '--auto-approve']);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/Nothing to do/);
  });

  test('an unknown storage version is refused (exit 3) naming it', () => {
    const dir = tempDir('km-upgrade-cli-');
    const db = path.join(dir, 'graph.kuzu');
    const head = Buffer.alloc(4096);
    head.write('KUZU', 0, 'latin1');
    head.writeBigUInt64LE(41n, 4);
    fs.writeFileSync(db, head);
    const r = upgrade(dir, ['--database', db, '--auto-approve']);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/storage version 41/);
    expect(r.stderr).toMatch(/kuzu@0\.10\.1 = 38/);
  });

  test('killed while loading: the original still opens with 0.10.1, unchanged; the next run settles and upgrades', async () => {
    const { dir, db } = await oldDatabase();
    const before = await oldContent(db);
    const killed = upgrade(dir, ['--database', db, '--auto-approve'], { KUZU_MIGRATE_FAULT: 'upgrade_during_load' });
    expect(killed.status).toBe(-1); // SIGKILL
    expect(readJournal(db)).toMatchObject({ operation: 'upgrade', phase: 'loading' }); // the one journal, <db>.journal.json
    // Its own release opens it, as it was.
    expect(compareFingerprints(before, await oldContent(db))).toEqual([]);
    expect(detectEngine(db)).toMatchObject({ storage_version: 38, layout: 'folder' });

    const next = upgrade(dir, ['--database', db, '--auto-approve']);
    expect(next.status).toBe(0);
    expect(next.stdout).toMatch(/was interrupted during loading; the original kuzu@0\.10\.1 database is in place, unchanged/);
    expect(detectEngine(db)).toMatchObject({ storage_version: 39 });
    expect(fs.readdirSync(dir).filter((e) => e.startsWith('_km_'))).toEqual([]);
  });

  test('killed between the two renames of the swap: settling puts the original back', async () => {
    const { dir, db } = await oldDatabase();
    const before = await oldContent(db);
    const killed = upgrade(dir, ['--database', db, '--auto-approve'], { KUZU_MIGRATE_FAULT: 'upgrade_mid_swap' });
    expect(killed.status).toBe(-1);
    expect(fs.existsSync(db)).toBe(false); // the original is in the working folder for two renames
    // The recovery `recover`, apply and rollback run settles an upgrade too (one journal, one recovery).
    expect(await recoverInterrupted(db)).toMatchObject({ outcome: 'rolled_back', message: expect.stringMatching(/^upgrade .* was interrupted during swapping/) });
    expect(readJournal(db)).toBeNull();
    expect(compareFingerprints(before, await oldContent(db))).toEqual([]);
    expect(fs.readdirSync(dir).filter((e) => e.startsWith('_km_'))).toEqual([]);
  });

  test('killed after verification, before the backup and swap: the original is untouched and the next run redoes the upgrade', async () => {
    const { dir, db } = await oldDatabase();
    const killed = upgrade(dir, ['--database', db, '--auto-approve'], { KUZU_MIGRATE_FAULT: 'upgrade_after_verify' });
    expect(killed.status).toBe(-1);
    expect(detectEngine(db)).toMatchObject({ storage_version: 38 });
    const next = upgrade(dir, ['--database', db, '--auto-approve', '--json']);
    expect(next.status).toBe(0);
    expect(JSON.parse(next.stdout)).toMatchObject({ status: 'upgraded', recovered: { outcome: 'rolled_back' } });
  });
});

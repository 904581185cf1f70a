/**
 * `upgrade`: moves a database to another engine release (Kuzu 0.9 / 0.10 → 0.11, Kuzu →
 * LadybugDB) the way Kuzu documents — export with the release that wrote it, import with the new
 * one — but through kuzu-migrate's lossless snapshot codec instead of EXPORT DATABASE, and
 * verified. Phases, and why in this order:
 *   1. detect      magic bytes + storage version say which release reads the database (--from
 *                  overrides); an unknown storage version is refused naming what was found
 *   2. lock        the same `<db>.lock` as apply: nothing else migrates it meanwhile
 *   3. settle      an upgrade or apply interrupted earlier is undone (or finished) first, from
 *                  the one journal (state/journal.ts, state/recover.ts)
 *   4. engines     both releases installed (or installed now, with consent); each runs in its own
 *                  process: two native builds never share one
 *   5. confirm     like apply: a terminal prompt, or --auto-approve
 *   6. export      the source, opened READ-ONLY by its own release: schema, per-table content
 *                  fingerprints, SERIAL positions, and data files in the snapshot codec, by
 *                  the snapshot export code (snapshot/export.ts readSequences, writeDataFiles),
 *                  described as a snapshot manifest
 *   7. load        a fresh database of the target release in the working folder, by the snapshot
 *                  code (snapshot/import.ts loadSnapshot): schema (with what the declaration
 *                  restores), data, SERIAL positions; then the indexes, one by one
 *   8. verify      snapshot/import.ts verifyLoaded: the schema equals the intended one; per table,
 *                  row counts and per-property content fingerprints equal the source's; indexes
 *                  answer and standalone sequences are where they were
 *   9. backup      a copy of the original under backups/<id>/
 *  10. swap        the original moves into the working folder, the new database into its place
 *                  (state/swap.ts swapKeepingOriginal)
 * Until step 10 the original is only read, so a kill anywhere before it leaves the original as it
 * was, openable by its own release; the journal settles the two renames of step 10.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyHashing, storeBackup } from '../state/backup';
import { copyFileExclusive } from '../state/private';
import { acquireLock } from '../state/lock';
import { clearJournal, faultPoint, UpgradeJournal, writeJournal } from '../state/journal';
import { recoverInterrupted, settleUpgrade, UpgradeRecovery } from '../state/recover';
import { swapKeepingOriginal } from '../state/swap';
import { COMPANION_SUFFIXES, fsyncPath } from '../state/files';
import { createIndex } from '../core/ddl';
import { RefusedError, RuntimeError, UsageError } from '../core/errors';
import { quoteIdent } from '../core/identifiers';
import { Schema, schemaFingerprint } from '../core/model';
import { introspect } from '../kuzu/introspect';
import { detectEngine, DetectedEngine, sourceRelease } from '../engines/detect';
import { ensureEngine, installedPath, InstallEvent } from '../engines/install';
import { EngineProcess } from '../engines/process';
import { DEFAULT_TARGET, EngineRelease, findRelease, knownReleaseNames } from '../engines/releases';
import { SnapshotFormat } from '../snapshot/codec';
import { readSequences, writeDataFiles } from '../snapshot/export';
import { fingerprintContent } from '../snapshot/fingerprint';
import { loadSnapshot, verifyLoaded } from '../snapshot/import';
import { Manifest, MANIFEST_FORMAT_VERSION, ManifestSequence, ManifestTable } from '../snapshot/manifest';
import { TOOL_VERSION } from '../version';
import { mergeDeclared, Restoration } from './restore';

/** A step of the upgrade; `table` and `rows` when a data file was written or loaded (for progress output). */
export type UpgradeEvent = { phase: string; message: string; table?: string; rows?: number };

export interface UpgradeOptions {
  database: string;
  /** Release that wrote the database (`kuzu@0.10.1`); detected from its bytes when absent. */
  from?: string;
  /** Target release (`kuzu@0.11.3`, `ladybug`); default kuzu@0.11.3. */
  to?: string;
  /** The declared schema (kuzu-migrate.yaml), when there is one: restores what export loses. */
  declared?: Schema | null;
  /** Backups folder: the original is copied to `<backups>/<upgrade id>/`. */
  backups: string;
  /** Data file format of the intermediate snapshot (default parquet). */
  format?: SnapshotFormat;
  /** Asked before a missing engine release is downloaded; false refuses (nothing changed). */
  approveInstall?: (releases: EngineRelease[]) => Promise<boolean>;
  /** Asked before anything is exported; false aborts. */
  confirm?: (plan: UpgradePlan) => Promise<boolean>;
  onEvent?: (e: UpgradeEvent) => void;
  command?: string;
  enginesDir?: string;
}

export interface UpgradePlan {
  database: string;
  detected: DetectedEngine;
  from: string;
  to: string;
  /** Releases that must be downloaded first. */
  install: string[];
}

export interface UpgradeResult {
  /** upgraded; no_changes (already on the target); aborted (declined). */
  status: 'upgraded' | 'no_changes' | 'aborted';
  /** The database. */
  database: string;
  /** Source release. */
  from: string;
  /** Target release. */
  to: string;
  /** What the database's bytes say. */
  detected: DetectedEngine;
  /** Id of this upgrade. */
  upgrade_id: string | null;
  /** Tables moved. */
  tables: number;
  /** Rows moved. */
  rows: number;
  /** Tables whose row counts and content fingerprints were verified equal across the two engines. */
  verified_tables: string[];
  /** What the declaration put back that the source's catalog did not show. */
  restored: Restoration[];
  /** Copy of the original database, under the backups folder. */
  backup_id: string | null;
  /** Its path. */
  backup_path: string | null;
  /**
   * An interrupted operation settled first (the one journal: an upgrade's, or an apply's), or null.
   * `outcome` is `restored` only for an apply whose backup was put back.
   */
  recovered: (Omit<UpgradeRecovery, 'outcome'> & { outcome: UpgradeRecovery['outcome'] | 'restored' }) | null;
  /** Wall time in milliseconds. */
  duration_ms: number;
}

function resolveRelease(name: string, flag: string): EngineRelease {
  const r = findRelease(name);
  if (!r) throw new UsageError(`${flag} ${name} is not a release kuzu-migrate knows`, [`known: ${knownReleaseNames().join(', ')}, or ladybug`]);
  return r;
}

type Emit = (phase: string, message: string, extra?: { table?: string; rows?: number }) => void;

interface Exported {
  schema: Schema;
  unknownStorageDirection: string[];
  /** Per table: rows, content fingerprint and the data files written (the manifest's tables). */
  tables: ManifestTable[];
  sequences: ManifestSequence[];
}

/**
 * Step 6: everything is read through a read-only handle of the source's own release, by the
 * snapshot export code (content fingerprints, SERIAL positions, writeDataFiles with its refusals
 * of values no engine loads back), so `export` and `upgrade` write the same files the same way.
 */
async function exportSource(release: EngineRelease, modulePath: string, dbPath: string, exportDir: string, format: SnapshotFormat, emit: Emit): Promise<Exported> {
  const engine = await EngineProcess.open(release, modulePath, dbPath, { readOnly: true });
  try {
    const live = await introspect(engine);
    const schema = live.schema;
    emit('export', `${release.id}: ${schema.nodes.length} node tables, ${schema.rels.length} rel tables`);
    const tables: ManifestTable[] = (await fingerprintContent(engine, schema)).map((fp) => ({ table: fp.table, kind: fp.kind, rows: fp.rows, fingerprint: fp, files: [] }));
    const sequences = await readSequences(engine, schema);
    await writeDataFiles(engine, schema, format, exportDir, async (f) => {
      // A node file holds the whole table (rows from its fingerprint); a rel file one FROM→TO pair.
      const t = tables.find((x) => x.table === f.table)!;
      const rows = f.kind === 'node' ? t.rows : Number(await engine.scalar(`MATCH (a:${quoteIdent(f.from!)})-[r:${quoteIdent(f.table)}]->(b:${quoteIdent(f.to!)}) RETURN count(*)`));
      const { statement: _s, table: _t, kind: _k, ...file } = f;
      t.files.push({ ...file, rows });
      faultPoint('upgrade_during_export');
      emit('export', f.path, { table: f.table, rows });
    });
    return { schema, unknownStorageDirection: live.unknownStorageDirection, tables, sequences };
  } finally {
    await engine.close();
  }
}

/**
 * A target without built-in FTS/vector indexes (LadybugDB 0.19.1 has them only as downloaded
 * extensions) cannot carry the source's indexes: refused before anything is written, naming them.
 */
async function refuseIndexesFor(to: EngineRelease, from: EngineRelease, fromPath: string, dbPath: string): Promise<void> {
  const engine = await EngineProcess.open(from, fromPath, dbPath, { readOnly: true });
  let names: string[] = [];
  try {
    const rows = await engine.query('CALL SHOW_INDEXES() RETURN table_name, index_name, index_type').catch(() => [] as Record<string, unknown>[]);
    names = rows.filter((r) => /^(FTS|HNSW)$/i.test(String(r['index_type']))).map((r) => `${String(r['table_name'])}.${String(r['index_name'])} (${String(r['index_type'])})`);
  } finally {
    await engine.close();
  }
  if (names.length) {
    throw new RefusedError(
      `${to.id} has no built-in FTS or vector indexes (only as extensions downloaded by INSTALL), so the indexes ${names.join(', ')} cannot be carried; nothing was changed`,
      'E_UNSUPPORTED_INDEXES',
      ['drop the indexes (remove them from kuzu-migrate.yaml and apply) before upgrading, and recreate them on the new engine once its extensions are installed'],
    );
  }
}

/**
 * The export as a snapshot manifest (in memory): the same shape `import` loads and verifies, so
 * upgrade loads and verifies through the snapshot code (loadSnapshot, verifyLoaded). `intended`
 * is the source's schema with what the declaration restores.
 */
function upgradeManifest(exported: Exported, intended: Schema, format: SnapshotFormat, dbPath: string, from: EngineRelease): Manifest {
  // Per-property fingerprints (format 1's form) on purpose: they are compared across two engine
  // releases, and verifyLoaded (snapshot/content.ts) compares a table by the form its entry has.
  const tables = exported.tables;
  const fingerprint = schemaFingerprint(intended);
  return {
    format_version: MANIFEST_FORMAT_VERSION,
    tool: { name: 'kuzu-migrate', version: TOOL_VERSION },
    kuzu_version: from.version,
    engine: from.engine,
    storage_version: from.storageVersion,
    version: 'v0.0.0',
    created_at: new Date().toISOString(),
    format,
    raw: false,
    schema_only: false,
    database: dbPath,
    declared_fingerprint: fingerprint,
    live_fingerprint: fingerprint,
    schema: intended,
    sequences: exported.sequences,
    tables,
    files: [],
    total_rows: tables.reduce((n, t) => n + t.rows, 0),
  };
}

/**
 * Steps 7 and 8: a fresh database of the target release, loaded and verified by the snapshot code
 * (snapshot/import.ts loadSnapshot and verifyLoaded, through the target's child process); indexes
 * are built here, one by one, so that one the target cannot build is named (E_UPGRADE_INDEX).
 */
async function loadTarget(
  release: EngineRelease,
  modulePath: string,
  newDb: string,
  exportDir: string,
  manifest: Manifest,
  emit: Emit,
): Promise<{ verified: string[]; rows: number }> {
  const engine = await EngineProcess.open(release, modulePath, newDb, { readOnly: false });
  try {
    await loadSnapshot(engine, exportDir, manifest, {
      skipIndexes: true,
      onEvent: (e) => {
        faultPoint('upgrade_during_load');
        emit('load', e.message, { table: e.table, rows: e.rows });
      },
    });
    // Indexes after the data, each on its own (no engine takes index DDL inside a transaction).
    // A target that cannot build one fails here, before anything replaces the original.
    for (const i of manifest.schema.indexes ?? []) {
      try {
        await engine.query(createIndex(i));
      } catch (err) {
        throw new RuntimeError(`${release.id} cannot build ${i.type} index ${i.name} on ${i.table}: ${(err as Error).message.split('\n')[0]}; the original is unchanged`, 'E_UPGRADE_INDEX', [
          'drop the index (remove it from the YAML and apply) before upgrading, and build it again afterwards if the target supports it',
        ]);
      }
    }
    emit('load', `${release.id}: loaded ${manifest.tables.reduce((n, t) => n + t.files.length, 0)} data files`);
    const problems = await verifyLoaded(engine, manifest);
    if (problems.length) {
      throw new RuntimeError(`verification of the ${release.id} database failed; the original is unchanged:\n  ${problems.join('\n  ')}`, 'E_VERIFY');
    }
    emit('verify', `row counts and content fingerprints of ${manifest.tables.length} tables equal the source's`);
    return { verified: manifest.tables.map((t) => t.table), rows: manifest.total_rows };
  } finally {
    await engine.close();
  }
}

/** fsyncs every file under `dir` and the folders themselves (a folder-layout database of Kuzu 0.9/0.10). */
function fsyncTree(dir: string): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) fsyncTree(p);
    else if (e.isFile()) fsyncPath(p);
  }
  fsyncPath(dir);
}

/**
 * Step 9: a copy of the original, durable before the swap (after it the original is deleted), in
 * a backup folder written by the state layer's storeBackup like apply's backups (`list` shows it).
 * The original is not checkpointed: only its own release could, and it is only ever read. A
 * file-layout database is copied and hashed in one read (copyHashing); a folder is copied whole.
 */
async function backupOriginal(dbPath: string, backupsDir: string, id: string, from: EngineRelease, detected: DetectedEngine): Promise<{ id: string; dir: string }> {
  try {
    await storeBackup(dbPath, backupsDir, id, async (partial, mode) => {
      const file = path.basename(dbPath);
      const target = path.join(partial, file);
      let sha256: string | null = null;
      if (fs.statSync(dbPath).isDirectory()) {
        fs.cpSync(dbPath, target, { recursive: true, errorOnExist: true, force: false });
        fsyncTree(target);
      } else {
        sha256 = (await copyHashing(dbPath, target, mode)).sha256;
        for (const s of COMPANION_SUFFIXES) if (fs.existsSync(dbPath + s)) copyFileExclusive(dbPath + s, target + s, mode);
        for (const s of ['', ...COMPANION_SUFFIXES]) if (fs.existsSync(target + s)) fsyncPath(target + s);
      }
      return {
        id,
        created_at: new Date().toISOString(),
        source: path.resolve(dbPath),
        reason: 'upgrade',
        version: null,
        file,
        size: detected.layout === 'file' ? fs.statSync(target).size : 0,
        sha256,
        engine: from.id,
        layout: detected.layout,
        storage_version: detected.storage_version,
      };
    });
    return { id, dir: path.join(backupsDir, id) };
  } catch (err) {
    throw new RuntimeError(`backup of ${dbPath} to ${backupsDir} failed: ${(err as Error).message}; the original is unchanged`, 'E_BACKUP');
  }
}

export async function upgradeDatabase(options: UpgradeOptions): Promise<UpgradeResult> {
  const started = Date.now();
  const emit: Emit = (phase, message, extra = {}) => options.onEvent?.({ phase, message, ...extra });
  const dbPath = path.resolve(options.database);
  const format = options.format ?? 'parquet';
  if (!fs.existsSync(dbPath)) throw new RuntimeError(`database ${dbPath} does not exist`, 'E_NO_DATABASE', ['check `database:` in the YAML or pass --database']);

  const lock = acquireLock(dbPath, options.command ?? 'kuzu-migrate upgrade');
  try {
    // Whatever the journal beside the database holds (an interrupted upgrade, or apply) is settled
    // first, by the same recovery apply uses.
    const settled = await recoverInterrupted(dbPath, path.resolve(options.backups));
    const recovered = settled && { upgrade_id: settled.apply_id, outcome: settled.outcome, message: settled.message };
    if (recovered) emit('recover', recovered.message);

    const detected = detectEngine(dbPath);
    const from = options.from ? resolveRelease(options.from, '--from') : sourceRelease(dbPath, detected);
    const to = resolveRelease(options.to ?? DEFAULT_TARGET, '--to');
    const base = {
      database: dbPath,
      from: from.id,
      to: to.id,
      detected,
      upgrade_id: null,
      tables: 0,
      rows: 0,
      verified_tables: [],
      restored: [],
      backup_id: null,
      backup_path: null,
      recovered,
    };
    if (from.engine === to.engine && from.storageVersion === to.storageVersion) {
      emit('detect', `${dbPath} is already ${from.engine} storage version ${from.storageVersion} (${to.id} reads it)`);
      return { ...base, status: 'no_changes', duration_ms: Date.now() - started };
    }

    const missing = [from, to].filter((r) => installedPath(r, options.enginesDir) === null);
    const plan: UpgradePlan = { database: dbPath, detected, from: from.id, to: to.id, install: missing.map((r) => r.id) };
    if (missing.length) {
      const ok = options.approveInstall ? await options.approveInstall(missing) : false;
      if (!ok) {
        throw new RefusedError(`${missing.map((r) => r.id).join(' and ')} must be installed first (~${Math.round(missing.reduce((n, r) => n + r.approxBytes, 0) / 1024 / 1024)} MB); nothing was changed`, 'E_ENGINE_NOT_INSTALLED', [
          'run again on a terminal and answer yes, or pass --auto-approve',
        ]);
      }
    }
    const onInstall = (e: InstallEvent) => emit(e.phase, e.message);
    const fromPath = await ensureEngine(from, { dir: options.enginesDir, onEvent: onInstall });
    const toPath = await ensureEngine(to, { dir: options.enginesDir, onEvent: onInstall });

    if (!to.capabilities.builtinIndexes) await refuseIndexesFor(to, from, fromPath, dbPath);
    if (options.confirm && !(await options.confirm(plan))) return { ...base, status: 'aborted', duration_ms: Date.now() - started };

    const upgradeId = `${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}-upgrade-${crypto.randomBytes(3).toString('hex')}`;
    // The working folder sits beside the database: the final rename stays on one file system.
    // Its `_km_` prefix is what doctor reports as a leftover if everything else fails.
    const workDir = path.join(path.dirname(dbPath), `_km_upgrade_${upgradeId}`);
    const exportDir = path.join(workDir, 'export');
    const newDb = path.join(workDir, 'database');
    let journal: UpgradeJournal = writeJournal<UpgradeJournal>({
      operation: 'upgrade',
      upgrade_id: upgradeId,
      pid: process.pid,
      host: os.hostname(),
      database: dbPath,
      from: from.id,
      to: to.id,
      phase: 'exporting',
      work_dir: workDir,
      backup_id: null,
      started_at: new Date().toISOString(),
      updated_at: '',
    });
    try {
      // Created exclusively (mkdir fails on any existing entry, a planted symlink included), 0700.
      fs.mkdirSync(workDir, { mode: 0o700 });
      fs.mkdirSync(exportDir, { mode: 0o700 });
      emit('export', `exporting ${dbPath} with ${from.id} (read-only)`);
      const exported = await exportSource(from, fromPath, dbPath, exportDir, format, emit);
      const { schema: intended, restored } = mergeDeclared(exported.schema, options.declared ?? null, exported.unknownStorageDirection);
      for (const r of restored) emit('restore', `${r.table}${r.property ? '.' + r.property : ''}: ${r.aspect} from the declaration (${r.value})`);

      journal = writeJournal({ ...journal, phase: 'loading' });
      emit('load', `loading into a new ${to.id} database`);
      const { verified, rows } = await loadTarget(to, toPath, newDb, exportDir, upgradeManifest(exported, intended, format, dbPath, from), emit);
      faultPoint('upgrade_after_verify');

      journal = writeJournal({ ...journal, phase: 'backing_up' });
      const backup = await backupOriginal(dbPath, path.resolve(options.backups), upgradeId, from, detected);
      emit('backup', `original copied to ${backup.dir}`);

      journal = writeJournal({ ...journal, phase: 'swapping', backup_id: backup.id });
      // The original may be a folder (older releases) and is kept until the new one is in place.
      swapKeepingOriginal(newDb, dbPath, path.join(workDir, 'original'), () => faultPoint('upgrade_mid_swap'));
      journal = writeJournal({ ...journal, phase: 'swapped' });
      fs.rmSync(workDir, { recursive: true, force: true });
      clearJournal(dbPath);

      const now = detectEngine(dbPath);
      if (now.magic !== to.magic || now.storage_version !== to.storageVersion) {
        throw new RuntimeError(`after the swap ${dbPath} reads as ${now.detail}, expected ${to.id}; the original is in ${backup.dir}`, 'E_VERIFY');
      }
      emit('swap', `${dbPath} is now a ${to.id} database (storage version ${to.storageVersion})`);
      return {
        ...base,
        status: 'upgraded',
        upgrade_id: upgradeId,
        tables: exported.schema.nodes.length + exported.schema.rels.length,
        rows,
        verified_tables: verified,
        restored,
        backup_id: backup.id,
        backup_path: backup.dir,
        duration_ms: Date.now() - started,
      };
    } catch (err) {
      // A failure in this process (not a kill): settle exactly as the next run would.
      settleUpgrade(dbPath);
      throw err;
    }
  } finally {
    lock.release();
  }
}

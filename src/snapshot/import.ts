/**
 * `import`: loads a snapshot into a FRESH staging database next to the target, verifies it against
 * the manifest, and only then renames it into place. Order matters:
 *   1. every file's checksum is checked before anything is opened or created;
 *   2. the target must be empty, or --force takes a backup of it first;
 *   3. schema, then data, then SERIAL positions go into `_km_import_<pid>_<name>` beside the target;
 *   4. the staging database's schema fingerprint, row counts and content fingerprints must equal the
 *      manifest's (a value the files lost is caught here, not in production);
 *   5. the target's `.wal` / `.shadow` are moved away before the rename — a stale WAL is replayed
 *      into whatever file sits at the path (kuzu-notes §6) — and the staging file replaces it.
 * A failure before step 5 removes the staging file and leaves the target untouched.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileMode, realDatabasePath, refuseHardLinked } from '../state/paths';
import { Staged, stageBeside, swapIntoPlace } from '../state/swap';
import { createBackup } from '../state/backup';
import { acquireLock } from '../state/lock';
import { ResolvedConfig } from '../config/config';
import { RefusedError, RuntimeError } from '../core/errors';
import { cypherString } from '../core/identifiers';
import { Schema, schemaFingerprint } from '../core/model';
import { createIndexes, probeIndexes } from '../kuzu/objects';
import { withEngine } from '../kuzu/engine';
import { contentProblems } from './content';
import { introspect, sequencePosition } from '../kuzu/introspect';
import { checkFiles, readManifest } from './files';
import { Manifest } from './manifest';
import { assertSnapshotLoadable, linksIn } from './trust';
import { schemaToCypher } from '../core/ddl';
import { sequenceStatements } from './export';
import { loadStatement } from './statements';
import { checkVersionName, versionDir } from './version-name';
import type { QueryRunner } from '../engines/runner';

export interface ImportOptions {
  version: string;
  /** Target database (defaults to the config's). */
  database?: string;
  force?: boolean;
  /** The caller already holds the migration lock of the target (rollback holds it throughout). */
  lockHeld?: boolean;
  /** Called after each data file is loaded, with its rows (for progress output). */
  onEvent?: (e: { phase: string; message: string; table?: string; rows?: number }) => void;
}

export interface ImportResult {
  /** Snapshot version. */
  version: string;
  /** The database written. */
  database: string;
  /** Tables loaded. */
  tables: number;
  /** Rows loaded. */
  rows: number;
  /** Backup of the replaced database (--force), or null. */
  backup: string | null;
  /** True when counts and fingerprints matched the manifest. */
  verified: boolean;
}

export const IMPORT_STAGING_PREFIX = '_km_import_';


/** Splits a schema.cypher written by schemaToCypher (one statement per line, `;` at the end). */
export function cypherStatements(text: string): string[] {
  return text
    .split(/;\s*\n/)
    .map((s) => s.trim().replace(/;$/, ''))
    .filter((s) => s && !s.startsWith('//'));
}

/** Whether the database at `dbPath` holds any table at all (reserved ones included). */
async function isEmptyDatabase(dbPath: string): Promise<boolean> {
  if (!fs.existsSync(dbPath)) return true;
  if (fs.statSync(dbPath).isFile() && fs.statSync(dbPath).size === 0) return true;
  return withEngine(dbPath, { readOnly: true }, async (e) => (await e.query('CALL show_tables() RETURN name')).length === 0);
}


export interface LoadOptions {
  /** Macros left out of the loaded database (the export strategy dropping or replacing them). */
  omitMacros?: string[];
  onEvent?: ImportOptions['onEvent'];
  /**
   * Leave the manifest's indexes out (default false): upgrade builds them itself, one by one, to
   * say which index a target release cannot build.
   */
  skipIndexes?: boolean;
  /**
   * verifyLoaded: the snapshot folder the data was loaded from (its files' checksums checked), so
   * that a table whose whole-row fingerprint differs is compared with its files per column to
   * name what differs. Without it the table alone is named.
   */
  dir?: string;
}

/**
 * Loads snapshot folder `dir` into an empty database: schema (tables, sequences at their
 * positions, macros), data, SERIAL positions, then indexes (after the data, each on its own).
 */
export async function loadSnapshot(engine: QueryRunner, dir: string, manifest: Manifest, options: LoadOptions = {}): Promise<void> {
  const onEvent = options.onEvent;
  if (manifest.raw) {
    await engine.query(`IMPORT DATABASE ${cypherString(dir)}`);
    return;
  }
  // The DDL is generated from the manifest's (checked) schema, never read from schema.cypher: a
  // snapshot is data, and this runs no statement kuzu-migrate did not generate (trust.ts).
  const omit = (options.omitMacros ?? []).map((m) => m.toLowerCase());
  const schema = omit.length ? { ...manifest.schema, macros: (manifest.schema.macros ?? []).filter((m) => !omit.includes(m.name.toLowerCase())) } : manifest.schema;
  for (const s of cypherStatements(schemaToCypher(schema))) await engine.query(s);
  // Nodes before rels: a rel COPY looks its endpoints up by primary key.
  const ordered = [...manifest.tables.filter((t) => t.kind === 'node'), ...manifest.tables.filter((t) => t.kind === 'rel')];
  for (const t of ordered) {
    for (const f of t.files) {
      await engine.query(loadStatement(t.table, t.kind, f, manifest.format, (r) => path.join(dir, ...r.split('/'))));
      onEvent?.({ phase: 'import', message: f.path, table: t.table, rows: f.rows });
    }
  }
  for (const s of sequenceStatements(manifest.sequences)) await engine.query(s);
  if (!options.skipIndexes) await createIndexes(engine, manifest.schema.indexes ?? []);
}

/**
 * Differences between a loaded database and the snapshot's manifest (schema, counts, content);
 * empty when equal. `engine` is any QueryRunner: the in-process engine (import, the export
 * strategy) or another release's child process (upgrade).
 */
export async function verifyLoaded(engine: QueryRunner, manifest: Manifest, options: LoadOptions = {}): Promise<string[]> {
  const live = await introspect(engine);
  // A rel table without properties has no readable storage direction (table_info returns no row):
  // the manifest's is the one loadSnapshot created.
  for (const r of live.schema.rels) {
    if (live.unknownStorageDirection.includes(r.name)) r.storageDirection = manifest.schema.rels.find((x) => x.name === r.name)?.storageDirection ?? r.storageDirection;
  }
  const problems: string[] = [];
  const fp = schemaFingerprint(live.schema);
  const omit = (options.omitMacros ?? []).map((m) => m.toLowerCase());
  const expected = omit.length ? schemaFingerprint({ ...manifest.schema, macros: (manifest.schema.macros ?? []).filter((m) => !omit.includes(m.name.toLowerCase())) }) : manifest.live_fingerprint;
  // Kuzu's own EXPORT (--raw) drops defaults, comments and storage_direction: not comparable.
  if (!manifest.raw && fp !== expected) problems.push(`schema fingerprint ${fp} differs from the manifest's ${expected}`);
  if (!manifest.raw) problems.push(...(await catalogStateProblems(engine, manifest.schema)));
  if (!manifest.schema_only) problems.push(...(await contentProblems(engine, manifest, manifest.schema, { dir: options.dir, filesChecked: true })));
  return problems;
}

/**
 * What the schema fingerprint does not cover: every index answers a query, and every standalone
 * sequence continues where the exported one was (same last value, or still unused).
 */
export async function catalogStateProblems(engine: QueryRunner, schema: Schema): Promise<string[]> {
  const problems: string[] = [];
  for (const p of await probeIndexes(engine, schema.indexes ?? [])) if (!p.ok) problems.push(`index ${p.table}.${p.name}: ${p.problem}`);
  for (const q of schema.sequences ?? []) {
    if (q.position === undefined) continue;
    const now = await sequencePosition(engine, q.name);
    if (now !== q.position) problems.push(`sequence ${q.name}: last value ${now ?? 'none (unused)'}, expected ${q.position ?? 'none (unused)'}`);
  }
  return problems;
}

export async function importSnapshot(config: ResolvedConfig, options: ImportOptions): Promise<ImportResult> {
  const version = checkVersionName(options.version);
  const dir = versionDir(config.migrations, version);
  if (!fs.existsSync(dir)) {
    throw new RuntimeError(`version ${version} does not exist in ${path.resolve(config.migrations)}`, 'E_NO_VERSION', ['run `kuzu-migrate list` to see the versions that exist']);
  }
  const manifest = readManifest(dir);
  // Links first: a checksum must not be computed through a symlink to a file outside the folder.
  const links = linksIn(dir);
  if (links.length) {
    throw new RuntimeError(`snapshot ${version} is not safe to load, nothing was changed: symbolic links or special files are not allowed in a snapshot: ${links.slice(0, 5).join(', ')}`, 'E_SNAPSHOT_UNSAFE', [
      `restore ${dir} from version control or re-export it with kuzu-migrate`,
    ]);
  }
  const bad = await checkFiles(dir, manifest);
  if (bad.length) {
    throw new RuntimeError(`snapshot ${version} is damaged, nothing was changed:\n  ${bad.join('\n  ')}`, 'E_CHECKSUM', [
      `restore ${dir} from version control or re-export it`,
    ]);
  }
  assertSnapshotLoadable(dir, version, manifest);
  // The real file (a symlink is followed, never replaced).
  const target = realDatabasePath(options.database ?? config.database);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const lock = options.lockHeld ? null : acquireLock(target, 'import');
  // Built in a private folder (random name, 0700) beside the target, swapped in by one rename.
  let stage: Staged | null = null;
  try {
    refuseHardLinked(target);
    // The database keeps its permissions; a new one gets the snapshot's (its data's) own.
    const mode = fs.existsSync(target) ? fileMode(target) : fileMode(path.join(dir, 'manifest.json'));
    let backup: string | null = null;
    if (!(await isEmptyDatabase(target))) {
      if (!options.force) {
        throw new RefusedError(`database ${target} is not empty; import loads only into an empty or new database`, 'E_NOT_EMPTY', [
          'pass --force to replace it (a backup is taken first), or import with --database into a new file',
        ]);
      }
      backup = (await createBackup(target, config.backups, { reason: 'import', version: null })).id;
    }
    stage = stageBeside(target, 'import');
    const staging = stage.file;
    let problems: string[] = [];
    try {
      await withEngine(staging, {}, async (engine) => {
        await loadSnapshot(engine, dir, manifest, { onEvent: options.onEvent });
        options.onEvent?.({ phase: 'verify', message: 'counts and content fingerprints against the manifest' });
        problems = await verifyLoaded(engine, manifest, { dir });
      });
    } catch (err) {
      throw new RuntimeError(`loading ${version} failed, nothing was changed: ${(err as Error).message}`, 'E_IMPORT');
    }
    if (problems.length) {
      throw new RuntimeError(`the loaded data does not match snapshot ${version}, nothing was changed:\n  ${problems.join('\n  ')}`, 'E_VERIFY');
    }
    // Closing checkpointed the staging file: it is complete on its own. Now swap.
    swapIntoPlace(staging, target, mode);
    return { version, database: target, tables: manifest.schema.nodes.length + manifest.schema.rels.length, rows: manifest.total_rows, backup, verified: true };
  } finally {
    if (stage) fs.rmSync(stage.dir, { recursive: true, force: true });
    lock?.release();
  }
}

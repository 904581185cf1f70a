/**
 * Backups: consistent copies of the database file, taken before any change. Consistent because
 * the database is checkpointed first (the WAL folded in) and copied while our lock is held; each
 * copy is checksummed, and restoring one verifies the checksum before anything is replaced.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RefusedError, RuntimeError } from '../core/errors';
import { cypherString, quoteIdent } from '../core/identifiers';
import type { QueryRunner } from '../engines/runner';
import { withEngine } from '../kuzu/engine';
import { COMPANION_SUFFIXES, fsyncPath, sha256File } from './files';
import { fileMode, folderModeFor } from './paths';
import { copyFileExclusive, EXCLUSIVE_CREATE, makePrivateDir, OWNER_FILE, writeFileExclusive } from './private';
import { stageBeside, swapIntoPlace } from './swap';

export interface BackupManifest {
  id: string;
  created_at: string;
  /** Absolute path of the database that was copied. */
  source: string;
  /** Why it was taken: `apply`, `rollback`, `import`, … */
  reason: string;
  /** The version the database was at, when known. */
  version: string | null;
  file: string;
  size: number;
  sha256: string;
  /**
   * How the copy was made: `clone` (a copy-on-write clone, FICLONE: no data copied, blocks shared
   * until one side writes) or `copy` (read once, hashed and written in the same pass). Absent in
   * manifests written before 2026-11-30 (a copy).
   */
  method?: 'clone' | 'copy';
}

const MANIFEST = 'backup.json';
const DB_FILE = 'database.kuzu';

function backupId(now: Date, reason: string): string {
  const ts = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  // A random tail: nobody can predict (and plant a symlink at) the folder name in advance.
  return `${ts}-${reason}-${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
}

/**
 * Folds the WAL into the main file so the file alone is the whole database. A file without any
 * companion (no WAL, no checkpoint in progress) is whole already and is not opened for writing:
 * a writable open and CHECKPOINT of such a clean file can still rewrite its bytes (measured on
 * 0.11.3: the second CHECKPOINT of a clean copy changed its sha256, docs/kuzu-notes.md §11), and
 * an apply refused before its swap must leave the database byte-identical.
 */
export async function checkpoint(dbPath: string): Promise<void> {
  if (!COMPANION_SUFFIXES.some((s) => fs.existsSync(dbPath + s))) return;
  await withEngine(dbPath, {}, async (engine) => {
    try {
      await engine.query('CHECKPOINT');
    } catch (err) {
      // Kuzu 0.11.3 cannot checkpoint a nil UUID (stored as INT128's minimum, kuzu-notes §10):
      // every command that backs up (apply, rollback, upgrade, import --force) failed here with
      // a bare "INT128 is out of range". Name the value instead; nothing has been changed yet.
      if (err instanceof Error && /INT128 is out of range/.test(err.message)) {
        const nil = await findNilUuid(engine);
        if (nil) throw new NilUuidError(dbPath, nil);
      }
      throw err;
    }
  });
}

/** Where the nil UUID is: table, property, the first row's key (node tables) and how many rows. */
export interface NilUuidPlace {
  table: string;
  kind: 'node' | 'rel';
  property: string;
  key: string | null;
  rows: number;
}

/** The nil UUID's text: stored as INT128's minimum, which a CHECKPOINT cannot write (kuzu-notes §10). */
export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * The first UUID or one-level UUID list property holding the nil UUID, read with plain queries
 * (no list lambda: CAST to STRING[] is exact at any length). Null when there is none.
 */
export async function findNilUuid(engine: QueryRunner): Promise<NilUuidPlace | null> {
  const tables = await engine.query('CALL show_tables() RETURN name, type');
  for (const t of tables) {
    const name = String(t['name']);
    const node = String(t['type']) === 'NODE';
    if (!node && String(t['type']) !== 'REL') continue;
    const info = await engine.query(`CALL table_info(${cypherString(name)}) RETURN *`);
    const pk = info.find((r) => r['primary key'] === true);
    const v = node ? 'n' : 'r';
    const match = node ? `MATCH (n:${quoteIdent(name)})` : `MATCH ()-[r:${quoteIdent(name)}]->()`;
    for (const p of info) {
      const type = String(p['type']);
      const x = `${v}.${quoteIdent(String(p['name']))}`;
      const where = type === 'UUID' ? `CAST(${x} AS STRING) = ${cypherString(NIL_UUID)}` : /^UUID\[\d*\]$/.test(type) ? `list_contains(CAST(${x} AS STRING[]), ${cypherString(NIL_UUID)})` : null;
      if (!where) continue;
      const key = node && pk ? `min(CAST(n.${quoteIdent(String(pk['name']))} AS STRING))` : 'CAST(NULL AS STRING)';
      const [row] = await engine.query(`${match} WHERE ${where} RETURN count(*) AS n, ${key} AS k`);
      const rows = Number(row?.['n'] ?? 0);
      if (rows > 0) return { table: name, kind: node ? 'node' : 'rel', property: String(p['name']), key: row['k'] === null || row['k'] === undefined ? null : String(row['k']), rows };
    }
  }
  return null;
}

/** A checkpoint refused because of a nil UUID (E_NIL_UUID, exit 3): names table, property and key. */
export class NilUuidError extends RefusedError {
  constructor(readonly database: string, readonly place: NilUuidPlace) {
    const x = `${place.table}.${place.property}`;
    super(
      `cannot write ${database} to disk: ${x}${place.key !== null ? ` (row with key ${place.key})` : ''} holds the nil UUID ${NIL_UUID}` +
        `${place.rows > 1 ? ` (${place.rows} rows)` : ''}, which Kuzu 0.11.3 stores but cannot checkpoint ("INT128 is out of range: cannot negate INT128_MIN"); nothing was changed`,
      'E_NIL_UUID',
      [
        `replace it first, e.g. in Kuzu: ${place.kind === 'node' ? `MATCH (n:\`${place.table}\`)` : `MATCH ()-[n:\`${place.table}\`]->()`} WHERE CAST(n.\`${place.property}\` AS STRING) = '${NIL_UUID}' SET n.\`${place.property}\` = NULL (or gen_random_uuid() for a UUID), then run the command again`,
      ],
    );
  }
}

export async function createBackup(dbPath: string, backupsDir: string, options: { reason: string; version?: string | null; now?: Date }): Promise<BackupManifest> {
  if (!fs.existsSync(dbPath)) throw new RuntimeError(`cannot back up ${dbPath}: it does not exist`, 'E_NO_DATABASE');
  await checkpoint(dbPath);
  const id = backupId(options.now ?? new Date(), options.reason);
  try {
    return await storeBackup(dbPath, backupsDir, id, async (partial, mode) => {
      const target = path.join(partial, DB_FILE);
      // One read of the source: a clone is hashed once (its blocks ARE the source's), a copy is
      // hashed while it is written. The source cannot change meanwhile: it was just checkpointed
      // and our lock is held. (Hashing source and copy separately cost a second full read.)
      const { sha256: copySum, method } = await copyHashing(dbPath, target, mode);
      // After a checkpoint there is no WAL; copy one anyway if a crash left it, so the copy is whole.
      for (const s of COMPANION_SUFFIXES) if (fs.existsSync(dbPath + s)) copyFileExclusive(dbPath + s, target + s, mode);
      fsyncPath(target);
      return {
        id,
        created_at: new Date().toISOString(),
        source: path.resolve(dbPath),
        reason: options.reason,
        version: options.version ?? null,
        file: DB_FILE,
        size: fs.statSync(target).size,
        sha256: copySum,
        method,
      };
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
      throw new RuntimeError(`no space left for the backup in ${backupsDir}`, 'E_DISK_FULL', ['free disk space or point `backups:` at a larger disk; nothing was changed']);
    }
    if (err instanceof RuntimeError) throw err;
    throw new RuntimeError(`backup to ${backupsDir} failed: ${(err as Error).message}`, 'E_BACKUP', ['nothing was changed']);
  }
}

/**
 * Writes the backup folder `<backupsDir>/<id>/` whole or not at all, for every kind of backup
 * (apply's, rollback's and import's through createBackup, and upgrade's of a database of another
 * release): a private staging folder (random name, exclusive, 0700) that a planted symlink cannot
 * redirect; `copy(partial, mode)` puts the database copy in it, durably (fsynced), and returns the
 * backup.json record; the record is written beside it, the folder gets the database's
 * permissions (issue 16 item 7), is renamed to `id` and the rename made durable. On any error the
 * staging folder is removed and the error rethrown as it came (the caller words it).
 */
export async function storeBackup<M extends { id: string }>(dbPath: string, backupsDir: string, id: string, copy: (partial: string, mode: number) => Promise<M>): Promise<M> {
  const mode = fileMode(dbPath);
  fs.mkdirSync(backupsDir, { recursive: true, mode: folderModeFor(mode) });
  const partial = makePrivateDir(backupsDir, 'backup');
  try {
    const record = await copy(partial, mode);
    writeFileExclusive(path.join(partial, MANIFEST), JSON.stringify(record, null, 2) + '\n', mode);
    fs.rmSync(path.join(partial, OWNER_FILE), { force: true });
    fs.chmodSync(partial, folderModeFor(mode));
    fs.renameSync(partial, path.join(backupsDir, id));
    fsyncPath(backupsDir);
    return record;
  } catch (err) {
    fs.rmSync(partial, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Copies `source` to `target` (which must not exist; never through a symlink) and returns the
 * sha256 of the bytes, reading the source once: a copy-on-write clone (FICLONE_FORCE) where the
 * file system has one (XFS with reflink, Btrfs, APFS…), then hashed; otherwise read in 4 MB
 * chunks, each hashed and written. The target gets `mode` and is not yet fsynced (the caller
 * does that once it is complete). Throws the fs error (ENOSPC, EACCES…).
 */
export async function copyHashing(source: string, target: string, mode: number): Promise<{ sha256: string; method: 'clone' | 'copy' }> {
  try {
    fs.copyFileSync(source, target, fs.constants.COPYFILE_EXCL | fs.constants.COPYFILE_FICLONE_FORCE);
    fs.chmodSync(target, mode);
    return { sha256: await sha256File(target), method: 'clone' };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // No clone here (ext4, tmpfs, across file systems): copy. Anything else is a real failure.
    if (code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV' && code !== 'EINVAL' && code !== 'ENOSYS') throw err;
    if (fs.existsSync(target)) fs.rmSync(target, { force: true }); // EINVAL after a partial create
  }
  const hash = crypto.createHash('sha256');
  const src = fs.openSync(source, 'r');
  try {
    const dst = fs.openSync(target, EXCLUSIVE_CREATE, mode);
    try {
      fs.fchmodSync(dst, mode);
      const buf = Buffer.allocUnsafe(4 << 20);
      for (;;) {
        const n = fs.readSync(src, buf, 0, buf.length, null);
        if (n === 0) break;
        const chunk = buf.subarray(0, n);
        hash.update(chunk);
        for (let off = 0; off < n; ) off += fs.writeSync(dst, chunk, off, n - off);
      }
    } finally {
      fs.closeSync(dst);
    }
  } finally {
    fs.closeSync(src);
  }
  return { sha256: hash.digest('hex'), method: 'copy' };
}

export function listBackups(backupsDir: string): BackupManifest[] {
  if (!fs.existsSync(backupsDir)) return [];
  const out: BackupManifest[] = [];
  for (const entry of fs.readdirSync(backupsDir)) {
    const m = path.join(backupsDir, entry, MANIFEST);
    if (!fs.existsSync(m)) continue;
    try {
      out.push(JSON.parse(fs.readFileSync(m, 'utf8')) as BackupManifest);
    } catch {
      /* a damaged manifest is not a backup we can trust */
    }
  }
  return out.sort((a, b) => a.created_at.localeCompare(b.created_at));
}

export function findBackup(backupsDir: string, id: string): BackupManifest | undefined {
  return listBackups(backupsDir).find((b) => b.id === id);
}

/** Keeps the newest `keep` backups and deletes the rest; returns the deleted ids. */
export function pruneBackups(backupsDir: string, keep: number): string[] {
  const all = listBackups(backupsDir);
  const doomed = all.slice(0, Math.max(0, all.length - keep));
  for (const b of doomed) fs.rmSync(path.join(backupsDir, b.id), { recursive: true, force: true });
  return doomed.map((b) => b.id);
}

/**
 * Puts backup `b` back at `dbPath`, atomically: verified copy to a staging file beside the target,
 * then rename over it, with the target's stale `.wal`/`.shadow` removed first (a stale WAL would be
 * replayed into the restored file).
 */
export async function restoreBackup(b: BackupManifest, backupsDir: string, dbPath: string): Promise<void> {
  const source = path.join(backupsDir, b.id, b.file);
  if (!fs.existsSync(source)) throw new RuntimeError(`backup ${b.id} has no database file (${source})`, 'E_BACKUP');
  // A private staging folder beside the target (same file system: the swap is one rename).
  const stage = stageBeside(dbPath, 'restore');
  try {
    copyFileExclusive(source, stage.file, fs.existsSync(dbPath) ? fileMode(dbPath) : fileMode(source));
    const sum = await sha256File(stage.file);
    if (sum !== b.sha256) throw new RuntimeError(`backup ${b.id} is damaged (checksum mismatch); nothing was changed`, 'E_BACKUP');
    // A backup is taken after a checkpoint: a companion file in it would be a damaged backup.
    const extra = COMPANION_SUFFIXES.filter((s) => fs.existsSync(source + s));
    if (extra.length) throw new RuntimeError(`backup ${b.id} has ${extra.join(', ')} beside its file; nothing was changed`, 'E_BACKUP');
    swapIntoPlace(stage.file, dbPath);
  } finally {
    fs.rmSync(stage.dir, { recursive: true, force: true });
  }
}

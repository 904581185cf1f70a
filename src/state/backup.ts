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
import { faultPoint } from './journal';
import { fileMode, folderModeFor } from './paths';
import { copyFileExclusive, makePrivateDir, OWNER_FILE, writeFileExclusive } from './private';
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
   * until one side writes), `copy` (read once, hashed and written in the same pass) or `link` (the
   * original file itself, which an apply replaced: given this name by a hard link just before its
   * swap, so no data was copied; since 2026-11-30, issue 14). Absent in manifests written before
   * 2026-11-30 (a copy).
   */
  method?: 'clone' | 'copy' | 'link';
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

/**
 * Takes a backup of `dbPath` into `backupsDir/<id>/`: checkpoint, then one read of the file (a
 * clone hashed once, or a kernel copy while the source is hashed: copyHashing), written whole or
 * not at all by storeBackup. Resolves to its manifest. Throws RuntimeError E_NO_DATABASE,
 * E_DISK_FULL (no space in `backupsDir`) or E_BACKUP; nothing is left behind then.
 */
export async function createBackup(dbPath: string, backupsDir: string, options: { reason: string; version?: string | null; now?: Date }): Promise<BackupManifest> {
  if (!fs.existsSync(dbPath)) throw new RuntimeError(`cannot back up ${dbPath}: it does not exist`, 'E_NO_DATABASE');
  await checkpoint(dbPath);
  const id = backupId(options.now ?? new Date(), options.reason);
  try {
    return await storeBackup(dbPath, backupsDir, id, async (partial, mode) => {
      const target = path.join(partial, DB_FILE);
      // One read of the source, the copy fsynced (copyHashing). The source cannot change
      // meanwhile: it was just checkpointed and our lock is held.
      const { sha256: copySum, method } = await copyHashing(dbPath, target, mode);
      // After a checkpoint there is no WAL; copy one anyway if a crash left it, so the copy is whole.
      for (const s of COMPANION_SUFFIXES) {
        if (!fs.existsSync(dbPath + s)) continue;
        copyFileExclusive(dbPath + s, target + s, mode);
        fsyncPath(target + s);
      }
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
    throw backupError(err, backupsDir);
  }
}

/**
 * Writes the backup folder `<backupsDir>/<id>/` whole or not at all, for every kind of backup
 * (apply's, rollback's and import's through createBackup, and upgrade's of a database of another
 * release): a private staging folder (random name, exclusive, 0700) that a planted symlink cannot
 * redirect; `copy(partial, mode)` puts the database copy in it, durably (fsynced), and returns the
 * backup.json record; then sealBackup. On any error the staging folder is removed and the error
 * rethrown as it came (the caller words it). (Apply's backup kept at the swap is sealed the same
 * way from a folder it made earlier: keepOriginalAsBackup.)
 */
export async function storeBackup<M extends { id: string }>(dbPath: string, backupsDir: string, id: string, copy: (partial: string, mode: number) => Promise<M>): Promise<M> {
  const mode = fileMode(dbPath);
  fs.mkdirSync(backupsDir, { recursive: true, mode: folderModeFor(mode) });
  const partial = makePrivateDir(backupsDir, 'backup');
  try {
    const record = await copy(partial, mode);
    sealBackup(partial, backupsDir, record, mode);
    return record;
  } catch (err) {
    fs.rmSync(partial, { recursive: true, force: true });
    throw err;
  }
}

/** A file-system failure while taking a backup, as the user's one-line cause (E_DISK_FULL, E_BACKUP); RuntimeErrors pass. */
function backupError(err: unknown, backupsDir: string): unknown {
  if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
    return new RuntimeError(`no space left for the backup in ${backupsDir}`, 'E_DISK_FULL', ['free disk space or point `backups:` at a larger disk; nothing was changed']);
  }
  if (err instanceof RuntimeError) return err;
  return new RuntimeError(`backup to ${backupsDir} failed: ${(err as Error).message}`, 'E_BACKUP', ['nothing was changed']);
}

/**
 * Completes a backup folder: writes `record` as its backup.json beside the database copy already
 * in the private folder `partial` (fsynced by the caller), fsyncs the folder, gives it the
 * database's permissions (issue 16 item 7), renames it to `backupsDir/<record.id>` and makes the
 * rename durable. From then on `list`, `rollback` and recovery see it, complete.
 */
function sealBackup(partial: string, backupsDir: string, record: { id: string }, mode: number): void {
  writeFileExclusive(path.join(partial, MANIFEST), JSON.stringify(record, null, 2) + '\n', mode);
  fs.rmSync(path.join(partial, OWNER_FILE), { force: true });
  fsyncPath(partial);
  fs.chmodSync(partial, folderModeFor(mode));
  fs.renameSync(partial, path.join(backupsDir, record.id));
  fsyncPath(backupsDir);
}

/**
 * A backup an apply takes AT ITS SWAP, of the original file itself (issue 14: one copy per apply
 * instead of a backup copy plus a private copy). The apply reads the live file once (into its
 * private copy, hashed as written: `sha256`, `size`); the backup's private folder `partial` is
 * made at once (and journaled, so recovery removes it); just before the swap the original gets a
 * second name inside `partial` (a hard link: no data copied), the folder is renamed to `id`, and
 * only then the new file is renamed over the database. From then on the backup folder holds the
 * original's only name. Planned only where a hard link can work (`backupsDir` on the database's
 * file system, see planBackupAtSwap).
 */
export interface PendingBackup {
  id: string;
  backupsDir: string;
  /** The private folder (in `backupsDir`) the backup is assembled in. */
  partial: string;
  source: string;
  reason: string;
  version: string | null;
  /** sha256 and size of the original, read once by the apply (its private copy was hashed as written). */
  sha256: string;
  size: number;
  mode: number;
}

/**
 * The id and private folder of a backup of `dbPath` to be kept at the swap (the caller holds the
 * lock, journals the folder, and later adds the original's sha256 and size once it has read the
 * file: a PendingBackup), or null when `backupsDir` is on another file system than the database
 * (no hard link across file systems: the caller then takes an ordinary backup, createBackup).
 * Creates `backupsDir` and the private folder. Throws like createBackup (E_DISK_FULL, E_BACKUP).
 */
export function planBackupAtSwap(dbPath: string, backupsDir: string, options: { reason: string; version?: string | null; now?: Date }): BackupSlot | null {
  const mode = fileMode(dbPath);
  try {
    fs.mkdirSync(backupsDir, { recursive: true, mode: folderModeFor(mode) });
    if (fs.statSync(backupsDir).dev !== fs.statSync(path.dirname(dbPath)).dev) return null;
    const id = backupId(options.now ?? new Date(), options.reason);
    return { id, backupsDir, partial: makePrivateDir(backupsDir, 'backup'), source: dbPath, reason: options.reason, version: options.version ?? null, mode };
  } catch (err) {
    throw backupError(err, backupsDir);
  }
}

/** A PendingBackup before the original has been read: its id and private folder. */
export type BackupSlot = Omit<PendingBackup, 'sha256' | 'size'>;

/** Errors of link(2) that mean "no hard link here" (not "something is wrong"): the backup is then copied. */
const NO_LINK = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'ENOSYS']);

/**
 * Makes the original `p.source` backup `p.id`, complete, before the caller's swap: a hard link
 * into `p.partial` (the same inode: the bytes that were hashed, as the caller has just checked
 * that the file is unchanged since), or, where the file system refuses hard links, a copy hashed
 * as written that must match `p.sha256` (else E_CONCURRENT: the file changed under us). Then the
 * manifest and the rename (sealBackup). Resolves to the manifest. Throws E_DISK_FULL,
 * E_CONCURRENT or E_BACKUP; `p.partial` is removed then (the database is untouched).
 */
export async function keepOriginalAsBackup(p: PendingBackup): Promise<BackupManifest> {
  const target = path.join(p.partial, DB_FILE);
  try {
    let method: BackupManifest['method'] = 'link';
    try {
      fs.linkSync(p.source, target);
      faultPoint('backup_linked');
    } catch (err) {
      if (!NO_LINK.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
      fs.rmSync(target, { force: true });
      const copied = await copyHashing(p.source, target, p.mode);
      if (copied.sha256 !== p.sha256) throw new RuntimeError(`${p.source} changed during the apply (its sha256 is not the one read at the start); nothing was changed`, 'E_CONCURRENT', ['stop other writers and run apply again']);
      method = copied.method;
    }
    const manifest: BackupManifest = {
      id: p.id,
      created_at: new Date().toISOString(),
      source: path.resolve(p.source),
      reason: p.reason,
      version: p.version,
      file: DB_FILE,
      size: p.size,
      sha256: p.sha256,
      method,
    };
    sealBackup(p.partial, p.backupsDir, manifest, p.mode);
    return manifest;
  } catch (err) {
    fs.rmSync(p.partial, { recursive: true, force: true });
    throw backupError(err, p.backupsDir);
  }
}

/** Whether backup `id`'s file is another name (a hard link) of `dbPath` itself. */
export function isLinkedBackup(backupsDir: string, id: string, dbPath: string): boolean {
  try {
    const a = fs.statSync(path.join(backupsDir, id, DB_FILE));
    const b = fs.statSync(dbPath);
    return a.dev === b.dev && a.ino === b.ino;
  } catch {
    return false;
  }
}

/**
 * Removes backup `id` when its file is another name of `dbPath` itself (kept by an apply that was
 * killed before its swap): such a "backup" would change with every later write to the database,
 * and the second name would make the next apply refuse the file as hard-linked. Returns whether
 * it was removed.
 */
export function removeLinkedBackup(backupsDir: string, id: string, dbPath: string): boolean {
  if (!isLinkedBackup(backupsDir, id, dbPath)) return false;
  fs.rmSync(path.join(backupsDir, id), { recursive: true, force: true });
  fsyncPath(backupsDir);
  return true;
}

/**
 * Copies `source` to `target` (which must not exist; never through a symlink) and returns the
 * sha256 of the bytes: a copy-on-write clone (FICLONE_FORCE) where the file system has one (XFS
 * with reflink, Btrfs, APFS…), then hashed; otherwise the kernel copies the file (copy_file_range
 * in libuv's thread pool: no byte passes through JavaScript) while this thread hashes the source
 * in 8 MB reads, both from the page cache, so the copy costs max(copy + fsync, hash) instead of
 * their sum (issue 14: at 251 MB, same minutes, 2-core machine under load, process CPU ≈ 310 ms
 * and wall ≈ 0.8–1.1 s against 0.46–0.70 s CPU and 1.4–2.1 s wall for the earlier single-threaded
 * 4 MB read–hash–write loop). The source must not change meanwhile: the caller has checkpointed it
 * and holds the migration lock. The target gets `mode` and is fsynced (its name is not: the
 * caller fsyncs its folder). Throws the fs error (ENOSPC, EACCES…); a partial target is removed.
 */
export async function copyHashing(source: string, target: string, mode: number): Promise<{ sha256: string; method: 'clone' | 'copy' }> {
  try {
    fs.copyFileSync(source, target, fs.constants.COPYFILE_EXCL | fs.constants.COPYFILE_FICLONE_FORCE);
    fs.chmodSync(target, mode);
    const sha256 = await sha256File(target);
    fsyncPath(target);
    return { sha256, method: 'clone' };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // No clone here (ext4, tmpfs, across file systems): copy. Anything else is a real failure.
    if (code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV' && code !== 'EINVAL' && code !== 'ENOSYS') throw err;
    if (fs.existsSync(target)) fs.rmSync(target, { force: true }); // EINVAL after a partial create
  }
  // COPYFILE_EXCL: created with O_CREAT|O_EXCL, so an entry planted at `target` (a symlink too)
  // fails with EEXIST. It starts with the source's mode inside the caller's private folder, and
  // gets `mode` below.
  // The copy's mode and fsync follow it on the thread pool, still beside the hash.
  const copying = fs.promises.copyFile(source, target, fs.constants.COPYFILE_EXCL).then(async () => {
    const fh = await fs.promises.open(target, 'r');
    try {
      await fh.chmod(mode);
      await fh.sync();
    } finally {
      await fh.close();
    }
  });
  let sha256: string;
  try {
    sha256 = sha256FileSync(source);
    await copying;
  } catch (err) {
    const copyError = (await copying.then(() => null, (e: NodeJS.ErrnoException) => e)) ?? err;
    // EEXIST: the entry at `target` is not ours, leave it; anything else: our partial copy goes.
    if ((copyError as NodeJS.ErrnoException).code !== 'EEXIST') fs.rmSync(target, { force: true });
    throw copyError;
  }
  return { sha256, method: 'copy' };
}

/** sha256 of `file` by synchronous 8 MB reads (fewer calls than a stream of 64 KB–1 MB chunks; memory stays flat). */
function sha256FileSync(file: string): string {
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(8 << 20);
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) hash.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
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

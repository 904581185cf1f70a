/**
 * Backups: consistent copies of the database file, taken before any change. Consistent because
 * the database is checkpointed first (the WAL folded in) and copied while our lock is held; each
 * copy is checksummed, and restoring one verifies the checksum before anything is replaced.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RuntimeError } from '../core/errors';
import { withEngine } from '../kuzu/engine';
import { COMPANION_SUFFIXES, fsyncPath, removeDatabaseFiles, sha256File } from './files';

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
}

const MANIFEST = 'backup.json';
const DB_FILE = 'database.kuzu';

function backupId(now: Date, reason: string): string {
  const ts = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${ts}-${reason}-${process.pid}`;
}

/** Folds the WAL into the main file so the file alone is the whole database. */
export async function checkpoint(dbPath: string): Promise<void> {
  await withEngine(dbPath, {}, async (engine) => {
    await engine.query('CHECKPOINT');
  });
}

export async function createBackup(dbPath: string, backupsDir: string, options: { reason: string; version?: string | null; now?: Date }): Promise<BackupManifest> {
  if (!fs.existsSync(dbPath)) throw new RuntimeError(`cannot back up ${dbPath}: it does not exist`, 'E_NO_DATABASE');
  await checkpoint(dbPath);
  const id = backupId(options.now ?? new Date(), options.reason);
  const dir = path.join(backupsDir, id);
  const partial = dir + '.partial';
  try {
    fs.mkdirSync(partial, { recursive: true });
    const target = path.join(partial, DB_FILE);
    fs.copyFileSync(dbPath, target);
    // After a checkpoint there is no WAL; copy one anyway if a crash left it, so the copy is whole.
    for (const s of COMPANION_SUFFIXES) if (fs.existsSync(dbPath + s)) fs.copyFileSync(dbPath + s, target + s);
    const [srcSum, copySum] = await Promise.all([sha256File(dbPath), sha256File(target)]);
    if (srcSum !== copySum) throw new RuntimeError(`backup copy of ${dbPath} does not match the original (checksum)`, 'E_BACKUP');
    const manifest: BackupManifest = {
      id,
      created_at: new Date().toISOString(),
      source: path.resolve(dbPath),
      reason: options.reason,
      version: options.version ?? null,
      file: DB_FILE,
      size: fs.statSync(target).size,
      sha256: copySum,
    };
    fs.writeFileSync(path.join(partial, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
    fsyncPath(target);
    fs.renameSync(partial, dir);
    fsyncPath(backupsDir);
    return manifest;
  } catch (err) {
    fs.rmSync(partial, { recursive: true, force: true });
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
      throw new RuntimeError(`no space left for the backup in ${backupsDir}`, 'E_DISK_FULL', ['free disk space or point `backups:` at a larger disk; nothing was changed']);
    }
    if (err instanceof RuntimeError) throw err;
    throw new RuntimeError(`backup to ${backupsDir} failed: ${(err as Error).message}`, 'E_BACKUP', ['nothing was changed']);
  }
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
  const staging = `${dbPath}.km-restore`;
  removeDatabaseFiles(staging);
  fs.copyFileSync(source, staging);
  for (const s of COMPANION_SUFFIXES) if (fs.existsSync(source + s)) fs.copyFileSync(source + s, staging + s);
  const sum = await sha256File(staging);
  if (sum !== b.sha256) {
    removeDatabaseFiles(staging);
    throw new RuntimeError(`backup ${b.id} is damaged (checksum mismatch); nothing was changed`, 'E_BACKUP');
  }
  fsyncPath(staging);
  for (const s of COMPANION_SUFFIXES) fs.rmSync(dbPath + s, { force: true });
  fs.renameSync(staging, dbPath);
  for (const s of COMPANION_SUFFIXES) if (fs.existsSync(staging + s)) fs.renameSync(staging + s, dbPath + s);
  fsyncPath(path.dirname(dbPath));
}

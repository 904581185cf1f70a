/** File helpers for database files: the main file travels with its `.wal` and `.shadow`. */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { writeFileAtomic } from './private';

/**
 * Companions of a database file: Kuzu 0.11 writes `.wal` and, during a checkpoint, `.shadow`
 * (kuzu-notes §6). LadybugDB 0.19.1 uses the same two names and, during a checkpoint, also
 * renames the WAL to `.wal.checkpoint` and creates `.checkpoint.intent.lock` and
 * `.checkpoint.apply.lock` (measured by polling the folder during CHECKPOINT). They all travel
 * with the main file and are removed with it: left beside another file, they would be read as
 * that file's.
 */
export const COMPANION_SUFFIXES = ['.wal', '.shadow', '.wal.checkpoint', '.checkpoint.intent.lock', '.checkpoint.apply.lock'] as const;

export async function sha256File(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  // Streamed: memory stays flat whatever the size of the database.
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function removeDatabaseFiles(dbPath: string): void {
  fs.rmSync(dbPath, { force: true, recursive: true });
  for (const s of COMPANION_SUFFIXES) fs.rmSync(dbPath + s, { force: true });
}

export { fsyncPath } from './private';

/** A JSON file, or null when it is missing or cut short (a crash while it was written). */
export function readJsonFile<T>(p: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(p, 'utf8')) as T;
  } catch {
    return null;
  }
}

/**
 * Writes JSON atomically and durably: a private temp file (random name, created exclusively,
 * never through a symlink), fsync, rename, fsync the folder. Mode 0600 unless given.
 */
export function writeJsonAtomic(p: string, value: unknown, mode = 0o600): void {
  writeFileAtomic(p, JSON.stringify(value, null, 2) + '\n', mode);
}

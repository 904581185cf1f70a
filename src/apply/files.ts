/** File helpers for database files: the main file travels with its `.wal` and `.shadow`. */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';

/** Kuzu 0.11 companions of a database file (kuzu-notes §6). */
export const COMPANION_SUFFIXES = ['.wal', '.shadow'] as const;

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

/** fsync a file and its folder, so a rename that follows is durable. */
export function fsyncPath(p: string): void {
  try {
    const fd = fs.openSync(p, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  } catch {
    /* best effort: some file systems refuse fsync on folders */
  }
}

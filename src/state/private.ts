/**
 * Our own temporary files and staging folders, safe to create in folders other users can write
 * to (issue 16 item 5). Every name carries 64 bits from crypto.randomBytes, and every creation is
 * exclusive and never follows a symlink: a folder by mkdir (which fails on ANY existing entry,
 * symlinks included, and does not follow one at the last component), a file by
 * O_CREAT|O_EXCL|O_NOFOLLOW. A planted entry with the same name therefore makes us fail (or pick
 * another name), never write through it. Staging folders are 0700, so nothing inside them (the
 * database files Kuzu creates there) can be reached or replaced by another user until we rename
 * it out.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Prefix of every staging folder and temp file we create next to a database or in backups/. */
export const PRIVATE_PREFIX = '.km-';

/** `.km-<label>-<16 hex>`: the shape of every private name, for leftover detection. */
export const PRIVATE_NAME = /^\.km-([a-z]+)-[0-9a-f]{16}(\.[a-z]+)?$/;

function randomName(label: string, suffix = ''): string {
  return `${PRIVATE_PREFIX}${label}-${crypto.randomBytes(8).toString('hex')}${suffix}`;
}

/** The record inside each private folder naming the process that made it (leftovers.ts). */
export const OWNER_FILE = '.owner';

export interface OwnerRecord {
  pid: number;
  host: string;
  created_at: string;
}

/**
 * Creates a new folder `<parent>/.km-<label>-<random>` with mode 0700 and returns its
 * path. Exclusive: an existing entry of that name (a planted symlink included) is never used.
 * It holds only OWNER_FILE (who made it, so `recover` can tell a leftover from a running job's).
 * Throws the fs error (ENOENT, EACCES, ENOSPC…) for the caller to word.
 */
export function makePrivateDir(parent: string, label: string): string {
  for (let attempt = 0; ; attempt++) {
    const dir = path.join(parent, randomName(label));
    try {
      fs.mkdirSync(dir, { mode: 0o700 });
      const owner: OwnerRecord = { pid: process.pid, host: os.hostname(), created_at: new Date().toISOString() };
      writeFileExclusive(path.join(dir, OWNER_FILE), JSON.stringify(owner) + '\n');
      return dir;
    } catch (err) {
      // EEXIST with 64 random bits means someone planted it: try another name, a few times.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 4) throw err;
    }
  }
}

/** Flags of an exclusive, non-following file creation. */
export const EXCLUSIVE_CREATE = fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY | fs.constants.O_NOFOLLOW;

/** Writes `data` to a file that must not exist yet (never through a symlink), fsynced, with `mode`. */
export function writeFileExclusive(file: string, data: string | Buffer, mode = 0o600): void {
  const fd = fs.openSync(file, EXCLUSIVE_CREATE, mode);
  try {
    fs.fchmodSync(fd, mode); // the umask must not widen or narrow what we chose
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes `data` to `target` atomically: a private temp file beside it (random name, exclusive),
 * fsync, rename over `target`, fsync the folder. A symlink planted at any temp name is never
 * followed; `target` itself is replaced, not written through, if it is a symlink.
 */
export function writeFileAtomic(target: string, data: string | Buffer, mode = 0o600): void {
  const dir = path.dirname(target);
  const tmp = path.join(dir, randomName('tmp', '.tmp'));
  try {
    writeFileExclusive(tmp, data, mode);
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fsyncPath(dir);
}

/**
 * fsync a file (its data, before it is renamed into place) or a folder (so a rename in it is
 * durable); best effort: some file systems refuse fsync on folders.
 */
export function fsyncPath(p: string): void {
  try {
    const fd = fs.openSync(p, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* best effort */
  }
}

/**
 * Copies `source` to `target`, which must not exist (a planted symlink at `target` makes it
 * fail, EEXIST); a copy-on-write clone where the file system offers one. Then gives it `mode`.
 */
export function copyFileExclusive(source: string, target: string, mode: number): void {
  // COPYFILE_EXCL opens the target with O_EXCL, which does not follow a symlink at the target.
  fs.copyFileSync(source, target, fs.constants.COPYFILE_EXCL | fs.constants.COPYFILE_FICLONE);
  fs.chmodSync(target, mode);
}

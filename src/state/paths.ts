/**
 * The real file behind a database path, and the permissions our copies of it get.
 *
 * Locks, journals, staging files and the swap all work on the REAL path, resolved once per
 * command: through a symlink (`database: ./current.kuzu -> releases/42.kuzu`) we lock, journal and
 * replace `releases/42.kuzu`, and the user's symlink is never replaced or deleted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RefusedError } from '../core/errors';

/**
 * `p` with every symlink resolved, also when the final file does not exist yet (a dangling
 * symlink resolves to the path it points at, so a new database is created THERE and the link is
 * left alone). Missing parent folders are kept as written below the deepest existing one.
 * Throws RefusedError (E_SYMLINK_LOOP) after 40 links, like the kernel.
 */
export function realDatabasePath(p: string): string {
  let current = path.resolve(p);
  for (let hops = 0; hops <= 40; hops++) {
    let st: fs.Stats | null = null;
    try {
      st = fs.lstatSync(current);
    } catch {
      st = null;
    }
    if (st && st.isSymbolicLink()) {
      current = path.resolve(path.dirname(current), fs.readlinkSync(current));
      continue;
    }
    if (st) return fs.realpathSync(current);
    // Missing: resolve the deepest existing ancestor, keep the rest as written.
    const rest: string[] = [path.basename(current)];
    let dir = path.dirname(current);
    for (;;) {
      try {
        return path.join(fs.realpathSync(dir), ...rest);
      } catch {
        const parent = path.dirname(dir);
        if (parent === dir) return current;
        rest.unshift(path.basename(dir));
        dir = parent;
      }
    }
  }
  throw new RefusedError(`${p} is a loop of symbolic links`, 'E_SYMLINK_LOOP', ['point `database:` at the database file itself']);
}

/**
 * Refuses a database file with several hard links before we replace it: a swap renames a new
 * file over ONE name, so the other names would keep the old database (and their own lock and
 * journal would not see ours). Exit 3.
 */
export function refuseHardLinked(dbPath: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(dbPath);
  } catch {
    return;
  }
  if (st.isFile() && st.nlink > 1) {
    throw new RefusedError(`${dbPath} has ${st.nlink} hard links; a migration replaces the file under one name and the others would keep the old database`, 'E_HARD_LINKED', [
      'keep one name for the database (use a symbolic link for the others)',
    ]);
  }
}

/** Permission bits (0o777 part) of `file`, or 0o600 when it cannot be read (fail closed). */
export function fileMode(file: string): number {
  try {
    return fs.statSync(file).mode & 0o777;
  } catch {
    return 0o600;
  }
}

/**
 * The mode of a folder holding copies of a file with `mode`: the same read/write bits for owner,
 * group and others, plus search (x) wherever read is allowed, and never more (0600 → 0700,
 * 0640 → 0750, 0644 → 0755).
 */
export function folderModeFor(mode: number): number {
  let out = mode & 0o666;
  for (const [r, x] of [[0o400, 0o100], [0o040, 0o010], [0o004, 0o001]] as const) if (mode & r) out |= x;
  return out | 0o700; // we must be able to enter and write our own folder
}

/** Narrows (never widens) `target`'s mode to the bits `allowed` grants; best effort. */
export function narrowMode(target: string, allowed: number): void {
  try {
    const cur = fs.statSync(target).mode & 0o777;
    if ((cur & ~allowed) !== 0) fs.chmodSync(target, cur & allowed);
  } catch {
    /* best effort: a file system without modes */
  }
}

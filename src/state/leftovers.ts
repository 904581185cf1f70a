/**
 * Leftovers of interrupted runs: private staging folders and temp files (`.km-…`, see
 * private.ts) whose process is gone, and the names earlier versions used (`backups/*.partial`,
 * `_km_import_*`, `_km_rewrite_*`, `<db>.km-restore`, `<db>.journal.json.tmp`). `recover` removes
 * them, `doctor` reports them. A leftover is only ever something WE created: a private folder
 * carries an `.owner` record (pid, host); without one (killed between mkdir and the record, or a
 * temp file) it counts once it is older than LEFTOVER_AGE_MS. Symlinks are never followed: a
 * symlink with one of our names is reported and removed as a link, its target untouched.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { realDatabasePath } from './paths';
import { PRIVATE_NAME, OWNER_FILE, OwnerRecord } from './private';
import { isProcessAlive } from './lock';

/** Age (ms) after which an owner-less private entry is taken as a leftover; our temp files live for milliseconds. */
export const LEFTOVER_AGE_MS = 60_000;

export interface Leftover {
  path: string;
  /** Why it is a leftover, for people. */
  why: string;
}


function isLeftoverPrivate(p: string, st: fs.Stats, dbPath: string): string | null {
  if (st.isDirectory()) {
    try {
      const o = JSON.parse(fs.readFileSync(path.join(p, OWNER_FILE), 'utf8')) as OwnerRecord;
      if (o.host !== os.hostname()) return null; // another host's: we cannot tell, leave it
      return isProcessAlive(o.pid) ? null : `its process ${o.pid} is gone`;
    } catch {
      /* no owner record: by age */
    }
  }
  // A temp file of an atomic JSON write (the journal) names its writer: the same rule as a folder's
  // owner record, so a journal write killed between write and rename is recognised at once (found by
  // the crash matrix: SIGKILL 5 ms into the swap left one that recover kept for a minute).
  // Only this database's journal counts: another database in the same folder may be settling its own.
  const writer = st.isFile() && st.size < 1 << 20 ? jsonWriter(p) : null;
  if (writer && writer.host === os.hostname() && realDatabasePath(writer.database) === dbPath) return isProcessAlive(writer.pid) ? null : `its process ${writer.pid} is gone`;
  return Date.now() - st.mtimeMs > LEFTOVER_AGE_MS ? 'left by an interrupted run' : null;
}

/** `{pid, host, database}` of a temp file holding one of our JSON records (a journal), or null. */
function jsonWriter(p: string): { pid: number; host: string; database: string } | null {
  try {
    const v = JSON.parse(fs.readFileSync(p, 'utf8')) as { pid?: unknown; host?: unknown; database?: unknown };
    return typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.database === 'string' ? { pid: v.pid, host: v.host, database: v.database } : null;
  } catch {
    return null; // half written, or not JSON: by age
  }
}

/**
 * Leftovers beside `dbPath` (a real path) and in `backupsDir` and `migrationsDir`. Pure
 * listing; nothing is removed.
 */
export function findLeftovers(dbPath: string, backupsDir: string, migrationsDir: string): Leftover[] {
  const out: Leftover[] = [];
  const base = path.basename(dbPath);
  const scan = (dir: string, legacy: (name: string, st: fs.Stats) => string | null) => {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const p = path.join(dir, name);
      let st: fs.Stats;
      try {
        st = fs.lstatSync(p);
      } catch {
        continue;
      }
      const why = PRIVATE_NAME.test(name) ? (st.isSymbolicLink() ? 'a symbolic link with one of our private names (planted?)' : isLeftoverPrivate(p, st, dbPath)) : legacy(name, st);
      if (why) out.push({ path: p, why });
    }
  };
  const old = (st: fs.Stats) => Date.now() - st.mtimeMs > LEFTOVER_AGE_MS;
  scan(path.dirname(dbPath), (name, st) => {
    if (name === `${base}.km-restore` || name === `${base}.journal.json.tmp`) return 'left by an interrupted run of an earlier version';
    if ((name.startsWith('_km_import_') || name.startsWith('_km_rewrite_')) && name.includes(base) && old(st)) return 'staging database of an interrupted import or rewrite';
    return null;
  });
  scan(backupsDir, (name, st) => (name.endsWith('.partial') && old(st) ? 'partial backup of an interrupted run' : null));
  scan(migrationsDir, (name, st) => (/^\.v\d+\.\d+\.\d+\.partial-\d+$/.test(name) && old(st) ? 'partial snapshot of an interrupted export' : null));
  return out;
}

/** Removes `items` (a symlink as a link, never its target); returns the paths removed. */
export function removeLeftovers(items: Leftover[]): string[] {
  const done: string[] = [];
  for (const l of items) {
    try {
      fs.rmSync(l.path, { recursive: true, force: true });
      done.push(l.path);
    } catch {
      /* reported by doctor next time */
    }
  }
  return done;
}

/**
 * The migration lock: one file next to the database, created atomically (O_EXCL), naming who
 * holds it. A lock whose process is gone (same host, pid not alive) is stale and is taken over;
 * `kuzu-migrate unlock ID` removes one explicitly.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileExclusive } from './private';
import { LockedError, RuntimeError, UsageError } from '../core/errors';

export interface LockInfo {
  id: string;
  pid: number;
  host: string;
  command: string;
  started_at: string;
}

export function lockPath(dbPath: string): string {
  return `${dbPath}.lock`;
}

export function readLock(dbPath: string): LockInfo | null {
  try {
    return JSON.parse(fs.readFileSync(lockPath(dbPath), 'utf8')) as LockInfo;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // A lock file that cannot be parsed was cut short by a crash while being written.
    return { id: 'unreadable', pid: -1, host: os.hostname(), command: 'unknown', started_at: '' };
  }
}

export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock is stale when it was taken on this host by a process that no longer runs. */
export function isStale(lock: LockInfo): boolean {
  return lock.host === os.hostname() && !isProcessAlive(lock.pid);
}

export interface HeldLock {
  info: LockInfo;
  /** Set when a stale lock was taken over. */
  tookOverFrom: LockInfo | null;
  release(): void;
}

/**
 * How long an empty or unreadable lock file counts as a live holder: a lock written by an older
 * kuzu-migrate (create, then write) is empty for a moment; a crash in that moment leaves it empty
 * for good. Milliseconds.
 */
export const LOCK_GRACE_MS = 10_000;

/** Whether `holder` (read from a lock file last modified at `mtimeMs`) may be taken over. */
function takeable(holder: LockInfo | null, mtimeMs: number): boolean {
  if (!holder) return false;
  if (holder.id === 'unreadable') return Date.now() - mtimeMs > LOCK_GRACE_MS;
  return isStale(holder);
}

function lockStat(file: string): { text: string; mtimeMs: number } | null {
  try {
    return { text: fs.readFileSync(file, 'utf8'), mtimeMs: fs.statSync(file).mtimeMs };
  } catch {
    return null;
  }
}

/**
 * Takes the migration lock of `dbPath` (a real path: see state/paths.ts) or throws LockedError
 * (exit 4). Atomic in every case:
 * - the lock file appears WHOLE, by link(2) of a private temp file that already holds our
 *   record: there is no moment where it exists empty, and link fails if any entry (a symlink
 *   included) has the name;
 * - a stale lock (its process gone, same host; or empty/unreadable for longer than
 *   LOCK_GRACE_MS) is taken over only by the one process that creates the takeover marker
 *   `<lock>.takeover` (also by link, so exclusively), and that process re-reads the lock under
 *   the marker and replaces it by rename only if it is still the same stale lock. Everyone else
 *   gets exit 4. A marker left by a killed takeover is removed once its process is gone.
 */
export function acquireLock(dbPath: string, command: string): HeldLock {
  const info: LockInfo = {
    id: crypto.randomBytes(6).toString('hex'),
    pid: process.pid,
    host: os.hostname(),
    command,
    started_at: new Date().toISOString(),
  };
  const file = lockPath(dbPath);
  const marker = file + '.takeover';
  const dir = path.dirname(file);
  const held = (tookOverFrom: LockInfo | null): HeldLock => ({
    info,
    tookOverFrom,
    release: () => {
      const current = readLock(dbPath);
      if (current && current.id === info.id) fs.rmSync(file, { force: true });
    },
  });
  const record = JSON.stringify(info, null, 2) + '\n';
  const tmp = path.join(dir, `.km-lock-${crypto.randomBytes(8).toString('hex')}.tmp`);
  try {
    writeFileExclusive(tmp, record, 0o644);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new RuntimeError(`cannot create the lock file ${file}: its folder does not exist`, 'E_IO');
    throw new RuntimeError(`cannot create the lock file ${file}: ${(err as Error).message}`, 'E_IO');
  }
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        fs.linkSync(tmp, file);
        return held(null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new RuntimeError(`cannot create the lock file ${file}: ${(err as Error).message}`, 'E_IO');
      }
      const seen = lockStat(file);
      if (!seen) continue; // released meanwhile: try again
      const holder = parseLock(seen.text);
      if (!takeable(holder, seen.mtimeMs)) throw lockedError(dbPath, holder);
      // Stale: only the process holding the takeover marker may replace it.
      try {
        fs.linkSync(tmp, marker);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new RuntimeError(`cannot create ${marker}: ${(err as Error).message}`, 'E_IO');
        const m = lockStat(marker);
        const mh = m ? parseLock(m.text) : null;
        if (m && takeable(mh, m.mtimeMs) && attempt === 0) {
          // A takeover killed half way; its marker is removed by whoever renames it away first.
          const aside = `${marker}.${crypto.randomBytes(4).toString('hex')}`;
          try {
            fs.renameSync(marker, aside);
            const moved = lockStat(aside);
            if (moved && moved.text === m.text) fs.rmSync(aside, { force: true });
            else if (moved) fs.renameSync(aside, marker); // not the dead one: put it back
          } catch {
            /* someone else cleaned it */
          }
          continue;
        }
        throw lockedError(dbPath, holder);
      }
      try {
        const again = lockStat(file);
        if (again && again.text === seen.text) {
          // Still the same stale lock: replace it in one step (rename of a whole record).
          const mine = tmp + '.2';
          writeFileExclusive(mine, record, 0o644);
          fs.renameSync(mine, file);
          return held(holder);
        }
      } finally {
        fs.rmSync(marker, { force: true });
      }
      // It changed under us (released, or taken over first by another process): start again.
    }
    throw lockedError(dbPath, readLock(dbPath));
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function parseLock(text: string): LockInfo | null {
  try {
    const v = JSON.parse(text) as LockInfo;
    if (v && typeof v === 'object' && typeof v.id === 'string') return v;
  } catch {
    /* below */
  }
  return { id: 'unreadable', pid: -1, host: os.hostname(), command: 'unknown', started_at: '' };
}

function lockedError(dbPath: string, holder: LockInfo | null): LockedError {
  const who = holder ? `${holder.command} (lock ${holder.id}, pid ${holder.pid} on ${holder.host}, since ${holder.started_at})` : 'another process';
  return new LockedError(`${dbPath} is locked by ${who}`, [
    'wait for it to finish',
    holder ? `if it is certainly gone, remove the lock with: kuzu-migrate unlock ${holder.id}` : 'run kuzu-migrate doctor',
  ]);
}

/** Removes the lock `id`; refuses when the lock is another one, or held by a live process here. */
export function unlock(dbPath: string, id: string, force = false): LockInfo {
  const holder = readLock(dbPath);
  if (!holder) throw new UsageError(`${dbPath} is not locked`);
  if (holder.id !== id) throw new UsageError(`the lock on ${dbPath} is ${holder.id}, not ${id}`, [`kuzu-migrate unlock ${holder.id}`]);
  if (!force && holder.host === os.hostname() && isProcessAlive(holder.pid)) {
    throw new LockedError(`lock ${id} is held by process ${holder.pid}, which is still running`, ['stop that process first, or pass --force']);
  }
  fs.rmSync(lockPath(dbPath), { force: true });
  return holder;
}

/**
 * The migration lock: one file next to the database, created atomically (O_EXCL), naming who
 * holds it. A lock whose process is gone (same host, pid not alive) is stale and is taken over;
 * `kuzu-migrate unlock ID` removes one explicitly.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
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

export function acquireLock(dbPath: string, command: string): HeldLock {
  const info: LockInfo = {
    id: crypto.randomBytes(6).toString('hex'),
    pid: process.pid,
    host: os.hostname(),
    command,
    started_at: new Date().toISOString(),
  };
  let tookOverFrom: LockInfo | null = null;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockPath(dbPath), 'wx');
      fs.writeSync(fd, JSON.stringify(info, null, 2) + '\n');
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      return {
        info,
        tookOverFrom,
        release: () => {
          const current = readLock(dbPath);
          if (current && current.id === info.id) fs.rmSync(lockPath(dbPath), { force: true });
        },
      };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        throw new RuntimeError(`cannot create the lock file ${lockPath(dbPath)}: its folder does not exist`, 'E_IO');
      }
      if (code !== 'EEXIST') throw new RuntimeError(`cannot create the lock file ${lockPath(dbPath)}: ${(err as Error).message}`, 'E_IO');
      const holder = readLock(dbPath);
      if (holder && isStale(holder) && attempt === 0) {
        tookOverFrom = holder;
        fs.rmSync(lockPath(dbPath), { force: true });
        continue;
      }
      throw lockedError(dbPath, holder);
    }
  }
  throw lockedError(dbPath, readLock(dbPath));
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

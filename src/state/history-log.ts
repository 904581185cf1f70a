/**
 * The apply history's second home: an append-only `history.jsonl` beside the backups. The
 * database's own `_kuzu_migrate_history` table travels with the file, so restoring a backup (a
 * rollback) also restores the history as it was then, and the undone applies vanish from it. The
 * log keeps every entry ever written; `list` merges the two and marks what the database no longer
 * holds as rolled back — never erased.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileMode } from './paths';
import { HistoryEntry } from './history';

export const HISTORY_LOG_FILE = 'history.jsonl';

/** One line of the log: a history entry and the database it was written to. */
export interface LoggedEntry extends HistoryEntry {
  database: string;
}

/** A history entry as `list` shows it: from the database, or only from the log (then rolled back). */
export type MergedEntry = HistoryEntry & {
  /** True when the database no longer holds this entry: a rollback or restore replaced that state. */
  rolled_back: boolean;
};

export function historyLogPath(backupsDir: string): string {
  return path.join(backupsDir, HISTORY_LOG_FILE);
}

/** Appends `entry` (one JSON line, fsynced). Never rewrites earlier lines. */
export function appendHistoryLog(backupsDir: string, database: string, entry: HistoryEntry): void {
  fs.mkdirSync(backupsDir, { recursive: true });
  // Never through a planted symlink, and no more readable than the database it describes (docs/security.md).
  const flags = fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW;
  const fd = fs.openSync(historyLogPath(backupsDir), flags, fileMode(database));
  try {
    fs.writeSync(fd, JSON.stringify({ ...entry, database: path.resolve(database) }) + '\n');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** The log's entries for `database` (oldest first); a torn last line (a crash mid-append) is skipped. */
export function readHistoryLog(backupsDir: string, database: string): LoggedEntry[] {
  const file = historyLogPath(backupsDir);
  if (!fs.existsSync(file)) return [];
  const out: LoggedEntry[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as LoggedEntry;
      if (path.resolve(e.database) === path.resolve(database)) out.push(e);
    } catch {
      /* torn line: skipped */
    }
  }
  return out;
}

/**
 * The union of the database's history and the log, by id, ordered by time: an entry only the log
 * has is `rolled_back`. Pure.
 */
export function mergeHistory(live: readonly HistoryEntry[], logged: readonly HistoryEntry[]): MergedEntry[] {
  const byId = new Map<string, MergedEntry>();
  for (const e of logged) byId.set(e.id, { ...stripDatabase(e), rolled_back: true });
  // The database's row wins, but the query timings live in the log only (history.ts HistoryEntry.queries).
  for (const e of live) {
    const logged = byId.get(e.id);
    byId.set(e.id, { ...e, ...(logged?.queries ? { queries: logged.queries } : {}), rolled_back: false });
  }
  return [...byId.values()].sort((a, b) => a.applied_at.localeCompare(b.applied_at) || a.id.localeCompare(b.id));
}

function stripDatabase(e: HistoryEntry): HistoryEntry {
  const { database: _drop, ...rest } = e as LoggedEntry;
  void _drop;
  return rest;
}

/**
 * The apply journal: a small file next to the database recording which phase a running apply is
 * in. If the process dies, the next command finds the journal and settles the apply: because the
 * change and its history row commit in one Kuzu transaction, "is this apply id in the history?"
 * says exactly whether it happened.
 */
import * as fs from 'node:fs';
import { readJsonFile, writeJsonAtomic } from './files';

import type { ContentDigest } from './digest';

/**
 * `locked` → `executing` (building in the private copy; the live file untouched) → `swapping`
 * (the copy is complete, `expected` holds its digest; the rename may or may not have happened)
 * → `committed` (swapped; receipt and history log being written) → cleared. `restoring`: a
 * backup is being put back — written by kuzu-migrate before issue 14, whose post-verify ran after
 * the swap; it now runs on the new file before it (apply.ts), but such a journal is still settled.
 */
export type JournalPhase = 'locked' | 'backed_up' | 'executing' | 'swapping' | 'committed' | 'restoring';

export interface Journal {
  apply_id: string;
  pid: number;
  host: string;
  database: string;
  version: string;
  phase: JournalPhase;
  backup_id: string | null;
  strategy: string;
  /** Export strategy: the fresh database being built, removed if the apply is undone. */
  staging?: string;
  /** Export strategy: the folder holding the export. */
  workdir?: string;
  /** The private folder (0700) the new database is built in; removed when the apply is over. */
  stage_dir?: string;
  /** Where the backup lives (recovery restores it without the YAML). */
  backups_dir?: string;
  /** sha256 of the backup = of the database as it was (recovery recognises an untouched file). */
  backup_sha256?: string;
  /** Tables the apply rebuilt (fingerprinted in full in `expected`). */
  rebuilt_tables?: string[];
  /** Digest of the database the apply built, recorded BEFORE it is swapped in. */
  expected?: ContentDigest;
  started_at: string;
  updated_at: string;
}

export function journalPath(dbPath: string): string {
  return `${dbPath}.journal.json`;
}

export function readJournal(dbPath: string): Journal | null {
  return readJsonFile<Journal>(journalPath(dbPath));
}

/** Writes the journal atomically (temp file + rename), so a crash never leaves half a journal. */
export function writeJournal(j: Journal): void {
  writeJsonAtomic(journalPath(j.database), { ...j, updated_at: new Date().toISOString() });
}

export function clearJournal(dbPath: string): void {
  fs.rmSync(journalPath(dbPath), { force: true });
}

/**
 * Fault injection for crash and signal tests: `KUZU_MIGRATE_FAULT=<point>` kills the process with
 * SIGKILL at that point, exactly like `kill -9`; `<point>:SIGINT` / `<point>:SIGTERM` sends the
 * process that signal there (as Ctrl-C or `kill` would). Points are listed where they are called.
 */
export function faultPoint(point: string): void {
  const [at, signal] = (process.env.KUZU_MIGRATE_FAULT ?? '').split(':');
  if (at !== point) return;
  process.kill(process.pid, signal === 'SIGINT' || signal === 'SIGTERM' ? signal : 'SIGKILL');
}

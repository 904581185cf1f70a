/**
 * The journal: ONE small file next to the database, `<db>.journal.json`, recording which phase a
 * running apply or upgrade is in (`operation` tells them apart). If the process dies, the next
 * command that changes the database finds it and settles the operation first (state/recover.ts):
 * an apply by the content of the live file against the digest it recorded before its swap, an
 * upgrade by where its two renames had got to.
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

/** The journal of an apply (`operation` is absent in journals of earlier kuzu-migrate versions). */
export interface ApplyJournal {
  operation?: 'apply';
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
  /**
   * The backup is the original file itself, kept at the swap (state/backup.ts keepOriginalAsBackup):
   * backup `backup_id` is completed BEFORE the new file is renamed over the database, so while it
   * does not exist the database was never replaced. Absent: the backup was taken before the apply began.
   */
  backup_at_swap?: boolean;
  /** The private folder in `backups_dir` that backup is assembled in; removed when the apply is over. */
  backup_partial?: string;
  /** Tables the apply rebuilt (fingerprinted in full in `expected`). */
  rebuilt_tables?: string[];
  /** Digest of the database the apply built, recorded BEFORE it is swapped in. */
  expected?: ContentDigest;
  started_at: string;
  updated_at: string;
}

/**
 * An upgrade's phases: until `swapping` the original has only been read (opened read-only by its
 * own release), so an interrupted upgrade is undone by removing its working folder. During
 * `swapping` the original sits in the working folder for the length of two renames.
 */
export type UpgradePhase = 'exporting' | 'loading' | 'backing_up' | 'swapping' | 'swapped';

/** The journal of an upgrade to another engine release (src/upgrade). */
export interface UpgradeJournal {
  operation: 'upgrade';
  upgrade_id: string;
  pid: number;
  host: string;
  database: string;
  from: string;
  to: string;
  phase: UpgradePhase;
  /** Working folder beside the database: `export/`, the new `database`, and during the swap `original`. */
  work_dir: string;
  backup_id: string | null;
  started_at: string;
  updated_at: string;
}

/** The one journal type: an apply's or an upgrade's, told apart by `operation`. */
export type Journal = ApplyJournal | UpgradeJournal;

export function isUpgradeJournal(j: Journal): j is UpgradeJournal {
  return j.operation === 'upgrade';
}

export function journalPath(dbPath: string): string {
  return `${dbPath}.journal.json`;
}

/** Where kuzu-migrate before the one journal kept an upgrade's; still read, so such an upgrade is settled. */
function legacyUpgradeJournalPath(dbPath: string): string {
  return `${dbPath}.upgrade.json`;
}

export function readJournal(dbPath: string): Journal | null {
  const j = readJsonFile<Journal>(journalPath(dbPath));
  if (j) return j;
  const legacy = readJsonFile<Omit<UpgradeJournal, 'operation'>>(legacyUpgradeJournalPath(dbPath));
  return legacy ? { ...legacy, operation: 'upgrade' } : null;
}

/** Writes the journal atomically (temp file + rename), so a crash never leaves half a journal. Returns what was written. */
export function writeJournal<J extends Journal>(j: J): J {
  const next = { ...j, updated_at: new Date().toISOString() };
  writeJsonAtomic(journalPath(j.database), next);
  return next;
}

export function clearJournal(dbPath: string): void {
  // Only the journals themselves: writeJournal's temp files have random private names (state/private.ts),
  // and anything else at a predictable name may be planted (a symlink is left for `recover` to report).
  for (const p of [journalPath(dbPath), legacyUpgradeJournalPath(dbPath)]) fs.rmSync(p, { force: true });
}

/** The interrupted operation in words, for warnings: "an apply to v1.2.0 (id)", "an upgrade from kuzu@0.10.1 to kuzu@0.11.3 (id)". */
export function describeJournal(j: Journal): string {
  return isUpgradeJournal(j) ? `an upgrade from ${j.from} to ${j.to} (${j.upgrade_id})` : `an apply to ${j.version} (${j.apply_id})`;
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

/**
 * The upgrade journal, `<db>.upgrade.json`: which phase a running upgrade is in, and where its
 * working folder is. Until the phase is `swapping`, the original database has only been read
 * (opened read-only by its own release), so an interrupted upgrade is undone by deleting the
 * working folder. During `swapping` the original sits in the working folder for the length of two
 * renames; settleUpgrade() puts it back, or finishes the swap when the new database is already in
 * place (it was verified before the swap began).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RuntimeError } from '../core/errors';
import { isProcessAlive } from '../state/lock';
import { COMPANION_SUFFIXES, fsyncPath, readJsonFile, writeJsonAtomic } from '../state/files';

export type UpgradePhase = 'exporting' | 'loading' | 'backing_up' | 'swapping' | 'swapped';

export interface UpgradeJournal {
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

export interface UpgradeRecovery {
  upgrade_id: string;
  outcome: 'completed' | 'rolled_back';
  message: string;
}

export function upgradeJournalPath(dbPath: string): string {
  return `${dbPath}.upgrade.json`;
}

export function readUpgradeJournal(dbPath: string): UpgradeJournal | null {
  return readJsonFile<UpgradeJournal>(upgradeJournalPath(dbPath));
}

export function writeUpgradeJournal(j: UpgradeJournal): UpgradeJournal {
  const next = { ...j, updated_at: new Date().toISOString() };
  writeJsonAtomic(upgradeJournalPath(j.database), next);
  return next;
}

export function clearUpgradeJournal(dbPath: string): void {
  fs.rmSync(upgradeJournalPath(dbPath), { force: true });
  fs.rmSync(upgradeJournalPath(dbPath) + '.tmp', { force: true });
}

/** Kuzu 0.11 / LadybugDB companions of a database file (files.ts); a folder database keeps them inside. */
const COMPANIONS = COMPANION_SUFFIXES;

/** Moves a database (file with its companions, or folder) from `from` to `to`: renames only. */
export function moveDatabase(from: string, to: string): void {
  fs.renameSync(from, to);
  for (const s of COMPANIONS) if (fs.existsSync(from + s)) fs.renameSync(from + s, to + s);
  fsyncPath(path.dirname(to));
}

export function databaseExists(p: string): boolean {
  return fs.existsSync(p);
}

/** Settles an upgrade interrupted by a crash or kill; null when there is none. */
export function settleUpgrade(dbPath: string): UpgradeRecovery | null {
  const j = readUpgradeJournal(dbPath);
  if (!j) return null;
  if (j.host === os.hostname() && j.pid !== process.pid && isProcessAlive(j.pid)) {
    throw new RuntimeError(`an upgrade (pid ${j.pid}) is still running on ${dbPath}`, 'E_BUSY', ['wait for it to finish']);
  }
  const original = path.join(j.work_dir, 'original');
  let outcome: UpgradeRecovery['outcome'] = 'rolled_back';
  if (j.phase === 'swapped') outcome = 'completed';
  else if (j.phase === 'swapping' && fs.existsSync(original)) {
    if (fs.existsSync(dbPath)) outcome = 'completed'; // the verified new database is in place; only cleanup was left
    else moveDatabase(original, dbPath); // between the two renames: the original goes back
  }
  fs.rmSync(j.work_dir, { recursive: true, force: true });
  clearUpgradeJournal(dbPath);
  return {
    upgrade_id: j.upgrade_id,
    outcome,
    message:
      outcome === 'completed'
        ? `upgrade ${j.upgrade_id} (${j.from} → ${j.to}) had swapped the new database in before it was interrupted; it is complete`
        : `upgrade ${j.upgrade_id} (${j.from} → ${j.to}) was interrupted during ${j.phase}; the original ${j.from} database is in place, unchanged`,
  };
}

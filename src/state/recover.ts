/**
 * Recovery: settles an operation a crash interrupted, from the one journal (journal.ts) — an
 * apply by the content of the live file, an upgrade by where its renames had got to. Called first
 * by apply, rollback, upgrade and `recover`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RuntimeError } from '../core/errors';
import { withEngine } from '../kuzu/engine';
import { findBackup, isLinkedBackup, removeLinkedBackup, restoreBackup } from './backup';
import { COMPANION_SUFFIXES, removeDatabaseFiles, sha256File } from './files';
import { compareDigests, digestDatabase, digestStyle, writeReceipt } from './digest';
import { readHistory } from './history';
import { appendHistoryLog, readHistoryLog } from './history-log';
import { clearJournal, isUpgradeJournal, readJournal, UpgradeJournal } from './journal';
import { isProcessAlive } from './lock';
import { moveDatabase } from './swap';

export interface RecoveryResult {
  /** The interrupted operation's id (an upgrade's `upgrade_id` for an upgrade). */
  apply_id: string;
  /** completed: the new database is in place; rolled_back: the old one never left; restored: the backup was put back. */
  outcome: 'completed' | 'rolled_back' | 'restored';
  message: string;
}

/**
 * Settles an apply (or an upgrade: settleUpgrade) interrupted by a crash, deciding by the CONTENT of the live file, never by the
 * presence of a history row alone (Kuzu 0.11.3 can reopen a killed COMMIT with its history row
 * and empty tables, docs/security.md "Crash safety"):
 * - killed before the swap (phases up to `executing`): the live file was never replaced, it is
 *   the original; the private staging folder is removed.
 * - killed at or after the swap (`swapping`, `committed`): the live file's digest (row counts,
 *   and content fingerprints of the rebuilt tables) is compared with the one the apply recorded
 *   in the journal before the swap. Equal: the apply is complete. Otherwise, if the file is
 *   byte-for-byte the backup, the rename never happened (rolled back); if it is anything else, the
 *   backup is restored (a database the apply created is removed).
 * - an apply that keeps the original as its backup at the swap (`backup_at_swap`): while that
 *   backup does not exist, or is the live file under a second name, the rename never happened
 *   (rolled back; the second name is removed).
 * - killed while restoring the backup after a failed post-verify: the restore is redone.
 * Returns null when there is no journal. Throws E_BUSY when the apply's process still runs.
 */
export async function recoverInterrupted(dbPath: string, backupsDir?: string): Promise<RecoveryResult | null> {
  const j = readJournal(dbPath);
  if (!j) return null;
  if (isUpgradeJournal(j)) {
    const u = settleUpgrade(dbPath);
    return u && { apply_id: u.upgrade_id, outcome: u.outcome, message: u.message };
  }
  if (j.host === os.hostname() && j.pid !== process.pid && isProcessAlive(j.pid)) {
    throw new RuntimeError(`an apply (pid ${j.pid}) is still running on ${dbPath}`, 'E_BUSY', ['wait for it to finish']);
  }
  const cleanup = () => {
    if (j.stage_dir) fs.rmSync(j.stage_dir, { recursive: true, force: true });
    if (j.staging) removeDatabaseFiles(j.staging);
    if (j.workdir) fs.rmSync(j.workdir, { recursive: true, force: true });
    if (j.backup_partial) fs.rmSync(j.backup_partial, { recursive: true, force: true });
  };
  const backup = j.backup_id && j.backups_dir ? findBackup(j.backups_dir, j.backup_id) : undefined;
  const putBack = async (why: string): Promise<RecoveryResult> => {
    if (j.backup_id && !backup) {
      throw new RuntimeError(`apply ${j.apply_id} was interrupted and ${dbPath} is not the database it built (${why}), but its backup ${j.backup_id} is missing`, 'E_RECOVER', [
        `restore a backup by hand (see ${j.backups_dir ?? 'backups/'}), then run kuzu-migrate recover again`,
      ]);
    }
    if (backup) await restoreBackup(backup, j.backups_dir!, dbPath);
    else removeDatabaseFiles(dbPath); // the apply created the database: "as it was" is no file
    cleanup();
    clearJournal(dbPath);
    return {
      apply_id: j.apply_id,
      outcome: 'restored',
      message: `apply ${j.apply_id} (to ${j.version}) was interrupted and ${dbPath} was not what it built (${why}); ${backup ? `backup ${backup.id} was restored` : 'the database it was creating was removed'}, the database is as before`,
    };
  };
  const rolledBack = (): RecoveryResult => {
    // A backup kept at the swap that never happened is the live file under a second name: not a backup.
    if (j.backup_at_swap && j.backup_id && j.backups_dir) removeLinkedBackup(j.backups_dir, j.backup_id, dbPath);
    cleanup();
    clearJournal(dbPath);
    return { apply_id: j.apply_id, outcome: 'rolled_back', message: `apply ${j.apply_id} (to ${j.version}) was interrupted before its result was put in place; the database is as before` };
  };

  if (j.phase === 'restoring') return putBack('interrupted while restoring the backup');
  if (!j.expected) {
    if (j.stage_dir || j.phase === 'locked' || j.phase === 'backed_up') return rolledBack();
    // A journal of an earlier kuzu-migrate (in-place transaction, no recorded digest): the
    // history row is all there is to go by.
    const committed = fs.existsSync(dbPath) && (await withEngine(dbPath, {}, async (engine) => (await readHistory(engine)).some((h) => h.id === j.apply_id)));
    if (committed) await logCommitted(dbPath, j.apply_id, j.backups_dir ?? backupsDir);
    cleanup();
    clearJournal(dbPath);
    return committed
      ? { apply_id: j.apply_id, outcome: 'completed', message: `apply ${j.apply_id} (to ${j.version}) had committed before it was interrupted (journal of an earlier version: run kuzu-migrate verify)` }
      : { apply_id: j.apply_id, outcome: 'rolled_back', message: `apply ${j.apply_id} (to ${j.version}) was interrupted before commit; Kuzu rolled it back and the database is as before` };
  }
  // At or after the swap: decide by content. A backup kept at the swap is completed before the
  // rename: without it, or while it is still the live file under another name, the database
  // was never replaced (no read needed).
  if (j.backup_at_swap && j.backup_id && j.backups_dir && (!backup || isLinkedBackup(j.backups_dir, j.backup_id, dbPath))) return rolledBack();
  // The original's exact bytes next (cheap and definitive: a schema-only change leaves the digest of the data equal).
  if (fs.existsSync(dbPath) && j.backup_sha256 !== undefined && !hasCompanions(dbPath) && (await sha256File(dbPath)) === j.backup_sha256) return rolledBack();
  let problems: string[];
  if (!fs.existsSync(dbPath)) problems = ['the file is missing'];
  else {
    try {
      problems = compareDigests(j.expected, await digestDatabase(dbPath, j.rebuilt_tables ?? [], { style: digestStyle(j.expected) }));
    } catch (err) {
      problems = [`it does not open: ${(err as Error).message.split('\n')[0]}`];
    }
  }
  if (problems.length === 0) {
    await logCommitted(dbPath, j.apply_id, j.backups_dir ?? backupsDir);
    cleanup();
    if (j.backup_id && j.backups_dir) writeReceipt(dbPath, j.backups_dir, j.backup_id, { apply_id: j.apply_id, version: j.version, rebuilt_tables: j.rebuilt_tables ?? [], expected: j.expected });
    clearJournal(dbPath);
    return {
      apply_id: j.apply_id,
      outcome: 'completed',
      message: `apply ${j.apply_id} (to ${j.version}) had put its result in place before it was interrupted; its content matches what the apply recorded, it is complete`,
    };
  }
  if (!fs.existsSync(dbPath) && !j.backup_id) return rolledBack();
  return putBack(problems.slice(0, 3).join('; '));
}

/** Whether Kuzu's companion files (WAL, shadow) sit beside the database. */
export function hasCompanions(dbPath: string): boolean {
  return COMPANION_SUFFIXES.some((s) => fs.existsSync(dbPath + s));
}

/**
 * An apply whose result is in place but whose process did not live to append it to the history
 * log (backups/history.jsonl): the entry is copied from the database's own history now.
 */
async function logCommitted(dbPath: string, applyId: string, backupsDir: string | undefined): Promise<void> {
  if (!backupsDir || readHistoryLog(backupsDir, dbPath).some((h) => h.id === applyId)) return;
  const entry = await withEngine(dbPath, { readOnly: true }, async (engine) => (await readHistory(engine)).find((h) => h.id === applyId)).catch(() => undefined);
  if (entry) appendHistoryLog(backupsDir, dbPath, entry);
}

/** An interrupted upgrade, settled. */
export interface UpgradeRecovery {
  upgrade_id: string;
  outcome: 'completed' | 'rolled_back';
  message: string;
}

/**
 * Settles an upgrade interrupted by a crash or kill (or a failure in this process); null when the
 * journal is not an upgrade's. Until `swapping` the original was only read: the working folder is
 * removed. During `swapping`: if the original is still in the working folder and the database
 * path is empty, the kill fell between the two renames and the original goes back; if the path
 * holds the new database (verified before the swap began), only cleanup was left. Throws E_BUSY
 * when the upgrade's process still runs.
 */
export function settleUpgrade(dbPath: string): UpgradeRecovery | null {
  const j = readJournal(dbPath);
  if (!j || !isUpgradeJournal(j)) return null;
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
  clearJournal(dbPath);
  return {
    upgrade_id: j.upgrade_id,
    outcome,
    message: upgradeMessage(j, outcome),
  };
}

function upgradeMessage(j: UpgradeJournal, outcome: UpgradeRecovery['outcome']): string {
  return outcome === 'completed'
    ? `upgrade ${j.upgrade_id} (${j.from} → ${j.to}) had swapped the new database in before it was interrupted; it is complete`
    : `upgrade ${j.upgrade_id} (${j.from} → ${j.to}) was interrupted during ${j.phase}; the original ${j.from} database is in place, unchanged`;
}

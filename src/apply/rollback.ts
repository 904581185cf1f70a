/**
 * Rollback: puts the database back in the state recorded for an earlier version. The state comes
 * from the backup the next apply took (that backup is the database as it was at the version), or,
 * when no apply history covers the version, from its snapshot in migrations/. The current database
 * is backed up first, the swap is one rename, and the rollback is recorded in the history.
 */
import * as fs from 'node:fs';
import { ResolvedConfig } from '../config/config';
import { RefusedError, RuntimeError, UsageError } from '../core/errors';
import { compareVersions } from '../core/rules';
import { appendHistoryLog } from '../state/history-log';
import { isValidVersionName } from '../core/version-name';
import { kuzuVersion, withEngine } from '../kuzu/engine';
import { introspect } from '../kuzu/introspect';
import { schemaFingerprint } from '../core/model';
import { importSnapshot } from '../snapshot/import';
import { versionDir } from '../snapshot/version-name';
import { TOOL_VERSION } from '../version';
import { recoverInterrupted, RecoveryResult } from '../state/recover';
import { BackupManifest, createBackup, findBackup, listBackups, restoreBackup } from '../state/backup';
import { createHistoryTableStatement, HistoryEntry, insertHistoryStatement, readHistory } from '../state/history';
import { acquireLock } from '../state/lock';
import { realDatabasePath } from '../state/paths';

export interface RollbackTarget {
  /** The version restored. */
  version: string;
  /** `backup`: restore the backup the next apply took; `snapshot`: import migrations/<version>. */
  source: 'backup' | 'snapshot';
  /** The backup restored, for source backup. */
  backup_id: string | null;
  /** When the state being restored was captured. */
  captured_at: string;
  /** For people. */
  description: string;
}

export interface RollbackResult {
  /** rolled_back; no_changes (already at that version); aborted (declined). */
  status: 'rolled_back' | 'no_changes' | 'aborted';
  /** The version asked for. */
  version: string;
  /** Absolute path of the database. */
  database: string;
  /** What was restored, or null. */
  target: RollbackTarget | null;
  /** Backup of the database as it was before the rollback. */
  backup_id: string | null;
  /** An interrupted apply settled before this command ran, or null. */
  recovered: RecoveryResult | null;
}

export interface RollbackOptions {
  confirm?: (target: RollbackTarget) => Promise<boolean>;
  onEvent?: (e: { phase: string; message: string }) => void;
}

/** Where the state of `version` can be had from, given the history; pure. */
export function findRollbackTarget(history: HistoryEntry[], version: string, backups: BackupManifest[], snapshotExists: boolean): RollbackTarget | 'current' | null {
  const last = history[history.length - 1];
  if (last && last.version === version) return 'current';
  for (let i = history.length - 2; i >= 0; i--) {
    if (history[i].version !== version) continue;
    const next = history[i + 1];
    const b = backups.find((x) => x.id === next.backup_id);
    if (b) {
      return {
        version,
        source: 'backup',
        backup_id: b.id,
        captured_at: b.created_at,
        description: `backup ${b.id}, taken by the ${next.operation} to ${next.version} at ${b.created_at}`,
      };
    }
  }
  // An adopted database (init) has no history entry for the state it was adopted in: the backup
  // the first recorded apply took holds it. Its manifest names the version when it was known; a
  // backup without one is the adopted state, which any version below the first apply's may name.
  const first = history.find((h) => h.backup_id);
  const firstBackup = first && history.indexOf(first) === 0 ? backups.find((x) => x.id === first.backup_id) : undefined;
  if (first && firstBackup) {
    const older = compareVersions(version, first.version);
    if (firstBackup.version === version || (firstBackup.version === null && older !== null && older < 0)) {
      return {
        version,
        source: 'backup',
        backup_id: firstBackup.id,
        captured_at: firstBackup.created_at,
        description: `backup ${firstBackup.id}, the database as it was before its first recorded apply (to ${first.version}) at ${firstBackup.created_at}`,
      };
    }
  }
  if (snapshotExists) return { version, source: 'snapshot', backup_id: null, captured_at: '', description: `snapshot migrations/${version}` };
  return null;
}

/**
 * The target of `rollback --backup ID` (that backup) or `rollback --last` (the backup the last
 * apply in the history took: undo it). Pure; null with a reason when there is none.
 */
export function findBackupTarget(history: HistoryEntry[], backups: BackupManifest[], selector: { backup: string } | { last: true }): RollbackTarget | string {
  let b: BackupManifest | undefined;
  let why: string;
  if ('backup' in selector) {
    b = backups.find((x) => x.id === selector.backup);
    why = `backup ${selector.backup}`;
    if (!b) return `there is no backup ${selector.backup} (backups: ${backups.map((x) => x.id).join(', ') || 'none'})`;
  } else {
    const last = [...history].reverse().find((h) => h.operation === 'apply' && h.backup_id);
    if (!last) return 'the history has no apply that took a backup';
    b = backups.find((x) => x.id === last.backup_id);
    if (!b) return `backup ${last.backup_id}, taken by the last apply (to ${last.version}), no longer exists (pruned by backup_retention?)`;
    why = `backup ${b.id}, taken by the last apply (to ${last.version})`;
  }
  return { version: b.version ?? '', source: 'backup', backup_id: b.id, captured_at: b.created_at, description: `${why} at ${b.created_at}` };
}

/** What `rollback` is asked for: a version, a named backup, or undoing the last apply. */
export type RollbackSelector = { version: string } | { backup: string } | { last: true };

export async function rollbackTo(config: ResolvedConfig, selector: RollbackSelector | string, options: RollbackOptions = {}): Promise<RollbackResult> {
  const sel: RollbackSelector = typeof selector === 'string' ? { version: selector } : selector;
  const version = 'version' in sel ? sel.version : '';
  if ('version' in sel && !isValidVersionName(version)) throw new UsageError(`${JSON.stringify(version)} is not a version name`, ['use vMAJOR.MINOR.PATCH, e.g. v4.0.0']);
  const emit = (phase: string, message: string) => options.onEvent?.({ phase, message });
  const dbPath = realDatabasePath(config.database);
  config = { ...config, database: dbPath };
  if (!fs.existsSync(dbPath)) throw new RuntimeError(`database ${dbPath} does not exist (${config.databaseOrigin})`, 'E_NO_DATABASE');
  const what = 'version' in sel ? version : 'backup' in sel ? `--backup ${sel.backup}` : '--last';
  // Held from start to end: no apply can slip in between the backup and the restore.
  const lock = acquireLock(dbPath, `kuzu-migrate rollback ${what}`);
  try {
    const recovered = await recoverInterrupted(dbPath, config.backups);
    if (recovered) emit('recover', recovered.message);
    const history = await withEngine(dbPath, { readOnly: true }, readHistory);
    const snapshotExists = 'version' in sel && fs.existsSync(versionDir(config.migrations, version));
    let target: RollbackTarget | 'current' | null;
    if ('version' in sel) target = findRollbackTarget(history, version, listBackups(config.backups), snapshotExists);
    else {
      const t = findBackupTarget(history, listBackups(config.backups), sel);
      if (typeof t === 'string') throw new RuntimeError(`cannot roll back ${what}: ${t}`, 'E_NO_BACKUP', ['run `kuzu-migrate list` to see the backups']);
      target = t;
    }
    const base = { version, database: dbPath, recovered };
    if (target === 'current') return { ...base, status: 'no_changes', target: null, backup_id: null };
    if (target === null) {
      throw new RuntimeError(`no backup or snapshot holds version ${version} of ${dbPath}`, 'E_NO_VERSION', [
        'run `kuzu-migrate list` to see the history, backups and snapshots; `rollback --backup ID` restores any backup',
      ]);
    }
    if (options.confirm && !(await options.confirm(target))) {
      throw new RefusedError('Cancelled; nothing changed', 'E_CANCELLED', ['answer "yes" to roll back, or pass --auto-approve']);
    }
    emit('backup', `backing up ${dbPath}`);
    const before = await createBackup(dbPath, config.backups, { reason: 'rollback', version: history[history.length - 1]?.version ?? null });
    const started = Date.now();
    if (target.source === 'backup') {
      emit('restore', `restoring ${target.description}`);
      await restoreBackup(findBackup(config.backups, target.backup_id!)!, config.backups, dbPath);
    } else {
      emit('restore', `importing ${target.description}`);
      await importSnapshot(config, { version, force: true, lockHeld: true });
    }
    const entry = await withEngine(dbPath, {}, async (engine) => {
      const live = (await introspect(engine)).schema;
      // A backup restored by id is at the version its own history (or manifest) says.
      const restored = await readHistory(engine);
      const at = version || target.version || restored[restored.length - 1]?.version || '';
      await engine.query(createHistoryTableStatement());
      const e: HistoryEntry = {
          id: `rollback-${Date.now()}-${process.pid}`,
          version: at,
          applied_at: new Date().toISOString(),
          duration_ms: Date.now() - started,
          live_fingerprint: schemaFingerprint(live),
          desired_fingerprint: schemaFingerprint(live),
          strategy: target.source,
          changes: 0,
          tool_version: TOOL_VERSION,
          kuzu_version: kuzuVersion(),
          backup_id: before.id,
          operation: 'rollback',
        };
      await engine.query(insertHistoryStatement(e));
      return e;
    });
    appendHistoryLog(config.backups, dbPath, entry);
    return { ...base, version: entry.version, status: 'rolled_back', target, backup_id: before.id };
  } finally {
    lock.release();
  }
}

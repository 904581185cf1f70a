/**
 * Rollback: puts the database back in the state recorded for an earlier version. The state comes
 * from the backup the next apply took (that backup is the database as it was at the version), or,
 * when no apply history covers the version, from its snapshot in migrations/. The current database
 * is backed up first, the swap is one rename, and the rollback is recorded in the history.
 */
import * as fs from 'node:fs';
import { ResolvedConfig } from '../config/config';
import { RuntimeError, UsageError } from '../core/errors';
import { isValidVersionName } from '../core/version-name';
import { kuzuVersion, withEngine } from '../kuzu/engine';
import { introspect } from '../kuzu/introspect';
import { schemaFingerprint } from '../core/model';
import { importSnapshot } from '../snapshot/import';
import { versionDir } from '../snapshot/version-name';
import { TOOL_VERSION } from '../version';
import { recoverInterrupted, RecoveryResult } from './apply';
import { BackupManifest, createBackup, findBackup, listBackups, restoreBackup } from './backup';
import { createHistoryTableStatement, HistoryEntry, insertHistoryStatement, readHistory } from './history';
import { acquireLock } from './lock';
import { realDatabasePath } from '../state/paths';

export interface RollbackTarget {
  version: string;
  /** `backup`: restore the backup the next apply took; `snapshot`: import migrations/<version>. */
  source: 'backup' | 'snapshot';
  backup_id: string | null;
  /** When the state being restored was captured. */
  captured_at: string;
  description: string;
}

export interface RollbackResult {
  status: 'rolled_back' | 'no_changes' | 'aborted';
  version: string;
  database: string;
  target: RollbackTarget | null;
  /** Backup of the database as it was before the rollback. */
  backup_id: string | null;
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
  if (snapshotExists) return { version, source: 'snapshot', backup_id: null, captured_at: '', description: `snapshot migrations/${version}` };
  return null;
}

export async function rollbackTo(config: ResolvedConfig, version: string, options: RollbackOptions = {}): Promise<RollbackResult> {
  if (!isValidVersionName(version)) throw new UsageError(`${JSON.stringify(version)} is not a version name`, ['use vMAJOR.MINOR.PATCH, e.g. v4.0.0']);
  const emit = (phase: string, message: string) => options.onEvent?.({ phase, message });
  const dbPath = realDatabasePath(config.database);
  config = { ...config, database: dbPath };
  if (!fs.existsSync(dbPath)) throw new RuntimeError(`database ${dbPath} does not exist`, 'E_NO_DATABASE');
  // Held from start to end: no apply can slip in between the backup and the restore.
  const lock = acquireLock(dbPath, `kuzu-migrate rollback ${version}`);
  try {
    const recovered = await recoverInterrupted(dbPath);
    if (recovered) emit('recover', recovered.message);
    const history = await withEngine(dbPath, { readOnly: true }, readHistory);
    const snapshotExists = fs.existsSync(versionDir(config.migrations, version));
    const target = findRollbackTarget(history, version, listBackups(config.backups), snapshotExists);
    const base = { version, database: dbPath, recovered };
    if (target === 'current') return { ...base, status: 'no_changes', target: null, backup_id: null };
    if (target === null) {
      throw new RuntimeError(`no backup or snapshot holds version ${version} of ${dbPath}`, 'E_NO_VERSION', [
        'run `kuzu-migrate list` to see the history, backups and snapshots',
      ]);
    }
    if (options.confirm && !(await options.confirm(target))) return { ...base, status: 'aborted', target, backup_id: null };
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
    await withEngine(dbPath, {}, async (engine) => {
      const live = (await introspect(engine)).schema;
      await engine.query(createHistoryTableStatement());
      await engine.query(
        insertHistoryStatement({
          id: `rollback-${Date.now()}-${process.pid}`,
          version,
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
        }),
      );
    });
    return { ...base, status: 'rolled_back', target, backup_id: before.id };
  } finally {
    lock.release();
  }
}

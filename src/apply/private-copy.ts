/**
 * The private copy: apply never writes the live file. The plan runs on a copy in a private staging
 * folder beside it (a byte copy, or the export strategy's fresh file), the copy is reopened and
 * checked, its content digest is written to the journal, and one rename swaps it into place
 * (state/swap.ts). Kuzu does not make a COMMIT of copied tables crash-atomic (kuzu-notes), so
 * this is what makes apply all-or-nothing. Post-verify then reads the live file once more.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diffSchemas } from '../core/diff';
import { KuzuMigrateError, RuntimeError } from '../core/errors';
import { withoutUnmanaged } from '../core/lint/protection';
import { Schema, schemaFingerprint } from '../core/model';
import { desiredSchemaOf, PlanDocument } from '../core/plan';
import { ResolvedConfig } from '../config/config';
import { withEngine } from '../kuzu/engine';
import { introspect } from '../kuzu/introspect';
import { adoptUnknownStorageDirections } from '../plan/planning';
import { findBackup, restoreBackup } from '../state/backup';
import { removeDatabaseFiles, sha256File } from '../state/files';
import { digestDatabase } from '../state/digest';
import { ApplyJournal as Journal, clearJournal, faultPoint, writeJournal } from '../state/journal';
import { copyFileExclusive } from '../state/private';
import { Staged, swapIntoPlace } from '../state/swap';
import type { Emit } from './events';
import { runExportStrategy } from './export-strategy';
import { hasCompanions } from '../state/recover';
import { runIndexSteps, runTransaction, TransactionContext, verifyIndexes } from './transaction';

/**
 * Builds the new database in `stage.file`: through the export strategy (the plan asks for it, or
 * must lose a macro, which only a fresh database can), else on a byte copy of the live file (or an
 * empty file for a new database): index drops, the transaction, index builds, index checks. Then
 * reopens it read-only, as the live database will be: its schema must be the declared one and
 * its indexes must answer. Returns the verified rebuilt tables. The live file is not touched.
 */
export async function buildPrivateCopy(config: ResolvedConfig, plan: PlanDocument, stage: Staged, exists: boolean, ctx: TransactionContext, emit: Emit): Promise<string[]> {
  const dbPath = config.database;
  let verified: string[] = [];
  if ((plan.rewrite_strategy === 'export' || plan.private_copy?.method === 'export') && exists) {
    verified = await runExportStrategy(config, plan, stage, ctx, emit);
  } else {
    if (exists) {
      emit('copy', `copying ${dbPath} into a private staging folder`);
      copyFileExclusive(dbPath, stage.file, 0o600);
    }
    await withEngine(stage.file, {}, async (engine) => {
      await runIndexSteps(engine, plan, 'drop_indexes', emit, ctx.steps);
      verified = await runTransaction(engine, config, plan, ctx, emit);
      await runIndexSteps(engine, plan, 'create_indexes', emit, ctx.steps);
      await verifyIndexes(engine, desiredSchemaOf(plan), emit);
    });
  }
  // Reopened, as the live database will be: Kuzu has left files that worked in the session that
  // wrote them and crash on the next open (kuzu-notes §8). A crash here leaves the original.
  if (plan.private_copy) {
    emit('verify', 'reopening the new database to check it opens and its indexes answer');
    await withEngine(stage.file, { readOnly: true }, async (engine) => {
      const after = await introspect(engine);
      adoptUnknownStorageDirections(after, desiredSchemaOf(plan));
      if (schemaFingerprint(after.schema) !== plan.desired_fingerprint) {
        throw new RuntimeError('the new database reopened with another schema than the declaration; nothing was changed', 'E_VERIFY');
      }
      await verifyIndexes(engine, desiredSchemaOf(plan), emit);
    });
  }
  return verified;
}

/**
 * Swaps the built copy into place. First its content digest goes into the journal (phase
 * `swapping`), so recovery can tell the new file from anything else by content; then, for an
 * existing database, the live file must still be byte-for-byte the backup (no WAL beside it), or
 * another program wrote to it and the swap would lose that (E_CONCURRENT); then one rename.
 * Returns the journal as written before the rename.
 */
export async function swapIn(stage: Staged, dbPath: string, plan: PlanDocument, journal: Journal, live: { exists: boolean; sha256: string | null; mode?: number }, emit: Emit): Promise<Journal> {
  emit('swap', 'fingerprinting the new database');
  const expected = await digestDatabase(stage.file, plan.rebuilt_tables);
  const swapping: Journal = { ...journal, phase: 'swapping', rebuilt_tables: plan.rebuilt_tables, expected };
  writeJournal(swapping);
  faultPoint('before_swap');
  if (live.exists) {
    // Nothing may have written to the original since the backup, or the swap would lose it.
    if (hasCompanions(dbPath) || (await sha256File(dbPath)) !== live.sha256) {
      throw new RuntimeError(`${dbPath} was written to by another program during the apply; nothing was changed`, 'E_CONCURRENT', ['stop other writers and run apply again']);
    }
  }
  emit('swap', `moving the new database into place`);
  swapIntoPlace(stage.file, dbPath, live.mode);
  return swapping;
}

/**
 * A file-system failure before the swap as the user's one-line cause: a full disk (E_DISK_FULL),
 * a folder that cannot be written (E_IO). Anything else is returned as it is.
 */
export function asWriteError(err: unknown, dbPath: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (err instanceof KuzuMigrateError) return err;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new RuntimeError(`no space left in ${path.dirname(dbPath)} for the new database (an apply needs about the size of the database again, beside it)`, 'E_DISK_FULL', [
      'free disk space and run apply again; nothing was changed',
    ]);
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new RuntimeError(`cannot write beside ${dbPath}: ${(err as Error).message}`, 'E_IO', ['the database folder must be writable; nothing was changed']);
  }
  return err;
}

/**
 * Post-verify: after the swap, the live database must be exactly the declared schema (unmanaged
 * tables left out, unreadable storage directions taken as declared, as planning does). Otherwise
 * the backup is restored (a database the apply created is removed) and E_VERIFY names the
 * residual changes.
 */
export async function postVerify(config: ResolvedConfig, desired: Schema, plan: PlanDocument, journal: Journal, backupId: string | null, emit: Emit): Promise<void> {
  const dbPath = config.database;
  emit('post-verify', 'checking the schema equals the declaration');
  const after = await withEngine(dbPath, { readOnly: true }, (e) => introspect(e));
  after.schema = withoutUnmanaged(after.schema, config.unmanaged ?? []).schema;
  adoptUnknownStorageDirections(after, desired);
  if (schemaFingerprint(after.schema) === plan.desired_fingerprint) return;
  const residual = diffSchemas(after.schema, desired).changes;
  if (backupId) {
    writeJournal({ ...journal, phase: 'restoring', backup_id: backupId, backups_dir: config.backups });
    await restoreBackup(findBackup(config.backups, backupId)!, config.backups, dbPath);
  } else {
    removeDatabaseFiles(dbPath); // it did not exist before: "as it was" is no file
  }
  clearJournal(dbPath);
  throw new RuntimeError(
    `after apply the schema still differs from the declaration (${residual.map((c) => c.kind + ' ' + c.table).join(', ')}); ${backupId ? `backup ${backupId} was restored` : 'the database was new'}`,
    'E_VERIFY',
  );
}

/** Removes the staging folder (idempotent). */
export function discardStage(stage: Staged | null): void {
  if (stage) fs.rmSync(stage.dir, { recursive: true, force: true });
}

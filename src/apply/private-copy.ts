/**
 * The private copy: apply never writes the live file. The plan runs on a copy in a private staging
 * folder beside it (a byte copy, or the export strategy's fresh file), the copy is reopened and
 * checked, its content digest is written to the journal, and one rename swaps it into place
 * (state/swap.ts). Kuzu does not make a COMMIT of copied tables crash-atomic (kuzu-notes), so
 * this is what makes apply all-or-nothing. The post-verify runs on the copy, before the swap.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diffSchemas } from '../core/diff';
import { KuzuMigrateError, RuntimeError } from '../core/errors';
import { withoutUnmanaged } from '../core/lint/protection';
import { mayHaveLostSign, Schema, schemaFingerprint } from '../core/model';
import { desiredSchemaOf, PlanDocument } from '../core/plan';
import { ResolvedConfig } from '../config/config';
import { withEngine } from '../kuzu/engine';
import { introspect } from '../kuzu/introspect';
import { probeDefaultSignsInPlace, ProbedSigns, rememberDefaultSigns } from '../kuzu/default-signs';
import { adoptUnknownStorageDirections } from '../plan/planning';
import { ContentDigest, digestWith } from '../state/digest';
import { ApplyJournal as Journal, faultPoint, writeJournal } from '../state/journal';
import { BackupManifest, keepOriginalAsBackup, PendingBackup, removeLinkedBackup } from '../state/backup';
import { prepareStaged, renameIntoPlace, Staged } from '../state/swap';
import type { Emit } from './events';
import { runExportStrategy } from './export-strategy';
import { hasCompanions } from '../state/recover';
import { runIndexSteps, runTransaction, TransactionContext, verifyIndexes } from './transaction';
import type { Verified } from './verify-rebuild';

/** What buildPrivateCopy hands to the swap. */
export interface BuiltCopy {
  /** The rebuilt tables, verified against the old ones. */
  verified: string[];
  /** The new file's content digest, for the journal (recovery decides by it). */
  expected: ContentDigest;
}

/** Whether the plan builds its new database through the export strategy (a fresh file loaded from an export) rather than on a byte copy. */
export function usesExportStrategy(plan: PlanDocument): boolean {
  return plan.rewrite_strategy === 'export' || plan.private_copy?.method === 'export';
}

/**
 * Builds the new database in `stage.file`: through the export strategy (usesExportStrategy: the
 * plan asks for it, or must lose a macro, which only a fresh database can), else on the byte copy
 * of the live file the caller has put at `stage.file` (apply.ts: read once, hashed as written) or
 * an empty file for a new database (`exists` false): index drops, the transaction, index builds, index checks. Then
 * ONE read-only reopen, as the live database will be (Kuzu has left files that worked in the
 * session that wrote them and crash on the next open, kuzu-notes §8): the post-verify — its schema
 * must be the declared one (unmanaged tables left out, unreadable storage directions taken as
 * declared, as planning does), else E_VERIFY and nothing is replaced — its indexes must answer, and
 * its content digest is taken, the rebuilt tables' from the verification's own scan of the new
 * tables (no second scan). The live file is not touched.
 */
export async function buildPrivateCopy(
  config: ResolvedConfig,
  desired: Schema,
  plan: PlanDocument,
  stage: Staged,
  exists: boolean,
  ctx: TransactionContext,
  emit: Emit,
): Promise<BuiltCopy> {
  const dbPath = config.database;
  let verified: Verified = { tables: [], digests: [] };
  if (usesExportStrategy(plan) && exists) {
    verified = await runExportStrategy(config, plan, stage, ctx, emit);
  } else {
    if (exists && !fs.existsSync(stage.file)) throw new RuntimeError(`internal: no private copy of ${dbPath} to build on`, 'E_APPLY');
    let signs: ProbedSigns | null = null;
    await withEngine(stage.file, {}, async (engine) => {
      await runIndexSteps(engine, plan, 'drop_indexes', emit, ctx.steps);
      verified = await runTransaction(engine, config, plan, ctx, emit);
      await runIndexSteps(engine, plan, 'create_indexes', emit, ctx.steps);
      await verifyIndexes(engine, desiredSchemaOf(plan), emit);
      // The signs of defaults like `DEFAULT -1`, which the post-verify's introspection would
      // otherwise evaluate on a byte copy of the whole new file: evaluated here, on the file itself.
      if (hasBareNumberDefault(desired)) signs = await probeDefaultSignsInPlace(engine, (await introspect(engine, { probeSigns: false })).schema);
    });
    if (signs) rememberDefaultSigns(stage.file, signs);
  }
  emit('post-verify', 'reopening the new database: schema, indexes, content digest');
  const expected = await withEngine(stage.file, { readOnly: true }, async (engine) => {
    const after = await introspect(engine);
    const full = after.schema;
    after.schema = withoutUnmanaged(after.schema, config.unmanaged ?? []).schema;
    adoptUnknownStorageDirections(after, desired);
    if (schemaFingerprint(after.schema) !== plan.desired_fingerprint) {
      const residual = diffSchemas(after.schema, desired).changes;
      throw new RuntimeError(`the new database reopened with another schema than the declaration (${residual.map((c) => c.kind + ' ' + c.table).join(', ')}); nothing was changed`, 'E_VERIFY');
    }
    if (plan.private_copy) await verifyIndexes(engine, desiredSchemaOf(plan), emit);
    emit('swap', 'fingerprinting the new database');
    return digestWith(engine, plan.rebuilt_tables, { known: verified.digests }, full);
  });
  return { verified: verified.tables, expected };
}

/** What identifies a file's content cheaply: a write changes mtime and ctime (ctime cannot be set back). */
export interface FileIdentity {
  ino: number;
  size: number;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

export function fileIdentity(file: string): FileIdentity {
  const st = fs.statSync(file, { bigint: true });
  return { ino: Number(st.ino), size: Number(st.size), mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
}

function sameIdentity(a: FileIdentity | null, b: FileIdentity): boolean {
  return a !== null && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/**
 * Swaps the built copy into place. First its content digest `expected` goes into the journal
 * (phase `swapping`), so recovery can tell the new file from anything else by content; then, for
 * an existing database, the live file must still be what was backed up: no WAL beside it and the
 * same inode, size, mtime and ctime as just after the backup (`live.identity`) — else another
 * program wrote to it and the swap would lose that (E_CONCURRENT). The backup read and hashed the
 * file once; hashing it again here cost as much again (issue 14). The new file is checked to stand
 * alone and fsynced; then, when the apply keeps the original as its backup (`backup`), the
 * original becomes that backup — complete, under its id — and only then one rename puts the new
 * file in place. Returns the journal as written before the rename and the backup's manifest
 * (null without `backup`). If the rename fails, the backup kept here is removed again (it would
 * be the live file under a second name).
 */
export async function swapIn(
  stage: Staged,
  dbPath: string,
  plan: PlanDocument,
  journal: Journal,
  expected: ContentDigest,
  live: { exists: boolean; identity: FileIdentity | null; mode?: number; backup?: PendingBackup | null },
  emit: Emit,
): Promise<{ journal: Journal; backup: BackupManifest | null }> {
  const swapping: Journal = { ...journal, phase: 'swapping', rebuilt_tables: plan.rebuilt_tables, expected };
  writeJournal(swapping);
  faultPoint('before_swap');
  emit('swap', `moving the new database into place`);
  // The slow part (fsync of the new file) first, so that the check below is close to the rename.
  prepareStaged(stage.file, live.mode);
  if (live.exists) {
    if (hasCompanions(dbPath) || !sameIdentity(live.identity, fileIdentity(dbPath))) {
      throw new RuntimeError(`${dbPath} was written to by another program during the apply; nothing was changed`, 'E_CONCURRENT', ['stop other writers and run apply again']);
    }
  }
  let kept: BackupManifest | null = null;
  if (live.backup) {
    kept = await keepOriginalAsBackup(live.backup);
    faultPoint('after_backup_kept');
  }
  try {
    renameIntoPlace(stage.file, dbPath);
  } catch (err) {
    if (kept && live.backup) removeLinkedBackup(live.backup.backupsDir, kept.id, dbPath);
    throw err;
  }
  return { journal: swapping, backup: kept };
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

/** Removes the staging folder (idempotent). */
export function discardStage(stage: Staged | null): void {
  if (stage) fs.rmSync(stage.dir, { recursive: true, force: true });
}

/** Whether any declared property has a default whose sign table_info may drop (a bare non-zero number). */
function hasBareNumberDefault(schema: Schema): boolean {
  return [...schema.nodes, ...schema.rels].some((t) => t.properties.some((p) => p.type !== 'SERIAL' && mayHaveLostSign(p.default)));
}

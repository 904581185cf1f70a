/**
 * Apply: makes the declared schema real, atomically. This file is the orchestrator; each phase is
 * a named part, in the order it runs, and why:
 *   1. lock            one apply at a time (exit 4 for the second)            state/lock.ts
 *   2. recover         an interrupted earlier apply is finished or undone     recover.ts
 *   3. re-plan         the plan is recomputed from the live database; a saved plan whose live
 *                      fingerprint no longer matches is stale (exit 3)        plan/planning.ts, policy.ts
 *   4. refusals        protection, first run, the pre-check's blocking findings (policy,
 *                      versions, casts, expressions), engine capabilities     policy.ts, plan/precheck.ts
 *   5. read once       checkpoint + one read of the live file: the private copy, hashed as
 *                      written (a clone where the file system has them); the backup is the
 *                      original itself, kept at the swap (across file systems: a backup copy
 *                      first, the private copy made from it)      readOnce below, state/backup.ts
 *   6. private copy    every statement in ONE transaction on it; rebuilt
 *                      tables verified (whole rows) before the old ones go; YAML checks; the
 *                      history row; COMMIT; indexes                           private-copy.ts,
 *                                                     transaction.ts, verify-rebuild.ts, export-strategy.ts
 *   7. post-verify     the copy reopened once: schema = declaration, indexes answer, content
 *                      digest (else nothing is replaced)                      private-copy.ts
 *   8. swap            the digest journaled, the live file unchanged since it was read, the
 *                      original made the backup (a hard link, complete under its id), then one
 *                      rename                                                 private-copy.ts, state/swap.ts
 *   9. record          receipt, history log, backup pruning                   record.ts
 * The live file is never written before the swap, and the journal (state/journal.ts) lets
 * recovery decide by content whether an interrupted apply happened.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { blockingFindings } from '../core/findings';
import { desiredSchemaOf, PlanDocument, RewriteStrategy, Step } from '../core/plan';
import { ResolvedConfig } from '../config/config';
import { configuredEngine } from '../kuzu/engine';
import { readLive } from '../kuzu/introspect';
import { planLive } from '../plan/planning';
import { missingDatabaseFinding } from '../plan/precheck';
import { BackupSlot, checkpoint, copyHashing, createBackup, PendingBackup, planBackupAtSwap, pruneBackups } from '../state/backup';
import { sha256File } from '../state/files';
import { copyFileExclusive } from '../state/private';
import { writeReceipt } from '../state/digest';
import { HISTORY_TABLE, HistoryEntry, readHistory } from '../state/history';
import { appendHistoryLog } from '../state/history-log';
import { ApplyJournal as Journal, clearJournal, faultPoint, writeJournal } from '../state/journal';
import { acquireLock } from '../state/lock';
import { fileMode, realDatabasePath, refuseHardLinked } from '../state/paths';
import { Staged, stageBeside } from '../state/swap';
import { RefusedError } from '../core/errors';
import { ApplyEvent, checkSignal, Emit, emitter, StepLog, StepReport } from './events';
import { checkPlanShape, checkSavedPlan, findingError, refuseUnsafePlan, savedPlanGuard } from './policy';
import { asWriteError, buildPrivateCopy, discardStage, FileIdentity, fileIdentity, swapIn, usesExportStrategy } from './private-copy';
import { historyEntry, newApplyId, recordVersionIfNew } from './record';
import { hasCompanions as hasCompanionFiles, recoverInterrupted, RecoveryResult } from '../state/recover';
import { historyQueries, proveOnCopy, timeBefore, type QueryComparison } from './queries';

// The parts, re-exported where callers have always found them.
export type { ApplyEvent, ApplyPhase, ApplyStagePhase, StepReport, StepStatus } from './events';
export { findingError, isAllowed, savedPlanGuard } from './policy';
export { recoverInterrupted } from '../state/recover';
export type { RecoveryResult } from '../state/recover';
export { HISTORY_TABLE };

export interface ApplyOptions {
  /** A saved plan (from `plan --out`); refused when the live database changed since. */
  plan?: PlanDocument;
  /** true: allow every destructive change; a list: `Table` or `Table.prop` names. */
  allowDestructive?: boolean | string[];
  rewriteStrategy?: RewriteStrategy;
  /**
   * Called after the pre-checks, before the backup, with the plan (the confirmation prompt).
   * Returning false cancels: RefusedError E_CANCELLED ("Cancelled; nothing changed", exit 3).
   */
  confirm?: (plan: PlanDocument) => Promise<boolean>;
  /** First-run guard: consent to drops on a database kuzu-migrate never applied to (`--allow-drops-on-first-run`). */
  allowDropsOnFirstRun?: boolean;
  onEvent?: (e: ApplyEvent) => void;
  command?: string;
  /** `--create` (or `create: true` in the YAML): a missing database may be created. */
  create?: boolean;
  /** `--allow-same-version`: apply a changed schema under a version the history already holds. */
  allowSameVersion?: boolean;
  /**
   * `--allow-other-database`: a saved plan made against another database file (a copy restored
   * from a snapshot, as the GitOps example plans) may be applied here; the live schema must still
   * be the one it was planned against (the stale check), and its environment must match.
   */
  allowOtherDatabase?: boolean;
  /**
   * Aborted by the CLI on SIGINT/SIGTERM (reason: the signal name). Checked at the prompt, before
   * the backup and between statements: the transaction is rolled back, the lock released, and an
   * InterruptedError says what state the database is in.
   */
  signal?: AbortSignal;
  /**
   * `--allow-slowdown`: a declared query (`queries:`) that broke its tolerance or changed its result
   * on the new database does not refuse the swap; the breach is printed and recorded.
   */
  allowSlowdown?: boolean;
}

export interface ApplyResult {
  /** applied; no_changes (the database already matches); aborted (confirmation declined). */
  status: 'applied' | 'no_changes' | 'aborted';
  /** Id of this apply (in the history), or null when nothing was applied. */
  apply_id: string | null;
  /** The declared version. */
  version: string;
  /** Absolute path of the database. */
  database: string;
  /** How the plan changed the database: `none`, `in_place` or `rewrite` (the plan's `strategy`). */
  strategy: PlanDocument['strategy'];
  /** For a rewrite, `transaction` or `export` (the plan's `rewrite_strategy`); null otherwise. */
  rewrite_strategy: RewriteStrategy | null;
  /** Number of changes applied. */
  changes: number;
  /** The backup of the database as it was (the original file itself, kept at the swap; a copy when the backups folder is on another file system), or null. */
  backup_id: string | null;
  /** Wall time in milliseconds. */
  duration_ms: number;
  /** Tables whose rebuilt content was verified equal (counts and fingerprints). */
  verified_tables: string[];
  /** An interrupted apply settled before this command ran, or null. */
  recovered: RecoveryResult | null;
  /** The plan that was applied. */
  plan: PlanDocument;
  /** The declared queries timed before the change and on the new database before the swap (apply/queries.ts); [] when none ran. */
  queries: QueryComparison[];
  /**
   * Every step of the plan with what became of it (all `applied` after a successful apply; [] when
   * there was nothing to do). A failed or refused apply throws instead; its error carries the same
   * list in `steps` (KuzuMigrateError.steps).
   */
  steps: StepReport[];
}

/** The tables (or `table.property`) a step's changes touch, and its index's table. */
function targetsOf(plan: PlanDocument): (s: Step) => string[] {
  return (s) => [...new Set([
    ...s.changes.map((i) => plan.changes[i]).filter(Boolean).map((c) => (c.property ? `${c.table}.${c.property}` : c.table)),
    ...(s.index ? [s.index.table] : []),
  ])];
}

/**
 * Applies the declared schema (`config.schema`, or `options.plan`'s) to `config.database`.
 * The orchestrator; each phase is a named part:
 *   lock (state/lock) → recover (recover.ts) → re-plan (plan/planning, with the pre-check) →
 *   refusals (policy.ts) → confirm → backup (state/backup) → build the private copy
 *   (private-copy.ts: transaction.ts or export-strategy.ts, verify-rebuild.ts; then its
 *   post-verify) → swap in → record (record.ts, state/history-log).
 * Resolves to ApplyResult (status `applied` or `no_changes`). Throws KuzuMigrateError: E_LOCKED
 * (exit 4), refusals (exit 3: E_DESTRUCTIVE, E_STALE_PLAN, E_CANCELLED, …), failures (exit 1:
 * E_APPLY, E_VERIFY, E_CAST, …); nothing is changed then, and the error's `steps` says what
 * became of each step.
 *
 * @example
 *   const r = await applyMigration(loadConfig('kuzu-migrate.yaml'), { allowDestructive: ['Person.age'] });
 *   r.steps.filter((s) => s.status === 'applied').length; // every step of r.plan
 */
export async function applyMigration(config: ResolvedConfig, options: ApplyOptions = {}): Promise<ApplyResult> {
  let started = Date.now();
  const emit = emitter(options.onEvent);
  // The real file: through a symlink we lock, journal and replace its target, never the link.
  const dbPath = realDatabasePath(config.database);
  config = { ...config, database: dbPath };
  // A mistyped path must not become a new database: refuse before anything (even the lock file or
  // its folder) is created.
  const missing = missingDatabaseFinding(config, fs.existsSync(dbPath), options.create);
  if (missing) throw findingError([missing]);
  fs.mkdirSync(path.dirname(dbPath), { recursive: true });
  const lock = acquireLock(dbPath, options.command ?? 'kuzu-migrate apply');
  faultPoint('after_lock');
  let steps: StepLog | null = null;
  try {
    const recovered = await recoverInterrupted(dbPath, config.backups);
    if (recovered) emit('recover', recovered.message);
    // After recovery: an apply killed just before its swap leaves its backup as a second name of
    // the live file, which recovery removes (state/recover.ts).
    refuseHardLinked(dbPath);

    // A plan handed in by a library caller gets the same shape and expression checks as a plan file.
    checkPlanShape(options.plan);
    const desired = options.plan ? desiredSchemaOf(options.plan) : config.schema;
    const exists = fs.existsSync(dbPath);
    if (options.plan) savedPlanGuard(options.plan, config, { allowOtherDatabase: options.allowOtherDatabase });
    // The same planning path as `plan` (so a saved plan's fingerprint compares like with like),
    // through a read-only handle; the write handle opens later.
    const rewriteStrategy = options.rewriteStrategy ?? options.plan?.rewrite_strategy ?? undefined;
    let liveHistory: HistoryEntry[] = [];
    const plan = await readLive(dbPath, async (live, engine) => {
      liveHistory = engine ? await readHistory(engine) : [];
      return planLive(live, engine, config, desired, {
        rewriteStrategy,
        lintCounts: false,
        precheck: { allowDestructive: options.allowDestructive, create: options.create, allowSameVersion: options.allowSameVersion, history: liveHistory, onEvent: emit },
      });
    });
    steps = new StepLog(plan.steps, targetsOf(plan));
    const liveVersion = liveHistory.length ? liveHistory[liveHistory.length - 1].version : null;
    if (options.plan) checkSavedPlan(options.plan, plan);
    const base: Omit<ApplyResult, 'status'> = {
      apply_id: null,
      version: config.version,
      database: dbPath,
      strategy: plan.strategy,
      rewrite_strategy: plan.rewrite_strategy,
      changes: plan.changes.length,
      backup_id: null,
      duration_ms: 0,
      verified_tables: [],
      recovered,
      plan,
      steps: [],
      queries: [],
    };
    const versionBlocking = blockingFindings(plan.findings ?? []).filter((f) => f.code.startsWith('version-'));
    if (plan.changes.length === 0 && versionBlocking.length > 0) throw findingError(versionBlocking);
    if (plan.changes.length === 0) {
      // A new version without schema changes is still a version the database is now at: record it,
      // so list, verify and rollback know it. Nothing else is written.
      const recorded = exists ? await recordVersionIfNew(config, plan, started) : null;
      return { ...base, status: 'no_changes', apply_id: recorded, duration_ms: Date.now() - started, steps: steps.settle('applied') };
    }
    refuseUnsafePlan(plan, config, dbPath, configuredEngine(), { allowDropsOnFirstRun: options.allowDropsOnFirstRun });
    if (options.confirm && !(await options.confirm(plan))) {
      throw new RefusedError('Cancelled; nothing changed', 'E_CANCELLED', ['answer "yes" to apply, or pass --auto-approve']);
    }
    // Time reported and recorded is the apply's own, without the time spent at the prompt.
    started = Date.now();
    checkSignal(options.signal, 'before the backup: nothing changed');
    // The declared queries on the database as it is, read-only, to compare the new one with before the swap.
    const queriesBefore = await timeBefore(dbPath, config.queries, exists, emit);
    let queries: QueryComparison[] = [];

    const applyId = newApplyId();
    const journal: Journal = {
      apply_id: applyId,
      pid: process.pid,
      host: os.hostname(),
      database: dbPath,
      version: config.version,
      phase: 'locked',
      backup_id: null,
      strategy: plan.strategy,
      started_at: new Date().toISOString(),
      updated_at: '',
    };
    // The journal exists from before the backup on, so any interruption after this point is settled.
    let backupId: string | null = null;
    let backupSha: string | null = null;
    let sourceIdentity: FileIdentity | null = null;
    let verified: string[] = [];
    const mode = exists ? fileMode(dbPath) : undefined;
    let stage: Staged | null = null;
    let slot: BackupSlot | null = null;
    let pending: PendingBackup | null = null;
    let swapped = false;
    let swapping: Journal;
    try {
      // The staging folder and the backup's private folder first, journaled from the start: a kill
      // during the copy leaves nothing that the next apply's recovery does not remove.
      stage = stageBeside(dbPath);
      slot = exists ? planBackupAtSwap(dbPath, config.backups, { reason: 'apply', version: liveVersion }) : null;
      writeJournal({ ...journal, stage_dir: stage.dir, ...(slot ? { backup_partial: slot.partial } : {}) });
      if (exists) {
        emit('backup', `backing up ${dbPath}`);
        const taken = await readOnce(dbPath, config.backups, stage, slot, usesExportStrategy(plan), liveVersion, emit);
        ({ pending } = taken);
        backupId = taken.id;
        backupSha = taken.sha256;
        // What the live file is just after it was read: compared again right before the swap.
        sourceIdentity = fileIdentity(dbPath);
        faultPoint('after_backup');
      }
      const withBackup: Journal = {
        ...journal,
        phase: 'executing',
        backup_id: backupId,
        backups_dir: config.backups,
        backup_sha256: backupSha ?? undefined,
        stage_dir: stage.dir,
        ...(pending ? { backup_at_swap: true, backup_partial: pending.partial } : {}),
      };
      writeJournal(withBackup);
      faultPoint('after_journal');
      const built = await buildPrivateCopy(config, desired, plan, stage, exists, { applyId, backupId, started, signal: options.signal, steps }, emit);
      verified = built.verified;
      // Here the new database is built, closed and verified, and the live file is untouched: the
      // place for any last check on the new file before it goes live.
      // The declared queries on the new database, before it can replace the old one (apply/queries.ts).
      queries = await proveOnCopy(stage.file, config.queries, queriesBefore, options.allowSlowdown ?? false, emit, exists ? dbPath : null);
      ({ journal: swapping } = await swapIn(stage, dbPath, plan, withBackup, built.expected, { exists, identity: sourceIdentity, mode, backup: pending }, emit));
      swapped = true;
      faultPoint('after_swap');
    } catch (err) {
      // Not swapped: the live file is the original (or absent, for a new database); the apply is
      // over and the database is as it was.
      if (!swapped) {
        discardStage(stage);
        if (slot) fs.rmSync(slot.partial, { recursive: true, force: true });
        clearJournal(dbPath);
      }
      throw asWriteError(err, dbPath);
    }
    writeJournal({ ...swapping, phase: 'committed' });
    faultPoint('after_commit');
    discardStage(stage);

    // The post-verify ran on the new file before the swap (buildPrivateCopy): the same file, renamed.
    // In place and verified: whatever fails from here on, every step is applied.
    const report = steps.settle('applied');
    // What verify compares with while the file is unchanged (state/digest.ts Receipt).
    if (backupId) writeReceipt(dbPath, config.backups, backupId, { apply_id: applyId, version: config.version, rebuilt_tables: plan.rebuilt_tables, expected: swapping.expected! });
    clearJournal(dbPath);
    // The append-only copy beside the backups survives a later rollback that restores an older file.
    appendHistoryLog(config.backups, dbPath, { ...historyEntry(config, plan, { applyId, backupId, started }), ...(queries.length ? { queries: historyQueries(queries, config.queries) } : {}) });
    emit('done', 'applied');
    if (backupId) pruneBackups(config.backups, config.policy.backupRetention);
    return { ...base, status: 'applied', apply_id: applyId, backup_id: backupId, duration_ms: Date.now() - started, verified_tables: verified, queries, steps: report };
  } catch (err) {
    steps?.attachTo(err);
    throw err;
  } finally {
    lock.release();
  }
}

/**
 * The one read of the live file an apply makes (issue 14), after a checkpoint. With a `slot` (the
 * backups folder is on the database's file system, planBackupAtSwap): the live file is copied
 * into the private staging folder (`stage.file`, hashed as it is copied, fsynced: the byte copy
 * the plan runs on; for the export strategy, which builds a fresh file, only hashed), and the
 * backup is the original itself, kept at the swap (`pending`, state/backup.ts
 * keepOriginalAsBackup) — one copy per apply instead of a backup copy plus a private copy.
 * Without one (across file systems: no hard link possible; or a companion file left beside the
 * database after the checkpoint, which only a copy takes along) a backup copy is taken first
 * (createBackup) and the private copy made from it, as before; the slot's folder is removed then.
 * Resolves to the backup's id (known now: the history row written in the transaction names it),
 * the original's sha256 and the pending backup (null when the backup was taken here). Throws
 * E_DISK_FULL, E_BACKUP, E_NIL_UUID (checkpoint), fs errors.
 */
async function readOnce(
  dbPath: string,
  backupsDir: string,
  stage: Staged,
  slot: BackupSlot | null,
  exportStrategy: boolean,
  version: string | null,
  emit: Emit,
): Promise<{ id: string; sha256: string; pending: PendingBackup | null }> {
  await checkpoint(dbPath);
  if (!slot || hasCompanionFiles(dbPath)) {
    if (slot) fs.rmSync(slot.partial, { recursive: true, force: true });
    // The version the database is at (its last history entry); null for an adopted database
    // without history: rollback treats that backup as the adopted state.
    const b = await createBackup(dbPath, backupsDir, { reason: 'apply', version });
    emit('backup', `backup ${b.id} (${b.size} bytes, sha256 ${b.sha256.slice(0, 12)}…)`);
    if (!exportStrategy) {
      emit('copy', `copying ${dbPath} into a private staging folder`);
      copyFileExclusive(path.join(backupsDir, b.id, b.file), stage.file, 0o600);
    }
    return { id: b.id, sha256: b.sha256, pending: null };
  }
  const sha256 = exportStrategy ? await sha256File(dbPath) : (await copyHashing(dbPath, stage.file, 0o600)).sha256;
  const size = fs.statSync(dbPath).size;
  emit('backup', `backup ${slot.id} (${size} bytes, sha256 ${sha256.slice(0, 12)}…): the original file, kept at the swap; read once${exportStrategy ? '' : ' into the private copy'}`);
  return { id: slot.id, sha256, pending: { ...slot, sha256, size } };
}

/**
 * Apply: makes the declared schema real, atomically. Order of phases, and why:
 *   1. lock            one apply at a time (exit 4 for the second)
 *   2. settle          an interrupted earlier apply is finished or undone first
 *   3. re-plan         the plan is recomputed from the live database; a saved plan whose live
 *                      fingerprint no longer matches is stale and refused (exit 3)
 *   4. policy          destructive changes need an explicit allowance (exit 3)
 *   5. pre-check       casts that would fail or turn values NULL are found by count queries
 *                      before anything is touched, with sample keys
 *   6. backup          checkpoint + checksummed copy, kept under backups/
 *   7. transaction     every statement, one per call, in ONE Kuzu transaction; staging tables of
 *                      a rewrite are verified (row counts and content fingerprints) before the old
 *                      tables are dropped; YAML checks run; the history row is written; COMMIT
 *   8. post-verify     the live schema's fingerprint must equal the desired one, else the backup
 *                      is restored
 * Kuzu rolls a failed transaction back by itself, and a process killed inside one reopens
 * unchanged (kuzu-notes §2); the history row commits with the change, so the journal can always
 * tell whether an interrupted apply happened.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Change } from '../core/changes';
import { diffSchemas } from '../core/diff';
import { ErrorCode, InterruptedError, KuzuMigrateError, RefusedError, RuntimeError, UsageError } from '../core/errors';
import { blockingFindings, Finding } from '../core/findings';
import { changeName } from '../core/rules';
import { missingDatabaseFinding } from '../plan/precheck';
import { cypherString, quoteIdent } from '../core/identifiers';
import { Property, RelTable, Schema, sameName, schemaFingerprint, Table } from '../core/model';
import { desiredSchemaOf, liveNodeName, liveProperty, liveSource, nodeKeyExpression, PlanDocument, projection, RewriteStrategy, serialSequenceCandidates, stagingName, StepPhase } from '../core/plan';
import { consumeSequenceValue } from '../core/ddl';
import { probeIndexes } from '../kuzu/objects';
import { planIntegrityProblems, planShapeProblem } from '../core/plan-integrity';
import { ResolvedConfig } from '../config/config';
import { configuredEngine, KuzuEngine, kuzuVersion, withEngine } from '../kuzu/engine';
import { addHashes, ROW_COLUMN, rowFingerprints, TableFingerprint, verifyCopy } from '../kuzu/fingerprint';
import { evaluateCheck } from '../kuzu/checks';
import { introspect, readLive, sequencePosition } from '../kuzu/introspect';
import { adoptUnknownStorageDirections, planLive } from '../plan/planning';
import { TOOL_VERSION } from '../version';
import { createBackup, findBackup, pruneBackups, restoreBackup } from '../state/backup';
import { COMPANION_SUFFIXES, removeDatabaseFiles } from '../state/files';
import { compareDigests, digestDatabase, digestStyle, digestWith, writeReceipt } from '../state/digest';
import { fileMode, realDatabasePath, refuseHardLinked } from '../state/paths';
import { copyFileExclusive } from '../state/private';
import { Staged, stageBeside, swapIntoPlace } from '../state/swap';
import { createHistoryTableStatement, HISTORY_TABLE, HistoryEntry, insertHistoryStatement, readHistory } from '../state/history';
import { exportSnapshot } from '../snapshot/export';
import { loadSnapshot, verifyLoaded } from '../snapshot/import';
import { readManifest } from '../snapshot/files';
import { sha256File } from '../state/files';
import { clearJournal, faultPoint, Journal, readJournal, writeJournal } from '../state/journal';
import { acquireLock, isProcessAlive } from '../state/lock';
import { appendHistoryLog, readHistoryLog } from '../state/history-log';
import { isAllowedByName, protectionViolations, withoutUnmanaged } from '../core/lint/protection';
import { compareRuns, comparisonLines, historyQueries, queryRegressionError, timeOn, type QueryComparison } from './queries';
import type { QueryRun } from '../core/queries';

/**
 * The phases apply reports progress in, a closed set (consumers can switch over it exhaustively):
 * the plan's step phases while statements run (`in_place`, `rebuild`, `finish`; the message starts
 * with `<step>/<steps>`), and the phases around them, in the order they happen.
 */
export type ApplyPhase =
  | 'recover' | 'precheck' | 'queries' | 'backup' | 'export' | 'load' | 'copy' | StepPhase | 'checks' | 'verify' | 'commit' | 'swap' | 'post-verify' | 'done';
/** One progress event: the phase and a line for people. */
export type ApplyEvent = { phase: ApplyPhase; message: string };

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
  status: 'applied' | 'no_changes' | 'aborted';
  apply_id: string | null;
  version: string;
  database: string;
  strategy: PlanDocument['strategy'];
  rewrite_strategy: RewriteStrategy | null;
  changes: number;
  backup_id: string | null;
  duration_ms: number;
  verified_tables: string[];
  recovered: RecoveryResult | null;
  plan: PlanDocument;
  /** The declared queries timed before the change and on the new database before the swap (apply/queries.ts); [] when none ran. */
  queries: QueryComparison[];
}

export interface RecoveryResult {
  apply_id: string;
  /** completed: the new database is in place; rolled_back: the old one never left; restored: the backup was put back. */
  outcome: 'completed' | 'rolled_back' | 'restored';
  message: string;
}

/** Whether a destructive change is covered by the allowance (`Table` covers its properties). */
export function isAllowed(c: Change, allow: boolean | string[]): boolean {
  return isAllowedByName(c, allow);
}

/**
 * Settles an apply interrupted by a crash, deciding by the CONTENT of the live file, never by the
 * presence of a history row alone (Kuzu 0.11.3 can reopen a killed COMMIT with its history row
 * and empty tables, docs/security.md "Crash safety"):
 * - killed before the swap (phases up to `executing`): the live file was never replaced, it is
 *   the original; the private staging folder is removed.
 * - killed at or after the swap (`swapping`, `committed`): the live file's digest (row counts,
 *   and content fingerprints of the rebuilt tables) is compared with the one the apply recorded
 *   in the journal before the swap. Equal: the apply is complete. Otherwise, if the file is
 *   byte-for-byte the backup, the rename never happened (rolled back); if it is anything else, the
 *   backup is restored (a database the apply created is removed).
 * - killed while restoring the backup after a failed post-verify: the restore is redone.
 * Returns null when there is no journal. Throws E_BUSY when the apply's process still runs.
 */
export async function recoverInterrupted(dbPath: string, backupsDir?: string): Promise<RecoveryResult | null> {
  const j = readJournal(dbPath);
  if (!j) return null;
  if (j.host === os.hostname() && j.pid !== process.pid && isProcessAlive(j.pid)) {
    throw new RuntimeError(`an apply (pid ${j.pid}) is still running on ${dbPath}`, 'E_BUSY', ['wait for it to finish']);
  }
  const cleanup = () => {
    if (j.stage_dir) fs.rmSync(j.stage_dir, { recursive: true, force: true });
    if (j.staging) removeDatabaseFiles(j.staging);
    if (j.workdir) fs.rmSync(j.workdir, { recursive: true, force: true });
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
  // At or after the swap: decide by content. The original's exact bytes first (cheap and
  // definitive: a schema-only change leaves the digest of the data equal).
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

function hasCompanions(dbPath: string): boolean {
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

export async function applyMigration(config: ResolvedConfig, options: ApplyOptions = {}): Promise<ApplyResult> {
  let started = Date.now();
  const emit = (phase: ApplyPhase, message: string) => options.onEvent?.({ phase, message });
  // The real file: through a symlink we lock, journal and replace its target, never the link.
  const dbPath = realDatabasePath(config.database);
  config = { ...config, database: dbPath };
  // A mistyped path must not become a new database: refuse before anything (even the lock file or
  // its folder) is created.
  const missing = missingDatabaseFinding(config, fs.existsSync(dbPath), options.create);
  if (missing) throw findingError([missing]);
  fs.mkdirSync(path.dirname(dbPath), { recursive: true });
  refuseHardLinked(dbPath);
  const lock = acquireLock(dbPath, options.command ?? 'kuzu-migrate apply');
  faultPoint('after_lock');
  try {
    const recovered = await recoverInterrupted(dbPath, config.backups);
    if (recovered) emit('recover', recovered.message);

    // A plan handed in by a library caller gets the same shape and expression checks as a plan file.
    const shape = options.plan ? planShapeProblem(options.plan) : null;
    if (shape) throw new UsageError(`the plan is not a kuzu-migrate plan: ${shape}`);
    const desired = options.plan ? desiredSchemaOf(options.plan) : config.schema;
    const exists = fs.existsSync(dbPath);
    // The same planning path as `plan` (so a saved plan's fingerprint compares like with like),
    // through a read-only handle; the write handle opens later.
    const rewriteStrategy = options.rewriteStrategy ?? options.plan?.rewrite_strategy ?? undefined;
    if (options.plan) savedPlanGuard(options.plan, config, { allowOtherDatabase: options.allowOtherDatabase });
    let liveHistory: HistoryEntry[] = [];
    let plan = await readLive(dbPath, async (live, engine) => {
      liveHistory = engine ? await readHistory(engine) : [];
      return planLive(live, engine, config, desired, {
        rewriteStrategy,
        lintCounts: false,
        precheck: { allowDestructive: options.allowDestructive, create: options.create, allowSameVersion: options.allowSameVersion, history: liveHistory, onEvent: emit },
      });
    });
    const liveVersion = liveHistory.length ? liveHistory[liveHistory.length - 1].version : null;
    if (options.plan && options.plan.live_fingerprint !== plan.live_fingerprint) {
      throw new RefusedError(
        `the plan is stale: the live database changed since it was made (live schema ${plan.live_fingerprint.slice(0, 19)}…, plan expected ${options.plan.live_fingerprint.slice(0, 19)}…); it now needs: ${plan.changes.map(changeName).join(', ') || 'nothing'}`,
        'E_STALE_PLAN',
        ['run `kuzu-migrate plan --out PLAN.json` again and review it'],
      );
    }
    const tampered = options.plan ? planIntegrityProblems(options.plan, plan, TOOL_VERSION) : [];
    if (tampered.length) {
      throw new RefusedError(`the plan file is not what was planned, nothing was changed: ${tampered.join('; ')}`, 'E_PLAN_MODIFIED', [
        'run `kuzu-migrate plan --out PLAN.json` again with this kuzu-migrate and review it',
      ]);
    }
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
      queries: [],
    };
    const versionBlocking = blockingFindings(plan.findings ?? []).filter((f) => f.code.startsWith('version-'));
    if (plan.changes.length === 0 && versionBlocking.length > 0) throw findingError(versionBlocking);
    if (plan.changes.length === 0) {
      // A new version without schema changes is still a version the database is now at: record it,
      // so list, verify and rollback know it. Nothing else is written.
      const recorded = exists ? await recordVersionIfNew(config, plan, started) : null;
      return { ...base, status: 'no_changes', apply_id: recorded, duration_ms: Date.now() - started };
    }

    // Protection first: no allowance, not even --allow-destructive, lets a protected object be destroyed.
    const violations = protectionViolations(plan, config.protect ?? []);
    if (violations.length > 0) {
      throw new RefusedError(
        `${violations.length} change${violations.length === 1 ? '' : 's'} would destroy or rebuild protected objects: ` +
          violations.map((v) => `${v.property ? `${v.table}.${v.property}` : v.table} (${v.what})`).join(', '),
        'E_PROTECTED',
        ['protect: true (or the environment\'s protect: list) refuses this whatever --allow-destructive says; remove the protection in its own reviewed change first'],
      );
    }
    if (plan.lint?.findings.some((f) => f.code === 'KM602') && !options.allowDropsOnFirstRun) {
      throw new RefusedError(
        `kuzu-migrate never applied to ${dbPath} and the plan drops: ${plan.changes.filter((c) => c.kind.startsWith('drop_')).map((c) => c.table + (c.property ? '.' + c.property : '')).join(', ')}`,
        'E_FIRST_RUN',
        ['check that the YAML declares everything the database holds (or list other tables under unmanaged:), then pass --allow-drops-on-first-run'],
      );
    }
    // The same findings plan reports: what apply would refuse or fail on stops it here, before
    // the backup, with the count and sample keys (policy, versions, casts, multiplicity, expressions).
    const blocking = blockingFindings(plan.findings ?? []);
    if (blocking.length > 0) throw findingError(blocking);
    const building = plan.steps.filter((s) => s.phase === 'create_indexes');
    if (building.length && !configuredEngine().capabilities.builtinIndexes) {
      throw new RefusedError(
        `${configuredEngine().id} has no built-in FTS or vector indexes (only as extensions downloaded by INSTALL); the plan builds ${building.map((s) => s.index?.name ?? '').join(', ')}; nothing was changed`,
        'E_UNSUPPORTED_INDEXES',
        ['remove the indexes from kuzu-migrate.yaml, or install the extensions in the database yourself (INSTALL FTS; INSTALL VECTOR) and build them by hand'],
      );
    }
    if (options.confirm && !(await options.confirm(plan))) {
      throw new RefusedError('Cancelled; nothing changed', 'E_CANCELLED', ['answer "yes" to apply, or pass --auto-approve']);
    }
    // Time reported and recorded is the apply's own, without the time spent at the prompt.
    started = Date.now();
    checkSignal(options.signal, 'before the backup: nothing changed');
    // The declared queries on the database as it is, read-only, to compare the new one with before the swap.
    let queriesBefore: QueryRun[] | null = null;
    if (config.queries.length && exists) {
      emit('queries', `timing ${config.queries.length} declared quer${config.queries.length === 1 ? 'y' : 'ies'} on the database before the change`);
      queriesBefore = await timeOn(dbPath, config.queries);
    }
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
    let verified: Verified = { tables: [], digests: [] };
    let sourceStat: FileIdentity | null = null;
    let backupFile: string | null = null;
    const mode = exists ? fileMode(dbPath) : undefined;
    let stage: Staged | null = null;
    let swapped = false;
    let swapping: Journal | null = null;
    try {
      writeJournal(journal);
      if (exists) {
        emit('backup', `backing up ${dbPath}`);
        // The version the database is at (its last history entry); null for an adopted database
        // without history: rollback treats that backup as the adopted state.
        const b = await createBackup(dbPath, config.backups, { reason: 'apply', version: liveVersion });
        backupId = b.id;
        backupSha = b.sha256;
        backupFile = path.join(config.backups, b.id, b.file);
        sourceStat = fileIdentity(dbPath);
        emit('backup', `backup ${b.id} (${b.size} bytes, sha256 ${b.sha256.slice(0, 12)}…)`);
        faultPoint('after_backup');
      }
      // Everything is built in a private copy and swapped in by one rename (state/swap.ts: Kuzu
      // does not make a COMMIT of copied tables crash-atomic, so the live file is never written).
      stage = stageBeside(dbPath);
      const withBackup = { ...journal, phase: 'executing' as const, backup_id: backupId, backups_dir: config.backups, backup_sha256: backupSha ?? undefined, stage_dir: stage.dir };
      writeJournal(withBackup);
      faultPoint('after_journal');

      // The export route also when the plan drops or replaces a macro: only a fresh database can
      // lose one (Kuzu has no DROP MACRO). Index statements run on the copy, each on its own.
      if ((plan.rewrite_strategy === 'export' || plan.private_copy?.method === 'export') && exists) {
        verified = await runExportStrategy(config, plan, stage, { applyId, backupId, started, signal: options.signal }, emit);
      } else {
        if (exists) {
          emit('copy', `copying ${dbPath} into a private staging folder`);
          // From the backup, whose bytes equal the source's (hashed as they were copied): the
          // source is read once per apply, and the copy is read from the page cache (or cloned).
          copyFileExclusive(backupFile ?? dbPath, stage.file, 0o600);
        }
        await withEngine(stage.file, {}, async (engine) => {
          await runIndexSteps(engine, plan, 'drop_indexes', emit);
          verified = await runTransaction(engine, config, plan, { applyId, backupId, started, signal: options.signal }, emit);
          await runIndexSteps(engine, plan, 'create_indexes', emit);
          await verifyIndexes(engine, desiredSchemaOf(plan), emit);
        });
      }
      // Reopened read-only, as the live database will be: Kuzu has left files that worked in the
      // session that wrote them and crash on the next open (kuzu-notes §8). In that one open: the
      // schema must be exactly the declared one (the post-verify, before anything is replaced),
      // the indexes must answer, and the digest of what the file holds is recorded BEFORE it is
      // swapped in, so that recovery can tell the new file from anything else by content. The
      // rebuilt tables' fingerprints come from the verification's scan of the new tables.
      emit('post-verify', 'reopening the new database: schema, indexes, content digest');
      const expected = await withEngine(stage.file, { readOnly: true }, async (engine) => {
        const after = await introspect(engine);
        const full = after.schema;
        after.schema = withoutUnmanaged(after.schema, config.unmanaged ?? []).schema; // as planning does: unmanaged tables are not ours
        adoptUnknownStorageDirections(after, desired); // as planning does: what cannot be read is not a difference
        if (schemaFingerprint(after.schema) !== plan.desired_fingerprint) {
          const residual = diffSchemas(after.schema, desired).changes;
          throw new RuntimeError(`the new database reopened with another schema than the declaration (${residual.map((c) => c.kind + ' ' + c.table).join(', ')}); nothing was changed`, 'E_VERIFY');
        }
        if (plan.private_copy) await verifyIndexes(engine, desiredSchemaOf(plan), emit);
        emit('swap', 'fingerprinting the new database');
        return digestWith(engine, plan.rebuilt_tables, { known: verified.digests }, full);
      });
      // The declared queries on the new database, before it can replace the old one (apply/queries.ts).
      if (config.queries.length) {
        emit('queries', 'timing the declared queries on the new database');
        queries = compareRuns(config.queries, queriesBefore, await timeOn(stage.file, config.queries));
        for (const line of comparisonLines(queries)) emit('queries', line);
        const failed = queries.filter((c) => !c.verdict.ok);
        if (failed.length && !options.allowSlowdown) throw queryRegressionError(failed);
      }
      swapping = { ...withBackup, phase: 'swapping', rebuilt_tables: plan.rebuilt_tables, expected };
      writeJournal(swapping);
      faultPoint('before_swap');
      if (exists) {
        // Nothing may have written to the original since the backup, or the swap would lose it:
        // no WAL beside it, and the same inode, size, mtime and ctime as just after the backup
        // (a write changes mtime and ctime; ctime cannot be set back). The backup read and
        // hashed the file once; a second hash pass would cost as much again (issue 14).
        const walLeft = hasCompanions(dbPath);
        if (walLeft || !sameIdentity(sourceStat, fileIdentity(dbPath))) {
          throw new RuntimeError(`${dbPath} was written to by another program during the apply; nothing was changed`, 'E_CONCURRENT', ['stop other writers and run apply again']);
        }
      }
      emit('swap', `moving the new database into place`);
      swapIntoPlace(stage.file, dbPath, mode);
      swapped = true;
      faultPoint('after_swap');
    } catch (err) {
      // Not swapped: the live file is the original (or absent, for a new database); the apply is
      // over and the database is as it was.
      if (!swapped) {
        if (stage) fs.rmSync(stage.dir, { recursive: true, force: true });
        clearJournal(dbPath);
      }
      const code = (err as NodeJS.ErrnoException).code;
      if (!(err instanceof KuzuMigrateError) && (code === 'ENOSPC' || code === 'EDQUOT')) {
        throw new RuntimeError(`no space left in ${path.dirname(dbPath)} for the new database (an apply needs about the size of the database again, beside it)`, 'E_DISK_FULL', [
          'free disk space and run apply again; nothing was changed',
        ]);
      }
      if (!(err instanceof KuzuMigrateError) && (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')) {
        throw new RuntimeError(`cannot write beside ${dbPath}: ${(err as Error).message}`, 'E_IO', ['the database folder must be writable; nothing was changed']);
      }
      throw err;
    }
    writeJournal({ ...swapping!, phase: 'committed' });
    faultPoint('after_commit');
    fs.rmSync(stage.dir, { recursive: true, force: true });

    // The post-verify ran on the new file before the swap (the same file, renamed into place).
    // What verify compares with while the file is unchanged (state/digest.ts Receipt).
    if (backupId) writeReceipt(dbPath, config.backups, backupId, { apply_id: applyId, version: config.version, rebuilt_tables: plan.rebuilt_tables, expected: swapping!.expected! });
    clearJournal(dbPath);
    // The append-only copy beside the backups survives a later rollback that restores an older file.
    appendHistoryLog(config.backups, dbPath, { ...historyEntry(config, plan, { applyId, backupId, started }), ...(queries.length ? { queries: historyQueries(queries) } : {}) });
    emit('done', 'applied');
    if (backupId) pruneBackups(config.backups, config.policy.backupRetention);
    return { ...base, status: 'applied', apply_id: applyId, backup_id: backupId, duration_ms: Date.now() - started, verified_tables: verified.tables, queries };
  } finally {
    lock.release();
  }
}

async function recordVersionIfNew(config: ResolvedConfig, plan: PlanDocument, started: number): Promise<string | null> {
  return withEngine(config.database, {}, async (engine) => {
    const history = await readHistory(engine);
    if (history.length > 0 && history[history.length - 1].version === config.version) return null;
    const id = newApplyId();
    await engine.query('BEGIN TRANSACTION');
    try {
      await engine.query(createHistoryTableStatement());
      await engine.query(insertHistoryStatement(historyEntry(config, plan, { applyId: id, backupId: null, started })));
      await engine.query('COMMIT');
      appendHistoryLog(config.backups, config.database, historyEntry(config, plan, { applyId: id, backupId: null, started }));
    } catch (err) {
      await engine.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    return id;
  });
}

function newApplyId(): string {
  return `${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${crypto.randomBytes(4).toString('hex')}`;
}

function historyEntry(config: ResolvedConfig, plan: PlanDocument, ctx: { applyId: string; backupId: string | null; started: number }): HistoryEntry {
  return {
    id: ctx.applyId,
    version: config.version,
    applied_at: new Date().toISOString(),
    duration_ms: Date.now() - ctx.started,
    live_fingerprint: plan.live_fingerprint,
    desired_fingerprint: plan.desired_fingerprint,
    strategy: plan.rewrite_strategy ? `${plan.strategy}:${plan.rewrite_strategy}` : plan.strategy,
    changes: plan.changes.length,
    tool_version: TOOL_VERSION,
    kuzu_version: kuzuVersion(),
    backup_id: ctx.backupId ?? '',
    operation: 'apply',
  };
}

/** Throws InterruptedError when the CLI received SIGINT/SIGTERM; `state` says where and what state the database is in. */
function checkSignal(signal: AbortSignal | undefined, state: string): void {
  if (!signal?.aborted) return;
  const name = signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
  throw new InterruptedError(name, `interrupted by ${name} ${state}`);
}

/**
 * The error apply ends with for blocking findings, most fundamental first: a missing database,
 * then versions and policy (refused, exit 3), then what the data or an expression would fail on
 * (exit 1). Every blocking finding is listed; nothing was changed.
 */
export function findingError(blocking: Finding[]): KuzuMigrateError {
  const of = (...codes: string[]) => blocking.filter((f) => codes.includes(f.code));
  const list = (fs: Finding[]) => fs.map((f) => (f.source ? `${f.source.file}:${f.source.line}:${f.source.column}: ` : '') + f.message).join('; ');
  const hints = (fs: Finding[]) => [...new Set(fs.map((f) => f.hint).filter((h): h is string => !!h))];
  const missing = of('database-missing');
  if (missing.length) return new RuntimeError(missing[0].message, 'E_NO_DATABASE', hints(missing));
  const version = of('version-reused', 'version-downgrade');
  if (version.length) return new RefusedError(list(version), 'E_VERSION', hints(version));
  const policy = of('policy-refused');
  if (policy.length) {
    const names = [...new Set(policy.map((f) => (f.property ? `${f.table}.${f.property}` : f.table!)))];
    return new RefusedError(
      `${policy.length} destructive change${policy.length === 1 ? '' : 's'} not allowed: ${policy.map((f) => f.message.replace(/^refused by policy of [^:]+: /, '')).join(', ')} (${policy[0].message.replace(/:.*$/, '')})`,
      'E_DESTRUCTIVE',
      [`allow them with --allow-destructive=${names.join(',')}, or in the environment's policy`],
    );
  }
  const casts = of('cast-fails');
  const rest = blocking.filter((f) => !casts.includes(f));
  if (casts.length && !rest.length) return new RuntimeError(`${list(casts)}; nothing was changed`, 'E_CAST', hints(casts));
  const code: ErrorCode = rest.every((f) => f.code.endsWith('-invalid')) ? 'E_EXPRESSION' : 'E_PRECHECK';
  return new RuntimeError(`${blocking.length} problem${blocking.length === 1 ? '' : 's'} would make apply fail: ${list(blocking)}; nothing was changed`, code, hints(blocking));
}

/**
 * A saved plan is applied only to the database and environment it was made for: each mismatch
 * is refused (exit 3) naming which — not called stale. (After re-planning, a changed live
 * database is "stale", and planIntegrityProblems refuses another tool version or edited steps.)
 */
export function savedPlanGuard(saved: PlanDocument, config: ResolvedConfig, options: { allowOtherDatabase?: boolean } = {}): void {
  const refuse = (code: ErrorCode, message: string, hint: string) => {
    throw new RefusedError(message, code, [hint]);
  };
  if (!options.allowOtherDatabase && path.resolve(saved.database) !== path.resolve(config.database)) {
    refuse('E_PLAN_DATABASE', `the plan was made for database ${saved.database}, not ${config.database}`, 'apply it with the --env / --database it was planned with, or plan again for this database; a plan made on a copy of this database: --allow-other-database');
  }
  if ((saved.environment ?? null) !== (config.environment ?? null)) {
    refuse('E_PLAN_ENVIRONMENT', `the plan was made for ${saved.environment ? `environment ${saved.environment}` : 'no environment'}, not ${config.environment ? `environment ${config.environment}` : 'no environment'}`, 'apply it with the --env it was planned with, or plan again');
  }
}

/** Runs the plan's statements in one transaction, verifying rebuilt tables before their old versions go. */
async function runTransaction(
  engine: KuzuEngine,
  config: ResolvedConfig,
  plan: PlanDocument,
  ctx: { applyId: string; backupId: string | null; started: number; carryHistory?: HistoryEntry[]; signal?: AbortSignal },
  emit: (p: ApplyPhase, m: string) => void,
): Promise<Verified> {
  const live = (await introspect(engine)).schema;
  // Index steps run outside the transaction (runIndexSteps); everything else is one transaction.
  const txSteps = plan.steps.filter((s) => s.phase !== 'drop_indexes' && s.phase !== 'create_indexes');
  const lastCopy = txSteps.reduce((acc, s, i) => (s.phase === 'rebuild' && s.statement.startsWith('COPY') ? i : acc), -1);
  const sequencePositions = await readSequencePositions(engine, plan);
  const standalonePositions = new Map<string, string | null>();
  for (const s of txSteps) if (s.restore_sequence) standalonePositions.set(s.restore_sequence.sequence, await sequencePosition(engine, s.restore_sequence.sequence));
  let verified: Verified = { tables: [], digests: [] };
  await engine.query('BEGIN TRANSACTION');
  let failedAt: string | null = null;
  try {
    for (let i = 0; i < txSteps.length; i++) {
      const s = txSteps[i];
      checkSignal(ctx.signal, `at step ${s.id} of ${plan.steps.length}: the transaction was rolled back and the database is unchanged${ctx.backupId ? ` (backup ${ctx.backupId} kept)` : ''}`);
      failedAt = `step ${s.id} (${s.comment})`;
      emit(s.phase, `${s.id}/${plan.steps.length} ${s.comment}`);
      const stepStart = Date.now();
      let statement = s.resume_sequence ? s.statement.replace('{next}', await nextSequenceValue(engine, s.resume_sequence, sequencePositions)) : s.statement;
      const position = s.restore_sequence ? standalonePositions.get(s.restore_sequence.sequence) ?? null : null;
      if (s.restore_sequence) statement = statement.replace('{position}', position ?? s.restore_sequence.start);
      const out = await engine.query(statement);
      // A used sequence is created at its last value; one nextval makes that value consumed.
      if (s.restore_sequence && position !== null) await engine.query(consumeSequenceValue(s.restore_sequence.sequence));
      // COPY reports "N tuples have been copied to the T table": show rows and time per table.
      const result = out[0]?.['result'];
      if (typeof result === 'string' && /tuples/.test(result)) emit(s.phase, `${s.id}/${plan.steps.length} ${result.replace(/\.$/, '')} in ${Date.now() - stepStart} ms`);
      if (i === 0) faultPoint('in_transaction');
      if (i === lastCopy) {
        failedAt = 'verification of rebuilt tables';
        verified = await verifyRebuilt(engine, live, plan, emit);
      }
    }
    checkSignal(ctx.signal, `before commit: the transaction was rolled back and the database is unchanged${ctx.backupId ? ` (backup ${ctx.backupId} kept)` : ''}`);
    failedAt = 'checks';
    await runChecks(engine, config, emit);
    failedAt = 'history';
    await engine.query(createHistoryTableStatement());
    for (const h of ctx.carryHistory ?? []) await engine.query(insertHistoryStatement(h));
    await engine.query(insertHistoryStatement(historyEntry(config, plan, ctx)));
    faultPoint('before_commit');
    failedAt = 'commit';
    emit('commit', 'committing');
    await engine.query('COMMIT');
    return verified;
  } catch (err) {
    // Kuzu has already rolled back on a failed statement; ROLLBACK covers our own failures
    // (verification, checks) and is harmless when no transaction is active.
    await engine.query('ROLLBACK').catch(() => undefined);
    if (err instanceof KuzuMigrateError) throw err;
    throw new RuntimeError(`apply failed at ${failedAt}: ${(err as Error).message.split('\n')[0]}; the transaction was rolled back and nothing changed`, 'E_APPLY', [
      'fix the cause and run apply again',
    ]);
  }
}

/**
 * The next value of each live SERIAL sequence a rebuild restarts, read before the transaction
 * drops them: currval + 1 once the sequence was used; its start value while it never was (currval
 * fails then, and a sequence restarted by a snapshot import or an earlier rebuild is in that state).
 */
async function readSequencePositions(engine: KuzuEngine, plan: PlanDocument): Promise<Map<string, bigint | null>> {
  const out = new Map<string, bigint | null>();
  const resumes = plan.steps.filter((s) => s.resume_sequence?.live_property);
  if (resumes.length === 0) return out;
  const sequences = new Map((await engine.query('CALL show_sequences() RETURN name, CAST(`start value` AS STRING) AS start, `increment` AS inc')).map((r) => [String(r['name']), r]));
  for (const s of resumes) {
    const r = s.resume_sequence!;
    const seq = serialSequenceCandidates(r.live_table, r.live_property!).find((n) => sequences.has(n));
    let next: bigint | null = null;
    if (seq) {
      try {
        next = BigInt(String(await engine.scalar(`RETURN CAST(currval(${cypherString(seq)}) AS STRING)`))) + BigInt(Number(sequences.get(seq)!['inc'] ?? 1));
      } catch {
        next = BigInt(String(sequences.get(seq)!['start']));
      }
    }
    out.set(`${r.table}.${r.property}`, next);
  }
  return out;
}

/** The value a restarted sequence continues from: the old sequence's next value, and after every copied value. */
async function nextSequenceValue(engine: KuzuEngine, r: NonNullable<PlanDocument['steps'][number]['resume_sequence']>, positions: Map<string, bigint | null>): Promise<string> {
  const maxCopied = await engine.scalar(`MATCH (n:${quoteIdent(stagingName(r.table))}) RETURN CAST(max(n.${quoteIdent(r.property)}) AS STRING)`);
  let next = positions.get(`${r.table}.${r.property}`) ?? 0n;
  if (maxCopied !== null && maxCopied !== undefined && BigInt(String(maxCopied)) + 1n > next) next = BigInt(String(maxCopied)) + 1n;
  return next.toString();
}

/** The YAML checks, through the one evaluator verify uses too (kuzu/checks.ts: read-only, one query). */
async function runChecks(engine: KuzuEngine, config: ResolvedConfig, emit: (p: ApplyPhase, m: string) => void): Promise<void> {
  for (const check of config.checks) {
    emit('checks', check.name);
    const outcome = await evaluateCheck(engine, check);
    if (!outcome.ok) throw new RuntimeError(`check "${check.name}" ${outcome.problem}; nothing changed`, 'E_CHECK');
  }
}

/**
 * The old row's expression a rebuilt property is compared with, or null when it has none: a new
 * property computed per row from a non-constant default (gen_random_uuid()) has no old value to
 * match — evaluating the default again would give other values.
 */
function carried(l: Table, p: Property, v: 'n' | 'r'): string | null {
  if (!p.using && !liveProperty(l, p)) return null;
  return projection(l, p, v);
}

/** What verifyRebuilt proved: the rebuilt tables, and their whole-row fingerprints (digest entries of the result). */
interface Verified {
  tables: string[];
  /** Row-style digest entries (state/digest.ts) of the rebuilt tables, under their final names. */
  digests: TableFingerprint[];
}

/**
 * Compares every rebuilt table with the old one it was built from: row counts, and the
 * whole-row fingerprint of the carried properties (the old value cast as the projection casts
 * it, against the new value), each row keyed by its (new) primary key — one hash per row per
 * side. Only when the two differ does a per-property fingerprint pass (fingerprintQuery) name
 * the properties that changed. The new side's scan also yields the table's whole-row
 * fingerprint over EVERY property, the digest the swap records (no second scan of the result).
 */
async function verifyRebuilt(engine: KuzuEngine, live: Schema, plan: PlanDocument, emit: (p: ApplyPhase, m: string) => void): Promise<Verified> {
  const desired = desiredSchemaOf(plan);
  const rebuilt = plan.rebuilt_tables;
  const isRebuilt = (n: string) => rebuilt.some((r) => sameName(r, n));
  const problems: string[] = [];
  const digests: TableFingerprint[] = [];
  // The same key expressions the rebuild's COPY statements use (core/plan.ts), so old and new rows meet.
  const pkExpr = (node: string, v: string): { liveLabel: string; oldKey: string; newLabel: string; newKey: string } => {
    const d = desired.nodes.find((t) => sameName(t.name, node))!;
    const pk = d.properties.find((p) => sameName(p.name, d.primaryKey))!;
    return {
      liveLabel: liveNodeName(live, desired, node)!,
      oldKey: nodeKeyExpression(live, desired, node, v),
      newLabel: isRebuilt(node) ? stagingName(d.name) : d.name,
      newKey: `${v}.${quoteIdent(pk.name)}`,
    };
  };
  /** Old against new for one MATCH pair; returns the new side's whole-row hash over every property. */
  const check = async (label: string, v: 'n' | 'r', d: Table, l: Table, oldSide: { match: string; keys: string[] }, newSide: { match: string; keys: string[] }) => {
    const carriedCols = d.properties.map((p) => ({ p, old: carried(l, p, v) })).filter((x) => x.old !== null);
    const r = await verifyCopy(
      engine,
      label,
      { ...oldSide, columns: carriedCols.map((x) => ({ name: x.p.name, expr: x.old!, type: x.p.type })) },
      { ...newSide, columns: carriedCols.map((x) => ({ name: x.p.name, expr: `${v}.${quoteIdent(x.p.name)}`, type: x.p.type })) },
      d.properties.map((p) => ({ name: p.name, expr: `${v}.${quoteIdent(p.name)}`, type: p.type })),
    );
    problems.push(...r.problems);
    return r;
  };
  for (const name of rebuilt) {
    emit('verify', `verifying ${name}`);
    const d = [...desired.nodes, ...desired.rels].find((t) => sameName(t.name, name))!;
    const l = liveSource(live, d)!;
    if (d.kind === 'node') {
      const { oldKey } = pkExpr(d.name, 'n');
      const r = await check(name, 'n', d, l, { match: `MATCH (n:${quoteIdent(l.name)})`, keys: [oldKey] }, { match: `MATCH (n:${quoteIdent(stagingName(d.name))})`, keys: [`n.${quoteIdent(d.primaryKey)}`] });
      digests.push({ table: d.name, kind: 'node', rows: r.rows, properties: { [ROW_COLUMN]: { hash: r.hash, non_null: r.rows } } });
    } else {
      const rel = d as RelTable;
      const lr = l as RelTable;
      let rows = 0;
      let hash = '0';
      for (const conn of rel.connections) {
        const a = pkExpr(conn.from, 'a');
        const b = pkExpr(conn.to, 'b');
        const newSide = { match: `MATCH (a:${quoteIdent(a.newLabel)})-[r:${quoteIdent(stagingName(rel.name))}]->(b:${quoteIdent(b.newLabel)})`, keys: [a.newKey, b.newKey] };
        let r: { rows: number; hash: string };
        if (lr.connections.some((c) => sameName(c.from, a.liveLabel) && sameName(c.to, b.liveLabel))) {
          const oldSide = { match: `MATCH (a:${quoteIdent(a.liveLabel)})-[r:${quoteIdent(l.name)}]->(b:${quoteIdent(b.liveLabel)})`, keys: [a.oldKey, b.oldKey] };
          r = await check(`${name} (${conn.from} → ${conn.to})`, 'r', d, l, oldSide, newSide);
        } else {
          // A connection the old table did not have: nothing to compare, but part of the digest.
          const all = rel.properties.map((p) => ({ name: p.name, expr: `r.${quoteIdent(p.name)}`, type: p.type }));
          const f = await rowFingerprints(engine, newSide.match, newSide.keys, [all]);
          r = { rows: f.rows, hash: f.hashes[0] };
        }
        rows += r.rows;
        hash = addHashes(hash, r.hash);
      }
      digests.push({ table: rel.name, kind: 'rel', rows, properties: { [ROW_COLUMN]: { hash, non_null: rows } } });
    }
  }
  if (problems.length) {
    throw new RuntimeError(`verification of the rebuilt tables failed; the transaction was rolled back and nothing changed:\n  ${problems.join('\n  ')}`, 'E_VERIFY');
  }
  return { tables: rebuilt, digests };
}

export { HISTORY_TABLE };

/**
 * Runs the steps of one index phase, each statement on its own (auto-commit): Kuzu refuses
 * CREATE_FTS_INDEX, CREATE_VECTOR_INDEX and DROP_FTS_INDEX inside a transaction. Only ever called
 * on the private copy, so a failure leaves the live file as it was.
 */
async function runIndexSteps(engine: KuzuEngine, plan: PlanDocument, phase: 'drop_indexes' | 'create_indexes', emit: (p: ApplyPhase, m: string) => void): Promise<void> {
  for (const s of plan.steps.filter((x) => x.phase === phase)) {
    emit(phase, `${s.id}/${plan.steps.length} ${s.comment}`);
    const t = Date.now();
    try {
      await engine.query(s.statement);
    } catch (err) {
      throw new RuntimeError(`apply failed at step ${s.id} (${s.comment}): ${(err as Error).message.split('\n')[0]}; the live database was not touched`, 'E_APPLY', ['fix the cause and run apply again']);
    }
    if (phase === 'create_indexes') emit(phase, `${s.id}/${plan.steps.length} built in ${Date.now() - t} ms`);
  }
  faultPoint(`after_${phase}`);
}

/** Every declared index must exist and answer a query (kuzu/objects.ts); throws E_VERIFY otherwise. */
async function verifyIndexes(engine: KuzuEngine, desired: Schema, emit: (p: ApplyPhase, m: string) => void): Promise<void> {
  const indexes = desired.indexes ?? [];
  if (!indexes.length) return;
  emit('verify', `checking ${indexes.length} index${indexes.length === 1 ? '' : 'es'} exist and answer queries`);
  const problems = (await probeIndexes(engine, indexes)).filter((r) => !r.ok).map((r) => `${r.table}.${r.name}: ${r.problem}`);
  if (problems.length) throw new RuntimeError(`index verification failed on the private copy; the live database was not touched:\n  ${problems.join('\n  ')}`, 'E_VERIFY');
}

/**
 * The `export` strategy: the design's EXPORT → fresh database → verify. The live database is
 * exported with kuzu-migrate's lossless snapshot codec (Kuzu's own EXPORT loses values, see the
 * notes), loaded into a fresh file in the private staging folder and verified against the
 * snapshot's manifest (schema, counts, content); the plan's statements then run there in one
 * transaction, with the same verification as the transaction strategy; the history (which lives
 * in the database) is carried over. The caller swaps the file in (it is also compacted: a rebuild
 * leaves no freed pages behind).
 */
async function runExportStrategy(
  config: ResolvedConfig,
  plan: PlanDocument,
  stage: Staged,
  ctx: { applyId: string; backupId: string | null; started: number; signal?: AbortSignal },
  emit: (p: ApplyPhase, m: string) => void,
): Promise<Verified> {
  const dbPath = config.database;
  const workdir = path.join(stage.dir, 'export');
  fs.mkdirSync(workdir, { mode: 0o700 });
  emit('export', `exporting ${dbPath} (lossless snapshot codec, parquet)`);
  await exportSnapshot({ ...config, migrations: workdir }, { version: 'v0.0.0', format: 'parquet' });
  const dir = path.join(workdir, 'v0.0.0');
  const manifest = readManifest(dir);
  faultPoint('after_export');
  const history = await withEngine(dbPath, { readOnly: true }, readHistory);
  let verified: Verified = { tables: [], digests: [] };
  await withEngine(stage.file, {}, async (engine) => {
    emit('load', `loading into ${stage.file}`);
    // Macros the plan drops or replaces are left out: Kuzu has no DROP MACRO.
    const omitMacros = plan.private_copy?.omit_macros ?? [];
    await loadSnapshot(engine, dir, manifest, { omitMacros });
    emit('verify', 'verifying the loaded copy against the export');
    const problems = await verifyLoaded(engine, manifest, { omitMacros });
    if (problems.length) {
      throw new RuntimeError(`the exported copy does not match the database; nothing was changed:\n  ${problems.join('\n  ')}`, 'E_VERIFY');
    }
    await runIndexSteps(engine, plan, 'drop_indexes', emit);
    verified = await runTransaction(engine, config, plan, { ...ctx, carryHistory: history }, emit);
    await runIndexSteps(engine, plan, 'create_indexes', emit);
    await verifyIndexes(engine, desiredSchemaOf(plan), emit);
  });
  fs.rmSync(workdir, { recursive: true, force: true });
  return verified;
}

/** What identifies a file's current content cheaply: a write changes mtime and ctime (ctime cannot be set back). */
interface FileIdentity {
  ino: number;
  size: number;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

function fileIdentity(file: string): FileIdentity {
  const st = fs.statSync(file, { bigint: true });
  return { ino: Number(st.ino), size: Number(st.size), mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
}

function sameIdentity(a: FileIdentity | null, b: FileIdentity): boolean {
  return a !== null && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

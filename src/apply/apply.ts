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
import { InterruptedError, KuzuMigrateError, RefusedError, RuntimeError } from '../core/errors';
import { blockingFindings, Finding } from '../core/findings';
import { changeName } from '../core/rules';
import { stepsDigest } from '../core/plan';
import { missingDatabaseFinding } from './precheck';
import { cypherString, quoteIdent, STAGING_PREFIX } from '../core/identifiers';
import { NodeTable, RelTable, Schema, sameName, schemaFingerprint } from '../core/model';
import { liveNodeName, liveSource, nodeKeyExpression, PlanDocument, projection, RewriteStrategy, serialSequenceCandidates, stagingName } from '../core/plan';
import { castFailureCondition } from '../core/types';
import { ResolvedConfig } from '../config/config';
import { KuzuEngine, kuzuVersion, withEngine } from '../kuzu/engine';
import { fingerprintQuery } from '../kuzu/fingerprint';
import { introspect, readLive } from '../kuzu/introspect';
import { adoptUnknownStorageDirections, planLive } from '../api/planning';
import { TOOL_VERSION } from '../version';
import { createBackup, findBackup, pruneBackups, restoreBackup } from './backup';
import { COMPANION_SUFFIXES, fsyncPath, removeDatabaseFiles } from './files';
import { createHistoryTableStatement, HISTORY_TABLE, HistoryEntry, insertHistoryStatement, readHistory } from './history';
import { exportSnapshot } from '../snapshot/export';
import { loadSnapshot, verifyLoaded } from '../snapshot/import';
import { readManifest } from '../snapshot/files';
import { sha256File } from './files';
import { clearJournal, faultPoint, Journal, readJournal, writeJournal } from './journal';
import { acquireLock, isProcessAlive } from './lock';
import { appendHistoryLog, readHistoryLog } from './history-log';

export type ApplyEvent = { phase: string; message: string };

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
  onEvent?: (e: ApplyEvent) => void;
  command?: string;
  /** `--create` (or `create: true` in the YAML): a missing database may be created. */
  create?: boolean;
  /** `--allow-same-version`: apply a changed schema under a version the history already holds. */
  allowSameVersion?: boolean;
  /**
   * Aborted by the CLI on SIGINT/SIGTERM (reason: the signal name). Checked at the prompt, before
   * the backup and between statements: the transaction is rolled back, the lock released, and an
   * InterruptedError says what state the database is in.
   */
  signal?: AbortSignal;
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
}

export interface RecoveryResult {
  apply_id: string;
  outcome: 'completed' | 'rolled_back';
  message: string;
}

export { isAllowed } from '../core/rules';

/**
 * Settles an apply interrupted by a crash: if its history row is in the database it committed
 * (finish: clear the journal), otherwise Kuzu rolled it back (undo: nothing to do but clear).
 */
export async function recoverInterrupted(dbPath: string, backupsDir?: string): Promise<RecoveryResult | null> {
  const j = readJournal(dbPath);
  if (!j) return null;
  if (j.host === os.hostname() && j.pid !== process.pid && isProcessAlive(j.pid)) {
    throw new RuntimeError(`an apply (pid ${j.pid}) is still running on ${dbPath}`, 'E_BUSY', ['wait for it to finish']);
  }
  let committed: HistoryEntry | undefined;
  if (fs.existsSync(dbPath)) {
    committed = await withEngine(dbPath, {}, async (engine) => (await readHistory(engine)).find((h) => h.id === j.apply_id));
  }
  // A commit the process did not live to log: the append-only copy gets it now.
  if (committed && backupsDir && !readHistoryLog(backupsDir, dbPath).some((h) => h.id === committed!.id)) appendHistoryLog(backupsDir, dbPath, committed);
  if (j.staging) removeDatabaseFiles(j.staging);
  if (j.workdir) fs.rmSync(j.workdir, { recursive: true, force: true });
  clearJournal(dbPath);
  return committed
    ? { apply_id: j.apply_id, outcome: 'completed', message: `apply ${j.apply_id} (to ${j.version}) had committed before it was interrupted; it is complete` }
    : { apply_id: j.apply_id, outcome: 'rolled_back', message: `apply ${j.apply_id} (to ${j.version}) was interrupted before commit; Kuzu rolled it back and the database is as before` };
}

export async function applyMigration(config: ResolvedConfig, options: ApplyOptions = {}): Promise<ApplyResult> {
  let started = Date.now();
  const emit = (phase: string, message: string) => options.onEvent?.({ phase, message });
  const dbPath = config.database;
  // A mistyped path must not become a new database: refuse before anything (even the lock file or
  // its folder) is created.
  const missing = missingDatabaseFinding(config, fs.existsSync(dbPath), options.create);
  if (missing) throw findingError([missing]);
  fs.mkdirSync(path.dirname(dbPath), { recursive: true });
  const lock = acquireLock(dbPath, options.command ?? 'kuzu-migrate apply');
  faultPoint('after_lock');
  try {
    const recovered = await recoverInterrupted(dbPath, config.backups);
    if (recovered) emit('recover', recovered.message);

    const desired = options.plan ? options.plan.desired_schema : config.schema;
    const exists = fs.existsSync(dbPath);
    // The same planning path as `plan` (so a saved plan's fingerprint compares like with like),
    // through a read-only handle; the write handle opens later.
    const rewriteStrategy = options.rewriteStrategy ?? options.plan?.rewrite_strategy ?? undefined;
    if (options.plan) savedPlanGuard(options.plan, config);
    let liveHistory: HistoryEntry[] = [];
    let plan = await readLive(dbPath, async (live, engine) => {
      liveHistory = engine ? await readHistory(engine) : [];
      return planLive(live, engine, config, desired, {
        rewriteStrategy,
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
    // Exactly what was reviewed is what runs: the saved plan's own statements (their digest was checked).
    if (options.plan) plan = { ...plan, steps: options.plan.steps };
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
    };
    const versionBlocking = blockingFindings(plan.findings ?? []).filter((f) => f.code.startsWith('version-'));
    if (plan.changes.length === 0 && versionBlocking.length > 0) throw findingError(versionBlocking);
    if (plan.changes.length === 0) {
      // A new version without schema changes is still a version the database is now at: record it,
      // so list, verify and rollback know it. Nothing else is written.
      const recorded = exists ? await recordVersionIfNew(config, plan, started) : null;
      return { ...base, status: 'no_changes', apply_id: recorded, duration_ms: Date.now() - started };
    }

    // The same findings plan reports: what apply would refuse or fail on stops it here, before
    // the backup, with the count and sample keys (policy, versions, casts, multiplicity, expressions).
    const blocking = blockingFindings(plan.findings ?? []);
    if (blocking.length > 0) throw findingError(blocking);
    if (options.confirm && !(await options.confirm(plan))) {
      throw new RefusedError('Cancelled; nothing changed', 'E_CANCELLED', ['answer "yes" to apply, or pass --auto-approve']);
    }
    // Time reported and recorded is the apply's own, without the time spent at the prompt.
    started = Date.now();
    checkSignal(options.signal, 'before the backup: nothing changed');

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
    let verified: string[] = [];
    try {
      writeJournal(journal);
      if (exists) {
        emit('backup', `backing up ${dbPath}`);
        // The version the database is at (its last history entry); null for an adopted database
        // without history: rollback treats that backup as the adopted state.
        const b = await createBackup(dbPath, config.backups, { reason: 'apply', version: liveVersion });
        backupId = b.id;
        backupSha = b.sha256;
        emit('backup', `backup ${b.id} (${b.size} bytes, sha256 ${b.sha256.slice(0, 12)}…)`);
        faultPoint('after_backup');
      }
      writeJournal({ ...journal, phase: 'executing', backup_id: backupId });
      faultPoint('after_journal');

      if (plan.rewrite_strategy === 'export' && exists) {
        verified = await runExportStrategy(config, plan, { applyId, backupId, started, backupSha: backupSha!, journal }, emit);
      } else {
        await withEngine(dbPath, {}, async (engine) => {
          verified = await runTransaction(engine, config, plan, { applyId, backupId, started, signal: options.signal }, emit);
        });
      }
    } catch (err) {
      // Nothing was committed (Kuzu rolled the transaction back, or the swap never happened):
      // the apply is over and the database is as it was. A database this apply created goes too.
      clearJournal(dbPath);
      if (!exists) removeDatabaseFiles(dbPath);
      throw err;
    }
    writeJournal({ ...journal, phase: 'committed', backup_id: backupId });
    faultPoint('after_commit');

    // Post-verify: the database must now be exactly the declared schema.
    emit('post-verify', 'checking the schema equals the declaration');
    const after = await withEngine(dbPath, { readOnly: true }, (e) => introspect(e));
    adoptUnknownStorageDirections(after, desired); // as planning does: what cannot be read is not a difference
    if (schemaFingerprint(after.schema) !== plan.desired_fingerprint) {
      const residual = diffSchemas(after.schema, desired).changes;
      if (backupId) {
        writeJournal({ ...journal, phase: 'restoring', backup_id: backupId });
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
    clearJournal(dbPath);
    // The append-only copy beside the backups survives a later rollback that restores an older file.
    appendHistoryLog(config.backups, dbPath, historyEntry(config, plan, { applyId, backupId, started }));
    emit('done', 'applied');
    if (backupId) pruneBackups(config.backups, config.policy.backupRetention);
    return { ...base, status: 'applied', apply_id: applyId, backup_id: backupId, duration_ms: Date.now() - started, verified_tables: verified };
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
  const code = rest.every((f) => f.code.endsWith('-invalid')) ? 'E_EXPRESSION' : 'E_PRECHECK';
  return new RuntimeError(`${blocking.length} problem${blocking.length === 1 ? '' : 's'} would make apply fail: ${list(blocking)}; nothing was changed`, code, hints(blocking));
}

/**
 * A saved plan is applied only to what it was made for, by the tool that made it, with the
 * statements that were reviewed: each mismatch is refused (exit 3) naming which. (A changed live
 * database is "stale" and checked after re-planning.)
 */
export function savedPlanGuard(saved: PlanDocument, config: ResolvedConfig): void {
  const refuse = (code: string, message: string, hint: string) => {
    throw new RefusedError(message, code, [hint]);
  };
  if (path.resolve(saved.database) !== path.resolve(config.database)) {
    refuse('E_PLAN_DATABASE', `the plan was made for database ${saved.database}, not ${config.database}`, 'apply it with the --env / --database it was planned with, or plan again for this database');
  }
  if ((saved.environment ?? null) !== (config.environment ?? null)) {
    refuse('E_PLAN_ENVIRONMENT', `the plan was made for ${saved.environment ? `environment ${saved.environment}` : 'no environment'}, not ${config.environment ? `environment ${config.environment}` : 'no environment'}`, 'apply it with the --env it was planned with, or plan again');
  }
  if (saved.tool?.version !== TOOL_VERSION) {
    refuse('E_PLAN_TOOL_VERSION', `the plan was made by kuzu-migrate ${saved.tool?.version ?? '(unknown)'}, this is ${TOOL_VERSION}`, 'plan again with this version and review it');
  }
  if (!saved.steps_digest || saved.steps_digest !== stepsDigest(saved)) {
    refuse('E_PLAN_EDITED', `the plan's statements or desired schema were edited after it was made (${saved.steps_digest ? 'steps_digest does not match' : 'it has no steps_digest'})`, 'plan again with `kuzu-migrate plan --out PLAN.json` and review it; never edit a saved plan');
  }
}

/** Runs the plan's statements in one transaction, verifying rebuilt tables before their old versions go. */
async function runTransaction(
  engine: KuzuEngine,
  config: ResolvedConfig,
  plan: PlanDocument,
  ctx: { applyId: string; backupId: string | null; started: number; carryHistory?: HistoryEntry[]; signal?: AbortSignal },
  emit: (p: string, m: string) => void,
): Promise<string[]> {
  const live = (await introspect(engine)).schema;
  const lastCopy = plan.steps.reduce((acc, s, i) => (s.phase === 'rebuild' && s.statement.startsWith('COPY') ? i : acc), -1);
  const sequencePositions = await readSequencePositions(engine, plan);
  let verified: string[] = [];
  await engine.query('BEGIN TRANSACTION');
  let failedAt: string | null = null;
  try {
    for (let i = 0; i < plan.steps.length; i++) {
      const s = plan.steps[i];
      checkSignal(ctx.signal, `at step ${s.id} of ${plan.steps.length}: the transaction was rolled back and the database is unchanged${ctx.backupId ? ` (backup ${ctx.backupId} kept)` : ''}`);
      failedAt = `step ${s.id} (${s.comment})`;
      emit(s.phase, `${s.id}/${plan.steps.length} ${s.comment}`);
      const stepStart = Date.now();
      const statement = s.resume_sequence ? s.statement.replace('{next}', await nextSequenceValue(engine, s.resume_sequence, sequencePositions)) : s.statement;
      const out = await engine.query(statement);
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

async function runChecks(engine: KuzuEngine, config: ResolvedConfig, emit: (p: string, m: string) => void): Promise<void> {
  for (const check of config.checks) {
    emit('checks', check.name);
    let value: unknown;
    try {
      value = await engine.scalar(check.query);
    } catch (err) {
      throw new RuntimeError(`check "${check.name}" failed to run: ${(err as Error).message.split('\n')[0]}; nothing changed`, 'E_CHECK');
    }
    if (value !== true) throw new RuntimeError(`check "${check.name}" returned ${JSON.stringify(value)}, not true; nothing changed`, 'E_CHECK');
  }
}

/**
 * Compares every rebuilt table with the old one it was built from: row counts, and per carried
 * property the fingerprint of the old value (cast as the projection casts it) against the new
 * value, each keyed by the row's (new) primary key.
 */
async function verifyRebuilt(engine: KuzuEngine, live: Schema, plan: PlanDocument, emit: (p: string, m: string) => void): Promise<string[]> {
  const desired = plan.desired_schema;
  const rebuilt = plan.rebuilt_tables;
  const isRebuilt = (n: string) => rebuilt.some((r) => sameName(r, n));
  const problems: string[] = [];
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
  for (const name of rebuilt) {
    emit('verify', `verifying ${name}`);
    const d = [...desired.nodes, ...desired.rels].find((t) => sameName(t.name, name))!;
    const l = liveSource(live, d)!;
    if (d.kind === 'node') {
      const cols = d.properties.map((p) => ({ p, old: projection(l, p, 'n') })).filter((x) => x.old !== null);
      const { oldKey } = pkExpr(d.name, 'n');
      const oldFp = await fingerprintQuery(engine, `MATCH (n:${quoteIdent(l.name)})`, [oldKey], cols.map((x) => ({ name: x.p.name, expr: x.old! })));
      const newFp = await fingerprintQuery(engine, `MATCH (n:${quoteIdent(stagingName(d.name))})`, [`n.${quoteIdent(d.primaryKey)}`], cols.map((x) => ({ name: x.p.name, expr: `n.${quoteIdent(x.p.name)}` })));
      compare(name, oldFp, newFp, problems);
    } else {
      const rel = d as RelTable;
      const lr = l as RelTable;
      const cols = rel.properties.map((p) => ({ p, old: projection(l, p, 'r') })).filter((x) => x.old !== null);
      for (const conn of rel.connections) {
        const a = pkExpr(conn.from, 'a');
        const b = pkExpr(conn.to, 'b');
        if (!lr.connections.some((c) => sameName(c.from, a.liveLabel) && sameName(c.to, b.liveLabel))) continue;
        const oldFp = await fingerprintQuery(
          engine,
          `MATCH (a:${quoteIdent(a.liveLabel)})-[r:${quoteIdent(l.name)}]->(b:${quoteIdent(b.liveLabel)})`,
          [a.oldKey, b.oldKey],
          cols.map((x) => ({ name: x.p.name, expr: x.old! })),
        );
        const newFp = await fingerprintQuery(
          engine,
          `MATCH (a:${quoteIdent(a.newLabel)})-[r:${quoteIdent(stagingName(rel.name))}]->(b:${quoteIdent(b.newLabel)})`,
          [a.newKey, b.newKey],
          cols.map((x) => ({ name: x.p.name, expr: `r.${quoteIdent(x.p.name)}` })),
        );
        compare(`${name} (${conn.from} → ${conn.to})`, oldFp, newFp, problems);
      }
    }
  }
  if (problems.length) {
    throw new RuntimeError(`verification of the rebuilt tables failed; the transaction was rolled back and nothing changed:\n  ${problems.join('\n  ')}`, 'E_VERIFY');
  }
  return rebuilt;
}

function compare(
  name: string,
  before: { rows: number; columns: Record<string, { hash: string; non_null: number }> },
  after: { rows: number; columns: Record<string, { hash: string; non_null: number }> },
  problems: string[],
): void {
  if (before.rows !== after.rows) problems.push(`${name}: ${after.rows} rows after, ${before.rows} before`);
  for (const [col, fp] of Object.entries(before.columns)) {
    const got = after.columns[col];
    if (got.non_null !== fp.non_null) problems.push(`${name}.${col}: ${got.non_null} non-NULL values after, ${fp.non_null} before (a cast turned values into NULL)`);
    else if (got.hash !== fp.hash) problems.push(`${name}.${col}: content differs after the copy`);
  }
}

export { HISTORY_TABLE };

/** Name of the fresh database file an export rewrite builds next to the original (same file system, so the swap is a rename). */
export function exportStagingPath(dbPath: string): string {
  return path.join(path.dirname(dbPath), `${STAGING_PREFIX}rewrite_${process.pid}_${path.basename(dbPath)}`);
}

/**
 * The `export` strategy: the design's EXPORT → fresh database → verify → swap. The live database
 * is exported with kuzu-migrate's lossless snapshot codec (Kuzu's own EXPORT loses values, see the
 * notes), loaded into a fresh file next to it and verified against the snapshot's manifest
 * (schema, counts, content); the plan's statements then run there in one transaction, with the
 * same verification as the transaction strategy; the history (which lives in the database) is
 * carried over. Only when all of that holds is the file swapped in, by one rename, after checking
 * that the original is byte-for-byte what was backed up (nothing wrote to it meanwhile). The new
 * file is also compacted: a rebuild leaves no freed pages behind.
 */
async function runExportStrategy(
  config: ResolvedConfig,
  plan: PlanDocument,
  ctx: { applyId: string; backupId: string | null; started: number; backupSha: string; journal: Journal },
  emit: (p: string, m: string) => void,
): Promise<string[]> {
  const dbPath = config.database;
  const staging = exportStagingPath(dbPath);
  const workdir = fs.mkdtempSync(path.join(path.dirname(dbPath), `.${STAGING_PREFIX}export-`));
  writeJournal({ ...ctx.journal, phase: 'executing', backup_id: ctx.backupId, staging, workdir });
  let swapped = false;
  try {
    emit('export', `exporting ${dbPath} (lossless snapshot codec, parquet)`);
    await exportSnapshot({ ...config, migrations: workdir }, { version: 'v0.0.0', format: 'parquet' });
    const dir = path.join(workdir, 'v0.0.0');
    const manifest = readManifest(dir);
    faultPoint('after_export');
    const history = await withEngine(dbPath, { readOnly: true }, readHistory);
    removeDatabaseFiles(staging);
    let verified: string[] = [];
    await withEngine(staging, {}, async (engine) => {
      emit('load', `loading into ${staging}`);
      await loadSnapshot(engine, dir, manifest);
      emit('verify', 'verifying the loaded copy against the export');
      const problems = await verifyLoaded(engine, manifest);
      if (problems.length) {
        throw new RuntimeError(`the exported copy does not match the database; nothing was changed:\n  ${problems.join('\n  ')}`, 'E_VERIFY');
      }
      verified = await runTransaction(engine, config, plan, { ...ctx, carryHistory: history }, emit);
    });
    faultPoint('before_swap');
    // Nothing may have written to the original since the backup, or the swap would lose it.
    const walLeft = fs.existsSync(dbPath + '.wal') && fs.statSync(dbPath + '.wal').size > 0;
    if (walLeft || (await sha256File(dbPath)) !== ctx.backupSha) {
      throw new RuntimeError(`${dbPath} was written to by another program during the apply; nothing was changed`, 'E_CONCURRENT', [
        'stop other writers and run apply again',
      ]);
    }
    emit('swap', `moving ${path.basename(staging)} into place`);
    fsyncPath(staging);
    for (const s of COMPANION_SUFFIXES) fs.rmSync(dbPath + s, { force: true });
    fs.renameSync(staging, dbPath);
    swapped = true;
    fsyncPath(path.dirname(dbPath));
    faultPoint('after_swap');
    return verified;
  } finally {
    if (!swapped) removeDatabaseFiles(staging);
    fs.rmSync(workdir, { recursive: true, force: true });
  }
}

/**
 * The in-transaction part of apply, run on the private copy: the plan's statements one per call
 * in ONE Kuzu transaction (rebuilt tables verified before their old versions go, YAML checks, the
 * history row, COMMIT), and the index statements, which Kuzu runs only outside a transaction.
 */
import { consumeSequenceValue } from '../core/ddl';
import { KuzuMigrateError, RuntimeError } from '../core/errors';
import { cypherString, quoteIdent } from '../core/identifiers';
import { Schema } from '../core/model';
import { PlanDocument, serialSequenceCandidates, stagingName } from '../core/plan';
import { ResolvedConfig } from '../config/config';
import { evaluateCheck } from '../kuzu/checks';
import type { KuzuEngine } from '../kuzu/engine';
import { introspect, sequencePosition } from '../kuzu/introspect';
import { probeIndexes } from '../kuzu/objects';
import { createHistoryTableStatement, HistoryEntry, insertHistoryStatement } from '../state/history';
import { faultPoint } from '../state/journal';
import { checkSignal, Emit, StepLog } from './events';
import { historyEntry } from './record';
import { Verified, verifyRebuilt } from './verify-rebuild';

/** What the transaction needs to know about the apply it is part of. */
export interface TransactionContext {
  applyId: string;
  backupId: string | null;
  /** Date.now() when the apply started (the history entry's duration). */
  started: number;
  /** History entries to write before this apply's own (the export strategy's fresh file has none). */
  carryHistory?: HistoryEntry[];
  signal?: AbortSignal;
  /** Where each step's status is kept. */
  steps: StepLog;
}

/**
 * Runs the plan's statements in one transaction, verifying rebuilt tables before their old versions go.
 * Returns what verifyRebuilt proved: the rebuilt tables and their whole-row digests. Throws E_APPLY (a statement failed), E_VERIFY,
 * E_CHECK; the transaction is rolled back then.
 */
export async function runTransaction(
  engine: KuzuEngine,
  config: ResolvedConfig,
  plan: PlanDocument,
  ctx: TransactionContext,
  emit: Emit,
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
      const of = { id: s.id, of: plan.steps.length };
      emit(s.phase, `${s.id}/${plan.steps.length} ${s.comment}`, of);
      const stepStart = Date.now();
      ctx.steps.started(s.id);
      let statement = s.resume_sequence ? s.statement.replace('{next}', await nextSequenceValue(engine, s.resume_sequence, sequencePositions)) : s.statement;
      const position = s.restore_sequence ? standalonePositions.get(s.restore_sequence.sequence) ?? null : null;
      if (s.restore_sequence) statement = statement.replace('{position}', position ?? s.restore_sequence.start);
      const out = await engine.query(statement);
      // A used sequence is created at its last value; one nextval makes that value consumed.
      if (s.restore_sequence && position !== null) await engine.query(consumeSequenceValue(s.restore_sequence.sequence));
      ctx.steps.ran(s.id);
      // COPY reports "N tuples have been copied to the T table": show rows and time per table.
      const result = out[0]?.['result'];
      if (typeof result === 'string' && /tuples/.test(result)) emit(s.phase, `${s.id}/${plan.steps.length} ${result.replace(/\.$/, '')} in ${Date.now() - stepStart} ms`, of);
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
async function runChecks(engine: KuzuEngine, config: ResolvedConfig, emit: Emit): Promise<void> {
  for (const check of config.checks) {
    emit('checks', check.name);
    const outcome = await evaluateCheck(engine, check);
    if (!outcome.ok) throw new RuntimeError(`check "${check.name}" ${outcome.problem}; nothing changed`, 'E_CHECK');
  }
}

/**
 * Runs the steps of one index phase, each statement on its own (auto-commit): Kuzu refuses
 * CREATE_FTS_INDEX, CREATE_VECTOR_INDEX and DROP_FTS_INDEX inside a transaction. Only ever called
 * on the private copy, so a failure leaves the live file as it was.
 */
export async function runIndexSteps(engine: KuzuEngine, plan: PlanDocument, phase: 'drop_indexes' | 'create_indexes', emit: Emit, steps: StepLog): Promise<void> {
  for (const s of plan.steps.filter((x) => x.phase === phase)) {
    const of = { id: s.id, of: plan.steps.length };
    emit(phase, `${s.id}/${plan.steps.length} ${s.comment}`, of);
    const t = Date.now();
    steps.started(s.id);
    try {
      await engine.query(s.statement);
      steps.ran(s.id);
    } catch (err) {
      throw new RuntimeError(`apply failed at step ${s.id} (${s.comment}): ${(err as Error).message.split('\n')[0]}; the live database was not touched`, 'E_APPLY', ['fix the cause and run apply again']);
    }
    if (phase === 'create_indexes') emit(phase, `${s.id}/${plan.steps.length} built in ${Date.now() - t} ms`, of);
  }
  faultPoint(`after_${phase}`);
}

/** Every declared index must exist and answer a query (kuzu/objects.ts); throws E_VERIFY otherwise. */
export async function verifyIndexes(engine: KuzuEngine, desired: Schema, emit: Emit): Promise<void> {
  const indexes = desired.indexes ?? [];
  if (!indexes.length) return;
  emit('verify', `checking ${indexes.length} index${indexes.length === 1 ? '' : 'es'} exist and answer queries`);
  const problems = (await probeIndexes(engine, indexes)).filter((r) => !r.ok).map((r) => `${r.table}.${r.name}: ${r.problem}`);
  if (problems.length) throw new RuntimeError(`index verification failed on the private copy; the live database was not touched:\n  ${problems.join('\n  ')}`, 'E_VERIFY');
}

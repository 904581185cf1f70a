/**
 * The plan: a versioned JSON document (schemas/plan.schema.json) that says what changes, how
 * (in place or by rewrite, and which rewrite strategy), and the exact statements. Text and Markdown
 * are rendered from it, so a reviewer reads what apply will run.
 */
import type { PlanQuery } from './queries';
import { Action, Change, isCatalogObjectChange } from './changes';
import * as ddl from './ddl';
import { castExpression } from './types';
import { cypherString, quoteIdent, STAGING_PREFIX } from './identifiers';
import { callsNextval, Index, isNonConstantDefault, NodeTable, Property, RelTable, Schema, Table, allTables, indexesOn, sameName, schemaFingerprint } from './model';
import { EngineKind, KUZU_PLANNING_CAPABILITIES, PlanningCapabilities } from './engine';
import { fromPlanSchema, PlanSchema, toPlanSchema } from './plan-document';
import type { Finding } from './findings';
import type { StepPhase } from './step-report';
import type { LintReport } from './lint/types';

/**
 * The plan JSON's format. 2: snake_case throughout (format 1 had camelCase keys in desired_schema);
 * apply refuses a plan of another format, asking to plan again (core/plan-document.ts).
 */
export const PLAN_FORMAT_VERSION = 2;

export type Strategy = 'none' | 'in_place' | 'rewrite';
/** How a rewrite runs: inside one Kuzu transaction, or by export → fresh database → swap. */
export type RewriteStrategy = 'transaction' | 'export';
/** Every RewriteStrategy, in the order flags and docs list them (`--strategy`, `policy.rewrite_strategy`). */
export const REWRITE_STRATEGIES: readonly RewriteStrategy[] = ['transaction', 'export'];
/**
 * Default rewrite strategy. In-transaction rebuild measured ≈ 4 s against ≈ 6.3 s for EXPORT +
 * IMPORT on 1M nodes / 5M rels (kuzu-notes §7) and moves no value through a file.
 */
export const DEFAULT_REWRITE_STRATEGY: RewriteStrategy = 'transaction';

/**
 * The rewrite strategy when none is asked for: the transaction rewrite, unless the engine does not
 * make a committed COPY durable at COMMIT (LadybugDB 0.19.1, measured: the transaction rewrite's
 * CREATE + COPY + DROP + RENAME, committed, then kill -9 before the checkpoint: the table reopens
 * with 0 rows while the history row survives; Kuzu 0.11.3 keeps the rows). There the default
 * rewrite builds a fresh file, which is closed (checkpointed) and verified before the swap;
 * `--strategy transaction` still works when asked for.
 */
export function defaultRewriteStrategy(capabilities: PlanningCapabilities = KUZU_PLANNING_CAPABILITIES): RewriteStrategy {
  return capabilities.durableCommittedCopy ? DEFAULT_REWRITE_STRATEGY : 'export';
}

/**
 * Which phase of apply a step belongs to. `drop_indexes` runs before the transaction and
 * `create_indexes` after its commit, each statement on its own (Kuzu refuses index DDL inside a
 * transaction), and only ever on a private copy of the database (see PrivateCopy).
 */
export type { StepPhase };

/**
 * Why and how an apply works on a private copy of the database instead of the live file: index
 * DDL cannot be part of a transaction, and a macro cannot be dropped. The copy is a byte copy of
 * the checkpointed file (`copy`) or the export strategy's fresh file (`export`); it is swapped in
 * only after everything on it, indexes included, is verified.
 */
export interface PrivateCopy {
  method: 'copy' | 'export';
  reason: string;
  /** Live macros the fresh database is built without (drop_macro, replace_macro). */
  omit_macros: string[];
}

export interface Step {
  /** 1-based position; apply runs steps in this order. */
  id: number;
  phase: StepPhase;
  /** One Cypher statement (apply sends one statement per call). */
  statement: string;
  /** What the step does, for the reviewer. */
  comment: string;
  /** Indexes into `changes` of the changes this step carries out. */
  changes: number[];
  /**
   * Set on the step that restarts a rebuilt table's SERIAL sequence: its statement holds
   * `{next}`, which apply replaces at run time by the value after both the old sequence's position
   * and the largest copied value (COPY never advances a sequence, kuzu-notes §4).
   */
  resume_sequence?: { table: string; property: string; live_table: string; live_property: string | null };
  /**
   * Set on the step that recreates a standalone sequence (alter_sequence): `{position}` in the
   * statement becomes the sequence's last value when it was used (apply then consumes it with one
   * nextval, as Kuzu's EXPORT does), else `start`.
   */
  restore_sequence?: { sequence: string; start: string };
  /** Set on index steps: the index the step creates or drops (for verification after the swap). */
  index?: { table: string; name: string; type: Index['type'] };
}

export interface PlanSummary {
  create: number;
  update: number;
  delete: number;
  replace: number;
  destructive: number;
  total: number;
}

export interface PlanDocument {
  format_version: number;
  tool: { name: 'kuzu-migrate'; version: string };
  /** Release of the engine that planned it (the configured engine's, LadybugDB's too: the name is historical). */
  kuzu_version: string;
  /** The configured engine (`engine:` in the YAML). Absent in plans written before it existed: kuzu. */
  engine?: EngineKind;
  created_at: string;
  /** The declared target version (`version:` in the YAML). */
  version: string;
  environment: string | null;
  database: string;
  /** False when the database does not exist yet; apply creates it. */
  database_exists: boolean;
  live_fingerprint: string;
  desired_fingerprint: string;
  strategy: Strategy;
  /** Set when strategy is `rewrite`. */
  rewrite_strategy: RewriteStrategy | null;
  /** Set when the apply must run on a private copy (index DDL, macro drops); absent in older plans. */
  private_copy?: PrivateCopy | null;
  /** Why this strategy. */
  strategy_reason: string;
  changes: Change[];
  /** Tables rebuilt by a rewrite (desired names), including rel tables rebuilt because an endpoint is. */
  rebuilt_tables: string[];
  steps: Step[];
  warnings: string[];
  summary: PlanSummary;
  /** The desired schema in full, so a saved plan can be applied without the YAML (snake_case keys). */
  desired_schema: PlanSchema;
  /**
   * What planning found that apply would refuse or fail on (severity error), or that a person
   * should look at (core/findings.ts). Filled by planning with pre-checks (plan, apply).
   */
  findings?: Finding[];
  /** Lint findings (docs/lint.md), set by planning; absent in plans written before lint existed. Explains only. */
  lint?: LintReport;
  /**
   * The declared queries (`queries:`, core/queries.ts) with the tables each reads and those of them
   * the plan touches; absent when none are declared. Explains only: apply times every declared
   * query before and after the change, touched or not.
   */
  queries?: PlanQuery[];
}

export interface PlanInput {
  live: Schema;
  desired: Schema;
  changes: Change[];
  warnings: string[];
  databaseExists: boolean;
  meta: { toolVersion: string; kuzuVersion: string; engine?: EngineKind; version: string; environment: string | null; database: string; now?: Date };
  /** The rewrite strategy asked for; default: defaultRewriteStrategy(capabilities). */
  rewriteStrategy?: RewriteStrategy;
  /** The configured engine's capability flags; default: the bundled Kuzu's. */
  capabilities?: PlanningCapabilities;
}

/** The plan's desired schema as the model (the JSON spells its keys in snake_case). */
export function desiredSchemaOf(plan: Pick<PlanDocument, 'desired_schema'>): Schema {
  return fromPlanSchema(plan.desired_schema);
}

export function summarize(changes: Change[]): PlanSummary {
  const count = (a: Action) => changes.filter((c) => c.action === a).length;
  return {
    create: count('create'),
    update: count('update'),
    delete: count('delete'),
    replace: count('replace'),
    destructive: changes.filter((c) => c.destructive).length,
    total: changes.length,
  };
}

export function buildPlan(input: PlanInput): PlanDocument {
  const { live, desired, changes } = input;
  const rebuilt = rebuiltTables(live, desired, changes);
  const strategy: Strategy = changes.length === 0 ? 'none' : rebuilt.size === 0 ? 'in_place' : 'rewrite';
  const rewriteStrategy = strategy === 'rewrite' ? (input.rewriteStrategy ?? defaultRewriteStrategy(input.capabilities)) : null;
  const steps = buildSteps(live, desired, changes, rebuilt);
  const privateCopy = privateCopyFor(changes, steps, rewriteStrategy);
  const strategyReason =
    strategy === 'none'
      ? 'the live database matches the declaration'
      : strategy === 'in_place'
        ? privateCopy
          ? 'every change besides the index statements can be made in place, in one transaction'
          : 'every change can be made in place, in one transaction on a private copy of the database that is verified and then swapped in'
        : `${[...new Set(changes.filter((c) => !c.in_place).map((c) => c.kind))].join(', ')} cannot be done in place; ` +
          (rewriteStrategy === 'transaction'
            ? 'the affected tables are rebuilt inside one transaction (engine to engine, no value passes through a file) on a private copy of the database that is verified and then swapped in'
            : 'the database is exported, rebuilt in a fresh file, verified and swapped in');
  return {
    format_version: PLAN_FORMAT_VERSION,
    tool: { name: 'kuzu-migrate', version: input.meta.toolVersion },
    kuzu_version: input.meta.kuzuVersion,
    engine: input.meta.engine ?? 'kuzu',
    created_at: (input.meta.now ?? new Date()).toISOString(),
    version: input.meta.version,
    environment: input.meta.environment,
    database: input.meta.database,
    database_exists: input.databaseExists,
    live_fingerprint: schemaFingerprint(live),
    desired_fingerprint: schemaFingerprint(desired),
    strategy,
    rewrite_strategy: rewriteStrategy,
    private_copy: privateCopy,
    strategy_reason: strategyReason,
    changes,
    rebuilt_tables: [...rebuilt].sort(),
    steps,
    warnings: input.warnings,
    summary: summarize(changes),
    desired_schema: toPlanSchema(desired),
  };
}

/**
 * Desired tables that a rewrite rebuilds: those with a change Kuzu cannot make in place, and every
 * rel table attached to a rebuilt node table (a node table cannot be dropped while a rel table
 * points at it, and a PK change changes the keys the rel table is loaded by).
 */
/**
 * Whether the plan must run on a private copy, and which: steps outside the transaction (index
 * DDL) or macros to leave out. The export strategy's fresh file when macros go (it is built from
 * scratch) or the export strategy was chosen anyway; else a byte copy of the checkpointed file,
 * which costs one file copy instead of an export and a load (docs/kuzu-notes.md §8).
 */
export function privateCopyFor(changes: Change[], steps: Array<Pick<Step, 'phase'>>, rewriteStrategy: RewriteStrategy | null): PrivateCopy | null {
  const indexSteps = steps.filter((s) => s.phase === 'drop_indexes' || s.phase === 'create_indexes').length;
  const omit = changes.filter((c) => c.kind === 'drop_macro' || c.kind === 'replace_macro').map((c) => c.object ?? c.table);
  if (indexSteps === 0 && omit.length === 0) return null;
  const why: string[] = [];
  if (indexSteps) why.push(`${indexSteps} index statement${indexSteps === 1 ? '' : 's'} cannot run inside a transaction (Kuzu refuses CREATE_FTS_INDEX, CREATE_VECTOR_INDEX and DROP_FTS_INDEX there)`);
  if (omit.length) why.push(`Kuzu has no DROP MACRO, so ${omit.join(', ')} can only go by building a fresh database without ${omit.length === 1 ? 'it' : 'them'}`);
  const method = omit.length || rewriteStrategy === 'export' ? 'export' : 'copy';
  return {
    method,
    reason: `${why.join('; ')}; so everything runs on ${method === 'copy' ? 'a byte copy of the checkpointed database' : 'a fresh database loaded from an export'}, which is verified (indexes answering queries included) and then swapped in; the live file is untouched until then`,
    omit_macros: omit,
  };
}

/**
 * Measured on 0.11.3: `CALL DROP_VECTOR_INDEX` drops only part of the index (it reports
 * "Table _0_<index>_LOWER has been dropped"); afterwards an index of that name cannot be created
 * again on the table ("Index with name ... already exists", also after CHECKPOINT and reopening),
 * and another CREATE_VECTOR_INDEX on it fails half way ("_0_<index>_UPPER does not exist in
 * catalog") while SHOW_INDEXES lists the new index. Dropping the whole table clears it. So a
 * vector index that goes or changes takes its table with it: the table is rebuilt.
 */
export const VECTOR_DROP_REASON =
  'Kuzu 0.11.3 cannot drop a vector index cleanly (DROP_VECTOR_INDEX leaves catalog entries behind, so the index could not be built again), so its table is rebuilt and the index dropped with the old table';

/** Whether a drop_index/alter_index change is about a vector index (read from the live side). */
export function isVectorIndexChange(live: Schema, desired: Schema, c: Change): boolean {
  const liveName = liveSource(live, findDesired(desired, c.table) ?? ({ kind: 'node', name: c.table } as Table))?.name ?? c.table;
  return (live.indexes ?? []).some((i) => i.type === 'vector' && sameName(i.name, c.object ?? '') && (sameName(i.table, liveName) || sameName(i.table, c.table)));
}

export function rebuiltTables(live: Schema, desired: Schema, changes: Change[]): Set<string> {
  const out = new Set<string>();
  for (const c of changes) {
    if (!c.in_place && !isCatalogObjectChange(c.kind) && findDesired(desired, c.table)) out.add(c.table);
    // A vector index is never dropped on a table that stays: see VECTOR_DROP_REASON.
    if ((c.kind === 'drop_index' || c.kind === 'alter_index') && findDesired(desired, c.table) && isVectorIndexChange(live, desired, c)) out.add(findDesired(desired, c.table)!.name);
  }
  for (const rel of desired.rels) {
    if (!liveSource(live, rel)) continue; // new rel tables are simply created
    if (rel.connections.some((conn) => [...out].some((n) => sameName(n, conn.from) || sameName(n, conn.to)))) out.add(rel.name);
  }
  return out;
}

function findDesired(desired: Schema, name: string): Table | undefined {
  return allTables(desired).find((t) => sameName(t.name, name));
}

/** The live table a desired table is built from: same name, or its renamed_from. */
export function liveSource(live: Schema, d: Table): Table | undefined {
  const tables = allTables(live).filter((t) => t.kind === d.kind);
  return tables.find((t) => sameName(t.name, d.name)) ?? (d.renamedFrom ? tables.find((t) => sameName(t.name, d.renamedFrom!)) : undefined);
}

/** The live property a desired property is computed from, if any. */
export function liveProperty(l: Table, p: Property): Property | undefined {
  return l.properties.find((x) => sameName(x.name, p.name)) ?? (p.renamedFrom ? l.properties.find((x) => sameName(x.name, p.renamedFrom!)) : undefined);
}

/** Expression computing desired property `p` from the old row bound to `v`; null when it has no source (gets its default). */
export function projection(l: Table, p: Property, v: 'n' | 'r' | 'a' | 'b'): string | null {
  // `using` is written over `n` (nodes) or `r` (rels), the variables every projection binds.
  if (p.using) return p.using;
  const lp = liveProperty(l, p);
  // A new property with a non-constant default (gen_random_uuid(), current_timestamp()) is computed
  // per row in the copy; left out, a constant default is filled by COPY itself.
  // Except nextval: inside COPY … FROM (MATCH … RETURN nextval('s')) Kuzu evaluates it once per
  // vector (5,000 rows got 3 distinct values, measured on 0.11.3), while a column COPY leaves out
  // is filled per row by its default (5,000 distinct), so a sequence default is left to COPY.
  if (!lp) return isNonConstantDefault(p.default) && !callsNextval(p.default) ? p.default : null;
  const ref = `${v}.${quoteIdent(lp.name)}`;
  return lp.type === p.type ? ref : castExpression(ref, lp.type, p.type);
}

export function stagingName(table: string): string {
  return `${STAGING_PREFIX}new_${table}`;
}

/**
 * Where the sequence behind SERIAL property `property` of `table` can be. Kuzu names it
 * `<table>_<property>_serial` when the table is created and keeps that name through a table
 * rename, while DROP TABLE looks for the name derived from the table's current name (measured on
 * 0.11.3). A table kuzu-migrate rebuilt therefore runs on its staging table's sequence.
 */
export function serialSequenceCandidates(table: string, property: string): string[] {
  return [`${table}_${property}_serial`, `${stagingName(table)}_${property}_serial`];
}

function serialProps(t: Table): Property[] {
  return t.properties.filter((p) => p.type === 'SERIAL');
}

/** Before DROP TABLE of a table with SERIAL properties: the sequence DROP TABLE looks for must exist. */
function dropGuards(t: Table): string[] {
  return serialProps(t).map((p) => `CREATE SEQUENCE IF NOT EXISTS ${quoteIdent(`${t.name}_${p.name}_serial`)}`);
}

/** Steps in execution order; see the phase comments for why that order. */
function buildSteps(live: Schema, desired: Schema, changes: Change[], rebuilt: Set<string>): Step[] {
  const steps: Omit<Step, 'id'>[] = [];
  const isRebuilt = (name: string) => [...rebuilt].some((r) => sameName(r, name));
  const idx = (c: Change) => changes.indexOf(c);
  const of = (kind: Change['kind'], filter: (c: Change) => boolean = () => true) =>
    changes.filter((c) => c.kind === kind && !isRebuilt(c.table) && filter(c));
  const add = (phase: StepPhase, statement: string, comment: string, cs: Change[]) =>
    steps.push({ phase, statement, comment, changes: cs.map(idx) });
  const desiredTable = (name: string) => findDesired(desired, name)!;

  // Phase 0, before the transaction: indexes that go, change, or sit on a table being rebuilt
  // (Kuzu refuses to drop a table an index references). Live names: nothing is renamed yet.
  const idxStep = (phase: StepPhase, statement: string, comment: string, cs: Change[], i: Index) =>
    steps.push({ phase, statement, comment, changes: cs.map(idx), index: { table: i.table, name: i.name, type: i.type } });
  const liveIndex = (c: Change) => (live.indexes ?? []).find((i) => sameName(i.name, c.object!) && (sameName(i.table, c.table) || sameName(liveTableName(live, desired, c.table) ?? '', i.table)));
  const desiredIndex = (c: Change) => (desired.indexes ?? []).find((i) => sameName(i.name, c.object!) && sameName(i.table, c.table));
  const dropped = new Set<Index>();
  for (const c of changes.filter((c) => c.kind === 'drop_index' || c.kind === 'alter_index')) {
    const i = liveIndex(c);
    if (!i) continue;
    dropped.add(i);
    idxStep('drop_indexes', ddl.dropIndex(i), `drop index ${i.name} on ${i.table}${c.kind === 'alter_index' ? ' (built again with the new definition after the transaction)' : ''}`, [c], i);
  }
  const recreate: Index[] = [];
  for (const name of rebuilt) {
    const d = findDesired(desired, name);
    const l = d && liveSource(live, d);
    if (!l || l.kind !== 'node') continue;
    for (const i of indexesOn(live, l.name)) {
      if (dropped.has(i)) continue;
      idxStep('drop_indexes', ddl.dropIndex(i), `drop index ${i.name} on ${i.table} while ${name} is rebuilt (recreated after the transaction)`, changes.filter((c) => sameName(c.table, name)), i);
      const again = indexesOn(desired, name).find((x) => sameName(x.name, i.name));
      if (again) recreate.push(again);
    }
  }
  // Sequences and macros first: a new table's default may call them.
  const seqOf = (c: Change) => (desired.sequences ?? []).find((q) => sameName(q.name, c.table))!;
  for (const c of changes.filter((c) => c.kind === 'create_sequence')) add('in_place', ddl.createSequence(seqOf(c)), `create sequence ${c.table}`, [c]);
  for (const c of changes.filter((c) => c.kind === 'alter_sequence')) {
    const q = seqOf(c);
    add('in_place', ddl.dropSequence(q.name), `drop sequence ${q.name} to create it again with the declared options`, [c]);
    steps.push({
      phase: 'in_place',
      statement: ddl.createSequence(q, '{position}'),
      comment: `create sequence ${q.name} again: START is its last value when it was used (then consumed with one nextval, so it continues after it), else ${q.start}`,
      changes: [idx(c)],
      restore_sequence: { sequence: q.name, start: q.start },
    });
  }
  const macroOf = (c: Change) => (desired.macros ?? []).find((m) => sameName(m.name, c.table))!;
  for (const c of changes.filter((c) => c.kind === 'create_macro' || c.kind === 'replace_macro')) {
    add('in_place', ddl.createMacro(macroOf(c)), c.kind === 'create_macro' ? `create macro ${c.table}` : `create macro ${c.table} with its new definition (the fresh database is built without the old one)`, [c]);
  }

  // Phase 1, in place. Renames first so later statements use the new names; drops of connections
  // and rel tables before node tables (a node table cannot be dropped while a rel points at it).
  for (const c of of('rename_table')) add('in_place', ddl.renameTable(String(c.from), c.table), `rename table ${c.from} to ${c.table}`, [c]);
  for (const c of of('rename_property')) add('in_place', ddl.renameProperty(c.table, String(c.from), c.property!), `rename ${c.table}.${c.from} to ${c.property}`, [c]);
  for (const c of of('drop_connection')) {
    const conn = c.from as { from: string; to: string };
    add('in_place', ddl.dropConnection(c.table, conn), `drop connection ${conn.from} → ${conn.to} of ${c.table} (deletes its relationships)`, [c]);
  }
  for (const c of of('drop_table', (c) => c.table_kind === 'rel')) add('in_place', ddl.dropTable(c.table), `drop rel table ${c.table}`, [c]);
  for (const c of of('drop_property')) add('in_place', ddl.dropProperty(c.table, c.property!), `drop ${c.table}.${c.property}`, [c]);
  for (const c of of('create_node_table')) {
    const t = desiredTable(c.table) as NodeTable;
    add('in_place', ddl.createNodeTable(t), `create node table ${c.table}`, [c]);
    if (t.comment) add('in_place', ddl.commentOnTable(t.name, t.comment), `set the comment of ${c.table}`, [c]);
  }
  for (const c of of('add_property')) {
    const t = desiredTable(c.table);
    const p = t.properties.find((x) => sameName(x.name, c.property!))!;
    add('in_place', ddl.addProperty(c.table, p), `add ${c.table}.${c.property} ${p.type}`, [c]);
    // A function default (gen_random_uuid(), current_timestamp()) added by ALTER gives every old row
    // the same value (kuzu#3604); `using` computes from the row. Both are set per row.
    const fill = p.using ?? (p.default !== null && /\(/.test(p.default) ? p.default : null);
    if (fill) add('in_place', ddl.backfillProperty(t, p.name, fill), `fill ${c.table}.${c.property} for existing rows`, [c]);
  }

  // Phase 2, rebuild: staging tables built from the old ones (renames, casts and defaults in the
  // projection), then old tables dropped and staging tables renamed into place.
  const rebuiltNodes = desired.nodes.filter((t) => isRebuilt(t.name));
  const rebuiltRels = desired.rels.filter((t) => isRebuilt(t.name));
  const tableChanges = (name: string) => changes.filter((c) => sameName(c.table, name));
  const endpoint = (n: string) => (isRebuilt(n) ? stagingName(n) : n);
  for (const t of rebuiltNodes) {
    // The staging table's SERIAL sequence name may still be held by the table being replaced.
    for (const p of serialProps(t)) {
      add('rebuild', `DROP SEQUENCE IF EXISTS ${quoteIdent(`${stagingName(t.name)}_${p.name}_serial`)}`, `free the sequence name for ${t.name}.${p.name}`, tableChanges(t.name));
    }
    add('rebuild', ddl.createNodeTable(t, stagingName(t.name)), `create staging table for ${t.name}`, tableChanges(t.name));
  }
  for (const t of rebuiltRels) {
    add('rebuild', ddl.createRelTable(t, stagingName(t.name), endpoint), `create staging table for ${t.name}`, tableChanges(t.name));
  }
  for (const t of rebuiltNodes) {
    const l = liveSource(live, t)!;
    const cols = t.properties.map((p) => ({ p, expr: projection(l, p, 'n') })).filter((x) => x.expr !== null);
    add(
      'rebuild',
      `COPY ${quoteIdent(stagingName(t.name))} (${cols.map((x) => quoteIdent(x.p.name)).join(', ')}) FROM (MATCH (n:${quoteIdent(l.name)}) RETURN ${cols.map((x) => x.expr).join(', ')})`,
      `copy ${l.name} into the staging table of ${t.name}`,
      tableChanges(t.name),
    );
    for (const p of serialProps(t)) {
      const seq = quoteIdent(`${stagingName(t.name)}_${p.name}_serial`);
      const lp = liveProperty(l, p);
      add('rebuild', `DROP SEQUENCE ${seq}`, `restart the sequence of ${t.name}.${p.name} after the copied values`, tableChanges(t.name));
      steps.push({
        phase: 'rebuild',
        statement: `CREATE SEQUENCE ${seq} START {next}`,
        comment: `continue ${t.name}.${p.name} after the old sequence and the largest copied value`,
        changes: tableChanges(t.name).map(idx),
        resume_sequence: { table: t.name, property: p.name, live_table: l.name, live_property: lp && lp.type === 'SERIAL' ? lp.name : null },
      });
    }
  }
  for (const t of rebuiltRels) {
    const l = liveSource(live, t)! as RelTable;
    const cols = t.properties.map((p) => ({ p, expr: projection(l, p, 'r') })).filter((x) => x.expr !== null);
    for (const conn of t.connections) {
      const liveFrom = liveNodeName(live, desired, conn.from);
      const liveTo = liveNodeName(live, desired, conn.to);
      if (!liveFrom || !liveTo || !l.connections.some((lc) => sameName(lc.from, liveFrom) && sameName(lc.to, liveTo))) continue; // a new pair has no rows yet
      const fromKey = nodeKeyExpression(live, desired, conn.from, 'a');
      const toKey = nodeKeyExpression(live, desired, conn.to, 'b');
      const options = t.connections.length > 1 ? ` (from=${cypherString(endpoint(conn.from))}, to=${cypherString(endpoint(conn.to))})` : '';
      add(
        'rebuild',
        `COPY ${quoteIdent(stagingName(t.name))} FROM (MATCH (a:${quoteIdent(liveFrom)})-[r:${quoteIdent(l.name)}]->(b:${quoteIdent(liveTo)}) RETURN ${[fromKey, toKey, ...cols.map((x) => x.expr)].join(', ')})${options}`,
        `copy ${l.name} (${liveFrom} → ${liveTo}) into the staging table of ${t.name}`,
        tableChanges(t.name),
      );
    }
  }
  for (const t of rebuiltRels) add('rebuild', ddl.dropTable(liveSource(live, t)!.name), `drop the old ${t.name}`, tableChanges(t.name));
  for (const t of rebuiltNodes) {
    const l = liveSource(live, t)!;
    for (const g of dropGuards(l)) add('rebuild', g, `make sure DROP TABLE finds the sequence of the old ${t.name}`, tableChanges(t.name));
    add('rebuild', ddl.dropTable(l.name), `drop the old ${t.name}`, tableChanges(t.name));
  }
  for (const t of [...rebuiltNodes, ...rebuiltRels]) {
    add('rebuild', ddl.renameTable(stagingName(t.name), t.name), `move the staging table into place as ${t.name}`, tableChanges(t.name));
    if (t.comment) add('rebuild', ddl.commentOnTable(t.name, t.comment), `restore the comment of ${t.name}`, tableChanges(t.name));
  }

  // Phase 3: what needs every node table in place: new rel tables and connections, then node drops.
  for (const c of of('create_rel_table')) {
    const t = desiredTable(c.table) as RelTable;
    add('finish', ddl.createRelTable(t), `create rel table ${c.table}`, [c]);
    if (t.comment) add('finish', ddl.commentOnTable(t.name, t.comment), `set the comment of ${c.table}`, [c]);
  }
  for (const c of of('add_connection')) {
    const conn = c.to as { from: string; to: string };
    add('finish', ddl.addConnection(c.table, conn), `add connection ${conn.from} → ${conn.to} to ${c.table}`, [c]);
  }
  for (const c of of('set_table_comment')) add('finish', ddl.commentOnTable(c.table, String(c.to ?? '')), `set the comment of ${c.table}`, [c]);
  for (const c of of('drop_table', (c) => c.table_kind === 'node')) {
    const l = live.nodes.find((t) => sameName(t.name, c.table));
    for (const g of l ? dropGuards(l) : []) add('finish', g, `make sure DROP TABLE finds the sequence of ${c.table}`, [c]);
    add('finish', ddl.dropTable(c.table), `drop node table ${c.table}`, [c]);
  }
  for (const c of changes.filter((c) => c.kind === 'drop_sequence')) add('finish', ddl.dropSequence(c.table), `drop sequence ${c.table}`, [c]);

  // Phase 4, after the commit, each on its own: indexes built (after the data, on final names).
  for (const i of recreate) idxStep('create_indexes', ddl.createIndex(i), `build index ${i.name} on ${i.table} again on the rebuilt table`, changes.filter((c) => sameName(c.table, i.table)), i);
  for (const c of changes.filter((c) => c.kind === 'create_index' || c.kind === 'alter_index')) {
    const i = desiredIndex(c)!;
    idxStep('create_indexes', ddl.createIndex(i), `${c.kind === 'create_index' ? 'build' : 'build again'} ${i.type} index ${i.name} on ${i.table}`, [c], i);
  }
  return steps.map((s, i) => ({ id: i + 1, ...s }));
}


/** The live name of the table that desired table `name` is built from (renamed_from followed). */
function liveTableName(live: Schema, desired: Schema, name: string): string | undefined {
  const d = findDesired(desired, name);
  return d ? liveSource(live, d)?.name : undefined;
}

/** The live name of the node table that desired node `name` is built from. */
export function liveNodeName(live: Schema, desired: Schema, name: string): string | undefined {
  const d = desired.nodes.find((t) => sameName(t.name, name));
  return d ? liveSource(live, d)?.name : undefined;
}

/** Expression for the desired primary key of node `name`, computed from its live row bound to `v`. */
export function nodeKeyExpression(live: Schema, desired: Schema, name: string, v: string): string {
  const d = desired.nodes.find((t) => sameName(t.name, name))!;
  const l = liveSource(live, d)!;
  const pk = d.properties.find((p) => sameName(p.name, d.primaryKey))!;
  // Projections are written over `n`; the rel copy binds the endpoints as `a` and `b`.
  const expr = projection(l, pk, 'n');
  return expr ? expr.replace(/\bn\./g, `${v}.`) : `${v}.${quoteIdent(pk.name)}`;
}

/**
 * The plan: a versioned JSON document (schemas/plan.schema.json) that says what changes, how
 * (in place or by rewrite, and which rewrite strategy), and the exact statements. Text and Markdown
 * are rendered from it, so a reviewer reads what apply will run.
 */
import { Action, Change } from './changes';
import * as ddl from './ddl';
import { castExpression } from './types';
import { cypherString, quoteIdent, STAGING_PREFIX } from './identifiers';
import { NodeTable, Property, RelTable, Schema, Table, allTables, sameName, schemaFingerprint } from './model';
import { EngineKind, KUZU_PLANNING_CAPABILITIES, PlanningCapabilities } from './engine';
import { fromPlanSchema, PlanSchema, toPlanSchema } from './plan-document';
import type { Finding } from './findings';

/**
 * The plan JSON's format. 2: snake_case throughout (format 1 had camelCase keys in desired_schema);
 * apply refuses a plan of another format, asking to plan again (core/plan-document.ts).
 */
export const PLAN_FORMAT_VERSION = 2;

export type Strategy = 'none' | 'in_place' | 'rewrite';
/** How a rewrite runs: inside one Kuzu transaction, or by export → fresh database → swap. */
export type RewriteStrategy = 'transaction' | 'export';
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

/** Which phase of apply a step belongs to. */
export type StepPhase = 'in_place' | 'rebuild' | 'finish';

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
  const strategyReason =
    strategy === 'none'
      ? 'the live database matches the declaration'
      : strategy === 'in_place'
        ? 'every change can be made in place, in one transaction'
        : `${[...new Set(changes.filter((c) => !c.in_place).map((c) => c.kind))].join(', ')} cannot be done in place; ` +
          (rewriteStrategy === 'transaction'
            ? 'the affected tables are rebuilt inside one transaction (engine to engine, no value passes through a file)'
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
    strategy_reason: strategyReason,
    changes,
    rebuilt_tables: [...rebuilt].sort(),
    steps: buildSteps(live, desired, changes, rebuilt),
    warnings: input.warnings,
    summary: summarize(changes),
    desired_schema: toPlanSchema(desired),
    findings: [],
  };
}

/**
 * Desired tables that a rewrite rebuilds: those with a change Kuzu cannot make in place, and every
 * rel table attached to a rebuilt node table (a node table cannot be dropped while a rel table
 * points at it, and a PK change changes the keys the rel table is loaded by).
 */
export function rebuiltTables(live: Schema, desired: Schema, changes: Change[]): Set<string> {
  const out = new Set<string>();
  for (const c of changes) {
    if (!c.in_place && findDesired(desired, c.table)) out.add(c.table);
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
  if (!lp) return null;
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
  return steps.map((s, i) => ({ id: i + 1, ...s }));
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

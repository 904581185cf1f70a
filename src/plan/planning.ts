/**
 * Planning as a library call: introspect the live database (read-only), diff against the declared
 * schema, count the rows destructive changes touch, and build the plan document.
 */
import { Change } from '../core/changes';
import { diffSchemas } from '../core/diff';
import { Schema, findTable, sameName } from '../core/model';
import { buildPlan, liveProperty, liveSource, PlanDocument, RewriteStrategy } from '../core/plan';
import { ResolvedConfig } from '../config/config';
import { configuredEngine, engineKind, kuzuVersion } from '../kuzu/engine';
import { countEdges, countNonNull, countRows, LiveSchema, readLive } from '../kuzu/introspect';

export { readLive };
import { TOOL_VERSION } from '../version';
import { describeJournal, readJournal } from '../state/journal';
import { readHistory } from '../state/history';
import { precheck, PrecheckOptions } from './precheck';
import { sortFindings } from '../core/findings';
import type { QueryRunner } from '../engines/runner';
import { analyzePlan } from '../core/lint/analyze';
import { queriesTouched } from '../core/queries';
import { withoutUnmanaged } from '../core/lint/protection';
import { gatherFacts } from './lint-facts';
import { lintContext } from '../lint/context';

export interface PlanOptions {
  rewriteStrategy?: RewriteStrategy;
  /** Count the rows destructive changes touch (count queries inside Kuzu). Default true. */
  countRows?: boolean;
  /**
   * Run lint's count queries (rebuilt rows, failing casts, multiplicity violations). Default true;
   * apply turns it off: its pre-check counts failing casts itself, and a rewrite should not scan twice.
   */
  lintCounts?: boolean;
  now?: Date;
  /**
   * Run the pre-checks (plan/precheck.ts) and fill `findings`: what apply would refuse or fail
   * on. Plan and apply ask for them; drift does not.
   */
  precheck?: PrecheckOptions;
}

/**
 * Storage direction of a rel table without properties cannot be read (table_info returns no row);
 * take the declared value there rather than report drift nobody can confirm.
 */
export function adoptUnknownStorageDirections(live: LiveSchema, desired: Schema): string[] {
  const warnings: string[] = [];
  for (const name of live.unknownStorageDirection) {
    const l = live.schema.rels.find((r) => r.name === name)!;
    const d = desired.rels.find((r) => sameName(r.name, name));
    if (d && d.storageDirection !== l.storageDirection) {
      l.storageDirection = d.storageDirection;
      warnings.push(`storage_direction of ${name} cannot be read (it has no properties); assumed ${d.storageDirection} as declared`);
    }
  }
  return warnings;
}

/**
 * Fills `rows_affected` of destructive changes with count queries run inside Kuzu. Changes name
 * tables and properties as declared; the rows are counted on the live table and property they
 * come from (renamed_from followed), or on the live table itself for drops.
 */
export async function annotateRowCounts(engine: QueryRunner, live: Schema, desired: Schema, changes: Change[]): Promise<void> {
  for (const c of changes) {
    if (!c.destructive) continue;
    const d = findTable(desired, c.table);
    const table = (d && liveSource(live, d)) ?? findTable(live, c.table);
    if (!table) continue;
    if (c.kind === 'drop_property' || c.kind === 'alter_property_type') {
      const p = d?.properties.find((x) => sameName(x.name, c.property!));
      const liveProp = c.kind === 'alter_property_type' && p ? liveProperty(table, p)?.name : c.property!;
      if (liveProp && table.properties.some((x) => sameName(x.name, liveProp))) c.rows_affected = await countNonNull(engine, table, liveProp);
    } else if (c.kind === 'drop_connection') {
      const conn = c.from as { from: string; to: string };
      const exists = (n: string) => live.nodes.some((t) => sameName(t.name, n));
      // The diff names endpoints by their desired names; count by label when they exist live.
      c.rows_affected = exists(conn.from) && exists(conn.to) ? await countEdges(engine, table.name, conn.from, conn.to) : await countRows(engine, table);
    } else {
      c.rows_affected = await countRows(engine, table);
    }
  }
}

/**
 * The one planning path, for plan, drift and apply: the live schema as read (storage directions
 * nobody can read taken as declared), diffed against `desired`, destructive changes counted through
 * the same read-only handle, and the plan document built.
 */
export async function planLive(live: LiveSchema, engine: QueryRunner | null, config: ResolvedConfig, desired: Schema, options: PlanOptions = {}): Promise<PlanDocument> {
  const warnings = [...live.warnings, ...adoptUnknownStorageDirections(live, desired)];
  const interrupted = readJournal(config.database);
  if (interrupted) {
    warnings.push(`${describeJournal(interrupted)} was interrupted; run \`kuzu-migrate recover\` (apply, rollback and upgrade also settle it first)`);
  }
  // Tables `unmanaged:` names are not kuzu-migrate's: the diff never sees them, so never drops or alters them.
  const managed = withoutUnmanaged(live.schema, config.unmanaged ?? []);
  if (managed.ignored.length) warnings.push(`unmanaged (left alone): ${managed.ignored.join(', ')}`);
  const diff = diffSchemas(managed.schema, desired);
  const counting = engine !== null && options.countRows !== false;
  if (counting) await annotateRowCounts(engine, managed.schema, desired, diff.changes);
  const plan = buildPlan({
    live: managed.schema,
    desired,
    changes: diff.changes,
    warnings: [...warnings, ...diff.warnings],
    databaseExists: live.exists,
    rewriteStrategy: options.rewriteStrategy,
    capabilities: configuredEngine().capabilities,
    meta: {
      toolVersion: TOOL_VERSION,
      kuzuVersion: kuzuVersion(),
      engine: engineKind(),
      version: config.version,
      environment: config.environment,
      database: config.database,
      now: options.now,
    },
  });
  const facts = counting ? await gatherFacts(engine, config.database, managed.schema, plan, { counts: options.lintCounts !== false }) : undefined;
  plan.lint = analyzePlan(plan, lintContext(config, facts));
  if (config.queries?.length) plan.queries = queriesTouched(config.queries, plan.changes, plan.rebuilt_tables);
  if (options.precheck) {
    const history = options.precheck.history ?? (engine ? await readHistory(engine) : []);
    plan.findings = sortFindings(await precheck(engine, managed.schema, plan, config, { ...options.precheck, history }));
  }
  return plan;
}

/** Plans the migration of `config.database` to the declared schema. Opens the database read-only. */
export async function planMigration(config: ResolvedConfig, options: PlanOptions = {}): Promise<PlanDocument> {
  return readLive(config.database, (live, engine) => planLive(live, engine, config, config.schema, options));
}

/**
 * Planning as a library call: introspect the live database (read-only), diff against the declared
 * schema, count the rows destructive changes touch, and build the plan document.
 */
import { Change } from '../core/changes';
import { diffSchemas } from '../core/diff';
import { Schema, sameName } from '../core/model';
import { buildPlan, PlanDocument, RewriteStrategy } from '../core/plan';
import { ResolvedConfig } from '../config/config';
import { engineKind, KuzuEngine, kuzuVersion, withEngine } from '../kuzu/engine';
import { countEdges, countNonNull, countRows, introspect, LiveSchema } from '../kuzu/introspect';
import * as fs from 'node:fs';
import { TOOL_VERSION } from '../version';
import { readJournal } from '../apply/journal';

export interface PlanOptions {
  rewriteStrategy?: RewriteStrategy;
  /** Count the rows destructive changes touch (count queries inside Kuzu). Default true. */
  countRows?: boolean;
  now?: Date;
}

/**
 * Storage direction of a rel table without properties cannot be read (table_info returns no row);
 * take the declared value there rather than report drift nobody can confirm.
 */
function adoptUnknownStorageDirections(live: LiveSchema, desired: Schema): string[] {
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

/** Fills `rows_affected` of destructive changes with count queries run inside Kuzu. */
export async function annotateRowCounts(engine: KuzuEngine, live: Schema, changes: Change[]): Promise<void> {
  for (const c of changes) {
    if (!c.destructive) continue;
    const table = [...live.nodes, ...live.rels].find((t) => sameName(t.name, c.kind === 'rename_table' ? String(c.from) : c.table))
      ?? [...live.nodes, ...live.rels].find((t) => sameName(t.name, c.table));
    if (!table) continue;
    if (c.kind === 'drop_property' || c.kind === 'alter_property_type') {
      const liveProp = c.kind === 'drop_property' ? c.property! : table.properties.find((p) => p.type === c.from && sameName(p.name, c.property!))?.name ?? c.property!;
      if (table.properties.some((p) => sameName(p.name, liveProp))) c.rows_affected = await countNonNull(engine, table, liveProp);
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

/** Reads the live schema of `dbPath` (empty when the file does not exist) and, optionally, row counts. */
export async function readLive<T>(dbPath: string, fn: (live: LiveSchema, engine: KuzuEngine | null) => Promise<T>): Promise<T> {
  if (!fs.existsSync(dbPath)) {
    return fn({ schema: { nodes: [], rels: [] }, exists: false, unknownStorageDirection: [], warnings: [] }, null);
  }
  return withEngine(dbPath, { readOnly: true }, async (engine) => fn(await introspect(engine), engine));
}

/** Plans the migration of `config.database` to the declared schema. Opens the database read-only. */
export async function planMigration(config: ResolvedConfig, options: PlanOptions = {}): Promise<PlanDocument> {
  return readLive(config.database, async (live, engine) => {
    const warnings = [...live.warnings, ...adoptUnknownStorageDirections(live, config.schema)];
    const interrupted = readJournal(config.database);
    if (interrupted) {
      warnings.push(`an apply to ${interrupted.version} (${interrupted.apply_id}) was interrupted; run \`kuzu-migrate recover\` (apply and rollback also settle it first)`);
    }
    const diff = diffSchemas(live.schema, config.schema);
    if (engine && options.countRows !== false) await annotateRowCounts(engine, live.schema, diff.changes);
    return buildPlan({
      live: live.schema,
      desired: config.schema,
      changes: diff.changes,
      warnings: [...warnings, ...diff.warnings],
      databaseExists: live.exists,
      rewriteStrategy: options.rewriteStrategy,
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
  });
}

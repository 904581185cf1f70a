/**
 * Pre-checks: everything apply would find out only by failing, found before anything is written.
 * `plan` reports these findings and apply refuses on the same ones (one implementation), so a green
 * plan is a green apply:
 *   - data:        type changes meeting values that cannot convert (count and sample keys);
 *                  multiplicity narrowing meeting nodes with too many relationships; a new primary
 *                  key with duplicates or NULLs — count queries on the live database, read-only
 *   - expressions: every `using:` compiled against the live table and then evaluated over its rows
 *                  (read-only: a cast inside a CASE fails at run time, not at compile time), every `default` and `checks:`
 *                  query compiled against the declared catalog built in an in-memory scratch
 *                  database — Kuzu prepares them, nothing runs (measured on 0.11.3: prepare binds
 *                  properties, functions and variables and folds constant casts)
 *   - rules:       policy and versions (core/rules.ts), and whether a missing database may be created
 */
import { Change } from '../core/changes';
import * as ddl from '../core/ddl';
import { Finding } from '../core/findings';
import { quoteIdent } from '../core/identifiers';
import { NodeTable, RelTable, Schema, Table, sameName } from '../core/model';
import { desiredSchemaOf, liveNodeName, liveProperty, liveSource, PlanDocument } from '../core/plan';
import { mergeAllowance, policyFindings, versionFindings } from '../core/rules';
import { castFailureCondition } from '../core/types';
import { ResolvedConfig } from '../config/config';
import { KuzuEngine } from '../kuzu/engine';
import type { QueryRunner } from '../engines/runner';
import { HistoryEntry } from '../state/history';

export interface PrecheckOptions {
  /** The command line's allowance (`--allow-destructive`), merged with the policy's. */
  allowDestructive?: boolean | string[];
  /** `--create`: a missing database may be created (or `create: true` in the YAML). */
  create?: boolean;
  /** `--allow-same-version`. */
  allowSameVersion?: boolean;
  /** The live database's history (oldest first); [] when it has none. */
  history?: HistoryEntry[];
  onEvent?: (phase: 'precheck', message: string) => void;
}

/**
 * Every finding for `plan` against the live schema `live`, read through `engine` (read-only; null
 * when the database does not exist). Sorted by the caller; never throws for a finding.
 */
export async function precheck(engine: QueryRunner | null, live: Schema, plan: PlanDocument, config: ResolvedConfig, options: PrecheckOptions = {}): Promise<Finding[]> {
  const out: Finding[] = [];
  const missing = missingDatabaseFinding(config, plan.database_exists, options.create);
  if (missing) out.push(missing);
  // Versions are checked even without changes: recording a lower version would be a silent downgrade.
  out.push(...versionFindings(options.history ?? [], config.version, plan.desired_fingerprint, { allowSameVersion: options.allowSameVersion }));
  if (plan.changes.length > 0) {
    out.push(...policyFindings(plan.changes, mergeAllowance(options.allowDestructive, config.policy.allowDestructive), config.environment, { allowDestructiveBelowRows: config.policy.allowDestructiveBelowRows }));
  }
  if (engine && plan.changes.length > 0) out.push(...(await dataFindings(engine, live, plan, options.onEvent)));
  out.push(...(await expressionFindings(engine, live, plan, config)));
  return out;
}

/** `database-missing` when the database does not exist and creating it was not asked for (`--create`, `create: true`). */
export function missingDatabaseFinding(config: ResolvedConfig, exists: boolean, create?: boolean): Finding | null {
  if (exists || create || config.create) return null;
  return {
    code: 'database-missing',
    severity: 'error',
    message: `database ${config.database} does not exist (${config.databaseOrigin})`,
    hint: 'check the path for a typo; to create a new database pass --create, or set create: true (for the environment) in the YAML',
  };
}

/** Type changes, multiplicity narrowing and primary-key changes checked against the live rows. */
export async function dataFindings(engine: QueryRunner, live: Schema, plan: PlanDocument, onEvent?: (p: 'precheck', m: string) => void): Promise<Finding[]> {
  const out: Finding[] = [];
  const desired = desiredSchemaOf(plan);
  const desiredTable = (name: string) => [...desired.nodes, ...desired.rels].find((t) => sameName(t.name, name));
  for (const c of plan.changes) {
    const d = desiredTable(c.table);
    const l = d && liveSource(live, d);
    if (!d || !l) continue;
    if (c.kind === 'alter_property_type' && !c.using) {
      const f = await castFinding(engine, c, d, l, onEvent);
      if (f) out.push(f);
    } else if (c.kind === 'alter_multiplicity' && d.kind === 'rel') {
      out.push(...(await multiplicityFindings(engine, live, desired, c, d, l as RelTable)));
    } else if (c.kind === 'alter_primary_key' && d.kind === 'node') {
      const f = await primaryKeyFinding(engine, c, d, l as NodeTable);
      if (f) out.push(f);
    }
  }
  return out;
}

/** Values of a type change that cannot be converted: Kuzu has no TRY_CAST, one bad value fails the COPY. */
async function castFinding(engine: QueryRunner, c: Change, d: Table, l: Table, onEvent?: (p: 'precheck', m: string) => void): Promise<Finding | null> {
  const p = d.properties.find((x) => sameName(x.name, c.property!));
  const lp = p && liveProperty(l, p);
  if (!lp) return null;
  const v = l.kind === 'node' ? 'n' : 'r';
  const cond = castFailureCondition(`${v}.${quoteIdent(lp.name)}`, String(c.from), String(c.to));
  if (cond === null) return null;
  onEvent?.('precheck', `checking ${l.name}.${lp.name} converts to ${c.to}`);
  const match = l.kind === 'node' ? `MATCH (n:${quoteIdent(l.name)})` : `MATCH (a)-[r:${quoteIdent(l.name)}]->(b)`;
  const bad = Number(await engine.scalar(`${match} WHERE ${cond} RETURN count(*)`));
  if (bad === 0) return null;
  const key = l.kind === 'node' ? `n.${quoteIdent((l as NodeTable).primaryKey)}` : `id(r)`;
  const rows = await engine.query(`${match} WHERE ${cond} RETURN CAST(${key} AS STRING) AS k, CAST(${v}.${quoteIdent(lp.name)} AS STRING) AS v LIMIT 5`);
  const samples = rows.map((s) => `${s['k']}: ${JSON.stringify(s['v'])}`);
  return {
    code: 'cast-fails',
    severity: 'error',
    message: `${bad} value${bad === 1 ? '' : 's'} of ${l.name}.${lp.name} cannot be converted from ${c.from} to ${c.to} (e.g. ${samples.join(', ')})`,
    table: c.table,
    property: c.property,
    count: bad,
    samples,
    hint: `fix those rows, or declare how to convert them with \`using:\` on ${c.table}.${c.property}`,
  };
}

/**
 * Narrowing a multiplicity (to MANY_ONE, ONE_MANY or ONE_ONE) makes Kuzu's COPY fail on the first
 * node with more than one relationship on the constrained side ("violates the rel multiplicity
 * constraint", measured); count those nodes per endpoint table.
 */
async function multiplicityFindings(engine: QueryRunner, live: Schema, desired: Schema, c: Change, d: RelTable, l: RelTable): Promise<Finding[]> {
  const to = String(c.to);
  const sides: { side: 'from' | 'to'; arrow: (label: string) => string }[] = [];
  // MANY_ONE: each FROM node has at most one; ONE_MANY: each TO node at most one.
  if (to === 'MANY_ONE' || to === 'ONE_ONE') sides.push({ side: 'from', arrow: (x) => `MATCH (a:${x})-[r:${quoteIdent(l.name)}]->() WITH a, count(r) AS c WHERE c > 1` });
  if (to === 'ONE_MANY' || to === 'ONE_ONE') sides.push({ side: 'to', arrow: (x) => `MATCH ()-[r:${quoteIdent(l.name)}]->(a:${x}) WITH a, count(r) AS c WHERE c > 1` });
  const out: Finding[] = [];
  for (const { side, arrow } of sides) {
    const labels = [...new Set(d.connections.map((conn) => (side === 'from' ? conn.from : conn.to)))];
    for (const label of labels) {
      const liveLabel = liveNodeName(live, desired, label);
      const node = live.nodes.find((n) => liveLabel && sameName(n.name, liveLabel));
      if (!node) continue;
      const q = arrow(quoteIdent(node.name));
      const bad = Number(await engine.scalar(`${q} RETURN count(*)`));
      if (bad === 0) continue;
      const rows = await engine.query(`${q} RETURN CAST(a.${quoteIdent(node.primaryKey)} AS STRING) AS k, c ORDER BY c DESC LIMIT 5`);
      const samples = rows.map((s) => `${s['k']}: ${s['c']} relationships`);
      out.push({
        code: 'multiplicity-violated',
        severity: 'error',
        message: `${bad} ${node.name} node${bad === 1 ? ' has' : 's have'} more than one ${c.table} relationship ${side === 'from' ? 'going out' : 'coming in'}, which ${to} forbids (e.g. ${samples.join(', ')})`,
        table: c.table,
        count: bad,
        samples,
        hint: `delete the extra relationships first, or keep multiplicity ${String(c.from)}`,
      });
    }
  }
  return out;
}

/** A new primary key must be unique and non-NULL over the existing rows. */
async function primaryKeyFinding(engine: QueryRunner, c: Change, d: NodeTable, l: NodeTable): Promise<Finding | null> {
  const pk = d.properties.find((p) => sameName(p.name, d.primaryKey));
  const lp = pk && liveProperty(l, pk);
  if (!lp) return null;
  const ref = `n.${quoteIdent(lp.name)}`;
  const nulls = Number(await engine.scalar(`MATCH (n:${quoteIdent(l.name)}) WHERE ${ref} IS NULL RETURN count(*)`));
  const dupRows = await engine.query(`MATCH (n:${quoteIdent(l.name)}) WITH ${ref} AS k, count(*) AS c WHERE k IS NOT NULL AND c > 1 RETURN CAST(k AS STRING) AS k, c ORDER BY c DESC`);
  if (nulls === 0 && dupRows.length === 0) return null;
  const samples = dupRows.slice(0, 5).map((r) => `${JSON.stringify(r['k'])}: ${r['c']} rows`);
  const parts = [dupRows.length ? `${dupRows.length} duplicated value${dupRows.length === 1 ? '' : 's'} (e.g. ${samples.join(', ')})` : '', nulls ? `${nulls} NULL${nulls === 1 ? '' : 's'}` : ''].filter(Boolean);
  return {
    code: 'primary-key-duplicate',
    severity: 'error',
    message: `the new primary key ${c.table}.${d.primaryKey} is not unique and non-NULL over the existing rows: ${parts.join(' and ')}`,
    table: c.table,
    property: d.primaryKey,
    count: dupRows.length + nulls,
    samples,
    hint: `make ${l.name}.${lp.name} unique and non-NULL first, or keep primary key ${String(c.from)}`,
  };
}

/**
 * Compiles every expression the declaration carries. `using:` over the live table it reads (with
 * the live engine, skipped when the database or table does not exist: then no row uses it);
 * defaults and checks against the declared catalog, created without defaults in an in-memory
 * scratch database (checks run after the change, on the declared schema).
 */
export async function expressionFindings(engine: QueryRunner | null, live: Schema, plan: PlanDocument, config: ResolvedConfig): Promise<Finding[]> {
  const out: Finding[] = [];
  const desired = desiredSchemaOf(plan);
  const at = (key: string) => (config.sources?.[key] ? { source: config.sources[key] } : {});
  if (engine?.compile) {
    for (const d of [...desired.nodes, ...desired.rels]) {
      const l = liveSource(live, d);
      if (!l) continue;
      for (const p of d.properties) {
        if (!p.using) continue;
        const match = l.kind === 'node' ? `MATCH (n:${quoteIdent(l.name)})` : `MATCH (a)-[r:${quoteIdent(l.name)}]->(b)`;
        const err = await engine.compile!(`${match} RETURN ${p.using} LIMIT 0`);
        if (!err) {
          const failure = await usingFailure(engine, match, p.using, p.type);
          if (failure) {
            out.push({
              code: 'using-fails',
              severity: 'error',
              message: `using of ${d.name}.${p.name} fails on a row of ${l.name}: ${failure}`,
              table: d.name,
              property: p.name,
              ...at(`using:${d.name}.${p.name}`),
              hint: `Kuzu evaluates a CAST even inside a CASE branch that is not taken: guard its input instead, e.g. CAST(CASE WHEN regexp_matches(x, '^-?[0-9]+$') THEN x ELSE NULL END AS INT64)`,
            });
          }
        }
        if (err) {
          out.push({
            code: 'using-invalid',
            severity: 'error',
            message: `using of ${d.name}.${p.name} does not compile against the live table ${l.name}: ${err}`,
            table: d.name,
            property: p.name,
            ...at(`using:${d.name}.${p.name}`),
            hint: `write it over the old row (${l.kind === 'node' ? 'n' : 'r'}) with the live property names of ${l.name}: ${l.properties.map((x) => x.name).join(', ')}`,
          });
        }
      }
    }
  }
  const withDefaults = [...desired.nodes, ...desired.rels].flatMap((t) => t.properties.filter((p) => p.default !== null).map((p) => ({ t, p })));
  if (withDefaults.length === 0 && config.checks.length === 0) return out;
  const scratch = await KuzuEngine.openInMemory();
  try {
    // The verdict depends on the statement text alone: a default repeated across tables (`created_at
    // TIMESTAMP DEFAULT current_timestamp()` on each) is prepared once (≈ 0.45 ms each, 200 of them
    // in the 300-table bench schema, issue 14), and reported on every property that declares it.
    const compiled = new Map<string, string | null>();
    for (const { t, p } of withDefaults) {
      // The exact DDL apply would run for this property, prepared on a probe table.
      const statement = `CREATE NODE TABLE _km_probe(_km_id INT64 PRIMARY KEY, ${quoteIdent(p.name)} ${p.type} DEFAULT ${p.default})`;
      let err = compiled.get(statement);
      if (err === undefined) {
        err = await scratch.compile(statement);
        compiled.set(statement, err);
      }
      if (err) {
        out.push({
          code: 'default-invalid',
          severity: 'error',
          message: `default of ${t.name}.${p.name} (${p.type}) does not compile: ${err}`,
          table: t.name,
          property: p.name,
          ...at(`default:${t.name}.${p.name}`),
          hint: /Variable \S+ is not in scope/.test(err) ? `a bare word is a Cypher variable; for a string write default: "'${p.default}'"` : `write a Cypher expression of type ${p.type}`,
        });
      }
    }
    if (config.checks.length > 0) {
      const bare = (t: Table): Table => ({ ...t, properties: t.properties.map((p) => ({ ...p, default: null })) }) as Table;
      let catalogError: string | null = null;
      for (const n of desired.nodes) catalogError ??= await tryQuery(scratch, ddl.createNodeTable(bare(n) as NodeTable));
      for (const r of desired.rels) catalogError ??= await tryQuery(scratch, ddl.createRelTable(bare(r) as RelTable));
      for (const check of config.checks) {
        const err = await scratch.compile(check.query);
        if (err) {
          out.push({
            code: 'check-invalid',
            severity: catalogError ? 'warning' : 'error',
            message: `check "${check.name}" does not compile against the declared schema: ${err}`,
            ...at(`check:${check.name}`),
            hint: catalogError ? `the declared schema could not be built to check against (${catalogError})` : 'checks run after the change, on the declared table and property names',
          });
        }
      }
    }
  } finally {
    await scratch.close();
  }
  return out;
}

/**
 * Evaluates a compiled `using:` over every live row the rebuild copies (or the backfill sets), as
 * apply will, converted to the declared type as COPY/SET convert it: the engine's first error line,
 * or null. Read-only, one scan of the table. Why: prepare folds only constant casts, and Kuzu
 * evaluates a CAST in every CASE branch (kuzu-notes §4), so `CASE WHEN x = 'n/a' THEN NULL ELSE
 * CAST(x AS INT64) END` compiles and then fails on the first 'n/a' in apply's COPY.
 */
async function usingFailure(engine: QueryRunner, match: string, using: string, type: string): Promise<string | null> {
  const evaluate = async (expr: string): Promise<string | null> => {
    try {
      await engine.query(`${match} WITH ${using} AS v RETURN count(${expr})`);
      return null;
    } catch (err) {
      return (err as Error).message.replace(/^[^:]*Error: /, '').split('\n')[0];
    }
  };
  // The conversion to the declared type, where Kuzu has one (else the bare value: COPY's binder
  // would then refuse it, which the compile step cannot see either).
  const converted = engine.compile ? await engine.compile(`${match} WITH ${using} AS v RETURN count(CAST(v AS ${type})) LIMIT 0`) : 'no compile';
  return evaluate(converted === null ? `CAST(v AS ${type})` : 'v');
}

async function tryQuery(engine: KuzuEngine, statement: string): Promise<string | null> {
  try {
    await engine.query(statement);
    return null;
  } catch (err) {
    return (err as Error).message.split('\n')[0];
  }
}

/**
 * The I/O half of lint: counts in the live database (read-only) and the disk figures the pure
 * analyzer (core/lint/analyze.ts) needs. Every count runs inside Kuzu; no row reaches JavaScript.
 * Queries run only for what the plan touches, so a plan without such changes costs nothing extra.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RelTable, Schema, allTables, sameName } from '../core/model';
import { liveProperty, liveSource, PlanDocument } from '../core/plan';
import { fromPlanSchema } from '../core/plan-document';
import { quoteIdent } from '../core/identifiers';
import { castFailureCondition } from '../core/types';
import type { LintFacts } from '../core/lint/analyze';
import { isNonConstantDefault } from '../core/diff';
import type { QueryRunner } from '../engines/runner';
import { countRows } from '../kuzu/introspect';
import { hasHistoryTable } from '../state/history';
import { COMPANION_SUFFIXES } from '../state/files';

/**
 * Gathers the facts for `plan` from the open read-only `engine` on `dbPath` whose schema is `live`.
 * Row counts: the rebuilt tables and tables getting a non-constant default (and, when anything is
 * rebuilt, every table, for the byte share); cast failures of type changes without `using`;
 * nodes violating a narrower multiplicity. Sizes in bytes; free space via statfs. `counts: false`
 * skips every count query (the facts then hold no counts, and the analyzer says less).
 */
export async function gatherFacts(engine: QueryRunner, dbPath: string, live: Schema, plan: PlanDocument, options: { counts?: boolean } = {}): Promise<LintFacts> {
  const desired = fromPlanSchema(plan.desired_schema);
  const facts: LintFacts = {
    tableRows: {},
    totalRows: 0,
    castFailures: {},
    multiplicityViolations: {},
    databaseBytes: databaseBytes(dbPath),
    freeBytes: freeBytes(path.dirname(dbPath)),
    managed: await hasHistoryTable(engine),
  };
  const liveOf = (name: string) => {
    const d = allTables(desired).find((t) => sameName(t.name, name));
    return (d && liveSource(live, d)) ?? allTables(live).find((t) => sameName(t.name, name));
  };
  const counted = new Map<string, number>();
  const rowsOf = async (t: { kind: 'node' | 'rel'; name: string }) => {
    const k = t.name.toLowerCase();
    if (!counted.has(k)) counted.set(k, await countRows(engine, t));
    return counted.get(k)!;
  };

  // Without counts (apply, whose plan the reviewer already saw): only the first-run and disk facts.
  if (options.counts === false) return facts;
  const wanted = new Set(plan.rebuilt_tables.map((t) => t.toLowerCase()));
  for (const c of plan.changes) {
    if (c.kind !== 'add_property') continue;
    const p = allTables(desired).find((t) => sameName(t.name, c.table))?.properties.find((x) => sameName(x.name, c.property!));
    if (p && !p.using && isNonConstantDefault(p.default)) wanted.add(c.table.toLowerCase());
  }
  for (const name of wanted) {
    const l = liveOf(name);
    if (l) facts.tableRows[name] = await rowsOf(l);
  }
  if (plan.rebuilt_tables.length > 0) {
    for (const t of allTables(live)) facts.totalRows += await rowsOf(t);
  }

  for (const c of plan.changes) {
    if (c.kind === 'alter_property_type' && !c.using) {
      const d = allTables(desired).find((t) => sameName(t.name, c.table));
      const l = d && liveSource(live, d);
      const p = d?.properties.find((x) => sameName(x.name, c.property!));
      const lp = l && p ? liveProperty(l, p) : undefined;
      if (!l || !lp) continue;
      const v = l.kind === 'node' ? 'n' : 'r';
      const cond = castFailureCondition(`${v}.${quoteIdent(lp.name)}`, lp.type, String(c.to));
      if (cond === null) continue;
      const match = l.kind === 'node' ? `MATCH (n:${quoteIdent(l.name)})` : `MATCH ()-[r:${quoteIdent(l.name)}]->()`;
      facts.castFailures[`${c.table}.${c.property}`.toLowerCase()] = Number(await engine.scalar(`${match} WHERE ${cond} RETURN count(*)`));
    }
    if (c.kind === 'alter_multiplicity' && c.destructive) {
      const l = liveOf(c.table);
      if (!l || l.kind !== 'rel') continue;
      facts.multiplicityViolations[c.table.toLowerCase()] = await multiplicityViolations(engine, l as RelTable, String(c.to));
    }
  }
  return facts;
}

/**
 * Nodes with more relationships of `rel` than `to` allows. Kuzu's MANY_ONE means each FROM node
 * has at most one relationship (the second word bounds the destinations per source); ONE_MANY
 * bounds the sources per destination; ONE_ONE both.
 */
async function multiplicityViolations(engine: QueryRunner, rel: RelTable, to: string): Promise<number> {
  const [src, dst] = to.split('_');
  const r = quoteIdent(rel.name);
  let n = 0;
  if (dst === 'ONE') n += Number(await engine.scalar(`MATCH (a)-[e:${r}]->() WITH a, count(e) AS c WHERE c > 1 RETURN count(*)`));
  if (src === 'ONE') n += Number(await engine.scalar(`MATCH ()-[e:${r}]->(b) WITH b, count(e) AS c WHERE c > 1 RETURN count(*)`));
  return n;
}

/** The database file and its companions (WAL), in bytes. */
export function databaseBytes(dbPath: string): number {
  let total = 0;
  for (const f of [dbPath, ...COMPANION_SUFFIXES.map((s) => dbPath + s)]) {
    try {
      // No exception for an absent companion (the usual case): creating one costs more than the stat.
      const st = fs.statSync(f, { throwIfNoEntry: false });
      if (st?.isFile()) total += st.size;
    } catch {
      /* unreadable: not counted, as before */
    }
  }
  return total;
}

/** Free bytes available to this user in the file system holding `dir`; null when it cannot be read. */
export function freeBytes(dir: string): number | null {
  try {
    const s = fs.statfsSync(dir);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return null;
  }
}

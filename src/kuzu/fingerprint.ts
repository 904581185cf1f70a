/**
 * Content fingerprints computed inside Kuzu: for every property, the sum over rows of
 * hash({k: row key, v: value}), plus the count of non-NULL values. A sum is order-independent, and
 * binding each value to its row's key catches changed, lost and row-shifted values (the parquet
 * STRUCT bug moves values between rows without changing any multiset of values). NULLs count as
 * 0, not by hash: hash() of a NULL STRUCT differs between rows written by CREATE and by COPY
 * (kuzu-notes §6). Only the sums cross into JavaScript, as strings (they exceed 2^64).
 */
import { quoteIdent } from '../core/identifiers';
import { NodeTable, RelTable, Schema, Table } from '../core/model';
import type { QueryRunner } from '../engines/runner';

export interface ColumnFingerprint {
  /** Decimal string of the sum of hashes. */
  hash: string;
  non_null: number;
}

export interface TableFingerprint {
  table: string;
  kind: 'node' | 'rel';
  rows: number;
  /** Keyed by property name. */
  properties: Record<string, ColumnFingerprint>;
}

export interface FingerprintColumn {
  name: string;
  /** Cypher expression of the value (e.g. `n.age`, or a cast of an old column). */
  expr: string;
}

/** Name of the column fingerprinting the row keys themselves (for rels: which nodes each edge joins). */
export const KEYS_COLUMN = '_keys';

/**
 * One MATCH, one scan: row count, a fingerprint of the keys, and one per column. Keys and value
 * go into ONE flat struct per hash ({k0, k1, v}): a nested key struct, and a NULL test on a
 * struct, cost 3× the scan time on 5M rels (profiled in docs/benchmarks.md).
 */
export async function fingerprintQuery(engine: QueryRunner, match: string, keys: string[], columns: FingerprintColumn[]): Promise<{ rows: number; columns: Record<string, ColumnFingerprint> }> {
  const k = keys.map((e, i) => `k${i}: ${e}`).join(', ');
  const parts = ['count(*) AS _rows', `CAST(sum(hash({${k}})) AS STRING) AS _keys`];
  columns.forEach((c, i) => {
    parts.push(`CAST(sum(CASE WHEN (${c.expr}) IS NULL THEN CAST(0 AS UINT64) ELSE hash({${k}, v: ${c.expr}}) END) AS STRING) AS _f${i}`);
    // Not count(expr): Kuzu's count() rejects DECIMAL arguments (measured on 0.11.3).
    parts.push(`sum(CASE WHEN (${c.expr}) IS NULL THEN 0 ELSE 1 END) AS _c${i}`);
  });
  const rows = await engine.query(`${match} RETURN ${parts.join(', ')}`);
  const row = rows[0] ?? {};
  const n = Number(row['_rows'] ?? 0);
  const out: Record<string, ColumnFingerprint> = { [KEYS_COLUMN]: { hash: String(row['_keys'] ?? '0'), non_null: n } };
  columns.forEach((c, i) => {
    out[c.name] = { hash: String(row[`_f${i}`] ?? '0'), non_null: Number(row[`_c${i}`] ?? 0) };
  });
  return { rows: n, columns: out };
}

function add(a: ColumnFingerprint | undefined, b: ColumnFingerprint): ColumnFingerprint {
  if (!a) return b;
  return { hash: (BigInt(a.hash) + BigInt(b.hash)).toString(), non_null: a.non_null + b.non_null };
}

function nodePk(schema: Schema, name: string): string {
  const n = schema.nodes.find((t) => t.name === name);
  if (!n) throw new Error(`node table ${name} not in schema`);
  return n.primaryKey;
}

export async function fingerprintNodeTable(engine: QueryRunner, t: NodeTable): Promise<TableFingerprint> {
  const v = 'n';
  const res = await fingerprintQuery(
    engine,
    `MATCH (${v}:${quoteIdent(t.name)})`,
    [`${v}.${quoteIdent(t.primaryKey)}`],
    t.properties.map((p) => ({ name: p.name, expr: `${v}.${quoteIdent(p.name)}` })),
  );
  return { table: t.name, kind: 'node', rows: res.rows, properties: res.columns };
}

/** Rel rows are keyed by their endpoints' primary keys, one query per FROM→TO pair, summed. */
export async function fingerprintRelTable(engine: QueryRunner, t: RelTable, schema: Schema): Promise<TableFingerprint> {
  let rows = 0;
  const properties: Record<string, ColumnFingerprint> = {};
  for (const c of t.connections) {
    const a = `a.${quoteIdent(nodePk(schema, c.from))}`;
    const b = `b.${quoteIdent(nodePk(schema, c.to))}`;
    // The keys column (both endpoints) catches an edge moved to another node.
    const cols = t.properties.map((p) => ({ name: p.name, expr: `r.${quoteIdent(p.name)}` }));
    const res = await fingerprintQuery(engine, `MATCH (a:${quoteIdent(c.from)})-[r:${quoteIdent(t.name)}]->(b:${quoteIdent(c.to)})`, [a, b], cols);
    rows += res.rows;
    for (const [k, v] of Object.entries(res.columns)) properties[k] = add(properties[k], v);
  }
  return { table: t.name, kind: 'rel', rows, properties };
}

export async function fingerprintTable(engine: QueryRunner, t: Table, schema: Schema): Promise<TableFingerprint> {
  return t.kind === 'node' ? fingerprintNodeTable(engine, t) : fingerprintRelTable(engine, t, schema);
}

/** Every table of `schema`, in a stable order. */
export async function fingerprintDatabase(engine: QueryRunner, schema: Schema): Promise<TableFingerprint[]> {
  const out: TableFingerprint[] = [];
  // Byte order, not localeCompare: manifests must list tables the same way on every machine.
  const byName = (x: Table, y: Table) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0);
  for (const t of [...schema.nodes, ...schema.rels].sort(byName)) out.push(await fingerprintTable(engine, t, schema));
  return out;
}

/** Differences between two fingerprint sets, as human lines; empty when equal. */
export function compareFingerprints(expected: TableFingerprint[], actual: TableFingerprint[]): string[] {
  const problems: string[] = [];
  for (const e of expected) {
    const a = actual.find((x) => x.table === e.table);
    if (!a) {
      problems.push(`${e.table}: missing`);
      continue;
    }
    if (a.rows !== e.rows) problems.push(`${e.table}: ${a.rows} rows, expected ${e.rows}`);
    for (const [p, fp] of Object.entries(e.properties)) {
      const got = a.properties[p];
      if (!got) problems.push(`${e.table}.${p}: missing`);
      else if (got.non_null !== fp.non_null) problems.push(`${e.table}.${p}: ${got.non_null} non-NULL values, expected ${fp.non_null}`);
      else if (got.hash !== fp.hash) problems.push(`${e.table}.${p}: content differs (fingerprint ${got.hash}, expected ${fp.hash})`);
    }
  }
  for (const a of actual) if (!expected.some((e) => e.table === a.table)) problems.push(`${a.table}: unexpected table`);
  return problems;
}

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

/** Name of the whole-row fingerprint in a TableFingerprint's `properties` (digests, see rowFingerprints). */
export const ROW_COLUMN = '_row';

/** A column of a whole-row fingerprint: FingerprintColumn plus its Kuzu type, when known. */
export interface RowColumn extends FingerprintColumn {
  /** The value's type (e.g. `STRUCT(a INT64)`); undefined when unknown (treated as possibly nested). */
  type?: string;
}

/**
 * The struct field a value enters a whole-row hash as. Values whose type holds a STRUCT, UNION or
 * MAP enter as their own hash with NULL as 0, since hash() of a NULL STRUCT or UNION differs between
 * rows written by CREATE and by COPY (kuzu-notes §6); every other value enters as itself (a NULL
 * scalar or list hashes to a constant).
 */
function rowField(c: RowColumn): string {
  const nested = c.type === undefined || /STRUCT|UNION|MAP/i.test(c.type);
  return nested ? `CASE WHEN (${c.expr}) IS NULL THEN CAST(0 AS UINT64) ELSE hash(${c.expr}) END` : c.expr;
}

/** Columns in byte order of name, the order every whole-row fingerprint uses (so two sides agree). */
export function byColumnName<T extends { name: string }>(columns: T[]): T[] {
  return [...columns].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

/**
 * Whole-row fingerprints: one MATCH, one scan, and per set of columns ONE hash per row,
 * sum(hash({k0.., v0..})) with the keys and the set's values (in byte order of name) in one flat
 * struct. A changed, lost, added or row-shifted value in any column changes the sum; which column
 * it was is found by fingerprintQuery (per column) only when two sums differ. One hash per row
 * instead of two per column: on 1M rels keyed by both endpoints ≈ 0.2 s CPU against 0.33–0.41 s
 * (measured 2026-11-30, docs/benchmarks.md). Returns the row count and one decimal string per set.
 */
export async function rowFingerprints(engine: QueryRunner, match: string, keys: string[], sets: RowColumn[][]): Promise<{ rows: number; hashes: string[] }> {
  const k = keys.map((e, i) => `k${i}: ${e}`);
  const parts = ['count(*) AS _rows'];
  sets.forEach((cols, i) => {
    const fields = [...k, ...byColumnName(cols).map((c, j) => `v${j}: ${rowField(c)}`)];
    parts.push(`CAST(sum(hash({${fields.join(', ')}})) AS STRING) AS _h${i}`);
  });
  const row = (await engine.query(`${match} RETURN ${parts.join(', ')}`))[0] ?? {};
  return { rows: Number(row['_rows'] ?? 0), hashes: sets.map((_, i) => String(row[`_h${i}`] ?? '0')) };
}

/** Sum of two decimal fingerprint strings. */
export function addHashes(a: string, b: string): string {
  return (BigInt(a) + BigInt(b)).toString();
}

/**
 * The whole-row fingerprint of a table as a digest entry: its rows, and under ROW_COLUMN the sum of
 * hash({keys, every property}) — keyed like fingerprintTable (a node by its primary key, a rel by
 * its endpoints' primary keys, one query per FROM→TO pair, summed).
 */
export async function rowFingerprintTable(engine: QueryRunner, t: Table, schema: Schema): Promise<TableFingerprint> {
  const cols = (v: string) => t.properties.map((p) => ({ name: p.name, expr: `${v}.${quoteIdent(p.name)}`, type: p.type }));
  if (t.kind === 'node') {
    const r = await rowFingerprints(engine, `MATCH (n:${quoteIdent(t.name)})`, [`n.${quoteIdent(t.primaryKey)}`], [cols('n')]);
    return { table: t.name, kind: 'node', rows: r.rows, properties: { [ROW_COLUMN]: { hash: r.hashes[0], non_null: r.rows } } };
  }
  let rows = 0;
  let hash = '0';
  for (const c of t.connections) {
    const r = await rowFingerprints(
      engine,
      `MATCH (a:${quoteIdent(c.from)})-[r:${quoteIdent(t.name)}]->(b:${quoteIdent(c.to)})`,
      [`a.${quoteIdent(nodePk(schema, c.from))}`, `b.${quoteIdent(nodePk(schema, c.to))}`],
      [cols('r')],
    );
    rows += r.rows;
    hash = addHashes(hash, r.hashes[0]);
  }
  return { table: t.name, kind: 'rel', rows, properties: { [ROW_COLUMN]: { hash, non_null: rows } } };
}

/** One side of a copy to verify: a MATCH (ending before RETURN), its row key expressions, and its columns. */
/** A nested type (STRUCT, MAP or UNION anywhere in it): its hash() is not stable across a COPY. */
const NESTED = /STRUCT\(|MAP\(|UNION\(/i;

export interface CopySide {
  match: string;
  keys: string[];
  columns: RowColumn[];
}

/**
 * Verifies that `to` holds exactly the rows of `from`: equal row counts and equal whole-row
 * fingerprints of the paired columns (`from.columns[i]` pairs with `to.columns[i]` by name; the
 * old side's expressions cast as the copy cast). Only when they differ are both sides
 * fingerprinted per column (fingerprintQuery) to name what changed: a non-NULL count (values
 * lost or turned NULL) or content (changed or moved to another row). `everyColumn`: when given,
 * the whole-row fingerprint of `to` over these columns is computed in the same scan (the digest
 * of the new table). Returns the problems (human lines prefixed with `label`; empty when equal),
 * the new side's rows and the fingerprint over `everyColumn` (or over `to.columns`), the old
 * side's rows and whole-row fingerprint (`from`), and `differing`: the columns whose per-column
 * fingerprints differ (KEYS_COLUMN for the row keys; a nested column whose to_json text is equal
 * is listed too), empty when the whole-row fingerprints are equal.
 */
export async function verifyCopy(
  engine: QueryRunner,
  label: string,
  from: CopySide,
  to: CopySide,
  everyColumn?: RowColumn[],
): Promise<{ problems: string[]; rows: number; hash: string; from: { rows: number; hash: string }; differing: string[] }> {
  const extra = everyColumn && everyColumn.length !== to.columns.length;
  const before = await rowFingerprints(engine, from.match, from.keys, [from.columns]);
  const after = await rowFingerprints(engine, to.match, to.keys, extra ? [to.columns, everyColumn] : [to.columns]);
  const problems: string[] = [];
  const differing: string[] = [];
  if (before.rows !== after.rows || before.hashes[0] !== after.hashes[0]) {
    const oldFp = await fingerprintQuery(engine, from.match, from.keys, from.columns);
    const newFp = await fingerprintQuery(engine, to.match, to.keys, to.columns);
    if (oldFp.rows !== newFp.rows) problems.push(`${label}: ${newFp.rows} rows after, ${oldFp.rows} before`);
    const nestedHashOnly: RowColumn[] = [];
    for (const [col, fp] of Object.entries(oldFp.columns)) {
      const got = newFp.columns[col];
      const name = col === KEYS_COLUMN ? `${label} (row keys)` : `${label}.${col}`;
      const nested = to.columns.find((c) => c.name === col && c.type !== undefined && NESTED.test(c.type));
      if (got.non_null !== fp.non_null || got.hash !== fp.hash) differing.push(col);
      if (got.non_null !== fp.non_null) problems.push(`${name}: ${got.non_null} non-NULL values after, ${fp.non_null} before (a cast turned values into NULL)`);
      else if (got.hash !== fp.hash && nested) nestedHashOnly.push(nested);
      else if (got.hash !== fp.hash) problems.push(`${name}: content differs after the copy`);
    }
    // Kuzu 0.11.3's hash() of a nested value also reads the child slots under NULL fields, and COPY
    // leaves those slots different (whole-db property seed 3: a rel STRUCT(a MAP(DATE, DOUBLE), …)
    // column copied inside Kuzu had equal to_json for every row but another sum of hash()). Such a
    // column is compared again by its to_json text, which prints exactly what the value holds;
    // only a difference there is a problem. Everything else keeps hash() as its judge.
    if (nestedHashOnly.length && oldFp.rows === newFp.rows) {
      const json = (side: CopySide) =>
        fingerprintQuery(
          engine,
          side.match,
          side.keys,
          nestedHashOnly.map((c) => ({ name: c.name, expr: `CAST(to_json(${side.columns.find((x) => x.name === c.name)!.expr}) AS STRING)` })),
        );
      const [oldJson, newJson] = [await json(from), await json(to)];
      for (const c of nestedHashOnly) {
        if (oldJson.columns[c.name].hash !== newJson.columns[c.name].hash) problems.push(`${label}.${c.name}: content differs after the copy`);
      }
    } else {
      for (const c of nestedHashOnly) problems.push(`${label}.${c.name}: content differs after the copy`);
    }
    const explained = problems.length > 0 || nestedHashOnly.length > 0;
    if (!explained) problems.push(`${label}: content differs after the copy (whole-row fingerprint)`);
  }
  return { problems, rows: after.rows, hash: after.hashes[extra ? 1 : 0], from: { rows: before.rows, hash: before.hashes[0] }, differing };
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

/**
 * The Cypher a snapshot is written and read with. Pure: it maps a schema and a format to
 * `COPY (MATCH ... RETURN <encoded columns>) TO '<file>'` statements, and a manifest back to
 * `COPY T (<columns>) FROM (LOAD FROM '<file>' RETURN <decoded columns>)` statements.
 *
 * COPY maps columns by position (kuzu-notes §4), so loads always name the columns; a rel load
 * returns the FROM and TO keys first and, for a table with several pairs, names the pair.
 */
import { cypherString, quoteIdent } from '../core/identifiers';
import { NodeTable, RelTable, Schema } from '../core/model';
import { parseType } from '../core/types';
import { RefusedError } from '../core/errors';
import { ColumnCodec, columnCodec, decodeColumn, plainCsvStringCodec, SnapshotFormat, UnsupportedTypeError } from './codec';
import { ManifestColumn, ManifestDataFile, nodeFilePath, relFilePath } from './manifest';

export const FROM_COLUMN = '_km_from';
export const TO_COLUMN = '_km_to';

/** A value no encoding can keep: export refuses rather than write a lossy snapshot. */
export class UnexportableError extends RefusedError {
  constructor(readonly table: string, readonly property: string, readonly reason: string) {
    super(`cannot export ${table}.${property} without losing values: ${reason}`, 'E_UNEXPORTABLE', [
      'change the property type, or use `kuzu-migrate export --raw` for Kuzu\'s own (lossy) EXPORT DATABASE',
    ]);
  }
}

export interface ExportFile extends ManifestDataFile {
  table: string;
  kind: 'node' | 'rel';
  /** `COPY (MATCH ...) TO '<file>'`, with `file` resolved by the caller-given function. */
  statement: string;
}

/** The key of a column in exportFiles' `plainColumns`: `table.property`, lower case. */
export function plainColumnKey(table: string, property: string): string {
  return `${table}.${property}`.toLowerCase();
}

function codecFor(table: string, property: string, type: string, format: SnapshotFormat, plain: ReadonlySet<string>): ColumnCodec {
  if (format === 'csv' && plain.has(plainColumnKey(table, property))) return plainCsvStringCodec();
  try {
    return columnCodec(type, format);
  } catch (err) {
    if (err instanceof UnsupportedTypeError) throw new UnexportableError(table, property, err.message);
    throw err;
  }
}

function column(name: string, type: string, codec: ColumnCodec): ManifestColumn {
  return { name, type, encoding: codec.mode };
}

function copyTo(match: string, returns: string[], file: string, format: SnapshotFormat): string {
  const options = format === 'csv' ? ' (header=true)' : '';
  return `COPY (${match} RETURN ${returns.join(', ')}) TO ${cypherString(file)}${options}`;
}

function nodeExport(t: NodeTable, format: SnapshotFormat, resolve: (rel: string) => string, plain: ReadonlySet<string>): ExportFile {
  const columns: ManifestColumn[] = [];
  const returns: string[] = [];
  for (const p of t.properties) {
    const codec = codecFor(t.name, p.name, p.type, format, plain);
    columns.push(column(p.name, p.type, codec));
    returns.push(`${codec.encode(`n.${quoteIdent(p.name)}`)} AS ${quoteIdent(p.name)}`);
  }
  const path = nodeFilePath(t.name, format);
  return { table: t.name, kind: 'node', path, rows: 0, columns, statement: copyTo(`MATCH (n:${quoteIdent(t.name)})`, returns, resolve(path), format) };
}

function relExports(t: RelTable, schema: Schema, format: SnapshotFormat, resolve: (rel: string) => string, plain: ReadonlySet<string>): ExportFile[] {
  return t.connections.map((c) => {
    const from = schema.nodes.find((n) => n.name === c.from);
    const to = schema.nodes.find((n) => n.name === c.to);
    if (!from || !to) throw new Error(`rel ${t.name}: endpoint ${c.from} or ${c.to} is not a node table of the schema`);
    const fromType = from.properties.find((p) => p.name === from.primaryKey)!.type;
    const toType = to.properties.find((p) => p.name === to.primaryKey)!.type;
    const fromCodec = codecFor(c.from, from.primaryKey, fromType, format, plain);
    const toCodec = codecFor(c.to, to.primaryKey, toType, format, plain);
    const columns = [column(FROM_COLUMN, fromType, fromCodec), column(TO_COLUMN, toType, toCodec)];
    const returns = [
      `${fromCodec.encode(`a.${quoteIdent(from.primaryKey)}`)} AS ${FROM_COLUMN}`,
      `${toCodec.encode(`b.${quoteIdent(to.primaryKey)}`)} AS ${TO_COLUMN}`,
    ];
    for (const p of t.properties) {
      const codec = codecFor(t.name, p.name, p.type, format, plain);
      columns.push(column(p.name, p.type, codec));
      returns.push(`${codec.encode(`r.${quoteIdent(p.name)}`)} AS ${quoteIdent(p.name)}`);
    }
    const path = relFilePath(t.name, c.from, c.to, format);
    const match = `MATCH (a:${quoteIdent(c.from)})-[r:${quoteIdent(t.name)}]->(b:${quoteIdent(c.to)})`;
    return { table: t.name, kind: 'rel' as const, path, rows: 0, from: c.from, to: c.to, columns, statement: copyTo(match, returns, resolve(path), format) };
  });
}

/**
 * Every data file of a snapshot of `schema`, nodes first. Throws UnexportableError before anything
 * is written when a property has a type no encoding keeps exactly. `plainColumns` (keys from
 * plainColumnKey): CSV STRING columns whose values were checked to need no encoding (plainCsvColumns).
 */
export function exportFiles(schema: Schema, format: SnapshotFormat, resolve: (rel: string) => string, options: { plainColumns?: ReadonlySet<string> } = {}): ExportFile[] {
  const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const plain = options.plainColumns ?? new Set<string>();
  return [
    ...[...schema.nodes].sort(byName).map((t) => nodeExport(t, format, resolve, plain)),
    ...[...schema.rels].sort(byName).flatMap((t) => relExports(t, schema, format, resolve, plain)),
  ];
}

/**
 * `LOAD FROM` a data file. CSV columns are all read as STRING, named with their type, and cast by
 * the decoder: plain `LOAD FROM` still infers a type when every sampled value looks like one, even
 * with auto_detect=false (measured on 0.11.3: a STRING column of `2023-1-1` came back as the DATE
 * 2023-01-01, one of `10 years 5 months` as an INTERVAL), which would change plain strings.
 */
function loadFrom(file: string, format: SnapshotFormat, columns: ManifestColumn[], legacyCsv = false, serialNested = true): string {
  if (format !== 'csv') return `LOAD FROM ${cypherString(file)}`;
  if (legacyCsv) return `LOAD FROM ${cypherString(file)} (header=true, auto_detect=false)`;
  const serial = serialNested && columns.some(lambdaDecoded) ? ', parallel=false' : '';
  return `LOAD WITH HEADERS (${columns.map((c) => `${quoteIdent(c.name)} STRING`).join(', ')}) FROM ${cypherString(file)} (header=true${serial})`;
}

/**
 * Whether a column's decoder walks lists with lambdas (a nested type in kuzu-migrate's string
 * encoding). Such a file is read by one thread: the parallel CSV reader hands the lambdas chunks
 * that do not follow the table's batches of 2,048 rows, and Kuzu 0.11.3 segfaulted there on a
 * file export's guard had found within 2,048 elements per batch (measured: a 16-column node file
 * whose STRUCT(x STRING, y DOUBLE)[] column held 1,536 elements per batch crashed the LOAD with
 * the default reader and read back exactly with parallel=false; the same column alone in a
 * two-column file did not crash).
 */
function lambdaDecoded(c: ManifestColumn): boolean {
  if (c.encoding !== 'quoted' && c.encoding !== 'encoded') return false;
  const kind = parseType(c.type).kind;
  return kind === 'list' || kind === 'array' || kind === 'map' || kind === 'struct' || kind === 'union';
}

function decoded(c: ManifestColumn, format: SnapshotFormat): string {
  return decodeColumn(c.type, c.encoding, quoteIdent(c.name), format);
}

/**
 * The COPY ... FROM statement loading one data file into table `table`. `legacyCsv`: the form
 * kuzu-migrate wrote into copy.cypher before CSV columns were named (`LOAD FROM ... (header=true,
 * auto_detect=false)`), only to recognise such a copy.cypher as generated; never run.
 */
export function loadStatement(table: string, kind: 'node' | 'rel', file: ManifestDataFile, format: SnapshotFormat, resolve: (rel: string) => string, legacyCsv = false, serialNested = true): string {
  const source = loadFrom(resolve(file.path), format, file.columns, legacyCsv, serialNested);
  const values = file.columns.map((c) => decoded(c, format));
  if (kind === 'node') {
    return `COPY ${quoteIdent(table)} (${file.columns.map((c) => quoteIdent(c.name)).join(', ')}) FROM (${source} RETURN ${values.join(', ')})`;
  }
  const pair = file.from && file.to ? ` (from=${cypherString(file.from)}, to=${cypherString(file.to)})` : '';
  return `COPY ${quoteIdent(table)} FROM (${source} RETURN ${values.join(', ')})${pair}`;
}

/**
 * What `export` reads back to prove a data file restorable: the file loaded with the very
 * decoders `import` uses, every decoded column bound once (`LOAD FROM ... WITH <decoded> AS _p<i>`,
 * so the long decoder text is not repeated per aggregate), the row keys as the live fingerprint
 * keys them (node: its primary key; rel: the FROM and TO keys) and every property.
 *
 * `match` ends before RETURN, for rowFingerprints / fingerprintQuery; `keys`/`columns` are expressions over the
 * bound names. For a node file, `pk` names the bound primary-key column (to find a failing row).
 */
export interface FileProof {
  match: string;
  keys: string[];
  /** `type`: the property's Kuzu type (the manifest column's), so whole-row fingerprints treat it as the live table's. */
  columns: { name: string; expr: string; type: string }[];
}

export function proofOf(kind: 'node' | 'rel', file: ManifestDataFile, format: SnapshotFormat, resolve: (rel: string) => string, primaryKey?: string): FileProof {
  const bound = file.columns.map((c, i) => `${decoded(c, format)} AS _p${i}`);
  const match = `${loadFrom(resolve(file.path), format, file.columns)} WITH ${bound.join(', ')}`;
  if (kind === 'node') {
    const pk = file.columns.findIndex((c) => c.name === primaryKey);
    if (pk < 0) throw new Error(`node file ${file.path}: primary key ${primaryKey} is not one of its columns`);
    return { match, keys: [`_p${pk}`], columns: file.columns.map((c, i) => ({ name: c.name, expr: `_p${i}`, type: c.type })) };
  }
  // Rel files start with the FROM and TO keys (relExports).
  return { match, keys: ['_p0', '_p1'], columns: file.columns.slice(2).map((c, i) => ({ name: c.name, expr: `_p${i + 2}`, type: c.type })) };
}

/**
 * The first node row whose `property` does not read back from the file as it is in the table:
 * a query returning that row's primary key as text (`key`), or no row.
 */
export function firstDifferingRow(table: NodeTable, file: ManifestDataFile, property: string, format: SnapshotFormat, resolve: (rel: string) => string): string {
  const proof = proofOf('node', file, format, resolve, table.primaryKey);
  const col = proof.columns.find((c) => c.name === property);
  if (!col) throw new Error(`node file ${file.path}: no column ${property}`);
  const live = `n.${quoteIdent(property)}`;
  // NULLs compared as NULLs, values by hash (kuzu-notes §6: hash of a NULL STRUCT varies).
  const differs = `(${live} IS NULL) <> (${col.expr} IS NULL) OR (${live} IS NOT NULL AND hash({v: ${live}}) <> hash({v: ${col.expr}}))`;
  return `${proof.match} MATCH (n:${quoteIdent(table.name)}) WHERE n.${quoteIdent(table.primaryKey)} = ${proof.keys[0]} AND (${differs}) RETURN CAST(${proof.keys[0]} AS STRING) AS key LIMIT 1`;
}

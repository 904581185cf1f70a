/**
 * The content of a snapshot's tables: what `export` records in the manifest, and how `import`,
 * `verify` and the export strategy compare a database with it.
 *
 * Manifest format 2 holds ONE whole-row fingerprint per table (kuzu/fingerprint.ts
 * rowFingerprintTable: the row count and, under ROW_COLUMN, the sum over rows of
 * hash({row keys, every property}) — one hash per row instead of two aggregates per column).
 * Format 1 manifests hold one fingerprint per property (fingerprintTable) and are still compared
 * per property, as they were written. When a whole-row fingerprint differs, the table is compared
 * with the snapshot's data files column by column (verifyCopy), only then, to name what differs.
 */
import { quoteIdent } from '../core/identifiers';
import { Schema, Table } from '../core/model';
import type { QueryRunner } from '../engines/runner';
import { compareFingerprints, CopySide, fingerprintTable, KEYS_COLUMN, ROW_COLUMN, rowFingerprintTable, TableFingerprint, verifyCopy } from '../kuzu/fingerprint';
import * as path from 'node:path';
import { checkFiles } from './files';
import { Manifest, ManifestDataFile, ManifestTable } from './manifest';
import { SnapshotFormat } from './codec';
import { proofOf } from './statements';

/** `row`: a format-2 whole-row fingerprint (ROW_COLUMN only); `columns`: format 1's per-property ones. */
export type ContentStyle = 'row' | 'columns';

/** How a manifest table's fingerprint was written: per-property ones always hold KEYS_COLUMN, whole-row ones only ROW_COLUMN. */
export function fingerprintStyle(fp: TableFingerprint): ContentStyle {
  const keys = Object.keys(fp.properties);
  return keys.length === 1 && keys[0] === ROW_COLUMN ? 'row' : 'columns';
}

/** A whole-row table fingerprint (the form rowFingerprintTable returns). */
export function rowEntry(table: string, kind: 'node' | 'rel', rows: number, hash: string): TableFingerprint {
  return { table, kind, rows, properties: { [ROW_COLUMN]: { hash, non_null: rows } } };
}

/** A data file with the table it belongs to (ExportFile, or a manifest table's file). */
export interface TableFile extends ManifestDataFile {
  table: string;
  kind: 'node' | 'rel';
}

function nodePk(schema: Schema, name: string): string {
  const n = schema.nodes.find((t) => t.name === name);
  if (!n) throw new Error(`node table ${name} not in schema`);
  return n.primaryKey;
}

/**
 * The database side of a data file: all rows of its node table (keyed by the primary key), or
 * the rows of its rel table's FROM→TO pair (keyed by both endpoints' primary keys) — keyed and
 * typed exactly as rowFingerprintTable, so the sum over a table's files is its fingerprint.
 */
export function tableSide(schema: Schema, file: TableFile): CopySide {
  if (file.kind === 'node') {
    const t = schema.nodes.find((n) => n.name === file.table);
    if (!t) throw new Error(`node table ${file.table} not in schema`);
    return {
      match: `MATCH (n:${quoteIdent(t.name)})`,
      keys: [`n.${quoteIdent(t.primaryKey)}`],
      columns: t.properties.map((p) => ({ name: p.name, expr: `n.${quoteIdent(p.name)}`, type: p.type })),
    };
  }
  const t = schema.rels.find((r) => r.name === file.table);
  if (!t || !file.from || !file.to) throw new Error(`rel file ${file.path}: table or pair not in schema`);
  return {
    match: `MATCH (a:${quoteIdent(file.from)})-[r:${quoteIdent(t.name)}]->(b:${quoteIdent(file.to)})`,
    keys: [`a.${quoteIdent(nodePk(schema, file.from))}`, `b.${quoteIdent(nodePk(schema, file.to))}`],
    columns: t.properties.map((p) => ({ name: p.name, expr: `r.${quoteIdent(p.name)}`, type: p.type })),
  };
}

/** The file side: the data file read back with import's decoders (statements.ts proofOf), keyed as tableSide. */
export function fileSide(schema: Schema, file: TableFile, format: SnapshotFormat, resolve: (rel: string) => string): CopySide {
  const pk = file.kind === 'node' ? nodePk(schema, file.table) : undefined;
  return proofOf(file.kind, file, format, resolve, pk);
}

/**
 * Names what differs between a table and the snapshot's data files it was exported to (or loaded
 * from), one line per differing column (verifyCopy's per-column drill-down); a line saying the
 * files hold the same rows when nothing does (then the files are not what was exported).
 */
async function drillDown(engine: QueryRunner, manifest: Manifest, schema: Schema, t: ManifestTable, dir: string): Promise<string[]> {
  const lines: string[] = [];
  for (const f of t.files) {
    const file: TableFile = { ...f, table: t.table, kind: t.kind };
    try {
      const fromFile = fileSide(manifest.schema, file, manifest.format, (rel) => path.join(dir, ...rel.split('/')));
      const inDb = tableSide(schema, file);
      // `verify` compares a live schema that may have changed since: properties on one side only
      // are named, the others compared.
      const both = (side: CopySide, other: CopySide) => ({ ...side, columns: side.columns.filter((c) => other.columns.some((o) => o.name === c.name)) });
      for (const c of fromFile.columns) if (!inDb.columns.some((o) => o.name === c.name)) lines.push(`${t.table}.${c.name}: in ${f.path}, not in the database`);
      for (const c of inDb.columns) if (!fromFile.columns.some((o) => o.name === c.name)) lines.push(`${t.table}.${c.name}: in the database, not in ${f.path}`);
      const r = await verifyCopy(engine, t.table, both(fromFile, inDb), both(inDb, fromFile));
      if (r.rows !== r.from.rows) lines.push(`${t.table}: ${r.rows} rows in the database, ${r.from.rows} in ${f.path}`);
      for (const col of r.differing) {
        if (col === KEYS_COLUMN) lines.push(`${t.table}: the row keys differ from ${f.path} (rows added, removed${t.kind === 'rel' ? ' or joined to other nodes' : ''})`);
        else lines.push(`${t.table}.${col}: values differ from ${f.path}`);
      }
    } catch (err) {
      // Naming the column is a courtesy (e.g. the rel pair no longer exists): the difference stands.
      lines.push(`${t.table}: not compared with ${f.path} (${(err as Error).message.split('\n')[0]})`);
    }
  }
  if (!lines.length) lines.push(`${t.table}: the database holds exactly the rows of the snapshot's data files, so those files are not what was exported`);
  return lines;
}

export interface ContentOptions {
  /** The snapshot folder: when given (and not --raw), a differing whole-row fingerprint is drilled down per column against its data files. */
  dir?: string;
  /** The data files' checksums were already checked against the manifest (import); else they are checked before a drill-down trusts them. */
  filesChecked?: boolean;
}

/**
 * Differences between the tables of the database behind `engine` (those of `schema`) and the
 * manifest's row counts and content fingerprints, as human lines; empty when equal. Cost: one scan
 * per table, hashing each row once (format 2), or per property (format 1); a differing table is
 * read again, with its data files, to name the columns. Errors: the engine's, unchanged.
 */
export async function contentProblems(engine: QueryRunner, manifest: Manifest, schema: Schema, options: ContentOptions = {}): Promise<string[]> {
  const problems: string[] = [];
  const all: Table[] = [...schema.nodes, ...schema.rels];
  let filesOk: boolean | undefined = options.filesChecked ? true : undefined;
  for (const mt of manifest.tables) {
    const e = mt.fingerprint;
    const t = all.find((x) => x.name === e.table);
    if (!t) {
      problems.push(`${e.table}: missing`);
      continue;
    }
    if (fingerprintStyle(e) === 'columns') {
      problems.push(...compareFingerprints([e], [await fingerprintTable(engine, t, schema)]));
      continue;
    }
    const a = await rowFingerprintTable(engine, t, schema);
    const [want, got] = [e.properties[ROW_COLUMN].hash, a.properties[ROW_COLUMN].hash];
    if (a.rows !== e.rows) problems.push(`${e.table}: ${a.rows} rows, expected ${e.rows}`);
    else if (got !== want) problems.push(`${e.table}: content differs (whole-row fingerprint ${got}, expected ${want})`);
    else continue;
    if (!options.dir || manifest.raw || !mt.files.length) continue;
    filesOk ??= (await checkFiles(options.dir, manifest)).length === 0;
    if (filesOk) problems.push(...(await drillDown(engine, manifest, schema, mt, options.dir)).map((l) => `  ${l}`));
  }
  for (const t of all) if (!manifest.tables.some((m) => m.table === t.name)) problems.push(`${t.name}: unexpected table`);
  return problems;
}

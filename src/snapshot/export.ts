/**
 * `export`: writes `<migrations>/<version>/` from the live database, read-only. Everything is
 * written into a staging folder `.<version>.partial-<pid>` next to the target and renamed into place
 * at the end, so a failed export leaves nothing behind and a version folder is always complete.
 */
import { serialSequenceCandidates } from '../core/plan';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileMode, folderModeFor } from '../state/paths';
import { makePrivateDir } from '../state/private';
import { ResolvedConfig } from '../config/config';
import { createIndex, matchAll, schemaToCypher } from '../core/ddl';
import { KuzuMigrateError, RefusedError, RuntimeError } from '../core/errors';
import { cypherString, quoteIdent } from '../core/identifiers';
import { Schema, schemaFingerprint } from '../core/model';
import { engineKind, kuzuStorageVersion, kuzuVersion, withEngine } from '../kuzu/engine';
import { NodeTable, RelTable, Table } from '../core/model';
import { rowEntry, fileSide, TableFile, tableSide } from './content';
import { introspect } from '../kuzu/introspect';
import { KuzuType, parseType, renderType } from '../core/types';
import { TOOL_VERSION } from '../version';
import { renderChangelog } from './changelog';
import { COLUMN_ENCODINGS, csvPlainCandidate, csvStringNeedsEncoding, INT128_MIN, SnapshotFormat } from './codec';
import { diffLenient } from './inspect';
import { checksumFolder, folderError, fsyncPath, readManifest } from './files';
import { CHANGELOG_FILE, COPY_FILE, Manifest, MANIFEST_FILE, MANIFEST_FORMAT_VERSION, ManifestSequence, ManifestTable, SCHEMA_FILE } from './manifest';
import { exportFiles, ExportFile, firstDifferingRow, loadStatement, plainColumnKey } from './statements';
import { addHashes, KEYS_COLUMN, ROW_COLUMN, rowFingerprints, rowFingerprintTable, verifyCopy } from '../kuzu/fingerprint';
import { checkVersionName, previousVersion, versionDir } from './version-name';
import type { QueryRunner, Row } from '../engines/runner';

export interface ExportOptions {
  version: string;
  format?: SnapshotFormat;
  schemaOnly?: boolean;
  raw?: boolean;
  now?: Date;
  /**
   * Read every data file back and compare it with its table before reporting success (default
   * true; E_UNRESTORABLE when one differs). Only the export strategy turns it off: it loads the
   * files at once and verifies the loaded tables against this manifest's fingerprints, which
   * catches everything the proof catches (snapshot/import.ts verifyLoaded).
   */
  prove?: boolean;
  /** Called after each data file is written and proved, with the rows it holds (for progress output). */
  onEvent?: (e: { phase: string; message: string; table?: string; rows?: number }) => void;
}

export interface ExportResult {
  /** Snapshot version. */
  version: string;
  /** Its folder. */
  path: string;
  /** Data file format. */
  format: SnapshotFormat;
  /** True for Kuzu's own EXPORT DATABASE output (no codec). */
  raw: boolean;
  /** True when no data was written. */
  schema_only: boolean;
  /** Tables exported. */
  tables: number;
  /** Rows exported (nodes + relationships). */
  rows: number;
  /** Bytes written. */
  bytes: number;
  /** The previous version the changelog compares with, or null. */
  previous: string | null;
  /** True when an existing CHANGELOG.md was kept. */
  changelog_kept: boolean;
}

/** SERIAL properties and the sequence Kuzu made for each (`<table>_<property>_serial`). */
export function serialSequences(schema: Schema): Omit<ManifestSequence, 'current'>[] {
  return schema.nodes.flatMap((t) =>
    t.properties.filter((p) => p.type === 'SERIAL').map((p) => ({ name: `${t.name}_${p.name}_serial`, table: t.name, property: p.name })),
  );
}

/**
 * Where each SERIAL sequence of `schema` stands (its last value as a decimal string, or null when
 * never used): read by `export` and by `upgrade` through the source's own release.
 */
export async function readSequences(engine: QueryRunner, schema: Schema): Promise<ManifestSequence[]> {
  const out: ManifestSequence[] = [];
  const starts = new Map((await engine.query('CALL show_sequences() RETURN name, CAST(`start value` AS STRING) AS start')).map((r) => [String(r['name']), BigInt(String(r['start']))]));
  const names = new Set(starts.keys());
  for (const s of serialSequences(schema)) {
    let current: string | null = null;
    // The manifest names the sequence a fresh CREATE makes; a table rebuilt by apply runs on its
    // staging table's sequence (serialSequenceCandidates), so read the position from that one.
    const actual = serialSequenceCandidates(s.table, s.property).find((n) => names.has(n)) ?? s.name;
    try {
      current = String(await engine.scalar(`RETURN CAST(currval(${cypherString(actual)}) AS STRING)`));
    } catch {
      // Never used since it was (re)started: the next value is its start value.
      const start = starts.get(actual);
      current = start !== undefined && start > 0n ? String(start - 1n) : null;
    }
    out.push({ ...s, current });
  }
  return out;
}

/**
 * The statements that bring a fresh SERIAL sequence to where the exported one was: COPY never
 * advances a sequence (kuzu-notes §4), so it is recreated to continue after `current`.
 */
export function sequenceStatements(seqs: ManifestSequence[]): string[] {
  return seqs
    .filter((s) => s.current !== null)
    .flatMap((s) => [`DROP SEQUENCE ${quoteIdent(s.name)}`, `CREATE SEQUENCE ${quoteIdent(s.name)} START ${BigInt(s.current!) + 1n}`]);
}

/**
 * MATCH clauses that together scan every row of `t` once (variable `n` or `r`): the table for a
 * node table, one per FROM→TO pair with labelled endpoints for a rel table. Kuzu 0.9 and 0.10,
 * which `upgrade` exports through, cannot bind a rel's unlabelled endpoints when two of its
 * endpoint tables have a property of one name with different types (`Expected the same data type
 * for property id but found INT64 and SERIAL`, measured), as content fingerprints found before.
 */
function scansOf(t: NodeTable | RelTable): string[] {
  if (t.kind === 'node') return [matchAll(t)];
  return t.connections.map((c) => `MATCH (:${quoteIdent(c.from)})-[r:${quoteIdent(t.name)}]->(:${quoteIdent(c.to)})`);
}

/**
 * CSV STRING columns none of whose values needs the encoding (codec.ts, "Plain CSV strings"),
 * found with one scan per table; they are written as plain text. Keys from plainColumnKey.
 */
async function plainCsvColumns(engine: QueryRunner, schema: Schema): Promise<Set<string>> {
  const plain = new Set<string>();
  for (const t of [...schema.nodes, ...schema.rels]) {
    const props = t.properties.filter((p) => csvPlainCandidate(p.type, 'csv'));
    if (!props.length) continue;
    const v = t.kind === 'node' ? 'n' : 'r';
    const counts = props.map((p, i) => `sum(CASE WHEN ${csvStringNeedsEncoding(`${v}.${quoteIdent(p.name)}`)} THEN 1 ELSE 0 END) AS c${i}`);
    const rows: Row[] = [];
    for (const m of scansOf(t)) rows.push(...(await engine.query(`${m} RETURN ${counts.join(', ')}`)));
    props.forEach((p, i) => {
      if (rows.every((row) => !Number(row?.[`c${i}`] ?? 0))) plain.add(plainColumnKey(t.name, p.name));
    });
  }
  return plain;
}

/** The nil UUID's text (one definition, with the checkpoint's own check in state/backup.ts). */
export { NIL_UUID } from '../state/backup';
import { NIL_UUID } from '../state/backup';

/**
 * The condition under which a MAP column's value (or a list of maps) holds a NULL map value.
 * Where no struct, union or JSON can put objects into its JSON form, it is exact: in
 * `to_json(x)` with every escape (`\\.`) and then every string removed, an object member whose
 * value is null (`"":null`) can only be a NULL map value. (The text form `{k=, j=1}` is not: a
 * string value `, a` or `}` prints the same way, and so does an empty string — those were refused
 * although the codec carries them.) Otherwise the text form is used, which may over-refuse.
 * Measured on 0.11.3; RE2 reads the backslash as `\x5C` (a doubled backslash did not match).
 */
export function nullMapValueCondition(type: string, x: string, toJson = true): string {
  // Without a built-in to_json (LadybugDB 0.19.1, Kuzu 0.9/0.10: "function TO_JSON is not defined")
  // only the text form is left.
  if (!toJson || /STRUCT\(|UNION\(|json/i.test(type)) return `regexp_matches(CAST(${x} AS STRING), '=(, |})')`;
  const stripped = `regexp_replace(regexp_replace(CAST(to_json(${x}) AS STRING), ${cypherString('\\x5C.')}, '', 'g'), '"[^"]*"', '""', 'g')`;
  return `regexp_matches(${stripped}, '"":null')`;
}

/** A value that breaks Kuzu itself when loaded back: refused with table, column, row key and a hint. */
export class UnloadableValueError extends RefusedError {
  constructor(readonly table: string, readonly property: string, readonly key: string | null, reason: string, hint: string) {
    super(`cannot export ${table}.${property}${key !== null ? ` (row with key ${key})` : ''}: ${reason}`, 'E_UNEXPORTABLE', [hint]);
  }
}

/**
 * A default whose sign introspection could not read (kuzu/default-signs.ts: the copy or the probe
 * failed) would be written as table_info prints it, `1` for `DEFAULT -1`, and every row inserted
 * after a restore would get the wrong value: refused, naming it, before anything is written.
 */
function refuseUnknownDefaultSigns(schema: Schema, warnings: string[]): void {
  for (const t of [...schema.nodes, ...schema.rels]) {
    const p = t.properties.find((x) => x.defaultSignUnknown);
    if (!p) continue;
    const why = warnings.find((w) => w.includes(`${t.name}.${p.name}`)) ?? 'the probe did not run';
    throw new UnloadableValueError(t.name, p.name, null, `its default prints as ${p.default} and its sign could not be read (${why.replace(/^the sign of the default of .*? could not be read \((.*)\); it is compared without its sign$/, '$1')}), so a restore could give new rows the wrong value`, 'the sign is read by inserting a row into a copy of the database and rolling it back: fix what the reason names and export again, or write the default as an expression whose text keeps its sign, e.g. -(1)');
  }
}

/**
 * Values Kuzu can store but not load back (codec.ts, kuzu-notes §3), found before anything is
 * written and refused naming table, property, the first row's key (node tables) and why:
 *   - INT128's minimum: no file parses it back ("INT128 is out of range: cannot negate INT128_MIN");
 *   - the nil UUID (also inside a UUID list), on an engine that cannot checkpoint a table holding it
 *     (Kuzu 0.11.3: the same error, at CHECKPOINT or close), so every import of it would fail;
 *   - a NULL value inside a MAP: map_values() reads it as 0 / '' (an empty string value is
 *     refused too: the text form `{k=}` cannot tell them apart).
 */
async function refuseUnloadableValues(engine: QueryRunner, schema: Schema): Promise<void> {
  for (const t of [...schema.nodes, ...schema.rels]) {
    const v = t.kind === 'node' ? 'n' : 'r';
    const keyOf = t.kind === 'node' ? `CAST(n.${quoteIdent(t.primaryKey)} AS STRING)` : `CAST(NULL AS STRING)`;
    for (const p of t.properties) {
      const x = `${v}.${quoteIdent(p.name)}`;
      let where: string | null = null;
      let reason = '';
      let hint = '';
      if (p.type === 'INT128') {
        where = `CAST(${x} AS STRING) = ${cypherString(INT128_MIN)}`;
        reason = `holds INT128's minimum ${INT128_MIN}, which Kuzu 0.11.3 stores but cannot load back from any file ("INT128 is out of range: cannot negate INT128_MIN")`;
        hint = 'change that value (INT128 minimum + 1 loads back), or the property type';
      } else if (engine.release.capabilities.checkpointsNilUuid) {
        // This engine writes it to disk (LadybugDB): the snapshot carries it like any UUID.
      } else if (p.type === 'UUID') {
        where = `CAST(${x} AS STRING) = ${cypherString(NIL_UUID)}`;
      } else if (/^UUID(\[\d*\])$/.test(p.type)) {
        // One level of list: CAST to STRING[] needs no list lambda (lambdas are wrong past 2,048 elements).
        where = `list_contains(CAST(${x} AS STRING[]), ${cypherString(NIL_UUID)})`;
      }
      if (p.type.startsWith('MAP(')) {
        // A NULL map value prints as nothing after `=` (`{k=, j=1}`); the codec cannot read it:
        // map_values() gives 0 for it (measured: map_values(map(['k','j'],[NULL,1])) = [0,1]).
        where = nullMapValueCondition(p.type, x, engine.release.capabilities.builtinToJson);
        reason = 'holds a map with a NULL value, which Kuzu 0.11.3 cannot read back out of a map (map_values(map([\'k\',\'j\'],[NULL,1])) returns [0,1]), so a snapshot cannot carry it';
        hint = `replace the NULL map values (or the maps: \`${matchAll(t)} WHERE ${where} RETURN ${x}\` lists them), then export again`;
      }
      if (where === null) continue;
      if (p.type !== 'INT128' && !p.type.startsWith('MAP(')) {
        reason = `holds the nil UUID ${NIL_UUID}, which Kuzu 0.11.3 cannot checkpoint ("INT128 is out of range: cannot negate INT128_MIN"): a database loaded from this snapshot could never be written to disk`;
        hint = `replace it first, e.g. \`${matchAll(t)} WHERE ${where} SET ${x} = NULL\` (or gen_random_uuid() for a UUID), then export again`;
      }
      const rows: Row[] = [];
      for (const m of scansOf(t)) rows.push(...(await engine.query(`${m} WHERE ${where} RETURN count(*) AS n, min(${keyOf}) AS k`)));
      const n = rows.reduce((sum, r) => sum + Number(r['n'] ?? 0), 0);
      if (n > 0) {
        const key = rows[0]['k'] === null || rows[0]['k'] === undefined ? null : String(rows[0]['k']);
        throw new UnloadableValueError(t.name, p.name, key, `${n} row${n === 1 ? '' : 's'} ${reason.replace(/^holds/, n === 1 ? 'holds' : 'hold')}`, hint);
      }
    }
  }
}

/** Kuzu's vector size: a list lambda sees its elements in slices of this many (kuzu-notes §10). */
const VECTOR_SIZE = 2048;

/**
 * The number of elements the codec's list lambdas at nesting depth `depth` walk for one value `x`
 * of type `t` (an INT64 expression, never NULL), or null when no lambda reaches that depth.
 * Depth 0 counts without a lambda: a list's or map's size, an array's length, summed over a
 * struct's fields and a union's members. Depth k > 0 counts the elements of the collections held
 * by those elements, with one counting lambda per level: `list_sum(list_transform(x, e -> ...))`.
 * That lambda walks only depth k - 1's elements, so it is run only after depth k - 1 was found
 * within the vector size (refuseLambdaOverflow goes level by level). A NULL struct is not skipped:
 * struct_extract of a NULL struct returns the child vector's leftover value (measured on 0.11.3),
 * and the codec's lambdas walk those leftovers too.
 */
function lambdaElements(t: KuzuType, x: string, depth = 0, vars = { n: 0 }): string | null {
  const below = (element: KuzuType, list: string): string | null => {
    if (depth === 0) return null;
    const e = `_km_c${vars.n++}`;
    const inner = lambdaElements(element, e, depth - 1, vars);
    return inner === null ? null : `coalesce(list_sum(list_transform(${list}, ${e} -> ${inner})), 0)`;
  };
  switch (t.kind) {
    case 'list':
      return depth === 0 ? `coalesce(size(${x}), 0)` : below(t.element, x);
    case 'array':
      return depth === 0 ? `CASE WHEN ${x} IS NULL THEN 0 ELSE ${t.size} END` : below(t.element, `CAST(${x} AS ${renderType(t.element)}[])`);
    case 'map': {
      if (depth === 0) return `coalesce(size(map_keys(${x})), 0)`;
      const parts = [below(t.key, `map_keys(${x})`), below(t.value, `map_values(${x})`)].filter((e): e is string => e !== null);
      return parts.length ? parts.join(' + ') : null;
    }
    case 'struct':
    case 'union': {
      const parts = (t.kind === 'struct' ? t.fields : t.members)
        .map((f) => lambdaElements(f.type, `${t.kind === 'struct' ? 'struct_extract' : 'union_extract'}(${x}, ${cypherString(f.name)})`, depth, vars))
        .filter((e): e is string => e !== null);
      return parts.length ? parts.map((e) => `coalesce(${e}, 0)`).join(' + ') : null;
    }
    default:
      return null;
  }
}

/**
 * Columns the codec writes through list lambdas (encoded lists, arrays, maps, and structs or
 * unions holding them) whose elements exceed Kuzu's vector size within one batch of 2,048 rows, at
 * any nesting depth: a list lambda is wrong there and can crash the process (kuzu-notes §10: a
 * BLOB[][2][] column with two 4,097-element lists segfaulted a CSV export, found by
 * test/integration/whole-db-property.test.ts; a STRUCT(b INT64[])[] column of 5,000 rows, each
 * one struct whose list held a NULL and two more elements, segfaulted both formats while only the
 * outermost lists were counted). Refused before anything is written, naming the table, column and
 * the key of the row holding the most elements in that batch.
 */
async function refuseLambdaOverflow(engine: QueryRunner, schema: Schema, files: ExportFile[], format: SnapshotFormat): Promise<void> {
  for (const f of files) {
    const t = f.kind === 'node' ? schema.nodes.find((n) => n.name === f.table) : schema.rels.find((r) => r.name === f.table);
    if (!t) continue;
    const v = t.kind === 'node' ? 'n' : 'r';
    for (const c of f.columns) {
      if (c.encoding !== 'quoted' || !t.properties.some((p) => p.name === c.name)) continue;
      // Level by level: the counting lambda of depth k is safe only once depth k - 1 passed.
      for (let depth = 0; ; depth++) {
        const count = lambdaElements(parseType(c.type), `${v}.${quoteIdent(c.name)}`, depth);
        if (count === null) break;
        const batch = `offset(id(${v})) / ${VECTOR_SIZE}`;
        // Per FROM→TO pair (scansOf): each pair is stored, and scanned in batches, as a table of its own.
        let worst: Row | undefined;
        for (const m of scansOf(t)) {
          const [w] = await engine.query(`${m} WITH ${batch} AS b, sum(${count}) AS s RETURN b, s ORDER BY s DESC LIMIT 1`);
          if (w && (!worst || Number(w['s'] ?? 0) > Number(worst['s'] ?? 0))) worst = w;
        }
        const total = Number(worst?.['s'] ?? 0);
        if (total <= VECTOR_SIZE) continue;
        let key: string | null = null;
        if (t.kind === 'node') {
          const [row] = await engine.query(`${matchAll(t)} WHERE ${batch} = ${Number(worst!['b'])} RETURN CAST(n.${quoteIdent(t.primaryKey)} AS STRING) AS k ORDER BY ${count} DESC LIMIT 1`);
          key = row ? String(row['k']) : null;
        }
        throw new UnloadableValueError(
          t.name,
          c.name,
          key,
          `${total} ${c.type} ${depth === 0 ? '' : `nested (depth ${depth}) `}elements in one batch of ${VECTOR_SIZE} rows; a ${format} snapshot encodes this type with list functions that Kuzu 0.11.3 evaluates wrongly (or crashes on) past ${VECTOR_SIZE} elements per batch (kuzu-notes §10)`,
          format === 'csv' ? 'export with --format parquet (lists of plain values stay native there), or shorten the lists' : 'shorten the lists, or change the property type to a list of plain values (native in parquet)',
        );
      }
    }
  }
}

/** A written snapshot that does not read back to the database's values: nothing is kept. */
export class UnrestorableError extends RefusedError {
  constructor(readonly table: string, readonly property: string, readonly key: string | null, detail: string) {
    super(
      `cannot export ${table}.${property}${key !== null ? ` (row with key ${key})` : ''}: the written file does not load back to the same values (${detail}); nothing was written`,
      'E_UNRESTORABLE',
      [
        'try the other --format (Parquet keeps lists of plain values natively); kuzu-notes §3 and §10 list what Kuzu 0.11.3 cannot round-trip',
        'report the table and type: this is a value kuzu-migrate cannot snapshot yet',
      ],
    );
  }
}

/**
 * Proves one written data file restorable before export reports success: the file is read back in
 * the source database with the exact decoders `import` uses (`LOAD FROM ... WITH <decoded>`) and
 * its whole-row fingerprint compared with its table's (or rel pair's) in the same minute
 * (kuzu/fingerprint.ts verifyCopy: one hash per row on each side; per column only when they
 * differ, to name the property). A difference names the table and property, and for a node table
 * the first row whose value differs (by its primary key). Returns the rows and the whole-row
 * fingerprint of the database side, which the manifest records.
 *
 * What it does not prove: that Kuzu accepts the rows into a table (keys, checkpoint) — those are
 * checked up front (refuseUnloadableValues) and by import's own verification.
 */
async function proveRestorable(engine: QueryRunner, schema: Schema, f: TableFile, format: SnapshotFormat, resolve: (rel: string) => string): Promise<{ rows: number; hash: string }> {
  let r: Awaited<ReturnType<typeof verifyCopy>>;
  try {
    r = await verifyCopy(engine, f.table, tableSide(schema, f), fileSide(schema, f, format, resolve));
  } catch (err) {
    if (err instanceof KuzuMigrateError) throw err;
    // Kuzu failed to decode what the codec wrote (measured: a STRUCT(b INT64[]) column with NULL
    // structs past row 2,048 wrote a NULL list element as '=', and reading it back failed with
    // 'Cast failed. Could not convert "" to INT64'). That is this file not reading back: the
    // same refusal as a differing value, naming the encoded columns, not an unexplained crash.
    const encoded = f.columns.filter((c) => c.encoding !== 'native').map((c) => c.name);
    const property = encoded.length === 1 ? encoded[0] : `{${encoded.join(', ')}}`;
    throw new UnrestorableError(f.table, property, null, `reading ${f.path} back failed: ${(err as Error).message}`);
  }
  // Equal whole-row sums, not only "no problem": a nested column whose hash() differs but whose
  // to_json is equal (verifyCopy accepts it) would fail import's comparison with the manifest.
  if (r.problems.length === 0 && r.rows === r.from.rows && r.hash === r.from.hash) return r.from;
  const property = r.differing[0] ?? '(rows)';
  let key: string | null = null;
  const node = schema.nodes.find((t) => t.name === f.table);
  if (node && r.differing[0] && r.differing[0] !== KEYS_COLUMN) {
    try {
      const rows = await engine.query(firstDifferingRow(node, f, property, format, resolve));
      if (rows.length > 0) key = String(rows[0]['key']);
    } catch {
      // Naming the row is a courtesy; the refusal stands without it.
    }
  }
  const detail = r.problems[0] ?? (r.rows !== r.from.rows ? `${r.rows} rows in the file, ${r.from.rows} in the table` : `${f.table}.${property}: content differs`);
  throw new UnrestorableError(f.table, property, key, detail.replace(/ after the copy/, ' in the file'));
}

/**
 * Export's restorability proof, run after the fact on a written snapshot: every data file of
 * `manifest` (in folder `dir`) read back in the database at `dbPath` (opened read-only) and
 * compared with its table. Throws UnrestorableError naming the first table, property and (node
 * tables) row that does not read back; returns when every file does. The export strategy, which
 * exports without the proof, runs it only when its load verification fails, so that a value the
 * codec cannot carry is refused as a proved export refuses it.
 */
export async function proveSnapshotFiles(dbPath: string, dir: string, manifest: Manifest): Promise<void> {
  await withEngine(dbPath, { readOnly: true }, async (engine) => {
    for (const t of manifest.tables) {
      for (const f of t.files) await proveRestorable(engine, manifest.schema, { ...f, table: t.table, kind: t.kind }, manifest.format, (r) => path.join(dir, ...r.split('/')));
    }
  });
}

function versionsIn(migrations: string): string[] {
  if (!fs.existsSync(migrations)) return [];
  return fs.readdirSync(migrations).filter((n) => fs.existsSync(path.join(migrations, n, MANIFEST_FILE)));
}

/** An existing version folder is never overwritten; one holding only a CHANGELOG.md is notes written ahead. */
function existingChangelog(dir: string): string | null {
  if (!fs.existsSync(dir)) return null;
  const entries = fs.readdirSync(dir);
  if (entries.length === 1 && entries[0] === CHANGELOG_FILE) return fs.readFileSync(path.join(dir, CHANGELOG_FILE), 'utf8');
  if (entries.length === 0) return null;
  throw new RefusedError(`version ${path.basename(dir)} already exists at ${dir}; a snapshot is never overwritten`, 'E_VERSION_EXISTS', [
    'choose the next version number, or delete that folder yourself if it really is disposable',
  ]);
}

export const README_FILE = 'README.md';

/** README.md of a snapshot: what the files are and how each column was written (the same words as the manifest's column_encodings). */
function snapshotReadme(m: Manifest): string {
  const lines = [
    `# Snapshot ${m.version}`,
    '',
    `Written by kuzu-migrate ${m.tool.version} from ${m.engine ?? 'kuzu'} ${m.kuzu_version} on ${m.created_at}: ${m.total_rows} rows in ${m.format.toUpperCase()} files.`,
    '`schema.cypher` creates the tables, `copy.cypher` loads the files (run from this folder), `manifest.json` holds',
    'row counts, content fingerprints and the sha256 of every file; `kuzu-migrate import` checks and verifies all of it.',
    '',
    '## Column encodings',
    '',
    `- **native**: ${COLUMN_ENCODINGS.native}.`,
    `- **quoted**: ${COLUMN_ENCODINGS.quoted}`,
    `- **list_text**: ${COLUMN_ENCODINGS.list_text}`,
    '',
    '| file | encoded columns |',
    '|---|---|',
  ];
  for (const t of m.tables) {
    for (const f of t.files) {
      const enc = f.columns.filter((c) => c.encoding === 'quoted' || c.encoding === 'encoded').map((c) => `\`${c.name}\` (${c.type})`);
      lines.push(`| \`${f.path}\` | ${enc.length ? enc.join(', ') : 'none: every column is plain'} |`);
    }
  }
  return lines.join('\n') + '\n';
}

/** copy.cypher of a snapshot; `legacyCsv`: as kuzu-migrate wrote it before CSV columns were named (see loadStatement); `serialNested` false: before CSV files with nested encoded columns were read with parallel=false. */
export function copyCypher(manifest: Manifest, legacyCsv = false, serialNested = true): string {
  const lines = [
    '// Loads this snapshot into a database created with schema.cypher. Run from this folder:',
    '// file paths are relative to it. `kuzu-migrate import` runs the same statements and then',
    '// verifies row counts and content fingerprints against manifest.json.',
  ];
  const ordered = [...manifest.tables.filter((t) => t.kind === 'node'), ...manifest.tables.filter((t) => t.kind === 'rel')];
  for (const t of ordered) for (const f of t.files) lines.push(loadStatement(t.table, t.kind, f, manifest.format, (r) => r, legacyCsv, serialNested) + ';');
  for (const s of sequenceStatements(manifest.sequences)) lines.push(s + ';');
  const indexes = manifest.schema.indexes ?? [];
  if (indexes.length) {
    lines.push('// Indexes, after the data, each statement on its own (Kuzu refuses them inside a transaction):');
    for (const i of indexes) lines.push(createIndex(i) + ';');
  }
  return lines.join('\n') + '\n';
}

/** Gives every file under `dir` the mode `mode` and every folder (dir included) folderModeFor(mode); symlinks are not followed. */
function applyModes(dir: string, mode: number): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) applyModes(p, mode);
    else if (e.isFile()) fs.chmodSync(p, mode);
  }
  fs.chmodSync(dir, folderModeFor(mode));
}

/**
 * Writes the data files of a snapshot of `schema` into `dir` (created 0700 if missing): planned,
 * and refused on an unexportable type or value (UnloadableValueError, E_UNEXPORTABLE), before
 * anything is written; then each file is written and handed to `written` (which records it: rows,
 * fingerprint, progress). The one copy used by `export` (whole-row fingerprints, proved) and by
 * `upgrade` (which exports through the source's own release and records per-property
 * fingerprints, compared across releases). Returns the files in the order written.
 */
export async function writeDataFiles(
  engine: QueryRunner,
  schema: Schema,
  format: SnapshotFormat,
  dir: string,
  written: (f: ExportFile) => Promise<void>,
): Promise<ExportFile[]> {
  const plainColumns = format !== 'csv' ? new Set<string>() : await plainCsvColumns(engine, schema);
  const files = exportFiles(schema, format, (r) => path.join(dir, ...r.split('/')), { plainColumns });
  await refuseUnloadableValues(engine, schema);
  await refuseLambdaOverflow(engine, schema, files, format);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dir, ...f.path.split('/'))), { recursive: true });
    await engine.query(f.statement);
    await written(f);
  }
  return files;
}

export async function exportSnapshot(config: ResolvedConfig, options: ExportOptions): Promise<ExportResult> {
  const version = checkVersionName(options.version);
  const format = options.format ?? 'parquet';
  const migrations = path.resolve(config.migrations);
  const dir = versionDir(migrations, version);
  const keptChangelog = existingChangelog(dir);
  if (!fs.existsSync(config.database)) {
    throw new RuntimeError(`database ${config.database} does not exist`, 'E_NO_DATABASE', ['check `database:` in the YAML or pass --database']);
  }
  try {
    fs.mkdirSync(migrations, { recursive: true, mode: folderModeFor(fileMode(config.database)) });
    fs.accessSync(migrations, fs.constants.W_OK);
  } catch (err) {
    throw folderError(err, 'migrations', migrations);
  }
  // A private folder (random name, exclusive, 0700) holds the snapshot until it is whole: a
  // symlink planted at a predictable name cannot redirect what we write. The snapshot itself goes
  // in a subfolder that does not exist yet (EXPORT DATABASE insists on that).
  const priv = makePrivateDir(migrations, 'export');
  const staging = path.join(priv, version);
  // The snapshot holds the database's data: it gets the database's permissions (issue 16 item 7).
  const mode = fileMode(config.database);
  try {
    const manifest = await withEngine(config.database, { readOnly: true }, async (engine) => {
      const live = await introspect(engine);
      const schema = live.schema;
      if (!options.raw) refuseUnknownDefaultSigns(schema, live.warnings);
      const base = {
        format_version: MANIFEST_FORMAT_VERSION,
        tool: { name: 'kuzu-migrate' as const, version: TOOL_VERSION },
        kuzu_version: kuzuVersion(),
        engine: engineKind(),
        storage_version: kuzuStorageVersion(),
        version,
        created_at: (options.now ?? new Date()).toISOString(),
        format,
        raw: options.raw ?? false,
        schema_only: options.schemaOnly ?? false,
        database: path.resolve(config.database),
        declared_fingerprint: schemaFingerprint(config.schema),
        live_fingerprint: schemaFingerprint(schema),
        schema,
        // When the YAML describes exactly this database, keep its rename hints: `diff` between
        // versions then shows a declared rename as a rename, as `plan` did, not as drop + add.
        ...(schemaFingerprint(config.schema) === schemaFingerprint(schema) ? { declared_schema: config.schema } : {}),
      };
      // One whole-row fingerprint per table (manifest format 2), summed over its files; byte order of name.
      const byName = (x: Table, y: Table) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0);
      const tables: ManifestTable[] = options.schemaOnly
        ? []
        : [...schema.nodes, ...schema.rels].sort(byName).map((t) => ({ table: t.name, kind: t.kind, rows: 0, fingerprint: rowEntry(t.name, t.kind, 0, '0'), files: [] }));
      const sequences = await readSequences(engine, schema);
      if (options.raw) {
        for (const t of tables) {
          t.fingerprint = await rowFingerprintTable(engine, [...schema.nodes, ...schema.rels].find((x) => x.name === t.table)!, schema);
          t.rows = t.fingerprint.rows;
        }
        // Kuzu's own EXPORT DATABASE, unchanged (lossy: kuzu-notes §3). It wants a folder that does not exist.
        await engine.query(`EXPORT DATABASE ${cypherString(staging)} (format=${cypherString(format)}${options.schemaOnly ? ', schema_only=true' : ''})`);
      } else {
        const resolve = (r: string) => path.join(staging, ...r.split('/'));
        if (options.schemaOnly) fs.mkdirSync(staging, { mode: 0o700 });
        else {
          await writeDataFiles(engine, schema, format, staging, async (f) => {
            // The proof's database side is the table's fingerprint (and its row count): no separate
            // scan for either. Without the proof (the export strategy), the same fingerprint alone.
            const side = tableSide(schema, f);
            const content = options.prove === false
              ? await rowFingerprints(engine, side.match, side.keys, [side.columns]).then((r) => ({ rows: r.rows, hash: r.hashes[0] }))
              : await proveRestorable(engine, schema, f, format, resolve);
            const t = tables.find((x) => x.table === f.table)!;
            t.rows += content.rows;
            t.fingerprint = rowEntry(t.table, t.kind, t.rows, addHashes(t.fingerprint.properties[ROW_COLUMN].hash, content.hash));
            const { statement: _s, table: _t, kind: _k, ...file } = f;
            t.files.push({ ...file, rows: content.rows });
            options.onEvent?.({ phase: 'export', message: f.path, table: f.table, rows: content.rows });
          });
        }
        fs.writeFileSync(path.join(staging, SCHEMA_FILE), schemaToCypher(schema));
      }
      const total = tables.reduce((n, t) => n + t.rows, 0);
      const m: Manifest = { ...base, sequences, tables, files: [], total_rows: total, ...(options.raw ? {} : { column_encodings: { ...COLUMN_ENCODINGS } }) };
      if (!options.raw) fs.writeFileSync(path.join(staging, COPY_FILE), copyCypher(m));
      if (!options.raw && !options.schemaOnly) fs.writeFileSync(path.join(staging, README_FILE), snapshotReadme(m));
      return m;
    });
    manifest.files = await checksumFolder(staging);
    fs.writeFileSync(path.join(staging, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
    const previous = previousVersion(versionsIn(migrations), version);
    if (keptChangelog !== null) {
      fs.writeFileSync(path.join(staging, CHANGELOG_FILE), keptChangelog);
    } else {
      const prevSchema = previous ? readManifest(path.join(migrations, previous)).schema : null;
      // When the YAML declares this very version and matches what was exported, diff against the
      // declaration: its renamed_from hints turn a drop + add into the rename it was.
      const target = config.version === version && manifest.declared_fingerprint === manifest.live_fingerprint ? config.schema : manifest.schema;
      const changes = prevSchema ? diffLenient(prevSchema, target, []) : [];
      fs.writeFileSync(
        path.join(staging, CHANGELOG_FILE),
        renderChangelog({ version, previous, changes, date: options.now ?? new Date(), tables: manifest.schema.nodes.length + manifest.schema.rels.length, rows: manifest.total_rows }),
      );
    }
    for (const f of manifest.files) fsyncPath(path.join(staging, ...f.path.split('/')));
    applyModes(staging, mode);
    if (keptChangelog !== null) fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(staging, dir);
    fsyncPath(migrations);
    fs.rmSync(priv, { recursive: true, force: true });
    return {
      version,
      path: dir,
      format,
      raw: manifest.raw,
      schema_only: manifest.schema_only,
      tables: manifest.schema.nodes.length + manifest.schema.rels.length,
      rows: manifest.total_rows,
      bytes: manifest.files.reduce((n, f) => n + f.bytes, 0),
      previous,
      changelog_kept: keptChangelog !== null,
    };
  } catch (err) {
    fs.rmSync(priv, { recursive: true, force: true });
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') throw folderError(err, 'migrations', migrations);
    throw err;
  }
}

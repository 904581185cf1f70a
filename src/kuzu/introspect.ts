/**
 * Introspection: reads a live database's schema from the catalog only (show_tables, table_info,
 * show_connection, and a schema-only EXPORT for multiplicity, which nothing else shows). Its cost
 * does not grow with the number of rows; row counts are separate count queries, run only when a
 * destructive change needs them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cypherString, identifierProblem, quoteIdent, RESERVED_PREFIXES } from '../core/identifiers';
import { RefusedError } from '../core/errors';
import { Index, INDEX_DEFAULTS, isEngineMacro, Macro, Multiplicity, MULTIPLICITIES, NodeTable, Property, RelTable, Schema, Sequence, StorageDirection, emptySchema } from '../core/model';
import { serialSequenceCandidates } from '../core/plan';
import { tryParseType, renderType } from '../core/types';
import { withEngine } from './engine';
import { probeDefaultSigns } from './default-signs';
import type { QueryRunner } from '../engines/runner';

export interface LiveSchema {
  schema: Schema;
  /** False when the database file does not exist yet (planning then creates everything). */
  exists: boolean;
  /** Rel tables without properties: table_info returns no row for them, so storage_direction is unknown. */
  unknownStorageDirection: string[];
  warnings: string[];
}

/** Tables kuzu-migrate keeps for itself (history, staging); planning ignores them. */
export function isReservedTable(name: string): boolean {
  const lower = name.toLowerCase();
  return RESERVED_PREFIXES.some((p) => lower.startsWith(p));
}

function canonicalType(raw: string): string {
  const parsed = tryParseType(raw);
  return parsed.ok ? renderType(parsed.type) : raw;
}

function toProperty(row: Record<string, unknown>): Property {
  const type = canonicalType(String(row['type']));
  const rawDefault = row['default expression'];
  // table_info reports "NULL" for no default and '' for SERIAL (whose value comes from a sequence).
  const def = rawDefault === null || rawDefault === undefined || rawDefault === '' || String(rawDefault) === 'NULL' ? null : String(rawDefault);
  return { name: String(row['name']), type, default: type === 'SERIAL' ? null : def };
}

/**
 * The live schema of `engine`'s database. `probeSigns: false` leaves bare-number defaults as
 * table_info prints them (sign possibly lost) instead of evaluating them on a copy
 * (default-signs.ts), for a caller that evaluates them itself (probeDefaultSignsInPlace).
 */
export async function introspect(engine: QueryRunner, options: { probeSigns?: boolean } = {}): Promise<LiveSchema> {
  const schema = emptySchema();
  const unknownStorageDirection: string[] = [];
  const warnings: string[] = [];
  // The database's own tables: Kuzu names it `local(kuzu)`, LadybugDB `main(<name>)`; attached
  // databases carry their alias and are not managed.
  const tables = (await engine.query('CALL show_tables() RETURN *')).filter(
    (t) => !isReservedTable(String(t['name'])) && /^(local|main)\(/.test(String(t['database name'] ?? '')),
  );
  // A name Kuzu accepts but cannot introspect (identifierProblem says why) is refused here, so
  // init says so instead of writing a YAML that validate then rejects.
  for (const t of tables) {
    const problem = identifierProblem(String(t['name']));
    if (problem) throw new UnsupportedNameError(`table ${String(t['name'])}`, problem);
  }
  // One schema-only export per read: multiplicities, macros and FTS ignore patterns are visible
  // nowhere else (kuzu-notes §5, §8). ~30 ms for 200 tables.
  let exported: string;
  try {
    exported = await schemaExport(engine);
  } catch (err) {
    // Kuzu's schema-only EXPORT fails on some names (a property `a.b`, kuzu-notes §10): name it.
    const bad = await firstBadPropertyName(engine, tables.map((t) => String(t['name'])));
    if (bad) throw new UnsupportedNameError(`property ${bad.table}.${bad.property}`, identifierProblem(bad.property)!);
    const key = await quotedEndpointKey(engine, tables, err);
    if (key) {
      throw new UnsupportedNameError(
        `property ${key.table}.${key.property}`,
        `the primary key of a table that rel table ${key.rel} connects is named "${key.property}", which Kuzu 0.11.3's EXPORT DATABASE writes unquoted (\`RETURN a.${key.property}\` fails to parse), so the schema cannot be read (multiplicities, macros)`,
      );
    }
    throw err;
  }
  const multiplicities = parseMultiplicities(exported);
  for (const t of tables) {
    const name = String(t['name']);
    const comment = String(t['comment'] ?? '');
    const info = await engine.query(`CALL table_info(${cypherString(name)}) RETURN *`);
    const properties = info.map(toProperty);
    for (const p of properties) {
      const problem = identifierProblem(p.name);
      if (problem) throw new UnsupportedNameError(`property ${name}.${p.name}`, problem);
    }
    if (t['type'] === 'NODE') {
      const pk = info.find((r) => r['primary key'] === true);
      const node: NodeTable = { kind: 'node', name, primaryKey: pk ? String(pk['name']) : '', properties, comment };
      schema.nodes.push(node);
    } else if (t['type'] === 'REL') {
      const conns = await engine.query(`CALL show_connection(${cypherString(name)}) RETURN *`);
      let storageDirection: StorageDirection = 'both';
      if (info.length > 0) storageDirection = String(info[0]['storage_direction'] ?? 'both') as StorageDirection;
      else unknownStorageDirection.push(name);
      const rel: RelTable = {
        kind: 'rel',
        name,
        connections: conns.map((c) => ({ from: String(c['source table name']), to: String(c['destination table name']) })),
        multiplicity: multiplicities.get(name.toLowerCase()) ?? 'MANY_MANY',
        storageDirection,
        properties,
        comment,
      };
      if (!multiplicities.has(name.toLowerCase())) warnings.push(`multiplicity of ${name} could not be read; assumed MANY_MANY`);
      schema.rels.push(rel);
    } else {
      warnings.push(`table ${name} of type ${String(t['type'])} is not managed by kuzu-migrate`);
    }
  }
  // table_info drops the unary minus of `DEFAULT -1`: evaluated on a private copy (default-signs.ts).
  if (options.probeSigns !== false) warnings.push(...(await probeDefaultSigns(engine, schema)));
  await readCatalogObjects(engine, schema, exported);
  return { schema, exists: true, unknownStorageDirection, warnings };
}

/** A table or property name kuzu-migrate cannot manage, found in a live database (exit 3). */
export class UnsupportedNameError extends RefusedError {
  constructor(what: string, problem: string) {
    super(`${what}: ${problem}`, 'E_UNSUPPORTED_NAME', [
      'rename it in Kuzu first (ALTER TABLE ... RENAME TO / RENAME x TO y), then run the command again',
    ]);
  }
}

async function firstBadPropertyName(engine: QueryRunner, tables: string[]): Promise<{ table: string; property: string } | null> {
  for (const t of tables) {
    for (const r of await engine.query(`CALL table_info(${cypherString(t)}) RETURN name`)) {
      if (identifierProblem(String(r['name']))) return { table: t, property: String(r['name']) };
    }
  }
  return null;
}

/**
 * The primary key that made Kuzu's schema-only EXPORT fail, if that was the cause: Kuzu 0.11.3
 * builds `MATCH (a)-[r:R]->(b) RETURN a.<key>, b.<key>, r.*` for every rel table without quoting the
 * endpoints' key names, so a key named `key id`, `ORDER` or `x-y` fails ("Invalid input < id>",
 * "Invalid input <a.ORDER>", "Cannot find property x for a") while `MATCH` or `é` pass (measured;
 * found by test/integration/whole-db-property.test.ts). A key is blamed when it is not a plain
 * identifier or when the error names it.
 */
async function quotedEndpointKey(engine: QueryRunner, tables: Record<string, unknown>[], err: unknown): Promise<{ table: string; property: string; rel: string } | null> {
  const message = err instanceof Error ? err.message : String(err);
  for (const t of tables) {
    if (String(t['type']) !== 'REL') continue;
    const rel = String(t['name']);
    for (const c of await engine.query(`CALL show_connection(${cypherString(rel)}) RETURN *`)) {
      for (const [table, key] of [
        [c['source table name'], c['source table primary key']],
        [c['destination table name'], c['destination table primary key']],
      ]) {
        const property = String(key);
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(property) || message.includes(`a.${property}`) || message.includes(`b.${property}`)) return { table: String(table), property, rel };
      }
    }
  }
  return null;
}

/**
 * Indexes, standalone sequences and macros, into `schema`. Engine objects are left out: the
 * sequences behind SERIAL properties (`<table>_<prop>_serial`, a rebuilt table's staging name too)
 * and the tokenizer macros FTS indexes make (`0_<INDEX>_TOKENIZE`). `CALL show_functions()` is
 * never called: it segfaults whenever a macro exists (kuzu-notes §8).
 */
export async function readCatalogObjects(engine: QueryRunner, schema: Schema, exported: string): Promise<void> {
  const tokenizers = parseMacros(exported, true);
  const indexes: Index[] = [];
  // Releases before FTS/vector indexes (and engines built without them) have no SHOW_INDEXES: no indexes.
  const indexRows = await engine.query('CALL SHOW_INDEXES() RETURN *').catch(() => [] as Record<string, unknown>[]);
  for (const r of indexRows) {
    const table = String(r['table_name']);
    if (isReservedTable(table)) continue;
    const idx = parseIndexDefinition(String(r['index_definition'] ?? ''), table, String(r['index_name']), String(r['index_type']));
    if (!idx) continue;
    if (idx.type === 'fts') {
      const tok = tokenizers.find((m) => m.name.toUpperCase() === `0_${idx.name.toUpperCase()}_TOKENIZE`);
      const pattern = tok ? /regexp_replace\(\s*CAST\(query as STRING\),\s*('(?:\\.|[^'\\])*')/i.exec(tok.body) : null;
      if (pattern) idx.options.ignore_pattern = unquoteCypher(pattern[1]);
    }
    indexes.push(idx);
  }
  const serials = new Set<string>();
  for (const t of [...schema.nodes, ...schema.rels]) {
    for (const p of t.properties) if (p.type === 'SERIAL') for (const n of serialSequenceCandidates(t.name, p.name)) serials.add(n.toLowerCase());
  }
  const sequences: Sequence[] = [];
  const seqRows = await engine
    .query('CALL show_sequences() RETURN name, `database name` AS db, CAST(`start value` AS STRING) AS start, CAST(`increment` AS STRING) AS inc, CAST(`min value` AS STRING) AS min, CAST(`max value` AS STRING) AS max, `cycle` AS cycle')
    .catch(() => [] as Record<string, unknown>[]);
  for (const r of seqRows) {
    const name = String(r['name']);
    if (!/^(local|main)\(/.test(String(r['db'] ?? 'local('))) continue;
    if (serials.has(name.toLowerCase()) || isReservedTable(name)) continue;
    sequences.push({ name, start: String(r['start']), increment: String(r['inc']), min: String(r['min']), max: String(r['max']), cycle: r['cycle'] === true, position: await sequencePosition(engine, name) });
  }
  const macros = parseMacros(exported, false);
  if (indexes.length) schema.indexes = indexes;
  if (sequences.length) schema.sequences = sequences;
  if (macros.length) schema.macros = macros;
}

/** The last value a sequence handed out, as a decimal string; null while it was never used. */
export async function sequencePosition(engine: QueryRunner, name: string): Promise<string | null> {
  try {
    const v = await engine.scalar(`RETURN CAST(currval(${cypherString(name)}) AS STRING)`);
    return v === null || v === undefined ? null : String(v);
  } catch {
    return null; // "sequence is not yet defined. To define the sequence, call nextval first."
  }
}

/** A Cypher string literal's value (`'a\\'b'` → `a'b`): the inverse of cypherString. */
export function unquoteCypher(literal: string): string {
  return literal.slice(1, -1).replace(/\\(.)/g, '$1');
}

/**
 * Parses `index_definition` of SHOW_INDEXES(): the full `CALL CREATE_FTS_INDEX('T', 'i', ['p'],
 * stemmer := 'english', ...)` / `CALL CREATE_VECTOR_INDEX('T', 'i', 'p', mu := 30, ...)` with
 * every option filled in. Null for an index type kuzu-migrate does not know.
 */
export function parseIndexDefinition(definition: string, table: string, name: string, kuzuType: string): Index | null {
  const type = /^FTS$/i.test(kuzuType) ? 'fts' : /^HNSW$/i.test(kuzuType) ? 'vector' : null;
  if (!type) return null;
  const props: string[] = [];
  const propsMatch = type === 'fts' ? /\[([^\]]*)\]/.exec(definition) : /^CALL\s+\w+\(\s*'(?:\\.|[^'\\])*'\s*,\s*'(?:\\.|[^'\\])*'\s*,\s*('(?:\\.|[^'\\])*')/i.exec(definition);
  if (propsMatch) for (const m of propsMatch[1].matchAll(/'(?:\\.|[^'\\])*'/g)) props.push(unquoteCypher(m[0]));
  const options: Record<string, string | number> = { ...INDEX_DEFAULTS[type] };
  for (const m of definition.matchAll(/(\w+)\s*:=\s*('(?:\\.|[^'\\])*'|-?[0-9.eE+-]+)/g)) {
    options[m[1]] = m[2].startsWith("'") ? unquoteCypher(m[2]) : Number(m[2]);
  }
  return { name, table, type, properties: props, options };
}

/**
 * `CREATE MACRO \`NAME\` (params) AS body;` statements of a schema export. `engine` selects the
 * FTS tokenizer macros (true) or the user's (false).
 */
export function parseMacros(schemaCypher: string, engineOnes: boolean): Macro[] {
  const out: Macro[] = [];
  // 0.11 quotes the name (`CREATE MACRO \`ADDONE\` (x)`); 0.9/0.10 do not (`CREATE MACRO ADDONE (x)`).
  for (const m of schemaCypher.matchAll(/^CREATE MACRO (?:`([^`]+)`|([A-Za-z_][A-Za-z0-9_]*)) \(([^)]*)\) AS ([\s\S]*?);[ \t]*$/gm)) {
    const name = m[1] ?? m[2];
    if (isEngineMacro(name) !== engineOnes) continue;
    const parameters = m[3].split(',').map((p) => p.trim()).filter(Boolean);
    out.push({ name, parameters, body: m[4].trim() });
  }
  return out;
}

/**
 * `schema.cypher` of `EXPORT DATABASE ... (schema_only=true)`: the only place multiplicity and
 * macros are visible (kuzu-notes §5, §8). The export goes to a private temporary folder (Kuzu
 * wants a folder that does not exist yet) and is removed afterwards; ~30 ms for 200 tables.
 */
export async function schemaExport(engine: QueryRunner): Promise<string> {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'kuzu-migrate-introspect-'));
  const target = path.join(parent, 'schema');
  try {
    await engine.query(`EXPORT DATABASE ${cypherString(target)} (schema_only=true)`);
    return fs.readFileSync(path.join(target, 'schema.cypher'), 'utf8');
  } finally {
    fs.rmSync(parent, { recursive: true, force: true });
  }
}

/** Reads `CREATE REL TABLE \`R\` (..., MANY_ONE);` lines of a Kuzu schema export. */
export function parseMultiplicities(schemaCypher: string): Map<string, Multiplicity> {
  const out = new Map<string, Multiplicity>();
  for (const line of schemaCypher.split('\n')) {
    const m = /^CREATE REL TABLE `([^`]+)`.*[,(]\s*(MANY_MANY|MANY_ONE|ONE_MANY|ONE_ONE)\s*\)[^)]*;?\s*$/i.exec(line.trim());
    if (m && (MULTIPLICITIES as readonly string[]).includes(m[2].toUpperCase())) out.set(m[1].toLowerCase(), m[2].toUpperCase() as Multiplicity);
  }
  return out;
}

/**
 * Reads the live schema of `dbPath` through a read-only handle and hands it, with the open engine
 * for further read-only queries (row counts, history), to `fn`. A missing file is an empty schema
 * and no engine, not an error: planning against it creates everything.
 */
export async function readLive<T>(dbPath: string, fn: (live: LiveSchema, engine: QueryRunner | null) => Promise<T>): Promise<T> {
  if (!fs.existsSync(dbPath)) return fn({ schema: emptySchema(), exists: false, unknownStorageDirection: [], warnings: [] }, null);
  return withEngine(dbPath, { readOnly: true }, async (engine) => fn(await introspect(engine), engine));
}

/** Introspects the database at `dbPath` read-only; a missing file is an empty schema, not an error. */
export async function introspectPath(dbPath: string): Promise<LiveSchema> {
  return readLive(dbPath, async (live) => live);
}

/** Number of rows (nodes or relationships) of a table, counted inside Kuzu. */
export async function countRows(engine: QueryRunner, table: { kind: 'node' | 'rel'; name: string }): Promise<number> {
  const q =
    table.kind === 'node'
      ? `MATCH (n:${quoteIdent(table.name)}) RETURN count(*)`
      : `MATCH ()-[r:${quoteIdent(table.name)}]->() RETURN count(*)`;
  return Number(await engine.scalar(q));
}

/** Rows whose `property` is not NULL: the data a drop of that property removes. */
export async function countNonNull(engine: QueryRunner, table: { kind: 'node' | 'rel'; name: string }, property: string): Promise<number> {
  const v = table.kind === 'node' ? 'n' : 'r';
  const pattern = table.kind === 'node' ? `(n:${quoteIdent(table.name)})` : `()-[r:${quoteIdent(table.name)}]->()`;
  return Number(await engine.scalar(`MATCH ${pattern} WHERE ${v}.${quoteIdent(property)} IS NOT NULL RETURN count(*)`));
}

/** Relationships of `rel` between `from` and `to` nodes: what dropping that connection deletes. */
export async function countEdges(engine: QueryRunner, rel: string, from: string, to: string): Promise<number> {
  return Number(await engine.scalar(`MATCH (:${quoteIdent(from)})-[r:${quoteIdent(rel)}]->(:${quoteIdent(to)}) RETURN count(*)`));
}

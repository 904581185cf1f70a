/**
 * Introspection: reads a live database's schema from the catalog only (show_tables, table_info,
 * show_connection, and a schema-only EXPORT for multiplicity, which nothing else shows). Its cost
 * does not grow with the number of rows; row counts are separate count queries, run only when a
 * destructive change needs them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cypherString, quoteIdent, RESERVED_PREFIXES } from '../core/identifiers';
import { Multiplicity, MULTIPLICITIES, NodeTable, Property, RelTable, Schema, StorageDirection, emptySchema } from '../core/model';
import { tryParseType, renderType } from '../core/types';
import { withEngine } from './engine';
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

export async function introspect(engine: QueryRunner): Promise<LiveSchema> {
  const schema = emptySchema();
  const unknownStorageDirection: string[] = [];
  const warnings: string[] = [];
  // The database's own tables: Kuzu names it `local(kuzu)`, LadybugDB `main(<name>)`; attached
  // databases carry their alias and are not managed.
  const tables = (await engine.query('CALL show_tables() RETURN *')).filter(
    (t) => !isReservedTable(String(t['name'])) && /^(local|main)\(/.test(String(t['database name'] ?? '')),
  );
  const multiplicities = tables.some((t) => t['type'] === 'REL') ? await readMultiplicities(engine) : new Map<string, Multiplicity>();
  for (const t of tables) {
    const name = String(t['name']);
    const comment = String(t['comment'] ?? '');
    const info = await engine.query(`CALL table_info(${cypherString(name)}) RETURN *`);
    const properties = info.map(toProperty);
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
  return { schema, exists: true, unknownStorageDirection, warnings };
}

/**
 * Multiplicity is visible only in `EXPORT DATABASE ... (schema_only=true)` (kuzu-notes §5). The
 * export goes to a private temporary folder (Kuzu wants a folder that does not exist yet) and is
 * removed afterwards; it takes ~30 ms for 200 tables.
 */
async function readMultiplicities(engine: QueryRunner): Promise<Map<string, Multiplicity>> {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'kuzu-migrate-introspect-'));
  const target = path.join(parent, 'schema');
  try {
    await engine.query(`EXPORT DATABASE ${cypherString(target)} (schema_only=true)`);
    return parseMultiplicities(fs.readFileSync(path.join(target, 'schema.cypher'), 'utf8'));
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

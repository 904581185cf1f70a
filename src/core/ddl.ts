/**
 * Cypher DDL for the schema model. Every name goes through quoteIdent (names are validated before
 * they reach the model); comments and string data go through cypherString.
 */
import { cypherString, quoteIdent } from './identifiers';
import { Connection, Index, Macro, NodeTable, Property, RelTable, Schema, Sequence, Table } from './model';

function propertyDefinition(p: Property): string {
  const def = p.default !== null && p.default.trim() !== '' && !/^null$/i.test(p.default.trim()) ? ` DEFAULT ${p.default}` : '';
  return `${quoteIdent(p.name)} ${p.type}${def}`;
}

export function createNodeTable(t: NodeTable, name = t.name): string {
  const cols = t.properties.map(propertyDefinition);
  return `CREATE NODE TABLE ${quoteIdent(name)} (${[...cols, `PRIMARY KEY (${quoteIdent(t.primaryKey)})`].join(', ')})`;
}

/**
 * `endpoint` maps a node table name to the name to use in FROM/TO (staging tables during a rewrite).
 */
export function createRelTable(t: RelTable, name = t.name, endpoint: (node: string) => string = (n) => n): string {
  const parts = [
    ...t.connections.map((c) => `FROM ${quoteIdent(endpoint(c.from))} TO ${quoteIdent(endpoint(c.to))}`),
    ...t.properties.map(propertyDefinition),
    t.multiplicity,
  ];
  const withClause = t.storageDirection !== 'both' ? ` WITH (storage_direction=${cypherString(t.storageDirection)})` : '';
  return `CREATE REL TABLE ${quoteIdent(name)} (${parts.join(', ')})${withClause}`;
}

export function createTable(t: Table, name = t.name): string {
  return t.kind === 'node' ? createNodeTable(t, name) : createRelTable(t, name);
}

export function dropTable(name: string): string {
  return `DROP TABLE ${quoteIdent(name)}`;
}

export function renameTable(from: string, to: string): string {
  return `ALTER TABLE ${quoteIdent(from)} RENAME TO ${quoteIdent(to)}`;
}

export function renameProperty(table: string, from: string, to: string): string {
  return `ALTER TABLE ${quoteIdent(table)} RENAME ${quoteIdent(from)} TO ${quoteIdent(to)}`;
}

export function addProperty(table: string, p: Property): string {
  return `ALTER TABLE ${quoteIdent(table)} ADD ${propertyDefinition(p)}`;
}

export function dropProperty(table: string, property: string): string {
  return `ALTER TABLE ${quoteIdent(table)} DROP ${quoteIdent(property)}`;
}

export function addConnection(table: string, c: Connection): string {
  return `ALTER TABLE ${quoteIdent(table)} ADD FROM ${quoteIdent(c.from)} TO ${quoteIdent(c.to)}`;
}

export function dropConnection(table: string, c: Connection): string {
  return `ALTER TABLE ${quoteIdent(table)} DROP FROM ${quoteIdent(c.from)} TO ${quoteIdent(c.to)}`;
}

export function commentOnTable(table: string, comment: string): string {
  return `COMMENT ON TABLE ${quoteIdent(table)} IS ${cypherString(comment)}`;
}

/** The pattern binding every row of a table: `(n:T)` for nodes, `()-[r:R]->()` for rels. */
export function matchAll(t: { kind: 'node' | 'rel'; name: string }, variable = t.kind === 'node' ? 'n' : 'r'): string {
  return t.kind === 'node' ? `MATCH (${variable}:${quoteIdent(t.name)})` : `MATCH ()-[${variable}:${quoteIdent(t.name)}]->()`;
}

/** `MATCH ... SET x.p = expr`: fills a property from an expression over the row. */
export function backfillProperty(t: { kind: 'node' | 'rel'; name: string }, property: string, expression: string): string {
  const v = t.kind === 'node' ? 'n' : 'r';
  return `${matchAll(t, v)} SET ${v}.${quoteIdent(property)} = ${expression}`;
}

/**
 * The whole schema as Cypher DDL, with what Kuzu's own EXPORT drops (defaults, comments,
 * storage_direction) kept. Nodes first, then rels, each sorted by name so output is stable.
 */
export function schemaToCypher(schema: Schema): string {
  const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const lines: string[] = [];
  for (const t of [...schema.nodes].sort(byName)) lines.push(createNodeTable(t) + ';');
  for (const t of [...schema.rels].sort(byName)) lines.push(createRelTable(t) + ';');
  for (const t of [...schema.nodes, ...schema.rels].sort(byName)) {
    if (t.comment) lines.push(commentOnTable(t.name, t.comment) + ';');
  }
  lines.push(...sequenceAndMacroStatements(schema).map((x) => x + ';'));
  return lines.join('\n') + (lines.length ? '\n' : '');
}

/**
 * Standalone sequences at their positions (a used one created at its last value, which one
 * nextval then consumes, as Kuzu's own EXPORT writes it; an unused one at its start, where
 * Kuzu's EXPORT wrongly consumes the start) and macros.
 */
export function sequenceAndMacroStatements(schema: Schema): string[] {
  const out: string[] = [];
  for (const q of schema.sequences ?? []) {
    out.push(createSequence(q, q.position ?? q.start));
    if (q.position !== undefined && q.position !== null) out.push(consumeSequenceValue(q.name));
  }
  for (const m of schema.macros ?? []) out.push(createMacro(m));
  return out;
}

/** `CALL CREATE_FTS_INDEX(...)` / `CALL CREATE_VECTOR_INDEX(...)` with every option spelt out. */
export function createIndex(i: Index, table = i.table): string {
  const opts = Object.entries(i.options).map(([k, v]) => {
    if (!/^[A-Za-z_]+$/.test(k)) throw new Error(`refusing index option name ${JSON.stringify(k)}`);
    return `${k} := ${typeof v === 'number' ? String(v) : cypherString(v)}`;
  });
  const target =
    i.type === 'fts'
      ? `${cypherString(table)}, ${cypherString(i.name)}, [${i.properties.map(cypherString).join(', ')}]`
      : `${cypherString(table)}, ${cypherString(i.name)}, ${cypherString(i.properties[0])}`;
  return `CALL ${i.type === 'fts' ? 'CREATE_FTS_INDEX' : 'CREATE_VECTOR_INDEX'}(${[target, ...opts].join(', ')})`;
}

export function dropIndex(i: Pick<Index, 'type' | 'name' | 'table'>, table = i.table): string {
  return `CALL ${i.type === 'fts' ? 'DROP_FTS_INDEX' : 'DROP_VECTOR_INDEX'}(${cypherString(table)}, ${cypherString(i.name)})`;
}

/**
 * A query an index answers: FTS with a word, vector with `vector` (a literal list, e.g. a stored
 * embedding read first: QUERY_VECTOR_INDEX takes no property reference). Returns node ids.
 */
export function probeIndex(i: Pick<Index, 'type' | 'name' | 'table'>, queryText: string, vector: number[] = [], k = 5, table = i.table): string {
  return i.type === 'fts'
    ? `CALL QUERY_FTS_INDEX(${cypherString(table)}, ${cypherString(i.name)}, ${cypherString(queryText)}) RETURN count(*)`
    : `CALL QUERY_VECTOR_INDEX(${cypherString(table)}, ${cypherString(i.name)}, [${vector.map((x) => (Number.isFinite(x) ? String(x) : '0')).join(', ')}], ${k}) RETURN count(*)`;
}

/** `CREATE SEQUENCE` with every option; `start` may be the `{position}` placeholder apply fills in. */
export function createSequence(q: Sequence, start: string = q.start): string {
  return `CREATE SEQUENCE ${quoteIdent(q.name)} START ${start} INCREMENT ${q.increment} MINVALUE ${q.min} MAXVALUE ${q.max} ${q.cycle ? 'CYCLE' : 'NO CYCLE'}`;
}

export function dropSequence(name: string): string {
  return `DROP SEQUENCE ${quoteIdent(name)}`;
}

/** `RETURN nextval(...)`: after a CREATE at the last used value, makes that value consumed (as Kuzu's EXPORT does). */
export function consumeSequenceValue(name: string): string {
  return `RETURN nextval(${cypherString(name)})`;
}

export function createMacro(m: Macro): string {
  const params = m.parameters.map((p) => {
    const [name, def] = p.split(':=');
    return def === undefined ? quoteIdent(name.trim()) : `${quoteIdent(name.trim())} := ${def.trim()}`;
  });
  return `CREATE MACRO ${quoteIdent(m.name)}(${params.join(', ')}) AS ${m.body}`;
}

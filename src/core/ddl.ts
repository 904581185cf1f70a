/**
 * Cypher DDL for the schema model. Every name goes through quoteIdent (names are validated before
 * they reach the model); comments and string data go through cypherString.
 */
import { cypherString, quoteIdent } from './identifiers';
import { Connection, NodeTable, Property, RelTable, Schema, Table } from './model';

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
  return lines.join('\n') + (lines.length ? '\n' : '');
}

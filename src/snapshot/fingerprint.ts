/**
 * Content fingerprints of a snapshot's tables: kuzu/fingerprint.ts's fingerprintQuery (sum of
 * hash({k: row key, v: value}) per property, NULL-safe), with one adaptation: Kuzu's count() does
 * not take a DECIMAL (measured: "Function COUNT did not receive correct arguments: Actual:
 * (DECIMAL(18, 4))"), so a DECIMAL value is fingerprinted wrapped in a one-field struct (NULL stays
 * NULL). The manifest, import and verify all use this function, so the numbers are comparable.
 */
import { quoteIdent } from '../core/identifiers';
import { NodeTable, RelTable, Schema, Table } from '../core/model';
import { KuzuEngine } from '../kuzu/engine';
import { ColumnFingerprint, fingerprintQuery, TableFingerprint } from '../kuzu/fingerprint';

function valueExpr(expr: string, type: string): string {
  return /^DECIMAL/i.test(type) ? `CASE WHEN ${expr} IS NULL THEN NULL ELSE {d: ${expr}} END` : expr;
}

async function nodeTable(engine: KuzuEngine, t: NodeTable): Promise<TableFingerprint> {
  const pk = t.properties.find((p) => p.name === t.primaryKey);
  const res = await fingerprintQuery(
    engine,
    `MATCH (n:${quoteIdent(t.name)})`,
    valueExpr(`n.${quoteIdent(t.primaryKey)}`, pk?.type ?? ''),
    t.properties.map((p) => ({ name: p.name, expr: valueExpr(`n.${quoteIdent(p.name)}`, p.type) })),
  );
  return { table: t.name, kind: 'node', rows: res.rows, properties: res.columns };
}

async function relTable(engine: KuzuEngine, t: RelTable, schema: Schema): Promise<TableFingerprint> {
  let rows = 0;
  const properties: Record<string, ColumnFingerprint> = {};
  for (const c of t.connections) {
    const from = schema.nodes.find((n) => n.name === c.from);
    const to = schema.nodes.find((n) => n.name === c.to);
    if (!from || !to) throw new Error(`rel ${t.name}: endpoint ${c.from} or ${c.to} is not a node table`);
    const a = valueExpr(`a.${quoteIdent(from.primaryKey)}`, from.properties.find((p) => p.name === from.primaryKey)?.type ?? '');
    const b = valueExpr(`b.${quoteIdent(to.primaryKey)}`, to.properties.find((p) => p.name === to.primaryKey)?.type ?? '');
    const key = `{a: ${a}, b: ${b}}`;
    const cols = [{ name: '_endpoints', expr: key }, ...t.properties.map((p) => ({ name: p.name, expr: valueExpr(`r.${quoteIdent(p.name)}`, p.type) }))];
    const res = await fingerprintQuery(engine, `MATCH (a:${quoteIdent(c.from)})-[r:${quoteIdent(t.name)}]->(b:${quoteIdent(c.to)})`, key, cols);
    rows += res.rows;
    for (const [k, v] of Object.entries(res.columns)) {
      const prev = properties[k];
      properties[k] = prev ? { hash: (BigInt(prev.hash) + BigInt(v.hash)).toString(), non_null: prev.non_null + v.non_null } : v;
    }
  }
  return { table: t.name, kind: 'rel', rows, properties };
}

export async function fingerprintTableContent(engine: KuzuEngine, t: Table, schema: Schema): Promise<TableFingerprint> {
  return t.kind === 'node' ? nodeTable(engine, t) : relTable(engine, t, schema);
}

/** Every table of `schema`, sorted by name. */
export async function fingerprintContent(engine: KuzuEngine, schema: Schema): Promise<TableFingerprint[]> {
  const out: TableFingerprint[] = [];
  for (const t of [...schema.nodes, ...schema.rels].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))) {
    out.push(await fingerprintTableContent(engine, t, schema));
  }
  return out;
}

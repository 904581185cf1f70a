/**
 * Rebuild verification: inside the apply's transaction, before the old tables are dropped, every
 * rebuilt table is compared with the table it was built from — row counts, and per carried
 * property a content fingerprint of the old value (cast as the projection casts it) against the
 * new one, keyed by the row's (new) primary key. A difference rolls the transaction back.
 */
import { RuntimeError } from '../core/errors';
import { quoteIdent } from '../core/identifiers';
import { Property, RelTable, Schema, sameName, Table } from '../core/model';
import { desiredSchemaOf, liveNodeName, liveProperty, liveSource, nodeKeyExpression, PlanDocument, projection, stagingName } from '../core/plan';
import type { KuzuEngine } from '../kuzu/engine';
import { fingerprintQuery } from '../kuzu/fingerprint';
import type { Emit } from './events';

/**
 * The old row's expression a rebuilt property is compared with, or null when it has none: a new
 * property computed per row from a non-constant default (gen_random_uuid()) has no old value to
 * match — evaluating the default again would give other values.
 */
function carried(l: Table, p: Property, v: 'n' | 'r'): string | null {
  if (!p.using && !liveProperty(l, p)) return null;
  return projection(l, p, v);
}

/**
 * Compares every rebuilt table with the old one it was built from: row counts, and per carried
 * property the fingerprint of the old value (cast as the projection casts it) against the new
 * value, each keyed by the row's (new) primary key.

 * Returns the names of the verified tables; throws E_VERIFY listing every difference.
 */
export async function verifyRebuilt(engine: KuzuEngine, live: Schema, plan: PlanDocument, emit: Emit): Promise<string[]> {
  const desired = desiredSchemaOf(plan);
  const rebuilt = plan.rebuilt_tables;
  const isRebuilt = (n: string) => rebuilt.some((r) => sameName(r, n));
  const problems: string[] = [];
  // The same key expressions the rebuild's COPY statements use (core/plan.ts), so old and new rows meet.
  const pkExpr = (node: string, v: string): { liveLabel: string; oldKey: string; newLabel: string; newKey: string } => {
    const d = desired.nodes.find((t) => sameName(t.name, node))!;
    const pk = d.properties.find((p) => sameName(p.name, d.primaryKey))!;
    return {
      liveLabel: liveNodeName(live, desired, node)!,
      oldKey: nodeKeyExpression(live, desired, node, v),
      newLabel: isRebuilt(node) ? stagingName(d.name) : d.name,
      newKey: `${v}.${quoteIdent(pk.name)}`,
    };
  };
  for (const name of rebuilt) {
    emit('verify', `verifying ${name}`);
    const d = [...desired.nodes, ...desired.rels].find((t) => sameName(t.name, name))!;
    const l = liveSource(live, d)!;
    if (d.kind === 'node') {
      const cols = d.properties.map((p) => ({ p, old: carried(l, p, 'n') })).filter((x) => x.old !== null);
      const { oldKey } = pkExpr(d.name, 'n');
      const oldFp = await fingerprintQuery(engine, `MATCH (n:${quoteIdent(l.name)})`, [oldKey], cols.map((x) => ({ name: x.p.name, expr: x.old! })));
      const newFp = await fingerprintQuery(engine, `MATCH (n:${quoteIdent(stagingName(d.name))})`, [`n.${quoteIdent(d.primaryKey)}`], cols.map((x) => ({ name: x.p.name, expr: `n.${quoteIdent(x.p.name)}` })));
      compare(name, oldFp, newFp, problems);
    } else {
      const rel = d as RelTable;
      const lr = l as RelTable;
      const cols = rel.properties.map((p) => ({ p, old: carried(l, p, 'r') })).filter((x) => x.old !== null);
      for (const conn of rel.connections) {
        const a = pkExpr(conn.from, 'a');
        const b = pkExpr(conn.to, 'b');
        if (!lr.connections.some((c) => sameName(c.from, a.liveLabel) && sameName(c.to, b.liveLabel))) continue;
        const oldFp = await fingerprintQuery(
          engine,
          `MATCH (a:${quoteIdent(a.liveLabel)})-[r:${quoteIdent(l.name)}]->(b:${quoteIdent(b.liveLabel)})`,
          [a.oldKey, b.oldKey],
          cols.map((x) => ({ name: x.p.name, expr: x.old! })),
        );
        const newFp = await fingerprintQuery(
          engine,
          `MATCH (a:${quoteIdent(a.newLabel)})-[r:${quoteIdent(stagingName(rel.name))}]->(b:${quoteIdent(b.newLabel)})`,
          [a.newKey, b.newKey],
          cols.map((x) => ({ name: x.p.name, expr: `r.${quoteIdent(x.p.name)}` })),
        );
        compare(`${name} (${conn.from} → ${conn.to})`, oldFp, newFp, problems);
      }
    }
  }
  if (problems.length) {
    throw new RuntimeError(`verification of the rebuilt tables failed; the transaction was rolled back and nothing changed:\n  ${problems.join('\n  ')}`, 'E_VERIFY');
  }
  return rebuilt;
}

function compare(
  name: string,
  before: { rows: number; columns: Record<string, { hash: string; non_null: number }> },
  after: { rows: number; columns: Record<string, { hash: string; non_null: number }> },
  problems: string[],
): void {
  if (before.rows !== after.rows) problems.push(`${name}: ${after.rows} rows after, ${before.rows} before`);
  for (const [col, fp] of Object.entries(before.columns)) {
    const got = after.columns[col];
    if (got.non_null !== fp.non_null) problems.push(`${name}.${col}: ${got.non_null} non-NULL values after, ${fp.non_null} before (a cast turned values into NULL)`);
    else if (got.hash !== fp.hash) problems.push(`${name}.${col}: content differs after the copy`);
  }
}

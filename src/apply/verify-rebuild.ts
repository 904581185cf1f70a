/**
 * Rebuild verification: inside the apply's transaction, before the old tables are dropped, every
 * rebuilt table is compared with the table it was built from — row counts, and a whole-row
 * content fingerprint of the carried properties (the old value cast as the projection casts it
 * against the new one, each row keyed by its new primary key); per property only when the two
 * differ, to name what changed. A difference rolls the transaction back.
 */
import { RuntimeError } from '../core/errors';
import { quoteIdent } from '../core/identifiers';
import { Property, RelTable, Schema, sameName, Table } from '../core/model';
import { desiredSchemaOf, liveNodeName, liveProperty, liveSource, nodeKeyExpression, PlanDocument, projection, stagingName } from '../core/plan';
import type { KuzuEngine } from '../kuzu/engine';
import { addHashes, ROW_COLUMN, rowFingerprints, TableFingerprint, verifyCopy } from '../kuzu/fingerprint';
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

/** What verifyRebuilt proved: the rebuilt tables, and their whole-row fingerprints (digest entries of the result). */
export interface Verified {
  tables: string[];
  /** Row-style digest entries (state/digest.ts) of the rebuilt tables, under their final names. */
  digests: TableFingerprint[];
}

/**
 * Compares every rebuilt table with the old one it was built from: row counts, and the
 * whole-row fingerprint of the carried properties (the old value cast as the projection casts
 * it, against the new value), each row keyed by its (new) primary key — one hash per row per
 * side. Only when the two differ does a per-property fingerprint pass (fingerprintQuery) name
 * the properties that changed. The new side's scan also yields the table's whole-row
 * fingerprint over EVERY property, the digest the swap records (no second scan of the result).
 */
export async function verifyRebuilt(engine: KuzuEngine, live: Schema, plan: PlanDocument, emit: Emit): Promise<Verified> {
  const desired = desiredSchemaOf(plan);
  const rebuilt = plan.rebuilt_tables;
  const isRebuilt = (n: string) => rebuilt.some((r) => sameName(r, n));
  const problems: string[] = [];
  const digests: TableFingerprint[] = [];
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
  /** Old against new for one MATCH pair; returns the new side's whole-row hash over every property. */
  const check = async (label: string, v: 'n' | 'r', d: Table, l: Table, oldSide: { match: string; keys: string[] }, newSide: { match: string; keys: string[] }) => {
    const carriedCols = d.properties.map((p) => ({ p, old: carried(l, p, v) })).filter((x) => x.old !== null);
    const r = await verifyCopy(
      engine,
      label,
      { ...oldSide, columns: carriedCols.map((x) => ({ name: x.p.name, expr: x.old!, type: x.p.type })) },
      { ...newSide, columns: carriedCols.map((x) => ({ name: x.p.name, expr: `${v}.${quoteIdent(x.p.name)}`, type: x.p.type })) },
      d.properties.map((p) => ({ name: p.name, expr: `${v}.${quoteIdent(p.name)}`, type: p.type })),
    );
    problems.push(...r.problems);
    return r;
  };
  for (const name of rebuilt) {
    emit('verify', `verifying ${name}`);
    const d = [...desired.nodes, ...desired.rels].find((t) => sameName(t.name, name))!;
    const l = liveSource(live, d)!;
    if (d.kind === 'node') {
      const { oldKey } = pkExpr(d.name, 'n');
      const r = await check(name, 'n', d, l, { match: `MATCH (n:${quoteIdent(l.name)})`, keys: [oldKey] }, { match: `MATCH (n:${quoteIdent(stagingName(d.name))})`, keys: [`n.${quoteIdent(d.primaryKey)}`] });
      digests.push({ table: d.name, kind: 'node', rows: r.rows, properties: { [ROW_COLUMN]: { hash: r.hash, non_null: r.rows } } });
    } else {
      const rel = d as RelTable;
      const lr = l as RelTable;
      let rows = 0;
      let hash = '0';
      for (const conn of rel.connections) {
        const a = pkExpr(conn.from, 'a');
        const b = pkExpr(conn.to, 'b');
        const newSide = { match: `MATCH (a:${quoteIdent(a.newLabel)})-[r:${quoteIdent(stagingName(rel.name))}]->(b:${quoteIdent(b.newLabel)})`, keys: [a.newKey, b.newKey] };
        let r: { rows: number; hash: string };
        if (lr.connections.some((c) => sameName(c.from, a.liveLabel) && sameName(c.to, b.liveLabel))) {
          const oldSide = { match: `MATCH (a:${quoteIdent(a.liveLabel)})-[r:${quoteIdent(l.name)}]->(b:${quoteIdent(b.liveLabel)})`, keys: [a.oldKey, b.oldKey] };
          r = await check(`${name} (${conn.from} → ${conn.to})`, 'r', d, l, oldSide, newSide);
        } else {
          // A connection the old table did not have: nothing to compare, but part of the digest.
          const all = rel.properties.map((p) => ({ name: p.name, expr: `r.${quoteIdent(p.name)}`, type: p.type }));
          const f = await rowFingerprints(engine, newSide.match, newSide.keys, [all]);
          r = { rows: f.rows, hash: f.hashes[0] };
        }
        rows += r.rows;
        hash = addHashes(hash, r.hash);
      }
      digests.push({ table: rel.name, kind: 'rel', rows, properties: { [ROW_COLUMN]: { hash, non_null: rows } } });
    }
  }
  if (problems.length) {
    throw new RuntimeError(`verification of the rebuilt tables failed; the transaction was rolled back and nothing changed:\n  ${problems.join('\n  ')}`, 'E_VERIFY');
  }
  return { tables: rebuilt, digests };
}

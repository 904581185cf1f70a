/**
 * What the declaration (kuzu-migrate.yaml) puts back when a database moves to another engine.
 * Pure.
 *
 * The source's schema is read from its catalog (table_info, show_tables), not from EXPORT
 * DATABASE, so defaults and table comments are normally seen; what a catalog can hide is:
 *   - the storage direction of a rel table without properties (table_info returns no row);
 *   - a default's unary minus when introspection could not evaluate it (0.11.3 reports DEFAULT -1
 *     as `1`; kuzu/default-signs.ts reads the sign on a copy, and marks it unknown when it cannot);
 *   - a comment or default a release does not report at all (then the live value is empty).
 * The rule: the declared value is taken only where the live one is missing, unknown, or equal to
 * it once signs are ignored — never to change what the database says. An upgrade moves a
 * database; changing its schema is `apply`'s job.
 */
import { canonicalDefault, Schema, sameName, StorageDirection } from '../core/model';

export interface Restoration {
  table: string;
  property?: string;
  aspect: 'comment' | 'default' | 'storage_direction';
  value: string;
}

export function mergeDeclared(live: Schema, declared: Schema | null, unknownStorageDirection: string[]): { schema: Schema; restored: Restoration[] } {
  const schema: Schema = JSON.parse(JSON.stringify(live)) as Schema;
  const restored: Restoration[] = [];
  if (!declared) return { schema, restored };
  for (const t of [...schema.nodes, ...schema.rels]) {
    const d = [...declared.nodes, ...declared.rels].find((x) => x.kind === t.kind && sameName(x.name, t.name));
    if (!d) continue;
    if (!t.comment && d.comment) {
      t.comment = d.comment;
      restored.push({ table: t.name, aspect: 'comment', value: d.comment });
    }
    if (t.kind === 'rel' && d.kind === 'rel' && unknownStorageDirection.some((n) => sameName(n, t.name)) && d.storageDirection !== t.storageDirection) {
      t.storageDirection = d.storageDirection as StorageDirection;
      restored.push({ table: t.name, aspect: 'storage_direction', value: d.storageDirection });
    }
    for (const p of t.properties) {
      const dp = d.properties.find((x) => sameName(x.name, p.name));
      if (!dp || dp.type !== p.type || dp.default === null || p.type === 'SERIAL') continue;
      const missing = p.default === null;
      const signOnly = !missing && p.defaultSignUnknown === true && dp.default !== p.default && canonicalDefault(dp.default, p.type, true) === canonicalDefault(p.default, p.type, true);
      if (missing || signOnly) {
        p.default = dp.default;
        delete p.defaultSignUnknown;
        restored.push({ table: t.name, property: p.name, aspect: 'default', value: dp.default });
      }
    }
  }
  return { schema, restored };
}

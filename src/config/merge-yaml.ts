/**
 * `init --merge`: adopt drift into an existing kuzu-migrate.yaml. The table declarations under
 * `schema:` are refreshed from the live schema; everything else in the file (version, engine,
 * paths, checks, environments, policy, comments, key order) is kept as written. A table the
 * database still has exactly as declared keeps its YAML node untouched (its comments included);
 * only differing, undeclared or missing tables are rewritten, added or removed.
 */
import { isMap, parseDocument, Scalar, YAMLMap } from 'yaml';
import { diffSchemas } from '../core/diff';
import { Schema, sameName } from '../core/model';
import { schemaToYaml } from './to-yaml';

export interface MergeResult {
  /** The new file text. */
  text: string;
  /** Tables whose declaration was rewritten from the database, added, or removed. */
  updated: string[];
  added: string[];
  removed: string[];
}

/**
 * Refreshes the table declarations of YAML `text` (whose schema loads to `declared`) from `live`.
 * Throws Error when `text` has no inline `schema:` map (callers check first that it is inline).
 */
export function mergeSchemaIntoYaml(text: string, declared: Schema, live: Schema): MergeResult {
  const doc = parseDocument(text);
  const schemaNode = doc.get('schema', true);
  if (!isMap(schemaNode)) throw new Error('the YAML has no inline schema: map');
  const generated = parseDocument(schemaToYaml(live, { version: 'v0.0.0', database: '.' }));
  // Tables any change between database and declaration touches (by either name) get rewritten.
  const touched = new Set<string>();
  for (const c of diffSchemas(live, declared).changes) {
    touched.add(c.table.toLowerCase());
    if (c.kind === 'rename_table' && typeof c.from === 'string') touched.add(c.from.toLowerCase());
  }
  const result: MergeResult = { text: '', updated: [], added: [], removed: [] };
  for (const section of ['nodes', 'rels'] as const) {
    const oldMap = schemaNode.get(section, true);
    const oldItems = isMap(oldMap) ? oldMap.items : [];
    const genMap = generated.getIn(['schema', section], true);
    const merged = new YAMLMap();
    for (const t of live[section]) {
      const old = oldItems.find((p) => sameName(String((p.key as Scalar)?.value ?? p.key), t.name));
      const fresh = isMap(genMap) ? genMap.items.find((p) => String((p.key as Scalar).value) === t.name) : undefined;
      if (old && !touched.has(t.name.toLowerCase())) merged.items.push(old);
      else if (fresh) {
        if (old) {
          // Keep the comment and spacing written above the table's key.
          const k = fresh.key as Scalar;
          const ok = old.key as Scalar;
          if (ok && typeof ok === 'object') {
            k.commentBefore = ok.commentBefore;
            k.spaceBefore = ok.spaceBefore;
          }
          result.updated.push(t.name);
        } else result.added.push(t.name);
        merged.items.push(fresh);
      }
    }
    for (const p of oldItems) {
      const name = String((p.key as Scalar)?.value ?? p.key);
      if (!live[section].some((t) => sameName(t.name, name))) result.removed.push(name);
    }
    if (isMap(oldMap)) {
      // A comment above the first table belongs to the map itself in the yaml library.
      merged.commentBefore = oldMap.commentBefore;
      merged.comment = oldMap.comment;
      merged.flow = oldMap.flow && merged.items.length > 0;
    }
    if (merged.items.length || isMap(oldMap)) schemaNode.set(section, merged);
  }
  // Standalone sequences and macros (indexes live inside their node table, handled above): a
  // section with any difference is taken whole from the database.
  const changes = diffSchemas(live, declared).changes;
  for (const [section, kinds] of [
    ['sequences', ['create_sequence', 'drop_sequence', 'alter_sequence']],
    ['macros', ['create_macro', 'drop_macro', 'replace_macro']],
  ] as const) {
    if (!changes.some((c) => (kinds as readonly string[]).includes(c.kind))) continue;
    const fresh = generated.getIn(['schema', section], true);
    if (fresh) schemaNode.set(section, fresh);
    else schemaNode.delete(section);
    result.updated.push(`(${section})`);
  }
  result.text = doc.toString({ lineWidth: 0 });
  return result;
}

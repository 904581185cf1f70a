/**
 * Schema → kuzu-migrate.yaml, for `kuzu-migrate init`. The output is meant to be read and edited
 * by people (shorthand `name: TYPE`, one-line `{ type, default }`, blank lines between tables) and
 * loads back (config.ts) to an equal Schema; the round trip is tested.
 */
import { Document, isMap, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { INDEX_DEFAULTS, sameName, sequenceDefaults, type Index, type Property, type RelTable, type NodeTable, type Schema } from '../core/model';

export interface YamlHeader {
  version: string;
  /** Written only when not the default `kuzu`. */
  engine?: 'kuzu' | 'ladybug';
  database: string;
  migrations?: string;
  backups?: string;
  /** Where editors find the JSON Schema, for the `yaml-language-server` modeline. */
  schemaRef?: string;
}

export const DEFAULT_SCHEMA_REF = './node_modules/kuzu-migrate/schemas/kuzu-migrate.schema.json';

/**
 * Defaults that YAML can write as plain numbers or booleans and that load back to the same text
 * (the loader keeps a plain decimal literal as written, and turns booleans into `true`/`false`).
 */
function defaultValue(expr: string): string | boolean | Scalar {
  if (expr === 'true') return true;
  if (expr === 'false') return false;
  if (/^-?(0|[1-9]\d*)(\.\d+)?$/.test(expr)) {
    const n = Number(expr);
    const fraction = expr.split('.')[1]?.length ?? 0;
    if (Number.isSafeInteger(Math.trunc(n)) && (fraction ? n.toFixed(fraction) : String(n)) === expr) {
      const scalar = new Scalar(n);
      scalar.minFractionDigits = fraction; // 1.0 stays 1.0
      return scalar;
    }
  }
  return expr;
}

/**
 * A kuzu-migrate.yaml declaring `schema` (what `init` writes): the header's keys (version,
 * database, engine, …) and then nodes:, rels:, indexes:, sequences:, macros:, with a comment where
 * introspection could not read something exactly. Pure; the text loads back to the same schema.
 */
export function schemaToYaml(schema: Schema, header: YamlHeader): string {
  const doc = new Document();
  const node = <T>(v: T) => doc.createNode(v);
  const flowMap = (entries: Array<[string, unknown]>): YAMLMap => {
    const m = new YAMLMap();
    for (const [k, v] of entries) m.add(new Pair(node(k), v instanceof Scalar ? v : node(v)));
    m.flow = true;
    return m;
  };

  const property = (p: Property): unknown => {
    if (p.default === null && p.renamedFrom === undefined && p.using === undefined) return node(p.type);
    const entries: Array<[string, unknown]> = [['type', p.type]];
    if (p.default !== null) entries.push(['default', defaultValue(p.default)]);
    if (p.renamedFrom !== undefined) entries.push(['renamed_from', p.renamedFrom]);
    if (p.using !== undefined) entries.push(['using', p.using]);
    return flowMap(entries);
  };
  const properties = (ps: Property[]): YAMLMap => {
    const m = new YAMLMap();
    for (const p of ps) m.add(new Pair(node(p.name), property(p)));
    return m;
  };
  const tableMap = (entries: Array<[string, unknown] | false>): YAMLMap => {
    const m = new YAMLMap();
    for (const e of entries) if (e) m.add(new Pair(node(e[0]), isMap(e[1]) ? e[1] : node(e[1])));
    return m;
  };
  // Options are written only where they differ from Kuzu's defaults, which the loader fills in.
  const YAML_OPTION: Record<string, string> = { stopWords: 'stop_words' };
  const index = (i: Index): YAMLMap => {
    const entries: Array<[string, unknown]> = [['type', i.type]];
    if (i.type === 'fts') entries.push(['properties', i.properties]);
    else entries.push(['property', i.properties[0]]);
    for (const [k, v] of Object.entries(i.options)) {
      const def = INDEX_DEFAULTS[i.type][k];
      if (def !== undefined && (typeof def === 'number' ? Number(v) === def : v === def)) continue;
      entries.push([YAML_OPTION[k] ?? k, v]);
    }
    return flowMap(entries);
  };
  const indexesOf = (t: NodeTable): YAMLMap | false => {
    const mine = (schema.indexes ?? []).filter((i) => sameName(i.table, t.name));
    if (!mine.length) return false;
    const m = new YAMLMap();
    for (const i of mine) m.add(new Pair(node(i.name), index(i)));
    return m;
  };
  const nodeTable = (t: NodeTable): YAMLMap => {
    const idx = indexesOf(t);
    return tableMap([
      ['primary_key', t.primaryKey],
      t.comment !== '' && ['comment', t.comment],
      t.renamedFrom !== undefined && ['renamed_from', t.renamedFrom],
      ['properties', properties(t.properties)],
      idx !== false && ['indexes', idx],
    ]);
  };
  const relTable = (t: RelTable): YAMLMap => {
    const m = tableMap([]);
    if (t.connections.length === 1) {
      m.add(new Pair(node('from'), node(t.connections[0].from)));
      m.add(new Pair(node('to'), node(t.connections[0].to)));
    } else {
      const seq = new YAMLSeq();
      for (const c of t.connections) seq.add(flowMap([['from', c.from], ['to', c.to]]));
      m.add(new Pair(node('connections'), seq));
    }
    m.add(new Pair(node('multiplicity'), node(t.multiplicity)));
    if (t.storageDirection !== 'both') m.add(new Pair(node('storage_direction'), node(t.storageDirection)));
    if (t.comment !== '') m.add(new Pair(node('comment'), node(t.comment)));
    if (t.renamedFrom !== undefined) m.add(new Pair(node('renamed_from'), node(t.renamedFrom)));
    if (t.properties.length) m.add(new Pair(node('properties'), properties(t.properties)));
    return m;
  };
  const tables = <T>(items: T[], render: (t: T) => YAMLMap, name: (t: T) => string): YAMLMap => {
    const m = new YAMLMap();
    items.forEach((t, i) => {
      const key = node(name(t)) as Scalar;
      if (i > 0) key.spaceBefore = true;
      m.add(new Pair(key, render(t)));
    });
    return m;
  };

  const root = new YAMLMap();
  const add = (k: string, v: unknown, comment?: string) => {
    const key = node(k) as Scalar;
    if (comment) key.commentBefore = ` ${comment}`;
    root.add(new Pair(key, isMap(v) ? v : node(v)));
  };
  add('version', header.version, 'Target version: `kuzu-migrate plan` compares the database with the schema below.');
  if (header.engine && header.engine !== 'kuzu') add('engine', header.engine, 'The database is a LadybugDB database (engine: kuzu | ladybug).');
  add('database', header.database);
  if (header.migrations !== undefined) add('migrations', header.migrations);
  if (header.backups !== undefined) add('backups', header.backups);
  const schemaMap = new YAMLMap();
  schemaMap.add(new Pair(node('nodes'), tables(schema.nodes, nodeTable, (t) => t.name)));
  if (schema.rels.length) {
    const relsKey = node('rels') as Scalar;
    relsKey.spaceBefore = true;
    schemaMap.add(new Pair(relsKey, tables(schema.rels, relTable, (t) => t.name)));
  }
  if (schema.sequences?.length) {
    const m = new YAMLMap();
    for (const q of schema.sequences) {
      const d = sequenceDefaults(q.increment);
      const int = (v: string) => (Number.isSafeInteger(Number(v)) ? Number(v) : v);
      const entries: Array<[string, unknown]> = [];
      if (q.start !== (q.increment.startsWith('-') ? q.max : q.min)) entries.push(['start', int(q.start)]);
      if (q.increment !== '1') entries.push(['increment', int(q.increment)]);
      if (q.min !== d.min) entries.push(['min', int(q.min)]);
      if (q.max !== d.max) entries.push(['max', int(q.max)]);
      if (q.cycle) entries.push(['cycle', true]);
      m.add(new Pair(node(q.name), flowMap(entries)));
    }
    const key = node('sequences') as Scalar;
    key.spaceBefore = true;
    schemaMap.add(new Pair(key, m));
  }
  if (schema.macros?.length) {
    const m = new YAMLMap();
    for (const x of schema.macros) m.add(new Pair(node(x.name), flowMap([['parameters', x.parameters], ['body', x.body]])));
    const key = node('macros') as Scalar;
    key.spaceBefore = true;
    schemaMap.add(new Pair(key, m));
  }
  const schemaKey = node('schema') as Scalar;
  schemaKey.spaceBefore = true;
  schemaKey.commentBefore = ' The desired schema. Property order is table order; `name: TYPE` or `name: { type: T, default: ... }`.';
  root.add(new Pair(schemaKey, schemaMap));
  doc.contents = root;
  doc.commentBefore = ` yaml-language-server: $schema=${header.schemaRef ?? DEFAULT_SCHEMA_REF}`;
  return doc.toString({ lineWidth: 0 });
}

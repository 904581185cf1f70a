/**
 * A database's whole content and catalog as plain, comparable data, read from Kuzu directly (not
 * through kuzu-migrate's fingerprints), for tests that judge a path by "identical before and after".
 *
 * Content: every row of every table, node rows ordered by primary key and rel rows by their
 * endpoints' keys and values. Each value is carried twice:
 *   - `to_json(x)` computed inside Kuzu: exact integers of every width (INT128 and UINT64 included),
 *     the shortest round-trip text of FLOAT/DOUBLE (`-0.0`, `5e-324`), DECIMAL with its sign and
 *     scale, and it tells NULL (SQL NULL) from `[]`, `[null]`, `{}` and `{"a":null}` at every level;
 *   - the value as the Node driver returns it, serialized (bigint → `123n`, Buffer → hex): the
 *     structure again, and BLOB bytes exactly.
 * A top-level UNION column also carries union_tag(x): to_json prints only the member's value.
 * Not seen by either (Kuzu 0.11.3 prints at most microseconds): TIMESTAMP_NS digits below 1 µs.
 *
 * Catalog: show_tables (name, type), table_info of each (name, type, default, primary key, in
 * order; property ids are left out: Kuzu renumbers them on every export), show_connection of each
 * rel table, show_indexes (with Kuzu's full index_definition), show_sequences with the value each
 * sequence yields next (a SERIAL's by table and property), and every CREATE MACRO of a schema-only export (Kuzu has no
 * show_macros; the export prints them).
 */
import { withEngine } from '../../src/kuzu/engine';
import { cypherString, quoteIdent } from '../../src/core/identifiers';
import { schemaExport } from '../../src/kuzu/introspect';

type Row = Record<string, unknown>;

export interface Dump {
  catalog: {
    tables: Row[];
    columns: Record<string, Row[]>;
    connections: Record<string, Row[]>;
    indexes: Row[];
    sequences: Row[];
    macros: string[];
  };
  /** table name → canonical rows (one JSON text per row), in a fixed order. */
  content: Record<string, string[]>;
}

/** JSON.stringify that keeps bigints and Buffers exact. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) => {
    if (typeof x === 'bigint') return `${x}n`;
    if (x && typeof x === 'object' && (x as { type?: string }).type === 'Buffer' && Array.isArray((x as { data?: unknown }).data)) {
      return 'blob:' + Buffer.from((x as { data: number[] }).data).toString('hex');
    }
    if (typeof x === 'number' && !Number.isFinite(x)) return `num:${x}`;
    return x;
  });
}

/**
 * Reads the whole database at `db` read-only. Internal tables of the engine (FTS indexes) are not
 * listed by show_tables and so not read; kuzu-migrate's own tables (`_kuzu_migrate_history`, `_km_…`) is left out
 * unless `withHistory`.
 */
export async function dumpDatabase(db: string, options: { withHistory?: boolean } = {}): Promise<Dump> {
  return withEngine(db, { readOnly: true }, async (e) => {
    const tables = (await e.query('CALL show_tables() RETURN name, type ORDER BY name'))
      .map((r) => ({ name: String(r['name']), type: String(r['type']) }))
      .filter((t) => options.withHistory || !/^(_km_|_kuzu_migrate)/i.test(t.name));
    const columns: Record<string, Row[]> = {};
    const connections: Record<string, Row[]> = {};
    const content: Record<string, string[]> = {};
    const info = new Map<string, Row[]>();
    for (const t of tables) {
      const rows = await e.query(`CALL table_info(${cypherString(t.name)}) RETURN *`);
      info.set(t.name, rows);
      columns[t.name] = rows.map((r) => {
        const { ['property id']: _id, ...rest } = r;
        return rest;
      });
      if (t.type === 'REL') connections[t.name] = await e.query(`CALL show_connection(${cypherString(t.name)}) RETURN * ORDER BY 1, 2`);
    }
    const pkOf = (name: string) => String(info.get(name)!.find((r) => r['primary key'] === true)!['name']);
    for (const t of tables) {
      const props = info.get(t.name)!;
      const v = t.type === 'NODE' ? 'n' : 'r';
      const cols = props.flatMap((p, i) => {
        const x = `${v}.${quoteIdent(String(p['name']))}`;
        const out = [`to_json(${x}) AS j${i}`, `${x} AS v${i}`];
        if (String(p['type']).startsWith('UNION(')) out.push(`union_tag(${x}) AS t${i}`);
        return out;
      });
      // One row: { property name: [to_json, driver value, (union tag)] }, so that a column can be
      // taken out of an expected dump (withoutColumn) without reading the database again.
      const named = (r: Row, head: Row = {}) =>
        canonicalJson({ ...head, ...Object.fromEntries(props.map((p, i) => [String(p['name']), `t${i}` in r ? [r[`j${i}`], r[`v${i}`], r[`t${i}`]] : [r[`j${i}`], r[`v${i}`]]])) });
      if (t.type === 'NODE') {
        const pk = `n.${quoteIdent(pkOf(t.name))}`;
        const rows = await e.query(`MATCH (n:${quoteIdent(t.name)}) RETURN ${cols.join(', ')} ORDER BY ${pk}`);
        content[t.name] = rows.map((r) => named(r));
      } else {
        const rows: string[] = [];
        for (const c of connections[t.name]) {
          const from = String(c['source table name']);
          const to = String(c['destination table name']);
          const got = await e.query(
            `MATCH (a:${quoteIdent(from)})-[r:${quoteIdent(t.name)}]->(b:${quoteIdent(to)}) RETURN ${cypherString(from)} AS _from, to_json(a.${quoteIdent(pkOf(from))}) AS _a, ${cypherString(to)} AS _to, to_json(b.${quoteIdent(pkOf(to))}) AS _b${cols.length ? ', ' + cols.join(', ') : ''}`,
          );
          rows.push(...got.map((r) => named(r, { _from: r['_from'], _a: r['_a'], _to: r['_to'], _b: r['_b'] })));
        }
        content[t.name] = rows.sort();
      }
    }
    const indexes = await e.query('CALL show_indexes() RETURN table_name, index_name, index_type, property_names, index_definition ORDER BY table_name, index_name');
    const sequences: Row[] = [];
    const serials = new Map<string, string>();
    for (const t of tables) for (const c of columns[t.name]) if (c['type'] === 'SERIAL') serials.set(`${t.name}_${c['name']}_serial`.toLowerCase(), `${t.name}.${c['name']}`);
    for (const s of await e.query('CALL show_sequences() RETURN name, CAST(`start value` AS STRING) AS start, CAST(increment AS STRING) AS increment, CAST(`min value` AS STRING) AS min, CAST(`max value` AS STRING) AS max, cycle ORDER BY name')) {
      const name = String(s['name']);
      let current: string | null;
      try {
        current = String(await e.scalar(`RETURN CAST(currval(${cypherString(name)}) AS STRING)`));
      } catch {
        current = null; // never used: currval fails until the first nextval
      }
      const next = current === null ? String(s['start']) : String(BigInt(current) + BigInt(String(s['increment'])));
      // A SERIAL's sequence is the engine's: a rebuilt table keeps its staging name for it
      // (`_km_new_T_p_serial`, kuzu-notes §8) and is restarted by CREATE SEQUENCE ... START, so only
      // what it yields next is the user's. A used standalone sequence is restored with START at its
      // position (Kuzu has no setval), so its `start` changes while what it yields next does not.
      const serial = serials.get(name.replace(/^_km_new_/i, '').toLowerCase());
      if (serial) sequences.push({ serial, next });
      else sequences.push({ ...s, start: current === null ? s['start'] : '(used)', next });
    }
    sequences.sort((a, b) => canonicalJson(a).localeCompare(canonicalJson(b)));
    // An FTS index's tokenizer macro is named after the table's id (`3_DOC FTS_TOKENIZE`), which
    // Kuzu renumbers on every load: the number is left out, the body (which holds the index's
    // ignore_pattern) is kept.
    const macros = (await schemaExport(e))
      .split('\n')
      .filter((l) => /^CREATE MACRO/i.test(l))
      .map((l) => l.replace(/^CREATE MACRO `\d+_/i, 'CREATE MACRO `<table id>_'))
      .sort();
    return { catalog: { tables, columns, connections, indexes, sequences, macros }, content };
  });
}

/** `d` as it must read after `ALTER TABLE table DROP property` (a deep copy). */
export function withoutColumn(d: Dump, table: string, property: string): Dump {
  const copy = JSON.parse(JSON.stringify(d)) as Dump;
  copy.catalog.columns[table] = copy.catalog.columns[table].filter((c) => c['name'] !== property);
  const rows = copy.content[table].map((r) => {
    const o = JSON.parse(r) as Record<string, unknown>;
    delete o[property];
    return JSON.stringify(o);
  });
  copy.content[table] = copy.catalog.tables.find((t) => t.name === table)?.type === 'REL' ? rows.sort() : rows;
  return copy;
}

/**
 * Value codec for snapshot files: which Cypher expression writes a column into a CSV or Parquet
 * file, and which reads it back, so that every value survives the round trip exactly.
 *
 * Kuzu's own EXPORT loses values in both formats (kuzu-notes §3, the fidelity table). Instead of
 * trusting Kuzu's text or Parquet form of a risky type, such a column is written as one STRING that
 * this module builds inside Kuzu, and parsed back with CASTs on load. Pure: it only builds Cypher
 * text; test/integration/snapshot-roundtrip.test.ts checks every encoding against real Kuzu.
 *
 * The encoded string of a value (`enc`) is never NULL and never empty (CSV turns '' into NULL):
 *   - `N`            the value is NULL
 *   - `=` + escaped  the value's exact text form (below), with every character that Kuzu's
 *                    nested-value parser or a CSV reader treats specially percent-escaped
 *                    (`%`, `[ ] { } ( ) , ' " \`, whitespace), so a list of encoded strings always
 *                    prints and parses back exactly (`CAST(list AS STRING)` → `CAST(s AS STRING[])`).
 * Exact text forms, each measured on Kuzu 0.11.3:
 *   - integers, BOOL, DATE, TIMESTAMP*, UUID, INT128: `CAST(x AS STRING)` (exact, INT128 min included)
 *   - FLOAT / DOUBLE: `to_json(x)`, the shortest round-trip form (`CAST(DOUBLE AS STRING)` prints
 *     6 decimals: 1/3 → 0.333333, 5e-324 → 0.000000)
 *   - DECIMAL: sign written separately (`CAST(-0.0001 AS STRING)` prints `0.00-1`)
 *   - BLOB: `CAST(x AS STRING)` (non-printable bytes and `\` become `\xNN`; casts back exactly)
 *   - INTERVAL: `[months,days,micros]` from date_part, rebuilt with to_months + to_days +
 *     to_microseconds (Kuzu cannot parse a negative interval's text back)
 *   - json: its text
 *   - LIST / ARRAY: the list of encoded elements; STRUCT: the list of encoded fields by position;
 *     MAP: [encoded key list, encoded value list]; UNION: [tag, encoded member values...] (the tag is
 *     what CSV and Kuzu's string casts lose).
 * Nested values are therefore encoded recursively, each level escaped again: no NULL element, NULL
 * struct or special character ever reaches Kuzu's own CSV or Parquet writer inside a nested value.
 */
import { assertNever } from '../core/errors';
import { cypherString } from '../core/identifiers';
import { KuzuType, parseType, renderType } from '../core/types';

export type SnapshotFormat = 'csv' | 'parquet';
export const SNAPSHOT_FORMATS: readonly SnapshotFormat[] = ['csv', 'parquet'];

/** How one column travels through a file. */
export interface ColumnCodec {
  /** `native`: written as is; `encoded`: written as the encoded STRING described above. */
  mode: 'native' | 'encoded';
  /** Expression written to the file, given the expression of the value. */
  encode(value: string): string;
  /** Expression producing the value of the declared type, given the file column's expression. */
  decode(column: string): string;
}

/** Characters escaped inside encoded strings, in escape order (`%` first, unescaped last). */
const ESCAPES: readonly [string, string][] = [
  ['%', '%25'],
  ['[', '%5B'],
  [']', '%5D'],
  ['{', '%7B'],
  ['}', '%7D'],
  ['(', '%28'],
  [')', '%29'],
  [',', '%2C'],
  ["'", '%27'],
  ['"', '%22'],
  ['\\', '%5C'],
  [' ', '%20'],
  ['\t', '%09'],
  ['\n', '%0A'],
  ['\r', '%0D'],
  [':', '%3A'],
];

/** RE2 pattern matching one literal character. */
function literalPattern(ch: string): string {
  if (ch === '\t') return '\\t';
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  return /[\\^$.|?*+()[\]{}]/.test(ch) ? '\\' + ch : ch;
}

/** RE2 replacement text producing one literal character (`\` must be doubled there). */
function literalReplacement(ch: string): string {
  return ch === '\\' ? '\\\\' : ch;
}

export function escapeExpr(s: string): string {
  let out = s;
  for (const [ch, code] of ESCAPES) out = `regexp_replace(${out}, ${cypherString(literalPattern(ch))}, ${cypherString(code)}, 'g')`;
  return out;
}

export function unescapeExpr(s: string): string {
  let out = s;
  for (const [ch, code] of [...ESCAPES].reverse()) out = `regexp_replace(${out}, ${cypherString(code)}, ${cypherString(literalReplacement(ch))}, 'g')`;
  return out;
}

/** Pure JS twins of the escaping, for unit tests and documentation. */
export function escapeText(s: string): string {
  let out = s;
  for (const [ch, code] of ESCAPES) out = out.split(ch).join(code);
  return out;
}
export function unescapeText(s: string): string {
  let out = s;
  for (const [ch, code] of [...ESCAPES].reverse()) out = out.split(code).join(ch);
  return out;
}

/** Thrown for a type no encoding is known for; the exporter names table and property. */
export class UnsupportedTypeError extends Error {
  constructor(readonly type: string, readonly reason: string) {
    super(`${type}: ${reason}`);
  }
}

/**
 * INT128's minimum can be stored but not loaded back: Kuzu 0.11.3 fails parsing its text at run
 * time ("INT128 is out of range: cannot negate INT128_MIN") and cannot compute it either (MIN+1 - 1
 * fails with "cannot subtract"). The exporter refuses a snapshot holding it (statements.ts).
 */
export const INT128_MIN = '-170141183460469231731687303715884105728';
const INTEGER = /^(INT8|INT16|INT32|INT64|INT128|UINT8|UINT16|UINT32|UINT64|SERIAL)$/;
const TEMPORAL = /^(DATE|TIMESTAMP|TIMESTAMP_NS|TIMESTAMP_MS|TIMESTAMP_SEC|TIMESTAMP_TZ)$/;

/**
 * Builds the expressions of one column. Every intermediate value is bound once with
 * `let` (a one-element list_transform), so the text grows linearly with the nesting depth instead
 * of repeating the parent expression for every field (measured: repeating made a three-level
 * struct's COPY take 30 s to bind). Lambda variables are numbered so no two nest with one name;
 * an inner lambda body never refers to an outer lambda's variable (measured: that segfaults
 * Kuzu 0.11.3), only the inner list argument does.
 */
class Builder {
  private n = 0;
  fresh(): string {
    return `_km_v${this.n++}`;
  }
  let(value: string, body: (v: string) => string): string {
    const v = this.fresh();
    return `list_extract(list_transform([${value}], ${v} -> ${body(v)}), 1)`;
  }
}

/** The type as written in a CAST. SERIAL values are INT64; json is spelled JSON. */
function castType(t: KuzuType): string {
  if (t.kind === 'primitive' && t.name === 'SERIAL') return 'INT64';
  if (t.kind === 'primitive' && t.name === 'JSON') return 'JSON';
  return renderType(t);
}

/** Exact text form of a non-NULL value (a STRING expression). */
function textOf(t: KuzuType, x: string, b: Builder): string {
  switch (t.kind) {
    case 'primitive': {
      const n = t.name;
      if (INTEGER.test(n) || TEMPORAL.test(n) || n === 'BOOL' || n === 'UUID' || n === 'BLOB') return `CAST(${x} AS STRING)`;
      if (n === 'STRING') return x;
      if (n === 'FLOAT' || n === 'DOUBLE') return `CAST(to_json(${x}) AS STRING)`;
      if (n === 'JSON') return `CAST(${x} AS STRING)`;
      if (n === 'INTERVAL') {
        const months = `(date_part('year', ${x}) * 12 + date_part('month', ${x}))`;
        const days = `date_part('day', ${x})`;
        const micros = `((date_part('hour', ${x}) * 60 + date_part('minute', ${x})) * 60000000 + date_part('microsecond', ${x}))`;
        return `CAST([CAST(${months} AS INT64), CAST(${days} AS INT64), CAST(${micros} AS INT64)] AS STRING)`;
      }
      throw new UnsupportedTypeError(n, 'no exact encoding is known for this type');
    }
    case 'decimal':
      return `CASE WHEN ${x} < 0 THEN '-' + CAST(-(${x}) AS STRING) ELSE CAST(${x} AS STRING) END`;
    case 'list': {
      const e = b.fresh();
      return `CAST(list_transform(${x}, ${e} -> ${enc(t.element, e, b)}) AS STRING)`;
    }
    case 'array': {
      // list_transform does not take an ARRAY (measured: "n.a has data type FLOAT[2] but LIST was expected").
      const e = b.fresh();
      return `CAST(list_transform(CAST(${x} AS ${renderType(t.element)}[]), ${e} -> ${enc(t.element, e, b)}) AS STRING)`;
    }
    case 'struct':
      return `CAST([${t.fields.map((f) => enc(f.type, `struct_extract(${x}, ${cypherString(f.name)})`, b)).join(', ')}] AS STRING)`;
    case 'map':
      return `CAST([${enc({ kind: 'list', element: t.key }, `map_keys(${x})`, b)}, ${enc({ kind: 'list', element: t.value }, `map_values(${x})`, b)}] AS STRING)`;
    case 'union':
      return `CAST([union_tag(${x}), ${t.members.map((m) => enc(m.type, `union_extract(${x}, ${cypherString(m.name)})`, b)).join(', ')}] AS STRING)`;
    default:
      return assertNever(t, 'type');
  }
}

/** The value of type `t` from its exact text form `s` (a non-NULL STRING expression). */
function valueOf(t: KuzuType, s: string, b: Builder): string {
  const withParts = (body: (part: (i: number) => string) => string) => b.let(`CAST(${s} AS STRING[])`, (p) => body((i) => `list_extract(${p}, ${i})`));
  switch (t.kind) {
    case 'primitive': {
      const n = t.name;
      if (n === 'STRING') return s;
      if (n === 'INTERVAL') {
        const l = `CAST(${s} AS INT64[])`;
        return `to_months(list_extract(${l}, 1)) + to_days(list_extract(${l}, 2)) + to_microseconds(list_extract(${l}, 3))`;
      }
      // CAST(NULL AS JSON) fails ("Cannot convert  to JSON"): feed it JSON's null text instead.
      if (n === 'JSON') return `CAST(coalesce(${s}, 'null') AS JSON)`;
      return `CAST(${s} AS ${castType(t)})`;
    }
    case 'decimal':
      return `CAST(${s} AS ${renderType(t)})`;
    case 'list': {
      const e = b.fresh();
      return `list_transform(CAST(${s} AS STRING[]), ${e} -> ${dec(t.element, e, b)})`;
    }
    case 'array': {
      const e = b.fresh();
      return `CAST(list_transform(CAST(${s} AS STRING[]), ${e} -> ${dec(t.element, e, b)}) AS ${renderType(t)})`;
    }
    case 'struct':
      return withParts((part) => `CAST({${t.fields.map((f, i) => `${quoteField(f.name)}: ${dec(f.type, part(i + 1), b)}`).join(', ')}} AS ${renderType(t)})`);
    case 'map':
      return withParts((part) => `map(${dec({ kind: 'list', element: t.key }, part(1), b)}, ${dec({ kind: 'list', element: t.value }, part(2), b)})`);
    case 'union':
      return withParts(
        (part) =>
          `CASE ${part(1)} ${t.members
            .map((m, i) => `WHEN ${cypherString(m.name)} THEN CAST(union_value(${quoteField(m.name)} := ${dec(m.type, part(i + 2), b)}) AS ${renderType(t)})`)
            .join(' ')} END`,
      );
    default:
      return assertNever(t, 'type');
  }
}

/** Struct field and union member names as Cypher keys. */
function quoteField(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return name;
  if (/[`\\]/.test(name)) throw new UnsupportedTypeError(name, 'a struct field or union member name with a backtick cannot be quoted');
  return '`' + name + '`';
}

/** The encoded string of `x` (never NULL). */
function enc(t: KuzuType, x: string, b: Builder): string {
  return b.let(x, (v) => `CASE WHEN ${v} IS NULL THEN 'N' ELSE '=' + ${escapeExpr(textOf(t, v, b))} END`);
}

/**
 * The value from an encoded string `s` ('N' or NULL → NULL). Kuzu evaluates both branches of a
 * CASE, so a CAST under `CASE WHEN s = 'N' THEN NULL ELSE CAST(s ...)` still fails on 'N'
 * (measured: "Cast failed. N is not within INT128 range"): the input is guarded instead, and every
 * valueOf form maps a NULL text to NULL.
 */
function dec(t: KuzuType, s: string, b: Builder): string {
  return b.let(s, (v) => {
    const text = `CASE WHEN ${v} IS NULL OR ${v} = 'N' THEN NULL ELSE ${unescapeExpr(`regexp_replace(${v}, '^=', '')`)} END`;
    return `CASE WHEN ${v} IS NULL OR ${v} = 'N' THEN NULL ELSE ${b.let(text, (w) => valueOf(t, w, b))} END`;
  });
}

/**
 * Types each format carries exactly as they are (measured: kuzu-notes §3 and the round-trip test).
 * Everything else is encoded. A STRING in CSV is encoded too: '' would come back as NULL.
 */
export function isNativeSafe(t: KuzuType, format: SnapshotFormat): boolean {
  if (t.kind !== 'primitive') return false;
  const n = t.name;
  if (/^(INT8|INT16|INT32|INT64|UINT8|UINT16|UINT32|UINT64|SERIAL|BOOL|DATE)$/.test(n)) return true;
  if (format === 'parquet') return /^(FLOAT|DOUBLE|STRING|BLOB|TIMESTAMP|TIMESTAMP_NS|TIMESTAMP_MS|TIMESTAMP_SEC|TIMESTAMP_TZ)$/.test(n);
  return /^(TIMESTAMP|TIMESTAMP_NS|TIMESTAMP_MS|TIMESTAMP_SEC|TIMESTAMP_TZ)$/.test(n);
}

/** The codec of a column of type `typeText` (canonical Kuzu spelling) in `format`. */
export function columnCodec(typeText: string, format: SnapshotFormat): ColumnCodec {
  const t = parseType(typeText);
  // Checks up front that every part of the type has an encoding (throws UnsupportedTypeError).
  textOf(t, 'x', new Builder());
  if (isNativeSafe(t, format)) {
    return {
      mode: 'native',
      encode: (x) => x,
      // CSV files are read with every column as STRING (auto_detect=false); Parquet columns
      // already have the type, where the CAST changes nothing.
      decode: (c) => `CAST(${c} AS ${castType(t)})`,
    };
  }
  return { mode: 'encoded', encode: (x) => enc(t, x, new Builder()), decode: (c) => dec(t, c, new Builder()) };
}

/** The decoder of a column as a manifest describes it (the encoding that was actually written). */
export function decodeColumn(typeText: string, encoding: 'native' | 'encoded', column: string): string {
  const t = parseType(typeText);
  return encoding === 'native' ? `CAST(${column} AS ${castType(t)})` : dec(t, column, new Builder());
}

// ---------------------------------------------------------------------------------------------
// Plain CSV strings. A STRING column of a CSV snapshot is written as Kuzu writes it (readable in a
// spreadsheet, no `=` formulas) when none of its values needs the encoding. Measured on Kuzu
// 0.11.3 (COPY TO csv, then LOAD FROM with auto_detect=false): commas, quotes, `'`, `\`, tabs,
// leading/trailing spaces, `[1,2]`, `{a}`, `N`, `\N`, `null`, `=SUM(A1)`, non-ASCII and 5,000-char
// values come back exactly, and NULL comes back NULL. Two things do not: `''` comes back NULL, and
// a value with CR or LF is quoted across lines, which Kuzu's parallel CSV reader refuses ("Quoted
// newlines are not supported in parallel CSV reader"). A column holding either stays encoded.

/** The condition (over the value expression `x`) under which a CSV STRING column must be encoded. */
export function csvStringNeedsEncoding(x: string): string {
  // The LF and CR characters themselves inside the literals: Kuzu 0.11.3 reads `'\n'` as `'n'`
  // (measured: '\n' = 'n' is true), while a raw line break inside a string literal is kept.
  return `(${x} = '' OR contains(${x}, '\n') OR contains(${x}, '\r'))`;
}

/** Whether a column of this type can be written plain in CSV when its values allow (see above). */
export function csvPlainCandidate(typeText: string, format: SnapshotFormat): boolean {
  const t = parseType(typeText);
  return format === 'csv' && t.kind === 'primitive' && t.name === 'STRING';
}

/** The codec of a CSV STRING column whose values were checked to need no encoding. */
export function plainCsvStringCodec(): ColumnCodec {
  return { mode: 'native', encode: (x) => x, decode: (c) => `CAST(${c} AS STRING)` };
}

/** The encodings a snapshot's columns use, as written into its manifest and README. */
export const COLUMN_ENCODINGS: Readonly<Record<'native' | 'encoded', string>> = {
  native: 'the value as Kuzu writes it (CSV: plain text, NULL as an empty field; Parquet: the native type)',
  encoded:
    "kuzu-migrate's exact text: `N` is NULL; otherwise `=` followed by the value's exact text form with " +
    '`%`, `[ ] { } ( ) , \' " \\`, space, tab, CR, LF and `:` percent-escaped (`%25`, `%5B`, …); ' +
    'lists, structs, maps and unions hold encoded elements (src/snapshot/codec.ts). Used only for columns whose ' +
    'values the format would not carry exactly (e.g. DOUBLE in CSV, a STRING column holding an empty string or a line break).',
};

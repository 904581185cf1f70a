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
 *   - `=` + text     the value's exact text form (below).
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
 * Nested values are encoded recursively: a list's text form is the list of its elements' encoded
 * strings, so no NULL element, NULL struct or special character ever reaches Kuzu's own CSV or
 * Parquet writer inside a nested value. Two encodings keep those element strings apart when Kuzu
 * parses the list text back (`CAST(s AS STRING[])`):
 *   - `quoted` (written since snapshot format 2): each element is written in double quotes, with
 *     `%` and `"` percent-escaped inside — Kuzu's list parser does not split inside a quoted
 *     element (see quoteExpr; measured: `CAST('["a,b", "c]d"]' AS STRING[])` has two elements,
 *     quotes kept); two regexp_replace calls per level each way, and no `let` lambda in the
 *     decoder where a value is small enough to repeat. In CSV the whole encoded string then has
 *     `%`, LF and CR percent-escaped once, at the top, so a field never holds a line break
 *     (Kuzu's parallel CSV reader refuses quoted newlines).
 *   - `encoded` (snapshot format 1, still read): every element's text percent-escaped for 16
 *     characters (`%`, `[ ] { } ( ) , ' " \`, whitespace, `:`) at every level. Kuzu 0.11.3 spends
 *     seconds binding those nested regexp_replace calls (measured: EXPLAIN of the encoding of
 *     `STRUCT(a INT64[], b STRUCT(c STRING, d DOUBLE[]))[]` took 16.4 s with 128 of them, 0.97 s
 *     with none), which is why `quoted` replaced it.
 */
import { assertNever } from '../core/errors';
import { cypherString } from '../core/identifiers';
import { KuzuType, parseType, renderType } from '../core/types';

export type SnapshotFormat = 'csv' | 'parquet';
export const SNAPSHOT_FORMATS: readonly SnapshotFormat[] = ['csv', 'parquet'];

/** How one column travels through a file. */
export interface ColumnCodec {
  /**
   * `native`: written as is; `quoted`: written as the encoded STRING described above;
   * `list_text`: a one-level list of integers or DATE as its own text (plainListCodec).
   * (`encoded`, the format-1 nested encoding, is only ever read: decodeColumn.)
   */
  mode: 'native' | 'quoted' | 'list_text';
  /** Expression written to the file, given the expression of the value. */
  encode(value: string): string;
  /** Expression producing the value of the declared type, given the file column's expression. */
  decode(column: string): string;
}

/** How a column was written, as a manifest records it (`encoded`: format 1, read only). */
export type ColumnEncoding = 'native' | 'encoded' | 'quoted' | 'list_text';

/** Characters escaped inside `encoded` (format 1) strings, in escape order (`%` first, unescaped last). */
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

function escapeExpr(s: string, escapes: readonly [string, string][] = ESCAPES): string {
  let out = s;
  for (const [ch, code] of escapes) out = `regexp_replace(${out}, ${cypherString(literalPattern(ch))}, ${cypherString(code)}, 'g')`;
  return out;
}

function unescapeExpr(s: string, escapes: readonly [string, string][] = ESCAPES): string {
  let out = s;
  for (const [ch, code] of [...escapes].reverse()) out = `regexp_replace(${out}, ${cypherString(code)}, ${cypherString(literalReplacement(ch))}, 'g')`;
  return out;
}

/**
 * What the `quoted` encoding escapes once, over the whole encoded string, in CSV files only: no
 * line break in a CSV field. Parquet strings carry any character, and the three nested calls are
 * not free to bind (measured: 0.33 s of the 1.2 s EXPLAIN of a two-level struct list).
 */
const TOP_ESCAPES: readonly [string, string][] = [
  ['%', '%25'],
  ['\n', '%0A'],
  ['\r', '%0D'],
];
function topEscape(encoded: string, format: SnapshotFormat): string {
  return format === 'csv' ? escapeExpr(encoded, TOP_ESCAPES) : encoded;
}
function topUnescape(column: string, format: SnapshotFormat): string {
  return format === 'csv' ? unescapeExpr(column, TOP_ESCAPES) : column;
}

/*
 * How Kuzu 0.11.3 splits a list's text (`CAST(s AS STRING[])`, splitCStringList in its
 * cast_string_non_nested_functions.cpp, read and measured): a `"` at the start of an element opens
 * a quoted part that ends at the NEXT `"` — there is no escape character (its own "TODO: escape
 * char"); inside it, brackets, braces, commas and spaces are plain text; the quotes stay in the
 * element. So an element is written as `"` + its encoded string with `%` and `"` percent-escaped
 * + `"`, which the parser cannot split, and is read back by dropping the two quotes and undoing
 * the two escapes. (A backslash is plain text to that parser; `["[\"a\"]"]` fails to cast.)
 */
const ELEMENT_ESCAPES: readonly [string, string][] = [
  ['%', '%25'],
  ['"', '%22'],
];

/** A list element's text: the encoded string in double quotes, `%` and `"` percent-escaped. */
function quoteExpr(encoded: string): string {
  return `'"' + ${escapeExpr(encoded, ELEMENT_ESCAPES)} + '"'`;
}

/** The encoded string from a list element parsed by `CAST(s AS STRING[])` (quotes kept by Kuzu). */
function unquoteExpr(element: string): string {
  return unescapeExpr(`regexp_replace(${element}, '^"|"$', '', 'g')`, ELEMENT_ESCAPES);
}

/** JS twins of quoteExpr / unquoteExpr, for unit tests. */
export function quoteText(encoded: string): string {
  return '"' + escapeText(encoded, ELEMENT_ESCAPES) + '"';
}
export function unquoteText(element: string): string {
  return unescapeText(element.replace(/^"|"$/g, ''), ELEMENT_ESCAPES);
}

/**
 * One nested encoding: how element strings are kept apart inside a list's text, and how a value's
 * text form is escaped after `=`. `quoted` (format 2) is written; `encoded` (format 1) only read.
 */
interface Scheme {
  wrap(encoded: string): string;
  unwrap(element: string): string;
  escape(text: string): string;
  unescape(text: string): string;
}
const QUOTED: Scheme = { wrap: quoteExpr, unwrap: unquoteExpr, escape: (t) => t, unescape: (t) => t };
const ESCAPED_V1: Scheme = { wrap: (e) => e, unwrap: (e) => e, escape: (t) => escapeExpr(t), unescape: (t) => unescapeExpr(t) };

/** Pure JS twins of the escaping, for unit tests and documentation. */
export function escapeText(s: string, escapes: readonly [string, string][] = ESCAPES): string {
  let out = s;
  for (const [ch, code] of escapes) out = out.split(ch).join(code);
  return out;
}
export function unescapeText(s: string, escapes: readonly [string, string][] = ESCAPES): string {
  let out = s;
  for (const [ch, code] of [...escapes].reverse()) out = out.split(code).join(ch);
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
function textOf(t: KuzuType, x: string, b: Builder, q: Scheme): string {
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
      return `CAST(list_transform(${x}, ${e} -> ${q.wrap(enc(t.element, e, b, q))}) AS STRING)`;
    }
    case 'array': {
      // list_transform does not take an ARRAY (measured: "n.a has data type FLOAT[2] but LIST was expected").
      const e = b.fresh();
      return `CAST(list_transform(CAST(${x} AS ${renderType(t.element)}[]), ${e} -> ${q.wrap(enc(t.element, e, b, q))}) AS STRING)`;
    }
    case 'struct':
      return `CAST([${t.fields.map((f) => q.wrap(enc(f.type, `struct_extract(${x}, ${cypherString(f.name)})`, b, q))).join(', ')}] AS STRING)`;
    case 'map':
      return `CAST([${q.wrap(enc({ kind: 'list', element: t.key }, `map_keys(${x})`, b, q))}, ${q.wrap(enc({ kind: 'list', element: t.value }, `map_values(${x})`, b, q))}] AS STRING)`;
    case 'union':
      return `CAST([${q.wrap(`union_tag(${x})`)}, ${t.members.map((m) => q.wrap(enc(m.type, `union_extract(${x}, ${cypherString(m.name)})`, b, q))).join(', ')}] AS STRING)`;
    default:
      return assertNever(t, 'type');
  }
}

/** The value of type `t` from its exact text form `s` (a non-NULL STRING expression). */
function valueOf(t: KuzuType, s: string, b: Builder, q: Scheme): string {
  const withParts = (body: (part: (i: number) => string) => string) => b.let(`CAST(${s} AS STRING[])`, (p) => body((i) => q.unwrap(`list_extract(${p}, ${i})`)));
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
      return `list_transform(CAST(${s} AS STRING[]), ${e} -> ${dec(t.element, q.unwrap(e), b, q)})`;
    }
    case 'array': {
      const e = b.fresh();
      return `CAST(list_transform(CAST(${s} AS STRING[]), ${e} -> ${dec(t.element, q.unwrap(e), b, q)}) AS ${renderType(t)})`;
    }
    case 'struct':
      return withParts((part) => `CAST({${t.fields.map((f, i) => `${quoteField(f.name)}: ${dec(f.type, part(i + 1), b, q)}`).join(', ')}} AS ${renderType(t)})`);
    case 'map':
      return withParts((part) => `map(${dec({ kind: 'list', element: t.key }, part(1), b, q)}, ${dec({ kind: 'list', element: t.value }, part(2), b, q)})`);
    case 'union':
      return withParts(
        (part) =>
          `CASE ${part(1)} ${t.members
            .map((m, i) => `WHEN ${cypherString(m.name)} THEN CAST(union_value(${quoteField(m.name)} := ${dec(m.type, part(i + 2), b, q)}) AS ${renderType(t)})`)
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

/**
 * The encoded string of `x` (never NULL), its value bound once by a `let`. The let is kept at
 * every level although the value is small: without it, Kuzu 0.11.3 crashed (SIGSEGV) encoding an
 * `INT64[2][2]` column of 4,200 rows (values-property, seed 707; with the let at every level,
 * as format 1 had it, 20,000 rows encode). Binding costs little next to the escaping that format
 * 1 added at every level (EXPLAIN of a two-level struct list: 4.9 s with the lets, 3.7 s without,
 * 54 s in format 1, same loaded minutes).
 */
function enc(t: KuzuType, x: string, b: Builder, q: Scheme): string {
  return b.let(x, (v) => `CASE WHEN ${v} IS NULL THEN 'N' ELSE '=' + ${q.escape(textOf(t, v, b, q))} END`);
}

/**
 * The value from an encoded string `s` ('N' or NULL → NULL). Kuzu evaluates both branches of a
 * CASE, so a CAST under `CASE WHEN s = 'N' THEN NULL ELSE CAST(s ...)` still fails on 'N'
 * (measured: "Cast failed. N is not within INT128 range"): the input is guarded instead, and every
 * valueOf form maps a NULL text to NULL; the outer CASE makes a STRUCT, MAP or JSON of a NULL
 * text NULL (valueOf alone would build a struct of NULL fields, an empty map, JSON null).
 */
function dec(t: KuzuType, s: string, b: Builder, q: Scheme): string {
  if (q === QUOTED) {
    // `s` is small here (a column's top-level unescape, an unquoted lambda variable or list
    // element), so it is repeated instead of bound: no lambda per level. (The encoder keeps its
    // lets: enc says why.)
    const text = `regexp_replace(nullif(${s}, 'N'), '^=', '')`;
    const nullsItself = !(t.kind === 'struct' || t.kind === 'map' || (t.kind === 'primitive' && t.name === 'JSON'));
    // The NULL is typed: an untyped one made Kuzu type a list lambda's body INT64 and then fail
    // "Unsupported casting function from INT64 to MAP" for MAP(STRING, INT64)[1] (values-property, seed 404).
    return nullsItself ? valueOf(t, text, b, q) : `CASE WHEN nullif(${s}, 'N') IS NULL THEN CAST(NULL AS ${castType(t)}) ELSE ${valueOf(t, text, b, q)} END`;
  }
  return b.let(s, (v) => {
    const text = `CASE WHEN ${v} IS NULL OR ${v} = 'N' THEN NULL ELSE ${q.unescape(`regexp_replace(${v}, '^=', '')`)} END`;
    return `CASE WHEN ${v} IS NULL OR ${v} = 'N' THEN NULL ELSE ${b.let(text, (w) => valueOf(t, w, b, q))} END`;
  });
}

/**
 * Types each format carries exactly as they are (measured: kuzu-notes §3 and the round-trip test).
 * Everything else is encoded. A STRING in CSV is encoded too: '' would come back as NULL.
 */
export function isNativeSafe(t: KuzuType, format: SnapshotFormat): boolean {
  // Lists and arrays of such values go into Parquet as Parquet lists, untouched: the encoded form
  // needs a list lambda, which Kuzu 0.11.3 evaluates wrongly past 2,048 elements per batch
  // (kuzu-notes §10, "Lists past the vector size"). Measured exact both ways, NULL elements, empty
  // lists and lists of 5,000 elements included (test/e2e/snapshot-values.test.ts, test/integration/values-property.test.ts).
  if (format === 'parquet' && (t.kind === 'list' || t.kind === 'array')) return isNativeSafe(t.element, format);
  if (t.kind !== 'primitive') return false;
  const n = t.name;
  if (/^(INT8|INT16|INT32|INT64|UINT8|UINT16|UINT32|UINT64|SERIAL|BOOL|DATE)$/.test(n)) return true;
  if (format === 'parquet') return /^(FLOAT|DOUBLE|STRING|BLOB|TIMESTAMP|TIMESTAMP_NS|TIMESTAMP_MS|TIMESTAMP_SEC|TIMESTAMP_TZ)$/.test(n);
  return /^(TIMESTAMP|TIMESTAMP_NS|TIMESTAMP_MS|TIMESTAMP_SEC|TIMESTAMP_TZ)$/.test(n);
}

/** Element types whose CAST text is exact, has no `;` and parses back (integers, DATE). */
const TEXT_EXACT = /^(INT8|INT16|INT32|INT64|INT128|UINT8|UINT16|UINT32|UINT64|DATE)$/;

/**
 * A one-level list or array of TEXT_EXACT values, in CSV: written as the whole list's own text,
 * with no list lambda (a lambda is wrong past 2,048 elements per batch, kuzu-notes §3).
 * `CAST([1,NULL,3] AS STRING)` is `[1,,3]` and parses back with its NULL; only a one-element list
 * holding NULL prints `[]` like the empty list, so it is written `[NULL]`, which parses back.
 * Commas become `;` so the CSV field needs no quoting. Values: `N` (NULL) or `=` + the list text:
 * the `=` keeps Kuzu's CSV reader from typing the column as a list (measured: LOAD FROM with
 * auto_detect=false still read a column of `[0;1;2]` as STRING[]; `l = 'N'` then failed).
 */
function plainListCodec(t: KuzuType): ColumnCodec | null {
  if ((t.kind !== 'list' && t.kind !== 'array') || t.element.kind !== 'primitive' || !TEXT_EXACT.test(t.element.name)) return null;
  const asList = (x: string) => (t.kind === 'array' ? `CAST(${x} AS ${renderType(t.element)}[])` : x);
  return {
    mode: 'list_text',
    encode: (x) =>
      `CASE WHEN ${x} IS NULL THEN 'N' WHEN size(${asList(x)}) = 1 AND CAST(${x} AS STRING) = '[]' THEN '=[NULL]' ELSE '=' + regexp_replace(CAST(${x} AS STRING), ',', ';', 'g') END`,
    // (list_extract(x, 1) is not usable to spot it: Kuzu evaluates it for the empty list too, and fails.)
    // The input is guarded, not the CAST (Kuzu evaluates every CASE branch: kuzu-notes §4).
    decode: (c) => `CAST(CASE WHEN ${c} IS NULL OR ${c} = 'N' THEN NULL ELSE regexp_replace(regexp_replace(${c}, '^=', ''), ';', ',', 'g') END AS ${renderType(t)})`,
  };
}

/** The codec of a column of type `typeText` (canonical Kuzu spelling) in `format`. */
export function columnCodec(typeText: string, format: SnapshotFormat): ColumnCodec {
  const t = parseType(typeText);
  // Checks up front that every part of the type has an encoding (throws UnsupportedTypeError).
  textOf(t, 'x', new Builder(), QUOTED);
  const plain = format === 'csv' ? plainListCodec(t) : null;
  if (plain) return plain;
  if (isNativeSafe(t, format)) {
    return {
      mode: 'native',
      encode: (x) => x,
      // CSV files are read with every column as STRING (auto_detect=false); Parquet columns
      // already have the type, where the CAST changes nothing.
      decode: (c) => `CAST(${c} AS ${castType(t)})`,
    };
  }
  return {
    mode: 'quoted',
    encode: (x) => topEscape(enc(t, x, new Builder(), QUOTED), format),
    decode: (c) => dec(t, topUnescape(c, format), new Builder(), QUOTED),
  };
}

/** The decoder of a column as a manifest describes it (the encoding that was actually written). */
export function decodeColumn(typeText: string, encoding: ColumnEncoding, column: string, format: SnapshotFormat): string {
  const t = parseType(typeText);
  if (encoding === 'list_text') {
    const plain = plainListCodec(t);
    if (!plain) throw new UnsupportedTypeError(typeText, 'the list_text encoding is only written for lists of integers or DATE');
    return plain.decode(column);
  }
  if (encoding === 'native') return `CAST(${column} AS ${castType(t)})`;
  if (encoding === 'encoded') return dec(t, column, new Builder(), ESCAPED_V1);
  return dec(t, topUnescape(column, format), new Builder(), QUOTED);
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
export const COLUMN_ENCODINGS: Readonly<Record<'native' | 'quoted' | 'list_text', string>> = {
  list_text:
    "a one-level list of integers or DATE as its own text after `=`, with `;` for `,` (`=[1;;3]` is [1, NULL, 3], " +
    '`=[NULL]` a list holding one NULL, `N` NULL): CSV only, read without any list lambda (kuzu-notes §10).',
  native: 'the value as Kuzu writes it (CSV: plain text, NULL as an empty field; Parquet: the native type)',
  quoted:
    "kuzu-migrate's exact text: `N` is NULL; otherwise `=` followed by the value's exact text form; " +
    'lists, structs, maps and unions are lists of their elements\' encoded strings, each in double quotes with `%` and `"` ' +
    'percent-escaped inside (`%25`, `%22`); in CSV, `%`, LF and CR are then percent-escaped (`%25`, `%0A`, `%0D`) over the whole string (src/snapshot/codec.ts). ' +
    'Used only for columns whose values the format would not carry exactly (e.g. DOUBLE in CSV, a STRING column holding an empty string or a line break).',
};

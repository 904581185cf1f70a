/**
 * The few statements the shared code (introspection, fingerprints, the snapshot codec) writes for
 * Kuzu 0.11.3 that an older release does not accept, rewritten for that release. Pure. Kept in
 * one place so the shared code stays release-agnostic; each rule was measured on the release:
 *
 *   - 0.9 / 0.10 have no `schema_only` for EXPORT DATABASE ("Only export to csv can have options",
 *     then "Unrecognized csv parsing option: SCHEMA_ONLY"). Introspection reads multiplicity from
 *     the schema.cypher of such an export, so a whole CSV export is written instead, into
 *     introspection's temporary folder (removed right after; it costs what exporting the data costs).
 *   - 0.9 / 0.10 have no `to_json` without the JSON extension, which is downloaded from the network
 *     ("function TO_JSON is not defined. This function exists in the JSON extension"). The codec
 *     uses `to_json(x)` only for the exact text of a FLOAT / DOUBLE (CAST prints 6 decimals). It is
 *     replaced by 17 significant digits computed with arithmetic, then corrected: the candidates
 *     d, d±1 (× 10^k) are parsed back in the same engine and the first that gives the
 *     value back exactly is written. 17 digits always identify a double; the correction absorbs
 *     the rounding of the scaling arithmetic. Content verification after the load still compares
 *     every value (by hash) across the two engines.
 */
import { EngineRelease } from './releases';

/**
 * Every `to_json(<expression>)` of a statement, with its argument found by balancing parentheses
 * outside string literals, replaced by `replace(argument)`. The codec writes it only for FLOAT /
 * DOUBLE values, today always around a let-bound lambda variable (`to_json(_km_v3)`); the
 * argument is not assumed to be one, since a codec change that stopped binding a DOUBLE broke the
 * earlier `to_json\((_km_v\d+)\)` rewrite (upgrade from 0.10.1: "function TO_JSON is not defined").
 */
function replaceToJson(statement: string, replace: (argument: string) => string): string {
  const open = /\bto_json\(/gi;
  let out = '';
  let from = 0;
  for (let m = open.exec(statement); m; m = open.exec(statement)) {
    const start = m.index + m[0].length;
    let depth = 1;
    let i = start;
    for (; i < statement.length && depth > 0; i++) {
      const ch = statement[i];
      if (ch === "'" || ch === '"') {
        // Skip a string literal (Cypher escapes with a backslash).
        for (i++; i < statement.length && statement[i] !== ch; i++) if (statement[i] === '\\') i++;
      } else if (ch === '(') depth++;
      else if (ch === ')') depth--;
    }
    if (depth !== 0) break; // unbalanced: leave the rest as it is (the engine will say why)
    out += statement.slice(from, m.index) + replace(statement.slice(start, i - 1));
    from = i;
    open.lastIndex = i;
  }
  return out + statement.slice(from);
}

/**
 * Exact decimal text of the FLOAT/DOUBLE value `v`. The magnitude
 * and exponent are bound once with a one-element list_transform, as the codec does, so the text
 * stays small (repeating the arithmetic inline made tinysnb's export 4× slower). The inner lambda
 * refers only to its own variable — a lambda BODY that refers to an outer lambda's variable
 * segfaults Kuzu — and the outer value reaches it through the list argument, packed in a struct.
 */
export function exactFloatText(v: string): string {
  // `v` is repeated below: the codec hands over a lambda variable (see replaceToJson).
  // Kuzu evaluates every branch of a CASE, so the arithmetic's input is guarded: NULL and 0 (whose
  // log10 is -inf and would fail the casts) compute on 1.0; their answer is chosen outside.
  const a = `CASE WHEN ${v} IS NULL OR ${v} = 0 THEN 1.0 ELSE abs(CAST(${v} AS DOUBLE)) END`;
  // ONE level of binding only: Kuzu 0.10.1 mixes rows up in lambdas nested three deep over structs
  // (measured: UNWIND [1.0/3, 2.5] gave 2.5 the digits of 1/3).
  const f = '_km_fk';
  // Scaling by 10^-k in two halves keeps each power finite for subnormal and huge values.
  const digits = `CAST(round(${f}.a * pow(10.0, -(${f}.k / 2)) * pow(10.0, -(${f}.k - ${f}.k / 2)), 0) AS INT64)`;
  const text = (delta: number) => `(CAST(${digits} + ${delta} AS STRING) + 'e' + CAST(${f}.k AS STRING))`;
  const deltas = [0, 1, -1];
  const pick = `CASE ${deltas.map((d) => `WHEN CAST(${text(d)} AS DOUBLE) = ${f}.a THEN ${text(d)}`).join(' ')} ELSE ${text(0)} END`;
  const magnitude = `list_extract(list_transform([{a: ${a}, k: CAST(floor(log10(${a})) AS INT64) - 16}], ${f} -> ${pick}), 1)`;
  return `CASE WHEN ${v} = 0 THEN '0' ELSE (CASE WHEN ${v} < 0 THEN '-' ELSE '' END) + ${magnitude} END`;
}

/**
 * LadybugDB names the local database `main(<name>)` in show_tables' `database name` where Kuzu says
 * `local(kuzu)`; introspection keeps only `local…` rows, so the name is mapped back.
 */
export function adaptRows(release: EngineRelease, statement: string, rows: Record<string, unknown>[]): Record<string, unknown>[] {
  if (release.capabilities.localDatabaseName === 'local' || !/^\s*CALL\s+show_tables\(\)/i.test(statement)) return rows;
  return rows.map((r) => (typeof r['database name'] === 'string' ? { ...r, 'database name': String(r['database name']).replace(/^main\(/, 'local(') } : r));
}

export function adaptStatement(release: EngineRelease, statement: string): string {
  // LadybugDB 0.19.1 has schema_only, but no built-in to_json either ("function TO_JSON is not
  // defined. This function exists in the JSON extension"; measured).
  const { exportSchemaOnly, builtinToJson } = release.capabilities;
  let s = statement;
  if (!exportSchemaOnly) s = s.replace(/^(EXPORT DATABASE\s+'(?:[^'\\]|\\.)*'\s*)\(\s*schema_only\s*=\s*true\s*\)\s*$/i, "$1(format='csv')");
  if (!builtinToJson) s = replaceToJson(s, exactFloatText);
  return s;
}

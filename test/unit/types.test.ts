/**
 * The Kuzu type grammar without Kuzu: spellings, structure, error positions and the cast table.
 * test/integration/types-kuzu.test.ts checks the same facts against a real database.
 */
import {
  castExpression,
  castFailureCondition,
  castIsGuarded,
  CastSafety,
  castSafety,
  KuzuType,
  KuzuTypeError,
  normalizeType,
  parseType,
  PRIMITIVE_TYPES,
  renderType,
  tryParseType,
  TYPE_ALIASES,
} from '../../src/core/types';

describe('spellings → canonical (measured table_info output)', () => {
  const CASES: [string, string][] = [
    ['INT8', 'INT8'], ['int16', 'INT16'], ['Int32', 'INT32'], ['INT64', 'INT64'], ['int128', 'INT128'],
    ['UINT8', 'UINT8'], ['uint16', 'UINT16'], ['UINT32', 'UINT32'], ['uint64', 'UINT64'], ['serial', 'SERIAL'],
    ['INT', 'INT32'], ['int', 'INT32'], ['FLOAT', 'FLOAT'], ['REAL', 'FLOAT'], ['float4', 'FLOAT'], ['DOUBLE', 'DOUBLE'],
    ['FLOAT8', 'DOUBLE'], ['BOOLEAN', 'BOOL'], ['BoOlEaN', 'BOOL'], ['bool', 'BOOL'], ['STRING', 'STRING'], ['string', 'STRING'],
    ['BLOB', 'BLOB'], ['BYTEA', 'BLOB'], ['bytea', 'BLOB'], ['UUID', 'UUID'], ['DATE', 'DATE'], ['TIMESTAMP', 'TIMESTAMP'],
    ['timestamp_ns', 'TIMESTAMP_NS'], ['TIMESTAMP_MS', 'TIMESTAMP_MS'], ['TIMESTAMP_SEC', 'TIMESTAMP_SEC'],
    ['TIMESTAMP_S', 'TIMESTAMP_SEC'], ['TIMESTAMP_TZ', 'TIMESTAMP_TZ'], ['INTERVAL', 'INTERVAL'], ['interval', 'INTERVAL'],
    ['DURATION', 'INTERVAL'], ['JSON', 'json'], ['json', 'json'], ['INTERNAL_ID', 'INTERNAL_ID'],
    ['DECIMAL', 'DECIMAL(18, 3)'], ['NUMERIC', 'DECIMAL(18, 3)'], ['decimal(18,4)', 'DECIMAL(18, 4)'],
    ['DECIMAL (10, 2)', 'DECIMAL(10, 2)'], ['DECIMAL( 10 , 2 )', 'DECIMAL(10, 2)'], ['DECIMAL(38,38)', 'DECIMAL(38, 38)'],
    ['DECIMAL(1,0)', 'DECIMAL(1, 0)'], ['STRING[]', 'STRING[]'], ['int64[][]', 'INT64[][]'], ['INT64[4]', 'INT64[4]'],
    ['float[2]', 'FLOAT[2]'], ['INT64[4][2]', 'INT64[4][2]'], ['INT64[][3]', 'INT64[][3]'], ['INT64[3][]', 'INT64[3][]'],
    ['json[2]', 'json[2]'], ['BYTEA[]', 'BLOB[]'], ['INT64[100000]', 'INT64[100000]'],
    ['STRUCT(a INT64, b STRING)', 'STRUCT(a INT64, b STRING)'], ['struct(A int, b bytea)', 'STRUCT(A INT32, b BLOB)'],
    ['STRUCT (a INT64)', 'STRUCT(a INT64)'], ['STRUCT( a  INT64 ,b STRING )', 'STRUCT(a INT64, b STRING)'],
    ['STRUCT(a INT64, A STRING)', 'STRUCT(a INT64, A STRING)'], ['STRUCT(from INT64, to STRING)', 'STRUCT(from INT64, to STRING)'],
    ['STRUCT(match INT64, map BOOL, struct DATE)', 'STRUCT(match INT64, map BOOL, struct DATE)'],
    ['STRUCT(ä INT64, _b STRING, a1 UUID)', 'STRUCT(ä INT64, _b STRING, a1 UUID)'],
    ['STRUCT(a DECIMAL)', 'STRUCT(a DECIMAL(18, 3))'], ['STRUCT(a DECIMAL(5,2), b json)', 'STRUCT(a DECIMAL(5, 2), b json)'],
    ['STRUCT(a STRUCT(b INT64[]))', 'STRUCT(a STRUCT(b INT64[]))'], ['STRUCT(a INT64)[]', 'STRUCT(a INT64)[]'],
    ['STRUCT(a INT64,b INT64)[3][]', 'STRUCT(a INT64, b INT64)[3][]'],
    ['MAP(STRING,INT64)', 'MAP(STRING, INT64)'], ['map (string , int64)', 'MAP(STRING, INT64)'],
    ['MAP(STRING, MAP(STRING, INT64))', 'MAP(STRING, MAP(STRING, INT64))'], ['MAP(DECIMAL(18,4), STRING)', 'MAP(DECIMAL(18, 4), STRING)'],
    ['MAP(STRUCT(a INT64, b INT64), STRING[])', 'MAP(STRUCT(a INT64, b INT64), STRING[])'], ['MAP(STRING, INT64)[2]', 'MAP(STRING, INT64)[2]'],
    ['union(credit boolean, grade1 double, grade2 int64)', 'UNION(credit BOOL, grade1 DOUBLE, grade2 INT64)'],
    ['UNION(a INT64)[]', 'UNION(a INT64)[]'], ['  INT64  ', 'INT64'], ['INT64\n', 'INT64'],
  ];
  test.each(CASES)('%j → %s', (input, canonical) => {
    expect(normalizeType(input)).toBe(canonical);
    // Canonical spellings are fixed points and parse to the same structure.
    expect(normalizeType(canonical)).toBe(canonical);
    expect(parseType(canonical)).toEqual(parseType(input));
  });

  test('every alias and canonical name, in three cases', () => {
    for (const [alias, canonical] of Object.entries(TYPE_ALIASES)) {
      const expected = canonical === 'JSON' ? 'json' : canonical;
      for (const spelling of [alias, alias.toLowerCase(), alias[0] + alias.slice(1).toLowerCase()]) {
        expect(normalizeType(spelling)).toBe(expected);
      }
    }
    expect(Object.keys(TYPE_ALIASES).length).toBe(PRIMITIVE_TYPES.length + 8);
  });

  test('structure', () => {
    const i64: KuzuType = { kind: 'primitive', name: 'INT64' };
    expect(parseType('INT64[4][]')).toEqual({ kind: 'list', element: { kind: 'array', element: i64, size: 4 } });
    expect(parseType('decimal')).toEqual({ kind: 'decimal', precision: 18, scale: 3 });
    expect(parseType('MAP(STRING, INT64[])')).toEqual({ kind: 'map', key: { kind: 'primitive', name: 'STRING' }, value: { kind: 'list', element: i64 } });
    expect(parseType('UNION(a INT64, B STRUCT(c INT64))')).toEqual({
      kind: 'union',
      members: [{ name: 'a', type: i64 }, { name: 'B', type: { kind: 'struct', fields: [{ name: 'c', type: i64 }] } }],
    });
    expect(renderType({ kind: 'array', element: { kind: 'primitive', name: 'JSON' }, size: 3 })).toBe('json[3]');
  });
});

describe('errors: offset and expectation', () => {
  const CASES: [input: string, offset: number, message: RegExp][] = [
    ['INTT', 0, /unknown type "INTT" at offset 0; did you mean INT/],
    ['STRNG', 0, /did you mean STRING\?/],
    ['TIMESTAMPNS', 0, /did you mean TIMESTAMP_NS\?/],
    ['STRUCT(a INT64, b STRNG)', 18, /unknown type "STRNG" at offset 18; did you mean STRING\?/],
    ['FOO', 0, /unknown type "FOO" at offset 0$/],
    ['VARCHAR', 0, /Kuzu has no type "VARCHAR".*use STRING/],
    ['INTEGER', 0, /use INT32/],
    ['BIGINT', 0, /use INT64/],
    ['text', 0, /Kuzu has no type "text".*use STRING/],
    ['DATETIME', 0, /use TIMESTAMP/],
    ['', 0, /empty type/],
    ['   ', 3, /empty type/],
    ['DECIMAL(5)', 9, /needs both precision and scale/],
    ['DECIMAL(39, 0)', 8, /precision 39 at offset 8 is out of range/],
    ['DECIMAL(0, 0)', 8, /precision 0 at offset 8 is out of range/],
    ['DECIMAL(10, 11)', 12, /scale 11 at offset 12 is greater than the precision 10/],
    ['DECIMAL(-1, 0)', 8, /negative/],
    ['DECIMAL(010, 2)', 8, /leading zero/],
    ['DECIMAL(10, 2', 13, /missing "\)"/],
    ['NUMERIC(10, 2)', 7, /NUMERIC takes no parameters/],
    ['INT64(3)', 5, /INT64 takes no parameters/],
    ['INT64[0]', 6, /array size must be greater than 0/],
    ['INT64[04]', 6, /leading zero/],
    ['INT64[ 4 ]', 6, /unexpected " "/],
    ['INT64[4', 7, /missing "\]"/],
    ['INT64[x]', 6, /unexpected "x"/],
    ['INT64 []', 6, /unexpected "\["/],
    ['INT64]', 5, /unexpected "\]"/],
    ['INT64)', 5, /unbalanced "\)"/],
    ['STRUCT(a INT64))', 15, /unbalanced "\)"/],
    ['STRUCT(a INT64', 14, /missing "\)" for "\(" at offset 6/],
    ['STRUCT()', 6, /empty STRUCT/],
    ['UNION( )', 5, /empty UNION/],
    ['STRUCT', 6, /STRUCT needs a field list/],
    ['STRUCT(a)', 8, /expected a space and a type after field "a"/],
    ['STRUCT(a INT64,)', 15, /unexpected "\)"/],
    ['STRUCT(a INT64, a STRING)', 16, /duplicate field "a"/],
    ['UNION(x INT64, x STRING)', 15, /duplicate member "x"/],
    ['STRUCT(where INT64)', 7, /"where" .* reserved word/],
    ['STRUCT(`a` INT64)', 7, /quoted field names/],
    ['STRUCT(a:INT64)', 8, /expected a space/],
    ['MAP(STRING)', 10, /unexpected "\)"/],
    ['MAP(STRING, INT64, INT64)', 17, /unexpected ","/],
    ['MAP', 3, /MAP needs key and value types/],
    ['MAP(STRING, ', 12, /missing type/],
    ['INT64 STRING', 6, /unexpected "S" at offset 6/],
    ['DOUBLE PRECISION', 7, /unexpected "P"/],
    ['[]', 0, /unexpected "\["/],
  ];
  test.each(CASES)('%j fails at offset %i', (input, offset, message) => {
    const r = tryParseType(input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.offset).toBe(offset);
    expect(r.error.message).toMatch(message);
    expect(r.error.expected).toBeTruthy();
  });

  test('parseType throws KuzuTypeError carrying the detail and the input', () => {
    let caught: unknown;
    try {
      parseType('INTT');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(KuzuTypeError);
    const e = caught as KuzuTypeError;
    expect(e.input).toBe('INTT');
    expect(e.detail.offset).toBe(0);
    expect(e.message).toBe(
      'invalid Kuzu type "INTT": unknown type "INTT" at offset 0; did you mean INT8? ' +
        '(expected a Kuzu type such as INT64, STRING, DOUBLE, DATE, STRUCT(...), MAP(K, V) or T[])',
    );
  });
});

describe('castSafety', () => {
  const CASES: [from: string, to: string, safety: CastSafety][] = [
    // identical, whatever the spelling
    ['INT64', 'int64', 'identical'], ['BOOLEAN', 'BOOL', 'identical'], ['BYTEA', 'BLOB', 'identical'], ['INT', 'INT32', 'identical'],
    ['DECIMAL', 'DECIMAL(18,3)', 'identical'], ['STRUCT(a INT64)', 'struct(a int64)', 'identical'], ['SERIAL', 'SERIAL', 'identical'],
    // integers
    ['INT8', 'INT16', 'lossless'], ['INT32', 'INT64', 'lossless'], ['UINT32', 'INT64', 'lossless'], ['UINT8', 'INT16', 'lossless'],
    ['INT64', 'INT128', 'lossless'], ['UINT64', 'INT128', 'lossless'], ['SERIAL', 'INT64', 'lossless'], ['INT64', 'SERIAL', 'lossless'],
    ['INT64', 'INT32', 'checked'], ['INT64', 'UINT64', 'checked'], ['UINT64', 'INT64', 'checked'], ['INT8', 'UINT8', 'checked'],
    ['UINT8', 'INT8', 'checked'], ['INT128', 'INT64', 'checked'], ['INT32', 'SERIAL', 'lossless'], ['UINT64', 'SERIAL', 'checked'],
    // integers ↔ floats and decimals
    ['INT16', 'FLOAT', 'lossless'], ['UINT16', 'FLOAT', 'lossless'], ['INT32', 'FLOAT', 'lossy'], ['INT32', 'DOUBLE', 'lossless'],
    ['UINT32', 'DOUBLE', 'lossless'], ['INT64', 'DOUBLE', 'lossy'], ['INT128', 'DOUBLE', 'lossy'],
    ['FLOAT', 'DOUBLE', 'lossless'], ['DOUBLE', 'FLOAT', 'lossy'], ['DOUBLE', 'INT64', 'lossy'], ['FLOAT', 'INT8', 'lossy'],
    ['INT32', 'DECIMAL(10,0)', 'lossless'], ['INT32', 'DECIMAL(9,0)', 'checked'], ['INT8', 'DECIMAL(5,2)', 'lossless'],
    ['INT64', 'DECIMAL(4,1)', 'checked'], ['DOUBLE', 'DECIMAL(18,4)', 'lossy'],
    ['DECIMAL(10,2)', 'DECIMAL(12,4)', 'lossless'], ['DECIMAL(10,2)', 'DECIMAL(9,2)', 'checked'], ['DECIMAL(10,2)', 'DECIMAL(10,1)', 'lossy'],
    ['DECIMAL(18,0)', 'INT64', 'lossless'], ['DECIMAL(10,0)', 'INT32', 'checked'], ['DECIMAL(6,2)', 'INT8', 'lossy'],
    ['DECIMAL(18,3)', 'INT128', 'impossible'], ['DECIMAL(18,3)', 'DOUBLE', 'lossy'],
    // to STRING
    ['INT64', 'STRING', 'lossless'], ['UINT64', 'STRING', 'lossless'], ['BOOL', 'STRING', 'lossless'], ['DATE', 'STRING', 'lossless'],
    ['TIMESTAMP', 'STRING', 'lossless'], ['TIMESTAMP_TZ', 'STRING', 'lossless'], ['UUID', 'STRING', 'lossless'], ['BLOB', 'STRING', 'lossless'],
    ['DECIMAL(18,4)', 'STRING', 'lossless'], ['JSON', 'STRING', 'lossless'],
    ['DOUBLE', 'STRING', 'lossy'], ['FLOAT', 'STRING', 'lossy'], ['TIMESTAMP_NS', 'STRING', 'lossy'], ['INTERVAL', 'STRING', 'lossy'],
    ['INT64[]', 'STRING', 'lossy'], ['STRUCT(a INT64)', 'STRING', 'lossy'], ['MAP(STRING, INT64)', 'STRING', 'lossy'], ['UNION(a INT64)', 'STRING', 'lossy'],
    // from STRING
    ['STRING', 'INT64', 'checked'], ['STRING', 'UINT8', 'checked'], ['STRING', 'BOOL', 'checked'], ['STRING', 'DATE', 'checked'],
    ['STRING', 'UUID', 'checked'], ['STRING', 'BLOB', 'checked'], ['STRING', 'JSON', 'checked'], ['STRING', 'INTERVAL', 'checked'],
    ['STRING', 'DOUBLE', 'lossy'], ['STRING', 'DECIMAL(10,2)', 'lossy'], ['STRING', 'TIMESTAMP', 'lossy'], ['STRING', 'INT64[]', 'checked'],
    ['STRING', 'SERIAL', 'checked'], ['JSON', 'INT64', 'checked'],
    // temporal
    ['DATE', 'TIMESTAMP', 'checked'], ['DATE', 'TIMESTAMP_NS', 'checked'], ['TIMESTAMP', 'DATE', 'lossy'], ['TIMESTAMP', 'TIMESTAMP_TZ', 'lossless'],
    ['TIMESTAMP_TZ', 'TIMESTAMP', 'lossless'], ['TIMESTAMP_SEC', 'TIMESTAMP', 'lossless'], ['TIMESTAMP_MS', 'TIMESTAMP', 'lossless'],
    ['TIMESTAMP', 'TIMESTAMP_MS', 'lossy'], ['TIMESTAMP', 'TIMESTAMP_SEC', 'lossy'], ['TIMESTAMP_NS', 'TIMESTAMP', 'lossy'],
    ['TIMESTAMP', 'TIMESTAMP_NS', 'checked'], ['TIMESTAMP_MS', 'TIMESTAMP_NS', 'checked'],
    // no such cast in Kuzu
    ['DATE', 'INT64', 'impossible'], ['INT64', 'DATE', 'impossible'], ['INT64', 'BOOL', 'impossible'], ['BOOL', 'INT64', 'impossible'],
    ['TIMESTAMP', 'INT64', 'impossible'], ['UUID', 'BLOB', 'impossible'], ['BLOB', 'INT64', 'impossible'], ['INTERVAL', 'INT64', 'impossible'],
    ['STRUCT(a INT64)', 'INT64', 'impossible'], ['INT64', 'INT64[]', 'impossible'], ['INT64[]', 'INT64', 'impossible'],
    ['STRUCT(a INT64)', 'STRUCT(b INT64)', 'impossible'], ['STRUCT(a INT64, b INT64)', 'STRUCT(b INT64, a INT64)', 'impossible'],
    ['STRUCT(a INT64)', 'STRUCT(a INT64, b INT64)', 'impossible'], ['INT64[3]', 'INT64[2]', 'impossible'], ['INTERNAL_ID', 'STRING', 'impossible'],
    // nested, element by element
    ['INT32[]', 'INT64[]', 'lossless'], ['INT64[]', 'INT32[]', 'checked'], ['INT64[2]', 'INT64[]', 'lossless'], ['INT64[]', 'INT64[2]', 'checked'],
    ['INT32[2]', 'INT64[2]', 'lossless'], ['DOUBLE[]', 'FLOAT[]', 'lossy'], ['STRING[]', 'INT64[]', 'checked'], ['INT64[][]', 'STRING[][]', 'lossless'],
    ['STRUCT(a INT32, b STRING)', 'STRUCT(a INT64, b STRING)', 'lossless'], ['STRUCT(a INT64, b STRING)', 'STRUCT(a INT32, b INT64)', 'checked'],
    ['STRUCT(a DOUBLE)', 'STRUCT(a FLOAT)', 'lossy'], ['MAP(STRING, INT32)', 'MAP(STRING, INT64)', 'lossless'],
    ['MAP(STRING, INT64)', 'MAP(STRING, INT32)', 'checked'], ['MAP(INT64, INT64)', 'MAP(STRING, INT64)', 'lossless'],
    // unions
    ['UNION(a INT64)', 'UNION(a INT64, b STRING)', 'lossless'], ['UNION(a INT64, b STRING)', 'UNION(a INT64)', 'impossible'],
    ['INT64', 'UNION(a INT64)', 'lossless'], ['INT8', 'UNION(a INT64)', 'lossless'], ['INT64', 'UNION(a INT64, b STRING)', 'lossy'],
    ['UINT64', 'UNION(a INT64)', 'impossible'], ['DOUBLE', 'UNION(a INT64)', 'impossible'], ['STRING', 'UNION(a INT64)', 'checked'],
  ];
  test.each(CASES)('%s → %s: %s', (from, to, safety) => {
    expect(castSafety(from, to)).toBe(safety);
  });

  test('every pair of primitives has an answer, identical only on the diagonal', () => {
    for (const from of PRIMITIVE_TYPES) {
      for (const to of PRIMITIVE_TYPES) {
        const s = castSafety(from, to);
        expect([from, to, s === 'identical']).toEqual([from, to, from === to]);
      }
    }
  });

  test('bad type strings throw KuzuTypeError', () => {
    expect(() => castSafety('INTT', 'INT64')).toThrow(KuzuTypeError);
  });
});

describe('castExpression / castFailureCondition', () => {
  test('identical: the value itself, never failing', () => {
    expect(castExpression('n.a', 'INT', 'INT32')).toBe('n.a');
    expect(castFailureCondition('n.a', 'INT', 'INT32')).toBeNull();
  });

  test('lossless: a plain CAST that cannot fail', () => {
    expect(castExpression('n.a', 'INT32', 'INT64')).toBe('CAST(n.a AS INT64)');
    expect(castFailureCondition('n.a', 'INT32', 'INT64')).toBeNull();
    expect(castExpression('n.a', 'INT32[]', 'INT64[]')).toBe('CAST(n.a AS INT64[])');
    expect(castExpression('n.a', 'INT64', 'JSON')).toBe('CAST(n.a AS JSON)');
    expect(castExpression('n.a', 'INT32', 'SERIAL')).toBe('CAST(n.a AS INT64)');
  });

  test('checked from STRING: the input is guarded, never the CAST alone', () => {
    const e = castExpression('n.age', 'STRING', 'INT64');
    expect(e).toMatch(/^CAST\(CASE WHEN .*regexp_matches\(n\.age, .* THEN n\.age ELSE NULL END AS INT64\)$/);
    expect(castFailureCondition('n.age', 'STRING', 'INT64')).toBe(`n.age IS NOT NULL AND ${e} IS NULL`);
  });

  test('checked narrowing: range bounds of the source type', () => {
    expect(castExpression('n.x', 'INT64', 'INT32')).toBe(
      "CAST(CASE WHEN (n.x >= CAST('-2147483648' AS INT64)) AND (n.x <= CAST('2147483647' AS INT64)) THEN n.x ELSE NULL END AS INT32)",
    );
    expect(castExpression('n.x', 'INT64', 'UINT64')).toBe("CAST(CASE WHEN n.x >= CAST('0' AS INT64) THEN n.x ELSE NULL END AS UINT64)");
    expect(castExpression('n.x', 'DOUBLE', 'INT8')).toContain("n.x < CAST('127.5' AS DOUBLE)");
    expect(castExpression('n.x', 'DOUBLE', 'FLOAT')).toBe('CASE WHEN CAST(n.x AS FLOAT) * 0.0 = 0.0 THEN CAST(n.x AS FLOAT) ELSE NULL END');
  });

  test('nested: element by element', () => {
    expect(castExpression('n.l', 'INT64[]', 'INT32[]')).toMatch(/^CAST\(list_transform\(n\.l, e1 -> CAST\(CASE WHEN .*e1.* END AS INT32\)\) AS INT32\[\]\)$/);
    expect(castExpression('n.l', 'INT64[2]', 'INT32[2]')).toContain('list_transform(CAST(n.l AS INT64[]), e1 ->');
    expect(castFailureCondition('n.l', 'INT64[]', 'INT64[3]')).toBe('n.l IS NOT NULL AND (size(n.l) <> 3)');
    expect(castExpression('n.s', 'STRUCT(a INT64, b STRING)', 'STRUCT(a INT32, b STRING)')).toMatch(
      /^CAST\(CASE WHEN n\.s IS NULL THEN NULL ELSE \{a: CAST\(CASE WHEN .* END AS INT32\), b: n\.s\.b\} END AS STRUCT\(a INT32, b STRING\)\)$/,
    );
    expect(castFailureCondition('n.s', 'STRUCT(a INT64, b STRING)', 'STRUCT(a INT32, b STRING)')).toMatch(/^n\.s IS NOT NULL AND \(\(n\.s\.a IS NOT NULL AND /);
    expect(castFailureCondition('n.m', 'MAP(STRING, INT64)', 'MAP(STRING, INT32)')).toMatch(/^n\.m IS NOT NULL AND \(any\(e1 IN map_values\(n\.m\) WHERE e1 IS NOT NULL AND /);
  });

  test('unguarded and impossible casts', () => {
    expect(castIsGuarded('STRING', 'INT64')).toBe(true);
    expect(castIsGuarded('STRING', 'INTERVAL')).toBe(false);
    expect(castIsGuarded('STRING', 'JSON')).toBe(false);
    expect(castIsGuarded('MAP(STRING, INT64)', 'MAP(STRING, INT32)')).toBe(false);
    expect(castIsGuarded('MAP(STRING, INT32)', 'MAP(STRING, INT64)')).toBe(true);
    expect(castExpression('n.s', 'STRING', 'INTERVAL')).toBe('CAST(n.s AS INTERVAL)');
    expect(castFailureCondition('n.s', 'STRING', 'INTERVAL')).toBe('n.s IS NOT NULL');
    expect(() => castExpression('n.d', 'DATE', 'INT64')).toThrow(/cannot cast DATE to INT64/);
    expect(castFailureCondition('n.d', 'DATE', 'INT64')).toBe('n.d IS NOT NULL');
  });

  test('string constants are escaped for Cypher', () => {
    // Backslashes in patterns are doubled inside Cypher string literals.
    expect(castExpression('n.s', 'STRING', 'INT8')).toContain("'^\\\\s*-?(0|[1-9][0-9]*)\\\\s*$'");
  });
});

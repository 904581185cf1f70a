"use strict";
/**
 * The Kuzu 0.11.3 data type grammar: parsing, canonical spelling, and what converting a value from
 * one type to another does (castSafety) and how to do it inside Kuzu without failing the statement
 * (castExpression, castFailureCondition).
 *
 * Pure: no I/O, no kuzu import. Every fact below was measured against npm `kuzu@0.11.3` (the
 * integration test test/integration/types-kuzu.test.ts re-checks them on every run), so the grammar
 * is Kuzu's, not a guess:
 * - Canonical spelling is what `CALL table_info()` prints: upper-case names, `BOOL`, `BLOB`,
 *   `DECIMAL(18, 4)`, `STRUCT(a INT64, b STRING)`, `MAP(STRING, INT64)`, `INT64[4]`, `INT64[][]`,
 *   and, alone in lower case, `json`. Struct field and union member names keep their case.
 * - Aliases Kuzu accepts (any case): INT=INT32, BOOLEAN=BOOL, BYTEA=BLOB, REAL/FLOAT4=FLOAT,
 *   FLOAT8=DOUBLE, NUMERIC=DECIMAL, TIMESTAMP_S=TIMESTAMP_SEC, DURATION=INTERVAL. Bare DECIMAL and
 *   NUMERIC mean DECIMAL(18, 3); `NUMERIC(p, s)` is a parser error (only DECIMAL takes parameters).
 * - Rejected by Kuzu (so rejected here, with the Kuzu name to use): INTEGER, BIGINT, SMALLINT,
 *   TINYINT, HUGEINT, VARCHAR, TEXT, CHAR, DATETIME, TIMESTAMPTZ, TIME, UINT, INT4, ...
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.MAX_DECIMAL_PRECISION = exports.DEFAULT_DECIMAL = exports.TYPE_ALIASES = exports.PRIMITIVE_TYPES = exports.KuzuTypeError = void 0;
exports.parseType = parseType;
exports.tryParseType = tryParseType;
exports.renderType = renderType;
exports.normalizeType = normalizeType;
exports.sameType = sameType;
exports.castSafety = castSafety;
exports.castIsGuarded = castIsGuarded;
exports.castExpression = castExpression;
exports.castFailureCondition = castFailureCondition;
class KuzuTypeError extends Error {
    detail;
    input;
    constructor(detail, input) {
        super(`invalid Kuzu type ${JSON.stringify(input)}: ${detail.message}` +
            (detail.expected ? ` (expected ${detail.expected})` : ''));
        this.detail = detail;
        this.input = input;
        this.name = 'KuzuTypeError';
    }
}
exports.KuzuTypeError = KuzuTypeError;
// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------
/** Canonical primitive names, in the order used for suggestions (most common first). */
exports.PRIMITIVE_TYPES = [
    'INT64', 'INT32', 'INT16', 'INT8', 'INT128', 'UINT64', 'UINT32', 'UINT16', 'UINT8', 'SERIAL',
    'DOUBLE', 'FLOAT', 'BOOL', 'STRING', 'BLOB', 'UUID', 'DATE', 'TIMESTAMP', 'TIMESTAMP_NS',
    'TIMESTAMP_MS', 'TIMESTAMP_SEC', 'TIMESTAMP_TZ', 'INTERVAL', 'JSON', 'INTERNAL_ID',
];
/**
 * Every spelling Kuzu 0.11.3 accepts for a primitive, upper-cased, mapped to the canonical name.
 * Measured by creating a property of each candidate type; matches `tryGetIDFromString` in Kuzu's
 * types.cpp. JSON is a type registered by the bundled json extension (no LOAD needed) and is the
 * only name table_info prints in lower case.
 */
exports.TYPE_ALIASES = {
    ...Object.fromEntries(exports.PRIMITIVE_TYPES.map((n) => [n, n])),
    INT: 'INT32',
    BOOLEAN: 'BOOL',
    BYTEA: 'BLOB',
    REAL: 'FLOAT',
    FLOAT4: 'FLOAT',
    FLOAT8: 'DOUBLE',
    TIMESTAMP_S: 'TIMESTAMP_SEC',
    DURATION: 'INTERVAL',
};
/**
 * Names other databases use that Kuzu 0.11.3 rejects ("X is neither an internal type nor a user
 * defined type"), with the Kuzu type a user most likely means. Used only for error messages.
 */
const FOREIGN_TYPE_NAMES = {
    INTEGER: 'INT32', INT4: 'INT32', BIGINT: 'INT64', LONG: 'INT64', SMALLINT: 'INT16',
    INT2: 'INT16', SHORT: 'INT16', TINYINT: 'INT8', INT1: 'INT8', HUGEINT: 'INT128', UINT: 'UINT32',
    UTINYINT: 'UINT8', USMALLINT: 'UINT16', UINTEGER: 'UINT32', UBIGINT: 'UINT64', VARCHAR: 'STRING',
    TEXT: 'STRING', CHAR: 'STRING', BPCHAR: 'STRING', BINARY: 'BLOB', VARBINARY: 'BLOB',
    DATETIME: 'TIMESTAMP', TIMESTAMPTZ: 'TIMESTAMP_TZ', TIMESTAMP_US: 'TIMESTAMP', BIGSERIAL: 'SERIAL',
    JSONB: 'JSON', LIST: 'T[] (e.g. INT64[])', ARRAY: 'T[n] (e.g. FLOAT[3])',
};
/**
 * Kuzu keywords that cannot name a struct field or union member (the parser rejects
 * `STRUCT(where INT64)`); measured by trying every keyword in Kuzu's keywords.txt. The
 * non-reserved ones (FROM, TO, MAP, STRUCT, MATCH, RETURN, ...) are fine.
 */
const RESERVED_WORDS = new Set([
    'ACYCLIC', 'ANY', 'ALL', 'AND', 'ASC', 'ASCENDING', 'CASE', 'CAST', 'COLUMN', 'COMMIT_SKIP_CHECKPOINT',
    'CREATE', 'DBTYPE', 'DEFAULT', 'DESC', 'DESCENDING', 'DISTINCT', 'ELSE', 'END', 'ENDS', 'EXISTS',
    'FALSE', 'GLOB', 'GROUP', 'HEADERS', 'HINT', 'IN', 'INSTALL', 'JOIN', 'MACRO', 'MULTI_JOIN', 'NOT',
    'NONE', 'NULL', 'ON', 'ONLY', 'OPTIONAL', 'OR', 'ORDER', 'PRIMARY', 'PROFILE',
    'ROLLBACK_SKIP_CHECKPOINT', 'SHORTEST', 'STARTS', 'TABLE', 'THEN', 'TRAIL', 'TRUE', 'UNION', 'UNWIND',
    'WHEN', 'WHERE', 'WITH', 'WSHORTEST', 'XOR', 'SINGLE',
]);
/** Kuzu's bare DECIMAL / NUMERIC (measured: table_info reports `DECIMAL(18, 3)`). */
exports.DEFAULT_DECIMAL = { precision: 18, scale: 3 };
/** Kuzu: "Precision of DECIMAL/NUMERIC must be a positive integer no greater than 38". */
exports.MAX_DECIMAL_PRECISION = 38;
const EXPECTED_TYPE = 'a Kuzu type such as INT64, STRING, DOUBLE, DATE, STRUCT(...), MAP(K, V) or T[]';
// ---------------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------------
class ParseFailure extends Error {
    detail;
    constructor(detail) {
        super(detail.message);
        this.detail = detail;
    }
}
/** Kuzu's UnescapedSymbolicName: ID_Start or connector punctuation, then ID_Continue or currency. */
const IDENT = /[\p{ID_Start}\p{Pc}][\p{ID_Continue}\p{Sc}]*/uy;
/** Kuzu's SP token: any run of white space (and comments, which never occur in a type). */
const SPACE = /\s+/y;
class Parser {
    text;
    pos = 0;
    constructor(text) {
        this.text = text;
    }
    fail(message, offset = this.pos, expected) {
        throw new ParseFailure(expected ? { message, offset, expected } : { message, offset });
    }
    match(re) {
        re.lastIndex = this.pos;
        const m = re.exec(this.text);
        if (!m)
            return null;
        this.pos += m[0].length;
        return m[0];
    }
    skipSpace() {
        return this.match(SPACE) !== null;
    }
    peek() {
        return this.text[this.pos] ?? '';
    }
    describeHere() {
        return this.pos >= this.text.length ? 'end of input' : JSON.stringify(this.text[this.pos]);
    }
    expectChar(ch, expected) {
        if (this.peek() !== ch) {
            if (ch === ')' && this.pos >= this.text.length)
                this.fail(`missing ")" at offset ${this.pos}`, this.pos, expected);
            this.fail(`unexpected ${this.describeHere()} at offset ${this.pos}`, this.pos, expected);
        }
        this.pos++;
    }
    parseTop() {
        this.skipSpace();
        if (this.pos >= this.text.length)
            this.fail('empty type', this.pos, EXPECTED_TYPE);
        const t = this.parseType();
        this.skipSpace();
        if (this.pos < this.text.length) {
            if (this.peek() === ')')
                this.fail(`unbalanced ")" at offset ${this.pos}`, this.pos, 'end of type');
            this.fail(`unexpected ${this.describeHere()} at offset ${this.pos}`, this.pos, 'end of type');
        }
        return t;
    }
    parseType() {
        let t = this.parseBase();
        // `[]` / `[n]` suffixes bind left to right: INT64[4][] is a list of INT64[4]. Kuzu allows no
        // space before `[` or inside the brackets (measured: `INT64 []`, `INT64[ 4 ]` are parser errors).
        while (this.peek() === '[') {
            const open = this.pos;
            this.pos++;
            if (this.peek() === ']') {
                this.pos++;
                t = { kind: 'list', element: t };
                continue;
            }
            const digitsAt = this.pos;
            const digits = this.match(/[0-9]+/y);
            if (digits === null)
                this.fail(`unexpected ${this.describeHere()} at offset ${this.pos} in array size`, this.pos, '"]" or an array size');
            // Kuzu's DecimalInteger has no leading zeros (`INT64[04]` is a parser error).
            if (!/^(0|[1-9][0-9]*)$/.test(digits))
                this.fail(`array size ${digits} at offset ${digitsAt} has a leading zero`, digitsAt, 'a size without leading zeros');
            const size = Number(digits);
            if (size === 0)
                this.fail(`array size must be greater than 0 at offset ${digitsAt}`, digitsAt, 'a positive array size');
            if (!Number.isSafeInteger(size))
                this.fail(`array size ${digits} at offset ${digitsAt} is too large`, digitsAt, `a size up to ${Number.MAX_SAFE_INTEGER}`);
            if (this.peek() !== ']') {
                if (this.pos >= this.text.length)
                    this.fail(`missing "]" for "[" at offset ${open}`, this.pos, '"]"');
                this.fail(`unexpected ${this.describeHere()} at offset ${this.pos} in array size`, this.pos, '"]"');
            }
            this.pos++;
            t = { kind: 'array', element: t, size };
        }
        return t;
    }
    parseBase() {
        const start = this.pos;
        const name = this.match(IDENT);
        if (name === null) {
            if (this.pos >= this.text.length)
                this.fail(`missing type at offset ${this.pos}`, this.pos, EXPECTED_TYPE);
            this.fail(`unexpected ${this.describeHere()} at offset ${this.pos}`, this.pos, EXPECTED_TYPE);
        }
        const upper = name.toUpperCase();
        // `STRUCT (`, `MAP (`, `DECIMAL (` allow a space before the parenthesis; a name followed by
        // space and something else is simply the end of this type.
        const afterName = this.pos;
        this.skipSpace();
        const hasParen = this.peek() === '(';
        if (!hasParen)
            this.pos = afterName;
        if (upper === 'STRUCT' || upper === 'UNION') {
            if (!hasParen)
                this.fail(`${upper} needs a field list at offset ${afterName}`, afterName, `${upper}(name TYPE, ...)`);
            return this.parseFields(upper);
        }
        if (upper === 'MAP') {
            if (!hasParen)
                this.fail(`MAP needs key and value types at offset ${afterName}`, afterName, 'MAP(KEY_TYPE, VALUE_TYPE)');
            this.pos++;
            this.skipSpace();
            const key = this.parseType();
            this.skipSpace();
            this.expectChar(',', '"," and the value type of MAP(KEY_TYPE, VALUE_TYPE)');
            this.skipSpace();
            const value = this.parseType();
            this.skipSpace();
            this.expectChar(')', '")" closing MAP(KEY_TYPE, VALUE_TYPE)');
            return { kind: 'map', key, value };
        }
        if (upper === 'DECIMAL') {
            if (!hasParen)
                return { kind: 'decimal', ...exports.DEFAULT_DECIMAL };
            this.pos++;
            this.skipSpace();
            const pAt = this.pos;
            const p = this.parseDecimalParam('precision');
            this.skipSpace();
            if (this.peek() === ')')
                this.fail(`DECIMAL needs both precision and scale at offset ${this.pos}`, this.pos, '"," and a scale, as in DECIMAL(18, 4)');
            this.expectChar(',', '"," and a scale, as in DECIMAL(18, 4)');
            this.skipSpace();
            const sAt = this.pos;
            const s = this.parseDecimalParam('scale');
            this.skipSpace();
            this.expectChar(')', '")" closing DECIMAL(precision, scale)');
            if (p < 1 || p > exports.MAX_DECIMAL_PRECISION) {
                this.fail(`DECIMAL precision ${p} at offset ${pAt} is out of range`, pAt, `a precision from 1 to ${exports.MAX_DECIMAL_PRECISION}`);
            }
            if (s > p)
                this.fail(`DECIMAL scale ${s} at offset ${sAt} is greater than the precision ${p}`, sAt, `a scale from 0 to ${p}`);
            return { kind: 'decimal', precision: p, scale: s };
        }
        if (upper === 'NUMERIC') {
            if (hasParen) {
                this.fail(`NUMERIC takes no parameters in Kuzu 0.11.3 (offset ${afterName})`, afterName, 'DECIMAL(precision, scale), or NUMERIC alone for DECIMAL(18, 3)');
            }
            return { kind: 'decimal', ...exports.DEFAULT_DECIMAL };
        }
        const canonical = exports.TYPE_ALIASES[upper];
        if (canonical === undefined) {
            const foreign = FOREIGN_TYPE_NAMES[upper];
            if (foreign)
                this.fail(`Kuzu has no type "${name}" (offset ${start}); use ${foreign}`, start, foreign);
            const suggestion = closestTypeName(upper);
            this.fail(`unknown type "${name}" at offset ${start}` + (suggestion ? `; did you mean ${suggestion}?` : ''), start, EXPECTED_TYPE);
        }
        if (hasParen)
            this.fail(`${canonical} takes no parameters (offset ${afterName})`, afterName, `${canonical} alone`);
        return { kind: 'primitive', name: canonical };
    }
    parseDecimalParam(what) {
        const at = this.pos;
        if (this.peek() === '-')
            this.fail(`DECIMAL ${what} at offset ${at} is negative`, at, `a non-negative ${what}`);
        const digits = this.match(/[0-9]+/y);
        if (digits === null)
            this.fail(`unexpected ${this.describeHere()} at offset ${at}`, at, `the DECIMAL ${what} (an integer)`);
        if (!/^(0|[1-9][0-9]*)$/.test(digits))
            this.fail(`DECIMAL ${what} ${digits} at offset ${at} has a leading zero`, at, `a ${what} without leading zeros`);
        return Number(digits);
    }
    parseFields(kindWord) {
        const open = this.pos;
        this.pos++; // '('
        this.skipSpace();
        const what = kindWord === 'STRUCT' ? 'field' : 'member';
        if (this.peek() === ')')
            this.fail(`empty ${kindWord} at offset ${open}`, open, `at least one ${what}: ${kindWord}(name TYPE, ...)`);
        const fields = [];
        const seen = new Set();
        for (;;) {
            const nameAt = this.pos;
            if (this.peek() === '`') {
                // Measured: Kuzu keeps the backquotes as part of the name (`STRUCT(\`a\` INT64)` is
                // reported as such), and a quoted name with a space fails; no portable meaning, so refuse.
                this.fail(`quoted ${what} names are not supported (offset ${nameAt})`, nameAt, `an unquoted ${what} name`);
            }
            const name = this.match(IDENT);
            if (name === null) {
                if (this.pos >= this.text.length)
                    this.fail(`missing ")" for "(" at offset ${open}`, this.pos, `a ${what} name`);
                this.fail(`unexpected ${this.describeHere()} at offset ${this.pos}`, this.pos, `a ${what} name`);
            }
            if (RESERVED_WORDS.has(name.toUpperCase())) {
                this.fail(`"${name}" at offset ${nameAt} is a reserved word and cannot name a ${what}`, nameAt, `a ${what} name that is not a Cypher keyword`);
            }
            // Kuzu splits "name TYPE" at the first space: at least one is required.
            if (!this.skipSpace()) {
                this.fail(`expected a space and a type after ${what} "${name}" at offset ${this.pos}`, this.pos, `${kindWord}(name TYPE, ...)`);
            }
            // Kuzu compares names exactly: `a` and `A` may coexist (measured), `a` twice may not.
            if (seen.has(name))
                this.fail(`duplicate ${what} "${name}" at offset ${nameAt}`, nameAt, `unique ${what} names`);
            seen.add(name);
            const type = this.parseType();
            fields.push({ name, type });
            this.skipSpace();
            if (this.peek() === ',') {
                this.pos++;
                this.skipSpace();
                continue;
            }
            if (this.peek() === ')') {
                this.pos++;
                break;
            }
            if (this.pos >= this.text.length)
                this.fail(`missing ")" for "(" at offset ${open}`, this.pos, `"," or ")" in ${kindWord}(...)`);
            this.fail(`unexpected ${this.describeHere()} at offset ${this.pos}`, this.pos, `"," or ")" in ${kindWord}(...)`);
        }
        return kindWord === 'STRUCT' ? { kind: 'struct', fields } : { kind: 'union', members: fields };
    }
}
function levenshtein(a, b) {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        let prev = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const tmp = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
            prev = tmp;
        }
    }
    return row[b.length];
}
/** The known name closest to `upper` (edit distance ≤ 2, or a prefix match), canonical spelling. */
function closestTypeName(upper) {
    const candidates = [...Object.keys(exports.TYPE_ALIASES), 'DECIMAL', 'NUMERIC', 'STRUCT', 'MAP', 'UNION'];
    let best;
    for (const c of candidates) {
        const d = levenshtein(upper, c);
        if (d <= Math.max(1, Math.min(2, Math.floor(c.length / 3))) && (!best || d < best.d))
            best = { name: c, d };
    }
    if (!best) {
        const prefix = candidates.find((c) => upper.length >= 3 && c.startsWith(upper));
        if (prefix)
            best = { name: prefix, d: 0 };
    }
    if (!best)
        return undefined;
    const canonical = exports.TYPE_ALIASES[best.name] ?? best.name;
    return canonical === 'JSON' ? 'JSON' : canonical;
}
/** Parses a Kuzu type in any accepted spelling; throws KuzuTypeError with offset and expectation. */
function parseType(text) {
    const r = tryParseType(text);
    if (!r.ok)
        throw new KuzuTypeError(r.error, text);
    return r.type;
}
function tryParseType(text) {
    try {
        return { ok: true, type: new Parser(text).parseTop() };
    }
    catch (err) {
        if (err instanceof ParseFailure)
            return { ok: false, error: err.detail };
        throw err;
    }
}
/** The canonical spelling: exactly what `CALL table_info()` prints in Kuzu 0.11.3. */
function renderType(t) {
    switch (t.kind) {
        case 'primitive':
            return t.name === 'JSON' ? 'json' : t.name;
        case 'decimal':
            return `DECIMAL(${t.precision}, ${t.scale})`;
        case 'list':
            return `${renderType(t.element)}[]`;
        case 'array':
            return `${renderType(t.element)}[${t.size}]`;
        case 'struct':
            return `STRUCT(${t.fields.map((f) => `${f.name} ${renderType(f.type)}`).join(', ')})`;
        case 'map':
            return `MAP(${renderType(t.key)}, ${renderType(t.value)})`;
        case 'union':
            return `UNION(${t.members.map((f) => `${f.name} ${renderType(f.type)}`).join(', ')})`;
    }
}
function normalizeType(text) {
    return renderType(parseType(text));
}
function sameType(a, b) {
    return renderType(a) === renderType(b);
}
const SAFETY_ORDER = ['identical', 'lossless', 'checked', 'lossy', 'impossible'];
function worst(...s) {
    return s.reduce((a, b) => (SAFETY_ORDER.indexOf(a) >= SAFETY_ORDER.indexOf(b) ? a : b), 'identical');
}
const INTS = (() => {
    const s = (bits) => ({ min: -(1n << BigInt(bits - 1)), max: (1n << BigInt(bits - 1)) - 1n, stringMin: -(1n << BigInt(bits - 1)) });
    const u = (bits) => ({ min: 0n, max: (1n << BigInt(bits)) - 1n, stringMin: 0n });
    const i128 = s(128);
    return {
        INT8: s(8), INT16: s(16), INT32: s(32), INT64: s(64), SERIAL: s(64),
        INT128: { ...i128, stringMin: i128.min + 1n },
        UINT8: u(8), UINT16: u(16), UINT32: u(32), UINT64: u(64),
    };
})();
/** Whether a float with this mantissa (FLOAT 24 bits, DOUBLE 53) holds every value of the type. */
function intFitsFloat(name, mantissaBits) {
    const i = INTS[name];
    return i.max < 1n << BigInt(mantissaBits) && -i.min <= 1n << BigInt(mantissaBits);
}
const TIMESTAMPS = new Set(['TIMESTAMP', 'TIMESTAMP_NS', 'TIMESTAMP_MS', 'TIMESTAMP_SEC', 'TIMESTAMP_TZ']);
/** Sub-second digits each timestamp type keeps (TIMESTAMP_TZ is TIMESTAMP in UTC). */
const TS_DIGITS = { TIMESTAMP_SEC: 0, TIMESTAMP_MS: 3, TIMESTAMP: 6, TIMESTAMP_TZ: 6, TIMESTAMP_NS: 9 };
/**
 * TIMESTAMP_NS holds int64 nanoseconds: 1677-09-21 00:12:43.145224192 .. 2262-04-11
 * 23:47:16.854775807. Measured: converting a value outside that range into TIMESTAMP_NS does not
 * fail, it silently wraps around (3000-01-05 becomes 1830-11-27), so the range is guarded here.
 * Bounds per source type, the first and last value of that precision that fits.
 */
const NS_RANGE = {
    DATE: ['1677-09-22', '2262-04-11'],
    TIMESTAMP_SEC: ['1677-09-21 00:12:44', '2262-04-11 23:47:16'],
    TIMESTAMP_MS: ['1677-09-21 00:12:43.146', '2262-04-11 23:47:16.854'],
    TIMESTAMP: ['1677-09-21 00:12:43.145225', '2262-04-11 23:47:16.854775'],
    TIMESTAMP_TZ: ['1677-09-21 00:12:43.145225', '2262-04-11 23:47:16.854775'],
};
const IMPOSSIBLE = { safety: 'impossible', guarded: true };
/** A Cypher string literal (Kuzu interprets only \' and \\ in literals). */
const lit = (s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
/** A constant of the source type: CAST of a string literal, so any range can be written. */
const constant = (value, type) => `CAST(${lit(value)} AS ${type})`;
const and = (parts) => (parts.length === 1 ? parts[0] : parts.map((p) => `(${p})`).join(' AND '));
/** Decimal string of 10^k. */
const pow10 = (k) => '1' + '0'.repeat(k);
/** Largest DECIMAL(p, s) magnitude, as a string: 10^(p-s) - 10^-s. */
const decimalMax = (p, s) => (p - s > 0 ? '9'.repeat(p - s) : '0') + (s > 0 ? '.' + '9'.repeat(s) : '');
// Regular expressions (RE2 syntax, as Kuzu's regexp_matches uses) describing the strings Kuzu's
// CAST accepts, measured in 0.11.3. Each one is a subset of what Kuzu accepts: a string outside
// it is reported as failing even if Kuzu could have parsed it (conservative, never the reverse).
/** Integers: surrounding white space allowed, no `+`, no leading zeros (`007` fails), `-0` ok. */
const RE_INT = '^\\s*-?(0|[1-9][0-9]*)\\s*$';
/** Floats: no `+`, no leading zeros (`007` fails, measured), `.5` and `5.` ok, exponent ok. */
const RE_FLOAT = '^\\s*-?((0|[1-9][0-9]*)(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?\\s*$';
/** Decimals: no `+`, no exponent (`1e2` fails); leading zeros are accepted (`007.5` → 7.5). */
const RE_DECIMAL = '^\\s*-?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)\\s*$';
/** Booleans: case-insensitive true/false/t/f/1/0 (measured; `yes`, `2` and `` fail). */
const RE_BOOL = '^\\s*(?i)(true|false|t|f|1|0)\\s*$';
/** Dates YYYY-M[M]-D[D] with a 4-digit year; day validity is checked by DATE_VALID_DAY. */
const DATE_PART = '[0-9]{4}-(0?[1-9]|1[0-2])-(0?[1-9]|[12][0-9]|3[01])';
const NS_DATE_PART = '(167[89]|16[89][0-9]|1[7-9][0-9]{2}|2[01][0-9]{2}|22[0-5][0-9]|226[01])-(0?[1-9]|1[0-2])-(0?[1-9]|[12][0-9]|3[01])';
const TIME_PART = '([ T]([01]?[0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?)?(Z|[-+][0-9]{2}(:?[0-9]{2})?)?';
/** 30-day months and February beyond 29 (the cast fails on 2021-02-30, measured). */
const RE_BAD_DAY = '^\\s*[0-9]{4}-(0?2-3[01]|(0?[469]|11)-31)';
const RE_FEB29 = '^\\s*[0-9]{4}-0?2-29';
/** Leap years: divisible by 4, centuries only when divisible by 400. */
const RE_LEAP_FEB29 = '^\\s*([0-9]{2}(0[48]|[2468][048]|[13579][26])|([02468][048]|[13579][26])00)-0?2-29';
const RE_UUID = '^\\s*\\{?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\\}?\\s*$';
function validDay(v) {
    return [
        `NOT regexp_matches(${v}, ${lit(RE_BAD_DAY)})`,
        `NOT regexp_matches(${v}, ${lit(RE_FEB29)}) OR regexp_matches(${v}, ${lit(RE_LEAP_FEB29)})`,
    ];
}
/**
 * In-range test for an integer written as a string, without casting it: with the sign and
 * surrounding blanks removed and no leading zeros, a shorter digit string is smaller, and equal
 * lengths compare like numbers.
 */
function intStringInRange(v, info) {
    const digits = `regexp_replace(${v}, ${lit('[\\s-]')}, '', 'g')`;
    const le = (bound) => {
        const b = bound.toString();
        return `size(${digits}) < ${b.length} OR (size(${digits}) = ${b.length} AND ${digits} <= ${lit(b)})`;
    };
    const negative = `regexp_matches(${v}, ${lit('^\\s*-')})`;
    const parts = [];
    // Unsigned types accept only "-0" among negative strings (measured: CAST('-0' AS UINT8) = 0).
    if (info.stringMin === 0n)
        parts.push(`NOT (${negative}) OR ${digits} = '0'`);
    else
        parts.push(`NOT (${negative}) OR ${le(-info.stringMin)}`);
    parts.push(`${negative} OR ${le(info.max)}`);
    return parts;
}
/** Builds an accept test from comparisons of the value with constants of the source type. */
function bounds(fromType, parts) {
    return (v) => and(parts.map(([op, value]) => `${v} ${op} ${constant(value, fromType)}`));
}
function primitivePlan(fromType, toType) {
    // Canonical upper-case names ('JSON', not table_info's 'json'); DECIMAL(p, s) spelled out.
    const from = fromType.kind === 'primitive' ? fromType.name : renderType(fromType);
    const fromIsInt = from in INTS;
    const toName = toType.kind === 'primitive' ? toType.name : undefined;
    // --- to STRING -------------------------------------------------------------------------------
    if (toName === 'STRING') {
        // Exact text forms (measured): integers, DECIMAL (`-0.50`), BOOL (`True`/`False`, which parse
        // back), DATE, TIMESTAMP/_MS/_SEC/_TZ (all digits kept), UUID, BLOB (`\xNN` escapes, `\` as
        // `\x5C`), JSON (its text). FLOAT/DOUBLE print 6 decimals; TIMESTAMP_NS prints microseconds;
        // INTERVAL is not sure to round-trip (negative intervals cannot be parsed back).
        if (fromIsInt || fromType.kind === 'decimal' || ['BOOL', 'DATE', 'UUID', 'BLOB', 'JSON', 'TIMESTAMP', 'TIMESTAMP_MS', 'TIMESTAMP_SEC', 'TIMESTAMP_TZ'].includes(from)) {
            return { safety: 'lossless', guarded: true };
        }
        if (['FLOAT', 'DOUBLE', 'TIMESTAMP_NS', 'INTERVAL'].includes(from))
            return { safety: 'lossy', guarded: true };
        return IMPOSSIBLE; // INTERNAL_ID
    }
    // --- from STRING (and JSON, which Kuzu parses the same way but we do not guard) -------------
    if (from === 'STRING') {
        if (toName && toName in INTS) {
            const info = INTS[toName];
            return { safety: 'checked', guarded: true, accept: (v) => and([`regexp_matches(${v}, ${lit(RE_INT)})`, ...intStringInRange(v, info)]) };
        }
        if (toName === 'FLOAT' || toName === 'DOUBLE') {
            // 'nan' and 'inf' are refused by the pattern; overflow ('1e400') gives inf (measured).
            return { safety: 'lossy', guarded: true, finite: true, accept: (v) => `regexp_matches(${v}, ${lit(RE_FLOAT)})` };
        }
        if (toType.kind === 'decimal') {
            // Extra digits are rounded half away from zero ('1.2345' → 1.235), so lossy. It fails when
            // the integer part has more than p-s digits, or rounding carries into one more digit.
            const k = toType.precision - toType.scale;
            const s = toType.scale;
            const intPart = k === 0 ? '0*' : `0*[0-9]{0,${k}}`;
            const fits = `^\\s*-?(${intPart}(\\.[0-9]*)?|\\.[0-9]+)\\s*$`;
            const carry = `^\\s*-?${k === 0 ? '0*' : `0*9{${k}}`}\\.9{${s}}[5-9]`;
            return {
                safety: 'lossy',
                guarded: true,
                accept: (v) => and([`regexp_matches(${v}, ${lit(RE_DECIMAL)})`, `regexp_matches(${v}, ${lit(fits)})`, `NOT regexp_matches(${v}, ${lit(carry)})`]),
            };
        }
        if (toName === 'BOOL')
            return { safety: 'checked', guarded: true, accept: (v) => `regexp_matches(${v}, ${lit(RE_BOOL)})` };
        if (toName === 'DATE') {
            return { safety: 'checked', guarded: true, accept: (v) => and([`regexp_matches(${v}, ${lit(`^\\s*${DATE_PART}\\s*$`)})`, ...validDay(v)]) };
        }
        if (toName && TIMESTAMPS.has(toName)) {
            // Lossy: time zone offsets are folded into UTC and extra fraction digits are truncated.
            // TIMESTAMP_NS wraps around silently outside 1677..2262, so only years inside it pass.
            const datePart = toName === 'TIMESTAMP_NS' ? NS_DATE_PART : DATE_PART;
            return {
                safety: 'lossy',
                guarded: true,
                accept: (v) => and([`regexp_matches(${v}, ${lit(`^\\s*${datePart}${TIME_PART}\\s*$`)})`, ...validDay(v)]),
            };
        }
        if (toName === 'UUID')
            return { safety: 'checked', guarded: true, accept: (v) => `regexp_matches(${v}, ${lit(RE_UUID)})` };
        // Measured: CAST(<NULL STRING> AS JSON) fails ("Cannot convert  to JSON"), even when the NULL
        // comes from a CASE, so no input guard can protect this cast.
        if (toName === 'JSON')
            return { safety: 'checked', guarded: false };
        if (toName === 'BLOB') {
            // Fails on non-ASCII characters and malformed \x escapes (measured). A backslash is written
            // \x5C in the pattern: measured, Kuzu's regexp_matches does not match `\\` as a backslash.
            return {
                safety: 'checked',
                guarded: true,
                accept: (v) => and([`NOT regexp_matches(${v}, ${lit('[^\\x01-\\x7F]')})`, `NOT regexp_matches(${v}, ${lit('\\x5Cx([^0-9A-Fa-f]|[0-9A-Fa-f][^0-9A-Fa-f]|[0-9A-Fa-f]?$)')})`]),
            };
        }
        if (toName === 'INTERVAL')
            return { safety: 'checked', guarded: false };
        return IMPOSSIBLE; // SERIAL handled by the caller, INTERNAL_ID
    }
    if (from === 'JSON') {
        if (toName === 'JSON')
            return { safety: 'identical', guarded: true };
        // Kuzu parses the JSON text like a string; no guard is attempted for JSON sources.
        if (toName === 'INTERNAL_ID')
            return IMPOSSIBLE;
        return { safety: 'checked', guarded: false };
    }
    // --- to JSON: measured to work from every type; INT128, DECIMAL, BLOB and temporal values become
    // JSON strings and floats drop digits, so conservatively lossy (STRING handled above).
    if (toName === 'JSON')
        return from === 'INTERNAL_ID' ? IMPOSSIBLE : { safety: 'lossy', guarded: true };
    // --- numbers ---------------------------------------------------------------------------------
    const fromIsFloat = from === 'FLOAT' || from === 'DOUBLE';
    const fromDecimal = fromType.kind === 'decimal' ? fromType : undefined;
    const fromIsNumber = fromIsInt || fromIsFloat || fromDecimal !== undefined;
    if (fromIsNumber && toName && toName in INTS) {
        const t = INTS[toName];
        if (fromIsInt) {
            const f = INTS[from];
            const parts = [];
            if (f.min < t.min)
                parts.push(['>=', t.min.toString()]);
            if (f.max > t.max)
                parts.push(['<=', t.max.toString()]);
            if (parts.length === 0)
                return { safety: 'lossless', guarded: true };
            return { safety: 'checked', guarded: true, accept: bounds(from, parts) };
        }
        if (fromIsFloat) {
            // Rounded half to even (2.5 → 2, 3.5 → 4). Measured: Kuzu range-checks *before* rounding
            // against [min, max + 1): -128.4 → INT8 fails, and 127.6 passes the check, rounds to 128
            // and wraps to -128. So accept [min, max + 0.5), where the rounded value is in range.
            return { safety: 'lossy', guarded: true, accept: bounds(from, [['>=', t.min.toString()], ['<', `${t.max}.5`]]) };
        }
        // DECIMAL → integer: rounded half away from zero (2.5 → 3, -2.5 → -3, measured).
        const d = fromDecimal;
        if (toName === 'INT128') {
            // Measured: every DECIMAL → INT128 cast fails ("Cast Failed: 0.00 is not in INT128 range").
            return IMPOSSIBLE;
        }
        const k = d.precision - d.scale;
        const safety = d.scale > 0 ? 'lossy' : 'lossless';
        const parts = [];
        const digits = (n) => n.toString().replace('-', '').length;
        // A DECIMAL(p, s) magnitude is below 10^k; a bound is only needed (and representable) when
        // the target's limit has at most k digits.
        if (digits(t.max) <= k)
            parts.push(d.scale > 0 ? ['<', `${t.max}.5`] : ['<=', t.max.toString()]);
        if (t.min === 0n)
            parts.push(d.scale > 0 ? ['>', '-0.5'] : ['>=', '0']);
        else if (digits(t.min) <= k)
            parts.push(d.scale > 0 ? ['>', `${t.min}.5`] : ['>=', t.min.toString()]);
        if (parts.length === 0)
            return { safety, guarded: true };
        return { safety: worst(safety, 'checked'), guarded: true, accept: bounds(from, parts) };
    }
    if (fromIsNumber && (toName === 'FLOAT' || toName === 'DOUBLE')) {
        if (fromIsInt)
            return { safety: intFitsFloat(from, toName === 'FLOAT' ? 24 : 53) ? 'lossless' : 'lossy', guarded: true };
        if (fromIsFloat) {
            if (from === 'FLOAT' || toName === 'DOUBLE')
                return { safety: 'lossless', guarded: true };
            // DOUBLE → FLOAT: rounds, and a value beyond FLOAT's range becomes inf (measured: 1e300).
            return { safety: 'lossy', guarded: true, finite: true };
        }
        return { safety: 'lossy', guarded: true }; // DECIMAL → float
    }
    if (fromIsNumber && toType.kind === 'decimal') {
        const k = toType.precision - toType.scale;
        const s = toType.scale;
        if (fromIsInt) {
            const f = INTS[from];
            const limit = BigInt(pow10(k));
            const parts = [];
            if (f.max >= limit)
                parts.push(['<', pow10(k)]);
            if (-f.min >= limit)
                parts.push(['>', '-' + pow10(k)]);
            if (parts.length === 0)
                return { safety: 'lossless', guarded: true };
            return { safety: 'checked', guarded: true, accept: bounds(from, parts) };
        }
        if (fromIsFloat) {
            // Rounded to the scale; fails beyond the range. Accept |v| ≤ largest DECIMAL(p, s) value,
            // which cannot round up out of range (conservative by less than one unit of the scale).
            const max = decimalMax(toType.precision, s);
            return { safety: 'lossy', guarded: true, accept: bounds(from, [['<=', max], ['>=', '-' + max]]) };
        }
        const d = fromDecimal;
        const k1 = d.precision - d.scale;
        const rounds = s < d.scale;
        const safety = rounds ? 'lossy' : 'lossless';
        // Out of range: integer digits beyond k, or (when rounding) a carry into one more digit.
        let bound;
        if (rounds && k <= k1)
            bound = (k > 0 ? '9'.repeat(k) : '0') + '.' + '9'.repeat(s) + '5';
        else if (!rounds && k < k1)
            bound = pow10(k);
        if (bound === undefined)
            return { safety, guarded: true };
        const b = bound;
        return { safety: worst(safety, 'checked'), guarded: true, accept: bounds(from, [['<', b], ['>', '-' + b]]) };
    }
    // --- temporal --------------------------------------------------------------------------------
    const fromTemporal = from === 'DATE' || TIMESTAMPS.has(from);
    if (fromTemporal && toName && (toName === 'DATE' || TIMESTAMPS.has(toName))) {
        if (toName === 'DATE')
            return { safety: 'lossy', guarded: true }; // drops the time of day
        if (toName === 'TIMESTAMP_NS') {
            const [lo, hi] = NS_RANGE[from] ?? [];
            if (!lo)
                return { safety: 'identical', guarded: true }; // NS → NS is handled earlier
            return { safety: 'checked', guarded: true, accept: bounds(from, [['>=', lo], ['<=', hi]]) };
        }
        if (from === 'DATE') {
            // Measured: a DATE after 294247-01-10 (DATE parses up to year 299999) silently wraps around
            // the int64 microsecond range (294247-01-11 becomes 290309-12-22 BC).
            return { safety: 'checked', guarded: true, accept: bounds(from, [['<=', '294247-01-10']]) };
        }
        return { safety: TS_DIGITS[toName] >= TS_DIGITS[from] ? 'lossless' : 'lossy', guarded: true };
    }
    // BOOL, BLOB, UUID, INTERVAL, INTERNAL_ID, and temporal ↔ number: no cast exists (measured:
    // "Unsupported casting function from INT64 to BOOL", "... from DATE to INT64").
    return IMPOSSIBLE;
}
/** The plan for converting `from` into `to`, element by element for nested types. */
function planOf(from, to) {
    const f = renderType(from);
    const t = renderType(to);
    if (f === t)
        return { safety: 'identical', guarded: true };
    // A SERIAL column holds INT64 values; converting into SERIAL is converting into INT64 (the
    // sequence itself is the planner's business).
    if (from.kind === 'primitive' && from.name === 'SERIAL') {
        const p = planOf({ kind: 'primitive', name: 'INT64' }, to);
        return p.safety === 'identical' ? { ...p, safety: 'lossless' } : p;
    }
    if (to.kind === 'primitive' && to.name === 'SERIAL') {
        const p = planOf(from, { kind: 'primitive', name: 'INT64' });
        return p.safety === 'identical' ? { ...p, safety: 'lossless' } : p;
    }
    const fromPrimitive = from.kind === 'primitive' || from.kind === 'decimal';
    const toPrimitive = to.kind === 'primitive' || to.kind === 'decimal';
    if (fromPrimitive && toPrimitive)
        return primitivePlan(from, to);
    // Nested → STRING / JSON: Kuzu prints them (`[1,2]`, `{a: 1}`, `{a=1}`), but strings inside are
    // not quoted, so different values can print the same text: lossy.
    if (!fromPrimitive && to.kind === 'primitive' && (to.name === 'STRING' || to.name === 'JSON'))
        return { safety: 'lossy', guarded: true };
    // STRING → nested: Kuzu parses `[1,2]`, `{a: 1}`; no guard can predict its parser.
    if (from.kind === 'primitive' && (from.name === 'STRING' || from.name === 'JSON') && !toPrimitive && to.kind !== 'union') {
        return { safety: 'checked', guarded: false };
    }
    if ((from.kind === 'list' || from.kind === 'array') && (to.kind === 'list' || to.kind === 'array')) {
        const e = planOf(from.element, to.element);
        if (e.safety === 'impossible')
            return IMPOSSIBLE;
        let safety = e.safety === 'identical' ? 'lossless' : e.safety;
        if (to.kind === 'array') {
            // Measured: an ARRAY of another size never converts; a LIST converts when its length fits.
            if (from.kind === 'array' && from.size !== to.size)
                return IMPOSSIBLE;
            if (from.kind === 'list')
                safety = worst(safety, 'checked');
        }
        return { safety, guarded: e.guarded };
    }
    if (from.kind === 'struct' && to.kind === 'struct') {
        // Measured: Kuzu casts a struct only to one with the same field names in the same order.
        if (from.fields.length !== to.fields.length || from.fields.some((fl, i) => fl.name !== to.fields[i].name))
            return IMPOSSIBLE;
        const plans = from.fields.map((fl, i) => planOf(fl.type, to.fields[i].type));
        if (plans.some((p) => p.safety === 'impossible'))
            return IMPOSSIBLE;
        return { safety: worst('lossless', ...plans.map((p) => p.safety)), guarded: plans.every((p) => p.guarded) };
    }
    if (from.kind === 'map' && to.kind === 'map') {
        const k = planOf(from.key, to.key);
        const v = planOf(from.value, to.value);
        if (k.safety === 'impossible' || v.safety === 'impossible')
            return IMPOSSIBLE;
        const safety = worst('lossless', k.safety, v.safety);
        // Map entries are not guarded element by element: a failing key or value fails the statement.
        return { safety, guarded: k.guarded && v.guarded && !needsGuard(from.key, to.key) && !needsGuard(from.value, to.value) };
    }
    if (to.kind === 'union') {
        if (from.kind === 'union') {
            // Appending members keeps every value and its tag (measured); anything else is not claimed.
            const prefix = from.members.every((m, i) => to.members[i]?.name === m.name && sameType(m.type, to.members[i].type));
            return prefix ? { safety: 'lossless', guarded: true } : IMPOSSIBLE;
        }
        // Measured: STRING parses into a union (CAST('1' AS UNION(a INT64))); other values convert
        // when a member takes them losslessly (INT8..INT32, UINT8..UINT32 → UNION(a INT64)), and
        // not otherwise (INT128, UINT64, FLOAT → UNION(a INT64): "no compatible field").
        if (from.kind === 'primitive' && (from.name === 'STRING' || from.name === 'JSON'))
            return { safety: 'checked', guarded: false };
        const fits = to.members.filter((m) => ['identical', 'lossless'].includes(planOf(from, m.type).safety));
        if (fits.length === 0)
            return IMPOSSIBLE;
        // With several members Kuzu picks the tag; with one the value is kept as is.
        return { safety: to.members.length === 1 ? 'lossless' : 'lossy', guarded: true };
    }
    if (from.kind === 'union' && to.kind === 'primitive' && (to.name === 'STRING' || to.name === 'JSON')) {
        return { safety: 'lossy', guarded: true }; // the member tag is lost
    }
    return IMPOSSIBLE;
}
/** How safe it is to convert values of type `from` into type `to` (any accepted spellings). */
function castSafety(from, to) {
    return planOf(parseType(from), parseType(to)).safety;
}
/**
 * Whether castExpression never fails the statement. False for casts whose failures no guard can
 * predict (STRING→INTERVAL, STRING→JSON, STRING→STRUCT(...), JSON→anything) or that are not
 * guarded entry by entry (MAP with failing keys or values): the expression is then a plain CAST
 * that fails the whole statement on a bad value (nothing is written), and castFailureCondition is
 * exact for MAP entries and an upper bound (every non-NULL value) for the others.
 */
function castIsGuarded(from, to) {
    return planOf(parseType(from), parseType(to)).guarded;
}
/** Whether converting needs more than a plain CAST (some value would fail, wrap or overflow). */
function needsGuard(from, to) {
    const plan = planOf(from, to);
    if (plan.safety === 'identical' || plan.safety === 'impossible' || !plan.guarded)
        return false;
    if (plan.accept || plan.finite)
        return true;
    if ((from.kind === 'list' || from.kind === 'array') && (to.kind === 'list' || to.kind === 'array')) {
        return (from.kind === 'list' && to.kind === 'array') || needsGuard(from.element, to.element);
    }
    if (from.kind === 'struct' && to.kind === 'struct')
        return from.fields.some((f, i) => needsGuard(f.type, to.fields[i].type));
    return false;
}
/** The type name for CAST(... AS T): SERIAL is not a value type, its values are INT64. */
function castTarget(t) {
    if (t.kind === 'primitive' && t.name === 'SERIAL')
        return 'INT64';
    if (t.kind === 'primitive' && t.name === 'JSON')
        return 'JSON';
    return renderType(t);
}
/** `v` as a LIST: list_transform, any() and size() refuse an ARRAY (measured, binder error). */
function asList(v, t) {
    return t.kind === 'array' ? `CAST(${v} AS ${renderType(t.element)}[])` : v;
}
/**
 * The converting expression. Where a value cannot convert, its *input* is replaced by NULL before
 * the CAST sees it (Kuzu evaluates both branches of a CASE, so only the input can be guarded);
 * nested values are converted element by element with list_transform or a struct literal.
 */
function convert(v, from, to, depth) {
    const plan = planOf(from, to);
    if (plan.safety === 'identical')
        return v;
    const target = castTarget(to);
    if (!needsGuard(from, to))
        return `CAST(${v} AS ${target})`;
    if ((from.kind === 'list' || from.kind === 'array') && (to.kind === 'list' || to.kind === 'array')) {
        const e = `e${depth}`;
        let inner = needsGuard(from.element, to.element) ? `list_transform(${asList(v, from)}, ${e} -> ${convert(e, from.element, to.element, depth + 1)})` : v;
        if (from.kind === 'list' && to.kind === 'array')
            inner = `CASE WHEN size(${v}) = ${to.size} THEN ${inner} ELSE NULL END`;
        return `CAST(${inner} AS ${target})`;
    }
    if (from.kind === 'struct' && to.kind === 'struct') {
        const fields = from.fields.map((f, i) => `${f.name}: ${convert(`${v}.${f.name}`, f.type, to.fields[i].type, depth + 1)}`);
        // A struct literal is never NULL: keep a NULL struct NULL.
        return `CAST(CASE WHEN ${v} IS NULL THEN NULL ELSE {${fields.join(', ')}} END AS ${target})`;
    }
    const input = plan.accept ? `CASE WHEN ${plan.accept(v)} THEN ${v} ELSE NULL END` : v;
    const cast = `CAST(${input} AS ${target})`;
    // x * 0.0 = 0.0 is false for inf and nan (a literal inf cannot be written: it folds to NULL).
    return plan.finite ? `CASE WHEN ${cast} * 0.0 = 0.0 THEN ${cast} ELSE NULL END` : cast;
}
/**
 * Cypher that converts `valueExpr` from `from` to `to` inside Kuzu, for `COPY T_new FROM (MATCH
 * (n:T) RETURN ...)`. Kuzu has no TRY_CAST, one failing CAST fails the whole query and a CASE
 * around a CAST does not protect it (kuzu-notes §4), so values that cannot convert are replaced
 * by NULL before the CAST (in nested values, the element is); they are exactly the rows
 * castFailureCondition selects. Throws for 'impossible' casts.
 */
function castExpression(valueExpr, from, to) {
    const f = parseType(from);
    const t = parseType(to);
    if (planOf(f, t).safety === 'impossible')
        throw new Error(`Kuzu 0.11.3 cannot cast ${renderType(f)} to ${renderType(t)}`);
    return convert(valueExpr, f, t, 1);
}
/** Boolean Cypher true when the value at `v` fails to convert, or null when it cannot fail. */
function failure(v, from, to, depth) {
    const plan = planOf(from, to);
    if (plan.safety === 'identical')
        return null;
    if (plan.safety === 'impossible')
        return `${v} IS NOT NULL`;
    // Measured: reading a field of a NULL struct gives 0 / '' rather than NULL, so every nested
    // test starts with `v IS NOT NULL`.
    if ((from.kind === 'list' || from.kind === 'array') && (to.kind === 'list' || to.kind === 'array')) {
        const e = `e${depth}`;
        const inner = failure(e, from.element, to.element, depth + 1);
        const parts = [];
        if (from.kind === 'list' && to.kind === 'array')
            parts.push(`size(${v}) <> ${to.size}`);
        if (inner !== null)
            parts.push(`any(${e} IN ${asList(v, from)} WHERE ${inner})`);
        return parts.length === 0 ? null : `${v} IS NOT NULL AND (${parts.join(' OR ')})`;
    }
    if (from.kind === 'struct' && to.kind === 'struct') {
        const parts = from.fields.map((f, i) => failure(`${v}.${f.name}`, f.type, to.fields[i].type, depth + 1)).filter((p) => p !== null);
        return parts.length === 0 ? null : `${v} IS NOT NULL AND (${parts.map((p) => `(${p})`).join(' OR ')})`;
    }
    if (from.kind === 'map' && to.kind === 'map') {
        const e = `e${depth}`;
        const k = failure(e, from.key, to.key, depth + 1);
        const val = failure(e, from.value, to.value, depth + 1);
        const parts = [];
        if (k !== null)
            parts.push(`any(${e} IN map_keys(${v}) WHERE ${k})`);
        if (val !== null)
            parts.push(`any(${e} IN map_values(${v}) WHERE ${val})`);
        return parts.length === 0 ? null : `${v} IS NOT NULL AND (${parts.join(' OR ')})`;
    }
    if (!plan.guarded)
        return `${v} IS NOT NULL`;
    if (!needsGuard(from, to))
        return null;
    // Exact by construction: the guarded expression is NULL exactly where the value fails.
    return `${v} IS NOT NULL AND ${convert(v, from, to, depth)} IS NULL`;
}
/**
 * Cypher boolean over `valueExpr` that is true exactly for rows whose non-NULL value would fail,
 * become NULL, wrap around or overflow when converted — in a nested value, any element — and so
 * become NULL under castExpression; null when the cast cannot fail. For an 'impossible' cast,
 * and for unguarded ones (see castIsGuarded), every non-NULL value counts.
 */
function castFailureCondition(valueExpr, from, to) {
    return failure(valueExpr, parseType(from), parseType(to), 1);
}
//# sourceMappingURL=types.js.map
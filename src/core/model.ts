/**
 * The schema model: what a Kuzu database's schema is, independent of where it came from (a live
 * database or the YAML). Both sides are normalised into this shape before they are compared, so the
 * diff never sees spelling differences (type aliases, case of keywords, default formatting).
 */
import { createHash } from 'node:crypto';

export type Multiplicity = 'MANY_MANY' | 'MANY_ONE' | 'ONE_MANY' | 'ONE_ONE';
export const MULTIPLICITIES: readonly Multiplicity[] = ['MANY_MANY', 'MANY_ONE', 'ONE_MANY', 'ONE_ONE'];

/** Which directions a rel table's adjacency lists are stored in (Kuzu's `storage_direction`). */
export type StorageDirection = 'both' | 'fwd' | 'bwd';
export const STORAGE_DIRECTIONS: readonly StorageDirection[] = ['both', 'fwd', 'bwd'];

export interface Property {
  name: string;
  /** Canonical Kuzu type, spelled as `CALL table_info()` reports it (see core/types.ts). */
  type: string;
  /**
   * Cypher default expression as table_info reports it, with the unary minus table_info drops from
   * a bare numeric literal put back by introspection's probe (kuzu/default-signs.ts); null when the
   * property has none.
   */
  default: string | null;
  /**
   * Live side only: table_info printed a bare number that may have lost its unary minus and the
   * probe could not evaluate it (see introspection's warnings). Diffing then compares this default
   * with signs ignored. Not part of the fingerprint.
   */
  defaultSignUnknown?: boolean;
  /** Desired side only: the live property this one was called before (explicit rename). */
  renamedFrom?: string;
  /** Desired side only: expression over the old row (`n`, or `r` for rels) computing the value. */
  using?: string;
}

export interface NodeTable {
  kind: 'node';
  name: string;
  primaryKey: string;
  properties: Property[];
  /** Table comment ('' when none). */
  comment: string;
  renamedFrom?: string;
}

export interface Connection {
  from: string;
  to: string;
}

export interface RelTable {
  kind: 'rel';
  name: string;
  /** FROM→TO pairs; Kuzu allows several per rel table. */
  connections: Connection[];
  multiplicity: Multiplicity;
  storageDirection: StorageDirection;
  properties: Property[];
  comment: string;
  renamedFrom?: string;
}

export type Table = NodeTable | RelTable;

export interface Schema {
  nodes: NodeTable[];
  rels: RelTable[];
  /** FTS and vector indexes (absent or empty: none). Only user indexes: never the engine's own objects. */
  indexes?: Index[];
  /** Standalone sequences: never the ones Kuzu makes for SERIAL properties. */
  sequences?: Sequence[];
  /** Macros (`CREATE MACRO`): never the tokenizer macros an FTS index makes for itself. */
  macros?: Macro[];
}

/** The two index kinds of Kuzu 0.11.3 / LadybugDB (`SHOW_INDEXES()` types `FTS` and `HNSW`). */
export type IndexType = 'fts' | 'vector';
export const INDEX_TYPES: readonly IndexType[] = ['fts', 'vector'];

/**
 * An FTS or vector (HNSW) index on a node table. `options` always holds every option with its
 * value filled in (defaults below), so two indexes are equal exactly when their options are.
 * Option names are Kuzu's (`stopWords`, `efc`, ...); the YAML spells `stopWords` `stop_words` and
 * `ignore_pattern` as Kuzu does.
 */
export interface Index {
  name: string;
  /** Node table it indexes (Kuzu scopes index names by table). */
  table: string;
  type: IndexType;
  /** FTS: the indexed STRING properties; vector: exactly one FLOAT[n]/DOUBLE[n] property. */
  properties: string[];
  options: Record<string, string | number>;
}

/** Kuzu 0.11.3's defaults (measured: SHOW_INDEXES() fills them in; ignore_pattern from the tokenizer macro). */
export const INDEX_DEFAULTS: Record<IndexType, Record<string, string | number>> = {
  fts: { stemmer: 'english', stopWords: 'default', ignore_pattern: '[0-9!@#$%^&*()_+={}\\[\\]:;<>,.?~\\/\\|\'"`-]+' },
  vector: { mu: 30, ml: 60, pu: 0.05, metric: 'cosine', alpha: 1.1, efc: 200 },
};

/** A standalone sequence. Integers are decimal strings: INT64 bounds do not fit a JS number. */
export interface Sequence {
  name: string;
  start: string;
  increment: string;
  min: string;
  max: string;
  cycle: boolean;
  /**
   * Live side only: the last value handed out (`currval`), null while never used. State, not
   * schema: not compared, but carried by every path that rebuilds the database.
   */
  position?: string | null;
}

export const INT64_MAX = '9223372036854775807';
export const INT64_MIN = '-9223372036854775808';

/** Kuzu's defaults for the bounds of a sequence, which depend on the sign of its increment. */
export function sequenceDefaults(increment: string): { min: string; max: string } {
  return increment.startsWith('-') ? { min: INT64_MIN, max: '-1' } : { min: '1', max: INT64_MAX };
}

/** A macro: `CREATE MACRO name(parameters) AS body`. Kuzu stores names upper case. */
export interface Macro {
  name: string;
  /** As Kuzu prints them: `x`, or `y:=2` for a parameter with a default. */
  parameters: string[];
  /** The body expression. */
  body: string;
}

/** Name of the tokenizer macro Kuzu makes for FTS index `index` (an engine object). */
export function isEngineMacro(name: string): boolean {
  return /^\d+_.+_TOKENIZE$/i.test(name);
}

export function emptySchema(): Schema {
  return { nodes: [], rels: [] };
}

/** The catalog objects besides tables, sorted by name, each list empty when absent. */
export function catalogObjects(schema: Schema): { indexes: Index[]; sequences: Sequence[]; macros: Macro[] } {
  return { indexes: schema.indexes ?? [], sequences: schema.sequences ?? [], macros: schema.macros ?? [] };
}

/** Indexes on `table` (case-insensitive). */
export function indexesOn(schema: Schema, table: string): Index[] {
  return (schema.indexes ?? []).filter((i) => sameName(i.table, table));
}

/** Canonical text of a macro's parameters and body for comparison: Kuzu re-prints both (`x*2` → `x * 2`). */
export function canonicalMacro(m: Macro): string {
  return `(${m.parameters.map((p) => canonicalExpression(p)).join(',')})${canonicalExpression(m.body)}`;
}

/** Whitespace outside string literals removed, text outside literals lower-cased. */
export function canonicalExpression(expr: string): string {
  return expr.replace(/('(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")|[^'"]+/g, (m, lit) => (lit ? m : m.replace(/\s+/g, '').toLowerCase()));
}

/** Options compared as values: numbers by value (`0.050000` = `0.05`), text exactly. */
export function canonicalIndexOptions(options: Record<string, string | number>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const k of Object.keys(options).sort()) {
    const v = options[k];
    out[k] = typeof v === 'number' ? Number(v) : v;
  }
  return out;
}

export function allTables(schema: Schema): Table[] {
  return [...schema.nodes, ...schema.rels];
}

export function findTable(schema: Schema, name: string): Table | undefined {
  return allTables(schema).find((t) => t.name === name);
}

/** Kuzu compares table names case-insensitively (`Person` and `person` cannot coexist). */
export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function connectionKey(c: Connection): string {
  return `${c.from}->${c.to}`;
}

/**
 * Canonical form of a default expression for comparison. table_info re-prints expressions
 * (`1+2` comes back as `1 + 2`) and drops a unary minus before a numeric literal (measured on
 * 0.11.3: DEFAULT -1 is reported as `1`, `1 + -2` as `1 + 2`, while rows get -1). A default that
 * is a bare number is exact on the live side (introspection evaluates it when the sign may be
 * lost, kuzu/default-signs.ts), so its sign is compared: a change from -1 to 1 is planned. Inside
 * a larger expression the lost minus cannot be recovered, so unary minus signs there are dropped
 * on both sides; `ignoreSign` drops a bare number's sign too (the live probe could not run).
 */
export function canonicalDefault(expr: string | null, type?: string, ignoreSign = false): string | null {
  let text = canonicalDefaultText(expr);
  if (text !== null && ignoreSign) text = text.replace(/^-/, '');
  return text === null || type === undefined ? text : canonicalNumber(text, type);
}

const BARE_NUMBER = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * True when table_info's text for a default may have lost a unary minus that the value has: a bare
 * unsigned numeric literal other than zero (`1`, `1.5`, `1.5e3`, `.5`). `DEFAULT -1` and `DEFAULT 1`
 * both print `1`; only evaluating the default tells them apart (kuzu-notes §10).
 */
export function mayHaveLostSign(printed: string | null): boolean {
  if (printed === null) return false;
  const t = printed.trim();
  return BARE_NUMBER.test(t) && Number(t) !== 0;
}

/**
 * A numeric literal default in its value's canonical spelling for a numeric `type`, so defaults
 * compare by value, not spelling (issue 9 item 3c): on DOUBLE `1`, `1.0`, `1.00` and `1e0` are all
 * `1`; on DECIMAL trailing zeros go; on integers leading zeros and `+` go. Anything else (a function
 * call, an expression, a non-numeric type, a literal the type cannot hold exactly) is returned
 * unchanged. `text` is canonicalDefaultText's output (unary minus already dropped).
 */
export function canonicalNumber(text: string, type: string): string {
  // A bare negative number: the magnitude's canonical spelling with the sign put back (`-0` is 0).
  if (/^-[\d.]/.test(text)) {
    const magnitude = canonicalNumber(text.slice(1), type);
    if (magnitude === text.slice(1) && !BARE_NUMBER.test(magnitude)) return text;
    return /^0$/.test(magnitude) ? magnitude : `-${magnitude}`;
  }
  const t = type.trim().toUpperCase();
  if (/^(FLOAT|DOUBLE)$/.test(t)) {
    if (!/^\+?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return text;
    const n = Number(text);
    return Number.isFinite(n) ? String(n) : text;
  }
  if (/^DECIMAL\(/.test(t)) {
    const m = /^\+?(\d*)(?:\.(\d*))?$/.exec(text);
    if (!m || (m[1] === '' && (m[2] ?? '') === '')) return text;
    const int = m[1].replace(/^0+(?=\d)/, '') || '0';
    const frac = (m[2] ?? '').replace(/0+$/, '');
    return frac ? `${int}.${frac}` : int;
  }
  if (/^(U?INT(8|16|32|64|128)|SERIAL)$/.test(t)) {
    return /^\+?\d+$/.test(text) ? BigInt(text.replace(/^\+/, '')).toString() : text;
  }
  return text;
}

function canonicalDefaultText(expr: string | null): string | null {
  if (expr === null) return null;
  const trimmed = expr.trim();
  if (trimmed === '' || /^null$/i.test(trimmed)) return null;
  let out = '';
  let inString: string | null = null;
  for (let i = 0; i < trimmed.length; i++) {
    const ch = trimmed[i];
    if (inString) {
      out += ch;
      if (ch === '\\') {
        out += trimmed[++i] ?? '';
      } else if (ch === inString) {
        inString = null;
      }
      continue;
    }
    if (ch === "'" || ch === '"') {
      inString = ch;
      out += ch;
      continue;
    }
    if (/\s/.test(ch)) continue;
    out += ch;
  }
  // A bare negative number keeps its sign (the live side's is exact, see canonicalDefault).
  // Elsewhere drop a unary minus before a number: at the start, or after an operator, opening
  // bracket or comma — table_info loses it there and nothing can recover it.
  if (!/^-(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(out)) out = out.replace(/(^|[(,[{:+\-*/=<>])-(?=\d)/g, '$1');
  // Keywords and function names are case-insensitive in Cypher; literals are not, so only lower
  // the text outside string literals.
  return out.replace(/('(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")|[^'"]+/g, (m, lit) => (lit ? m : m.toLowerCase()));
}

function sortByName<T extends { name: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The comparable essence of a schema: tables and properties sorted by name, desired-only hints
 * (renamedFrom, using) removed, defaults canonicalised. Property order is not part of it: Kuzu
 * appends added properties at the end and cannot reorder in place, and no query depends on order.
 */
export function canonicalSchema(schema: Schema): Schema {
  const props = (ps: Property[]): Property[] =>
    sortByName(ps).map((p) => ({ name: p.name, type: p.type, default: canonicalDefault(p.default) }));
  const out: Schema = {
    nodes: sortByName(schema.nodes).map((t) => ({
      kind: 'node',
      name: t.name,
      primaryKey: t.primaryKey,
      properties: props(t.properties),
      comment: t.comment,
    })),
    rels: sortByName(schema.rels).map((t) => ({
      kind: 'rel',
      name: t.name,
      connections: [...t.connections].sort((a, b) => connectionKey(a).localeCompare(connectionKey(b))),
      multiplicity: t.multiplicity,
      storageDirection: t.storageDirection,
      properties: props(t.properties),
      comment: t.comment,
    })),
  };
  // Present only when non-empty, so the fingerprint of a schema without them is what it always was.
  const { indexes, sequences, macros } = catalogObjects(schema);
  const byKey = <T>(items: T[], key: (x: T) => string) => [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  if (indexes.length) {
    out.indexes = byKey(indexes, (i) => `${i.table.toLowerCase()}.${i.name.toLowerCase()}`).map((i) => ({
      name: i.name.toLowerCase(),
      table: i.table.toLowerCase(),
      type: i.type,
      properties: i.properties.map((p) => p.toLowerCase()),
      options: canonicalIndexOptions(i.options),
    }));
  }
  // `start` is left out: once a sequence has handed out values its start is history (every
  // rebuild recreates a used sequence at its position, as Kuzu's own EXPORT does); the diff
  // compares it while the sequence is unused.
  if (sequences.length) {
    out.sequences = byKey(sequences, (q) => q.name.toLowerCase()).map((q) => ({ name: q.name.toLowerCase(), start: '', increment: q.increment, min: q.min, max: q.max, cycle: q.cycle }));
  }
  if (macros.length) {
    out.macros = byKey(macros, (m) => m.name.toLowerCase()).map((m) => ({ name: m.name.toLowerCase(), parameters: [], body: canonicalMacro(m) }));
  }
  return out;
}

/** sha256 of the canonical schema: equal fingerprints mean nothing to plan. */
export function schemaFingerprint(schema: Schema): string {
  return 'sha256:' + createHash('sha256').update(JSON.stringify(canonicalSchema(schema))).digest('hex');
}

/** `expr` with every single-quoted string literal emptied, so words inside strings are not read as calls. */
export function withoutStrings(expr: string): string {
  return expr.replace(/'(?:\\.|[^'\\])*'/g, "''");
}

/** Whether a default expression calls a function, so ALTER ADD would give every old row the same value (kuzu#3604). */
/** True when a default expression calls nextval (outside string literals). */
export function callsNextval(expr: string | null): boolean {
  return expr !== null && /\bnextval\s*\(/i.test(withoutStrings(expr));
}

export function isNonConstantDefault(expr: string | null): boolean {
  return expr !== null && /[A-Za-z_][A-Za-z0-9_]*\s*\(/.test(withoutStrings(expr)) && !/^\s*(date|timestamp|interval|uuid|blob)\s*\(\s*'[^']*'\s*\)\s*$/i.test(expr);
}

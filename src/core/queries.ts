/**
 * Declared queries (`queries:` in kuzu-migrate.yaml): representative read-only queries that are
 * timed and profiled, so a migration proves usability as well as content. This module is the pure
 * part: the model, the statistics of a set of runs, the summary of Kuzu's PROFILE output, the
 * tables a query reads, and the tolerance decision apply, verify and drift share. No I/O; the
 * engine side is src/kuzu/queries.ts.
 */
import { tokenize, type Token } from './cypher-guard';

/** What a declared query must return; null when nothing is declared (then: the same row count as before). */
export type QueryExpectation = { kind: 'rows'; rows: number } | { kind: 'value'; value: boolean };

/** One entry of `queries:`, resolved (an environment's entry replaces the top-level one of the same name). */
export interface DeclaredQuery {
  name: string;
  /** One read-only Cypher statement (core/cypher-guard.ts readQueryProblem with the index procedures). */
  query: string;
  /** Bound as prepared-statement parameters (`$name`), never spliced into the text. */
  params: Record<string, unknown>;
  expect: QueryExpectation | null;
  /** Ratio: apply refuses when the median after exceeds the median before times this. */
  maxSlowdown: number;
  /** Milliseconds: the median may not exceed this; null: no absolute limit. */
  maxMs: number | null;
}

/** `max_slowdown` when a query declares none. */
export const DEFAULT_MAX_SLOWDOWN = 2.0;
/**
 * A slowdown smaller than this many milliseconds (median after minus median before) never fails,
 * whatever the ratio: on a shared machine a 1 ms query measured at 3 ms is noise, not a regression.
 */
export const SLOWDOWN_FLOOR_MS = 5;
/** Procedures a declared query may CALL besides the catalog ones checks may: the index lookups. */
export const QUERY_PROCEDURES = ['query_fts_index', 'query_vector_index'];

/** One operator of a PROFILE plan. */
export interface ProfileOperator {
  /** Physical operator, e.g. SCAN_NODE_TABLE, HASH_JOIN_PROBE, TABLE_FUNCTION_CALL. */
  name: string;
  /** Its id in the plan (`SCAN_NODE_TABLE[0]`). */
  id: number;
  /** `Function:` of a TABLE_FUNCTION_CALL (QUERY_FTS_INDEX, QUERY_VECTOR_INDEX, READ_FTABLE ...), else null. */
  function: string | null;
  /** `Tables:` of a scan, else empty. */
  tables: string[];
  /** `NumOutputTuples:`, null when absent. */
  tuples: number | null;
  /** `ExecutionTime:` in milliseconds, null when absent. */
  time_ms: number | null;
}

/** The timing and result of one declared query on one database. */
export interface QueryRun {
  name: string;
  /** Null when it ran; else Kuzu's first error line (then every number below is null / empty). */
  error: string | null;
  /** Measured runs (after the warm-up). */
  runs: number;
  /** Wall-clock per run, in milliseconds (prepare, execute, fetch all rows), rounded to 0.01 ms. */
  median_ms: number | null;
  min_ms: number | null;
  max_ms: number | null;
  p90_ms: number | null;
  /** Rows the query returned. */
  rows: number | null;
  /** The single boolean it returned (one row, one column), else null. */
  value: boolean | null;
  /** The access path: scans, index lookups and joins, in plan order (profileSummary). */
  operators: string[];
}

/** A query's run with the full PROFILE operator list (the JSON of `queries` shows it). */
export interface ProfiledRun extends QueryRun {
  profile: ProfileOperator[];
}

/** median / min / max / p90 (nearest rank) of `ms`, rounded to 0.01 ms. Empty input: all null. */
export function runStats(ms: readonly number[]): { median_ms: number | null; min_ms: number | null; max_ms: number | null; p90_ms: number | null } {
  if (ms.length === 0) return { median_ms: null, min_ms: null, max_ms: null, p90_ms: null };
  const s = [...ms].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  const r = (x: number) => Math.round(x * 100) / 100;
  return { median_ms: r(median), min_ms: r(s[0]), max_ms: r(s[s.length - 1]), p90_ms: r(s[Math.min(s.length - 1, Math.ceil(0.9 * s.length) - 1)]) };
}

/**
 * The operators of Kuzu 0.11.3's PROFILE (or EXPLAIN) text: a drawing of boxes, one per operator,
 * side by side in columns, each titled `NAME[id]` with lines `Function: X`, `Tables: T`,
 * `NumOutputTuples: n`, `ExecutionTime: ms` (docs/kuzu-notes.md "PROFILE"). A box is followed
 * by its column: from its top-left `┌` to the matching `┐` on the same line, down to its `└`.
 * Returned in id order (Kuzu numbers operators from the leaves up). Text that is not a plan: [].
 */
export function parseProfile(text: string): ProfileOperator[] {
  const lines = text.split('\n');
  const open = new Map<number, { end: number; body: string[] }>();
  const boxes: string[][] = [];
  for (const line of lines) {
    for (const [start, box] of [...open]) {
      if (line[start] === '└') {
        boxes.push(box.body);
        open.delete(start);
      } else {
        box.body.push(line.slice(start + 1, box.end).replace(/^[│\s]+|[│\s]+$/g, ''));
      }
    }
    for (let i = line.indexOf('┌'); i >= 0; i = line.indexOf('┌', i + 1)) {
      if (open.has(i)) continue;
      const end = line.indexOf('┐', i);
      if (end > i) open.set(i, { end, body: [] });
    }
  }
  const out: ProfileOperator[] = [];
  for (const body of boxes) {
    const title = body.map((l) => /^([A-Z][A-Z0-9_]*)\[(\d+)\]$/.exec(l)).find((m) => m);
    if (!title) continue; // the "Physical Plan" header box
    const field = (key: string): string | null => {
      const l = body.find((x) => x.startsWith(`${key}:`));
      return l ? l.slice(key.length + 1).trim() : null;
    };
    const num = (key: string): number | null => {
      const v = field(key);
      return v !== null && v !== '' && Number.isFinite(Number(v)) ? Number(v) : null;
    };
    const tables = field('Tables');
    out.push({
      name: title[1],
      id: Number(title[2]),
      function: field('Function') || null,
      tables: tables ? tables.split(',').map((t) => t.trim()).filter(Boolean) : [],
      tuples: num('NumOutputTuples'),
      time_ms: num('ExecutionTime'),
    });
  }
  return out.sort((a, b) => a.id - b.id);
}

/** Operators that say how a query reaches its data: scans, index lookups, joins, extends. */
const ACCESS = /SCAN|INDEX|JOIN|INTERSECT|EXTEND|RECURSIVE|PATH/;

/**
 * The access path of a plan, as short labels in id order, without repeats: a table function by
 * its function (`QUERY_FTS_INDEX`, `QUERY_VECTOR_INDEX`), a scan with its tables
 * (`SCAN_NODE_TABLE(Doc)`, `PRIMARY_KEY_SCAN_NODE_TABLE(Doc)`), joins as HASH_JOIN (build and
 * probe are one join). Internal table functions (READ_FTABLE) and plumbing (PROJECTION,
 * RESULT_COLLECTOR, FLATTEN, AGGREGATE ...) are left out: they do not change with an index.
 */
export function profileSummary(ops: readonly ProfileOperator[]): string[] {
  const out: string[] = [];
  for (const op of ops) {
    let label: string | null = null;
    if (op.name === 'TABLE_FUNCTION_CALL') label = op.function && op.function !== 'READ_FTABLE' ? op.function : null;
    else if (/^HASH_JOIN_(BUILD|PROBE)$/.test(op.name)) label = 'HASH_JOIN';
    else if (ACCESS.test(op.name) && !op.name.startsWith('AGGREGATE')) label = op.tables.length ? `${op.name}(${op.tables.join(',')})` : op.name;
    if (label && !out.includes(label)) out.push(label);
  }
  return out;
}

/**
 * The tables a query names: labels in node and rel patterns (`(d:Doc)`, `[:Cites|Links]`), and the
 * table argument of QUERY_FTS_INDEX / QUERY_VECTOR_INDEX / table_info. As first written, in order,
 * without repeats (compared case-insensitively, as Kuzu compares names). Text that does not tokenize: [].
 */
export function tablesRead(query: string): string[] {
  let tokens: Token[];
  try {
    tokens = tokenize(query);
  } catch {
    return [];
  }
  const name = (t: Token | undefined): string | null => (t?.kind === 'word' ? t.text : t?.kind === 'quoted' ? t.text.slice(1, -1).replace(/``/g, '`') : null);
  const unquote = (t: Token | undefined): string | null => (t?.kind === 'string' ? t.text.slice(1, -1) : null);
  const out: string[] = [];
  const add = (n: string | null) => {
    if (n && !out.some((o) => o.toLowerCase() === n.toLowerCase())) out.push(n);
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'punct' && t.text === ':') {
      // A label follows `(` or `[`, optionally with a variable between: `(:T`, `(d:T`, `[r:R`.
      const before = tokens[i - 1];
      const opener = (x: Token | undefined) => x?.kind === 'punct' && (x.text === '(' || x.text === '[');
      if (opener(before) || ((before?.kind === 'word' || before?.kind === 'quoted') && opener(tokens[i - 2]))) {
        add(name(tokens[i + 1]));
        // `:A|B|C` — a union of labels.
        for (let j = i + 2; tokens[j]?.text === '|' && name(tokens[j + 1]); j += 2) add(name(tokens[j + 1]));
      }
    }
    if (t.kind === 'word' && /^(query_fts_index|query_vector_index|table_info)$/i.test(t.text) && tokens[i + 1]?.text === '(') add(unquote(tokens[i + 2]));
  }
  return out;
}

/** The `$parameters` a query uses, with their offsets (tokens, so `'$x'` in a string is not one). Text that does not tokenize: []. */
export function queryParameters(query: string): { name: string; offset: number }[] {
  try {
    return tokenize(query).filter((t) => t.kind === 'param' && t.text.length > 1).map((t) => ({ name: t.text.slice(1), offset: t.offset }));
  } catch {
    return [];
  }
}

/** Decided for one query: ok, or the problems, with both sides' numbers for the message. */
export interface QueryVerdict {
  name: string;
  ok: boolean;
  /** One line each: what broke (result, failure, slowdown, max_ms). */
  problems: string[];
  /** Notes that do not fail (a max_ms that was already exceeded before the change). */
  notes: string[];
  /** Medians before (null without a before, or when it failed) and after (null when it failed), in ms. */
  before_ms: number | null;
  after_ms: number | null;
  /** median after / median before; null without both. */
  slowdown: number | null;
  /** Access-path labels only before / only after (profileSummary of each side). */
  operators_gone: string[];
  operators_new: string[];
}

/** "3.10 ms" */
export function ms(x: number | null): string {
  return x === null ? '-' : `${x.toFixed(2)} ms`;
}

/**
 * Whether `after` keeps the promises of `q`, given `before` (null: there is no before — a new
 * database, or `queries`/`verify` on one database):
 * - it must run when it ran before (or always, without a before);
 * - its result must be the declared one (`rows:` a row count, `expect:` the single boolean), or,
 *   with nothing declared and `compareRows` (apply: the same data before and after), have the row
 *   count it had before;
 * - slowdown: median after > median before × max_slowdown fails, but only when the difference is
 *   at least `floorMs` (SLOWDOWN_FLOOR_MS) and even the fastest run after is over the limit: noise
 *   on a busy machine only adds time, so a few slow runs that raise the median while one run
 *   stays fast are noise, while a lost index slows every run;
 * - max_ms: median after > max_ms fails (when the fastest run is over it too), unless the median
 *   before was over it already (then it is a note: the change did not cause it).
 * `newDatabase` (apply creating the database): it holds no data yet, so only "it runs" is judged;
 * the declared result and max_ms are left to the next apply, `queries` and `verify --queries` (a note says so).
 */
export function judgeQuery(q: DeclaredQuery, before: QueryRun | null, after: QueryRun, options: { floorMs?: number; compareRows?: boolean; newDatabase?: boolean } = {}): QueryVerdict {
  const floorMs = options.floorMs ?? SLOWDOWN_FLOOR_MS;
  const problems: string[] = [];
  const notes: string[] = [];
  const gone = before ? before.operators.filter((o) => !after.operators.includes(o)) : [];
  const added = before ? after.operators.filter((o) => !before.operators.includes(o)) : [];
  const verdict = (slowdown: number | null): QueryVerdict => ({
    name: q.name,
    ok: problems.length === 0,
    problems,
    notes,
    before_ms: before?.median_ms ?? null,
    after_ms: after.median_ms,
    slowdown,
    operators_gone: gone,
    operators_new: added,
  });
  if (after.error !== null) {
    problems.push(before && before.error === null ? `ran before (${ms(before.median_ms)}) and fails now: ${after.error}` : `fails: ${after.error}`);
    return verdict(null);
  }
  if (before && before.error !== null) notes.push(`failed before the change (${before.error}) and runs now`);
  if (options.newDatabase) {
    if (q.expect || q.maxMs !== null) notes.push('a new database holds no data yet: its declared result and max_ms are not checked');
    return verdict(null);
  }
  if (q.expect?.kind === 'rows' && after.rows !== q.expect.rows) problems.push(`returned ${after.rows} rows, expected ${q.expect.rows}`);
  else if (q.expect?.kind === 'value' && after.value !== q.expect.value) problems.push(`returned ${after.value === null ? `${after.rows} rows, not a single boolean` : String(after.value)}, expected ${String(q.expect.value)}`);
  else if (!q.expect && options.compareRows !== false && before && before.error === null && before.rows !== after.rows) problems.push(`returned ${after.rows} rows, ${before.rows} before (declare rows: or expect: when the change is meant to alter it)`);
  let slowdown: number | null = null;
  const b = before?.error === null ? before.median_ms : null;
  const a = after.median_ms;
  const fastest = after.min_ms ?? a ?? 0;
  if (b !== null && a !== null) {
    slowdown = b > 0 ? Math.round((a / b) * 100) / 100 : null;
    if (a > b * q.maxSlowdown && fastest > b * q.maxSlowdown && a - b >= floorMs) problems.push(`${ms(b)} before, ${ms(a)} after: ${(a / b).toFixed(1)}× slower, more than max_slowdown ${q.maxSlowdown}`);
  }
  if (q.maxMs !== null && a !== null && a > q.maxMs && fastest > q.maxMs) {
    if (b !== null && b > q.maxMs) notes.push(`${ms(a)} is over max_ms ${q.maxMs}, as it was before (${ms(b)})`);
    else problems.push(`${ms(a)}${b !== null ? ` (${ms(b)} before)` : ''} is over max_ms ${q.maxMs}`);
  }
  return verdict(slowdown);
}

/** One message line for a failed verdict: the query, both timings, what failed and the operators that changed. */
export function verdictLine(v: QueryVerdict): string {
  const ops = v.operators_gone.length || v.operators_new.length ? ` (operators: ${[...v.operators_gone.map((o) => `-${o}`), ...v.operators_new.map((o) => `+${o}`)].join(' ')})` : '';
  return `query "${v.name}" (${ms(v.before_ms)} before, ${ms(v.after_ms)} after): ${v.problems.join('; ')}${ops}`;
}

/** One declared query as the plan lists it (PlanDocument.queries). */
export interface PlanQuery {
  /** The query's name in `queries:`. */
  name: string;
  /** Tables it reads (tablesRead: labels and index-lookup tables, as the query writes them). */
  tables: string[];
  /** Of those, the tables the plan changes (a change on them, their indexes, or a rebuild); apply times the query before and after either way. */
  touched: string[];
}

/**
 * Which declared queries read tables the plan touches: each query with the tables it reads and
 * those among them that a change (its `table`, or the `from` name of a rename) or a rebuild names.
 */
export function queriesTouched(queries: readonly DeclaredQuery[], changes: readonly { table: string; kind: string; from?: unknown }[], rebuilt: readonly string[]): PlanQuery[] {
  // Lower-case name → the name as the plan spells it.
  const touched = new Map<string, string>();
  for (const c of changes) {
    touched.set(c.table.toLowerCase(), c.table);
    if (c.kind === 'rename_table' && typeof c.from === 'string') touched.set(c.from.toLowerCase(), c.from);
  }
  for (const t of rebuilt) touched.set(t.toLowerCase(), t);
  return queries.map((q) => {
    const tables = tablesRead(q.query);
    return { name: q.name, tables, touched: [...new Set(tables.flatMap((t) => touched.get(t.toLowerCase()) ?? []))] };
  });
}

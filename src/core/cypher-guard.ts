/**
 * Guards for the Cypher text a user (or a file) hands us: a property's `default`, a `using`
 * expression and a `checks:` query. Each must be exactly ONE expression, or ONE read-only query;
 * anything that could end the statement it is spliced into (a `;`, an unbalanced bracket, a
 * top-level comma or AS), or write, read files, load code or change the session (CREATE, MERGE,
 * SET, DELETE, DETACH, REMOVE, COPY, LOAD, ATTACH, INSTALL, EXPORT, IMPORT, USE, CALL of anything
 * but a known read-only procedure, BEGIN/COMMIT/ROLLBACK/CHECKPOINT, DROP, ALTER) is refused.
 *
 * It works on tokens, not on raw text: string literals ('a;b', "x", with backslash escapes),
 * back-quoted identifiers (`delete` is a name, not a clause) and comments (// and /* *\/) are
 * read as Kuzu's lexer reads them, so `'a;b'` passes and `/* ; *\/` hides nothing. Pure: no I/O.
 * This is the first line of defence; the engine adds a second (one statement per prepare, and an
 * EXPLAIN of each check refused when its plan holds a writing operator; see kuzu/checks.ts).
 */

/** One lexical token. `offset` and `end` count UTF-16 code units into the source text. */
export interface Token {
  kind: 'word' | 'quoted' | 'string' | 'number' | 'param' | 'punct';
  /** The token's text as written (a quoted identifier or string keeps its quotes). */
  text: string;
  offset: number;
  end: number;
}

/** Why a text is refused: where (offset into the text) and what, with a hint. */
export interface GuardProblem {
  offset: number;
  message: string;
  hint?: string;
}

export class TokenizeError extends Error {
  constructor(readonly offset: number, message: string) {
    super(message);
  }
}

const WORD_START = /[\p{L}_]/u;
const WORD_PART = /[\p{L}\p{N}_]/u;

/**
 * Splits Cypher text into tokens, dropping whitespace and comments. Throws TokenizeError on an
 * unterminated string, quoted identifier or block comment (which Kuzu would refuse too, and which
 * could otherwise hide text from this guard).
 */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (ch === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) throw new TokenizeError(i, 'unterminated /* comment');
      i = close + 2;
      continue;
    }
    const start = i;
    if (ch === "'" || ch === '"') {
      i++;
      while (i < n && text[i] !== ch) i += text[i] === '\\' ? 2 : 1;
      if (i >= n) throw new TokenizeError(start, `unterminated string literal starting with ${ch}`);
      i++;
      out.push({ kind: 'string', text: text.slice(start, i), offset: start, end: i });
      continue;
    }
    if (ch === '`') {
      // Kuzu reads a doubled backtick inside a quoted name as part of the name (measured).
      i++;
      for (;;) {
        const close = text.indexOf('`', i);
        if (close < 0) throw new TokenizeError(start, 'unterminated back-quoted identifier');
        i = close + 1;
        if (text[i] !== '`') break;
        i++;
      }
      out.push({ kind: 'quoted', text: text.slice(start, i), offset: start, end: i });
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      while (i < n && /[0-9A-Za-z_.]/.test(text[i])) {
        // `1.5` is one number, `n.x` never starts here; `1..3` (a range) stops at the second dot.
        if (text[i] === '.' && !/[0-9]/.test(text[i + 1] ?? '')) break;
        i++;
      }
      out.push({ kind: 'number', text: text.slice(start, i), offset: start, end: i });
      continue;
    }
    if (WORD_START.test(ch)) {
      while (i < n && WORD_PART.test(text[i])) i++;
      out.push({ kind: 'word', text: text.slice(start, i), offset: start, end: i });
      continue;
    }
    if (ch === '$') {
      i++;
      while (i < n && WORD_PART.test(text[i])) i++;
      out.push({ kind: 'param', text: text.slice(start, i), offset: start, end: i });
      continue;
    }
    // Multi-character operators matter only as "not a bracket, comma or semicolon": one char each.
    out.push({ kind: 'punct', text: ch, offset: start, end: i + 1 });
    i++;
  }
  return out;
}

/**
 * How many statements `text` holds: `;` outside literals and comments separates them, a trailing
 * one ends the last. Text that does not tokenize counts as 2 (it cannot be proven to be one).
 */
export function statementCount(text: string): number {
  if (!text.includes(';')) return 1; // the common case, without tokenizing (COPY and history rows can be long)
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch {
    return 2;
  }
  let count = 1;
  tokens.forEach((t, i) => {
    if (t.kind === 'punct' && t.text === ';' && i < tokens.length - 1) count++;
  });
  return count;
}

/** Clauses and commands that write, read files, load code, or manage the database or session. */
const FORBIDDEN = new Map<string, string>([
  ['CREATE', 'a write clause'],
  ['MERGE', 'a write clause'],
  ['SET', 'a write clause'],
  ['DELETE', 'a write clause'],
  ['DETACH', 'DETACH DELETE writes; DETACH detaches a database'],
  ['REMOVE', 'a write clause'],
  ['DROP', 'a schema change'],
  ['ALTER', 'a schema change'],
  ['COMMENT', 'a schema change'],
  ['COPY', 'COPY reads or writes files'],
  ['LOAD', 'LOAD reads files or loads an extension'],
  ['ATTACH', 'ATTACH opens another database'],
  ['INSTALL', 'INSTALL downloads an extension'],
  ['UNINSTALL', 'UNINSTALL removes an extension'],
  ['EXPORT', 'EXPORT writes files'],
  ['IMPORT', 'IMPORT runs a folder of statements'],
  ['USE', 'USE switches the database'],
  ['BEGIN', 'transaction control'],
  ['COMMIT', 'transaction control'],
  ['ROLLBACK', 'transaction control'],
  ['CHECKPOINT', 'transaction control'],
  ['TRANSACTION', 'transaction control'],
  ['FOREACH', 'a write clause'],
  ['PROJECT', 'PROJECT GRAPH changes the session'],
]);

/** Whether `word` is a clause or command that writes, reads files, loads code or manages the session. */
export function isForbiddenWord(word: string): boolean {
  return FORBIDDEN.has(word.toUpperCase());
}

/** Functions with a side effect that commits with the migration. */
const FORBIDDEN_FUNCTIONS = new Set(['NEXTVAL', 'SETVAL']);

/** Read clauses: in a query they start clauses; in an expression only inside a subquery ({...}). */
const READ_CLAUSES = new Set(['MATCH', 'OPTIONAL', 'RETURN', 'WITH', 'UNWIND', 'WHERE', 'ORDER', 'SKIP', 'LIMIT', 'UNION', 'CALL']);

/**
 * Procedures a check may CALL: Kuzu 0.11.3's catalog and status table functions, which only read.
 * Anything else (create_fts_index, project_graph, `CALL threads=4`, ...) is refused.
 */
export const READ_ONLY_PROCEDURES = new Set([
  'show_tables',
  'table_info',
  'show_connection',
  'show_sequences',
  'show_indexes',
  'show_functions',
  'show_macros',
  'show_attached_databases',
  'show_loaded_extensions',
  'show_official_extensions',
  'show_warnings',
  'show_projected_graphs',
  'current_setting',
  'db_version',
  'storage_info',
]);

/** A bare word written as a keyword: not `n.delete`, not a label `:Set`, not a map key `{copy: 1}`. */
function isKeywordUse(tokens: Token[], i: number): boolean {
  const prev = tokens[i - 1];
  const next = tokens[i + 1];
  if (prev?.kind === 'punct' && (prev.text === '.' || prev.text === ':')) return false;
  if (next?.kind === 'punct' && next.text === ':' && prev?.kind === 'punct' && (prev.text === '{' || prev.text === ',')) return false;
  return true;
}

function upper(t: Token): string {
  return t.kind === 'word' ? t.text.toUpperCase() : '';
}

/** Problems every kind shares: forbidden words and functions, and bracket balance. */
function commonProblems(tokens: Token[], what: string, procedures: readonly string[] = []): GuardProblem | null {
  const stack: Token[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'punct' && t.text === ';') {
      return { offset: t.offset, message: `${what} contains a statement separator ";"`, hint: `a ${what} is exactly one ${what === 'check' || what === 'query' ? 'query' : 'expression'}; put ";" inside quotes if it is text` };
    }
    if (t.kind === 'word' && isKeywordUse(tokens, i)) {
      const word = upper(t);
      const why = FORBIDDEN.get(word);
      if (why) return { offset: t.offset, message: `${what} contains ${word} (${why})`, hint: `a ${what} may only read; back-quote it if it is a name` };
      if (FORBIDDEN_FUNCTIONS.has(word) && tokens[i + 1]?.text === '(') {
        return { offset: t.offset, message: `${what} calls ${t.text}(), which changes a sequence`, hint: 'use SERIAL for generated numbers' };
      }
    }
    if (upper(t) === 'CALL' && isKeywordUse(tokens, i)) {
      const proc = tokens[i + 1];
      const name = proc?.kind === 'word' ? proc.text.toLowerCase() : proc?.kind === 'quoted' ? proc.text.slice(1, -1).toLowerCase() : '';
      if ((!READ_ONLY_PROCEDURES.has(name) && !procedures.includes(name)) || tokens[i + 2]?.text !== '(') {
        return {
          offset: t.offset,
          message: `${what} calls ${proc ? proc.text : 'nothing'}, which is not a known read-only procedure`,
          hint: `CALL only ${[...procedures, ...READ_ONLY_PROCEDURES].slice(0, 5).join(', ')}, ...`,
        };
      }
    }
    if (t.kind === 'punct' && '([{'.includes(t.text)) stack.push(t);
    if (t.kind === 'punct' && ')]}'.includes(t.text)) {
      const open = stack.pop();
      if (!open || open.text !== pairs[t.text]) return { offset: t.offset, message: `${what} has an unbalanced "${t.text}"` };
    }
  }
  if (stack.length) return { offset: stack[stack.length - 1].offset, message: `${what} has an unclosed "${stack[stack.length - 1].text}"` };
  return null;
}

/** The tokens of `text`, or the problem when it cannot be tokenized or holds none. */
function nonEmptyTokens(text: string, what: string): Token[] | GuardProblem {
  try {
    const tokens = tokenize(text);
    return tokens.length ? tokens : { offset: 0, message: `${what} is empty` };
  } catch (err) {
    return { offset: (err as TokenizeError).offset, message: `${what}: ${(err as Error).message}` };
  }
}

/**
 * Why `text` is not exactly one side-effect-free expression (a `default` or a `using`), or null.
 * At the top level (outside brackets) it may hold no comma, AS and no clause keyword, so it cannot
 * add a column to the DDL or COPY projection it is spliced into; read clauses are allowed inside
 * brackets only (an EXISTS { MATCH ... } or COUNT { ... } subquery, a list comprehension).
 */
export function expressionProblem(text: string, what = 'expression'): GuardProblem | null {
  const tokens = nonEmptyTokens(text, what);
  if (!Array.isArray(tokens)) return tokens;
  const common = commonProblems(tokens, what);
  if (common) return common;
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'punct' && '([{'.includes(t.text)) depth++;
    else if (t.kind === 'punct' && ')]}'.includes(t.text)) depth--;
    if (depth > 0) continue;
    if (t.kind === 'punct' && t.text === ',') {
      return { offset: t.offset, message: `${what} has a top-level ","; it must be one expression`, hint: 'wrap a list in [ ]' };
    }
    if (t.kind === 'param') return { offset: t.offset, message: `${what} uses a parameter ${t.text}, which nothing binds` };
    if (t.kind !== 'word' || !isKeywordUse(tokens, i)) continue;
    const word = upper(t);
    // STARTS WITH / ENDS WITH are operators; every other WITH starts a clause.
    if (word === 'WITH' && ['STARTS', 'ENDS'].includes(upper(tokens[i - 1] ?? t))) continue;
    if (word === 'AS' || READ_CLAUSES.has(word)) {
      return { offset: t.offset, message: `${what} contains ${word} outside brackets; it must be one expression`, hint: word === 'AS' ? 'CAST(x AS T) is fine; a top-level AS is not' : undefined };
    }
  }
  return null;
}

/**
 * Why `text` is not exactly one read-only query (a `checks:` entry), or null. It must start with
 * MATCH, OPTIONAL MATCH, RETURN, UNWIND, WITH or CALL, hold no write or admin clause, and CALL only
 * the read-only procedures in READ_ONLY_PROCEDURES, and `procedures` (lower-case names) besides: a
 * declared query (core/queries.ts) may also CALL the index lookups QUERY_FTS_INDEX and
 * QUERY_VECTOR_INDEX, which only read.
 */
export function readQueryProblem(text: string, what = 'check', procedures: readonly string[] = []): GuardProblem | null {
  const tokens = nonEmptyTokens(text, what);
  if (!Array.isArray(tokens)) return tokens;
  const first = upper(tokens[0]);
  if (!['MATCH', 'OPTIONAL', 'RETURN', 'UNWIND', 'WITH', 'CALL'].includes(first)) {
    return { offset: tokens[0].offset, message: `${what} must be one read-only query`, hint: 'start it with MATCH, OPTIONAL MATCH, RETURN, UNWIND, WITH or CALL' };
  }
  return commonProblems(tokens, what, procedures);
}

/** Kuzu physical-plan operators that write, copy or change the catalog (measured in EXPLAIN on 0.11.3). */
const WRITE_OPERATOR = /^(INSERT|MERGE|SET_|DELETE|DETACH|COPY|BATCH_INSERT|PARTITIONER|INDEX_BUILDER|CREATE|DROP|ALTER|ATTACH|DETACH_DATABASE|USE_DATABASE|INSTALL|LOAD_EXTENSION|UNINSTALL|EXPORT|IMPORT|TRANSACTION|STANDALONE_CALL|CALL_|EMPTY_RESULT_TO_TABLE)/;

/**
 * The operators of an `EXPLAIN` result's physical plan (box titles such as `DELETE[4]`), and those
 * that write. Pure: takes the explain text.
 */
export function writingOperators(explain: string): string[] {
  const ops = [...explain.matchAll(/│\s*([A-Z][A-Z0-9_]*)\[\d+\]\s*│/g)].map((m) => m[1]);
  return [...new Set(ops.filter((o) => WRITE_OPERATOR.test(o)))];
}

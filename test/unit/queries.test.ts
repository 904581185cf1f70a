/**
 * The pure parts of declared queries (src/core/queries.ts) and their configuration, in process:
 * the PROFILE parser against PROFILE output captured from Kuzu 0.11.3 (test/fixtures/profile/,
 * written by a real database: FTS lookup, vector lookup, rel traversal, primary-key lookup), the
 * access-path summary, run statistics, the tables a query reads, the tolerance decision, and the
 * `queries:` section of kuzu-migrate.yaml with its file:line diagnostics and environment merge.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { validateConfig } from '../../src/config/config';
import type { PlanDocument } from '../../src/core/plan';
import { renderMarkdown, renderText } from '../../src/core/render';
import { renderQueriesMarkdown, renderQueriesText, type QueriesResult, type QueryReport } from '../../src/core/render-queries';
import {
  DEFAULT_MAX_SLOWDOWN,
  judgeQuery,
  parseProfile,
  profileSummary,
  queriesTouched,
  runStats,
  tablesRead,
  verdictLine,
  type DeclaredQuery,
  type QueryRun,
} from '../../src/core/queries';

const PROFILES = resolve(__dirname, '../fixtures/profile');
const profile = (f: string) => readFileSync(join(PROFILES, f), 'utf8');

describe('parseProfile / profileSummary on Kuzu 0.11.3 PROFILE output', () => {
  it.each([
    ['fts.txt', ['SCAN_NODE_TABLE(Doc)', 'QUERY_FTS_INDEX', 'HASH_JOIN'], 11],
    ['vector.txt', ['SCAN_NODE_TABLE(Doc)', 'QUERY_VECTOR_INDEX', 'HASH_JOIN'], 9],
    ['traversal.txt', ['SCAN_NODE_TABLE(Doc)', 'SCAN_REL_TABLE(Cites)'], 9],
    ['primary-key.txt', ['PRIMARY_KEY_SCAN_NODE_TABLE'], 4],
  ])('%s → %j', (file, summary, operators) => {
    const ops = parseProfile(profile(file));
    expect(ops).toHaveLength(operators);
    expect(ops.map((o) => o.id)).toEqual([...Array(operators).keys()]);
    expect(profileSummary(ops)).toEqual(summary);
  });

  it('reads each box of side-by-side columns: function, tables, tuples and time', () => {
    const ops = parseProfile(profile('fts.txt'));
    const fts = ops.find((o) => o.function === 'QUERY_FTS_INDEX')!;
    expect(fts).toMatchObject({ name: 'TABLE_FUNCTION_CALL', id: 2, tables: [] });
    expect(typeof fts.time_ms).toBe('number');
    // The left column's scan and the right column's hash-join build, drawn on the same lines.
    expect(ops.find((o) => o.id === 0)).toMatchObject({ name: 'SCAN_NODE_TABLE', tables: ['Doc'], tuples: 5000 });
    expect(ops.find((o) => o.id === 6)).toMatchObject({ name: 'HASH_JOIN_BUILD', tuples: 5000 });
    expect(ops.find((o) => o.id === 4)).toMatchObject({ name: 'TABLE_FUNCTION_CALL', function: 'READ_FTABLE' });
    const rel = parseProfile(profile('traversal.txt')).find((o) => o.name === 'SCAN_REL_TABLE')!;
    expect(rel).toMatchObject({ tables: ['Cites'], tuples: 4999 });
  });

  it('text that is not a plan has no operators', () => {
    expect(parseProfile('')).toEqual([]);
    expect(parseProfile('Binder exception: Table Doc does not exist')).toEqual([]);
  });
});

describe('runStats', () => {
  it.each([
    [[], { median_ms: null, min_ms: null, max_ms: null, p90_ms: null }],
    [[3], { median_ms: 3, min_ms: 3, max_ms: 3, p90_ms: 3 }],
    [[5, 1, 3], { median_ms: 3, min_ms: 1, max_ms: 5, p90_ms: 5 }],
    [[4, 1, 2, 3], { median_ms: 2.5, min_ms: 1, max_ms: 4, p90_ms: 4 }],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 100], { median_ms: 5.5, min_ms: 1, max_ms: 100, p90_ms: 9 }],
    [[1.23456, 1.23456], { median_ms: 1.23, min_ms: 1.23, max_ms: 1.23, p90_ms: 1.23 }],
  ])('%j', (input, expected) => {
    expect(runStats(input)).toEqual(expected);
  });
});

describe('tablesRead', () => {
  it.each([
    ['MATCH (r:Requirement)-[:depends_on]->(d:Requirement) RETURN COUNT(*)', ['Requirement', 'depends_on']],
    ["CALL QUERY_FTS_INDEX('Doc', 'doc_fts', $q) RETURN node.id", ['Doc']],
    ['CALL query_vector_index("Doc", "doc_vec", $v, 5) RETURN node', ['Doc']],
    ['MATCH (a:`my table`)-[e:A|B]->(:C) RETURN a', ['my table', 'A', 'B', 'C']],
    ['MATCH (n:Doc) WITH {copy: n.id} AS m, n MATCH (n)-[:Cites*1..2]->(x:doc) RETURN m', ['Doc', 'Cites']],
    ["MATCH (n:Doc) WHERE n.body = 'x:Fake' RETURN n", ['Doc']],
    ['RETURN 1', []],
    ["MATCH (n:Doc) WHERE n.body = 'unterminated", []],
  ])('%s', (query, tables) => {
    expect(tablesRead(query)).toEqual(tables);
  });

  it('queriesTouched: the tables a change or rebuild names, as the plan spells them', () => {
    const q = (name: string, query: string): DeclaredQuery => ({ name, query, params: {}, expect: null, maxSlowdown: 2, maxMs: null });
    const got = queriesTouched(
      [q('a', 'MATCH (d:doc)-[:CITES]->(x:Doc) RETURN d'), q('b', 'MATCH (t:Tag) RETURN t'), q('c', 'MATCH (o:OldName) RETURN o')],
      [{ kind: 'add_property', table: 'Doc' }, { kind: 'rename_table', table: 'NewName', from: 'OldName' }],
      ['Cites'],
    );
    expect(got).toEqual([
      { name: 'a', tables: ['doc', 'CITES'], touched: ['Doc', 'Cites'] },
      { name: 'b', tables: ['Tag'], touched: [] },
      { name: 'c', tables: ['OldName'], touched: ['OldName'] },
    ]);
  });
});

describe('judgeQuery: the tolerance decision', () => {
  const decl = (over: Partial<DeclaredQuery> = {}): DeclaredQuery => ({ name: 'q', query: 'RETURN 1', params: {}, expect: null, maxSlowdown: DEFAULT_MAX_SLOWDOWN, maxMs: null, ...over });
  const run = (median: number | null, over: Partial<QueryRun> = {}): QueryRun => ({
    name: 'q',
    error: null,
    runs: 5,
    median_ms: median,
    min_ms: median,
    max_ms: median,
    p90_ms: median,
    rows: 10,
    value: null,
    operators: ['QUERY_FTS_INDEX'],
    ...over,
  });
  const failed = (error: string): QueryRun => run(null, { error, rows: null, operators: [] });

  it.each<[string, DeclaredQuery, QueryRun | null, QueryRun, boolean, RegExp | null]>([
    ['same speed', decl(), run(10), run(11), true, null],
    ['3× slower but under the 5 ms floor', decl(), run(1), run(3), true, null],
    ['3× slower, 20 ms more', decl(), run(10), run(30), false, /10\.00 ms before, 30\.00 ms after: 3\.0× slower, more than max_slowdown 2/],
    ['1.9× slower within max_slowdown 2', decl(), run(100), run(190), true, null],
    ['median 3× slower but the fastest run within: noise', decl(), run(10), run(30, { min_ms: 12 }), true, null],
    ['median and fastest run 3× slower', decl(), run(10), run(30, { min_ms: 25 }), false, /3\.0× slower/],
    ['median over max_ms, fastest run under it: noise', decl({ maxMs: 20 }), null, run(25, { min_ms: 15 }), true, null],
    ['1.9× slower beyond max_slowdown 1.5', decl({ maxSlowdown: 1.5 }), run(100), run(190), false, /more than max_slowdown 1\.5/],
    ['ran before, fails now', decl(), run(10), failed('Binder exception: no index doc_fts'), false, /ran before \(10\.00 ms\) and fails now: Binder exception/],
    ['fails without a before', decl(), null, failed('boom'), false, /^fails: boom$/],
    ['row count changed, nothing declared', decl(), run(10), run(10, { rows: 9 }), false, /returned 9 rows, 10 before/],
    ['row count as declared', decl({ expect: { kind: 'rows', rows: 9 } }), run(10), run(10, { rows: 9 }), true, null],
    ['row count not as declared', decl({ expect: { kind: 'rows', rows: 10 } }), null, run(10, { rows: 9 }), false, /returned 9 rows, expected 10/],
    ['expect true and got true', decl({ expect: { kind: 'value', value: true } }), null, run(1, { rows: 1, value: true }), true, null],
    ['expect true and got false', decl({ expect: { kind: 'value', value: true } }), null, run(1, { rows: 1, value: false }), false, /returned false, expected true/],
    ['expect true and got rows', decl({ expect: { kind: 'value', value: true } }), null, run(1), false, /returned 10 rows, not a single boolean/],
    ['max_ms exceeded', decl({ maxMs: 20 }), run(10), run(25), false, /25\.00 ms \(10\.00 ms before\) is over max_ms 20/],
    ['max_ms exceeded without a before', decl({ maxMs: 20 }), null, run(25), false, /25\.00 ms is over max_ms 20/],
    ['max_ms already exceeded before: a note', decl({ maxMs: 20 }), run(24), run(25), true, null],
    ['failed before, runs now: a note', decl(), failed('x'), run(10), true, null],
  ])('%s', (_name, q, before, after, ok, problem) => {
    const v = judgeQuery(q, before, after);
    expect(v.ok).toBe(ok);
    if (problem) expect(v.problems.join('; ')).toMatch(problem);
    else expect(v.problems).toEqual([]);
  });

  it('notes what does not fail; compareRows off ignores a changed count (data grows between applies)', () => {
    expect(judgeQuery(decl({ maxMs: 20 }), run(24), run(25)).notes).toEqual(['25.00 ms is over max_ms 20, as it was before (24.00 ms)']);
    expect(judgeQuery(decl(), run(10), run(10, { rows: 99 }), { compareRows: false }).ok).toBe(true);
    expect(judgeQuery(decl(), run(1), run(4), { floorMs: 1 }).ok).toBe(false);
    // A database the apply creates holds no data: only "it runs" counts there.
    const fresh = judgeQuery(decl({ expect: { kind: 'rows', rows: 5 }, maxMs: 1 }), null, run(3, { rows: 0 }), { newDatabase: true });
    expect(fresh).toMatchObject({ ok: true, notes: ['a new database holds no data yet: its declared result and max_ms are not checked'] });
    expect(judgeQuery(decl(), null, failed('no such table'), { newDatabase: true }).ok).toBe(false);
  });

  it('the message names the query, both timings and the operators that changed', () => {
    const v = judgeQuery(decl({ name: 'search' }), run(10), run(40, { operators: ['SCAN_NODE_TABLE(Doc)'] }));
    expect(v).toMatchObject({ before_ms: 10, after_ms: 40, slowdown: 4, operators_gone: ['QUERY_FTS_INDEX'], operators_new: ['SCAN_NODE_TABLE(Doc)'] });
    expect(verdictLine(v)).toBe('query "search" (10.00 ms before, 40.00 ms after): 10.00 ms before, 40.00 ms after: 4.0× slower, more than max_slowdown 2 (operators: -QUERY_FTS_INDEX +SCAN_NODE_TABLE(Doc))');
  });
});

describe('queries: in kuzu-migrate.yaml', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'km-queries-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  let n = 0;
  const load = (text: string, env?: string) => {
    const dir = join(tmp, `c${++n}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'kuzu-migrate.yaml'), text);
    return validateConfig(join(dir, 'kuzu-migrate.yaml'), { env });
  };
  const head = ['version: v1.0.0', 'database: ./db.kuzu', 'schema:', '  nodes:', '    Doc:', '      primary_key: id', '      properties:', '        id: INT64'];

  it('resolves params, rows / expect, tolerances and defaults; an environment replaces by name and adds', () => {
    const { config, diagnostics } = load(
      [
        ...head,
        'queries:',
        "  - name: search",
        "    query: CALL QUERY_FTS_INDEX('Doc', 'doc_fts', $q) RETURN node.id",
        '    params: { q: zebra }',
        '    rows: 1',
        '    max_ms: 50',
        '  - { name: all, query: "MATCH (d:Doc) RETURN count(*) > 0", expect: true }',
        'environments:',
        '  prod:',
        '    database: ./prod.kuzu',
        '    queries:',
        '      - { name: all, query: "MATCH (d:Doc) RETURN count(*) > 0", expect: true, max_slowdown: 1.5 }',
        '      - { name: near, query: "CALL QUERY_VECTOR_INDEX(\'Doc\', \'v\', $v, 3) RETURN node.id", params: { v: [1.0, 2.0] } }',
      ].join('\n') + '\n',
      'prod',
    );
    expect(diagnostics).toEqual([]);
    expect(config!.queries).toEqual([
      { name: 'search', query: "CALL QUERY_FTS_INDEX('Doc', 'doc_fts', $q) RETURN node.id", params: { q: 'zebra' }, expect: { kind: 'rows', rows: 1 }, maxSlowdown: 2, maxMs: 50 },
      { name: 'all', query: 'MATCH (d:Doc) RETURN count(*) > 0', params: {}, expect: { kind: 'value', value: true }, maxSlowdown: 1.5, maxMs: null },
      { name: 'near', query: "CALL QUERY_VECTOR_INDEX('Doc', 'v', $v, 3) RETURN node.id", params: { v: [1.0, 2.0] }, expect: null, maxSlowdown: 2, maxMs: null },
    ]);
    expect(load([...head, 'queries: []'].join('\n') + '\n').config!.queries).toEqual([]);
  });

  it.each<[string, string[], { at: string; message: RegExp }[]]>([
    ['a write clause, at the offending token', ['  - { name: evil, query: "MATCH (d:Doc) SET d.id = 1 RETURN d" }'], [{ at: '10:41', message: /^query "evil": query contains SET \(a write clause\)$/ }]],
    ['two statements', ['  - name: two', '    query: "MATCH (d:Doc) RETURN d; MATCH (e:Doc) RETURN e"'], [{ at: '11:35', message: /query "two": query contains a statement separator ";"/ }]],
    ['a procedure that builds an index', ["  - { name: build, query: \"CALL CREATE_FTS_INDEX('Doc', 'i', ['id'])\" }"], [{ at: '10:28', message: /calls CREATE_FTS_INDEX, which is not a known read-only procedure/ }]],
    ['not a query', ['  - { name: ddl, query: "DROP TABLE Doc" }'], [{ at: '10:26', message: /query "ddl": query must be one read-only query/ }]],
    ['rows and expect together', ['  - { name: both, query: "RETURN true", rows: 1, expect: true }'], [{ at: '10:50', message: /declares both rows and expect/ }]],
    ['a $parameter params does not set', ['  - { name: p, query: "MATCH (d:Doc) WHERE d.id = $id RETURN d", params: { ID: 1 } }'], [{ at: '10:51', message: /query "p" uses \$id, which params does not set/ }]],
    ['duplicate names', ['  - { name: a, query: "RETURN 1" }', '  - { name: a, query: "RETURN 2" }'], [{ at: '11:13', message: /query "a" is declared twice/ }]],
    ['structure: unknown key, bad tolerance', ['  - { name: s, query: "RETURN 1", max_slowdown: 0.5, maxms: 3 }'], [{ at: '10:49', message: /max_slowdown must be at least 1/ }, { at: '10:54', message: /unknown key "maxms"/ }]],
  ])('%s is refused with file:line:column', (_name, entries, expected) => {
    const { config, diagnostics } = load([...head, 'queries:', ...entries].join('\n') + '\n');
    expect(config).toBeNull();
    expect(diagnostics.map((d) => ({ at: `${d.line}:${d.column}`, message: d.message }))).toEqual(expected.map((e) => ({ at: e.at, message: expect.stringMatching(e.message) })));
    expect(diagnostics.every((d) => d.file.endsWith('kuzu-migrate.yaml'))).toBe(true);
  });
});

describe('renderQueriesText / renderQueriesMarkdown', () => {
  const report = (name: string, over: Partial<QueryReport> = {}): QueryReport => ({
    name,
    error: null,
    runs: 3,
    median_ms: 2.5,
    min_ms: 2,
    max_ms: 4,
    p90_ms: 4,
    rows: 1,
    value: null,
    operators: ['SCAN_NODE_TABLE(Doc)', 'QUERY_FTS_INDEX', 'HASH_JOIN'],
    profile: [],
    query: 'CALL QUERY_FTS_INDEX(...)',
    params: {},
    expected: { rows: 1 },
    limits: { max_slowdown: 2, max_ms: null },
    baseline_ms: 2,
    verdict: { name, ok: true, problems: [], notes: [], before_ms: 2, after_ms: 2.5, slowdown: 1.25, operators_gone: [], operators_new: [] },
    ...over,
  });
  const result: QueriesResult = {
    database: '/db/graph.kuzu',
    runs: 3,
    warmup: 1,
    baseline: { apply_id: 'A1', version: 'v1.0.1', applied_at: '2026-01-01T00:00:00Z' },
    ok: false,
    queries: [
      report('search'),
      report('broken', { error: 'Binder exception: no index', median_ms: null, min_ms: null, max_ms: null, p90_ms: null, rows: null, operators: [], verdict: { name: 'broken', ok: false, problems: ['fails: Binder exception: no index'], notes: [], before_ms: null, after_ms: null, slowdown: null, operators_gone: [], operators_new: [] } }),
    ],
  };

  it('text: median, spread, p90, rows, operators, baseline ratio and problems', () => {
    expect(renderQueriesText(result).split('\n')).toEqual([
      'Queries on /db/graph.kuzu (median of 3 runs after 1 warm-up; baseline: apply A1 to v1.0.1):',
      '  ok    search  median 2.50 ms (min–max 2.00–4.00, p90 4.00 ms)  1 row',
      '                operators: SCAN_NODE_TABLE(Doc), QUERY_FTS_INDEX, HASH_JOIN',
      '                baseline 2.00 ms (1.25×)',
      '  FAIL  broken  Binder exception: no index',
      '                fails: Binder exception: no index',
      '1 query(ies) failed.',
    ]);
  });

  it('markdown: one table row per query, pipes escaped', () => {
    const md = renderQueriesMarkdown({ ...result, queries: [report('a|b')] });
    expect(md).toContain('| Query | Median | Min–max | p90 | Baseline | Result | Operators | Status |');
    expect(md).toContain('| `a\\|b` | 2.50 ms | 2.00–4.00 | 4.00 ms | 2.00 ms | 1 row | SCAN_NODE_TABLE(Doc), QUERY_FTS_INDEX, HASH_JOIN | ok |');
  });
});

describe('the plan lists the declared queries reading changed tables', () => {
  const golden = JSON.parse(readFileSync(resolve(__dirname, '../golden/plan.json'), 'utf8')) as PlanDocument;
  const withQueries: PlanDocument = {
    ...golden,
    queries: [
      { name: 'deps', tables: ['Requirement', 'depends_on'], touched: ['Requirement'] },
      { name: 'teams', tables: ['Team'], touched: [] },
    ],
  };
  it('text and Markdown name the touched ones with their tables; none declared: no line', () => {
    expect(renderText(withQueries)).toContain('Declared queries reading changed tables: deps (Requirement); apply times every declared query before and after the change and refuses a regression.');
    expect(renderMarkdown(withQueries)).toContain('**Declared queries reading changed tables:** deps (Requirement); apply times');
    expect(renderText(golden)).not.toContain('Declared queries');
    expect(renderText({ ...withQueries, queries: [{ name: 'teams', tables: ['Team'], touched: [] }] })).not.toContain('Declared queries');
  });
});

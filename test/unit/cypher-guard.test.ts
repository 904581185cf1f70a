/**
 * The expression / read-only-query guard (core/cypher-guard.ts), table-driven: what must pass
 * (every expression the existing tests and examples use, literals holding `;`, function calls,
 * CAST, lists, negative numbers) and what must be refused, with the offset it points at. Plus the
 * checks that use it on files (schema-check, plan integrity, snapshot trust) and, against a real
 * Kuzu, the EXPLAIN-based second line and the one checks evaluator.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expressionProblem, readQueryProblem, statementCount, tokenize, writingOperators } from '../../src/core/cypher-guard';
import { schemaFingerprint, type Schema } from '../../src/core/model';
import { parsePlanFile, planIntegrityProblems } from '../../src/core/plan-integrity';
import { PLAN_FORMAT_VERSION, type PlanDocument } from '../../src/core/plan';
import { toPlanSchema } from '../../src/core/plan-document';
import { schemaProblems } from '../../src/core/schema-check';
import { evaluateCheck, CheckNotReadOnlyError } from '../../src/kuzu/checks';
import { withEngine } from '../../src/kuzu/engine';
import { rawStatementProblem, unsafeRelativePath } from '../../src/snapshot/trust';
import { tempDir } from '../helpers/db';

describe('expressionProblem: default and using are exactly one expression', () => {
  test.each([
    '0',
    '-1',
    '-2.50',
    '-170141183460469231731687303715884105728',
    "'core'",
    "'a;b'",
    '"x;y"',
    "'x\\'y ; RETURN 1'",
    "''",
    'true',
    '1 + 2',
    'gen_random_uuid()',
    'current_date()',
    'current_timestamp()',
    'CAST(n.score_text AS INT64)',
    "CAST('2024-01-01' AS DATE)",
    '[1, 2, 3]',
    "{a: 1, b: 'x'}",
    '{set: 1}',
    'n.`delete`',
    'n.set',
    "CASE WHEN n.x > 1 THEN 'big' ELSE 'small' END",
    "n.name STARTS WITH 'a'",
    '[x IN [1, 2, 3] WHERE x > 1 | x * 2]',
    'lower(n.title) /* a ; in a comment */',
    'size(n.title) // ; trailing comment',
    'list_concat([1], [2])',
    "date('2024-01-01') + interval('1 day')",
  ])('passes: %s', (expr) => {
    expect(expressionProblem(expr, 'default')).toBeNull();
  });

  test.each<[string, number, RegExp]>([
    ['0 ; COPY (RETURN 1) TO \'/tmp/x\' ; RETURN 1', 2, /statement separator/],
    ["'a' ; RETURN 1", 4, /statement separator/],
    ['COUNT { MATCH (c:C) DETACH DELETE c }', 20, /DETACH/],
    ["n.title SET n.title = 'x'", 8, /SET/],
    ['1 MERGE (x:T {id: 1})', 2, /MERGE/],
    ["1 LOAD EXTENSION '/x.so'", 2, /LOAD/],
    ["1) ; ATTACH '/x' AS y (dbtype kuzu", 1, /unbalanced "\)"/],
    ['0, evil STRING', 1, /top-level ","/],
    ['1 AS x', 2, /AS outside brackets/],
    ['1 RETURN 2', 2, /RETURN outside brackets/],
    ["setval('s', 1)", 0, /changes a sequence/],
    ['CALL show_tables()', 0, /CALL outside brackets/],
    ["COUNT { CALL create_fts_index('T', 'i', ['s']) RETURN 1 }", 8, /not a known read-only procedure/],
    ['(1 + 2', 0, /unclosed "\("/],
    ["'unterminated", 0, /unterminated string/],
    ['1 /* never closed', 2, /unterminated \/\* comment/],
    ['$p', 0, /parameter/],
    ['   ', 0, /empty/],
    ['INSTALL json', 0, /INSTALL/],
    ['1 UNION RETURN 2', 2, /UNION/],
  ])('refuses: %s', (expr, offset, message) => {
    const p = expressionProblem(expr, 'default');
    expect(p).not.toBeNull();
    expect(p!.message).toMatch(message);
    expect(p!.offset).toBe(offset);
  });
});

test("nextval('s') is a column default (Kuzu's generated keys), never a using: or a check", () => {
  expect(expressionProblem("nextval('s')", 'default')).toBeNull();
  expect(expressionProblem("nextval('s')", 'using')?.message).toMatch(/changes a sequence/);
  expect(readQueryProblem("RETURN nextval('s') > 0", 'check')?.message).toMatch(/changes a sequence/);
});

describe('readQueryProblem: a check is one read-only query', () => {
  test.each([
    'MATCH (r:Requirement) WHERE r.status IS NULL RETURN count(*) = 0',
    'MATCH (r:Requirement)-[:depends_on]->(r) RETURN count(*) = 0',
    'RETURN true',
    "MATCH (n:T) WHERE n.s = 'a;b' RETURN count(*) > 0",
    'OPTIONAL MATCH (n:T) RETURN count(n) >= 0',
    'UNWIND [1, 2] AS x RETURN sum(x) = 3',
    'CALL show_tables() WHERE name = \'T\' RETURN count(*) = 1',
    "CALL table_info('T') RETURN count(*) > 0",
    'MATCH (a:T) WHERE EXISTS { MATCH (a)-[:R]->(b:T) } RETURN count(*) = 0',
    'MATCH (n:`Set`) RETURN count(*) = 0',
    'WITH 1 AS x RETURN x = 1',
  ])('passes: %s', (q) => {
    expect(readQueryProblem(q)).toBeNull();
  });

  test.each<[string, RegExp]>([
    ['MATCH (t:Tag) DETACH DELETE t RETURN true', /DETACH/],
    ['MATCH (t:Tag) SET t.x = 1 RETURN true', /SET/],
    ['CREATE (:T {id: 1}) RETURN true', /must be one read-only query/],
    ['RETURN true; MATCH (t:T) DELETE t', /statement separator/],
    ["MATCH (n) RETURN count(*) > 0 UNION ALL LOAD FROM '/etc/passwd' RETURN true", /LOAD/],
    ["CALL create_fts_index('T', 'i', ['s']) RETURN true", /not a known read-only procedure/],
    ['CALL threads=1 RETURN true', /not a known read-only procedure/],
    ["RETURN nextval('T_id_serial') > 0", /changes a sequence/],
    ["COPY (RETURN 1) TO '/tmp/x'", /must be one read-only query/],
    ["MATCH (n) WITH n CALL project_graph('g', ['T']) RETURN true", /not a known read-only procedure/],
    ['BEGIN TRANSACTION', /must be one read-only query/],
  ])('refuses: %s', (q, message) => {
    expect(readQueryProblem(q)?.message).toMatch(message);
  });
});

describe('tokenize and statementCount agree with Kuzu\'s lexer (measured on 0.11.3)', () => {
  test.each<[string, number]>([
    ["RETURN 'a\\' ; RETURN 1; '", 1], // backslash escapes the quote: one statement in Kuzu
    ['RETURN "a\\" ; RETURN 2 ; "', 1],
    ['RETURN 1 /* ; */', 1],
    ['RETURN 1 // ; RETURN 2', 1],
    ['RETURN `a``;b`', 1], // a doubled backtick stays inside the name
    ['RETURN 1;', 1],
    ['RETURN 1; RETURN 2', 2],
    ["RETURN '; x", 2], // does not tokenize: cannot be proven to be one statement
    ["RETURN '", 1], // no ';' at all: one statement (Kuzu refuses it by itself)
  ])('%s → %i statement(s)', (text, n) => {
    expect(statementCount(text)).toBe(n);
  });

  test('tokens keep offsets and kinds', () => {
    expect(tokenize("n.`x` = 'a;b' -- 1.5").map((t) => `${t.kind}:${t.text}@${t.offset}`)).toEqual([
      'word:n@0', 'punct:.@1', 'quoted:`x`@2', 'punct:=@6', "string:'a;b'@8", 'punct:-@14', 'punct:-@15', 'number:1.5@17',
    ]);
  });
});

const person = (def: string | null, extra: Record<string, unknown> = {}): Schema => ({
  nodes: [{ kind: 'node', name: 'P', primaryKey: 'id', comment: '', properties: [{ name: 'id', type: 'INT64', default: null }, { name: 'x', type: 'STRING', default: def, ...extra }] }],
  rels: [],
});

describe('schemaProblems: a schema from a file is checked before Cypher is built from it', () => {
  test.each<[string, unknown, RegExp | null]>([
    ['sound', person("'a;b'"), null],
    ['injected default', person("'a' ; COPY (RETURN 1) TO '/tmp/x'"), /nodes\[0\] \(P\)\.properties\[1\]\.default: default contains a statement separator/],
    ['injected using', person(null, { using: 'n.x SET n.x = 1' }), /using: using contains SET/],
    ['type with a statement', { ...person(null), nodes: [{ ...person(null).nodes[0], properties: [{ name: 'id', type: 'INT64); DROP TABLE P; //', default: null }] }] }, /is not a Kuzu type/],
    ['name with a backtick', { nodes: [{ ...person(null).nodes[0], name: 'P`x' }], rels: [] }, /name: .*backtick/],
    ['not an object', 'x', /not an object/],
    ['nodes missing', { rels: [] }, /nodes is not a list/],
    ['bad multiplicity', { nodes: [], rels: [{ kind: 'rel', name: 'R', comment: '', connections: [], multiplicity: 'MANY', storageDirection: 'both', properties: [] }] }, /multiplicity/],
  ])('%s', (_name, schema, problem) => {
    const out = schemaProblems(schema);
    if (problem === null) expect(out).toEqual([]);
    else expect(out.join('\n')).toMatch(problem);
  });
});

describe('plan integrity', () => {
  const desired = person("'a'");
  const plan = (over: Partial<PlanDocument> = {}): PlanDocument =>
    ({
      format_version: PLAN_FORMAT_VERSION,
      tool: { name: 'kuzu-migrate', version: '1.0.0' },
      version: 'v1',
      live_fingerprint: 'sha256:live',
      desired_fingerprint: schemaFingerprint(desired),
      desired_schema: toPlanSchema(desired),
      steps: [{ id: 1, phase: 'in_place', statement: 'ALTER TABLE `P` ADD `x` STRING DEFAULT \'a\'', comment: '', changes: [0] }],
      ...over,
    }) as PlanDocument;

  test.each<[string, PlanDocument, string, RegExp | null]>([
    ['unchanged', plan(), '1.0.0', null],
    ['edited desired_schema', plan({ desired_schema: toPlanSchema(person("'b'")) }), '1.0.0', /hashes to .* not to its desired_fingerprint/],
    ['other tool version', plan(), '1.1.0', /made by kuzu-migrate 1\.0\.0, this is 1\.1\.0/],
    ['edited step', plan({ steps: [{ id: 1, phase: 'in_place', statement: 'ALTER TABLE `P` ADD `y` STRING', comment: '', changes: [0] }] }), '1.0.0', /step 1 differs/],
    ['missing step', plan({ steps: [] }), '1.0.0', /would run a step 1 the plan does not have/],
  ])('%s', (_name, saved, version, problem) => {
    const out = planIntegrityProblems(saved, plan(), version).join('\n');
    if (problem === null) expect(out).toBe('');
    else expect(out).toMatch(problem);
  });

  test.each<[string, RegExp]>([
    ['not json', /is not JSON/],
    ['[]', /is not a kuzu-migrate plan/],
    [`{"format_version": ${PLAN_FORMAT_VERSION}}`, /is not a kuzu-migrate plan/],
    [JSON.stringify({ ...plan(), steps: [null] }), /steps\[0\] is not a step/],
    [JSON.stringify({ ...plan(), desired_schema: toPlanSchema(person("1 ; RETURN 2")) }), /desired_schema\.nodes\[0\] \(P\)\.properties\[1\]\.default/],
  ])('parsePlanFile refuses %s in one line (exit 64)', (text, message) => {
    expect(() => parsePlanFile(text, 'p.json')).toThrow(message);
    try {
      parsePlanFile(text, 'p.json');
    } catch (err) {
      expect((err as { exitCode: number }).exitCode).toBe(64);
      expect((err as Error).message).not.toMatch(/\n/);
    }
  });
});

describe('snapshot trust', () => {
  test.each<[string, boolean]>([
    ['nodes/T.csv', false],
    ['rels/R/A-B.parquet', false],
    ['../x.csv', true],
    ['nodes/../../x', true],
    ['/etc/passwd', true],
    ['nodes\\x', true],
    ['C:/x', true],
    ['', true],
    ['nodes//x', true],
  ])('unsafeRelativePath(%s) = %s', (p, unsafe) => {
    expect(unsafeRelativePath(p)).toBe(unsafe);
  });

  // Statements as Kuzu 0.11.3's EXPORT DATABASE writes them (measured), and what an attacker adds.
  const files = new Set(['T.csv', 'R_T_T.csv']);
  test.each<[string, RegExp | null]>([
    ['CREATE NODE TABLE `T` (`id` SERIAL,`s` STRING, PRIMARY KEY(`id`))', null],
    ['CREATE REL TABLE `R` (FROM `T` TO `T`, `w` INT64,MANY_MANY)', null],
    ['DROP SEQUENCE IF EXISTS `T_id_serial`', null],
    ['CREATE SEQUENCE IF NOT EXISTS `T_id_serial` START 1 INCREMENT 1 MINVALUE 0 MAXVALUE 9223372036854775807 NO CYCLE', null],
    ["RETURN nextval('T_id_serial')", null],
    ['COPY `T` (`id`,`s`) FROM "T.csv" (parallel=true)', null],
    ["COPY `R` (`w`) FROM \"R_T_T.csv\" (to='T', from='T', parallel=true)", null],
    ["COPY (RETURN 1) TO '/tmp/x'", /statement kind not written/],
    ["LOAD EXTENSION '/tmp/x.so'", /statement kind not written/],
    ['COPY `T` FROM "../T.csv"', /not a file of the snapshot/],
    ['COPY `T` FROM "/etc/passwd"', /not a file of the snapshot/],
    ['CREATE NODE TABLE `T` (`id` INT64 DEFAULT 1, PRIMARY KEY(`id`)) MATCH', /unexpected DEFAULT/],
    ["ATTACH '/x' AS y", /statement kind not written/],
  ])('raw statement %s', (text, problem) => {
    const p = rawStatementProblem(tokenize(text), (r) => files.has(r));
    if (problem === null) expect(p).toBeNull();
    else expect(p).toMatch(problem);
  });
});

describe('checks against a real Kuzu: one evaluator, EXPLAIN as the second line', () => {
  const dir = tempDir('km-guard-');
  const db = path.join(dir, 'g.kuzu');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('EXPLAIN of writing queries shows writing operators; of reads, none', async () => {
    await withEngine(db, {}, async (e) => {
      await e.query('CREATE NODE TABLE T(id INT64, x INT64, PRIMARY KEY(id))');
      await e.query('CREATE (:T {id: 1, x: 1})');
      const ops = async (q: string) => writingOperators(String(Object.values((await e.execute(`EXPLAIN ${q}`, {}))[0])[0]));
      expect(await ops('MATCH (t:T) DETACH DELETE t RETURN true')).toEqual(['DELETE']);
      expect(await ops('MATCH (t:T) SET t.x = 3 RETURN true')).toEqual(['SET_PROPERTY']);
      expect(await ops('CREATE (t:T {id: 2}) RETURN true')).toEqual(['INSERT']);
      expect(await ops('MERGE (t:T {id: 3}) RETURN true')).toEqual(['MERGE']);
      expect(await ops(`COPY (RETURN 1) TO '${path.join(dir, 'x.csv')}'`)).toEqual(['COPY_TO']);
      expect(await ops('MATCH (t:T) WHERE EXISTS { MATCH (u:T) WHERE u.id = t.id } RETURN count(*) > 0')).toEqual([]);
      expect(await ops('CALL show_tables() RETURN count(*) > 0')).toEqual([]);
    });
    expect(fs.existsSync(path.join(dir, 'x.csv'))).toBe(false);
  });

  test('evaluateCheck: true, false, not a single value, a failing query, and a write refused before it runs', async () => {
    await withEngine(db, {}, async (e) => {
      expect(await evaluateCheck(e, { name: 'a', query: 'MATCH (t:T) RETURN count(*) = 1' })).toEqual({ name: 'a', ok: true, problem: null });
      expect((await evaluateCheck(e, { name: 'b', query: 'MATCH (t:T) RETURN count(*) = 2' })).problem).toMatch(/returned \[\{.*false\}\], expected a single true/);
      expect((await evaluateCheck(e, { name: 'c', query: 'MATCH (t:T) RETURN true, true' })).ok).toBe(false);
      expect((await evaluateCheck(e, { name: 'd', query: 'MATCH (t:Nope) RETURN true' })).problem).toMatch(/failed to run: Binder exception/);
      await expect(evaluateCheck(e, { name: 'e', query: 'MATCH (t:T) DETACH DELETE t RETURN true' })).rejects.toThrow(CheckNotReadOnlyError);
      expect(await e.scalar('MATCH (t:T) RETURN count(*)')).toBe(1);
    });
  });
});

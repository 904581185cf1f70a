import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import Ajv from 'ajv';
import { ConfigError, UsageError, type Diagnostic } from '../../src/core/errors';
import type { Schema } from '../../src/core/model';
import {
  DEFAULT_CONFIG_FILE,
  isValidVersionName,
  loadConfig,
  schemaToYaml,
  validateConfig,
  type LoadOptions,
} from '../../src/config/config';
import { CONFIG_SCHEMA_PATH } from '../../src/config/json-schema';

const FIXTURES = resolve(__dirname, '../fixtures/config');
const K = DEFAULT_CONFIG_FILE;

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'km-config-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let caseNo = 0;
/** Writes `files` (relative path → text) into a fresh folder; returns the folder. */
function tree(files: Record<string, string>): string {
  const dir = join(tmp, `case${++caseNo}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const lines = (...ls: string[]) => ls.join('\n') + '\n';
/** Lines 1-3 of every inline case; the schema starts on line 4. */
const head = ['version: v1.0.0', 'database: ./db.kuzu', 'schema:'];
const config = (...schema: string[]) => lines(...head, ...schema);
const personNode = ['  nodes:', '    Person:', '      primary_key: id', '      properties:', '        id: STRING'];

interface Expected {
  at: string; // file:line:column, file relative to the case folder
  message: RegExp | string;
  expected?: string;
  hint?: RegExp | string;
}

function check(dir: string, diagnostics: Diagnostic[], expected: Expected[]): void {
  const got = diagnostics.map((d) => ({ ...d, at: `${relative(dir, resolve(d.file))}:${d.line}:${d.column}` }));
  try {
    expect(got).toHaveLength(expected.length);
    expected.forEach((e, i) => {
      expect(got[i].at).toBe(e.at);
      if (typeof e.message === 'string') expect(got[i].message).toBe(e.message);
      else expect(got[i].message).toMatch(e.message);
      if (e.expected !== undefined) expect(got[i].expected).toBe(e.expected);
      if (e.hint !== undefined) {
        if (typeof e.hint === 'string') expect(got[i].hint).toBe(e.hint);
        else expect(got[i].hint).toMatch(e.hint);
      }
    });
  } catch (err) {
    (err as Error).message += `\n\nall diagnostics:\n${JSON.stringify(got, null, 2)}`;
    throw err;
  }
}

describe('loadConfig: the documented example', () => {
  it('loads to the expected schema and paths', () => {
    const file = join(FIXTURES, 'example', DEFAULT_CONFIG_FILE);
    const c = loadConfig(file);
    const dir = dirname(file);
    expect(c).toMatchObject({
      file,
      dir,
      version: 'v4.1.0',
      engine: 'kuzu',
      database: join(dir, 'db/graph.kuzu'),
      migrations: join(dir, 'migrations'),
      backups: join(dir, 'backups'),
      environment: null,
      policy: { allowDestructive: false, backupRetention: 10 },
      checks: [{ name: 'every requirement has a status', query: 'MATCH (r:Requirement) WHERE r.status IS NULL RETURN count(*) = 0' }],
      schemaFiles: [file],
    });
    const expected: Schema = {
      nodes: [
        {
          kind: 'node',
          name: 'Requirement',
          primaryKey: 'id',
          comment: 'A product requirement',
          properties: [
            { name: 'id', type: 'STRING', default: null },
            { name: 'title', type: 'STRING', default: null },
            { name: 'priority', type: 'INT64', default: '0' },
            { name: 'status', type: 'STRING', default: null, renamedFrom: 'state' },
            { name: 'score', type: 'INT64', default: null, using: 'CAST(n.score_text AS INT64)' },
          ],
        },
      ],
      rels: [
        {
          kind: 'rel',
          name: 'depends_on',
          connections: [{ from: 'Requirement', to: 'Requirement' }],
          multiplicity: 'MANY_MANY',
          storageDirection: 'both',
          comment: '',
          properties: [{ name: 'weight', type: 'DOUBLE', default: null }],
        },
      ],
    };
    expect(c.schema).toEqual(expected);
  });

  it.each([
    ['0', '0'],
    ['1.5', '1.5'],
    ['1.0', '1.0'],
    ['-3', '-3'],
    ['1e3', '1000'],
    ['0x1F', '31'],
    ['9007199254740993', '9007199254740993'],
    ['true', 'true'],
    ['false', 'false'],
    ['"\'none\'"', "'none'"],
    ['current_timestamp()', 'current_timestamp()'],
    ['"0"', '0'],
    ['null', null],
  ])('default %s → %j', (yamlText, expr) => {
    const dir = tree({ [K]: config('  nodes:', '    A:', '      primary_key: id', '      properties:', '        id: STRING', `        p: { type: STRING, default: ${yamlText} }`) });
    expect(loadConfig(join(dir, K)).schema.nodes[0].properties[1].default).toBe(expr);
  });

  it('applies an environment and a --database override', () => {
    const file = join(FIXTURES, 'example', DEFAULT_CONFIG_FILE);
    expect(loadConfig(file, { env: 'prod' })).toMatchObject({ environment: 'prod', database: '/srv/graph/prod.kuzu' });
    expect(loadConfig(file, { env: 'prod', database: 'x.kuzu' }).database).toBe(resolve('x.kuzu'));
  });

  it('accepts a folder for its kuzu-migrate.yaml', () => {
    expect(loadConfig(join(FIXTURES, 'example')).version).toBe('v4.1.0');
  });

  it('validates against the JSON Schema with ajv as an editor would', () => {
    const ajv = new Ajv({ allowUnionTypes: true, strictTypes: false });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(() => ajv.compile(require(CONFIG_SCHEMA_PATH))).not.toThrow();
  });
});

describe('loadConfig: schema split across files and globs', () => {
  const file = join(FIXTURES, 'split', DEFAULT_CONFIG_FILE);

  it('merges every file in order, globs sorted', () => {
    const c = loadConfig(file);
    const dir = dirname(file);
    expect(c.schemaFiles).toEqual([
      join(dir, 'schema/nodes.yaml'),
      join(dir, 'schema/rels/knows.yaml'),
      join(dir, 'schema/rels/works_at.yaml'),
    ]);
    expect(c.schema.nodes.map((t) => t.name)).toEqual(['Person', 'Company']);
    expect(c.schema.rels).toEqual([
      {
        kind: 'rel',
        name: 'knows',
        connections: [
          { from: 'Person', to: 'Person' },
          { from: 'Person', to: 'Company' },
        ],
        multiplicity: 'MANY_MANY',
        storageDirection: 'fwd',
        comment: '',
        properties: [],
      },
      {
        kind: 'rel',
        name: 'works_at',
        connections: [{ from: 'Person', to: 'Company' }],
        multiplicity: 'MANY_ONE',
        storageDirection: 'both',
        comment: '',
        properties: [{ name: 'since', type: 'DATE', default: 'current_date()' }],
      },
    ]);
    expect(c.schema.nodes[0].properties[2]).toEqual({ name: 'nickname', type: 'STRING', default: "'none'" });
  });

  it.each<[string | undefined, Partial<ReturnType<typeof loadConfig>>]>([
    [undefined, { database: join(FIXTURES, 'split/graph.kuzu'), backups: join(FIXTURES, 'split/backups'), policy: { allowDestructive: ['Legacy', 'Person.nickname'], backupRetention: 3 } }],
    ['prod', { database: '/srv/prod.kuzu', backups: '/srv/backups', policy: { allowDestructive: false, backupRetention: 3 } }],
    ['dev', { database: join(FIXTURES, 'split/graph.kuzu'), policy: { allowDestructive: true, backupRetention: 1 } }],
  ])('environment %s overrides database, backups and policy key by key', (env, expected) => {
    expect(loadConfig(file, { env })).toMatchObject({ environment: env ?? null, ...expected });
  });
});

interface ErrorCase {
  name: string;
  files: Record<string, string>;
  options?: LoadOptions;
  expected: Expected[];
}

const errorCases: ErrorCase[] = [
  {
    name: 'misspelt key, with did-you-mean and no second "missing" error',
    files: { [K]: config('  nodes:', '    A:', '      primarykey: id', '      properties:', '        id: STRING') },
    expected: [
      {
        at: `${K}:6:7`,
        message: 'unknown key "primarykey" in schema.nodes.A',
        expected: 'one of primary_key, comment, renamed_from, properties, protect, indexes',
        hint: 'did you mean "primary_key"?',
      },
    ],
  },
  {
    name: 'unknown top-level key',
    files: { [K]: lines('version: v1.0.0', 'database: ./db.kuzu', 'databse: ./x', 'schema: { nodes: {} }') },
    expected: [{ at: `${K}:3:1`, message: 'unknown key "databse" in the file', hint: 'did you mean "database"?' }],
  },
  {
    name: 'missing required keys',
    files: { [K]: lines('database: ./db.kuzu', 'schema:', '  nodes:', '    A:', '      properties:', '        id: STRING') },
    expected: [
      { at: `${K}:1:1`, message: 'the file is missing "version"' },
      { at: `${K}:4:5`, message: 'schema.nodes.A is missing "primary_key"' },
    ],
  },
  {
    name: 'multiplicity not in the enum',
    files: { [K]: config(...personNode, '  rels:', '    knows:', '      from: Person', '      to: Person', '      multiplicity: MANY_TO_MANY') },
    expected: [
      {
        at: `${K}:13:21`,
        message: 'invalid multiplicity "MANY_TO_MANY"',
        expected: 'one of MANY_MANY, MANY_ONE, ONE_MANY, ONE_ONE',
        hint: 'did you mean "MANY_MANY"?',
      },
    ],
  },
  {
    name: 'storage_direction not in the enum',
    files: { [K]: config(...personNode, '  rels:', '    knows: { from: Person, to: Person, storage_direction: forward }') },
    expected: [{ at: `${K}:10:59`, message: 'invalid storage_direction "forward"', expected: 'one of both, fwd, bwd' }],
  },
  {
    name: 'wrong kind of value',
    files: { [K]: config('  nodes:', '    A:', '      primary_key: [id]', '      properties:', '        id: STRING') },
    expected: [{ at: `${K}:6:20`, message: 'schema.nodes.A.primary_key must be a string', expected: 'a string' }],
  },
  {
    name: 'an empty property',
    files: { [K]: config(...personNode, '        name:') },
    expected: [{ at: `${K}:9:9`, message: 'schema.nodes.Person.properties.name must be a string or a mapping' }],
  },
  {
    name: 'invalid version name',
    files: { [K]: lines('version: v1.0', 'database: ./db.kuzu', 'schema: { nodes: {} }') },
    expected: [{ at: `${K}:1:10`, message: 'invalid version "v1.0"', expected: 'vMAJOR.MINOR.PATCH, e.g. v1.0.0' }],
  },
  {
    name: 'primary key that is not a property',
    files: { [K]: config('  nodes:', '    A:', '      primary_key: idd', '      properties:', '        id: STRING', '        name: STRING') },
    expected: [{ at: `${K}:6:20`, message: 'primary key "idd" is not a property of node table "A"', expected: 'one of id, name', hint: 'did you mean "id"?' }],
  },
  {
    name: 'primary key of a type that cannot be one',
    files: { [K]: config('  nodes:', '    A:', '      primary_key: id', '      properties:', '        id: DOUBLE') },
    expected: [{ at: `${K}:6:20`, message: /type DOUBLE cannot be the primary key/, expected: 'STRING, an integer type, SERIAL, DATE, a TIMESTAMP type, UUID or BLOB' }],
  },
  {
    name: 'rel endpoints that are not node tables',
    files: {
      [K]: config(
        ...personNode,
        '  rels:',
        '    knows:',
        '      from: Persn',
        '      to: Person',
        '    likes:',
        '      connections:',
        '        - { from: Person, to: knows }',
      ),
    },
    expected: [
      { at: `${K}:11:13`, message: 'rel "knows": "Persn" is not a declared node table', expected: 'one of Person', hint: 'did you mean "Person"?' },
      { at: `${K}:15:31`, message: '"knows" is a rel table; rel "likes" can only connect node tables' },
    ],
  },
  {
    name: 'rel with both from/to and connections, rel with neither, from without to',
    files: {
      [K]: config(
        ...personNode,
        '  rels:',
        '    a:',
        '      from: Person',
        '      to: Person',
        '      connections: [{ from: Person, to: Person }]',
        '    b:',
        '      multiplicity: ONE_ONE',
        '    c:',
        '      from: Person',
      ),
    },
    expected: [
      { at: `${K}:13:7`, message: 'rel table "a" has both from/to and connections' },
      { at: `${K}:14:5`, message: 'rel table "b" connects nothing' },
      { at: `${K}:17:7`, message: 'schema.rels.c has "from" but no "to"' },
    ],
  },
  {
    name: 'types that do not parse, with the column of the problem',
    files: { [K]: config(...personNode, '        title: STIRNG', '        price: { type: "DECIMAL(18, x)" }') },
    expected: [
      { at: `${K}:9:16`, message: /^invalid type "STIRNG" for property "title": /, hint: 'did you mean "STRING"?' },
      { at: `${K}:10:37`, message: /^invalid type "DECIMAL\(18, x\)" for property "price": / },
    ],
  },
  {
    name: 'illegal identifiers',
    files: { [K]: config('  nodes:', '    my-table:', '      primary_key: id', '      properties:', '        id: STRING', '        _km_x: STRING') },
    expected: [
      { at: `${K}:5:5`, message: /^invalid table name: "my-table" is not an identifier/ },
      { at: `${K}:9:9`, message: /^invalid property name in "my-table": "_km_x" starts with _km_/ },
    ],
  },
  {
    name: 'duplicate names, case-insensitively',
    files: { [K]: config(...personNode, '        ID: INT64', '  rels:', '    person: { from: Person, to: Person }') },
    expected: [
      { at: `${K}:9:9`, message: 'property "ID" is declared twice in "Person"', hint: /case-insensitive/ },
      { at: `${K}:11:5`, message: 'table "person" is declared twice', hint: `also declared as "Person" at ${K}:5:5 (Kuzu table names are case-insensitive)` },
    ],
  },
  {
    name: 'renamed_from: illegal, colliding, from itself',
    files: {
      [K]: config(
        '  nodes:',
        '    Person:',
        '      primary_key: id',
        '      renamed_from: "old person"',
        '      properties:',
        '        id: STRING',
        '        state: STRING',
        '        status: { type: STRING, renamed_from: state }',
        '        name: { type: STRING, renamed_from: NAME }',
        '    Org:',
        '      primary_key: id',
        '      renamed_from: Person',
        '      properties: { id: STRING }',
      ),
    },
    expected: [
      { at: `${K}:7:21`, message: /^invalid renamed_from: "old person" is not an identifier/ },
      { at: `${K}:11:47`, message: '"status" is renamed from "state", but "state" is also declared in "Person"' },
      { at: `${K}:12:45`, message: 'property "name" is renamed from itself' },
      { at: `${K}:15:21`, message: `"Org" is renamed from "Person", but "Person" is also declared (${K}:5:5)` },
    ],
  },
  {
    name: '`using` and `default` belong on properties',
    files: { [K]: config('  nodes:', '    A:', '      primary_key: id', '      using: x', '      properties:', '        id: { type: SERIAL, default: 1 }') },
    expected: [
      { at: `${K}:7:7`, message: 'unknown key "using" in schema.nodes.A', hint: /only allowed on a property/ },
      { at: `${K}:9:29`, message: 'SERIAL property "id" cannot have a default' },
    ],
  },
  {
    name: 'empty default and non-finite default',
    files: { [K]: config(...personNode, '        a: { type: STRING, default: "" }', '        b: { type: DOUBLE, default: .inf }') },
    expected: [
      { at: `${K}:9:37`, message: 'default is an empty expression', hint: `for an empty string write default: "''"` },
      { at: `${K}:10:37`, message: 'schema.nodes.Person.properties.b.default must be a string, a number or true/false' },
    ],
  },
  {
    name: 'default, using and checks that are not one expression / one read-only query point at the offending token',
    files: {
      [K]: config(
        ...personNode,
        `        a: { type: INT64, default: "0 ; COPY (RETURN 1) TO '/tmp/x'" }`,
        `        b: { type: STRING, using: "n.id SET n.id = 'x'" }`,
        `        c: { type: STRING, default: "'a;b'" }`,
        'checks:',
        '  - { name: evil, query: "MATCH (t:Person) DETACH DELETE t RETURN true" }',
      ),
    },
    expected: [
      { at: `${K}:9:39`, message: 'default contains a statement separator ";"', hint: /exactly one expression/ },
      { at: `${K}:10:41`, message: 'using contains SET (a write clause)' },
      { at: `${K}:13:44`, message: 'check "evil": check contains DETACH (DETACH DELETE writes; DETACH detaches a database)' },
    ],
  },
  {
    name: 'check names unique; policy entries',
    files: {
      [K]: config(
        '  nodes: {}',
        'checks:',
        '  - { name: c, query: RETURN true }',
        '  - { name: c, query: RETURN true }',
        'policy:',
        '  allow_destructive: [A.b.c, "1x"]',
        '  backup_retention: -1',
      ),
    },
    expected: [
      { at: `${K}:7:13`, message: 'check "c" is declared twice' },
      { at: `${K}:9:23`, message: /^invalid value "A.b.c"/, expected: 'a table name or Table.property' },
      { at: `${K}:9:30`, message: /^invalid allow_destructive entry "1x"/ },
      { at: `${K}:10:21`, message: 'policy.backup_retention must be at least 0' },
    ],
  },
  {
    name: 'unknown environment',
    files: { [K]: lines(...head, '  nodes: {}', 'environments:', '  prod: { database: /x }', '  dev: {}') },
    options: { env: 'prd' },
    expected: [{ at: `${K}:5:1`, message: 'environment "prd" is not defined', expected: 'one of prod, dev', hint: 'did you mean "prod"?' }],
  },
  {
    name: 'environment asked for, none declared',
    files: { [K]: lines(...head, '  nodes: {}') },
    options: { env: 'prod' },
    expected: [{ at: `${K}:1:1`, message: 'environment "prod" is not defined', expected: 'an entry under environments:' }],
  },
  {
    name: 'YAML syntax errors',
    files: { [K]: lines('version: v1.0.0', 'database: ./db.kuzu', 'database: ./other.kuzu', 'schema: { nodes: {}') },
    expected: [
      { at: `${K}:3:1`, message: /^YAML syntax error: Map keys must be unique/ },
      { at: `${K}:5:1`, message: /^YAML syntax error: / },
    ],
  },
  {
    name: 'missing schema file and glob matching nothing',
    files: { [K]: lines(...head, '  - ./schema/nodes.yaml', '  - ./schema/rels/*.yaml', '  - ./dir'), 'dir/x.txt': '' },
    expected: [
      { at: `${K}:4:5`, message: 'schema file "./schema/nodes.yaml" not found' },
      { at: `${K}:5:5`, message: 'no schema file matches "./schema/rels/*.yaml"' },
      { at: `${K}:6:5`, message: 'schema path "./dir" is a folder', hint: 'use a glob such as ./dir/*.yaml' },
    ],
  },
  {
    name: 'problems inside referenced schema files point into them',
    files: {
      [K]: lines('version: v1.0.0', 'database: ./db.kuzu', 'schema: ./schema/*.yaml'),
      'schema/a.yaml': lines('nodes:', '  Person:', '    primary_key: id', '    properties:', '      id: STRING'),
      'schema/b.yaml': lines('nodes:', '  PERSON:', '    primary_key: id', '    properties: { id: STRING }', 'rels:', '  knows: { from: Person, to: Nobody }', 'tables: {}'),
      'schema/c.yaml': lines('nodes:', '  X: {primary_key: id, properties: {id: STRING}'),
    },
    expected: [
      { at: 'schema/b.yaml:2:3', message: 'table "PERSON" is declared twice', hint: 'also declared as "Person" at schema/a.yaml:2:3 (Kuzu table names are case-insensitive)' },
      { at: 'schema/b.yaml:6:30', message: 'rel "knows": "Nobody" is not a declared node table' },
      { at: 'schema/b.yaml:7:1', message: 'unknown key "tables" in the file', expected: 'one of nodes, rels, sequences, macros' },
      { at: 'schema/c.yaml:3:1', message: /^YAML syntax error/ },
    ],
  },
];

describe('validateConfig: every problem, with file:line:column', () => {
  it.each(errorCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const dir = tree(c.files);
    const { config, diagnostics } = validateConfig(join(dir, K), c.options);
    expect(config).toBeNull();
    // "also declared at" names the other file as displayed (absolute here); compare relative to the case.
    const rel = (s?: string) => s?.split(dir + '/').join('');
    check(dir, diagnostics.map((d) => ({ ...d, message: rel(d.message)!, hint: rel(d.hint) })), c.expected);
  });

  it('reports a missing file with a hint, and loadConfig throws UsageError', () => {
    const missing = join(tmp, 'nowhere', K);
    const { diagnostics } = validateConfig(missing);
    expect(diagnostics).toEqual([{ file: missing, line: 1, column: 1, message: 'configuration file not found', hint: expect.stringContaining('kuzu-migrate init') }]);
    expect(() => loadConfig(missing)).toThrow(UsageError);
  });

  it('loadConfig throws one ConfigError carrying every diagnostic', () => {
    const dir = tree({ [K]: config('  nodes:', '    A:', '      primarykey: id', '      properties:', '        id: STIRNG') });
    let err: unknown;
    try {
      loadConfig(join(dir, K));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).exitCode).toBe(65);
    expect((err as ConfigError).diagnostics).toHaveLength(2);
    expect((err as ConfigError).message).toMatch(/2 problems in the configuration/);
  });
});

describe('isValidVersionName', () => {
  it.each([
    ['v1.0.0', true],
    ['v10.20.30', true],
    ['1.0.0', false],
    ['v1.0', false],
    ['v1.0.0-rc1', false],
    ['v1.0.0/../../x', false],
    ['../v1.0.0', false],
    ['v1.0.0\n', false],
  ])('%j → %s', (v, ok) => expect(isValidVersionName(v)).toBe(ok));
});

describe('schemaToYaml', () => {
  const everything: Schema = {
    nodes: [
      {
        kind: 'node',
        name: 'Everything',
        primaryKey: 'id',
        comment: 'It\'s "all" here:\nsecond line, with a # and a : colon',
        properties: [
          { name: 'id', type: 'SERIAL', default: null },
          { name: 'i8', type: 'INT8', default: '0' },
          { name: 'i128', type: 'INT128', default: '-170141183460469231731687303715884105728' },
          { name: 'u64', type: 'UINT64', default: null },
          { name: 'f', type: 'FLOAT', default: '1.5' },
          { name: 'd', type: 'DOUBLE', default: null },
          { name: 'dec', type: 'DECIMAL(18, 4)', default: null },
          { name: 'b', type: 'BOOL', default: 'true' },
          { name: 's', type: 'STRING', default: "'x\\'y'" },
          { name: 'empty', type: 'STRING', default: "''" },
          { name: 'numeric_text', type: 'STRING', default: "'0'" },
          { name: 'blob', type: 'BLOB', default: null },
          { name: 'uuid', type: 'UUID', default: 'gen_random_uuid()' },
          { name: 'date', type: 'DATE', default: null },
          { name: 'ts', type: 'TIMESTAMP', default: 'current_timestamp()' },
          { name: 'ts_ns', type: 'TIMESTAMP_NS', default: null },
          { name: 'ts_tz', type: 'TIMESTAMP_TZ', default: null },
          { name: 'iv', type: 'INTERVAL', default: null },
          { name: 'j', type: 'json', default: null },
          { name: 'list', type: 'STRING[]', default: null },
          { name: 'lists', type: 'INT64[][]', default: null },
          { name: 'arr', type: 'FLOAT[3]', default: null },
          { name: 'st', type: 'STRUCT(a INT64, b STRUCT(c STRING, d DOUBLE[]))', default: null },
          { name: 'm', type: 'MAP(STRING, INT64[])', default: null },
          { name: 'u', type: 'UNION(num INT64, str STRING)', default: null },
          { name: 'e', type: 'INT64', default: '1 + 2' },
          { name: 'one', type: 'DOUBLE', default: '1.0' },
          { name: 'neg', type: 'DOUBLE', default: '-2.50' },
          { name: 'huge', type: 'UINT64', default: '18446744073709551615' },
          { name: 'yes', type: 'STRING', default: 'null' },
        ],
      },
      { kind: 'node', name: 'Other', primaryKey: 'key', comment: '', properties: [{ name: 'key', type: 'STRING', default: null }] },
    ],
    rels: [
      {
        kind: 'rel',
        name: 'links',
        connections: [
          { from: 'Everything', to: 'Other' },
          { from: 'Other', to: 'Everything' },
          { from: 'Other', to: 'Other' },
        ],
        multiplicity: 'MANY_ONE',
        storageDirection: 'fwd',
        comment: 'several pairs',
        properties: [{ name: 'w', type: 'DOUBLE', default: '0.25' }],
      },
      {
        kind: 'rel',
        name: 'self',
        connections: [{ from: 'Other', to: 'Other' }],
        multiplicity: 'MANY_MANY',
        storageDirection: 'both',
        comment: '',
        properties: [],
      },
    ],
  };

  it('writes YAML that loads back to an equal schema', () => {
    const text = schemaToYaml(everything, { version: 'v0.1.0', database: './graph.kuzu', migrations: './migrations', backups: './backups' });
    const dir = tree({ [K]: text });
    const { config, diagnostics } = validateConfig(join(dir, K));
    expect(diagnostics).toEqual([]);
    expect(config?.schema).toEqual(everything);
    expect(config).toMatchObject({ version: 'v0.1.0', database: join(dir, 'graph.kuzu') });
  });

  it('is readable: shorthand, one-line mappings, multiplicity always, storage_direction only when not both', () => {
    const text = schemaToYaml(everything, { version: 'v0.1.0', database: './graph.kuzu' });
    expect(text).toMatch(/^# yaml-language-server: \$schema=/);
    expect(text).toContain('      id: SERIAL\n');
    expect(text).toContain('      i8: { type: INT8, default: 0 }\n');
    expect(text).toContain('      one: { type: DOUBLE, default: 1.0 }\n');
    expect(text).toContain('      ts: { type: TIMESTAMP, default: current_timestamp() }\n');
    expect(text).toContain('      from: Other\n      to: Other\n      multiplicity: MANY_MANY\n');
    expect(text).toContain('      storage_direction: fwd\n');
    expect(text.match(/storage_direction/g)).toHaveLength(1);
    expect(text).not.toContain('migrations:');
  });
});

/**
 * Indexes, sequences and macros in the pure core: the diff's new change kinds (table-driven), the
 * steps and private-copy decision they lead to, the parsers of what Kuzu prints, and the YAML
 * round trip (init's writer → the loader).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diffSchemas } from '../../src/core/diff';
import { Index, INDEX_DEFAULTS, Macro, Schema, Sequence, schemaFingerprint } from '../../src/core/model';
import { buildPlan } from '../../src/core/plan';
import { describeChange, renderText } from '../../src/core/render';
import { loadConfig, validateConfig, schemaToYaml } from '../../src/config/config';
import { parseIndexDefinition, parseMacros } from '../../src/kuzu/introspect';
import { tempDir } from '../helpers/db';

const doc = (): Schema => ({
  nodes: [
    {
      kind: 'node',
      name: 'Doc',
      primaryKey: 'id',
      comment: '',
      properties: [
        { name: 'id', type: 'INT64', default: null },
        { name: 'body', type: 'STRING', default: null },
        { name: 'emb', type: 'FLOAT[3]', default: null },
        { name: 'k', type: 'INT32', default: null },
      ],
    },
  ],
  rels: [],
});
const fts = (o: Record<string, string | number> = {}): Index => ({ name: 'doc_fts', table: 'Doc', type: 'fts', properties: ['body'], options: { ...INDEX_DEFAULTS.fts, ...o } });
const vec = (o: Record<string, string | number> = {}): Index => ({ name: 'doc_vec', table: 'Doc', type: 'vector', properties: ['emb'], options: { ...INDEX_DEFAULTS.vector, ...o } });
const seq = (o: Partial<Sequence> = {}): Sequence => ({ name: 'order_no', start: '100', increment: '1', min: '1', max: '9223372036854775807', cycle: false, ...o });
const mac = (o: Partial<Macro> = {}): Macro => ({ name: 'addOne', parameters: ['x'], body: 'x + 1', ...o });
const with_ = (x: Partial<Schema>, base = doc()): Schema => ({ ...base, ...x });

describe('diff of indexes, sequences and macros', () => {
  const cases: Array<[string, Partial<Schema>, Partial<Schema>, string[]]> = [
    ['equal everything', { indexes: [fts(), vec()], sequences: [seq({ position: '101' })], macros: [mac({ name: 'ADDONE' })] }, { indexes: [fts(), vec()], sequences: [seq()], macros: [mac()] }, []],
    ['index added', {}, { indexes: [fts()] }, ['create_index']],
    ['index dropped', { indexes: [fts(), vec()] }, { indexes: [vec()] }, ['drop_index']],
    ['index options changed', { indexes: [vec()] }, { indexes: [vec({ efc: 24 })] }, ['alter_index']],
    ['options equal by value (0.050000 = 0.05)', { indexes: [vec({ pu: Number('0.050000') })] }, { indexes: [vec()] }, []],
    ['index properties changed', { indexes: [fts()] }, { indexes: [{ ...fts(), properties: ['body', 'k'] }] }, ['alter_index']],
    ['index names are case-insensitive', { indexes: [{ ...fts(), name: 'DOC_FTS' }] }, { indexes: [fts()] }, []],
    ['sequence added', {}, { sequences: [seq()] }, ['create_sequence']],
    ['sequence dropped', { sequences: [seq()] }, {}, ['drop_sequence']],
    ['sequence increment changed', { sequences: [seq()] }, { sequences: [seq({ increment: '2' })] }, ['alter_sequence']],
    ['unused sequence: start compared', { sequences: [seq({ position: null })] }, { sequences: [seq({ start: '5' })] }, ['alter_sequence']],
    ['used sequence: start is history', { sequences: [seq({ start: '101', position: '101' })] }, { sequences: [seq()] }, []],
    ['macro added', {}, { macros: [mac()] }, ['create_macro']],
    ['macro dropped', { macros: [mac()] }, {}, ['drop_macro']],
    ['macro body changed', { macros: [mac({ name: 'ADDONE' })] }, { macros: [mac({ body: 'x + 2' })] }, ['replace_macro']],
    ['macro re-printed by Kuzu is the same', { macros: [mac({ name: 'M', body: 'x * 2', parameters: ['x', 'y:=2'] })] }, { macros: [mac({ name: 'm', body: 'x*2', parameters: ['x', 'y := 2'] })] }, []],
  ];
  it.each(cases)('%s', (_name, live, desired, kinds) => {
    const changes = diffSchemas(with_(live), with_(desired)).changes;
    expect(changes.map((c) => c.kind)).toEqual(kinds);
    for (const c of changes) expect(describeChange(c)).not.toMatch(/undefined/);
    // Equal schemas have equal fingerprints (the post-verify and stale-plan checks rely on it).
    if (kinds.length === 0) expect(schemaFingerprint(with_(live))).toBe(schemaFingerprint(with_(desired)));
  });

  it('a table renamed keeps its indexes (matched through renamed_from)', () => {
    const desired = doc();
    desired.nodes[0] = { ...desired.nodes[0], name: 'Paper', renamedFrom: 'Doc' };
    const changes = diffSchemas(with_({ indexes: [fts()] }), { ...desired, indexes: [{ ...fts(), table: 'Paper' }] }).changes;
    expect(changes.map((c) => c.kind)).toEqual(['rename_table']);
  });

  it('a drop of a used sequence is destructive and says what is lost', () => {
    const [c] = diffSchemas(with_({ sequences: [seq({ position: '101' })] }), doc()).changes;
    expect(c.destructive).toBe(true);
    expect(c.reason).toContain('last value 101');
  });
});

describe('steps and the private copy', () => {
  const plan = (live: Partial<Schema>, desired: Schema) => {
    const l = with_(live);
    const d = desired;
    const { changes, warnings } = diffSchemas(l, d);
    return buildPlan({ live: l, desired: d, changes, warnings, databaseExists: true, meta: { toolVersion: 't', kuzuVersion: '0.11.3', version: 'v1.0.0', environment: null, database: 'db' } });
  };

  it('a retype of an indexed table drops the indexes before the transaction and builds them after it, on a byte copy', () => {
    const desired = with_({ indexes: [fts(), vec()] });
    desired.nodes[0].properties[3].type = 'INT64';
    const p = plan({ indexes: [fts(), vec()] }, desired);
    expect(p.rebuilt_tables).toEqual(['Doc']);
    expect(p.steps.map((s) => s.phase)).toEqual(['drop_indexes', 'drop_indexes', 'rebuild', 'rebuild', 'rebuild', 'rebuild', 'create_indexes', 'create_indexes']);
    expect(p.steps[0].statement).toMatch(/^CALL DROP_(FTS|VECTOR)_INDEX\('Doc', 'doc_/);
    expect(p.steps[7].statement).toMatch(/^CALL CREATE_(FTS|VECTOR)_INDEX\('Doc'/);
    expect(p.private_copy).toEqual(expect.objectContaining({ method: 'copy', omit_macros: [] }));
    expect(renderText(p)).toContain('Runs on a private copy (copy)');
  });

  it('FTS options changed: dropped, then built with every option spelt out; no table is rebuilt', () => {
    const p = plan({ indexes: [fts()] }, with_({ indexes: [fts({ stemmer: 'porter' })] }));
    expect(p.rebuilt_tables).toEqual([]);
    expect(p.steps.map((s) => s.statement)).toEqual([
      "CALL DROP_FTS_INDEX('Doc', 'doc_fts')",
      `CALL CREATE_FTS_INDEX('Doc', 'doc_fts', ['body'], stemmer := 'porter', stopWords := 'default', ignore_pattern := '[0-9!@#$%^&*()_+={}\\\\[\\\\]:;<>,.?~\\\\/\\\\|\\'"\`-]+')`,
    ]);
  });

  it('a vector index changed or dropped takes its table with it (DROP_VECTOR_INDEX leaves debris in 0.11.3)', () => {
    for (const desired of [with_({ indexes: [vec({ efc: 24, metric: 'l2' })] }), doc()]) {
      const p = plan({ indexes: [vec()] }, desired);
      expect(p.rebuilt_tables).toEqual(['Doc']);
      expect(p.steps[0].statement).toBe("CALL DROP_VECTOR_INDEX('Doc', 'doc_vec')");
      expect(p.steps.some((s) => s.statement === 'DROP TABLE `Doc`')).toBe(true);
      expect(p.changes[0].reason).toContain('cannot drop a vector index cleanly');
    }
    const p = plan({ indexes: [vec()] }, with_({ indexes: [vec({ efc: 24, metric: 'l2' })] }));
    expect(p.steps[p.steps.length - 1].statement).toBe("CALL CREATE_VECTOR_INDEX('Doc', 'doc_vec', 'emb', mu := 30, ml := 60, pu := 0.05, metric := 'l2', alpha := 1.1, efc := 24)");
  });

  it('a dropped macro needs the export strategy and is left out of the fresh database; a new one is created in the transaction', () => {
    const p = plan({ macros: [mac({ name: 'OLD' })] }, with_({ macros: [mac()] }));
    expect(p.private_copy).toEqual(expect.objectContaining({ method: 'export', omit_macros: ['OLD'] }));
    expect(p.steps.map((s) => s.statement)).toEqual(['CREATE MACRO `addOne`(`x`) AS x + 1']);
  });

  it('sequences need no private copy; a changed one is recreated at its position', () => {
    const p = plan({ sequences: [seq({ position: '101' })] }, with_({ sequences: [seq({ increment: '5' })] }));
    expect(p.private_copy).toBeNull();
    expect(p.steps.map((s) => s.statement)).toEqual(['DROP SEQUENCE `order_no`', 'CREATE SEQUENCE `order_no` START {position} INCREMENT 5 MINVALUE 1 MAXVALUE 9223372036854775807 NO CYCLE']);
    expect(p.steps[1].restore_sequence).toEqual({ sequence: 'order_no', start: '100' });
  });
});

describe('what Kuzu prints', () => {
  it('parses SHOW_INDEXES index_definition with every option', () => {
    const v = parseIndexDefinition("CALL CREATE_VECTOR_INDEX('Doc', 'doc_vec', 'emb', mu := 30, ml := 60, pu := 0.050000, metric := 'cosine', alpha := 1.100000, efc := 200);", 'Doc', 'doc_vec', 'HNSW')!;
    expect(v).toEqual({ ...vec(), options: { mu: 30, ml: 60, pu: 0.05, metric: 'cosine', alpha: 1.1, efc: 200 } });
    const f = parseIndexDefinition("CALL CREATE_FTS_INDEX('Doc', 'doc_fts', ['body', 'k'], stemmer := 'porter', stopWords := 'default');", 'Doc', 'doc_fts', 'FTS')!;
    expect(f.properties).toEqual(['body', 'k']);
    expect(f.options.stemmer).toBe('porter');
  });

  it('reads user macros and FTS tokenizer macros apart', () => {
    const text = [
      'CREATE MACRO `ADDONE` (x) AS x + 1;',
      "CREATE MACRO `0_DOC_FTS_TOKENIZE` (query) AS string_split(lower(regexp_replace(\n    CAST(query as STRING),\n    '[0-9]+',\n    ' ',\n    'g')), ' ');",
      'CREATE MACRO `ADDTWO` (x,y:=2) AS x + y;',
      'CREATE MACRO OLDSTYLE (x) AS x * 2;', // Kuzu 0.9/0.10 do not quote the name
    ].join('\n');
    expect(parseMacros(text, false)).toEqual([
      { name: 'ADDONE', parameters: ['x'], body: 'x + 1' },
      { name: 'ADDTWO', parameters: ['x', 'y:=2'], body: 'x + y' },
      { name: 'OLDSTYLE', parameters: ['x'], body: 'x * 2' },
    ]);
    expect(parseMacros(text, true).map((m) => m.name)).toEqual(['0_DOC_FTS_TOKENIZE']);
  });
});

describe('YAML', () => {
  it('init writes what the loader reads back to an equal schema', () => {
    const schema = with_({ indexes: [fts({ stemmer: 'porter' }), vec({ efc: 16, metric: 'l2' })], sequences: [seq(), seq({ name: 'down', start: '-1', increment: '-1', min: '-9223372036854775808', max: '-1', cycle: true })], macros: [mac({ name: 'ADDONE' })] });
    const dir = tempDir('km-objects-yaml-');
    const file = path.join(dir, 'kuzu-migrate.yaml');
    fs.writeFileSync(file, schemaToYaml(schema, { version: 'v1.0.0', database: './db.kuzu' }));
    const loaded = loadConfig(file).schema;
    expect(diffSchemas(schema, loaded).changes).toEqual([]);
    expect(loaded.sequences![1]).toEqual(expect.objectContaining({ start: '-1', increment: '-1', max: '-1', cycle: true }));
  });

  it('validate reports bad declarations with file:line:column', () => {
    const dir = tempDir('km-objects-yaml-');
    const file = path.join(dir, 'kuzu-migrate.yaml');
    fs.writeFileSync(
      file,
      [
        'version: v1.0.0',
        'database: ./db.kuzu',
        'schema:',
        '  nodes:',
        '    Doc:',
        '      primary_key: id',
        '      properties: { id: INT64, body: STRING, k: INT32 }',
        '      indexes:',
        '        a: { type: fts, properties: [nope] }',
        '        b: { type: vector, property: k }',
        '        c: { type: fts, properties: [body], efc: 3 }',
        '  sequences:',
        '    s: { increment: 0 }',
        '  macros:',
        "    m: { parameters: [x], body: 'CASE WHEN x > 1 THEN 1 ELSE 0 END' }",
        '',
      ].join('\n'),
    );
    const { diagnostics } = validateConfig(file);
    const at = (line: number) => diagnostics.filter((d) => d.line === line).map((d) => d.message);
    expect(at(9)).toEqual([expect.stringContaining('"nope" is not a property of "Doc"')]);
    expect(at(10)).toEqual([expect.stringContaining('needs a FLOAT[n] or DOUBLE[n] property')]);
    expect(at(11)).toEqual([expect.stringContaining('"efc" is not an option of a fts index')]);
    expect(at(13)).toEqual([expect.stringContaining('increment 0')]);
    expect(at(15)).toEqual([expect.stringContaining('CASE')]);
  });
});

/**
 * The pure lint analyzer, table-driven per finding family: {live, desired, facts, settings} →
 * findings. Plus protection, unmanaged patterns, the size-aware policy, the cost model and the
 * YAML's lint/protect/unmanaged keys.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diffSchemas } from '../../src/core/diff';
import { buildPlan, PlanDocument } from '../../src/core/plan';
import { NodeTable, Property, RelTable, Schema } from '../../src/core/model';
import { analyzePlan, LintContext, LintFacts } from '../../src/core/lint/analyze';
import { estimateRebuild, REBUILD_ROWS_PER_SECOND } from '../../src/core/lint/cost';
import { destructiveAllowed, matchesPattern, protectionViolations, withoutUnmanaged } from '../../src/core/lint/protection';
import { LINT_RULES } from '../../src/core/lint/codes';
import { locateDeclaration, validateConfig } from '../../src/config/config';
import { tempDir } from '../helpers/db';

const prop = (name: string, type: string, extra: Partial<Property> = {}): Property => ({ name, type, default: null, ...extra });
const node = (name: string, props: Property[], extra: Partial<NodeTable> = {}): NodeTable => ({ kind: 'node', name, primaryKey: props[0].name, properties: props, comment: '', ...extra });
const rel = (name: string, from: string, to: string, extra: Partial<RelTable> = {}): RelTable => ({
  kind: 'rel', name, connections: [{ from, to }], multiplicity: 'MANY_MANY', storageDirection: 'both', properties: [], comment: '', ...extra,
});

/** Live: Person(id, name, age STRING) and City(name), knows Person→Person and lives_in Person→City. */
function live(): Schema {
  return {
    nodes: [node('Person', [prop('id', 'INT64'), prop('name', 'STRING'), prop('age', 'STRING')]), node('City', [prop('name', 'STRING')])],
    rels: [rel('knows', 'Person', 'Person'), rel('lives_in', 'Person', 'City', { connections: [{ from: 'Person', to: 'City' }, { from: 'City', to: 'City' }] })],
  };
}

function planOf(desired: Schema, rows: Record<string, number> = {}): PlanDocument {
  const l = live();
  const { changes, warnings } = diffSchemas(l, desired);
  // What annotateRowCounts would count, keyed by kind and table for the test.
  for (const c of changes) if (c.destructive) c.rows_affected = rows[`${c.kind}:${c.table}${c.property ? '.' + c.property : ''}`] ?? rows[c.table];
  return buildPlan({ live: l, desired, changes, warnings, databaseExists: true, meta: { toolVersion: 't', kuzuVersion: '0.11.3', version: 'v1.0.0', environment: null, database: 'db' } });
}

const facts = (f: Partial<LintFacts> = {}): LintFacts => ({
  tableRows: {}, totalRows: 0, castFailures: {}, multiplicityViolations: {}, databaseBytes: 0, freeBytes: null, managed: true, ...f,
});

function edit(fn: (s: Schema) => void): Schema {
  const s = live();
  fn(s);
  return s;
}
const person = (s: Schema) => s.nodes.find((t) => t.name === 'Person')!;
const livesIn = (s: Schema) => s.rels.find((t) => t.name === 'lives_in')!;

type Case = [name: string, desired: Schema, ctx: LintContext, expected: Array<[code: string, severity: string, text?: RegExp]>, rows?: Record<string, number>];

/** Findings other than rebuild cost (which has its own tests) as [code, severity, message]. */
function codes(desired: Schema, ctx: LintContext, rows?: Record<string, number>): Array<[string, string, string]> {
  return analyzePlan(planOf(desired, rows), ctx).findings.filter((f) => f.family !== 'cost').map((f) => [f.code, f.severity, f.message]);
}

function check([, desired, ctx, expected, rows]: Case): void {
  const got = codes(desired, ctx, rows);
  expect(got.map(([c, s]) => `${c}:${s}`).sort()).toEqual(expected.map(([c, s]) => `${c}:${s}`).sort());
  for (const [c, , re] of expected) if (re) expect(got.filter((g) => g[0] === c).map((g) => g[2]).join('\n')).toMatch(re);
}

describe('destructive family', () => {
  const cases: Case[] = [
    ['drop node table (and the rels attached)', edit((s) => { s.nodes = s.nodes.filter((t) => t.name !== 'City'); livesIn(s).connections = [{ from: 'Person', to: 'Person' }]; }), {}, [
      ['KM101', 'error', /drop node table City deletes its nodes and every relationship attached to them: 7 nodes/],
      ['KM103', 'error'], ['KM103', 'error'],
    ], { City: 7 }],
    ['drop rel table', edit((s) => { s.rels = s.rels.filter((t) => t.name !== 'knows'); }), {}, [['KM101', 'error', /drop rel table knows deletes its relationships: 3 relationships/]], { knows: 3 }],
    ['drop property', edit((s) => { person(s).properties = person(s).properties.filter((p) => p.name !== 'name'); }), {}, [['KM102', 'error', /Person\.name deletes its values: 5 non-NULL values/]], { 'drop_property:Person.name': 5 }],
    ['drop a FROM→TO pair says its edges go', edit((s) => { livesIn(s).connections = [{ from: 'Person', to: 'City' }]; }), {}, [['KM103', 'error', /City → City of lives_in: Kuzu deletes every relationship of that pair: 4 relationships/]], { lives_in: 4 }],
    ['narrowing cast (and compat, and uncounted may-fail)', edit((s) => { person(s).properties[2] = prop('age', 'INT32'); }), {}, [['KM104', 'error', /checked cast/], ['KM403', 'warning'], ['KM201', 'warning', /not counted/]]],
    ['widening cast: compat only', edit((s) => { person(s).properties[0] = prop('id', 'INT128'); }), {}, [['KM403', 'warning', /INT64 → INT128/]]],
    ['primary-key change', edit((s) => { person(s).primaryKey = 'name'; }), {}, [['KM105', 'error', /primary key of Person changes id → name/]]],
    ['multiplicity narrowing', edit((s) => { livesIn(s).multiplicity = 'MANY_ONE'; }), {}, [['KM106', 'error', /MANY_MANY → MANY_ONE/]]],
    ['multiplicity widening is not destructive', edit((s) => { livesIn(s).multiplicity = 'MANY_MANY'; s.rels[0].multiplicity = 'MANY_MANY'; }), {}, []],
    ['allowed by name: still shown, as a warning that says why', edit((s) => { person(s).properties.pop(); }), { policy: { allowDestructive: ['Person.age'] } }, [['KM102', 'warning', /allowed by policy/]]],
    ['allowed by size: fewer rows than the threshold', edit((s) => { person(s).properties.pop(); }), { policy: { allowDestructive: false, allowDestructiveBelowRows: 10 } }, [['KM102', 'warning', /fewer than 10 rows/]], { Person: 9 }],
    ['not allowed at the threshold', edit((s) => { person(s).properties.pop(); }), { policy: { allowDestructive: false, allowDestructiveBelowRows: 10 } }, [['KM102', 'error']], { Person: 10 }],
    ['not allowed by size when uncounted', edit((s) => { person(s).properties.pop(); }), { policy: { allowDestructive: false, allowDestructiveBelowRows: 10 } }, [['KM102', 'error']]],
    ['severity configured per code', edit((s) => { person(s).properties.pop(); }), { settings: { severity: { KM102: 'notice' }, naming: {} } }, [['KM102', 'notice']]],
    ['off hides it', edit((s) => { person(s).properties.pop(); }), { settings: { severity: { KM102: 'off' }, naming: {} } }, []],
  ];
  it.each(cases)('%s', (...c) => check(c));
});

describe('data-dependent family', () => {
  const retype = edit((s) => { person(s).properties[2] = prop('age', 'INT32'); });
  const cases: Case[] = [
    ['cast failures counted', retype, { facts: facts({ castFailures: { 'person.age': 5 } }) }, [['KM104', 'error'], ['KM403', 'warning'], ['KM201', 'error', /^5 values of Person\.age cannot be converted from STRING to INT32/]]],
    ['no failing value: no KM201', retype, { facts: facts({ castFailures: { 'person.age': 0 } }) }, [['KM104', 'error'], ['KM403', 'warning']]],
    ['using: no cast, no KM201', edit((s) => { person(s).properties[2] = prop('age', 'INT32', { using: 'size(n.age)' }); }), {}, [['KM104', 'error'], ['KM403', 'warning']]],
    ['non-constant default over existing rows', edit((s) => { person(s).properties.push(prop('seen', 'TIMESTAMP', { default: 'current_timestamp()' })); }), { facts: facts({ tableRows: { person: 12 } }) }, [['KM202', 'warning', /12 existing rows get it evaluated at apply time/]]],
    ['non-constant default on an empty table: nothing', edit((s) => { person(s).properties.push(prop('seen', 'TIMESTAMP', { default: 'current_timestamp()' })); }), { facts: facts({ tableRows: { person: 0 } }) }, []],
    ['constant default: nothing', edit((s) => { person(s).properties.push(prop('seen', 'INT64', { default: '7' })); }), {}, []],
    ['narrower multiplicity violated by existing edges', edit((s) => { livesIn(s).multiplicity = 'ONE_ONE'; }), { facts: facts({ multiplicityViolations: { lives_in: 2 } }) }, [['KM106', 'error'], ['KM203', 'error', /2 nodes of lives_in already have more relationships than ONE_ONE allows/]]],
  ];
  it.each(cases)('%s', (...c) => check(c));
});

describe('dropping an index, a sequence or a macro (KM107, KM108, KM109)', () => {
  const withObjects = (): Schema => ({
    ...live(),
    indexes: [{ name: 'person_fts', table: 'Person', type: 'fts', properties: ['name'], options: { stemmer: 'english', stopWords: 'default' } }],
    sequences: [{ name: 'order_no', start: '100', increment: '1', min: '1', max: '9223372036854775807', cycle: false, position: '101' }],
    macros: [{ name: 'ADDONE', parameters: ['x'], body: 'x + 1' }],
  });
  const drops = (ctx: LintContext) => {
    const l = withObjects();
    const { changes, warnings } = diffSchemas(l, live());
    const plan = buildPlan({ live: l, desired: live(), changes, warnings, databaseExists: true, meta: { toolVersion: 't', kuzuVersion: '0.11.3', version: 'v1.0.0', environment: null, database: 'db' } });
    return analyzePlan(plan, ctx).findings.filter((f) => f.family === 'destructive').map((f) => [f.code, f.severity, f.message]);
  };
  it('each drop is an error naming what breaks', () => {
    expect(drops({}).sort()).toEqual([
      ['KM107', 'error', 'drop index person_fts on Person: queries calling QUERY_FTS_INDEX / QUERY_VECTOR_INDEX on it fail until it is built again'],
      ['KM108', 'error', "drop sequence order_no: its position is lost and defaults calling nextval('order_no') stop working"],
      ['KM109', 'error', 'drop macro ADDONE: queries calling it fail'],
    ]);
  });
  it('a warning once the policy accepts it (by table, sequence or macro name)', () => {
    const got = drops({ policy: { allowDestructive: ['Person', 'order_no'], allowDestructiveBelowRows: null } });
    expect(got.map(([c, sev]) => `${c}:${sev}`).sort()).toEqual(['KM107:warning', 'KM108:warning', 'KM109:error']);
    expect(got.find((g) => g[0] === 'KM107')![2]).toMatch(/\(allowed by policy/);
  });
  it('severity is configurable per code', () => {
    expect(drops({ settings: { severity: { KM109: 'off', KM107: 'notice' }, naming: {} } }).map(([c, sev]) => `${c}:${sev}`).sort()).toEqual(['KM107:notice', 'KM108:error']);
  });
});

describe('rebuild cost family', () => {
  const retype = edit((s) => { person(s).properties[0] = prop('id', 'INT128'); });
  const counted = facts({ tableRows: { person: 6000, knows: 3000, lives_in: 1000 }, totalRows: 20000, databaseBytes: 100_000_000, freeBytes: 10_000_000_000 });
  it('names each rebuilt table, why, its rows and bytes; then the estimate', () => {
    const r = analyzePlan(planOf(retype), { facts: counted });
    const rebuilt = r.findings.filter((f) => f.code === 'KM301').map((f) => f.message);
    expect(rebuilt).toEqual([
      'Person is rebuilt (alter_property_type): 6000 rows to rewrite, ≈ 30.0 MB',
      'knows is rebuilt (an endpoint node table is rebuilt): 3000 rows to rewrite, ≈ 15.0 MB',
      'lives_in is rebuilt (an endpoint node table is rebuilt): 1000 rows to rewrite, ≈ 5.0 MB',
    ]);
    expect(r.estimate).toMatchObject({ strategy: 'transaction', rows: 10000, bytes: 50_000_000, disk_needed: 200_000_000 });
    expect(r.findings.find((f) => f.code === 'KM302')!.message).toMatch(/10000 rows and ≈ 50\.0 MB to rewrite, ≈ 0\.6 s, needs ≈ 200\.0 MB of free disk \(backup included\), 10\.0 GB free/);
    expect(r.findings.some((f) => f.code === 'KM303')).toBe(false);
  });
  it('an error when the disk cannot hold it', () => {
    const r = analyzePlan(planOf(retype), { facts: { ...counted, freeBytes: 150_000_000 } });
    expect(r.findings[0]).toMatchObject({ code: 'KM303', severity: 'error' });
    expect(r.findings[0].message).toMatch(/needs ≈ 200\.0 MB .* only 150\.0 MB is free/);
  });
  it('without a database: which tables and why, no numbers', () => {
    const r = analyzePlan(planOf(retype), {});
    expect(r.findings.filter((f) => f.code === 'KM301').map((f) => f.rows)).toEqual([undefined, undefined, undefined]);
    expect(r.findings.some((f) => f.code === 'KM302')).toBe(false);
  });
  it('the estimate model: rows over the measured throughput, plus the backup; export rewrites everything', () => {
    const t = estimateRebuild({ strategy: 'transaction', rebuiltRows: 1_100_000, totalRows: 2_200_000, databaseBytes: 470_000_000, freeBytes: null });
    expect(t.seconds).toBeCloseTo(0.35 + 1 + 1, 5);
    const e = estimateRebuild({ strategy: 'export', rebuiltRows: 1, totalRows: 1_000_000, databaseBytes: 0, freeBytes: null });
    expect(e.rows).toBe(1_000_000);
    expect(e.seconds).toBeCloseTo(0.35 + 1_000_000 / REBUILD_ROWS_PER_SECOND.export, 5);
  });
});

describe('compatibility family', () => {
  const cases: Case[] = [
    ['renamed table', edit((s) => { person(s).name = 'Human'; person.call(null, s); s.nodes[0].renamedFrom = 'Person'; for (const r of s.rels) r.connections = r.connections.map((c) => ({ from: c.from === 'Person' ? 'Human' : c.from, to: c.to === 'Person' ? 'Human' : c.to })); }), {}, [['KM401', 'warning', /table Person is renamed to Human/]]],
    ['renamed property', edit((s) => { person(s).properties[1] = prop('full_name', 'STRING', { renamedFrom: 'name' }); }), {}, [['KM402', 'warning', /Person\.name is renamed to full_name/]]],
    ['accepted by severity', edit((s) => { person(s).properties[1] = prop('full_name', 'STRING', { renamedFrom: 'name' }); }), { settings: { severity: { KM402: 'off' }, naming: {} } }, []],
  ];
  it.each(cases)('%s', (...c) => check(c));
});

describe('naming family', () => {
  const naming = { severity: {}, naming: { node_tables: 'PascalCase', rel_tables: 'snake_case', properties: 'snake_case' } } as const;
  const added = edit((s) => {
    s.nodes.push(node('order_item', [prop('id', 'INT64'), prop('unitPrice', 'DOUBLE')]));
    s.rels.push(rel('HasItem', 'Person', 'order_item'));
    person(s).properties.push(prop('nickName', 'STRING'));
  });
  const cases: Case[] = [
    ['off by default', added, {}, []],
    ['checked on what the change introduces', added, { settings: { ...naming, naming: { ...naming.naming } } }, [
      ['KM501', 'warning', /node table order_item is not PascalCase/], ['KM502', 'warning', /rel table HasItem is not snake_case/],
      ['KM503', 'warning', /unitPrice/], ['KM503', 'warning', /nickName/],
    ]],
    ['existing names are not reported', live(), { settings: { severity: {}, naming: { node_tables: 'snake_case' } } }, []],
  ];
  it.each(cases)('%s', (...c) => check(c));
});

describe('protection', () => {
  it.each<[string, Schema, string[], string[]]>([
    ['drop of a protected table', edit((s) => { s.rels = s.rels.filter((t) => t.name !== 'knows'); }), ['knows'], ['knows dropped']],
    ['drop of a protected property', edit((s) => { person(s).properties.pop(); }), ['Person.age'], ['Person.age dropped']],
    ['a table protection covers its properties', edit((s) => { person(s).properties.pop(); }), ['person'], ['Person.age dropped']],
    ['rebuild of a protected table', edit((s) => { livesIn(s).storageDirection = 'fwd'; }), ['lives_in'], ['lives_in rebuilt (alter_storage_direction)']],
    ['a rebuild rewrites a protected property', edit((s) => { person(s).properties[0] = prop('id', 'INT128'); }), ['Person.name'], ['Person.name rewritten by the rebuild of Person (alter_property_type)']],
    ['a rel rebuilt because its endpoint is', edit((s) => { person(s).properties[0] = prop('id', 'INT128'); }), ['knows'], ['knows rebuilt (an endpoint node table is rebuilt)']],
    ['a destructive change on a rebuilt table is reported once', edit((s) => { person(s).properties[2] = prop('age', 'INT32'); }), ['Person.age'], ['Person.age changed destructively (alter_property_type)']],
    ['renames and additions are not destroys', edit((s) => { person(s).properties[1] = prop('full_name', 'STRING', { renamedFrom: 'name' }); person(s).properties.push(prop('x', 'INT64')); }), ['Person'], []],
  ])('%s', (_n, desired, protect, expected) => {
    const v = protectionViolations(planOf(desired), protect);
    expect(v.map((x) => `${x.property ? `${x.table}.${x.property}` : x.table} ${x.what}`)).toEqual(expected);
    const f = analyzePlan(planOf(desired), { protect, policy: { allowDestructive: true } }).findings.filter((x) => x.code === 'KM601');
    expect(f.map((x) => x.severity)).toEqual(expected.map(() => 'error'));
  });

  it('first-run guard: drops on a database never migrated', () => {
    const drop = edit((s) => { person(s).properties.pop(); });
    expect(analyzePlan(planOf(drop), { facts: facts({ managed: false }) }).findings.map((f) => f.code)).toContain('KM602');
    expect(analyzePlan(planOf(drop), { facts: facts({ managed: true }) }).findings.map((f) => f.code)).not.toContain('KM602');
    const add = edit((s) => { person(s).properties.push(prop('x', 'INT64')); });
    expect(analyzePlan(planOf(add), { facts: facts({ managed: false }) }).findings.map((f) => f.code)).not.toContain('KM602');
  });

  it.each<[string, string, boolean]>([
    ['Legacy', 'legacy*', true],
    ['app_sessions', 'app_*', true],
    ['app', 'app_*', false],
    ['T1', 'T?', true],
    ['a.b', 'a.b', true],
    ['axb', 'a.b', false],
  ])('unmanaged pattern: %s ~ %s → %s', (name, pattern, expected) => expect(matchesPattern(name, pattern)).toBe(expected));

  it('unmanaged tables are left out of the live side, so never dropped', () => {
    const { schema, ignored } = withoutUnmanaged(live(), ['know*']);
    expect(ignored).toEqual(['knows']);
    const desired = edit((s) => { s.rels = s.rels.filter((t) => t.name !== 'knows'); });
    expect(diffSchemas(schema, desired).changes).toEqual([]);
  });

  it('size-aware policy: named wins, size needs a count below the threshold', () => {
    const c = planOf(edit((s) => { person(s).properties.pop(); }), { Person: 4 }).changes[0];
    expect(destructiveAllowed(c, { allowDestructive: false, allowDestructiveBelowRows: 5 })).toEqual({ allowed: true, by: 'size' });
    expect(destructiveAllowed(c, { allowDestructive: false, allowDestructiveBelowRows: 4 })).toEqual({ allowed: false });
    expect(destructiveAllowed(c, { allowDestructive: ['Person'], allowDestructiveBelowRows: 1 })).toEqual({ allowed: true, by: 'name' });
  });
});

describe('codes and the YAML', () => {
  it('every code has a section in docs/lint.md', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'lint.md'), 'utf8');
    for (const r of LINT_RULES) expect(doc).toMatch(new RegExp(`^## ${r.code} ${r.name}$`, 'm'));
  });

  function yaml(text: string, env?: string) {
    const dir = tempDir('km-lint-cfg-');
    const file = path.join(dir, 'kuzu-migrate.yaml');
    fs.writeFileSync(file, text);
    return validateConfig(file, { env });
  }
  const head = `version: v1.0.0
database: ./g.kuzu
schema:
  nodes:
    Person:
      primary_key: id
      protect: true
      properties:
        id: INT64
        email: { type: STRING, protect: true }
`;
  it('lint, protect, unmanaged and the size policy, with an environment overriding', () => {
    const text = head + `lint:
  severity: { KM101: warning, KM403: off }
  naming: { node_tables: PascalCase }
unmanaged: ['app_*']
policy: { allow_destructive_below_rows: 100 }
environments:
  prod:
    lint: { severity: { KM101: error } }
    protect: [Legacy, Person.id]
    unmanaged: [tmp_*]
    policy: { allow_destructive_below_rows: 10 }
`;
    const top = yaml(text).config!;
    expect(top.lint).toEqual({ severity: { KM101: 'warning', KM403: 'off' }, naming: { node_tables: 'PascalCase' } });
    expect(top.protect).toEqual(['Person', 'Person.email']);
    expect(top.unmanaged).toEqual(['app_*']);
    expect(top.policy.allowDestructiveBelowRows).toBe(100);
    expect(top.locations.properties['person.email']).toMatchObject({ line: 10, column: 9 });
    // An undeclared (dropped) table points at the section of its kind, else the other one.
    expect(locateDeclaration(top.locations, 'Gone', undefined, 'rel')).toMatchObject({ line: 4, column: 3 });
    expect(locateDeclaration(top.locations, 'Person', 'gone')).toMatchObject({ line: 5, column: 5 });
    const prod = yaml(text, 'prod').config!;
    expect(prod.lint.severity).toEqual({ KM101: 'error', KM403: 'off' });
    expect(prod.protect).toEqual(['Person', 'Person.email', 'Legacy', 'Person.id']);
    expect(prod.unmanaged).toEqual(['app_*', 'tmp_*']);
    expect(prod.policy.allowDestructiveBelowRows).toBe(10);
  });

  it.each<[string, string, RegExp]>([
    ['an unknown code', 'lint: { severity: { KM999: off } }\n', /:\d+:\d+: unknown lint code "KM999"/],
    ['lowering a protection code', 'lint: { severity: { KM601: warning } }\n', /KM601 \(protected\) cannot be lowered/],
    ['a declared table that is unmanaged', "unmanaged: ['Pers*']\n", /table "person" is declared but matches unmanaged: "Pers\*"/],
    ['a bad severity', 'lint: { severity: { KM101: fatal } }\n', /invalid KM101 "fatal"/],
  ])('%s is a configuration error with a position', (_n, extra, re) => {
    const { config, diagnostics } = yaml(head + extra);
    expect(config).toBeNull();
    expect(diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`).join('\n')).toMatch(re);
  });
});

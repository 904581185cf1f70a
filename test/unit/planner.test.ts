/**
 * The pure planner, in-process and table-driven: {live, desired} → changes (diffSchemas), the
 * in-place decision, the plan (strategy, steps, summary: buildPlan) and the destructive policy.
 * No database and no CLI: a case costs milliseconds. Planning against real databases (row counts,
 * introspection) is test/integration/plan.test.ts; the CLI's wiring is test/e2e/cli.test.ts.
 */
import { Change, CHANGE_KINDS, ChangeKind, inPlaceDecision, actionFor } from '../../src/core/changes';
import { diffSchemas, PlanError } from '../../src/core/diff';
import { INDEX_DEFAULTS, NodeTable, Property, RelTable, Schema, schemaFingerprint } from '../../src/core/model';
import { buildPlan, defaultRewriteStrategy, PlanDocument } from '../../src/core/plan';
import { isAllowed } from '../../src/index';

const prop = (name: string, type: string, def: string | null = null, extra: Partial<Property> = {}): Property => ({ name, type, default: def, ...extra });
const node = (name: string, primaryKey: string, properties: Property[], extra: Partial<NodeTable> = {}): NodeTable => ({ kind: 'node', name, primaryKey, properties, comment: '', ...extra });
const rel = (name: string, from: string, to: string, properties: Property[] = [], extra: Partial<RelTable> = {}): RelTable => ({
  kind: 'rel', name, connections: [{ from, to }], multiplicity: 'MANY_MANY', storageDirection: 'both', properties, comment: '', ...extra,
});

/** The schema most tests start from (test/helpers/project.ts's baseSchema, as the model). */
function base(): Schema {
  return {
    nodes: [
      node('Requirement', 'id', [prop('id', 'INT64'), prop('title', 'STRING'), prop('state', 'STRING'), prop('priority', 'INT32', '0'), prop('score_text', 'STRING')]),
      node('Component', 'name', [prop('name', 'STRING'), prop('owner', 'STRING')]),
    ],
    rels: [rel('depends_on', 'Requirement', 'Requirement', [prop('weight', 'DOUBLE')]), rel('implemented_by', 'Requirement', 'Component')],
    indexes: [{ name: 'title_fts', table: 'Requirement', type: 'fts', properties: ['title'], options: { ...INDEX_DEFAULTS.fts } }],
    sequences: [{ name: 'ticket_no', start: '1', increment: '1', min: '1', max: '9223372036854775807', cycle: false, position: '41' }],
    macros: [{ name: 'ADDONE', parameters: ['x'], body: 'x + 1' }],
  };
}

const clone = (s: Schema): Schema => JSON.parse(JSON.stringify(s)) as Schema;
const table = (s: Schema, name: string) => [...s.nodes, ...s.rels].find((t) => t.name === name)!;
const p = (s: Schema, t: string, name: string) => table(s, t).properties.find((x) => x.name === name)!;
const META = { toolVersion: '0.0.0', kuzuVersion: '0.11.3', version: 'v1.0.0', environment: null, database: 'db.kuzu', now: new Date('2026-01-01T00:00:00Z') };

function planOf(mutate: (s: Schema) => void, live = base()): PlanDocument {
  const desired = clone(live);
  mutate(desired);
  const diff = diffSchemas(live, desired);
  return buildPlan({ live, desired, changes: diff.changes, warnings: diff.warnings, databaseExists: true, meta: META });
}
const kinds = (plan: PlanDocument) => plan.changes.map((c) => `${c.kind}:${c.table}${c.property ? '.' + c.property : ''}`).sort();

describe('diffSchemas + buildPlan: each change kind', () => {
  // Rows have six columns (null: no statements to compare): jest passes `done` to a longer callback.
  type Case = [string, (s: Schema) => void, string[], PlanDocument['strategy'], Partial<Change>, string[] | null];
  const cases: Case[] = [
    ['create_node_table', (s) => s.nodes.push(node('Team', 'id', [prop('id', 'INT64')])), ['create_node_table:Team'], 'in_place', { action: 'create', destructive: false }, ['CREATE NODE TABLE `Team` (`id` INT64, PRIMARY KEY (`id`))']],
    ['create_rel_table', (s) => s.rels.push(rel('owns', 'Component', 'Requirement')), ['create_rel_table:owns'], 'in_place', { action: 'create' }, null],
    ['drop_table', (s) => s.rels.splice(1, 1), ['drop_table:implemented_by'], 'in_place', { action: 'delete', destructive: true }, ['DROP TABLE `implemented_by`']],
    ['rename_table', (s) => { Object.assign(table(s, 'Component'), { name: 'Part', renamedFrom: 'Component' }); s.rels[1].connections = [{ from: 'Requirement', to: 'Part' }]; }, ['rename_table:Part'], 'in_place', { action: 'update', from: 'Component', to: 'Part' }, ['ALTER TABLE `Component` RENAME TO `Part`']],
    ['add_property', (s) => table(s, 'Component').properties.push(prop('team', 'STRING', "'core'")), ['add_property:Component.team'], 'in_place', { action: 'create' }, ["ALTER TABLE `Component` ADD `team` STRING DEFAULT 'core'"]],
    ['drop_property', (s) => table(s, 'Component').properties.splice(1, 1), ['drop_property:Component.owner'], 'in_place', { action: 'delete', destructive: true }, ['ALTER TABLE `Component` DROP `owner`']],
    ['rename_property', (s) => Object.assign(p(s, 'Requirement', 'state'), { name: 'status', renamedFrom: 'state' }), ['rename_property:Requirement.status'], 'in_place', { action: 'update', from: 'state', to: 'status' }, ['ALTER TABLE `Requirement` RENAME `state` TO `status`']],
    ['alter_property_type (widening)', (s) => (p(s, 'Requirement', 'priority').type = 'INT64'), ['alter_property_type:Requirement.priority'], 'rewrite', { action: 'replace', cast: 'lossless', destructive: false, in_place: false }, null],
    ['alter_property_type (narrowing)', (s) => (p(s, 'Requirement', 'score_text').type = 'INT64'), ['alter_property_type:Requirement.score_text'], 'rewrite', { cast: 'checked', destructive: true }, null],
    ['alter_property_default', (s) => (p(s, 'Requirement', 'priority').default = '3'), ['alter_property_default:Requirement.priority'], 'rewrite', { action: 'replace', from: '0', to: '3' }, null],
    ['alter_primary_key', (s) => ((table(s, 'Requirement') as NodeTable).primaryKey = 'title'), ['alter_primary_key:Requirement'], 'rewrite', { destructive: true, from: 'id', to: 'title' }, null],
    ['add_connection', (s) => s.rels[1].connections.push({ from: 'Component', to: 'Component' }), ['add_connection:implemented_by'], 'in_place', { action: 'create' }, ['ALTER TABLE `implemented_by` ADD FROM `Component` TO `Component`']],
    ['drop_connection', (s) => (s.rels[1].connections = [{ from: 'Component', to: 'Component' }]), ['add_connection:implemented_by', 'drop_connection:implemented_by'], 'in_place', {}, null],
    ['alter_multiplicity', (s) => (s.rels[1].multiplicity = 'MANY_ONE'), ['alter_multiplicity:implemented_by'], 'rewrite', { from: 'MANY_MANY', to: 'MANY_ONE' }, null],
    ['alter_storage_direction', (s) => (s.rels[0].storageDirection = 'fwd'), ['alter_storage_direction:depends_on'], 'rewrite', { from: 'both', to: 'fwd' }, null],
    ['set_table_comment', (s) => (table(s, 'Component').comment = "a part's owner"), ['set_table_comment:Component'], 'in_place', { action: 'update' }, ["COMMENT ON TABLE `Component` IS 'a part\\'s owner'"]],
    ['create_index', (s) => s.indexes!.push({ name: 'owner_fts', table: 'Component', type: 'fts', properties: ['owner'], options: { ...INDEX_DEFAULTS.fts, stemmer: 'porter' } }), ['create_index:Component'], 'in_place', { action: 'create', object: 'owner_fts' }, null],
    ['drop_index', (s) => (s.indexes = []), ['drop_index:Requirement'], 'in_place', { action: 'delete', destructive: false }, ["CALL DROP_FTS_INDEX('Requirement', 'title_fts')"]],
    ['alter_index', (s) => (s.indexes![0].options.stemmer = 'porter'), ['alter_index:Requirement'], 'in_place', { action: 'replace' }, null],
    ['create_sequence', (s) => s.sequences!.push({ name: 'order_no', start: '100', increment: '1', min: '1', max: '9223372036854775807', cycle: false }), ['create_sequence:order_no'], 'in_place', { action: 'create', table_kind: 'sequence' }, ['CREATE SEQUENCE `order_no` START 100 INCREMENT 1 MINVALUE 1 MAXVALUE 9223372036854775807 NO CYCLE']],
    ['drop_sequence', (s) => (s.sequences = []), ['drop_sequence:ticket_no'], 'in_place', { action: 'delete', destructive: true }, ['DROP SEQUENCE `ticket_no`']],
    ['alter_sequence', (s) => (s.sequences![0].increment = '10'), ['alter_sequence:ticket_no'], 'in_place', { action: 'update' }, ['DROP SEQUENCE `ticket_no`', 'CREATE SEQUENCE `ticket_no` START {position} INCREMENT 10 MINVALUE 1 MAXVALUE 9223372036854775807 NO CYCLE']],
    ['create_macro', (s) => s.macros!.push({ name: 'twice', parameters: ['x'], body: 'x * 2' }), ['create_macro:twice'], 'in_place', { action: 'create', table_kind: 'macro' }, ['CREATE MACRO `twice`(`x`) AS x * 2']],
    ['drop_macro', (s) => (s.macros = []), ['drop_macro:ADDONE'], 'in_place', { action: 'delete' }, []],
    ['replace_macro', (s) => (s.macros![0].body = 'x + 2'), ['replace_macro:ADDONE'], 'in_place', { action: 'replace' }, ['CREATE MACRO `ADDONE`(`x`) AS x + 2']],
  ];

  it.each(cases)('%s', (_name, mutate, expected, strategy, fields, statements) => {
    const plan = planOf(mutate);
    expect(kinds(plan)).toEqual(expected);
    expect(plan.strategy).toBe(strategy);
    expect(plan.changes[0]).toMatchObject(fields);
    // Every change is carried out by at least one step, and each step points at real changes.
    // (A dropped macro has no statement: the private copy is built without it, plan.private_copy.omit_macros.)
    const carried = new Set(plan.steps.flatMap((s) => s.changes));
    expect([...carried].sort()).toEqual(plan.changes.map((_c, i) => i).filter((i) => plan.changes[i].kind !== 'drop_macro'));
    if (plan.changes.some((c) => c.kind === 'drop_macro')) expect(plan.private_copy?.omit_macros).toEqual(['ADDONE']);
    if (statements) expect(plan.steps.map((s) => s.statement)).toEqual(statements);
    if (strategy === 'rewrite') {
      expect(plan.rewrite_strategy).toBe('transaction');
      expect(plan.rebuilt_tables.length).toBeGreaterThan(0);
      expect(plan.steps.some((s) => s.phase === 'rebuild')).toBe(true);
    } else {
      expect(plan.rewrite_strategy).toBeNull();
      expect(plan.steps.some((s) => s.phase === 'rebuild')).toBe(false);
    }
  });

  it('covers every change kind', () => {
    const seen = new Set(cases.flatMap(([, m]) => planOf(m).changes.map((c) => c.kind)));
    expect(CHANGE_KINDS.filter((k) => !seen.has(k))).toEqual([]);
  });

  it('no change: strategy none, no steps, equal fingerprints', () => {
    const plan = planOf(() => undefined);
    expect(plan).toMatchObject({ strategy: 'none', rewrite_strategy: null, changes: [], steps: [], summary: { total: 0 } });
    expect(plan.live_fingerprint).toBe(plan.desired_fingerprint);
    expect(plan.live_fingerprint).toBe(schemaFingerprint(base()));
  });
});

describe('rewrites', () => {
  it('a primary-key change rebuilds the node table and every rel table attached to it, steps in phase order', () => {
    const plan = planOf((s) => ((table(s, 'Requirement') as NodeTable).primaryKey = 'title'));
    expect(plan.rebuilt_tables).toEqual(['Requirement', 'depends_on', 'implemented_by']);
    const phases = plan.steps.map((s) => s.phase);
    const order = ['drop_indexes', 'in_place', 'rebuild', 'finish', 'create_indexes'];
    expect(phases).toEqual([...phases].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
    // Requirement's FTS index is dropped before the rebuild and built again after it.
    expect(phases[0]).toBe('drop_indexes');
    expect(phases[phases.length - 1]).toBe('create_indexes');
    const stmts = plan.steps.map((s) => s.statement);
    expect(stmts).toContain('DROP TABLE `Requirement`');
    expect(stmts).toContain('ALTER TABLE `_km_new_Requirement` RENAME TO `Requirement`');
    // rel tables go before the node table they point at
    expect(stmts.indexOf('DROP TABLE `depends_on`')).toBeLessThan(stmts.indexOf('DROP TABLE `Requirement`'));
    expect(plan.steps.map((s) => s.id)).toEqual(plan.steps.map((_s, i) => i + 1));
  });

  it('a retyped, renamed property is copied with a cast of the old column', () => {
    const plan = planOf((s) => Object.assign(p(s, 'Requirement', 'priority'), { name: 'rank', type: 'INT64', renamedFrom: 'priority' }));
    expect(kinds(plan)).toEqual(['alter_property_type:Requirement.rank', 'rename_property:Requirement.rank']);
    const copy = plan.steps.find((s) => /^COPY `_km_new_Requirement`/.test(s.statement))!;
    expect(copy.statement).toMatch(/^COPY `_km_new_Requirement` \(`id`, `title`, `state`, `rank`, `score_text`\)/);
    expect(copy.statement).toContain('CAST(n.`priority` AS INT64)');
  });

  it('adding a SERIAL property cannot be done in place', () => {
    const plan = planOf((s) => table(s, 'Component').properties.push(prop('seq', 'SERIAL')));
    expect(plan.changes[0]).toMatchObject({ kind: 'add_property', in_place: false, action: 'replace' });
    expect(plan.strategy).toBe('rewrite');
  });

  it('the default rewrite strategy follows the engine capability, and an explicit one wins', () => {
    expect(defaultRewriteStrategy()).toBe('transaction');
    expect(defaultRewriteStrategy({ durableCommittedCopy: false })).toBe('export');
    const live = base();
    const desired = clone(live);
    p(desired, 'Requirement', 'priority').type = 'INT64';
    const changes = diffSchemas(live, desired).changes;
    const build = (extra: object) => buildPlan({ live, desired, changes, warnings: [], databaseExists: true, meta: META, ...extra });
    expect(build({ capabilities: { durableCommittedCopy: false } }).rewrite_strategy).toBe('export');
    expect(build({ capabilities: { durableCommittedCopy: false }, rewriteStrategy: 'transaction' }).rewrite_strategy).toBe('transaction');
    expect(build({}).strategy_reason).toMatch(/alter_property_type cannot be done in place; .*inside one transaction/);
  });
});

describe('renames are explicit', () => {
  it('a rename never turns into drop + add', () => {
    const plan = planOf((s) => Object.assign(p(s, 'Requirement', 'state'), { name: 'status', renamedFrom: 'state' }));
    expect(plan.changes.map((c) => c.kind)).toEqual(['rename_property']);
  });

  it('without renamed_from, a new name is a drop plus an add (destructive)', () => {
    const plan = planOf((s) => (p(s, 'Requirement', 'state').name = 'status'));
    expect(kinds(plan)).toEqual(['add_property:Requirement.status', 'drop_property:Requirement.state']);
    expect(plan.summary).toMatchObject({ destructive: 1, total: 2 });
  });

  it.each([
    ['a property renamed_from that matches nothing', (s: Schema) => Object.assign(p(s, 'Requirement', 'state'), { name: 'status', renamedFrom: 'nope' }), /renamed_from nope matches no property/],
    ['a table renamed_from that matches nothing', (s: Schema) => Object.assign(table(s, 'Component'), { name: 'Part', renamedFrom: 'Nope' }), /renamed_from Nope matches no table/],
  ])('%s is a PlanError (exit 65), not a drop + add', (_n, mutate, message) => {
    let err: unknown;
    try {
      planOf(mutate);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PlanError);
    expect((err as PlanError).message).toMatch(message);
    expect((err as PlanError).exitCode).toBe(65);
  });
});

describe('inPlaceDecision and actionFor', () => {
  const inPlace: ChangeKind[] = ['create_node_table', 'create_rel_table', 'drop_table', 'rename_table', 'drop_property', 'rename_property', 'set_table_comment', 'add_connection', 'drop_connection', 'add_property'];
  const rewrite: ChangeKind[] = ['alter_property_type', 'alter_property_default', 'alter_primary_key', 'alter_multiplicity', 'alter_storage_direction'];
  const objectsInPlace: ChangeKind[] = ['create_sequence', 'drop_sequence', 'alter_sequence', 'create_macro'];
  const privateCopy: ChangeKind[] = ['create_index', 'drop_index', 'alter_index', 'drop_macro', 'replace_macro'];

  it('partitions every kind', () => expect([...inPlace, ...rewrite, ...objectsInPlace, ...privateCopy].sort()).toEqual([...CHANGE_KINDS].sort()));
  it.each(objectsInPlace)('%s is in place', (k) => expect(inPlaceDecision(k)).toEqual({ inPlace: true }));
  it.each(privateCopy)('%s runs on a private copy, with a reason', (k) => expect(inPlaceDecision(k)).toMatchObject({ inPlace: false, reason: expect.stringMatching(/private copy|fresh file/) }));
  it.each(inPlace)('%s is in place', (k) => expect(inPlaceDecision(k)).toEqual({ inPlace: true }));
  it.each(rewrite)('%s needs a rewrite, with a reason', (k) => expect(inPlaceDecision(k)).toMatchObject({ inPlace: false, reason: expect.stringMatching(/Kuzu cannot/) }));
  it('add_property of SERIAL (any case) needs a rewrite', () => {
    expect(inPlaceDecision('add_property', { type: 'serial' }).inPlace).toBe(false);
    expect(inPlaceDecision('add_property', { type: 'INT64' }).inPlace).toBe(true);
  });
  it.each([
    ['add_property', true, 'create'], ['add_property', false, 'replace'], ['drop_table', true, 'delete'], ['rename_table', true, 'update'],
    ['alter_property_type', false, 'replace'], ['alter_property_type', true, 'update'], ['drop_connection', true, 'delete'],
  ] as [ChangeKind, boolean, string][])('actionFor(%s, in place %s) is %s', (k, ip, a) => expect(actionFor(k, ip)).toBe(a));
});

describe('policy: isAllowed', () => {
  const drop = { kind: 'drop_property', table: 'Component', property: 'owner' } as Change;
  const dropTable = { kind: 'drop_table', table: 'implemented_by' } as Change;
  it.each([
    [true, drop, true], [false, drop, false],
    [['Component'], drop, true], [['component.OWNER'], drop, true], [['Component.name'], drop, false], [['Requirement'], drop, false],
    [['implemented_by'], dropTable, true], [['implemented_by.x'], dropTable, false], [[], dropTable, false],
  ] as [boolean | string[], Change, boolean][])('allow %j, %j → %s', (allow, c, ok) => expect(isAllowed(c, allow)).toBe(ok));
});

describe('summary', () => {
  it('counts actions and destructive changes', () => {
    const plan = planOf((s) => {
      p(s, 'Requirement', 'priority').type = 'INT64';
      s.rels[1].multiplicity = 'MANY_ONE';
      table(s, 'Component').properties.splice(1, 1);
      s.nodes.push(node('Team', 'id', [prop('id', 'SERIAL')]));
    });
    expect(plan.summary).toEqual({ create: 1, update: 0, delete: 1, replace: 2, destructive: 2, total: 4 });
  });
});

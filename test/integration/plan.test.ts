/**
 * Planning against real Kuzu databases: every change kind planned from a live database,
 * init → plan is empty (tinysnb, demo-db, every type), the plan JSON validates against its schema.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { loadConfig } from '../../src/config/config';
import { planMigration } from '../../src/plan/planning';
import { PlanDocument } from '../../src/core/plan';
import { stringify } from 'yaml';
import { loadDataset, makeDatabase, REPO_ROOT, runCli, tempDir } from '../helpers/db';
import { baseSchema, clone, seededProject, YamlSchema } from '../helpers/project';

type Mutate = (s: any) => void;

const twoConnections: Mutate = (s) => {
  const r = s.rels.implemented_by;
  delete r.from;
  delete r.to;
  r.connections = [{ from: 'Requirement', to: 'Component' }, { from: 'Component', to: 'Component' }];
};

/** The base declaration (changed by `base`) with rows in a real database, then the plan for `mutate` of it. */
async function planFor(mutate: Mutate, base: Mutate = () => undefined): Promise<PlanDocument> {
  const start = clone(baseSchema());
  base(start);
  // A copy of one database per start schema, built once per file by the CLI's apply.
  const p = await seededProject(start);
  const desired = clone(start);
  mutate(desired);
  p.write(desired);
  return planMigration(loadConfig(p.yamlPath));
}

const kinds = (plan: PlanDocument) => plan.changes.map((c) => `${c.kind}:${c.table}${c.property ? '.' + c.property : ''}`).sort();

describe('each change kind is planned from a real database', () => {
  const cases: [string, Mutate, string[], Partial<PlanDocument>][] = [
    ['create_node_table', (s) => (s.nodes.Team = { primary_key: 'id', properties: { id: 'INT64' } }), ['create_node_table:Team'], { strategy: 'in_place' }],
    ['create_rel_table', (s) => (s.rels.owns = { from: 'Component', to: 'Requirement' }), ['create_rel_table:owns'], { strategy: 'in_place' }],
    ['drop_table', (s) => delete s.rels.implemented_by, ['drop_table:implemented_by'], { strategy: 'in_place' }],
    ['rename_table', (s) => { s.nodes.Part = { ...s.nodes.Component, renamed_from: 'Component' }; delete s.nodes.Component; s.rels.implemented_by.to = 'Part'; }, ['rename_table:Part'], { strategy: 'in_place' }],
    ['add_property', (s) => (s.nodes.Component.properties.team = { type: 'STRING', default: "'core'" }), ['add_property:Component.team'], { strategy: 'in_place' }],
    ['drop_property', (s) => delete s.nodes.Component.properties.owner, ['drop_property:Component.owner'], { strategy: 'in_place' }],
    ['rename_property', (s) => { delete s.nodes.Requirement.properties.state; s.nodes.Requirement.properties.status = { type: 'STRING', renamed_from: 'state' }; }, ['rename_property:Requirement.status'], { strategy: 'in_place' }],
    ['alter_property_type', (s) => (s.nodes.Requirement.properties.priority = { type: 'INT64', default: 0 }), ['alter_property_type:Requirement.priority'], { strategy: 'rewrite' }],
    ['alter_property_default', (s) => (s.nodes.Requirement.properties.priority = { type: 'INT32', default: 3 }), ['alter_property_default:Requirement.priority'], { strategy: 'rewrite' }],
    ['alter_primary_key', (s) => (s.nodes.Requirement.primary_key = 'title'), ['alter_primary_key:Requirement'], { strategy: 'rewrite' }],
    ['add_connection', (s) => { const r = s.rels.implemented_by; delete r.from; delete r.to; r.connections = [{ from: 'Requirement', to: 'Component' }, { from: 'Component', to: 'Component' }]; }, ['add_connection:implemented_by'], { strategy: 'in_place' }],
    ['alter_multiplicity', (s) => (s.rels.implemented_by.multiplicity = 'MANY_ONE'), ['alter_multiplicity:implemented_by'], { strategy: 'rewrite' }],
    ['alter_storage_direction', (s) => (s.rels.depends_on.storage_direction = 'fwd'), ['alter_storage_direction:depends_on'], { strategy: 'rewrite' }],
    ['set_table_comment', (s) => (s.nodes.Component.comment = "a part's owner"), ['set_table_comment:Component'], { strategy: 'in_place' }],
  ];
  it.each(cases)('%s', async (_name, mutate, expected, fields) => {
    const plan = await planFor(mutate);
    expect(kinds(plan)).toEqual(expected);
    expect(plan).toMatchObject(fields);
  });

  it('marks destructive changes with the rows they touch', async () => {
    const plan = await planFor((s) => {
      delete s.nodes.Requirement.properties.state;
      delete s.rels.implemented_by;
    });
    const dropProp = plan.changes.find((c) => c.kind === 'drop_property')!;
    expect(dropProp).toMatchObject({ destructive: true, rows_affected: 2, action: 'delete' });
    const dropTable = plan.changes.find((c) => c.kind === 'drop_table')!;
    expect(dropTable).toMatchObject({ destructive: true, rows_affected: 2 });
    expect(plan.summary).toMatchObject({ delete: 2, destructive: 2, total: 2 });
  });

  it('drop_connection: in place, destructive, counting the relationships it deletes', async () => {
    const plan = await planFor((s) => (s.rels.implemented_by.connections = [{ from: 'Component', to: 'Component' }]), twoConnections);
    expect(kinds(plan)).toEqual(['drop_connection:implemented_by']);
    expect(plan.changes[0]).toMatchObject({ in_place: true, destructive: true, rows_affected: 2, from: { from: 'Requirement', to: 'Component' } });
    expect(plan.steps.map((s) => s.statement)).toEqual(['ALTER TABLE `implemented_by` DROP FROM `Requirement` TO `Component`']);
  });

  it('a declared rename never turns into drop + add, even with a type change', async () => {
    const plan = await planFor((s) => {
      delete s.nodes.Requirement.properties.priority;
      s.nodes.Requirement.properties.rank = { type: 'INT64', default: 0, renamed_from: 'priority' };
    });
    expect(kinds(plan)).toEqual(['alter_property_type:Requirement.rank', 'rename_property:Requirement.rank']);
    expect(plan.changes.find((c) => c.kind === 'alter_property_type')).toMatchObject({ from: 'INT32', to: 'INT64', cast: 'lossless', destructive: false });
  });

  it('a renamed_from that matches nothing is an error, not a drop + add', async () => {
    await expect(
      planFor((s) => {
        s.nodes.Requirement.properties.status = { type: 'STRING', renamed_from: 'nope' };
      }),
    ).rejects.toThrow(/renamed_from nope matches no property/);
  });

  it('rows are counted on the live property a renamed and retyped property comes from', async () => {
    const plan = await planFor((s) => {
      delete s.nodes.Requirement.properties.score_text;
      s.nodes.Requirement.properties.score = { type: 'INT64', renamed_from: 'score_text' };
    });
    expect(plan.changes.find((c) => c.kind === 'alter_property_type')).toMatchObject({ property: 'score', destructive: true, rows_affected: 2 });
  });

  it('a narrowing cast is destructive and named as such', async () => {
    const plan = await planFor((s) => (s.nodes.Requirement.properties.score_text = 'INT64'));
    expect(plan.changes[0]).toMatchObject({ kind: 'alter_property_type', destructive: true, cast: 'checked', in_place: false, rows_affected: 2 });
  });
});

describe('defaults are compiled once per statement, reported on every property', () => {
  it('a default repeated across tables: each bad one found at its own line, the good ones pass', async () => {
    const dir = tempDir('km-defaults-');
    const yaml = path.join(dir, 'kuzu-migrate.yaml');
    const table = (status: unknown) => ({ primary_key: 'id', properties: { id: 'INT64', status, note: { type: 'STRING', default: "'n/a'" } } });
    // A, B and D declare the same wrong default (one prepared statement), C a good one of the same name.
    const schema = { nodes: { A: table({ type: 'INT64', default: "'abc'" }), B: table({ type: 'INT64', default: "'abc'" }), C: table({ type: 'INT64', default: 7 }), D: table({ type: 'INT64', default: "'abc'" }) } };
    fs.writeFileSync(yaml, stringify({ version: 'v1.0.0', database: './graph.kuzu', create: true, schema }));
    const plan = await planMigration(loadConfig(yaml), { precheck: {} });
    const bad = (plan.findings ?? []).filter((f) => f.code === 'default-invalid');
    expect(bad.map((f) => `${f.table}.${f.property}`)).toEqual(['A.status', 'B.status', 'D.status']);
    expect(new Set(bad.map((f) => f.source?.line)).size).toBe(3);
    expect(bad.every((f) => f.severity === 'error' && /does not compile/.test(f.message))).toBe(true);
  });
});

describe('plan JSON', () => {
  it('validates against schemas/plan.schema.json', async () => {
    const plan = await planFor((s) => {
      s.nodes.Requirement.properties.priority = { type: 'INT64', default: 0 };
      s.rels.implemented_by.multiplicity = 'MANY_ONE';
      delete s.nodes.Component.properties.owner;
    });
    const ajv = new Ajv2020({ strict: true, validateFormats: false });
    const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'schemas', 'plan.schema.json'), 'utf8')));
    expect(validate(JSON.parse(JSON.stringify(plan)))).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
    // and an invalid document is caught: the schema is not a rubber stamp
    expect(validate({ ...plan, strategy: 'sideways' })).toBe(false);
  });
});

describe('init then plan is empty', () => {
  const everyType = [
    'CREATE NODE TABLE AllTypes (id SERIAL, i8 INT8, i16 INT16, i32 INT32, i64 INT64 DEFAULT 7, i128 INT128, u8 UINT8, u16 UINT16, u32 UINT32, u64 UINT64, f FLOAT, d DOUBLE DEFAULT 1.5, dec DECIMAL(18, 4), b BOOLEAN DEFAULT true, s STRING DEFAULT \'it\\\'s\', bl BYTEA, u UUID, dt DATE, ts TIMESTAMP DEFAULT current_timestamp(), tns TIMESTAMP_NS, tms TIMESTAMP_MS, tsec TIMESTAMP_SEC, ttz TIMESTAMP_TZ, iv INTERVAL, l INT64[], ll STRING[][], arr FLOAT[3], st STRUCT(a INT64, b STRUCT(c STRING[], d DATE)), m MAP(STRING, INT64[]), un UNION(x INT64, y STRING), PRIMARY KEY (id))',
    "COMMENT ON TABLE AllTypes IS 'every type, with a \\'quote\\''",
    'CREATE NODE TABLE Other (k STRING, PRIMARY KEY (k))',
    "CREATE REL TABLE Multi (FROM AllTypes TO Other, FROM Other TO AllTypes, FROM Other TO Other, w DOUBLE DEFAULT 2.0, ONE_MANY) WITH (storage_direction = 'fwd')",
    'CREATE REL TABLE Bare (FROM Other TO Other, ONE_ONE)',
  ];
  const cases: [string, (dbPath: string) => Promise<void>][] = [
    ['tinysnb', (db) => makeDatabase(db, (e) => loadDataset(e, 'tinysnb')).then(() => undefined)],
    ['demo-db', (db) => makeDatabase(db, (e) => loadDataset(e, 'demo-db')).then(() => undefined)],
    ['every type', (db) => makeDatabase(db, async (e) => { for (const s of everyType) await e.query(s); }).then(() => undefined)],
  ];
  it.each(cases)('%s', async (_name, setup) => {
    const dir = tempDir();
    const db = path.join(dir, 'live.kuzu');
    await setup(db);
    const yaml = path.join(dir, 'kuzu-migrate.yaml');
    const init = runCli(['init', '--database', db, '-c', yaml]);
    expect(init.stderr).toBe('');
    expect(init.status).toBe(0);
    const plan = runCli(['plan', '-c', yaml, '--detailed-exitcode', '--format', 'json']);
    expect(plan.status).toBe(0);
    const doc = JSON.parse(plan.stdout) as PlanDocument;
    expect(doc.changes).toEqual([]);
    expect(doc.live_fingerprint).toBe(doc.desired_fingerprint);
    expect(doc.strategy).toBe('none');
  });
});

export type { YamlSchema };

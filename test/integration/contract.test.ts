/**
 * The plan is the contract: for every change in this table apply refuses or fails, and plan must
 * have predicted it (an error finding, or plan itself failing). "Plan green and apply red" never
 * happens. In-process API calls (the subject is the planner); one database for the whole table,
 * checked unchanged after every refused apply. Controls: valid changes plan green and apply.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { applyMigration } from '../../src/apply/apply';
import { planMigration } from '../../src/plan/planning';
import { loadConfig } from '../../src/config/config';
import { KuzuMigrateError } from '../../src/core/errors';
import { blockingFindings } from '../../src/core/findings';
import { schemaFingerprint } from '../../src/core/model';
import { journalPath } from '../../src/state/journal';
import { withEngine } from '../../src/kuzu/engine';
import { introspect } from '../../src/kuzu/introspect';
import { tempDir } from '../helpers/db';

type Y = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const base = (): Y => ({
  nodes: {
    Doc: {
      primary_key: 'id',
      properties: { id: 'STRING', n: 'STRING', ok: 'STRING', d: 'STRING', big: 'INT64', title: 'STRING', code: 'STRING', flag: 'STRING' },
    },
    Person: { primary_key: 'id', properties: { id: 'INT64', name: 'STRING' } },
  },
  rels: {
    knows: { from: 'Person', to: 'Person', multiplicity: 'MANY_MANY' },
    tagged: { from: 'Doc', to: 'Person', multiplicity: 'MANY_MANY', properties: { w: 'STRING' } },
  },
});

// 2 x 2,048 + 10 docs: the checks scan more than one Kuzu vector.
const DOCS = 4106;
const DATA = [
  `UNWIND range(1, ${DOCS}) AS i CREATE (:Doc {id: 'd' + CAST(i AS STRING), n: CASE WHEN i % 1000 = 7 THEN 'x' + CAST(i AS STRING) ELSE CAST(i AS STRING) END, ok: CAST(i AS STRING), d: CASE WHEN i = 4000 THEN 'not a date' ELSE '2024-01-01' END, big: CASE WHEN i = 3 THEN 300 ELSE 1 END, title: 'hello', code: CASE WHEN i < 3 THEN 'same' ELSE CAST(i AS STRING) END, flag: 'true'})`,
  'UNWIND range(1, 4) AS i CREATE (:Person {id: i, name: "p" + CAST(i AS STRING)})',
  'MATCH (a:Person {id: 1}), (b:Person) WHERE b.id IN [2, 3] CREATE (a)-[:knows]->(b)',
  'MATCH (a:Person {id: 3}), (b:Person {id: 2}) CREATE (a)-[:knows]->(b)',
  "MATCH (a:Doc {id: 'd1'}), (b:Person {id: 1}) CREATE (a)-[:tagged {w: 'a'}]->(b)",
];

interface Case {
  name: string;
  /** Mutates a copy of the base schema (and may return extra YAML keys). */
  edit: (s: Y) => Y | void;
  /** The finding code plan must report, or 'plan-fails' when plan itself must refuse. */
  expect: string;
  allow?: boolean;
  env?: string;
  version?: string;
  checks?: { name: string; query: string }[];
}

const CASES: Case[] = [
  { name: 'STRING → INT32 with non-numeric values', expect: 'cast-fails', allow: true, edit: (s) => void (s.nodes.Doc.properties.n = 'INT32') },
  { name: 'STRING → INT64 with non-numeric values', expect: 'cast-fails', allow: true, edit: (s) => void (s.nodes.Doc.properties.n = 'INT64') },
  { name: 'STRING → DATE with a non-date', expect: 'cast-fails', allow: true, edit: (s) => void (s.nodes.Doc.properties.d = 'DATE') },
  { name: 'INT64 → INT8 overflowing', expect: 'cast-fails', allow: true, edit: (s) => void (s.nodes.Doc.properties.big = 'INT8') },
  { name: 'STRING → BOOL with words', expect: 'cast-fails', allow: true, edit: (s) => void (s.nodes.Doc.properties.title = 'BOOL') },
  { name: 'STRING → UUID', expect: 'cast-fails', allow: true, edit: (s) => void (s.nodes.Doc.properties.code = 'UUID') },
  { name: 'default calling a misspelt function', expect: 'default-invalid', edit: (s) => void (s.nodes.Doc.properties.status = { type: 'STRING', default: "lowr('x')" }) },
  { name: 'default of the wrong type', expect: 'default-invalid', edit: (s) => void (s.nodes.Doc.properties.rank = { type: 'INT64', default: "'abc'" }) },
  { name: 'default with a syntax error', expect: 'default-invalid', edit: (s) => void (s.nodes.Person.properties.age = { type: 'INT64', default: '1 +' }) },
  { name: 'default on a new table referencing a variable in an expression', expect: 'default-invalid', edit: (s) => void (s.nodes.Tag = { primary_key: 'id', properties: { id: 'INT64', label: { type: 'STRING', default: 'upper(draft)' } } }) },
  { name: 'using with a misspelt property', expect: 'using-invalid', edit: (s) => void (s.nodes.Doc.properties.lower_title = { type: 'STRING', using: 'lower(n.titel)' }) },
  { name: 'using with an unknown function', expect: 'using-invalid', allow: true, edit: (s) => void (s.nodes.Doc.properties.ok = { type: 'INT64', using: 'nofunc(n.ok)' }) },
  { name: 'using with a syntax error', expect: 'using-invalid', edit: (s) => void (s.rels.tagged.properties.w2 = { type: 'STRING', using: 'r.w +' }) },
  // A CASE does not guard a CAST (kuzu-notes §4): it compiles, and fails on the rows holding 'x…'.
  { name: 'using with a CAST inside a CASE (retype)', expect: 'using-fails', allow: true, edit: (s) => void (s.nodes.Doc.properties.n = { type: 'INT64', using: "CASE WHEN n.n = 'n/a' THEN NULL ELSE CAST(n.n AS INT64) END" }) },
  { name: 'using whose STRING result does not convert to the declared type', expect: 'using-fails', allow: true, edit: (s) => void (s.nodes.Doc.properties.n = { type: 'INT64', using: 'upper(n.n)' }) },
  { name: 'using with a failing CAST on a new property (backfill)', expect: 'using-fails', edit: (s) => void (s.nodes.Doc.properties.n_int = { type: 'INT64', using: 'CAST(n.n AS INT64)' }) },
  { name: 'check with a syntax error', expect: 'check-invalid', edit: (s) => void (s.nodes.Person.properties.nick = 'STRING'), checks: [{ name: 'syntax', query: 'MATCH (d:Doc) WHER d.id IS NULL RETURN count(*) = 0' }] },
  { name: 'check naming a property that will not exist', expect: 'check-invalid', edit: (s) => void (s.nodes.Person.properties.nick = 'STRING'), checks: [{ name: 'prop', query: 'MATCH (d:Doc) WHERE d.nope IS NULL RETURN count(*) = 0' }] },
  { name: 'check naming a dropped table', expect: 'check-invalid', allow: true, edit: (s) => void delete s.rels.tagged, checks: [{ name: 'table', query: 'MATCH ()-[t:tagged]->() RETURN count(*) >= 0' }] },
  { name: 'drop a property without allowance', expect: 'policy-refused', edit: (s) => void delete s.nodes.Doc.properties.title },
  { name: 'drop a rel table without allowance', expect: 'policy-refused', edit: (s) => void delete s.rels.tagged },
  {
    name: 'drop allowed at the top but refused by the policy of env prod',
    expect: 'policy-refused',
    env: 'prod',
    edit: (s) => {
      delete s.nodes.Doc.properties.flag;
      return { policy: { allow_destructive: true }, environments: { prod: { policy: { allow_destructive: false } } } };
    },
  },
  { name: 'MANY_MANY → MANY_ONE with two outgoing', expect: 'multiplicity-violated', allow: true, edit: (s) => void (s.rels.knows.multiplicity = 'MANY_ONE') },
  { name: 'MANY_MANY → ONE_MANY with two incoming', expect: 'multiplicity-violated', allow: true, edit: (s) => void (s.rels.knows.multiplicity = 'ONE_MANY') },
  { name: 'MANY_MANY → ONE_ONE', expect: 'multiplicity-violated', allow: true, edit: (s) => void (s.rels.knows.multiplicity = 'ONE_ONE') },
  { name: 'primary key moved to a column with duplicates', expect: 'primary-key-duplicate', allow: true, edit: (s) => void (s.nodes.Doc.primary_key = 'code') },
  { name: 'declared version lower than the live one', expect: 'version-downgrade', version: 'v0.0.1', edit: (s) => void (s.nodes.Person.properties.nick = 'STRING') },
  { name: 'same version, different schema', expect: 'version-reused', version: 'v1.0.0', edit: (s) => void (s.nodes.Person.properties.nick = 'STRING') },
  { name: 'database path that does not exist', expect: 'database-missing', edit: () => ({ database: './db/grpah.kuzu' }) },
  { name: 'renamed_from a property that does not exist', expect: 'plan-fails', edit: (s) => void (s.nodes.Person.properties.full_name = { type: 'STRING', renamed_from: 'nam' }) },
  { name: 'renamed_from a table that does not exist', expect: 'plan-fails', edit: (s) => void (s.nodes.People = { ...s.nodes.Person, renamed_from: 'Persn' }) },
];

describe('plan predicts every apply failure', () => {
  const dir = tempDir('km-contract-');
  const yaml = path.join(dir, 'kuzu-migrate.yaml');
  const db = path.join(dir, 'db', 'graph.kuzu');
  let minor = 1;
  const write = (schema: Y, extra: Y = {}, version?: string) =>
    fs.writeFileSync(yaml, stringify({ version: version ?? `v1.${minor++}.0`, database: './db/graph.kuzu', backups: './backups', ...extra, schema }));
  const state = async () => withEngine(db, { readOnly: true }, async (e) => ({ schema: schemaFingerprint((await introspect(e)).schema), docs: await e.scalar('MATCH (d:Doc) RETURN count(*)') }));

  beforeAll(async () => {
    write(base(), { create: true }, 'v1.0.0');
    await applyMigration(loadConfig(yaml), {});
    await withEngine(db, {}, async (e) => {
      for (const s of DATA) await e.query(s);
    });
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await state();
    const schema = base();
    const extra = c.edit(schema) ?? {};
    write(schema, { ...extra, ...(c.checks ? { checks: c.checks } : {}) }, c.version);
    const config = loadConfig(yaml, { env: c.env });
    const allowDestructive = c.allow ?? false;

    let planCodes: string[] | 'plan-fails';
    try {
      const plan = await planMigration(config, { precheck: { allowDestructive } });
      planCodes = blockingFindings(plan.findings ?? []).map((f) => f.code);
    } catch (err) {
      expect(err).toBeInstanceOf(KuzuMigrateError);
      planCodes = 'plan-fails';
    }
    let applyError: unknown = null;
    await applyMigration(config, { allowDestructive }).catch((err) => (applyError = err));

    // apply red …
    expect(applyError).toBeInstanceOf(KuzuMigrateError);
    expect((applyError as KuzuMigrateError).exitCode).not.toBe(0);
    // … was predicted by plan, with the expected finding
    if (c.expect === 'plan-fails') expect(planCodes).toBe('plan-fails');
    else expect(planCodes).toContain(c.expect);
    // and nothing changed
    expect(fs.existsSync(journalPath(db))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'db', 'grpah.kuzu'))).toBe(false);
    expect(await state()).toEqual(before);
  });

  it('valid changes plan green (no error finding) and apply', async () => {
    const schema = base();
    schema.nodes.Doc.properties.ok = 'INT32'; // every value converts
    schema.nodes.Doc.properties.lower_title = { type: 'STRING', using: 'lower(n.title)' };
    schema.nodes.Doc.properties.status = { type: 'STRING', default: "'draft'" };
    // The guarded form of the failing CASE above: plans green and converts what is numeric.
    schema.nodes.Doc.properties.n = { type: 'INT64', using: "CAST(CASE WHEN regexp_matches(n.n, '^-?[0-9]+$') THEN n.n ELSE NULL END AS INT64)" };
    write(schema, { checks: [{ name: 'docs', query: 'MATCH (d:Doc) WHERE d.status IS NULL RETURN count(*) = 0' }] });
    const config = loadConfig(yaml);
    const plan = await planMigration(config, { precheck: { allowDestructive: true } });
    expect(plan.findings).toEqual([]);
    const r = await applyMigration(config, { allowDestructive: true });
    expect(r.status).toBe('applied');
    await withEngine(db, { readOnly: true }, async (e) => {
      expect(await e.scalar("MATCH (d:Doc {id: 'd5'}) RETURN d.ok + 1")).toBe(6);
      expect(await e.scalar("MATCH (d:Doc) WHERE d.status = 'draft' AND d.lower_title = 'hello' RETURN count(*)")).toBe(DOCS);
      expect(await e.scalar('MATCH (d:Doc) WHERE d.n IS NULL RETURN count(*)')).toBe(5); // 'x7', 'x1007', … 'x4007'
      expect(await e.scalar("MATCH (d:Doc {id: 'd4106'}) RETURN d.n")).toBe(4106);
    });
  });
});

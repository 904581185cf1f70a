/**
 * The plan JSON as a documented contract: snake_case throughout, a description for every field of
 * schemas/plan.schema.json, plans built by the planner valid against it, and a plan of another
 * format refused with a hint to plan again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { KuzuMigrateError } from '../../src/core/errors';
import { diffSchemas } from '../../src/core/diff';
import { Schema } from '../../src/core/model';
import { buildPlan, desiredSchemaOf, PLAN_FORMAT_VERSION } from '../../src/core/plan';
import { checkPlanFormat, fromPlanSchema, toPlanSchema } from '../../src/core/plan-document';
import { schemaFieldProblems } from '../helpers/schemas';

const ROOT = path.resolve(__dirname, '..', '..');
const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'plan.schema.json'), 'utf8'));
const goldenPlan = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'golden', 'plan.json'), 'utf8'));
const validate = new Ajv2020({ strict: true, validateFormats: false }).compile(schema);

/** Every key of every object inside `x`, with its path. */
function keys(x: unknown, at = '$'): string[] {
  if (Array.isArray(x)) return x.flatMap((v, i) => keys(v, `${at}[${i}]`));
  if (x && typeof x === 'object') return Object.entries(x).flatMap(([k, v]) => [`${at}.${k}`, ...keys(v, `${at}.${k}`)]);
  return [];
}

const live: Schema = {
  nodes: [{ kind: 'node', name: 'A', primaryKey: 'id', comment: '', properties: [{ name: 'id', type: 'INT64', default: null }, { name: 'x', type: 'INT32', default: '0' }] }],
  rels: [{ kind: 'rel', name: 'R', connections: [{ from: 'A', to: 'A' }], multiplicity: 'MANY_MANY', storageDirection: 'both', comment: '', properties: [] }],
};
const desired: Schema = JSON.parse(JSON.stringify(live));
desired.nodes[0].properties[1] = { name: 'y', type: 'INT64', default: '0', renamedFrom: 'x' };
desired.rels[0].storageDirection = 'fwd';
const plan = buildPlan({ live, desired, changes: diffSchemas(live, desired).changes, warnings: [], databaseExists: true, meta: { toolVersion: '1.0.0', kuzuVersion: '0.11.3', version: 'v1.0.0', environment: null, database: '/db.kuzu' } });

describe('plan JSON format', () => {
  it(`is format_version ${PLAN_FORMAT_VERSION}, and the schema says so`, () => {
    expect(plan.format_version).toBe(PLAN_FORMAT_VERSION);
    expect(schema.properties.format_version.const).toBe(PLAN_FORMAT_VERSION);
  });

  it('every field of the schema has a description and a snake_case name (oneOf branches and $defs too)', () => {
    expect(schemaFieldProblems(schema)).toEqual({ undescribed: [], notSnakeCase: [] });
  });

  it('the schema walk is not a rubber stamp: it finds a field hidden in a oneOf branch or under $defs', () => {
    const hidden = { properties: { a: { description: 'the a', oneOf: [{ type: 'null' }, { type: 'object', properties: { b: { type: 'string' } } }] } }, $defs: { d: { description: 'a def', properties: { someKey: { description: 'camel' } } } } };
    expect(schemaFieldProblems(hidden)).toEqual({ undescribed: ['$.a/oneOf[1].b'], notSnakeCase: ['$/$defs.d.someKey'] });
  });

  it('a built plan and the CLI golden plan validate; every key is snake_case', () => {
    for (const doc of [JSON.parse(JSON.stringify(plan)), goldenPlan]) {
      expect(validate(doc)).toBe(true);
      expect(keys(doc).filter((k) => /[A-Z]/.test(k.split('.').pop()!))).toEqual([]);
    }
    expect(keys(JSON.parse(JSON.stringify(plan)))).toEqual(expect.arrayContaining(['$.desired_schema.nodes[0].primary_key', '$.desired_schema.nodes[0].properties[1].renamed_from', '$.desired_schema.rels[0].storage_direction']));
  });

  it('the schema is not a rubber stamp: a camelCase key or a wrong value is invalid', () => {
    const doc = JSON.parse(JSON.stringify(plan));
    doc.desired_schema.nodes[0].primaryKey = doc.desired_schema.nodes[0].primary_key;
    expect(validate(doc)).toBe(false);
    expect(validate({ ...JSON.parse(JSON.stringify(plan)), strategy: 'sideways' })).toBe(false);
    expect(validate({ ...JSON.parse(JSON.stringify(plan)), format_version: 1 })).toBe(false);
  });

  it('desired_schema converts back to the model exactly', () => {
    expect(desiredSchemaOf(plan)).toEqual(desired);
    expect(fromPlanSchema(toPlanSchema(live))).toEqual(live);
  });
});

describe('reading a saved plan', () => {
  const errorOf = (doc: unknown): KuzuMigrateError => {
    try {
      checkPlanFormat(doc, 'plan.json', PLAN_FORMAT_VERSION);
    } catch (e) {
      return e as KuzuMigrateError;
    }
    throw new Error('accepted');
  };

  it('accepts a plan of this format', () => expect(() => checkPlanFormat(JSON.parse(JSON.stringify(plan)), 'plan.json', PLAN_FORMAT_VERSION)).not.toThrow());

  it('refuses a format 1 plan (exit 3, E_PLAN_FORMAT) saying to plan again', () => {
    const old = { ...JSON.parse(JSON.stringify(plan)), format_version: 1 };
    const e = errorOf(old);
    expect([e.code, e.exitCode]).toEqual(['E_PLAN_FORMAT', 3]);
    expect(e.message).toMatch(/format_version 1/);
    expect(e.hints.join(' ')).toMatch(/kuzu-migrate plan/);
  });

  it.each([[null], [[]], [{}], [{ format_version: 2 }], [{ format_version: 2, desired_schema: {}, tool: { name: 'other' } }]])('refuses %j as not a plan (exit 64)', (doc) => {
    expect(errorOf(doc).exitCode).toBe(64);
  });
});

/** A saved plan file checked against schemas/plan.schema.json before apply trusts any field of it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';

/** src/apply and dist/apply are both two levels below the package root, next to schemas/. */
export const PLAN_SCHEMA_PATH = join(__dirname, '..', '..', 'schemas', 'plan.schema.json');

let validate: ValidateFunction | null = null;

/** Every way `doc` breaks the plan schema, as `/path: message` lines; [] for a valid plan. */
export function planSchemaProblems(doc: unknown): string[] {
  validate ??= new Ajv2020({ allErrors: true, strict: false, validateFormats: false }).compile(JSON.parse(readFileSync(PLAN_SCHEMA_PATH, 'utf8')));
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? 'invalid'}`);
}

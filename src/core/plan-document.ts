/**
 * The plan as a saved document: its schema part in snake_case (the JSON contract is snake_case
 * throughout, schemas/plan.schema.json), and reading a saved plan back, refusing other formats.
 * Pure: the caller reads the file.
 */
import type { Schema } from './model';
import { RefusedError, UsageError } from './errors';

/** `primaryKey` → `primary_key`, at the type level. */
type Snake<S extends string> = S extends `${infer H}${infer T}` ? `${H extends Lowercase<H> ? H : `_${Lowercase<H>}`}${Snake<T>}` : S;
/** An object type with every key, at every depth, in snake_case. */
export type SnakeKeys<T> = T extends readonly (infer U)[] ? SnakeKeys<U>[] : T extends object ? { [K in keyof T as K extends string ? Snake<K> : K]: K extends 'options' ? T[K] : SnakeKeys<T[K]> } : T;

/**
 * The desired schema as the plan JSON spells it: the model (core/model.ts) with snake_case keys
 * (`primary_key`, `renamed_from`, `storage_direction`). Derived from the model's type, so a field
 * added to the model appears here (and must be described in schemas/plan.schema.json, whose test
 * refuses unknown fields).
 */
export type PlanSchema = SnakeKeys<Schema>;

/** A key converter that remembers: a schema has thousands of keys but a dozen distinct ones. */
function memo(convert: (k: string) => string): (k: string) => string {
  const seen = new Map<string, string>();
  return (k) => {
    let v = seen.get(k);
    if (v === undefined) seen.set(k, (v = convert(k)));
    return v;
  };
}
const toSnake = memo((k) => k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase()));
const toCamel = memo((k) => k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()));

/**
 * Renames every key at every depth. Safe for the schema model because its keys are all field
 * names: user-chosen names (tables, properties) only ever appear as values. A plain loop rather
 * than entries/fromEntries: a 300-table schema is converted three times per plan (issue 14).
 */
function mapKeys(x: unknown, f: (k: string) => string): unknown {
  if (Array.isArray(x)) return x.map((v) => mapKeys(v, f));
  if (x !== null && typeof x === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(x)) {
      const v = (x as Record<string, unknown>)[k];
      // An index's `options` are Kuzu's own option names (`stopWords`, `ignore_pattern`): kept as they are.
      out[f(k)] = k === 'options' ? v : mapKeys(v, f);
    }
    return out;
  }
  return x;
}

/** The model schema as the plan JSON writes it. */
export function toPlanSchema(schema: Schema): PlanSchema {
  return mapKeys(schema, toSnake) as PlanSchema;
}

/** The plan JSON's schema back as the model. Inverse of toPlanSchema. */
export function fromPlanSchema(schema: PlanSchema): Schema {
  return mapKeys(schema, toCamel) as Schema;
}

/**
 * Checks that a parsed JSON value is a plan this version of kuzu-migrate applies. A plan of another
 * format (format_version 1 wrote camelCase schema keys) is refused rather than converted: plans are
 * short-lived, and planning again against the live database is both easy and safer.
 * Throws UsageError (64) when `doc` is not a plan at all, RefusedError E_PLAN_FORMAT (3) when it is
 * a plan of another format.
 */
export function checkPlanFormat(doc: unknown, file: string, expected: number): void {
  const hint = ['write one with `kuzu-migrate plan --out FILE`'];
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError(`${file} is not a kuzu-migrate plan: not a JSON object`, hint);
  const d = doc as { format_version?: unknown; desired_schema?: unknown; tool?: { name?: unknown } };
  const ours = typeof d.tool === 'object' && d.tool !== null && d.tool.name === 'kuzu-migrate';
  if (ours && typeof d.format_version === 'number' && d.format_version !== expected) {
    throw new RefusedError(`${file} is a plan of format_version ${d.format_version}; this kuzu-migrate reads format_version ${expected}`, 'E_PLAN_FORMAT', [
      'run `kuzu-migrate plan --out FILE` again and apply the new plan (plans are short-lived: it is re-checked against the live database anyway)',
    ]);
  }
  if (!ours || d.format_version !== expected || !d.desired_schema) throw new UsageError(`${file} is not a kuzu-migrate plan`, hint);
}

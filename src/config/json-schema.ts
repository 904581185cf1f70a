/**
 * Structural validation with ajv against schemas/kuzu-migrate.schema.json (the same file editors
 * use through `# yaml-language-server: $schema=...`), with ajv's errors turned into diagnostics
 * that point into the YAML and speak the config's language ("unknown key", "did you mean").
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { Diagnostic } from '../core/errors';
import { closest, didYouMean } from './suggest';
import type { Path, YamlSource } from './source';

/** src/config and dist/config are both two levels below the package root, next to schemas/. */
export const CONFIG_SCHEMA_PATH = join(__dirname, '..', '..', 'schemas', 'kuzu-migrate.schema.json');

interface Validators {
  config: ValidateFunction;
  schemaFile: ValidateFunction;
}
let validators: Validators | undefined;

function load(): Validators {
  if (validators) return validators;
  const schema = JSON.parse(readFileSync(CONFIG_SCHEMA_PATH, 'utf8')) as { $id: string };
  // allErrors: report every problem at once; verbose: errors carry their schema (for "expected").
  const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true, strictTypes: false });
  ajv.addSchema(schema);
  const config = ajv.getSchema(schema.$id);
  const schemaFile = ajv.getSchema(`${schema.$id}#/definitions/schemaFile`);
  if (!config || !schemaFile) throw new Error(`cannot compile ${CONFIG_SCHEMA_PATH}`);
  validators = { config, schemaFile };
  return validators;
}

/** Hints for keys that are misplaced rather than misspelt. */
const MISPLACED: Record<string, string> = {
  from: '`from`/`to` belong to rel tables (under `rels:`)',
  to: '`from`/`to` belong to rel tables (under `rels:`)',
  connections: '`connections` belongs to rel tables (under `rels:`)',
  multiplicity: '`multiplicity` belongs to rel tables (under `rels:`)',
  storage_direction: '`storage_direction` belongs to rel tables (under `rels:`)',
  primary_key: 'only node tables have a primary key; rel tables are keyed by their endpoints',
  using: '`using` is only allowed on a property: `name: { type: T, using: "..." }`',
  default: '`default` is only allowed on a property: `name: { type: T, default: ... }`',
  type: '`type` is only allowed on a property',
  comment: 'Kuzu has comments on tables only, not on properties',
  migrations: '`migrations` cannot be overridden per environment',
};

const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true/false',
};

const label = (path: Path): string => (path.length === 0 ? 'the file' : path.join('.'));

/** Friendly "expected" text for `pattern` errors, by the key the value sits under. */
function patternExpectation(path: Path): string {
  if (path[path.length - 1] === 'version') return 'vMAJOR.MINOR.PATCH, e.g. v1.0.0';
  if (path.includes('allow_destructive')) return 'a table name or Table.property';
  return 'a value matching the schema';
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * Validates `value` (the whole config, or a referenced schema file) and returns diagnostics.
 * `base` is the path of `value` inside `src` (always [] today: both are whole documents).
 */
export function structuralDiagnostics(kind: 'config' | 'schemaFile', value: unknown, src: YamlSource, base: Path = []): Diagnostic[] {
  const validate = load()[kind];
  if (validate(value)) return [];
  const errors = validate.errors ?? [];
  // A missing required key that a misspelt key next to it explains is reported once, on the typo.
  const explained = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    const allowed = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
    const guess = closest(String(e.params.additionalProperty), allowed);
    if (guess) explained.add(`${e.instancePath}|${guess}`);
  }
  const out: Diagnostic[] = [];
  for (const e of errors) {
    const d = toDiagnostic(e, src, base, explained);
    if (d) out.push(d);
  }
  return out;
}

function toDiagnostic(e: ErrorObject, src: YamlSource, base: Path, explained: Set<string>): Diagnostic | undefined {
  const path = [...base, ...parsePointer(e.instancePath)];
  const at = (p: Path, anchor: 'key' | 'value' = 'value') => src.diag(src.locate(p, anchor));
  const parent = e.parentSchema as { properties?: Record<string, unknown>; enum?: unknown[] } | undefined;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const allowed = Object.keys(parent?.properties ?? {});
      const guess = didYouMean(key, allowed);
      return {
        ...at([...path, key], 'key'),
        message: `unknown key "${key}" in ${label(path)}`,
        expected: allowed.length ? `one of ${allowed.join(', ')}` : undefined,
        hint: guess ?? MISPLACED[key],
      };
    }
    case 'required': {
      const key = String(e.params.missingProperty);
      if (explained.has(`${e.instancePath}|${key}`)) return undefined;
      return { ...at(path, 'key'), message: `${label(path)} is missing "${key}"` };
    }
    case 'dependencies': {
      const has = String(e.params.property);
      const missing = String(e.params.missingProperty);
      return { ...at([...path, has], 'key'), message: `${label(path)} has "${has}" but no "${missing}"`, hint: 'a rel table needs both `from` and `to` (or a `connections` list)' };
    }
    case 'type': {
      const types = (Array.isArray(e.params.type) ? e.params.type : String(e.params.type).split(',')) as string[];
      // `null` is allowed only where "no value" means something (a default); not worth saying.
      const words = types.filter((t) => t !== 'null').map((t) => TYPE_WORDS[t] ?? t);
      const expected = words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}` : words[0];
      return { ...at(path), message: `${label(path)} must be ${expected}`, expected };
    }
    case 'enum': {
      const allowed = (parent?.enum ?? (e.params.allowedValues as unknown[])).map(String);
      return {
        ...at(path),
        message: `invalid ${path[path.length - 1] ?? 'value'} ${JSON.stringify(e.data)}`,
        expected: `one of ${allowed.join(', ')}`,
        hint: typeof e.data === 'string' ? didYouMean(e.data, allowed) : undefined,
      };
    }
    case 'pattern':
      return {
        ...at(path),
        message: path[path.length - 1] === 'version' ? `invalid version ${JSON.stringify(e.data)}` : `invalid value ${JSON.stringify(e.data)} in ${label(path)}`,
        expected: patternExpectation(path),
      };
    case 'minLength':
      return { ...at(path), message: `${label(path)} must not be empty` };
    case 'minItems':
      return { ...at(path), message: `${label(path)} must not be an empty list` };
    case 'minimum':
      return { ...at(path), message: `${label(path)} must be at least ${String(e.params.limit)}` };
    default:
      return { ...at(path), message: `${label(path)} ${e.message ?? 'is invalid'}` };
  }
}

/**
 * Structural validation with ajv against schemas/kuzu-migrate.schema.json (the same file editors
 * use through `# yaml-language-server: $schema=...`), with ajv's errors turned into diagnostics
 * that point into the YAML and speak the config's language ("unknown key", "did you mean").
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorObject, Options as AjvOptions } from 'ajv';
import type { Diagnostic } from '../core/errors';
import { closest, didYouMean } from './suggest';
import type { Path, YamlSource } from './source';

/** src/config and dist/config are both two levels below the package root, next to schemas/. */
export const CONFIG_SCHEMA_PATH = join(__dirname, '..', '..', 'schemas', 'kuzu-migrate.schema.json');

/**
 * The validators precompiled from CONFIG_SCHEMA_PATH by `npm run build` (scripts/gen-validators.js,
 * ajv's standalone code): loading them costs ≈ 25 ms of CPU where compiling the schema with ajv at
 * start-up cost ≈ 140 ms (issue 14). Only in dist/; the schema file stays the single source.
 */
export const PRECOMPILED_VALIDATORS_PATH = join(__dirname, 'config-validators.js');

/** ajv's options, the same for the precompiled validators and the run-time fallback. */
const AJV_OPTIONS: AjvOptions = {
  // allErrors: report every problem at once; verbose: errors carry their schema (for "expected").
  allErrors: true,
  verbose: true,
  allowUnionTypes: true,
  strictTypes: false,
};

/** A validator as ajv's compiled and standalone code both shape it: errors on the function. */
type Validate = ((value: unknown) => boolean) & { errors?: ErrorObject[] | null };

export interface Validators {
  config: Validate;
  schemaFile: Validate;
}
let validators: Validators | undefined;

/** The $id of the schema and of its `schemaFile` definition, the two entry points. */
function entryPoints(schema: { $id: string }): Record<keyof Validators, string> {
  return { config: schema.$id, schemaFile: `${schema.$id}#/definitions/schemaFile` };
}

function readSchema(): { text: string; schema: { $id: string } } {
  const text = readFileSync(CONFIG_SCHEMA_PATH, 'utf8');
  return { text, schema: JSON.parse(text) as { $id: string } };
}

/** sha256 (hex) of the schema file's text: the precompiled validators name the text they came from. */
function schemaDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The validators of this process, loaded on first use. */
function load(): Validators {
  validators ??= loadValidators();
  return validators;
}

/**
 * The validators: the module at `precompiledPath` when it was generated from the schema file as it is
 * now (its digest matches), else compiled with ajv here (a tree built with `tsc` alone, or a schema
 * edited since the last `npm run build`: slower, same answers). `precompiled` says which was used.
 */
export function loadValidators(precompiledPath: string = PRECOMPILED_VALIDATORS_PATH): Validators & { precompiled: boolean } {
  const { text, schema } = readSchema();
  if (existsSync(precompiledPath)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pre = require(precompiledPath) as Partial<Validators> & { schemaSha256?: string };
    if (pre.schemaSha256 === schemaDigest(text) && pre.config && pre.schemaFile) return { config: pre.config, schemaFile: pre.schemaFile, precompiled: true };
  }
  // Loaded only here: ajv's compiler is ≈ 40 ms of module loading the precompiled path never needs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Ajv = (require('ajv') as typeof import('ajv')).default;
  const ajv = new Ajv(AJV_OPTIONS);
  ajv.addSchema(schema);
  const ids = entryPoints(schema);
  const config = ajv.getSchema(ids.config);
  const schemaFile = ajv.getSchema(ids.schemaFile);
  if (!config || !schemaFile) throw new Error(`cannot compile ${CONFIG_SCHEMA_PATH}`);
  return { config, schemaFile, precompiled: false };
}

/**
 * The source of the precompiled validators module (CommonJS) for the schema file as it is now:
 * ajv's standalone code exporting `config` and `schemaFile`, plus `schemaSha256`, the digest of
 * the schema text it was generated from (load() uses the module only while that still matches).
 * Called by scripts/gen-validators.js at build time; needs ajv's compiler, never run by a command.
 */
export function precompiledValidatorsSource(): string {
  const { text, schema } = readSchema();
  /* eslint-disable @typescript-eslint/no-require-imports */
  const Ajv = (require('ajv') as typeof import('ajv')).default;
  const standalone = (require('ajv/dist/standalone') as typeof import('ajv/dist/standalone')).default;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
  ajv.addSchema(schema);
  const code = standalone(ajv, entryPoints(schema));
  return (
    `// Generated by scripts/gen-validators.js from schemas/kuzu-migrate.schema.json (ajv standalone); do not edit.\n` +
    `${code}\nexports.schemaSha256 = ${JSON.stringify(schemaDigest(text))};\n`
  );
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

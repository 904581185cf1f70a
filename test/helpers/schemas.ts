/**
 * The commands' `--json` output contracts (schemas/<command>.output.schema.json, plan.schema.json,
 * error.output.schema.json), compiled once. runCli validates every `--json` output against them,
 * so each e2e test that reads `--json` also checks the contract.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';

const SCHEMAS = path.resolve(__dirname, '..', '..', 'schemas');
let compiled: Map<string, ValidateFunction> | null = null;

/** Every schema file of schemas/, by file name. */
export function loadSchemas(): Map<string, object> {
  return new Map(fs.readdirSync(SCHEMAS).filter((f) => f.endsWith('.schema.json')).map((f) => [f, JSON.parse(fs.readFileSync(path.join(SCHEMAS, f), 'utf8')) as object]));
}

function validators(): Map<string, ValidateFunction> {
  if (compiled) return compiled;
  const ajv = new Ajv2020({ strict: true, validateFormats: false, allErrors: true });
  // The output contracts and the plan (draft 2020-12); the YAML's schema is draft-07, for editors.
  const all = new Map([...loadSchemas()].filter(([f]) => f === 'plan.schema.json' || f.endsWith('.output.schema.json')));
  for (const s of all.values()) ajv.addSchema(s);
  compiled = new Map([...all].map(([f, s]) => [f, ajv.getSchema((s as { $id: string }).$id)!]));
  return compiled;
}

/** The schema file `command`'s `--json` output follows; the error envelope when `doc` is one. */
export function outputSchemaFile(command: string, doc: unknown): string {
  if (doc && typeof doc === 'object' && 'error' in doc) return 'error.output.schema.json';
  // `--all` runs (and `fleet report`) print a FleetResult whatever the command.
  if (doc && typeof doc === 'object' && 'fleet_format' in doc) return 'fleet.output.schema.json';
  return command === 'plan' ? 'plan.schema.json' : `${command}.output.schema.json`;
}

/** Problems of `doc` against its output schema ([] when valid); throws when there is no schema. */
export function outputProblems(command: string, doc: unknown): string[] {
  const file = outputSchemaFile(command, doc);
  const validate = validators().get(file);
  if (!validate) throw new Error(`no output schema schemas/${file} for \`${command} --json\``);
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${file}: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}

/**
 * Walks a JSON Schema through every place a subschema can stand (properties, items, prefixItems,
 * additionalProperties, oneOf/anyOf/allOf, if/then/else, not, $defs/definitions) and lists, by path, the
 * property definitions without a description and the property names that are not snake_case.
 */
export function schemaFieldProblems(node: unknown, at = '$'): { undescribed: string[]; notSnakeCase: string[] } {
  const out = { undescribed: [] as string[], notSnakeCase: [] as string[] };
  const walk = (n: unknown, p: string): void => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach((v, i) => walk(v, `${p}[${i}]`));
    const s = n as Record<string, unknown>;
    for (const [k, v] of Object.entries((s.properties as Record<string, Record<string, unknown>>) ?? {})) {
      if (typeof v?.description !== 'string' || v.description.length < 3) out.undescribed.push(`${p}.${k}`);
      // `kuzu-migrate` (version --json) names the tool, as its other keys name engines.
      if (!/^[a-z][a-z0-9_]*$/.test(k) && k !== 'kuzu-migrate') out.notSnakeCase.push(`${p}.${k}`);
      walk(v, `${p}.${k}`);
    }
    for (const key of ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains']) if (s[key] && typeof s[key] === 'object') walk(s[key], `${p}/${key}`);
    for (const key of ['oneOf', 'anyOf', 'allOf', 'prefixItems']) if (Array.isArray(s[key])) (s[key] as unknown[]).forEach((v, i) => walk(v, `${p}/${key}[${i}]`));
    for (const defs of ['$defs', 'definitions']) {
      for (const [k, v] of Object.entries((s[defs] as Record<string, unknown>) ?? {})) {
        if (typeof (v as { description?: unknown }).description !== 'string') out.undescribed.push(`${p}/${defs}.${k}`);
        walk(v, `${p}/${defs}.${k}`);
      }
    }
  };
  walk(node, at);
  return out;
}

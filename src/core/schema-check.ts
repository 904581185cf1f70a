/**
 * Checks a Schema that comes from a file we did not just build (a saved plan's desired_schema, a
 * snapshot manifest's schema) before any Cypher is generated from it: the right shape (so a
 * malformed file is a one-line error, never a TypeError deep inside the planner), names that are
 * legal identifiers (so quoting is safe), types that parse in the Kuzu type grammar, enums that are
 * enums, and `default` / `using` that are exactly one expression (core/cypher-guard.ts). The YAML's
 * schema gets the same checks, with line and column, in config/config.ts. Pure.
 */
import { expressionProblem } from './cypher-guard';
import { identifierProblem } from './identifiers';
import { MULTIPLICITIES, STORAGE_DIRECTIONS, type Schema } from './model';
import { tryParseType } from './types';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every problem of `value` as a Schema, one line each naming where (`nodes[0].properties[2].default`),
 * empty when it is sound. kuzu-migrate's own reserved names (`_km_...`) are accepted as names.
 */
export function schemaProblems(value: unknown): string[] {
  const out: string[] = [];
  if (!isObject(value)) return ['is not an object with nodes and rels'];
  for (const kind of ['nodes', 'rels'] as const) {
    const tables = value[kind];
    if (!Array.isArray(tables)) {
      out.push(`${kind} is not a list`);
      continue;
    }
    tables.forEach((t, i) => {
      const at = `${kind}[${i}]`;
      if (!isObject(t)) return out.push(`${at} is not an object`);
      const name = nameProblem(t.name);
      if (name) out.push(`${at}.name: ${name}`);
      const label = typeof t.name === 'string' ? `${at} (${t.name})` : at;
      if (t.kind !== (kind === 'nodes' ? 'node' : 'rel')) out.push(`${label}.kind is not "${kind === 'nodes' ? 'node' : 'rel'}"`);
      if (typeof t.comment !== 'string') out.push(`${label}.comment is not a string`);
      if (t.renamedFrom !== undefined && nameProblem(t.renamedFrom)) out.push(`${label}.renamedFrom: ${nameProblem(t.renamedFrom)}`);
      if (kind === 'nodes' && nameProblem(t.primaryKey)) out.push(`${label}.primaryKey: ${nameProblem(t.primaryKey)}`);
      if (kind === 'rels') {
        if (!MULTIPLICITIES.includes(t.multiplicity as never)) out.push(`${label}.multiplicity is not one of ${MULTIPLICITIES.join(', ')}`);
        if (!STORAGE_DIRECTIONS.includes(t.storageDirection as never)) out.push(`${label}.storageDirection is not one of ${STORAGE_DIRECTIONS.join(', ')}`);
        if (!Array.isArray(t.connections)) out.push(`${label}.connections is not a list`);
        else {
          t.connections.forEach((c, j) => {
            if (!isObject(c)) return out.push(`${label}.connections[${j}] is not an object`);
            for (const side of ['from', 'to'] as const) {
              const p = nameProblem(c[side]);
              if (p) out.push(`${label}.connections[${j}].${side}: ${p}`);
            }
          });
        }
      }
      if (!Array.isArray(t.properties)) return out.push(`${label}.properties is not a list`);
      t.properties.forEach((p, j) => {
        const pat = `${label}.properties[${j}]`;
        if (!isObject(p)) return out.push(`${pat} is not an object`);
        const n = nameProblem(p.name);
        if (n) out.push(`${pat}.name: ${n}`);
        if (p.renamedFrom !== undefined && nameProblem(p.renamedFrom)) out.push(`${pat}.renamedFrom: ${nameProblem(p.renamedFrom)}`);
        if (typeof p.type !== 'string' || !tryParseType(p.type).ok) out.push(`${pat}.type ${JSON.stringify(p.type)} is not a Kuzu type`);
        if (p.default !== null && typeof p.default !== 'string') out.push(`${pat}.default is not a string or null`);
        else if (typeof p.default === 'string' && p.default.trim() !== '') {
          const e = expressionProblem(p.default, 'default');
          if (e) out.push(`${pat}.default: ${e.message}`);
        }
        if (p.using !== undefined) {
          const e = typeof p.using === 'string' ? expressionProblem(p.using, 'using') : { message: 'using is not a string' };
          if (e) out.push(`${pat}.using: ${e.message}`);
        }
      });
    });
  }
  return out;
}

/** Like identifierProblem, but kuzu-migrate's own reserved names (`_km_...`) are names too. */
function nameProblem(name: unknown): string | null {
  const p = identifierProblem(name);
  return p && /is reserved for kuzu-migrate/.test(p) ? null : p;
}

/** Narrowing helper: `value` is a sound Schema (schemaProblems found nothing). */
export function isSoundSchema(value: unknown): value is Schema {
  return schemaProblems(value).length === 0;
}

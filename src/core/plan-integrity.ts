/**
 * A saved plan file (`plan --out`, applied with `apply plan.json`) is checked whole before it is
 * used, in two steps that stay separate so other checks (JSON Schema, database/environment) can
 * join them:
 *   1. parsePlanFile: JSON of the right shape, with a sound desired_schema (core/schema-check.ts:
 *      identifiers, types, one-expression defaults and `using`) — else UsageError (exit 64), one line;
 *   2. planIntegrityProblems, after apply re-planned from the live database: desired_schema hashes
 *      to desired_fingerprint, the tool version is this one, and the re-planned steps are exactly
 *      the saved ones — else apply refuses with RefusedError E_PLAN_MODIFIED (exit 3).
 * Apply never runs a saved plan's steps: it runs the re-planned ones, so (2) makes sure they are
 * what the reviewer read. Pure.
 */
import { UsageError } from './errors';
import { schemaFingerprint } from './model';
import { desiredSchemaOf, PLAN_FORMAT_VERSION, type PlanDocument } from './plan';
import { checkPlanFormat, fromPlanSchema, type PlanSchema } from './plan-document';
import { schemaProblems } from './schema-check';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses the text of a plan file named `name`. Throws UsageError (exit 64) with one line saying
 * what is wrong: not JSON, not a kuzu-migrate plan of this format_version, or a field of the wrong shape.
 */
export function parsePlanFile(text: string, name: string): PlanDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`plan file ${name} is not JSON: ${(err as Error).message}`, ['write it with `kuzu-migrate plan --out FILE`']);
  }
  // An older format_version is refused with the hint to re-plan (exit 3), before its shape is judged.
  if (isObject(value) && typeof value.format_version === 'number' && value.format_version !== PLAN_FORMAT_VERSION) checkPlanFormat(value, `plan file ${name}`, PLAN_FORMAT_VERSION);
  const problem = planShapeProblem(value);
  if (problem) throw new UsageError(`plan file ${name} is not a kuzu-migrate plan: ${problem}`, ['write it with `kuzu-migrate plan --out FILE`']);
  return value as PlanDocument;
}

/** The first shape problem of a parsed plan, or null. */
export function planShapeProblem(v: unknown): string | null {
  if (!isObject(v)) return 'not a JSON object';
  if (v.format_version !== PLAN_FORMAT_VERSION) return `format_version ${JSON.stringify(v.format_version)} is not ${PLAN_FORMAT_VERSION}`;
  if (!isObject(v.tool) || v.tool.name !== 'kuzu-migrate' || typeof v.tool.version !== 'string') return 'tool is not {name: "kuzu-migrate", version}';
  for (const k of ['live_fingerprint', 'desired_fingerprint', 'version'] as const) if (typeof v[k] !== 'string') return `${k} is not a string`;
  if (v.rewrite_strategy !== undefined && v.rewrite_strategy !== null && v.rewrite_strategy !== 'transaction' && v.rewrite_strategy !== 'export') {
    return 'rewrite_strategy is not transaction, export or null';
  }
  if (!Array.isArray(v.steps)) return 'steps is not a list';
  const badStep = v.steps.findIndex((s) => !isObject(s) || typeof s.statement !== 'string' || typeof s.phase !== 'string');
  if (badStep >= 0) return `steps[${badStep}] is not a step with phase and statement`;
  const schema = isObject(v.desired_schema) ? schemaProblems(fromPlanSchema(v.desired_schema as unknown as PlanSchema)) : ['is not an object with nodes and rels'];
  if (schema.length) return `desired_schema.${schema[0]}${schema.length > 1 ? ` (and ${schema.length - 1} more)` : ''}`;
  return null;
}

/**
 * Why a saved plan may not be applied as it stands, given the plan apply just computed from the
 * live database and the saved plan's desired_schema; empty when it may. Call it after the stale
 * check (live_fingerprint), which has its own message.
 */
export function planIntegrityProblems(saved: PlanDocument, replanned: PlanDocument, toolVersion: string): string[] {
  const out: string[] = [];
  const hash = schemaFingerprint(desiredSchemaOf(saved));
  if (hash !== saved.desired_fingerprint) {
    out.push(`its desired_schema hashes to ${hash.slice(0, 19)}…, not to its desired_fingerprint ${saved.desired_fingerprint.slice(0, 19)}… (edited after it was planned)`);
  }
  if (saved.tool.version !== toolVersion) out.push(`it was made by kuzu-migrate ${saved.tool.version}, this is ${toolVersion}`);
  const n = Math.max(saved.steps.length, replanned.steps.length);
  for (let i = 0; i < n; i++) {
    const a = saved.steps[i];
    const b = replanned.steps[i];
    if (!a || !b || a.phase !== b.phase || a.statement !== b.statement) {
      out.push(
        !a ? `apply would run a step ${i + 1} the plan does not have: ${b.statement.slice(0, 100)}`
          : !b ? `the plan's step ${i + 1} is not part of what apply would run: ${a.statement.slice(0, 100)}`
            : `step ${i + 1} differs from what apply would run (plan: ${a.statement.slice(0, 80)} — now: ${b.statement.slice(0, 80)})`,
      );
      break;
    }
  }
  return out;
}

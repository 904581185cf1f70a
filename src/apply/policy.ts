/**
 * What apply refuses before anything is written: a saved plan made for another database or
 * environment, stale or edited; protected objects; drops on a database never applied to; the
 * blocking findings of the pre-check (the same ones `plan` reports: versions, policy, casts,
 * expressions); indexes the engine cannot build. Each refusal is a KuzuMigrateError with a stable
 * code; nothing here does I/O.
 */
import * as path from 'node:path';
import { Change } from '../core/changes';
import { ErrorCode, KuzuMigrateError, RefusedError, RuntimeError, UsageError } from '../core/errors';
import { blockingFindings, Finding } from '../core/findings';
import { isAllowedByName, protectionViolations } from '../core/lint/protection';
import { PlanDocument } from '../core/plan';
import { planIntegrityProblems, planShapeProblem } from '../core/plan-integrity';
import { changeName } from '../core/rules';
import { ResolvedConfig } from '../config/config';
import type { EngineCapabilities } from '../engines/releases';
import { TOOL_VERSION } from '../version';

/** Whether a destructive change is covered by the allowance (`Table` covers its properties). */
export function isAllowed(c: Change, allow: boolean | string[]): boolean {
  return isAllowedByName(c, allow);
}

/**
 * The error apply ends with for blocking findings, most fundamental first: a missing database,
 * then versions and policy (refused, exit 3), then what the data or an expression would fail on
 * (exit 1). Every blocking finding is listed; nothing was changed.
 */
export function findingError(blocking: Finding[]): KuzuMigrateError {
  const of = (...codes: string[]) => blocking.filter((f) => codes.includes(f.code));
  const list = (fs: Finding[]) => fs.map((f) => (f.source ? `${f.source.file}:${f.source.line}:${f.source.column}: ` : '') + f.message).join('; ');
  const hints = (fs: Finding[]) => [...new Set(fs.map((f) => f.hint).filter((h): h is string => !!h))];
  const missing = of('database-missing');
  if (missing.length) return new RuntimeError(missing[0].message, 'E_NO_DATABASE', hints(missing));
  const version = of('version-reused', 'version-downgrade');
  if (version.length) return new RefusedError(list(version), 'E_VERSION', hints(version));
  const policy = of('policy-refused');
  if (policy.length) {
    const names = [...new Set(policy.map((f) => (f.property ? `${f.table}.${f.property}` : f.table!)))];
    return new RefusedError(
      `${policy.length} destructive change${policy.length === 1 ? '' : 's'} not allowed: ${policy.map((f) => f.message.replace(/^refused by policy of [^:]+: /, '')).join(', ')} (${policy[0].message.replace(/:.*$/, '')})`,
      'E_DESTRUCTIVE',
      [`allow them with --allow-destructive=${names.join(',')}, or in the environment's policy`],
    );
  }
  const casts = of('cast-fails');
  const rest = blocking.filter((f) => !casts.includes(f));
  if (casts.length && !rest.length) return new RuntimeError(`${list(casts)}; nothing was changed`, 'E_CAST', hints(casts));
  const code: ErrorCode = rest.every((f) => f.code.endsWith('-invalid')) ? 'E_EXPRESSION' : 'E_PRECHECK';
  return new RuntimeError(`${blocking.length} problem${blocking.length === 1 ? '' : 's'} would make apply fail: ${list(blocking)}; nothing was changed`, code, hints(blocking));
}

/**
 * A saved plan is applied only to the database and environment it was made for: each mismatch
 * is refused (exit 3) naming which — not called stale. (After re-planning, a changed live
 * database is "stale", and planIntegrityProblems refuses another tool version or edited steps.)
 */
export function savedPlanGuard(saved: PlanDocument, config: ResolvedConfig, options: { allowOtherDatabase?: boolean } = {}): void {
  const refuse = (code: ErrorCode, message: string, hint: string) => {
    throw new RefusedError(message, code, [hint]);
  };
  if (!options.allowOtherDatabase && path.resolve(saved.database) !== path.resolve(config.database)) {
    refuse('E_PLAN_DATABASE', `the plan was made for database ${saved.database}, not ${config.database}`, 'apply it with the --env / --database it was planned with, or plan again for this database; a plan made on a copy of this database: --allow-other-database');
  }
  if ((saved.environment ?? null) !== (config.environment ?? null)) {
    refuse('E_PLAN_ENVIRONMENT', `the plan was made for ${saved.environment ? `environment ${saved.environment}` : 'no environment'}, not ${config.environment ? `environment ${config.environment}` : 'no environment'}`, 'apply it with the --env it was planned with, or plan again');
  }
}

/**
 * A saved plan checked against the plan apply just made from the live database: stale when the
 * live schema changed since (E_STALE_PLAN), edited or made by another kuzu-migrate when its
 * steps differ (E_PLAN_MODIFIED). Both refuse (exit 3); nothing was changed.
 */
export function checkSavedPlan(saved: PlanDocument, replanned: PlanDocument): void {
  if (saved.live_fingerprint !== replanned.live_fingerprint) {
    throw new RefusedError(
      `the plan is stale: the live database changed since it was made (live schema ${replanned.live_fingerprint.slice(0, 19)}…, plan expected ${saved.live_fingerprint.slice(0, 19)}…); it now needs: ${replanned.changes.map(changeName).join(', ') || 'nothing'}`,
      'E_STALE_PLAN',
      ['run `kuzu-migrate plan --out PLAN.json` again and review it'],
    );
  }
  const tampered = planIntegrityProblems(saved, replanned, TOOL_VERSION);
  if (tampered.length) {
    throw new RefusedError(`the plan file is not what was planned, nothing was changed: ${tampered.join('; ')}`, 'E_PLAN_MODIFIED', [
      'run `kuzu-migrate plan --out PLAN.json` again with this kuzu-migrate and review it',
    ]);
  }
}

/** A plan handed in by a library caller gets the same shape check as a plan file (E_USAGE). */
export function checkPlanShape(saved: PlanDocument | undefined): void {
  const shape = saved ? planShapeProblem(saved) : null;
  if (shape) throw new UsageError(`the plan is not a kuzu-migrate plan: ${shape}`);
}

/**
 * The refusals of a plan with changes, in order: protected objects (no allowance lifts them),
 * drops on a database kuzu-migrate never applied to (KM602, unless `allowDropsOnFirstRun`), the
 * pre-check's blocking findings (findingError), and index statements the engine cannot run.
 * `dbPath` and `engine` only name things in the messages and decide the last check.
 */
export function refuseUnsafePlan(plan: PlanDocument, config: ResolvedConfig, dbPath: string, engine: { id: string; capabilities: Pick<EngineCapabilities, 'builtinIndexes'> }, options: { allowDropsOnFirstRun?: boolean } = {}): void {
  // Protection first: no allowance, not even --allow-destructive, lets a protected object be destroyed.
  const violations = protectionViolations(plan, config.protect ?? []);
  if (violations.length > 0) {
    throw new RefusedError(
      `${violations.length} change${violations.length === 1 ? '' : 's'} would destroy or rebuild protected objects: ` +
        violations.map((v) => `${v.property ? `${v.table}.${v.property}` : v.table} (${v.what})`).join(', '),
      'E_PROTECTED',
      ['protect: true (or the environment\'s protect: list) refuses this whatever --allow-destructive says; remove the protection in its own reviewed change first'],
    );
  }
  if (plan.lint?.findings.some((f) => f.code === 'KM602') && !options.allowDropsOnFirstRun) {
    throw new RefusedError(
      `kuzu-migrate never applied to ${dbPath} and the plan drops: ${plan.changes.filter((c) => c.kind.startsWith('drop_')).map((c) => c.table + (c.property ? '.' + c.property : '')).join(', ')}`,
      'E_FIRST_RUN',
      ['check that the YAML declares everything the database holds (or list other tables under unmanaged:), then pass --allow-drops-on-first-run'],
    );
  }
  // The same findings plan reports: what apply would refuse or fail on stops it here, before
  // the backup, with the count and sample keys (policy, versions, casts, multiplicity, expressions).
  const blocking = blockingFindings(plan.findings ?? []);
  if (blocking.length > 0) throw findingError(blocking);
  const building = plan.steps.filter((s) => s.phase === 'create_indexes');
  if (building.length && !engine.capabilities.builtinIndexes) {
    throw new RefusedError(
      `${engine.id} has no built-in FTS or vector indexes (only as extensions downloaded by INSTALL); the plan builds ${building.map((s) => s.index?.name ?? '').join(', ')}; nothing was changed`,
      'E_UNSUPPORTED_INDEXES',
      ['remove the indexes from kuzu-migrate.yaml, or install the extensions in the database yourself (INSTALL FTS; INSTALL VECTOR) and build them by hand'],
    );
  }
}

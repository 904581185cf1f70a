/**
 * The rules apply enforces that need no data, as pure functions producing findings: the
 * destructive-change policy and the meaning of versions. `plan` reports them, apply refuses on
 * the same findings, so the two cannot disagree.
 */
import { Change } from './changes';
import { Finding } from './findings';
import { VERSION_NAME } from './version-name';
import { destructiveAllowed } from './lint/protection';

/** The union of two allowances (the command line's and the policy's). */
export function mergeAllowance(a: boolean | string[] | undefined, b: boolean | string[]): boolean | string[] {
  if (a === true || b === true) return true;
  return [...(Array.isArray(a) ? a : []), ...(Array.isArray(b) ? b : [])];
}

/** `drop_property Component.owner` style name of a change. */
export function changeName(c: Change): string {
  return `${c.kind} ${c.table}${c.property ? '.' + c.property : ''}`;
}

/**
 * One `policy-refused` error per destructive change the allowance does not cover, worded for the
 * environment the plan is for: "refused by policy of env prod: drop_property Component.owner (2 rows)".
 */
export function policyFindings(changes: readonly Change[], allowance: boolean | string[], environment: string | null, options: { allowDestructiveBelowRows?: number | null } = {}): Finding[] {
  // The same judgement apply makes (core/lint/protection.ts): by name, or by size below a threshold.
  return changes
    .filter((c) => c.destructive && !destructiveAllowed(c, { allowDestructive: allowance, allowDestructiveBelowRows: options.allowDestructiveBelowRows ?? null }).allowed)
    .map((c) => ({
      code: 'policy-refused',
      severity: 'error' as const,
      message: `refused by policy of ${environment ? `env ${environment}` : 'the default environment'}: ${changeName(c)}${c.rows_affected !== undefined ? ` (${c.rows_affected} rows)` : ''}`,
      table: c.table,
      ...(c.property ? { property: c.property } : {}),
      hint: `allow it with --allow-destructive=${c.property ? `${c.table}.${c.property}` : c.table} (on plan and apply), or in ${environment ? `environments.${environment}.policy` : 'policy'}.allow_destructive`,
    }));
}

/** -1, 0, 1 comparing two `vMAJOR.MINOR.PATCH` names; null when either is not one. */
export function compareVersions(a: string, b: string): number | null {
  const pa = VERSION_NAME.exec(a);
  const pb = VERSION_NAME.exec(b);
  if (!pa || !pb) return null;
  for (let i = 1; i <= 3; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** What the history recorded, as far as the version rules need it (oldest first). */
export interface RecordedVersion {
  version: string;
  desired_fingerprint: string;
  operation: string;
}

/**
 * Versions mean something: applying a declaration whose schema differs from what the history
 * recorded for the same version is refused unless allowed, and a declared version lower than the
 * one the database is at is refused pointing at rollback.
 */
export function versionFindings(history: readonly RecordedVersion[], declared: string, desiredFingerprint: string, options: { allowSameVersion?: boolean } = {}): Finding[] {
  if (history.length === 0) return [];
  const current = history[history.length - 1].version;
  const out: Finding[] = [];
  const cmp = compareVersions(declared, current);
  if (cmp !== null && cmp < 0) {
    out.push({
      code: 'version-downgrade',
      severity: 'error',
      message: `the declared version ${declared} is lower than ${current}, the version the database is at`,
      hint: `to go back to ${declared} with its data, run \`kuzu-migrate rollback ${declared}\`; to move forward, declare a version above ${current}`,
    });
    return out;
  }
  const same = [...history].reverse().find((h) => h.version === declared && h.desired_fingerprint !== '');
  if (same && same.desired_fingerprint !== desiredFingerprint && !options.allowSameVersion) {
    out.push({
      code: 'version-reused',
      severity: 'error',
      message: `version ${declared} was already applied with a different schema (recorded ${same.desired_fingerprint.slice(0, 19)}…, declared ${desiredFingerprint.slice(0, 19)}…)`,
      hint: `declare a new version (e.g. after ${declared}), or pass --allow-same-version to apply it under ${declared} anyway`,
    });
  }
  return out;
}

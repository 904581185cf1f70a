/**
 * Findings: what `plan` (and later `lint`) found about a plan before anything is written. One
 * small, pure vocabulary shared by the checks that produce findings (plan/precheck.ts, the
 * policy and version rules) and the renderers (text, JSON, Markdown), so that a reviewer sees in
 * the plan exactly what apply would refuse or fail on.
 *
 * Severity decides what a finding means for apply:
 *   error    apply would certainly refuse or fail on it (`plan --detailed-exitcode` exits 1)
 *   warning  apply may still succeed, but a person should look
 *   info     context only
 */

export type Severity = 'error' | 'warning' | 'info';

/** Where in the YAML a finding points (1-based line and column). */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export interface Finding {
  /** Stable machine-readable code (see FINDING_CODES); scripts and suppressions key on it. */
  code: string;
  severity: Severity;
  /** One line saying what is wrong, with the count and sample keys where there are some. */
  message: string;
  /** The table (declared name) the finding is about, if any. */
  table?: string;
  /** The property (declared name) the finding is about, if any. */
  property?: string;
  /** What to do about it. */
  hint?: string;
  /** Where the offending text is declared, when it comes from the YAML. */
  source?: SourceLocation;
  /** For data findings: how many rows (nodes or relationships) are affected. */
  count?: number;
  /** For data findings: up to 5 sample keys with their values, as text. */
  samples?: string[];
}

/**
 * Every code a finding can carry, with the exit code apply would end with and what it means.
 * Codes are stable: add new ones, never rename (plan JSON consumers key on them).
 */
export const FINDING_CODES = {
  'cast-fails': { apply_exit: 1, meaning: 'a type change meets values that cannot be converted' },
  'default-invalid': { apply_exit: 1, meaning: 'a default expression does not compile (an unquoted word is a variable, not a string)' },
  'using-invalid': { apply_exit: 1, meaning: 'a `using:` expression does not compile against the live table' },
  'using-fails': { apply_exit: 1, meaning: 'a `using:` expression compiles but fails on a live row (a cast that a CASE does not guard)' },
  'check-invalid': { apply_exit: 1, meaning: 'a `checks:` query does not compile against the declared schema' },
  'multiplicity-violated': { apply_exit: 1, meaning: 'narrowing a rel multiplicity meets nodes with too many relationships' },
  'primary-key-duplicate': { apply_exit: 1, meaning: 'a new primary key has duplicate or NULL values' },
  'policy-refused': { apply_exit: 3, meaning: 'a destructive change is not allowed by the policy of the chosen environment' },
  'database-missing': { apply_exit: 1, meaning: 'the database does not exist and creating it was not asked for' },
  'version-reused': { apply_exit: 3, meaning: 'history recorded a different schema under the same version' },
  'version-downgrade': { apply_exit: 3, meaning: 'the declared version is lower than the one the database is at' },
} as const satisfies Record<string, { apply_exit: number; meaning: string }>;

export type FindingCode = keyof typeof FINDING_CODES;

/** The findings that make apply certainly fail or refuse. */
export function blockingFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity === 'error');
}

/** `file:line:col: ` when the finding has a source location, else ''. */
export function sourcePrefix(f: Finding): string {
  return f.source ? `${f.source.file}:${f.source.line}:${f.source.column}: ` : '';
}

/** One finding as one or two lines of text: `[error cast-fails] file:3:5: message` and its hint. */
export function formatFinding(f: Finding): string {
  return `[${f.severity} ${f.code}] ${sourcePrefix(f)}${f.message}` + (f.hint ? `\n  hint: ${f.hint}` : '');
}

/** Orders findings errors first, then by code, table and property, for stable output. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  return [...findings].sort(
    (a, b) => rank[a.severity] - rank[b.severity] || a.code.localeCompare(b.code) || (a.table ?? '').localeCompare(b.table ?? '') || (a.property ?? '').localeCompare(b.property ?? ''),
  );
}

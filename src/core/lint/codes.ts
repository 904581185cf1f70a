/**
 * The lint vocabulary: every finding code kuzu-migrate can report, with its family, default
 * severity and a one-line summary. A closed registry — codes are a user-facing contract (YAML
 * `lint.severity`, SARIF rule ids, docs/lint.md anchors), so a code is never renamed or reused.
 *
 * Families and number ranges:
 *   KM1xx destructive      the change removes data or may alter it
 *   KM2xx data-dependent   the change may fail (or surprise) on the data that is there
 *   KM3xx rebuild cost     which tables are rewritten, how much, how long, whether the disk holds it
 *   KM4xx compatibility    renamed or retyped names that running application queries may use
 *   KM5xx naming           optional conventions (off unless `lint.naming` sets one)
 *   KM6xx protection       `protect:` and the first-run guard: apply refuses these
 */

/** How bad a finding is. `off` hides it (configured per code). */
export type Severity = 'error' | 'warning' | 'notice';
export type SeveritySetting = Severity | 'off';
export const SEVERITY_SETTINGS: readonly SeveritySetting[] = ['error', 'warning', 'notice', 'off'];

export type LintFamily = 'destructive' | 'data' | 'cost' | 'compat' | 'naming' | 'protection';

export interface LintRule {
  /** Stable code, e.g. `KM101`. */
  code: string;
  /** Stable kebab-case name, e.g. `drop-table` (SARIF rule name, docs anchor text). */
  name: string;
  family: LintFamily;
  /** Severity when `lint.severity` does not set one. */
  severity: SeveritySetting;
  /** One sentence: what the rule reports. */
  summary: string;
  /** False for codes whose severity may not be lowered (apply refuses them regardless). */
  configurable: boolean;
}

const rule = (code: string, name: string, family: LintFamily, severity: SeveritySetting, summary: string, configurable = true): LintRule => ({
  code,
  name,
  family,
  severity,
  summary,
  configurable,
});

/** Every rule, in code order. */
export const LINT_RULES: readonly LintRule[] = [
  rule('KM101', 'drop-table', 'destructive', 'error', 'A table is dropped with all its rows (and, for a node table, every relationship attached to it).'),
  rule('KM102', 'drop-property', 'destructive', 'error', 'A property is dropped with its values.'),
  rule('KM103', 'drop-connection', 'destructive', 'error', 'A FROM→TO pair of a rel table is dropped; Kuzu deletes every relationship of that pair.'),
  rule('KM104', 'narrowing-cast', 'destructive', 'error', 'A property type changes with a cast that may fail or change values (checked, lossy or impossible).'),
  rule('KM105', 'primary-key-change', 'destructive', 'error', 'A node table gets another primary key; duplicate or NULL keys fail the rebuild, and rel tables attached to it are rebuilt.'),
  rule('KM106', 'multiplicity-narrowing', 'destructive', 'error', 'A rel table multiplicity allows fewer relationships per node than before.'),
  rule('KM107', 'drop-index', 'destructive', 'error', 'An FTS or vector index is dropped; queries calling QUERY_FTS_INDEX / QUERY_VECTOR_INDEX on it fail until it is built again (a vector index drop rebuilds its table).'),
  rule('KM108', 'drop-sequence', 'destructive', 'error', 'A sequence is dropped with its position; defaults calling nextval on it stop working.'),
  rule('KM109', 'drop-macro', 'destructive', 'error', 'A macro is dropped; queries calling it fail (Kuzu has no DROP MACRO: the database is rebuilt without it).'),
  rule('KM201', 'cast-may-fail', 'data', 'error', 'Values in the database cannot be converted by a type change (counted when the database is at hand).'),
  rule('KM202', 'non-constant-default', 'data', 'warning', 'A property added with a non-constant default gives existing rows a value computed at apply time.'),
  rule('KM203', 'multiplicity-violated', 'data', 'error', 'Existing relationships violate a narrower multiplicity; the rebuild would fail.'),
  rule('KM301', 'table-rebuilt', 'cost', 'notice', 'A table is rebuilt (copied into a new table), with why, how many rows and roughly how many bytes.'),
  rule('KM302', 'rebuild-estimate', 'cost', 'notice', 'The estimated time and disk space of the rebuild against the free space.'),
  rule('KM303', 'insufficient-disk', 'cost', 'error', 'The rebuild and its backup need more disk space than is free.'),
  rule('KM401', 'renamed-table', 'compat', 'warning', 'A table is renamed; queries of the running application that use the old name break.'),
  rule('KM402', 'renamed-property', 'compat', 'warning', 'A property is renamed; queries that use the old name break.'),
  rule('KM403', 'retyped-property', 'compat', 'warning', 'A property type changes; queries and drivers reading it get values of another type.'),
  rule('KM501', 'node-table-name', 'naming', 'off', 'A node table name does not follow `lint.naming.node_tables`.'),
  rule('KM502', 'rel-table-name', 'naming', 'off', 'A rel table name does not follow `lint.naming.rel_tables`.'),
  rule('KM503', 'property-name', 'naming', 'off', 'A property name does not follow `lint.naming.properties`.'),
  rule('KM601', 'protected', 'protection', 'error', 'A change destroys or rebuilds a table or property declared `protect: true`; apply refuses it whatever --allow-destructive says.', false),
  rule('KM602', 'first-run-drop', 'protection', 'error', 'The database was never migrated by kuzu-migrate and the plan drops something; apply needs --allow-drops-on-first-run.', false),
];

export const LINT_CODES: readonly string[] = LINT_RULES.map((r) => r.code);

export function ruleFor(code: string): LintRule {
  const r = LINT_RULES.find((x) => x.code === code);
  if (!r) throw new Error(`unknown lint code ${code}`);
  return r;
}

/** Naming conventions `lint.naming` can ask for. */
export const NAMING_CONVENTIONS = ['PascalCase', 'camelCase', 'snake_case', 'UPPER_SNAKE_CASE'] as const;
export type NamingConvention = (typeof NAMING_CONVENTIONS)[number];

const CONVENTION_PATTERNS: Record<NamingConvention, RegExp> = {
  PascalCase: /^[A-Z][A-Za-z0-9]*$/,
  camelCase: /^[a-z][A-Za-z0-9]*$/,
  snake_case: /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/,
  UPPER_SNAKE_CASE: /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/,
};

export function followsConvention(name: string, convention: NamingConvention): boolean {
  return CONVENTION_PATTERNS[convention].test(name);
}

/** The lint part of the configuration, resolved (environment overrides applied). */
export interface LintSettings {
  /** Severity per code, overriding the rule's default. */
  severity: Record<string, SeveritySetting>;
  naming: { node_tables?: NamingConvention; rel_tables?: NamingConvention; properties?: NamingConvention };
}

export const DEFAULT_LINT_SETTINGS: Readonly<LintSettings> = { severity: {}, naming: {} };

/**
 * The severity in force for `code`: the configured one, else (for naming rules whose convention is
 * set) warning, else the rule's default.
 */
export function severityOf(code: string, settings: LintSettings = DEFAULT_LINT_SETTINGS): SeveritySetting {
  const r = ruleFor(code);
  const configured = settings.severity[code];
  if (configured && r.configurable) return configured;
  if (r.family === 'naming' && configured === undefined) {
    const key = code === 'KM501' ? 'node_tables' : code === 'KM502' ? 'rel_tables' : 'properties';
    return settings.naming[key] ? 'warning' : 'off';
  }
  return r.severity;
}

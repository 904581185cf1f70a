/**
 * Identifiers and literals in generated Cypher. Kuzu has no escape for a backtick inside a quoted
 * identifier (measured: CREATE NODE TABLE `a``b` creates a table literally named a``b), so quoting
 * alone is not enough: every name that reaches Cypher is first checked here, then quoted.
 */

/** Prefixes reserved for kuzu-migrate's own tables and staging names; user names may not use them. */
export const RESERVED_PREFIXES = ['_km_', '_kuzu_migrate'] as const;
/** Prefix of staging tables built during a rewrite. */
export const STAGING_PREFIX = '_km_';

/**
 * Any name Kuzu takes in back-quotes (issue 9 item 6: `ALL CUSTODIANS`, `a.b`, `MATCH`, `é ü` were
 * all accepted by Kuzu 0.11.3 and refused here before), except what cannot be quoted or written
 * safely: a backtick or backslash (no escape exists, see above) and control characters.
 */
const IDENT = /^[^`\\\p{Cc}]+$/u;
const MAX_IDENT_LENGTH = 128;

/** Returns why `name` is not a legal identifier for kuzu-migrate, or null when it is. */
export function identifierProblem(name: unknown): string | null {
  if (typeof name !== 'string') return 'a name must be a string';
  if (name.length === 0) return 'a name may not be empty';
  if (name.length > MAX_IDENT_LENGTH) return `a name may be at most ${MAX_IDENT_LENGTH} characters long`;
  if (/[`\\]/.test(name)) return `"${name}" contains a backtick or backslash, which cannot be quoted in Cypher (Kuzu has no escape for them)`;
  if (!IDENT.test(name)) return `"${name}" contains a control character (a line break or tab), which kuzu-migrate does not write into Cypher or file names`;
  // Measured on 0.11.3 (kuzu-notes §10): CALL table_info('a.b') reads `a.b` as table b of a database
  // a ("No database named a"), and EXPORT DATABASE fails on a property named `a.b` ("Cannot find
  // property a for a"), so neither can be introspected or snapshotted.
  if (name.includes('.')) return `"${name}" contains ".", which Kuzu 0.11.3 cannot introspect (table_info('a.b') looks for a database a) or export (EXPORT DATABASE fails on a property a.b)`;
  if (name.trim() !== name) return `"${name}" starts or ends with white space, which YAML and Kuzu treat inconsistently`;
  const reserved = RESERVED_PREFIXES.find((p) => name.toLowerCase().startsWith(p));
  if (reserved) return `"${name}" starts with ${reserved}, which is reserved for kuzu-migrate`;
  return null;
}

export function isLegalIdentifier(name: unknown): name is string {
  return identifierProblem(name) === null;
}

/**
 * Backtick-quotes a name for Cypher. Throws on anything that cannot be quoted safely; callers
 * validate user input first, so reaching the throw is a bug, never a user error path.
 */
export function quoteIdent(name: string): string {
  if (typeof name !== 'string' || name.length === 0 || /[`\\]/.test(name)) {
    throw new Error(`refusing to quote unsafe identifier ${JSON.stringify(name)}`);
  }
  return '`' + name + '`';
}

/**
 * A Cypher string literal. Kuzu string literals interpret only \' and \\ (kuzu-notes §5), so those
 * two are escaped; data values are passed as parameters instead wherever the API allows it.
 */
export function cypherString(value: string): string {
  return "'" + value.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'";
}

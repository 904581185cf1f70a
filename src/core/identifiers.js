"use strict";
/**
 * Identifiers and literals in generated Cypher. Kuzu has no escape for a backtick inside a quoted
 * identifier (measured: CREATE NODE TABLE `a``b` creates a table literally named a``b), so quoting
 * alone is not enough: every name that reaches Cypher is first checked here, then quoted.
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.STAGING_PREFIX = exports.RESERVED_PREFIXES = void 0;
exports.identifierProblem = identifierProblem;
exports.isLegalIdentifier = isLegalIdentifier;
exports.quoteIdent = quoteIdent;
exports.cypherString = cypherString;
/** Prefixes reserved for kuzu-migrate's own tables and staging names; user names may not use them. */
exports.RESERVED_PREFIXES = ['_km_', '_kuzu_migrate'];
/** Prefix of staging tables built during a rewrite. */
exports.STAGING_PREFIX = '_km_';
const IDENT = /^[\p{L}_][\p{L}\p{N}_]*$/u;
const MAX_IDENT_LENGTH = 128;
/** Returns why `name` is not a legal identifier for kuzu-migrate, or null when it is. */
function identifierProblem(name) {
    if (typeof name !== 'string')
        return 'a name must be a string';
    if (name.length === 0)
        return 'a name may not be empty';
    if (name.length > MAX_IDENT_LENGTH)
        return `a name may be at most ${MAX_IDENT_LENGTH} characters long`;
    if (/[`'"\\]/.test(name))
        return `"${name}" contains a quote or backtick, which cannot be quoted safely in Cypher`;
    if (!IDENT.test(name))
        return `"${name}" is not an identifier: use letters, digits and _ and start with a letter or _`;
    const reserved = exports.RESERVED_PREFIXES.find((p) => name.toLowerCase().startsWith(p));
    if (reserved)
        return `"${name}" starts with ${reserved}, which is reserved for kuzu-migrate`;
    return null;
}
function isLegalIdentifier(name) {
    return identifierProblem(name) === null;
}
/**
 * Backtick-quotes a name for Cypher. Throws on anything that cannot be quoted safely; callers
 * validate user input first, so reaching the throw is a bug, never a user error path.
 */
function quoteIdent(name) {
    if (typeof name !== 'string' || name.length === 0 || /[`\\]/.test(name)) {
        throw new Error(`refusing to quote unsafe identifier ${JSON.stringify(name)}`);
    }
    return '`' + name + '`';
}
/**
 * A Cypher string literal. Kuzu string literals interpret only \' and \\ (kuzu-notes §5), so those
 * two are escaped; data values are passed as parameters instead wherever the API allows it.
 */
function cypherString(value) {
    return "'" + value.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'";
}
//# sourceMappingURL=identifiers.js.map
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.STORAGE_DIRECTIONS = exports.MULTIPLICITIES = void 0;
exports.emptySchema = emptySchema;
exports.allTables = allTables;
exports.findTable = findTable;
exports.sameName = sameName;
exports.connectionKey = connectionKey;
exports.canonicalDefault = canonicalDefault;
exports.canonicalSchema = canonicalSchema;
exports.schemaFingerprint = schemaFingerprint;
/**
 * The schema model: what a Kuzu database's schema is, independent of where it came from (a live
 * database or the YAML). Both sides are normalised into this shape before they are compared, so the
 * diff never sees spelling differences (type aliases, case of keywords, default formatting).
 */
const node_crypto_1 = require("node:crypto");
exports.MULTIPLICITIES = ['MANY_MANY', 'MANY_ONE', 'ONE_MANY', 'ONE_ONE'];
exports.STORAGE_DIRECTIONS = ['both', 'fwd', 'bwd'];
function emptySchema() {
    return { nodes: [], rels: [] };
}
function allTables(schema) {
    return [...schema.nodes, ...schema.rels];
}
function findTable(schema, name) {
    return allTables(schema).find((t) => t.name === name);
}
/** Kuzu compares table names case-insensitively (`Person` and `person` cannot coexist). */
function sameName(a, b) {
    return a.toLowerCase() === b.toLowerCase();
}
function connectionKey(c) {
    return `${c.from}->${c.to}`;
}
/**
 * Canonical form of a default expression for comparison. table_info re-prints expressions
 * (`1+2` comes back as `1 + 2`) and drops a leading unary minus (measured on 0.11.3: DEFAULT -1 is
 * reported as `1` while rows get -1), so both sides are compared with whitespace outside string
 * literals removed and unary minus signs on numeric literals dropped. A declared change from -1 to
 * 1 is therefore invisible to planning; that is Kuzu's catalog hiding it, documented in the README.
 */
function canonicalDefault(expr) {
    if (expr === null)
        return null;
    const trimmed = expr.trim();
    if (trimmed === '' || /^null$/i.test(trimmed))
        return null;
    let out = '';
    let inString = null;
    for (let i = 0; i < trimmed.length; i++) {
        const ch = trimmed[i];
        if (inString) {
            out += ch;
            if (ch === '\\') {
                out += trimmed[++i] ?? '';
            }
            else if (ch === inString) {
                inString = null;
            }
            continue;
        }
        if (ch === "'" || ch === '"') {
            inString = ch;
            out += ch;
            continue;
        }
        if (/\s/.test(ch))
            continue;
        out += ch;
    }
    // Drop unary minus before a number: at the start, or after an operator/opening bracket/comma.
    out = out.replace(/(^|[(,[{:+\-*/=<>])-(?=\d)/g, '$1');
    // Keywords and function names are case-insensitive in Cypher; literals are not, so only lower
    // the text outside string literals.
    return out.replace(/('(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")|[^'"]+/g, (m, lit) => (lit ? m : m.toLowerCase()));
}
function sortByName(items) {
    return [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
/**
 * The comparable essence of a schema: tables and properties sorted by name, desired-only hints
 * (renamedFrom, using) removed, defaults canonicalised. Property order is not part of it: Kuzu
 * appends added properties at the end and cannot reorder in place, and no query depends on order.
 */
function canonicalSchema(schema) {
    const props = (ps) => sortByName(ps).map((p) => ({ name: p.name, type: p.type, default: canonicalDefault(p.default) }));
    return {
        nodes: sortByName(schema.nodes).map((t) => ({
            kind: 'node',
            name: t.name,
            primaryKey: t.primaryKey,
            properties: props(t.properties),
            comment: t.comment,
        })),
        rels: sortByName(schema.rels).map((t) => ({
            kind: 'rel',
            name: t.name,
            connections: [...t.connections].sort((a, b) => connectionKey(a).localeCompare(connectionKey(b))),
            multiplicity: t.multiplicity,
            storageDirection: t.storageDirection,
            properties: props(t.properties),
            comment: t.comment,
        })),
    };
}
/** sha256 of the canonical schema: equal fingerprints mean nothing to plan. */
function schemaFingerprint(schema) {
    return 'sha256:' + (0, node_crypto_1.createHash)('sha256').update(JSON.stringify(canonicalSchema(schema))).digest('hex');
}
//# sourceMappingURL=model.js.map
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.createNodeTable = createNodeTable;
exports.createRelTable = createRelTable;
exports.createTable = createTable;
exports.dropTable = dropTable;
exports.renameTable = renameTable;
exports.renameProperty = renameProperty;
exports.addProperty = addProperty;
exports.dropProperty = dropProperty;
exports.addConnection = addConnection;
exports.dropConnection = dropConnection;
exports.commentOnTable = commentOnTable;
exports.matchAll = matchAll;
exports.backfillProperty = backfillProperty;
exports.schemaToCypher = schemaToCypher;
/**
 * Cypher DDL for the schema model. Every name goes through quoteIdent (names are validated before
 * they reach the model); comments and string data go through cypherString.
 */
const identifiers_1 = require("./identifiers");
function propertyDefinition(p) {
    const def = p.default !== null && p.default.trim() !== '' && !/^null$/i.test(p.default.trim()) ? ` DEFAULT ${p.default}` : '';
    return `${(0, identifiers_1.quoteIdent)(p.name)} ${p.type}${def}`;
}
function createNodeTable(t, name = t.name) {
    const cols = t.properties.map(propertyDefinition);
    return `CREATE NODE TABLE ${(0, identifiers_1.quoteIdent)(name)} (${[...cols, `PRIMARY KEY (${(0, identifiers_1.quoteIdent)(t.primaryKey)})`].join(', ')})`;
}
/**
 * `endpoint` maps a node table name to the name to use in FROM/TO (staging tables during a rewrite).
 */
function createRelTable(t, name = t.name, endpoint = (n) => n) {
    const parts = [
        ...t.connections.map((c) => `FROM ${(0, identifiers_1.quoteIdent)(endpoint(c.from))} TO ${(0, identifiers_1.quoteIdent)(endpoint(c.to))}`),
        ...t.properties.map(propertyDefinition),
        t.multiplicity,
    ];
    const withClause = t.storageDirection !== 'both' ? ` WITH (storage_direction=${(0, identifiers_1.cypherString)(t.storageDirection)})` : '';
    return `CREATE REL TABLE ${(0, identifiers_1.quoteIdent)(name)} (${parts.join(', ')})${withClause}`;
}
function createTable(t, name = t.name) {
    return t.kind === 'node' ? createNodeTable(t, name) : createRelTable(t, name);
}
function dropTable(name) {
    return `DROP TABLE ${(0, identifiers_1.quoteIdent)(name)}`;
}
function renameTable(from, to) {
    return `ALTER TABLE ${(0, identifiers_1.quoteIdent)(from)} RENAME TO ${(0, identifiers_1.quoteIdent)(to)}`;
}
function renameProperty(table, from, to) {
    return `ALTER TABLE ${(0, identifiers_1.quoteIdent)(table)} RENAME ${(0, identifiers_1.quoteIdent)(from)} TO ${(0, identifiers_1.quoteIdent)(to)}`;
}
function addProperty(table, p) {
    return `ALTER TABLE ${(0, identifiers_1.quoteIdent)(table)} ADD ${propertyDefinition(p)}`;
}
function dropProperty(table, property) {
    return `ALTER TABLE ${(0, identifiers_1.quoteIdent)(table)} DROP ${(0, identifiers_1.quoteIdent)(property)}`;
}
function addConnection(table, c) {
    return `ALTER TABLE ${(0, identifiers_1.quoteIdent)(table)} ADD FROM ${(0, identifiers_1.quoteIdent)(c.from)} TO ${(0, identifiers_1.quoteIdent)(c.to)}`;
}
function dropConnection(table, c) {
    return `ALTER TABLE ${(0, identifiers_1.quoteIdent)(table)} DROP FROM ${(0, identifiers_1.quoteIdent)(c.from)} TO ${(0, identifiers_1.quoteIdent)(c.to)}`;
}
function commentOnTable(table, comment) {
    return `COMMENT ON TABLE ${(0, identifiers_1.quoteIdent)(table)} IS ${(0, identifiers_1.cypherString)(comment)}`;
}
/** The pattern binding every row of a table: `(n:T)` for nodes, `()-[r:R]->()` for rels. */
function matchAll(t, variable = t.kind === 'node' ? 'n' : 'r') {
    return t.kind === 'node' ? `MATCH (${variable}:${(0, identifiers_1.quoteIdent)(t.name)})` : `MATCH ()-[${variable}:${(0, identifiers_1.quoteIdent)(t.name)}]->()`;
}
/** `MATCH ... SET x.p = expr`: fills a property from an expression over the row. */
function backfillProperty(t, property, expression) {
    const v = t.kind === 'node' ? 'n' : 'r';
    return `${matchAll(t, v)} SET ${v}.${(0, identifiers_1.quoteIdent)(property)} = ${expression}`;
}
/**
 * The whole schema as Cypher DDL, with what Kuzu's own EXPORT drops (defaults, comments,
 * storage_direction) kept. Nodes first, then rels, each sorted by name so output is stable.
 */
function schemaToCypher(schema) {
    const byName = (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    const lines = [];
    for (const t of [...schema.nodes].sort(byName))
        lines.push(createNodeTable(t) + ';');
    for (const t of [...schema.rels].sort(byName))
        lines.push(createRelTable(t) + ';');
    for (const t of [...schema.nodes, ...schema.rels].sort(byName)) {
        if (t.comment)
            lines.push(commentOnTable(t.name, t.comment) + ';');
    }
    return lines.join('\n') + (lines.length ? '\n' : '');
}
//# sourceMappingURL=ddl.js.map
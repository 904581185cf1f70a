"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.matchesPattern = matchesPattern;
exports.isUnmanaged = isUnmanaged;
exports.withoutUnmanaged = withoutUnmanaged;
exports.isProtected = isProtected;
exports.protectionViolations = protectionViolations;
exports.isAllowedByName = isAllowedByName;
exports.destructiveAllowed = destructiveAllowed;
exports.dropsAnything = dropsAnything;
const model_1 = require("../model");
/**
 * Whether `name` matches an `unmanaged:` pattern: `*` any run of characters, `?` one character,
 * compared case-insensitively (Kuzu names are case-insensitive). Nothing else is special.
 */
function matchesPattern(name, pattern) {
    const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    return new RegExp(`^${re}$`, 'i').test(name);
}
function isUnmanaged(name, patterns) {
    return patterns.some((p) => matchesPattern(name, p));
}
/**
 * The live schema without the tables `unmanaged:` names, so the diff never drops or alters them.
 * Returns the names left out (for a plan warning).
 */
function withoutUnmanaged(live, patterns) {
    if (patterns.length === 0)
        return { schema: live, ignored: [] };
    const keep = (ts) => ts.filter((t) => !isUnmanaged(t.name, patterns));
    const ignored = [...live.nodes, ...live.rels].filter((t) => isUnmanaged(t.name, patterns)).map((t) => t.name);
    return { schema: { nodes: keep(live.nodes), rels: keep(live.rels) }, ignored };
}
/**
 * Whether `protect` (entries `Table` or `Table.property`, from `protect: true` in the YAML and the
 * environment's `protect:` list) covers the table, or the property when one is given. A protected
 * table covers all its properties.
 */
function isProtected(protect, table, property) {
    return protect.some((p) => {
        const [t, prop] = p.split('.');
        if (!(0, model_1.sameName)(t, table))
            return false;
        return prop === undefined || (property !== undefined && (0, model_1.sameName)(prop, property));
    });
}
/**
 * Every destroy or rebuild of a protected table or property in the plan: destructive changes
 * (drops, lossy casts, key and multiplicity changes) on a protected table or property, and every
 * rebuilt table that is protected or holds a protected property (a rebuild rewrites all of it).
 */
function protectionViolations(plan, protect) {
    if (protect.length === 0)
        return [];
    const out = [];
    plan.changes.forEach((c, i) => {
        if (!c.destructive)
            return;
        if (isProtected(protect, c.table, c.property))
            out.push({ change: i, table: c.table, property: c.property, what: destroyVerb(c) });
    });
    // A rebuild is reported only for what no destructive change above already named.
    const named = new Set(out.map((v) => (v.property ? `${v.table}.${v.property}` : v.table).toLowerCase()));
    for (const t of plan.rebuilt_tables) {
        const why = plan.changes.filter((c) => (0, model_1.sameName)(c.table, t) && !c.in_place).map((c) => c.kind);
        const reason = why.length ? why.join(', ') : 'an endpoint node table is rebuilt';
        if (isProtected(protect, t)) {
            if (named.has(t.toLowerCase()))
                continue;
            out.push({ change: null, table: t, what: `rebuilt (${reason})` });
            continue;
        }
        const table = [...plan.desired_schema.nodes, ...plan.desired_schema.rels].find((x) => (0, model_1.sameName)(x.name, t));
        for (const p of table?.properties ?? []) {
            if (isProtected(protect, t, p.name) && !named.has(`${t}.${p.name}`.toLowerCase()))
                out.push({ change: null, table: t, property: p.name, what: `rewritten by the rebuild of ${t} (${reason})` });
        }
    }
    return out;
}
function destroyVerb(c) {
    switch (c.kind) {
        case 'drop_table':
        case 'drop_property':
            return 'dropped';
        case 'drop_connection':
            return `losing its connection ${c.from.from} → ${c.from.to}`;
        default:
            return `changed destructively (${c.kind})`;
    }
}
/** Whether a destructive change is covered by the allowance list (`Table` covers its properties). */
function isAllowedByName(c, allow) {
    if (allow === true)
        return true;
    if (allow === false)
        return false;
    const names = allow.map((a) => a.toLowerCase());
    return names.includes(c.table.toLowerCase()) || (c.property !== undefined && names.includes(`${c.table}.${c.property}`.toLowerCase()));
}
/**
 * Whether the policy lets this destructive change through: named (or all allowed), or counted and
 * touching fewer rows than `allowDestructiveBelowRows`. A change whose rows were not counted (no
 * database at hand) is never allowed by size.
 */
function destructiveAllowed(c, policy) {
    if (isAllowedByName(c, policy.allowDestructive))
        return { allowed: true, by: 'name' };
    const below = policy.allowDestructiveBelowRows;
    if (below !== undefined && below !== null && c.rows_affected !== undefined && c.rows_affected < below)
        return { allowed: true, by: 'size' };
    return { allowed: false };
}
/** Whether the plan drops a table, property or connection (the first-run guard's question). */
function dropsAnything(changes) {
    return changes.some((c) => c.kind === 'drop_table' || c.kind === 'drop_property' || c.kind === 'drop_connection');
}
//# sourceMappingURL=protection.js.map
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.analyzePlan = analyzePlan;
exports.summarize = summarize;
const diff_1 = require("../diff");
const model_1 = require("../model");
const plan_document_1 = require("../plan-document");
const codes_1 = require("./codes");
const cost_1 = require("./cost");
const protection_1 = require("./protection");
const key = (t, p) => (p === undefined ? t : `${t}.${p}`).toLowerCase();
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
const conn = (c) => `${c.from} → ${c.to}`;
/**
 * Every finding for `plan`, sorted errors first, then by code. Severity comes from
 * `ctx.settings` (rule defaults otherwise); findings set `off` are left out.
 */
function analyzePlan(plan, ctx = {}) {
    const settings = ctx.settings ?? codes_1.DEFAULT_LINT_SETTINGS;
    const facts = ctx.facts;
    const out = [];
    const add = (code, f) => {
        const setting = (0, codes_1.severityOf)(code, settings);
        if (setting === 'off')
            return;
        const r = (0, codes_1.ruleFor)(code);
        const { cap, kind, ...rest } = f;
        // `cap` lowers (never raises) the configured severity: policy-allowed or uncounted findings.
        const severity = cap && rank(setting) > rank(cap) ? cap : setting;
        const location = ctx.locate?.(f.table, f.property, kind) ?? ctx.locate?.();
        out.push({ code, rule: r.name, family: r.family, severity, ...rest, ...(location ? { location } : {}) });
    };
    const desired = (0, plan_document_1.fromPlanSchema)(plan.desired_schema);
    const desiredTable = (name) => (0, model_1.allTables)(desired).find((t) => (0, model_1.sameName)(t.name, name));
    plan.changes.forEach((c, i) => {
        const base = { table: c.table, ...(c.property ? { property: c.property } : {}), change: i };
        const rows = c.rows_affected;
        const counted = (what) => (rows !== undefined ? `: ${plural(rows, what)}` : '');
        // Destructive findings the policy allows stay visible, as warnings that say why they pass.
        const allowed = c.destructive && ctx.policy ? (0, protection_1.destructiveAllowed)(c, ctx.policy) : { allowed: false };
        const accepted = allowed.allowed
            ? { cap: 'warning', note: allowed.by === 'size' ? ` (allowed: fewer than ${ctx.policy.allowDestructiveBelowRows} rows)` : ' (allowed by policy.allow_destructive / --allow-destructive)' }
            : { cap: undefined, note: '' };
        const acceptHint = `accept it with policy.allow_destructive: [${c.property ? `${c.table}.${c.property}` : c.table}] (per environment) or --allow-destructive`;
        switch (c.kind) {
            case 'drop_table':
                add('KM101', {
                    ...base,
                    kind: c.table_kind,
                    rows,
                    cap: accepted.cap,
                    message: `drop ${c.table_kind} table ${c.table}` +
                        (c.table_kind === 'node' ? ` deletes its nodes and every relationship attached to them${counted('node')}` : ` deletes its relationships${counted('relationship')}`) +
                        accepted.note,
                    hint: `keep it declared (or list it under unmanaged:) if it must stay; ${acceptHint}`,
                });
                break;
            case 'drop_property':
                add('KM102', {
                    ...base,
                    rows,
                    cap: accepted.cap,
                    message: `drop property ${c.table}.${c.property} deletes its values${rows !== undefined ? `: ${plural(rows, 'non-NULL value')}` : ''}${accepted.note}`,
                    hint: `declare it again (with renamed_from if it was renamed) to keep the values; ${acceptHint}`,
                });
                break;
            case 'drop_connection':
                add('KM103', {
                    ...base,
                    rows,
                    cap: accepted.cap,
                    message: `drop the FROM→TO pair ${conn(c.from)} of ${c.table}: Kuzu deletes every relationship of that pair${counted('relationship')}${accepted.note}`,
                    hint: `declare the pair again under connections to keep those relationships; ${acceptHint}`,
                });
                break;
            case 'alter_property_type': {
                if (c.destructive) {
                    add('KM104', {
                        ...base,
                        rows,
                        cap: accepted.cap,
                        message: `${c.table}.${c.property}: ${c.from} → ${c.to} is a ${c.cast} cast: values may fail or change${rows !== undefined ? ` (${plural(rows, 'non-NULL value')})` : ''}${accepted.note}`,
                        hint: `declare using: to say how values convert, or keep ${c.from}; ${acceptHint}`,
                    });
                }
                add('KM403', {
                    ...base,
                    message: `${c.table}.${c.property} changes type ${c.from} → ${c.to}; application queries and drivers reading it get ${c.to} values`,
                    hint: 'expand/contract: add a new property, let the application write both, switch readers, then drop the old one; or accept it by setting KM403 to notice/off in lint.severity',
                });
                if (!c.using && c.cast && c.cast !== 'identical' && c.cast !== 'lossless') {
                    const bad = facts?.castFailures[key(c.table, c.property)];
                    if (bad !== undefined && bad > 0) {
                        add('KM201', {
                            ...base,
                            rows: bad,
                            message: `${plural(bad, 'value')} of ${c.table}.${c.property} cannot be converted from ${c.from} to ${c.to}; apply stops before changing anything`,
                            hint: `fix those rows, or declare using: on ${c.table}.${c.property} to say how to convert them`,
                        });
                    }
                    else if (!facts) {
                        add('KM201', {
                            ...base,
                            cap: 'warning',
                            message: `${c.table}.${c.property}: the ${c.cast} cast ${c.from} → ${c.to} may fail on existing values (not counted: no database at hand)`,
                            hint: 'run `kuzu-migrate lint` against a copy of the database to count them, or declare using:',
                        });
                    }
                }
                break;
            }
            case 'alter_primary_key':
                add('KM105', {
                    ...base,
                    rows,
                    cap: accepted.cap,
                    message: `primary key of ${c.table} changes ${c.from} → ${c.to}: duplicate or NULL keys fail the rebuild, and every rel table attached to it is rebuilt${counted('row')}${accepted.note}`,
                    hint: `check that ${c.to} is unique and never NULL; ${acceptHint}`,
                });
                break;
            case 'alter_multiplicity': {
                if (c.destructive) {
                    add('KM106', {
                        ...base,
                        rows,
                        cap: accepted.cap,
                        message: `multiplicity of ${c.table} narrows ${c.from} → ${c.to}: nodes with more relationships than ${c.to} allows fail the rebuild${counted('relationship')}${accepted.note}`,
                        hint: `keep ${c.from}, or remove the extra relationships first; ${acceptHint}`,
                    });
                    const bad = facts?.multiplicityViolations[key(c.table)];
                    if (bad !== undefined && bad > 0) {
                        add('KM203', {
                            ...base,
                            rows: bad,
                            message: `${plural(bad, 'node')} of ${c.table} already ${bad === 1 ? 'has' : 'have'} more relationships than ${c.to} allows; the rebuild would fail`,
                            hint: `delete the extra relationships first (MATCH them in Kuzu), or keep ${c.from}`,
                        });
                    }
                }
                break;
            }
            case 'add_property': {
                const p = desiredTable(c.table)?.properties.find((x) => (0, model_1.sameName)(x.name, c.property));
                if (p && !p.using && (0, diff_1.isNonConstantDefault)(p.default)) {
                    const n = facts?.tableRows[key(c.table)];
                    if (n === 0)
                        break; // nothing exists to receive the value
                    add('KM202', {
                        ...base,
                        ...(n !== undefined ? { rows: n } : {}),
                        message: `${c.table}.${c.property} is added with the non-constant default ${p.default}: ${n !== undefined ? plural(n, 'existing row') : 'existing rows'} get it evaluated at apply time, not when they were created`,
                        hint: `declare using: to compute the value from the row (e.g. from another property), or accept it by setting KM202 to notice/off`,
                    });
                }
                break;
            }
            case 'rename_table':
                add('KM401', {
                    ...base,
                    message: `table ${c.from} is renamed to ${c.table}; running application queries that use ${c.from} fail after apply`,
                    hint: 'deploy the application reading the new name together with the migration, or accept it by setting KM401 to notice/off',
                });
                break;
            case 'rename_property':
                add('KM402', {
                    ...base,
                    message: `property ${c.table}.${c.from} is renamed to ${c.property}; running application queries that use ${c.from} fail after apply`,
                    hint: 'expand/contract: add the new property and copy values, switch readers, then drop the old one; or accept it by setting KM402 to notice/off',
                });
                break;
            case 'create_node_table':
            case 'create_rel_table':
            case 'alter_property_default':
            case 'add_connection':
            case 'alter_storage_direction':
            case 'set_table_comment':
                break;
            default: {
                const never = c.kind;
                throw new Error(`unexpected change kind ${String(never)}`);
            }
        }
        namingFindings(c, desiredTable, settings, add);
    });
    // Rebuild cost: which tables, why, how much; then the estimate against the free disk.
    let estimate;
    if (plan.rebuilt_tables.length > 0) {
        let rebuiltRows = 0;
        let allCounted = Boolean(facts);
        for (const t of plan.rebuilt_tables) {
            const own = plan.changes.filter((c) => (0, model_1.sameName)(c.table, t) && !c.in_place);
            const why = own.length ? [...new Set(own.map((c) => c.kind))].join(', ') : 'an endpoint node table is rebuilt';
            const n = facts?.tableRows[key(t)];
            if (n === undefined)
                allCounted = false;
            else
                rebuiltRows += n;
            const bytes = facts && n !== undefined && facts.totalRows > 0 ? Math.round((facts.databaseBytes * n) / facts.totalRows) : undefined;
            add('KM301', {
                table: t,
                ...(n !== undefined ? { rows: n } : {}),
                message: `${t} is rebuilt (${why})` + (n !== undefined ? `: ${plural(n, 'row')} to rewrite` + (bytes !== undefined ? `, ≈ ${(0, cost_1.formatBytes)(bytes)}` : '') : ''),
                hint: 'a rebuild copies the table inside Kuzu and verifies it; schedule it like a data migration, or avoid it by keeping the type/default/key/multiplicity',
            });
        }
        if (facts && allCounted) {
            estimate = (0, cost_1.estimateRebuild)({
                strategy: plan.rewrite_strategy ?? 'transaction',
                rebuiltRows,
                totalRows: facts.totalRows,
                databaseBytes: facts.databaseBytes,
                freeBytes: facts.freeBytes,
            });
            const free = estimate.disk_free;
            add('KM302', {
                rows: estimate.rows,
                message: `estimate (${estimate.strategy} strategy, from ${cost_1.COST_SOURCE}): ${plural(estimate.rows, 'row')} and ≈ ${(0, cost_1.formatBytes)(estimate.bytes)} to rewrite, ` +
                    `≈ ${(0, cost_1.formatSeconds)(estimate.seconds)}, needs ≈ ${(0, cost_1.formatBytes)(estimate.disk_needed)} of free disk (backup included)` +
                    (free !== null ? `, ${(0, cost_1.formatBytes)(free)} free` : ''),
                hint: 'an estimate from throughput measured by `npm run bench`; run it on your machine for yours',
            });
            if (free !== null && estimate.disk_needed > free) {
                add('KM303', {
                    message: `the rebuild needs ≈ ${(0, cost_1.formatBytes)(estimate.disk_needed)} of free disk (backup included) but only ${(0, cost_1.formatBytes)(free)} is free`,
                    hint: 'free space next to the database (or move backups: elsewhere), then plan again',
                });
            }
        }
    }
    for (const v of (0, protection_1.protectionViolations)(plan, ctx.protect ?? [])) {
        const name = v.property ? `${v.table}.${v.property}` : v.table;
        add('KM601', {
            table: v.table,
            ...(v.property ? { property: v.property } : {}),
            ...(v.change !== null ? { change: v.change } : {}),
            message: `${name} is protected and would be ${v.what}; apply refuses this whatever --allow-destructive says`,
            hint: `if this is intended, remove protect: true from ${name} (or from the environment's protect: list) in its own reviewed change first`,
        });
    }
    if (facts && !facts.managed && plan.database_exists && (0, protection_1.dropsAnything)(plan.changes)) {
        add('KM602', {
            message: 'kuzu-migrate never applied to this database and the plan drops tables, properties or connections declared nowhere',
            hint: 'check that the YAML declares everything the database holds (`kuzu-migrate init` writes it, unmanaged: excludes tables); apply needs --allow-drops-on-first-run',
        });
    }
    out.sort((a, b) => rank(b.severity) - rank(a.severity) || a.code.localeCompare(b.code));
    return { findings: out, summary: summarize(out), ...(estimate ? { estimate } : {}) };
}
function rank(s) {
    return s === 'error' ? 3 : s === 'warning' ? 2 : 1;
}
function summarize(findings) {
    return {
        error: findings.filter((f) => f.severity === 'error').length,
        warning: findings.filter((f) => f.severity === 'warning').length,
        notice: findings.filter((f) => f.severity === 'notice').length,
    };
}
/** Naming conventions apply to what the change introduces (created or renamed), never to old names. */
function namingFindings(c, desiredTable, settings, add) {
    const check = (code, convention, name, what, table, property) => {
        if (!convention || (0, codes_1.followsConvention)(name, convention))
            return;
        add(code, {
            table,
            ...(property ? { property } : {}),
            message: `${what} ${name} is not ${convention}`,
            hint: `rename it to follow lint.naming (${convention}), or set ${code} to off in lint.severity`,
        });
    };
    const n = settings.naming;
    if (c.kind === 'create_node_table' || (c.kind === 'rename_table' && c.table_kind === 'node')) {
        check('KM501', n.node_tables, c.table, 'node table', c.table);
    }
    if (c.kind === 'create_rel_table' || (c.kind === 'rename_table' && c.table_kind === 'rel')) {
        check('KM502', n.rel_tables, c.table, 'rel table', c.table);
    }
    if (c.kind === 'add_property' || c.kind === 'rename_property') {
        check('KM503', n.properties, c.property, 'property', c.table, c.property);
    }
    if (c.kind === 'create_node_table' || c.kind === 'create_rel_table') {
        for (const p of desiredTable(c.table)?.properties ?? [])
            check('KM503', n.properties, p.name, 'property', c.table, p.name);
    }
}
//# sourceMappingURL=analyze.js.map
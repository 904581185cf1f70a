"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.CHANGE_KINDS = void 0;
exports.inPlaceDecision = inPlaceDecision;
exports.actionFor = actionFor;
/**
 * The closed vocabulary of semantic changes between a live and a desired schema (what differs),
 * and the one tested function that decides what Kuzu 0.11.3 can do in place.
 */
const errors_1 = require("./errors");
/** Change kinds, as they appear in the plan JSON (`changes[].kind`). A user-facing contract. */
exports.CHANGE_KINDS = [
    'create_node_table',
    'create_rel_table',
    'drop_table',
    'rename_table',
    'add_property',
    'drop_property',
    'rename_property',
    'alter_property_type',
    'alter_property_default',
    'alter_primary_key',
    'add_connection',
    'drop_connection',
    'alter_multiplicity',
    'alter_storage_direction',
    'set_table_comment',
];
/**
 * Whether Kuzu 0.11.3 can make this change in place, inside one transaction (kuzu-notes §1), with
 * the reason when it cannot. The one place this is decided; tested table-driven.
 */
function inPlaceDecision(kind, ctx = {}) {
    switch (kind) {
        case 'create_node_table':
        case 'create_rel_table':
        case 'drop_table':
        case 'rename_table':
        case 'drop_property':
        case 'rename_property':
        case 'set_table_comment':
        case 'add_connection':
        case 'drop_connection':
            return { inPlace: true };
        case 'add_property':
            if (ctx.type && /^SERIAL$/i.test(ctx.type)) {
                return { inPlace: false, reason: 'Kuzu cannot add a SERIAL property in place (ALTER ... ADD SERIAL fails and corrupts the session)' };
            }
            return { inPlace: true };
        case 'alter_property_type':
            return { inPlace: false, reason: 'Kuzu cannot change a property type in place; the table is rebuilt with a cast' };
        case 'alter_property_default':
            return { inPlace: false, reason: 'Kuzu cannot change the default of an existing property in place; the table is rebuilt' };
        case 'alter_primary_key':
            return { inPlace: false, reason: 'Kuzu cannot change a primary key in place; the table and every rel table pointing at it are rebuilt' };
        case 'alter_multiplicity':
            return { inPlace: false, reason: 'Kuzu cannot change a rel table multiplicity in place; the rel table is rebuilt' };
        case 'alter_storage_direction':
            return { inPlace: false, reason: 'Kuzu cannot change storage_direction in place; the rel table is rebuilt' };
        default:
            return (0, errors_1.assertNever)(kind, 'change kind');
    }
}
/** The action a change kind is drawn as. Rewrites of existing objects are replacements. */
function actionFor(kind, inPlace) {
    switch (kind) {
        case 'create_node_table':
        case 'create_rel_table':
        case 'add_property':
        case 'add_connection':
            return inPlace ? 'create' : 'replace';
        case 'drop_table':
        case 'drop_property':
        case 'drop_connection':
            return 'delete';
        case 'rename_table':
        case 'rename_property':
        case 'set_table_comment':
            return 'update';
        case 'alter_property_type':
        case 'alter_property_default':
        case 'alter_primary_key':
        case 'alter_multiplicity':
        case 'alter_storage_direction':
            return inPlace ? 'update' : 'replace';
        default:
            return (0, errors_1.assertNever)(kind, 'change kind');
    }
}
//# sourceMappingURL=changes.js.map
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.toPlanSchema = toPlanSchema;
exports.fromPlanSchema = fromPlanSchema;
exports.checkPlanFormat = checkPlanFormat;
const errors_1 = require("./errors");
const toSnake = (k) => k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
const toCamel = (k) => k.replace(/_([a-z])/g, (_m, c) => c.toUpperCase());
/**
 * Renames every key at every depth. Safe for the schema model because its keys are all field
 * names: user-chosen names (tables, properties) only ever appear as values.
 */
function mapKeys(x, f) {
    if (Array.isArray(x))
        return x.map((v) => mapKeys(v, f));
    if (x !== null && typeof x === 'object')
        return Object.fromEntries(Object.entries(x).map(([k, v]) => [f(k), mapKeys(v, f)]));
    return x;
}
/** The model schema as the plan JSON writes it. */
function toPlanSchema(schema) {
    return mapKeys(schema, toSnake);
}
/** The plan JSON's schema back as the model. Inverse of toPlanSchema. */
function fromPlanSchema(schema) {
    return mapKeys(schema, toCamel);
}
/**
 * Checks that a parsed JSON value is a plan this version of kuzu-migrate applies. A plan of another
 * format (format_version 1 wrote camelCase schema keys) is refused rather than converted: plans are
 * short-lived, and planning again against the live database is both easy and safer.
 * Throws UsageError (64) when `doc` is not a plan at all, RefusedError E_PLAN_FORMAT (3) when it is
 * a plan of another format.
 */
function checkPlanFormat(doc, file, expected) {
    const d = doc;
    if (!d || typeof d !== 'object' || typeof d.format_version !== 'number' || !d.desired_schema || d.tool?.name !== 'kuzu-migrate') {
        throw new errors_1.UsageError(`${file} is not a kuzu-migrate plan`, ['write one with `kuzu-migrate plan --out FILE`']);
    }
    if (d.format_version !== expected) {
        throw new errors_1.RefusedError(`${file} is a plan of format_version ${d.format_version}; this kuzu-migrate reads format_version ${expected}`, 'E_PLAN_FORMAT', [
            'run `kuzu-migrate plan --out FILE` again and apply the new plan (plans are short-lived: it is re-checked against the live database anyway)',
        ]);
    }
}
//# sourceMappingURL=plan-document.js.map
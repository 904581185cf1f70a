/**
 * Protection and size-aware policy, pure: which planned changes touch a `protect`ed table or
 * property, which live tables are `unmanaged` (never planned), and whether the policy allows a
 * destructive change. apply refuses what `protectionViolations` returns whatever
 * --allow-destructive says; plan and lint report the same list as KM601 findings.
 */
import type { Change } from '../changes';
import { Schema, sameName } from '../model';
import type { PlanDocument } from '../plan';

/**
 * Whether `name` matches an `unmanaged:` pattern: `*` any run of characters, `?` one character,
 * compared case-insensitively (Kuzu names are case-insensitive). Nothing else is special.
 */
export function matchesPattern(name: string, pattern: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(name);
}

export function isUnmanaged(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => matchesPattern(name, p));
}

/**
 * The live schema without the tables `unmanaged:` names, so the diff never drops or alters them.
 * Returns the names left out (for a plan warning).
 */
export function withoutUnmanaged(live: Schema, patterns: readonly string[]): { schema: Schema; ignored: string[] } {
  if (patterns.length === 0) return { schema: live, ignored: [] };
  const keep = <T extends { name: string }>(ts: T[]) => ts.filter((t) => !isUnmanaged(t.name, patterns));
  const ignored = [...live.nodes, ...live.rels].filter((t) => isUnmanaged(t.name, patterns)).map((t) => t.name);
  return { schema: { nodes: keep(live.nodes), rels: keep(live.rels) }, ignored };
}

/**
 * Whether `protect` (entries `Table` or `Table.property`, from `protect: true` in the YAML and the
 * environment's `protect:` list) covers the table, or the property when one is given. A protected
 * table covers all its properties.
 */
export function isProtected(protect: readonly string[], table: string, property?: string): boolean {
  return protect.some((p) => {
    const [t, prop] = p.split('.');
    if (!sameName(t, table)) return false;
    return prop === undefined || (property !== undefined && sameName(prop, property));
  });
}

/** One change that destroys or rebuilds something protected. */
export interface ProtectionViolation {
  /** Index into plan.changes, or null when the violation is the rebuild of the table itself. */
  change: number | null;
  table: string;
  property?: string;
  /** What happens to it, for people: "dropped", "rebuilt (alter_property_type)". */
  what: string;
}

/**
 * Every destroy or rebuild of a protected table or property in the plan: destructive changes
 * (drops, lossy casts, key and multiplicity changes) on a protected table or property, and every
 * rebuilt table that is protected or holds a protected property (a rebuild rewrites all of it).
 */
export function protectionViolations(plan: Pick<PlanDocument, 'changes' | 'rebuilt_tables' | 'desired_schema'>, protect: readonly string[]): ProtectionViolation[] {
  if (protect.length === 0) return [];
  const out: ProtectionViolation[] = [];
  plan.changes.forEach((c, i) => {
    if (!c.destructive) return;
    if (isProtected(protect, c.table, c.property)) out.push({ change: i, table: c.table, property: c.property, what: destroyVerb(c) });
  });
  // A rebuild is reported only for what no destructive change above already named.
  const named = new Set(out.map((v) => (v.property ? `${v.table}.${v.property}` : v.table).toLowerCase()));
  for (const t of plan.rebuilt_tables) {
    const why = plan.changes.filter((c) => sameName(c.table, t) && !c.in_place).map((c) => c.kind);
    const reason = why.length ? why.join(', ') : 'an endpoint node table is rebuilt';
    if (isProtected(protect, t)) {
      if (named.has(t.toLowerCase())) continue;
      out.push({ change: null, table: t, what: `rebuilt (${reason})` });
      continue;
    }
    const table = [...plan.desired_schema.nodes, ...plan.desired_schema.rels].find((x) => sameName(x.name, t));
    for (const p of table?.properties ?? []) {
      if (isProtected(protect, t, p.name) && !named.has(`${t}.${p.name}`.toLowerCase())) out.push({ change: null, table: t, property: p.name, what: `rewritten by the rebuild of ${t} (${reason})` });
    }
  }
  return out;
}

function destroyVerb(c: Change): string {
  switch (c.kind) {
    case 'drop_table':
    case 'drop_property':
      return 'dropped';
    case 'drop_connection':
      return `losing its connection ${(c.from as { from: string }).from} → ${(c.from as { to: string }).to}`;
    default:
      return `changed destructively (${c.kind})`;
  }
}

/** The destructive part of the policy, as apply and lint read it. */
export interface DestructivePolicy {
  /** true: every destructive change; a list: `Table` / `Table.prop` names. */
  allowDestructive: boolean | string[];
  /** Allow a destructive change while it touches fewer than this many rows/edges (null: no such rule). */
  allowDestructiveBelowRows?: number | null;
}

/** Whether a destructive change is covered by the allowance list (`Table` covers its properties). */
export function isAllowedByName(c: Change, allow: boolean | string[]): boolean {
  if (allow === true) return true;
  if (allow === false) return false;
  const names = allow.map((a) => a.toLowerCase());
  return names.includes(c.table.toLowerCase()) || (c.property !== undefined && names.includes(`${c.table}.${c.property}`.toLowerCase()));
}

/**
 * Whether the policy lets this destructive change through: named (or all allowed), or counted and
 * touching fewer rows than `allowDestructiveBelowRows`. A change whose rows were not counted (no
 * database at hand) is never allowed by size.
 */
export function destructiveAllowed(c: Change, policy: DestructivePolicy): { allowed: boolean; by?: 'name' | 'size' } {
  if (isAllowedByName(c, policy.allowDestructive)) return { allowed: true, by: 'name' };
  const below = policy.allowDestructiveBelowRows;
  if (below !== undefined && below !== null && c.rows_affected !== undefined && c.rows_affected < below) return { allowed: true, by: 'size' };
  return { allowed: false };
}

/** Whether the plan drops a table, property or connection (the first-run guard's question). */
export function dropsAnything(changes: readonly Change[]): boolean {
  return changes.some((c) => c.kind === 'drop_table' || c.kind === 'drop_property' || c.kind === 'drop_connection');
}

/**
 * The lint analyzer: one pure pass over a plan (and, when a database was at hand, facts counted in
 * it) that turns its changes into coded findings a reviewer and a CI gate can act on. No I/O: the
 * facts are gathered by src/lint/facts.ts, the YAML positions by the config loader.
 */
import type { Change } from '../changes';
import { isNonConstantDefault } from '../diff';
import { allTables, sameName, type Connection, type Table } from '../model';
import type { PlanDocument } from '../plan';
import { fromPlanSchema } from '../plan-document';
import { LintSettings, Severity, DEFAULT_LINT_SETTINGS, followsConvention, ruleFor, severityOf, NamingConvention } from './codes';
import { estimateRebuild, formatBytes, formatSeconds, COST_SOURCE } from './cost';
import type { LintFinding, LintReport, LintSummary, RebuildEstimate, SourceLocation } from './types';

export type { LintFinding, LintReport, LintSummary, RebuildEstimate, SourceLocation };
import { DestructivePolicy, destructiveAllowed, dropsAnything, protectionViolations } from './protection';

/**
 * Facts counted in the live database (src/lint/facts.ts). Absent when linting without a database
 * (`lint --base`): findings then say what may happen instead of how much.
 */
export interface LintFacts {
  /** Rows (nodes or relationships) per table touched by a change or rebuilt, keyed by the table's plan name in lower case. */
  tableRows: Record<string, number>;
  /** Rows of every table together. */
  totalRows: number;
  /** Values that cannot be cast, keyed `table.property` (plan names, lower case), for type changes without `using`. */
  castFailures: Record<string, number>;
  /** Nodes with more relationships than a narrower multiplicity allows, keyed by rel table (lower case). */
  multiplicityViolations: Record<string, number>;
  /** Size of the database file (and WAL), bytes. */
  databaseBytes: number;
  /** Free bytes in the database's file system; null when unknown. */
  freeBytes: number | null;
  /** False when the database exists and kuzu-migrate never applied to it (no history table). */
  managed: boolean;
}

export interface LintContext {
  settings?: LintSettings;
  /** The destructive policy in force; a destructive finding it allows is lowered to a warning. */
  policy?: DestructivePolicy;
  /** `Table` / `Table.prop` entries that are protected. */
  protect?: readonly string[];
  facts?: LintFacts;
  /**
   * Where a table or property is declared; called with no table for "somewhere in the schema", and
   * with the table's kind so an undeclared (dropped) table can point at its nodes:/rels: section.
   */
  locate?: (table?: string, property?: string, kind?: 'node' | 'rel') => SourceLocation | undefined;
}

const key = (t: string, p?: string) => (p === undefined ? t : `${t}.${p}`).toLowerCase();
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const conn = (c: unknown) => `${(c as Connection).from} → ${(c as Connection).to}`;

/**
 * Every finding for `plan`, sorted errors first, then by code. Severity comes from
 * `ctx.settings` (rule defaults otherwise); findings set `off` are left out.
 */
export function analyzePlan(plan: Pick<PlanDocument, 'changes' | 'rebuilt_tables' | 'desired_schema' | 'rewrite_strategy' | 'database_exists'>, ctx: LintContext = {}): LintReport {
  const settings = ctx.settings ?? DEFAULT_LINT_SETTINGS;
  const facts = ctx.facts;
  const out: LintFinding[] = [];
  const add = (code: string, f: Omit<LintFinding, 'code' | 'rule' | 'family' | 'severity' | 'location'> & { cap?: Severity; kind?: 'node' | 'rel' }) => {
    const setting = severityOf(code, settings);
    if (setting === 'off') return;
    const r = ruleFor(code);
    const { cap, kind, ...rest } = f;
    // `cap` lowers (never raises) the configured severity: policy-allowed or uncounted findings.
    const severity = cap && rank(setting) > rank(cap) ? cap : setting;
    const location = ctx.locate?.(f.table, f.property, kind) ?? ctx.locate?.();
    out.push({ code, rule: r.name, family: r.family, severity, ...rest, ...(location ? { location } : {}) });
  };
  const desired = fromPlanSchema(plan.desired_schema);
  const desiredTable = (name: string): Table | undefined => allTables(desired).find((t) => sameName(t.name, name));

  plan.changes.forEach((c, i) => {
    const base = { table: c.table, ...(c.property ? { property: c.property } : {}), change: i };
    const rows = c.rows_affected;
    const counted = (what: string) => (rows !== undefined ? `: ${plural(rows, what)}` : '');
    // Destructive findings the policy allows stay visible, as warnings that say why they pass.
    const allowed = c.destructive && ctx.policy ? destructiveAllowed(c, ctx.policy) : { allowed: false };
    const accepted = allowed.allowed
      ? { cap: 'warning' as Severity, note: allowed.by === 'size' ? ` (allowed: fewer than ${ctx.policy!.allowDestructiveBelowRows} rows)` : ' (allowed by policy.allow_destructive / --allow-destructive)' }
      : { cap: undefined, note: '' };
    const acceptHint = `accept it with policy.allow_destructive: [${c.property ? `${c.table}.${c.property}` : c.table}] (per environment) or --allow-destructive`;
    switch (c.kind) {
      case 'drop_table':
        add('KM101', {
          ...base,
          kind: c.table_kind === 'node' || c.table_kind === 'rel' ? c.table_kind : undefined,
          rows,
          cap: accepted.cap,
          message:
            `drop ${c.table_kind} table ${c.table}` +
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
          } else if (!facts) {
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
        const p = desiredTable(c.table)?.properties.find((x) => sameName(x.name, c.property!));
        if (p && !p.using && isNonConstantDefault(p.default)) {
          const n = facts?.tableRows[key(c.table)];
          if (n === 0) break; // nothing exists to receive the value
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
      // Dropping a catalog object: an error like the other drops, a warning once the policy
      // accepts it (allow_destructive naming the table of an index, or the sequence or macro).
      // Only drop_sequence is gated by the policy in apply too (its position is data); an index
      // or macro drop loses no rows, so lint is where a reviewer is told. A vector index change
      // that rebuilds its table is reported by KM301.
      case 'drop_index':
      case 'drop_sequence':
      case 'drop_macro': {
        const ok = ctx.policy ? destructiveAllowed(c, ctx.policy) : { allowed: false };
        const note = ok.allowed ? ' (allowed by policy.allow_destructive / --allow-destructive)' : '';
        const what = c.kind === 'drop_index' ? `index ${c.object} on ${c.table}` : c.kind === 'drop_sequence' ? `sequence ${c.table}` : `macro ${c.table}`;
        const effect =
          c.kind === 'drop_index'
            ? 'queries calling QUERY_FTS_INDEX / QUERY_VECTOR_INDEX on it fail until it is built again'
            : c.kind === 'drop_sequence'
              ? `its position is lost and defaults calling nextval('${c.table}') stop working`
              : 'queries calling it fail';
        add(c.kind === 'drop_index' ? 'KM107' : c.kind === 'drop_sequence' ? 'KM108' : 'KM109', {
          table: c.table,
          change: i,
          cap: ok.allowed ? 'warning' : undefined,
          message: `drop ${what}: ${effect}${note}`,
          hint: `declare it again under ${c.kind === 'drop_index' ? 'indexes' : c.kind === 'drop_sequence' ? 'sequences' : 'macros'}: to keep it; accept it with policy.allow_destructive: [${c.table}] (per environment) or --allow-destructive, or set ${c.kind === 'drop_index' ? 'KM107' : c.kind === 'drop_sequence' ? 'KM108' : 'KM109'} to warning in lint.severity`,
        });
        break;
      }
      case 'create_index':
      case 'alter_index':
      case 'create_sequence':
      case 'alter_sequence':
      case 'create_macro':
      case 'replace_macro':
        break;
      default: {
        const never: never = c.kind;
        throw new Error(`unexpected change kind ${String(never)}`);
      }
    }
    namingFindings(c, desiredTable, settings, add);
  });

  // Rebuild cost: which tables, why, how much; then the estimate against the free disk.
  let estimate: RebuildEstimate | undefined;
  if (plan.rebuilt_tables.length > 0) {
    let rebuiltRows = 0;
    let allCounted = Boolean(facts);
    for (const t of plan.rebuilt_tables) {
      const own = plan.changes.filter((c) => sameName(c.table, t) && !c.in_place);
      const why = own.length ? [...new Set(own.map((c) => c.kind))].join(', ') : 'an endpoint node table is rebuilt';
      const n = facts?.tableRows[key(t)];
      if (n === undefined) allCounted = false;
      else rebuiltRows += n;
      const bytes = facts && n !== undefined && facts.totalRows > 0 ? Math.round((facts.databaseBytes * n) / facts.totalRows) : undefined;
      add('KM301', {
        table: t,
        ...(n !== undefined ? { rows: n } : {}),
        message: `${t} is rebuilt (${why})` + (n !== undefined ? `: ${plural(n, 'row')} to rewrite` + (bytes !== undefined ? `, ≈ ${formatBytes(bytes)}` : '') : ''),
        hint: 'a rebuild copies the table inside Kuzu and verifies it; schedule it like a data migration, or avoid it by keeping the type/default/key/multiplicity',
      });
    }
    if (facts && allCounted) {
      estimate = estimateRebuild({
        strategy: plan.rewrite_strategy ?? 'transaction',
        rebuiltRows,
        totalRows: facts.totalRows,
        databaseBytes: facts.databaseBytes,
        freeBytes: facts.freeBytes,
      });
      const free = estimate.disk_free;
      add('KM302', {
        rows: estimate.rows,
        message:
          `estimate (${estimate.strategy} strategy, from ${COST_SOURCE}): ${plural(estimate.rows, 'row')} and ≈ ${formatBytes(estimate.bytes)} to rewrite, ` +
          `≈ ${formatSeconds(estimate.seconds)}, needs ≈ ${formatBytes(estimate.disk_needed)} of free disk (backup included)` +
          (free !== null ? `, ${formatBytes(free)} free` : ''),
        hint: 'an estimate from throughput measured by `npm run bench`; run it on your machine for yours',
      });
      if (free !== null && estimate.disk_needed > free) {
        add('KM303', {
          message: `the rebuild needs ≈ ${formatBytes(estimate.disk_needed)} of free disk (backup included) but only ${formatBytes(free)} is free`,
          hint: 'free space next to the database (or move backups: elsewhere), then plan again',
        });
      }
    }
  }

  for (const v of protectionViolations(plan, ctx.protect ?? [])) {
    const name = v.property ? `${v.table}.${v.property}` : v.table;
    add('KM601', {
      table: v.table,
      ...(v.property ? { property: v.property } : {}),
      ...(v.change !== null ? { change: v.change } : {}),
      message: `${name} is protected and would be ${v.what}; apply refuses this whatever --allow-destructive says`,
      hint: `if this is intended, remove protect: true from ${name} (or from the environment's protect: list) in its own reviewed change first`,
    });
  }

  if (facts && !facts.managed && plan.database_exists && dropsAnything(plan.changes)) {
    add('KM602', {
      message: 'kuzu-migrate never applied to this database and the plan drops tables, properties or connections declared nowhere',
      hint: 'check that the YAML declares everything the database holds (`kuzu-migrate init` writes it, unmanaged: excludes tables); apply needs --allow-drops-on-first-run',
    });
  }

  out.sort((a, b) => rank(b.severity) - rank(a.severity) || a.code.localeCompare(b.code));
  return { findings: out, summary: summarize(out), ...(estimate ? { estimate } : {}) };
}

function rank(s: Severity): number {
  return s === 'error' ? 3 : s === 'warning' ? 2 : 1;
}

export function summarize(findings: readonly LintFinding[]): LintSummary {
  return {
    error: findings.filter((f) => f.severity === 'error').length,
    warning: findings.filter((f) => f.severity === 'warning').length,
    notice: findings.filter((f) => f.severity === 'notice').length,
  };
}

/** Naming conventions apply to what the change introduces (created or renamed), never to old names. */
function namingFindings(
  c: Change,
  desiredTable: (n: string) => Table | undefined,
  settings: LintSettings,
  add: (code: string, f: Omit<LintFinding, 'code' | 'rule' | 'family' | 'severity' | 'location'>) => void,
): void {
  const check = (code: string, convention: NamingConvention | undefined, name: string, what: string, table: string, property?: string) => {
    if (!convention || followsConvention(name, convention)) return;
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
    check('KM503', n.properties, c.property!, 'property', c.table, c.property);
  }
  if (c.kind === 'create_node_table' || c.kind === 'create_rel_table') {
    for (const p of desiredTable(c.table)?.properties ?? []) check('KM503', n.properties, p.name, 'property', c.table, p.name);
  }
}

/**
 * Drift drawn as drift: what was found in the database and not declared, what is declared and
 * missing from the database, and what differs — the database's side first — with the two ways out
 * (adopt it into the YAML with `init --merge`, or undo it with `apply`). The plan's changes go from
 * the database to the declaration, so each one is read backwards here.
 */
import { Change } from './changes';
import { assertNever } from './errors';
import { Connection } from './model';
import { PlanDocument } from './plan';
import { Colors, displayPath } from './render';

export type DriftCategory = 'undeclared' | 'missing' | 'differs';

export const DRIFT_HEADINGS: Record<DriftCategory, string> = {
  undeclared: 'Found in the database, not declared',
  missing: 'Declared, missing from the database',
  differs: 'Differs',
};

export interface DriftItem {
  category: DriftCategory;
  /** What, in the database's terms: `property Component.owner`, `Requirement.priority: INT32 in the database, INT64 declared`. */
  text: string;
  change: Change;
}

function conn(c: unknown): string {
  const x = c as Connection;
  return `${x.from} → ${x.to}`;
}

const s = (v: unknown) => (v === null || v === undefined || v === '' ? 'none' : String(v));

/** One plan change (database → declaration) as the drift it reveals. */
export function driftItem(c: Change): DriftItem {
  const p = c.property ? `${c.table}.${c.property}` : c.table;
  const item = (category: DriftCategory, text: string): DriftItem => ({ category, text, change: c });
  switch (c.kind) {
    case 'create_node_table':
      return item('missing', `node table ${c.table}`);
    case 'create_rel_table':
      return item('missing', `rel table ${c.table}`);
    case 'drop_table':
      return item('undeclared', `${c.table_kind} table ${c.table}` + (c.rows_affected !== undefined ? ` (${c.rows_affected} rows)` : ''));
    case 'add_property':
      return item('missing', `property ${p} ${c.to}`);
    case 'drop_property':
      return item('undeclared', `property ${p}` + (c.rows_affected !== undefined ? ` (${c.rows_affected} non-null values)` : ''));
    case 'add_connection':
      return item('missing', `connection ${conn(c.to)} of ${c.table}`);
    case 'drop_connection':
      return item('undeclared', `connection ${conn(c.from)} of ${c.table}`);
    case 'rename_table':
      return item('differs', `table ${c.table}: called ${c.from} in the database (declared renamed_from)`);
    case 'rename_property':
      return item('differs', `property ${p}: called ${c.table}.${c.from} in the database (declared renamed_from)`);
    case 'alter_property_type':
      return item('differs', `type of ${p}: ${s(c.from)} in the database, ${s(c.to)} declared`);
    case 'alter_property_default':
      return item('differs', `default of ${p}: ${s(c.from)} in the database, ${s(c.to)} declared`);
    case 'alter_primary_key':
      return item('differs', `primary key of ${c.table}: ${s(c.from)} in the database, ${s(c.to)} declared`);
    case 'alter_multiplicity':
      return item('differs', `multiplicity of ${c.table}: ${s(c.from)} in the database, ${s(c.to)} declared`);
    case 'alter_storage_direction':
      return item('differs', `storage_direction of ${c.table}: ${s(c.from)} in the database, ${s(c.to)} declared`);
    case 'set_table_comment':
      return item('differs', `comment of ${c.table}: ${JSON.stringify(c.from ?? '')} in the database, ${JSON.stringify(c.to ?? '')} declared`);
    case 'create_index':
      return item('missing', `index ${c.object} on ${c.table}`);
    case 'drop_index':
      return item('undeclared', `index ${c.object} on ${c.table}`);
    case 'alter_index':
      return item('differs', `index ${c.object} on ${c.table}: ${s(c.from)} in the database, ${s(c.to)} declared`);
    case 'create_sequence':
      return item('missing', `sequence ${c.table}`);
    case 'drop_sequence':
      return item('undeclared', `sequence ${c.table}`);
    case 'alter_sequence':
      return item('differs', `sequence ${c.table}: ${s(c.from)} in the database, ${s(c.to)} declared`);
    case 'create_macro':
      return item('missing', `macro ${c.table}`);
    case 'drop_macro':
      return item('undeclared', `macro ${s(c.from)}`);
    case 'replace_macro':
      return item('differs', `macro ${c.table}: ${s(c.from)} in the database, ${s(c.to)} declared`);
    default:
      return assertNever(c.kind, 'change kind');
  }
}

export interface DriftRenderOptions {
  colors?: Colors;
  /** Paths relative to this folder (the YAML's). */
  baseDir?: string;
  /** The YAML as the user named it, for the commands shown (`-c infra/kuzu-migrate.yaml`). */
  configArg?: string;
  /** `--env NAME` to repeat in the commands shown. */
  environment?: string | null;
  /** `drift --queries` found a declared query failing: a matching schema is then not "no drift". */
  queriesDrifted?: boolean;
}

/** The commands that adopt the drift into the YAML (`init --merge`) or undo it (`apply`), with the user's -c/--env. */
export function driftCommands(o: DriftRenderOptions): { adopt: string; undo: string } {
  const tail = (o.configArg && o.configArg !== 'kuzu-migrate.yaml' ? ` -c ${o.configArg}` : '') + (o.environment ? ` --env ${o.environment}` : '');
  return { adopt: `kuzu-migrate init --merge${tail}`, undo: `kuzu-migrate apply${tail}` };
}

function grouped(plan: PlanDocument): [DriftCategory, DriftItem[]][] {
  const items = plan.changes.map(driftItem);
  return (['undeclared', 'missing', 'differs'] as DriftCategory[]).map((k) => [k, items.filter((i) => i.category === k)] as [DriftCategory, DriftItem[]]).filter(([, xs]) => xs.length > 0);
}

/** Terminal text for `drift`. */
export function renderDriftText(plan: PlanDocument, o: DriftRenderOptions = {}): string {
  const k = o.colors;
  const bold = k?.bold ?? ((x: string) => x);
  const db = displayPath(plan.database, o.baseDir);
  if (!plan.changes.length) {
    return o.queriesDrifted ? `No schema drift: ${db} matches the declared schema (${plan.version}); a declared query drifted (below).\n` : `No drift: ${db} matches the declared schema (${plan.version}).\n`;
  }
  const lines = [bold(`Drift: ${db} differs from the declared schema (${plan.version}).`), ''];
  for (const [cat, items] of grouped(plan)) {
    const color = !k ? (x: string) => x : cat === 'undeclared' ? k.yellow : cat === 'missing' ? k.red : k.cyan;
    lines.push(color(`${DRIFT_HEADINGS[cat]}:`));
    for (const i of items) lines.push(`  ${i.text}`);
    lines.push('');
  }
  const cmd = driftCommands(o);
  lines.push(`Adopt it (the YAML's schema from the database): ${cmd.adopt}`);
  lines.push(`Undo it (the database back to the YAML):     ${cmd.undo}`);
  return lines.join('\n') + '\n';
}

/** Markdown for `drift --format markdown` (the nightly job's issue body). */
export function renderDriftMarkdown(plan: PlanDocument, o: DriftRenderOptions = {}): string {
  const db = displayPath(plan.database, o.baseDir);
  const out = ['### Drift', ''];
  if (!plan.changes.length) {
    const line = o.queriesDrifted
      ? `**No schema drift.** \`${db}\` matches the declared schema (\`${plan.version}\`); a declared query drifted (below).`
      : `**No drift.** \`${db}\` matches the declared schema (\`${plan.version}\`).`;
    return out.concat(line).join('\n') + '\n';
  }
  out.push(`\`${db}\`${plan.environment ? ` (environment \`${plan.environment}\`)` : ''} differs from the declared schema \`${plan.version}\`.`, '');
  for (const [cat, items] of grouped(plan)) {
    out.push(`#### ${DRIFT_HEADINGS[cat]}`, '');
    for (const i of items) out.push(`- ${i.text}`);
    out.push('');
  }
  const cmd = driftCommands(o);
  out.push('#### What to do', '');
  out.push(`- Adopt it — refresh the YAML's schema (tables, their indexes, sequences, macros) from the database, keeping version, checks, environments, policy and comments, then review and commit:`, '', '  ```sh', `  ${cmd.adopt}`, '  ```', '');
  out.push(`- Undo it — make the database match the YAML again (review \`kuzu-migrate plan\` first; backups are taken):`, '', '  ```sh', `  ${cmd.undo}`, '  ```', '');
  return out.join('\n') + '\n';
}

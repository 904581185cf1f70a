/**
 * Renderers: the plan JSON drawn as text (terminal) or Markdown (pull-request comment). They read
 * only the PlanDocument, so text, Markdown and --json cannot disagree.
 */
import { Action, Change } from './changes';
import { assertNever } from './errors';
import { Connection } from './model';
import { PlanDocument, PlanSummary } from './plan';
import { blockingFindings, formatFinding, sourcePrefix } from './findings';

/** The findings block of the text plan ('' when there are none). */
function findingsText(plan: PlanDocument): string[] {
  const fs = plan.findings ?? [];
  if (fs.length === 0) return [];
  const blocking = blockingFindings(fs).length;
  return [
    blocking ? `Apply would fail or be refused: ${blocking} finding${blocking === 1 ? '' : 's'} (error).` : 'Findings:',
    ...fs.map((f) => '  ' + formatFinding(f).replace(/\n/g, '\n  ')),
    '',
  ];
}

export const ACTION_SYMBOLS: Record<Action, string> = { create: '+', update: '~', delete: '-', replace: '-/+' };

function conn(c: unknown): string {
  const x = c as Connection;
  return `${x.from} → ${x.to}`;
}

/** One line describing a change, without its symbol. */
export function describeChange(c: Change): string {
  const t = c.table;
  const p = c.property ? `${t}.${c.property}` : t;
  switch (c.kind) {
    case 'create_node_table':
      return `create node table ${t}`;
    case 'create_rel_table':
      return `create rel table ${t}`;
    case 'drop_table':
      return `drop ${c.table_kind} table ${t}`;
    case 'rename_table':
      return `rename table ${c.from} → ${t}`;
    case 'add_property':
      return `add property ${p} ${c.to}` + (c.using ? ` using ${c.using}` : '');
    case 'drop_property':
      return `drop property ${p}`;
    case 'rename_property':
      return `rename property ${t}.${c.from} → ${c.property}`;
    case 'alter_property_type':
      return `alter type of ${p}: ${c.from} → ${c.to}` + (c.using ? ` using ${c.using}` : '');
    case 'alter_property_default':
      return `alter default of ${p}: ${c.from ?? 'none'} → ${c.to ?? 'none'}`;
    case 'alter_primary_key':
      return `alter primary key of ${t}: ${c.from} → ${c.to}`;
    case 'add_connection':
      return `add connection ${conn(c.to)} to ${t}`;
    case 'drop_connection':
      return `drop connection ${conn(c.from)} of ${t}`;
    case 'alter_multiplicity':
      return `alter multiplicity of ${t}: ${c.from} → ${c.to}`;
    case 'alter_storage_direction':
      return `alter storage_direction of ${t}: ${c.from} → ${c.to}`;
    case 'set_table_comment':
      return `set comment of ${t}: ${JSON.stringify(c.from ?? '')} → ${JSON.stringify(c.to ?? '')}`;
    default:
      return assertNever(c.kind, 'change kind');
  }
}

function destructiveNote(c: Change): string {
  if (!c.destructive) return '';
  const rows = c.rows_affected !== undefined ? `: ${c.rows_affected} row${c.rows_affected === 1 ? '' : 's'} affected` : '';
  return ` [destructive${rows}]`;
}

export function summaryLine(s: PlanSummary): string {
  if (s.total === 0) return 'No changes. The live database matches the declared schema.';
  const parts = [`${s.create} to create`, `${s.update} to update`, `${s.replace} to replace`, `${s.delete} to delete`];
  return `Plan: ${parts.join(', ')}` + (s.destructive ? ` (${s.destructive} destructive).` : '.');
}

function header(plan: PlanDocument): string {
  return `kuzu-migrate plan for ${plan.database}${plan.environment ? ` (environment ${plan.environment})` : ''} → ${plan.version}`;
}

export function renderText(plan: PlanDocument, options: { statements?: boolean } = {}): string {
  const lines: string[] = [header(plan), ''];
  if (!plan.database_exists) lines.push('The database does not exist yet; apply creates it.', '');
  for (const c of plan.changes) {
    const sym = ACTION_SYMBOLS[c.action].padStart(3);
    lines.push(`${sym} ${describeChange(c)}${destructiveNote(c)}`);
    lines.push(`      ${c.reason}`);
  }
  if (plan.changes.length) lines.push('');
  lines.push(...findingsText(plan));
  for (const w of plan.warnings) lines.push(`warning: ${w}`);
  if (plan.warnings.length) lines.push('');
  if (plan.strategy !== 'none') {
    lines.push(`Strategy: ${plan.strategy}${plan.rewrite_strategy ? ` (${plan.rewrite_strategy})` : ''}: ${plan.strategy_reason}.`);
    if (plan.rebuilt_tables.length) lines.push(`Rebuilt tables: ${plan.rebuilt_tables.join(', ')}.`);
  }
  if (options.statements && plan.steps.length) {
    lines.push('', 'Statements:');
    for (const s of plan.steps) lines.push(`  ${String(s.id).padStart(3)}. [${s.phase}] ${s.statement};`, `       -- ${s.comment}`);
  }
  lines.push(summaryLine(plan.summary));
  return lines.join('\n') + '\n';
}

/** Markdown for a pull-request comment: summary, a diff block (GitHub colours + and -), statements folded. */
export function renderMarkdown(plan: PlanDocument): string {
  const out: string[] = [];
  out.push(`### kuzu-migrate plan → \`${plan.version}\``, '');
  out.push(`Database \`${plan.database}\`${plan.environment ? `, environment \`${plan.environment}\`` : ''}.`, '');
  const findings = plan.findings ?? [];
  if (findings.length) {
    const blocking = blockingFindings(findings).length;
    if (blocking) out.push(`> [!CAUTION]\n> Apply would fail or be refused: ${blocking} finding${blocking === 1 ? '' : 's'} below.`, '');
    out.push('| severity | code | finding | hint |', '|---|---|---|---|');
    const cell = (t: string) => t.replace(/\|/g, '\\|').replace(/\n/g, ' ');
    for (const f of findings) out.push(`| ${f.severity} | \`${f.code}\` | ${cell(sourcePrefix(f) + f.message)} | ${cell(f.hint ?? '')} |`);
    out.push('');
  }
  if (plan.changes.length === 0) {
    out.push('**No changes.** The live database matches the declared schema.');
    return out.join('\n') + '\n';
  }
  const s = plan.summary;
  out.push('| create | update | replace | delete | destructive |', '|---:|---:|---:|---:|---:|');
  out.push(`| ${s.create} | ${s.update} | ${s.replace} | ${s.delete} | ${s.destructive} |`, '');
  if (s.destructive) out.push(`> [!WARNING]\n> ${s.destructive} destructive change${s.destructive === 1 ? '' : 's'}: apply refuses ${s.destructive === 1 ? 'it' : 'them'} unless allowed (\`--allow-destructive\` or the environment's policy).`, '');
  out.push('```diff');
  for (const c of plan.changes) {
    // diff blocks colour by the first character: + green, - red, ! orange (update/replace).
    const lead = c.action === 'create' ? '+' : c.action === 'delete' ? '-' : '!';
    out.push(`${lead} ${ACTION_SYMBOLS[c.action]} ${describeChange(c)}${destructiveNote(c)}`);
    out.push(`#     ${c.reason}`);
  }
  out.push('```', '');
  out.push(`**Strategy:** ${plan.strategy}${plan.rewrite_strategy ? ` (${plan.rewrite_strategy})` : ''}: ${plan.strategy_reason}.`, '');
  for (const w of plan.warnings) out.push(`- ⚠️ ${w}`);
  if (plan.warnings.length) out.push('');
  if (plan.steps.length) {
    out.push('<details><summary>Statements (' + plan.steps.length + ')</summary>', '', '```cypher');
    for (const st of plan.steps) out.push(`// ${st.id}. [${st.phase}] ${st.comment}`, `${st.statement};`);
    out.push('```', '', '</details>', '');
  }
  out.push(summaryLine(plan.summary));
  return out.join('\n') + '\n';
}

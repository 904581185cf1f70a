/**
 * Renderers: the plan JSON drawn as text (terminal) or Markdown (pull-request comment). They read
 * only the PlanDocument, so text, Markdown and --json cannot disagree.
 */
import { Action, Change } from './changes';
import { assertNever } from './errors';
import { planGraph, renderMermaid } from './graph';
import { Connection } from './model';
import { PlanDocument, PlanSummary } from './plan';
import { lintMarkdownLines, lintTextLines } from './lint/render';
import { blockingFindings, formatFinding, sourcePrefix } from './findings';

/** The findings block of the text plan ('' when there are none). */
function findingsText(plan: PlanDocument): string[] {
  const fs = plan.findings ?? [];
  if (fs.length === 0) return [];
  const blocking = blockingFindings(fs).length;
  return [
    blocking ? `Apply would fail or be refused: ${blocking} finding${blocking === 1 ? '' : 's'} (error).` : 'Pre-check findings:',
    ...fs.map((f) => '  ' + formatFinding(f).replace(/\n/g, '\n  ')),
    '',
  ];
}

/**
 * The colour functions the renderers use (each wraps a string in ANSI codes, or returns it as is).
 * The CLI passes picocolors' (src/cli/output.ts decides whether to colour); the core imports no
 * library for it.
 */
export interface Colors {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}
const same = (s: string) => s;
export const NO_COLORS: Colors = { bold: same, dim: same, red: same, green: same, yellow: same, cyan: same };

/**
 * Colours a line by its plan action, the way Terraform does: create green, update yellow,
 * replace/destroy red (anything that loses data, destructive or not, reads as red).
 */
function actionColor(c: Colors, a: Action): (s: string) => string {
  switch (a) {
    case 'create':
      return c.green;
    case 'update':
      return c.yellow;
    case 'replace':
    case 'delete':
      return c.red;
    default:
      return assertNever(a, 'action');
  }
}

/** How apply's destructive-change policy judges this plan, computed by the caller (it knows the policy). */
export interface PolicyVerdict {
  /** Destructive changes the policy (YAML/environment, and flags given) does not allow, as `Table` / `Table.prop`. */
  refused: string[];
  /** Where the allowance came from, for the sentence ("the environment's policy"). */
  source?: string;
}

export interface RenderOptions {
  /** Also list every statement (text). */
  statements?: boolean;
  /** Colour functions (text); default none. */
  colors?: Colors;
  /** Paths are shown relative to this folder (the YAML's), not as the runner's absolute paths. */
  baseDir?: string;
  /** The policy's verdict, shown in the Markdown. */
  policy?: PolicyVerdict;
}

/**
 * `p` relative to the folder `baseDir` when given (`./db/graph.kuzu`, `../data/g.kuzu`), else as
 * is. Plain string work on `/`-separated paths (the core does no I/O and imports no node module);
 * a path sharing no leading folder with `baseDir` stays absolute.
 */
export function displayPath(p: string, baseDir?: string): string {
  if (!baseDir) return p;
  const base = baseDir.replace(/\/+$/, '');
  if (p === base) return '.';
  if (p.startsWith(base + '/')) return './' + p.slice(base.length + 1);
  const a = base.split('/');
  const b = p.split('/');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (i <= 1) return p; // nothing in common but the root
  return '../'.repeat(a.length - i) + b.slice(i).join('/');
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
    case 'create_index':
      return `create index ${c.object} on ${t}: ${c.to}`;
    case 'drop_index':
      return `drop index ${c.object} on ${t}: ${c.from}`;
    case 'alter_index':
      return `rebuild index ${c.object} on ${t}: ${c.from} → ${c.to}`;
    case 'create_sequence':
      return `create sequence ${t}: ${c.to}`;
    case 'drop_sequence':
      return `drop sequence ${t}`;
    case 'alter_sequence':
      return `alter sequence ${t}: ${c.from} → ${c.to}`;
    case 'create_macro':
      return `create macro ${c.to}`;
    case 'drop_macro':
      return `drop macro ${c.from}`;
    case 'replace_macro':
      return `replace macro ${c.from} → ${c.to}`;
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

function header(plan: PlanDocument, baseDir?: string): string {
  return `kuzu-migrate plan for ${displayPath(plan.database, baseDir)}${plan.environment ? ` (environment ${plan.environment})` : ''} → ${plan.version}`;
}

/**
 * The plan for a terminal, Terraform style (`+ ~ - -/+` per change, destructive ones marked, the
 * rewrite and its reason, the summary), read from the plan document alone so that the text and
 * `--json` cannot disagree. Pure.
 */
export function renderText(plan: PlanDocument, options: RenderOptions = {}): string {
  const k = options.colors ?? NO_COLORS;
  const lines: string[] = [k.bold(header(plan, options.baseDir)), ''];
  if (!plan.database_exists) lines.push('The database does not exist yet; apply creates it (with --create, or create: true in the YAML).', '');
  for (const c of plan.changes) {
    const color = actionColor(k, c.action);
    const sym = ACTION_SYMBOLS[c.action].padStart(3);
    const note = destructiveNote(c);
    lines.push(`${color(sym)} ${describeChange(c)}${note ? k.bold(k.red(note)) : ''}`);
    lines.push(k.dim(`      ${c.reason}`));
  }
  if (plan.changes.length) lines.push('');
  lines.push(...findingsText(plan));
  for (const w of plan.warnings) lines.push(`${k.yellow('warning:')} ${w}`);
  if (plan.warnings.length) lines.push('');
  if (plan.strategy !== 'none') {
    lines.push(`Strategy: ${plan.strategy}${plan.rewrite_strategy ? ` (${plan.rewrite_strategy})` : ''}: ${plan.strategy_reason}.`);
    if (plan.rebuilt_tables.length) lines.push(`Rebuilt tables: ${plan.rebuilt_tables.join(', ')}.`);
    if (plan.private_copy) lines.push(`Runs on a private copy (${plan.private_copy.method}): ${plan.private_copy.reason}.`);
  }
  if (plan.lint?.findings.length) lines.push('', ...lintTextLines(plan.lint).slice(0, -1));
  const affected = affectedQueries(plan);
  if (affected) lines.push('', affected);
  if (options.statements && plan.steps.length) {
    lines.push('', 'Statements:');
    for (const s of plan.steps) lines.push(`  ${String(s.id).padStart(3)}. [${s.phase}] ${s.statement};`, `       -- ${s.comment}`);
  }
  lines.push(k.bold(summaryLine(plan.summary)));
  return lines.join('\n') + '\n';
}

/** Markdown for a pull-request comment: summary, a diff block (GitHub colours + and -), statements folded. */
export function renderMarkdown(plan: PlanDocument, options: RenderOptions = {}): string {
  const out: string[] = [];
  out.push(`### kuzu-migrate plan → \`${plan.version}\``, '');
  out.push(`Database \`${displayPath(plan.database, options.baseDir)}\`${plan.environment ? `, environment \`${plan.environment}\`` : ''}.`, '');
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
  out.push(...markdownGraph(plan));
  out.push(...markdownRisks(plan, options.policy));
  out.push('```diff');
  for (const c of plan.changes) {
    // diff blocks colour by the first character: + green, - red, ! orange (update/replace).
    const lead = c.action === 'create' ? '+' : c.action === 'delete' ? '-' : '!';
    out.push(`${lead} ${ACTION_SYMBOLS[c.action]} ${describeChange(c)}${destructiveNote(c)}`);
    out.push(`#     ${c.reason}`);
  }
  out.push('```', '');
  out.push(`**Strategy:** ${plan.strategy}${plan.rewrite_strategy ? ` (${plan.rewrite_strategy})` : ''}: ${plan.strategy_reason}.`, '');
  if (plan.private_copy) out.push(`**Runs on a private copy** (${plan.private_copy.method}): ${plan.private_copy.reason}.`, '');
  for (const w of plan.warnings) out.push(`- ⚠️ ${w}`);
  if (plan.warnings.length) out.push('');
  out.push(...lintMarkdownLines(plan.lint));
  const affected = affectedQueries(plan);
  if (affected) out.push(`**${affected.replace(/^([^:]+):/, '$1:**')}`, '');
  if (plan.steps.length) {
    out.push('<details><summary>Statements (' + plan.steps.length + ')</summary>', '', '```cypher');
    for (const st of plan.steps) out.push(`// ${st.id}. [${st.phase}] ${st.comment}`, `${st.statement};`);
    out.push('```', '', '</details>', '');
  }
  out.push(summaryLine(plan.summary));
  return out.join('\n') + '\n';
}

/** "Declared queries reading changed tables: a (Doc), b (Doc, Cites); apply times them before and after." or null. */
function affectedQueries(plan: PlanDocument): string | null {
  const touched = (plan.queries ?? []).filter((q) => q.touched.length);
  if (!touched.length || !plan.changes.length) return null;
  return `Declared queries reading changed tables: ${touched.map((q) => `${q.name} (${q.touched.join(', ')})`).join(', ')}; apply times every declared query before and after the change and refuses a regression.`;
}

/** The Mermaid picture of the plan, fenced for GitHub, with a one-line legend. */
function markdownGraph(plan: PlanDocument): string[] {
  const g = planGraph(plan);
  if (!g.nodes.length && !g.edges.length) return [];
  const legend = 'Tables marked created, changed, rebuilt or dropped; edges are rel tables with their multiplicity' + (g.omitted ? `; ${g.omitted} unchanged table${g.omitted === 1 ? '' : 's'} not drawn` : '') + '.';
  return ['```mermaid', renderMermaid(g).trimEnd(), '```', '', `<sub>${legend}</sub>`, ''];
}

/** Destructive changes by name, the rebuilt tables, and the policy's verdict. */
function markdownRisks(plan: PlanDocument, policy?: PolicyVerdict): string[] {
  const out: string[] = [];
  const destructive = plan.changes.filter((c) => c.destructive);
  if (destructive.length) {
    out.push(`**Destructive changes (${destructive.length}):**`, '');
    for (const c of destructive) {
      const rows = c.rows_affected !== undefined ? ` — ${c.rows_affected} row${c.rows_affected === 1 ? '' : 's'}` : '';
      out.push(`- \`${c.property ? `${c.table}.${c.property}` : c.table}\`: ${describeChange(c)}${rows}`);
    }
    out.push('');
  }
  if (plan.rebuilt_tables.length) out.push(`**Rebuilt tables (${plan.rebuilt_tables.length}):** ${plan.rebuilt_tables.map((t) => `\`${t}\``).join(', ')}`, '');
  if (policy) {
    let verdict: string;
    if (!destructive.length) verdict = '✅ no destructive changes; apply proceeds.';
    else if (!policy.refused.length) verdict = `✅ every destructive change is allowed${policy.source ? ` by ${policy.source}` : ''}; apply proceeds.`;
    else verdict = `⛔ apply refuses ${policy.refused.map((n) => `\`${n}\``).join(', ')} (exit 3) unless allowed with \`--allow-destructive=${policy.refused.join(',')}\` or \`policy.allow_destructive\`.`;
    out.push(`**Policy:** ${verdict}`, '');
  }
  return out;
}

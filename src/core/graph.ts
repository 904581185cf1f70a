/**
 * The schema as a picture: node tables as graph nodes (with their primary key), rel tables as edges
 * (one per FROM→TO connection, labelled with the multiplicity), each table marked with what a plan
 * does to it. Drawn as Mermaid (GitHub renders it in pull-request comments) or Graphviz DOT. Pure:
 * reads a Schema or a PlanDocument, returns text.
 */
import { Change } from './changes';
import { assertNever } from './errors';
import { Connection, Multiplicity, Schema, sameName } from './model';
import { desiredSchemaOf, PlanDocument } from './plan';

/** What the plan does to a table; `unchanged` tables are drawn plain. */
export type GraphMark = 'created' | 'changed' | 'rebuilt' | 'dropped' | 'unchanged';

export interface GraphNode {
  name: string;
  /** `key: TYPE`, or null when not known (a dropped table: the plan keeps only its name). */
  key: string | null;
  mark: GraphMark;
  /** A rel table dropped by the plan: its endpoints are not in the plan, so it is drawn as a box. */
  dropped_rel?: boolean;
}

export interface GraphEdge {
  /** The rel table. */
  name: string;
  from: string;
  to: string;
  multiplicity: Multiplicity | null;
  mark: GraphMark;
}

export interface SchemaGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Unchanged tables left out to keep a large plan's picture readable (0 when none). */
  omitted: number;
}

/** Short multiplicity as people say it: MANY_ONE → `N:1`. */
export function multiplicityLabel(m: Multiplicity): string {
  switch (m) {
    case 'MANY_MANY':
      return 'N:M';
    case 'MANY_ONE':
      return 'N:1';
    case 'ONE_MANY':
      return '1:N';
    case 'ONE_ONE':
      return '1:1';
    default:
      return assertNever(m, 'multiplicity');
  }
}

/** The graph of a schema with every table `unchanged` (for `graph --live` / `--declared`). */
export function schemaGraph(schema: Schema): SchemaGraph {
  return {
    nodes: schema.nodes.map((n) => ({ name: n.name, key: keyLabel(schema, n.name), mark: 'unchanged' as GraphMark })),
    edges: schema.rels.flatMap((r) => r.connections.map((c) => ({ name: r.name, from: c.from, to: c.to, multiplicity: r.multiplicity, mark: 'unchanged' as GraphMark }))),
    omitted: 0,
  };
}

function keyLabel(schema: Schema, table: string): string | null {
  const t = schema.nodes.find((n) => sameName(n.name, table));
  if (!t) return null;
  const p = t.properties.find((x) => sameName(x.name, t.primaryKey));
  return `${t.primaryKey}: ${p?.type ?? '?'}`;
}

/** The strongest mark any change gives a table: dropped > created > rebuilt > changed. */
function markOf(table: string, changes: Change[], rebuilt: string[]): GraphMark {
  const mine = changes.filter((c) => sameName(c.table, table));
  if (mine.some((c) => c.kind === 'drop_table')) return 'dropped';
  if (mine.some((c) => c.kind === 'create_node_table' || c.kind === 'create_rel_table')) return 'created';
  if (rebuilt.some((r) => sameName(r, table))) return 'rebuilt';
  return mine.length ? 'changed' : 'unchanged';
}

export interface PlanGraphOptions {
  /**
   * Above this many tables only the tables the plan touches and their neighbours are drawn
   * (Mermaid lays out a few dozen boxes legibly, not hundreds). Default 40.
   */
  maxTables?: number;
}

/**
 * The declared schema of a plan with each table marked (created, changed, rebuilt, dropped), plus
 * the tables and connections the plan drops, which are not in the declared schema.
 */
export function planGraph(plan: PlanDocument, options: PlanGraphOptions = {}): SchemaGraph {
  const schema = desiredSchemaOf(plan);
  const mark = (t: string) => markOf(t, plan.changes, plan.rebuilt_tables);
  const nodes: GraphNode[] = schema.nodes.map((n) => ({ name: n.name, key: keyLabel(schema, n.name), mark: mark(n.name) }));
  const edges: GraphEdge[] = schema.rels.flatMap((r) =>
    r.connections.map((c) => ({ name: r.name, from: c.from, to: c.to, multiplicity: r.multiplicity, mark: mark(r.name) })),
  );
  for (const c of plan.changes) {
    if (c.kind === 'drop_table') {
      if (c.table_kind === 'node') nodes.push({ name: c.table, key: null, mark: 'dropped' });
      else nodes.push({ name: c.table, key: null, mark: 'dropped', dropped_rel: true });
    } else if (c.kind === 'drop_connection') {
      const conn = c.from as Connection;
      for (const end of [conn.from, conn.to]) {
        if (!nodes.some((n) => sameName(n.name, end))) nodes.push({ name: end, key: null, mark: 'dropped' });
      }
      edges.push({ name: c.table, from: conn.from, to: conn.to, multiplicity: null, mark: 'dropped' });
    }
  }
  return focus({ nodes, edges, omitted: 0 }, options.maxTables ?? 40);
}

/** Keeps the touched tables and their direct neighbours when the schema is too large to draw whole. */
function focus(g: SchemaGraph, maxTables: number): SchemaGraph {
  const tables = new Set([...g.nodes.map((n) => n.name), ...g.edges.map((e) => e.name)]);
  if (tables.size <= maxTables) return g;
  const keep = new Set(g.nodes.filter((n) => n.mark !== 'unchanged').map((n) => n.name.toLowerCase()));
  const touchedEdges = g.edges.filter((e) => e.mark !== 'unchanged' || keep.has(e.from.toLowerCase()) || keep.has(e.to.toLowerCase()));
  for (const e of touchedEdges) {
    keep.add(e.from.toLowerCase());
    keep.add(e.to.toLowerCase());
  }
  const nodes = g.nodes.filter((n) => keep.has(n.name.toLowerCase()));
  const keptTables = new Set([...nodes.map((n) => n.name), ...touchedEdges.map((e) => e.name)]);
  return { nodes, edges: touchedEdges, omitted: tables.size - keptTables.size };
}

const MARK_STYLE: Record<Exclude<GraphMark, 'unchanged'>, { fill: string; stroke: string }> = {
  created: { fill: '#dafbe1', stroke: '#1a7f37' },
  changed: { fill: '#fff8c5', stroke: '#9a6700' },
  rebuilt: { fill: '#ddf4ff', stroke: '#0969da' },
  dropped: { fill: '#ffebe9', stroke: '#cf222e' },
};

/** Text inside a quoted Mermaid label: quotes and angle brackets as Mermaid's entity codes. */
function mermaidText(s: string): string {
  return s.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

function markSuffix(m: GraphMark): string {
  return m === 'unchanged' ? '' : ` (${m})`;
}

/**
 * Mermaid flowchart text (no fences). Marks are written into the labels too, so the picture reads
 * the same without colour. Table names become ids `t0, t1, …` (a name may hold characters Mermaid
 * ids cannot).
 */
export function renderMermaid(g: SchemaGraph): string {
  const out: string[] = ['flowchart LR'];
  const ids = new Map<string, string>();
  const id = (name: string) => {
    const k = name.toLowerCase();
    if (!ids.has(k)) ids.set(k, `t${ids.size}`);
    return ids.get(k)!;
  };
  for (const n of g.nodes) {
    const label = `<b>${mermaidText(n.name)}</b>${markSuffix(n.mark)}` + (n.key ? `<br/>key ${mermaidText(n.key)}` : n.dropped_rel ? '<br/>rel table' : '');
    const shape = n.dropped_rel ? [`([`, `])`] : ['[', ']'];
    out.push(`  ${id(n.name)}${shape[0]}"${label}"${shape[1]}`);
  }
  // Endpoints a rel table names but the node list lacks (cannot happen in a valid schema) still draw.
  for (const e of g.edges) {
    for (const end of [e.from, e.to]) if (!g.nodes.some((n) => sameName(n.name, end))) out.push(`  ${id(end)}["${mermaidText(end)}"]`);
  }
  const linkStyles: string[] = [];
  g.edges.forEach((e, i) => {
    const label = mermaidText(e.name) + (e.multiplicity ? ` ${multiplicityLabel(e.multiplicity)}` : '') + markSuffix(e.mark);
    const arrow = e.mark === 'dropped' ? '-.->' : e.mark === 'unchanged' ? '-->' : '==>';
    out.push(`  ${id(e.from)} ${arrow}|"${label}"| ${id(e.to)}`);
    if (e.mark !== 'unchanged') linkStyles.push(`  linkStyle ${i} stroke:${MARK_STYLE[e.mark].stroke},color:${MARK_STYLE[e.mark].stroke}`);
  });
  out.push(...linkStyles);
  for (const [m, s] of Object.entries(MARK_STYLE)) {
    const members = g.nodes.filter((n) => n.mark === m).map((n) => id(n.name));
    if (!members.length) continue;
    out.push(`  classDef ${m} fill:${s.fill},stroke:${s.stroke},color:#1f2328`);
    out.push(`  class ${members.join(',')} ${m}`);
  }
  return out.join('\n') + '\n';
}

function dotString(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') + '"';
}

/** Graphviz DOT text of the same graph (`dot -Tsvg`). */
export function renderDot(g: SchemaGraph): string {
  const out: string[] = ['digraph schema {', '  rankdir=LR;', '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica"];', '  edge [fontname="Helvetica"];'];
  for (const n of g.nodes) {
    const style = n.mark === 'unchanged' ? '' : `, fillcolor=${dotString(MARK_STYLE[n.mark].fill)}, color=${dotString(MARK_STYLE[n.mark].stroke)}`;
    const label = n.name + markSuffix(n.mark) + (n.key ? `\nkey ${n.key}` : n.dropped_rel ? '\nrel table' : '');
    out.push(`  ${dotString(n.name)} [label=${dotString(label)}${n.dropped_rel ? ', shape=oval' : ''}${style}];`);
  }
  for (const e of g.edges) {
    const label = e.name + (e.multiplicity ? ` ${multiplicityLabel(e.multiplicity)}` : '') + markSuffix(e.mark);
    const style = e.mark === 'unchanged' ? '' : `, color=${dotString(MARK_STYLE[e.mark].stroke)}, fontcolor=${dotString(MARK_STYLE[e.mark].stroke)}${e.mark === 'dropped' ? ', style=dashed' : ', penwidth=2'}`;
    out.push(`  ${dotString(e.from)} -> ${dotString(e.to)} [label=${dotString(label)}${style}];`);
  }
  out.push('}');
  return out.join('\n') + '\n';
}

import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { planMigration, readLive } from '../plan/planning';
import { planGraph, renderDot, renderMermaid, schemaGraph, SchemaGraph } from '../core/graph';

export interface GraphResult {
  /** What was drawn: the plan (declared schema, tables marked by what apply does), the live or the declared schema. */
  source: 'plan' | 'live' | 'declared';
  format: 'mermaid' | 'dot';
  graph: SchemaGraph;
  text: string;
}

export default class Graph extends BaseCommand<typeof Graph> {
  static override summary = 'Draw the schema as a graph (Mermaid or Graphviz DOT): node tables, rel tables as edges.';
  static override description = `Node tables are drawn as boxes with their primary key, rel tables as edges (one per FROM→TO
connection) labelled with their multiplicity. By default the declared schema is drawn with
what the plan would do marked: created, changed, rebuilt or dropped (the picture in
\`plan --format markdown\`). --live draws the database as it is, --declared the YAML alone.
Mermaid renders in GitHub comments and Markdown files; DOT renders with \`dot -Tsvg\`.`;

  static override examples = [
    { description: 'The planned change, as Mermaid', command: '<%= config.bin %> graph' },
    { description: 'The live database as an SVG', command: '<%= config.bin %> graph --live --format dot | dot -Tsvg > schema.svg' },
  ];

  static override flags = {
    live: Flags.boolean({ summary: 'Draw the live database schema (read-only).', exclusive: ['declared'] }),
    declared: Flags.boolean({ summary: 'Draw the declared schema only (no database is opened).', exclusive: ['live'] }),
    format: Flags.string({ char: 'f', summary: 'Graph language.', options: ['mermaid', 'dot'], default: 'mermaid' }),
    database: Flags.string({ char: 'd', summary: 'Database file, instead of the one in the YAML.' }),
  };

  public async run(): Promise<GraphResult> {
    const source: GraphResult['source'] = this.flags.live ? 'live' : this.flags.declared ? 'declared' : 'plan';
    let graph: SchemaGraph;
    if (source === 'declared') graph = schemaGraph(this.loadConfig({ database: this.flags.database }, { needsDatabase: false }).schema);
    else {
      const config = await this.loadConfigAndEngine({ database: this.flags.database });
      graph = source === 'live' ? await readLive(config.database, async (live) => schemaGraph(live.schema)) : planGraph(await planMigration(config, { countRows: false }), { maxTables: Infinity });
    }
    const format = this.flags.format as GraphResult['format'];
    const text = format === 'dot' ? renderDot(graph) : renderMermaid(graph);
    this.out(text);
    return { source, format, graph, text };
  }
}

import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { UsageError } from '../core/errors';
import { DiffSide, diffVersions, renderDiffMarkdown, renderDiffText, VersionDiffResult } from '../snapshot/inspect';

export default class Diff extends BaseCommand<typeof Diff> {
  static override summary = 'Show the schema changes between two versions, or a version and the live or declared schema.';
  static override description = `Prints the semantic changes (as plan does) and a unified diff of the two schema.cypher files.
Each version's schema is read from its manifest.json, so no database is opened for version-to-version diffs.`;

  static override examples = [
    { description: 'Between two versions', command: '<%= config.bin %> diff v1.0.0 v1.1.0' },
    { description: 'A version against the live database', command: '<%= config.bin %> diff v1.0.0 --live' },
    { description: 'A version against the YAML, as Markdown', command: '<%= config.bin %> diff v1.0.0 --declared --format markdown' },
  ];

  static override args = {
    from: Args.string({ description: 'The older version.', required: true }),
    to: Args.string({ description: 'The newer version (or use --live / --declared).' }),
  };

  static override flags = {
    live: Flags.boolean({ summary: 'Compare with the live database.', exclusive: ['declared'] }),
    declared: Flags.boolean({ summary: 'Compare with the schema declared in the YAML.', exclusive: ['live'] }),
    format: Flags.string({ char: 'f', summary: 'Output format.', options: ['text', 'json', 'markdown'], default: 'text' }),
  };

  public async run(): Promise<VersionDiffResult> {
    const { args } = await this.parse(Diff);
    const config = await this.loadConfigAndEngine();
    const n = [args.to !== undefined, this.flags.live, this.flags.declared].filter(Boolean).length;
    if (n !== 1) throw new UsageError('give exactly one of: a second version, --live, --declared', ['e.g. kuzu-migrate diff v1.0.0 v1.1.0']);
    const to: DiffSide = args.to !== undefined ? { kind: 'version', version: args.to } : this.flags.live ? { kind: 'live' } : { kind: 'declared' };
    const r = await diffVersions(config, { kind: 'version', version: args.from }, to);
    if (this.flags.format === 'json') this.out(JSON.stringify(r, null, 2));
    else this.out(this.flags.format === 'markdown' ? renderDiffMarkdown(r) : renderDiffText(r));
    return r;
  }
}

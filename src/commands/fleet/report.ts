import * as fs from 'node:fs';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base';
import { reportFleet } from '../../cli/fleet';
import { FleetResult, mergeResults } from '../../core/fleet';
import { UsageError } from '../../core/errors';

export default class FleetReport extends BaseCommand<typeof FleetReport> {
  static override summary = 'Merge the JSON results of fleet shards (or of a run and its re-run) into one summary.';
  static override description = `Each shard of a fleet rollout (\`apply --all --shard I/N --results shard-I.json\`, one per CI
matrix job or Kubernetes Indexed Job pod) writes its own result. This merges them: one entry per
target (a later run's result wins over an earlier one's for the same target), the totals, and the
worst exit code of all targets as this command's exit code.`;

  static override examples = [
    { description: 'One summary of four shards', command: '<%= config.bin %> fleet report shard-*.json' },
    { description: 'As a PR or job-summary comment', command: '<%= config.bin %> fleet report results/*.json --format markdown >> "$GITHUB_STEP_SUMMARY"' },
  ];

  static override strict = false;
  static override args = { results: Args.string({ description: 'Result files written with --results (or --json) by `--all` runs.', required: true }) };
  static override flags = {
    format: Flags.string({ char: 'f', summary: 'Output format for people.', options: ['text', 'markdown'], default: 'text' }),
    out: Flags.string({ char: 'o', summary: 'Also write the merged JSON result to this file.' }),
  };

  public async run(): Promise<FleetResult> {
    const { argv } = await this.parse(FleetReport);
    const files = argv as string[];
    const results = files.map((f) => {
      let doc: unknown;
      try {
        doc = JSON.parse(fs.readFileSync(f, 'utf8'));
      } catch (err) {
        throw new UsageError(`${f}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not a JSON document'}`, ['pass files written by `--all --results FILE`']);
      }
      if (!doc || typeof doc !== 'object' || !Array.isArray((doc as FleetResult).targets) || (doc as FleetResult).fleet_format === undefined) {
        throw new UsageError(`${f} is not a fleet result`, ['pass files written by `--all --results FILE` or `--all --json`']);
      }
      return doc as FleetResult;
    });
    return reportFleet(mergeResults(results), { results: this.flags.out, markdown: this.flags.format === 'markdown', json: this.jsonEnabled(), out: (s) => this.out(s) });
  }
}

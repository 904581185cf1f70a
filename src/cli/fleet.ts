/**
 * `--all` and its companions, shared by plan, apply, drift, verify and list: the command runs on
 * every target declared under `targets:` (see src/fleet) instead of on one database.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Flags } from '@oclif/core';
import { FleetResult, renderFleetMarkdown, renderFleetText } from '../core/fleet';

export const fleetFlags = {
  all: Flags.boolean({ summary: 'Run on every database under `targets:` in the YAML, each with its own lock, journal, backups and history.', helpGroup: 'FLEET' }),
  waves: Flags.string({ summary: 'With --all: cumulative waves, counts or percentages (e.g. 1,10%,100%); the run stops after a wave with a failure.', helpGroup: 'FLEET', dependsOn: ['all'] }),
  'max-failures': Flags.integer({ summary: 'With --all: failed targets tolerated before the run stops (default 0).', helpGroup: 'FLEET', min: 0, dependsOn: ['all'] }),
  concurrency: Flags.integer({ summary: 'With --all: targets processed at once, each in its own process (default: cores, at most one per GiB of free memory).', helpGroup: 'FLEET', min: 1, dependsOn: ['all'] }),
  shard: Flags.string({ summary: 'With --all: only shard I of N (e.g. 2/8), a stable slice by target name, for CI matrices and Kubernetes Indexed Jobs.', helpGroup: 'FLEET', dependsOn: ['all'] }),
  results: Flags.string({ summary: 'With --all: also write the JSON result to this file (merge shards with `fleet report`).', helpGroup: 'FLEET', dependsOn: ['all'] }),
};

/** Writes `--results`, prints the summary (Markdown or text) and sets the exit code. */
export function reportFleet(result: FleetResult, opts: { results?: string; markdown?: boolean; json: boolean; out: (s: string) => void }): FleetResult {
  if (opts.results) {
    fs.mkdirSync(path.dirname(path.resolve(opts.results)), { recursive: true });
    fs.writeFileSync(opts.results, JSON.stringify(result, null, 2) + '\n');
  }
  if (!opts.json) opts.out(opts.markdown ? renderFleetMarkdown(result) : renderFleetText(result));
  process.exitCode = result.summary.exit_code;
  return result;
}

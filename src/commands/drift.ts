import * as fs from 'node:fs';
import { RuntimeError } from '../core/errors';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { fleetFlags } from '../cli/fleet';
import type { FleetResult } from '../core/fleet';
import { planMigration } from '../api/planning';
import { ExitCode } from '../core/errors';
import { describeChange, renderMarkdown, renderText } from '../core/render';

export interface DriftResult {
  drift: boolean;
  database: string;
  version: string;
  live_fingerprint: string;
  desired_fingerprint: string;
  differences: { kind: string; table: string; property?: string; description: string }[];
}

export default class Drift extends BaseCommand<typeof Drift> {
  static override summary = 'Exit 2 when the live database no longer matches the declared schema, 0 when it does.';
  static override description = `Made for a scheduled GitOps job: compares the live database with the schema declared in Git
and prints each difference as the change that would undo it. Exit codes: 0 no drift, 2 drift,
1 error (e.g. the database cannot be read), 65 invalid configuration.`;

  static override examples = [
    { description: 'Nightly check', command: '<%= config.bin %> drift --env prod' },
    { description: 'Machine-readable', command: '<%= config.bin %> drift --json' },
  ];

  static override flags = {
    format: Flags.string({ char: 'f', summary: 'Output format for people.', options: ['text', 'markdown'], default: 'text' }),
    database: Flags.string({ char: 'd', summary: 'Database file to check, instead of the one in the YAML.' }),
    ...fleetFlags,
  };

  public async run(): Promise<DriftResult | FleetResult> {
    const fleet = await this.runAll('drift', [], { markdown: this.flags.format === 'markdown' });
    if (fleet) return fleet;
    const config = await this.loadConfigAndEngine({ database: this.flags.database });
    // A missing database is not "drift": it is a wrong path or an environment not set up yet.
    if (!fs.existsSync(config.database)) {
      throw new RuntimeError(`database ${config.database} does not exist (${config.databaseOrigin})`, 'E_NO_DATABASE', ['check the path for a typo, or create it with `kuzu-migrate apply --create`']);
    }
    const plan = await planMigration(config);
    const result: DriftResult = {
      drift: plan.changes.length > 0,
      database: plan.database,
      version: plan.version,
      live_fingerprint: plan.live_fingerprint,
      desired_fingerprint: plan.desired_fingerprint,
      differences: plan.changes.map((c) => ({ kind: c.kind, table: c.table, ...(c.property ? { property: c.property } : {}), description: describeChange(c) })),
    };
    if (!result.drift) this.out(`No drift: ${plan.database} matches the declared schema (${plan.version}).`);
    else {
      this.out(`Drift detected: ${plan.database} differs from the declared schema (${plan.version}).\n`);
      this.out(this.flags.format === 'markdown' ? renderMarkdown(plan) : renderText(plan));
    }
    if (result.drift) process.exitCode = ExitCode.Changes;
    return result;
  }
}

import * as fs from 'node:fs';
import { RuntimeError } from '../core/errors';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { fleetFlags } from '../cli/fleet';
import type { FleetResult } from '../core/fleet';
import { planMigration } from '../plan/planning';
import { benchQueries, QueriesResult, renderQueriesMarkdown, renderQueriesText } from '../api/queries';
import { ExitCode } from '../core/errors';
import { describeChange } from '../core/render';
import { DriftCategory, driftCommands, driftItem, renderDriftMarkdown, renderDriftText } from '../core/render-drift';

export interface DriftResult {
  drift: boolean;
  database: string;
  version: string;
  live_fingerprint: string;
  desired_fingerprint: string;
  /**
   * Each difference: `description` is the change apply would make to undo it; `category` and
   * `drift` say what was found (undeclared: in the database, not declared; missing: declared, not
   * in the database; differs).
   */
  differences: { kind: string; table: string; property?: string; description: string; category: DriftCategory; drift: string }[];
  /** The commands that adopt the drift into the YAML, or undo it. */
  adopt_command: string;
  undo_command: string;
  /**
   * With --queries: the declared queries timed on the live database and judged against their
   * declaration and the last apply's recorded timings (docs/queries.md). A query that fails, returns
   * another result than declared or slowed past its tolerance is drift too (exit 2).
   */
  queries?: QueriesResult;
}

export default class Drift extends BaseCommand<typeof Drift> {
  static override summary = 'Exit 2 when the live database no longer matches the declared schema, 0 when it does.';
  static override description = `Made for a scheduled GitOps job: compares the live database with the schema declared in
Git and lists what was found in the database and not declared, what is declared and missing
from the database, and what differs, with the commands that adopt it into the YAML
(init --merge) or undo it (apply).
With --queries, the declared queries (\`queries:\`) are timed as well: one that fails, returns
another result than declared, exceeds max_ms or slowed past max_slowdown since the last apply
recorded its timings is reported as drift (docs/queries.md).
Exit codes: 0 no drift, 2 drift, 1 error (e.g. the database cannot be read), 65 invalid
configuration.`;

  static override examples = [
    { description: 'Nightly check', command: '<%= config.bin %> drift --env prod' },
    { description: 'Machine-readable', command: '<%= config.bin %> drift --json' },
  ];

  static override flags = {
    format: Flags.string({ char: 'f', summary: 'Output format for people.', options: ['text', 'markdown'], default: 'text' }),
    database: Flags.string({ char: 'd', summary: 'Database file to check, instead of the one in the YAML.' }),
    queries: Flags.boolean({ summary: 'Also time the declared queries (queries:); a slowdown past its tolerance is drift.' }),
    ...fleetFlags,
  };

  public async run(): Promise<DriftResult | FleetResult> {
    const fleet = await this.runAll('drift', this.flags.queries ? ['--queries'] : [], { markdown: this.flags.format === 'markdown' });
    if (fleet) return fleet;
    const config = await this.loadConfigAndEngine({ database: this.flags.database });
    // A missing database is not "drift": it is a wrong path or an environment not set up yet.
    if (!fs.existsSync(config.database)) {
      throw new RuntimeError(`database ${config.database} does not exist (${config.databaseOrigin})`, 'E_NO_DATABASE', ['check the path for a typo, or create it with `kuzu-migrate apply --create`']);
    }
    const plan = await planMigration(config);
    const options = { baseDir: config.dir, configArg: this.flags.config, environment: config.environment };
    const text = renderDriftText(plan, { ...options, colors: this.colors });
    const cmd = driftCommands(options);
    const result: DriftResult = {
      drift: plan.changes.length > 0,
      database: plan.database,
      version: plan.version,
      live_fingerprint: plan.live_fingerprint,
      desired_fingerprint: plan.desired_fingerprint,
      differences: plan.changes.map((c) => {
        const d = driftItem(c);
        return { kind: c.kind, table: c.table, ...(c.property ? { property: c.property } : {}), description: describeChange(c), category: d.category, drift: d.text };
      }),
      adopt_command: cmd.adopt,
      undo_command: cmd.undo,
    };
    if (this.flags.queries) {
      result.queries = await benchQueries(config);
      result.drift = result.drift || !result.queries.ok;
    }
    const markdown = this.flags.format === 'markdown';
    this.out(markdown ? renderDriftMarkdown(plan, options) : text);
    if (result.queries) this.out(markdown ? renderQueriesMarkdown(result.queries) : renderQueriesText(result.queries, this.colors));
    if (result.drift) process.exitCode = ExitCode.Changes;
    return result;
  }
}

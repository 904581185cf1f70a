import * as fs from 'node:fs';
import * as path from 'node:path';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { fleetFlags } from '../cli/fleet';
import type { FleetResult } from '../core/fleet';
import { planMigration } from '../plan/planning';
import { ExitCode } from '../core/errors';
import { PlanDocument, REWRITE_STRATEGIES, RewriteStrategy } from '../core/plan';
import { renderMarkdown, renderText } from '../core/render';
import { blockingFindings } from '../core/findings';
import { bareAllowDestructive, parseAllowance } from '../cli/allowance';
import { policyVerdict } from '../cli/policy-verdict';

export default class Plan extends BaseCommand<typeof Plan> {
  static override summary = 'Show what apply would change in the live database to match the declared schema.';
  static override description = `Introspects the live database read-only (its catalog only, so the time does not grow with
the data), diffs it against the schema declared in kuzu-migrate.yaml and prints the plan:
  +   create            ~   update in place
  -   destroy           -/+ rewrite (the table is rebuilt)
Destructive changes are marked with the number of rows they touch. A missing database plans
creating everything (apply needs --create or create: true for it).
Every check apply runs that needs no write runs here too, with the same code: values a type
change cannot convert (count, sample keys), multiplicity and primary-key violations, default /
using / checks expressions compiled against the catalog, the environment's policy, versions.
Each is a finding with a stable code (text, JSON \`findings\`, Markdown); an error finding means
apply would fail or refuse, and --detailed-exitcode exits 1. Pass the flags apply will get.
The plan JSON (--out, --format json) follows schemas/plan.schema.json and can be given to
\`kuzu-migrate apply\`, which applies it as saved, and refuses it if the database changed since,
if it was made for another database, environment or tool version, or if it was edited.`;

  static override examples = [
    { description: 'Review the plan for the default database', command: '<%= config.bin %> plan' },
    { description: 'Save the plan for apply and print Markdown for a pull-request comment', command: '<%= config.bin %> plan --out plan.json --format markdown' },
    { description: 'In CI: exit 2 when there are changes, 0 when none', command: '<%= config.bin %> plan --detailed-exitcode' },
    { description: 'Plan against the prod environment of the YAML', command: '<%= config.bin %> plan --env prod' },
  ];

  static override flags = {
    out: Flags.string({ char: 'o', summary: 'Write the plan JSON to this file (for `apply PLAN.json`).' }),
    format: Flags.string({ char: 'f', summary: 'Output format.', options: ['text', 'json', 'markdown'], default: 'text' }),
    'detailed-exitcode': Flags.boolean({ summary: 'Exit 0 when there are no changes, 2 when there are, 1 on error or when apply would fail or be refused (an error finding).' }),
    strategy: Flags.string({ summary: 'Rewrite strategy for changes the engine cannot make in place (default: transaction; export with engine: ladybug).', options: [...REWRITE_STRATEGIES] }),
    statements: Flags.boolean({ summary: 'Also list every Cypher statement apply would run (text format).' }),
    database: Flags.string({ char: 'd', summary: 'Database file to plan against, instead of the one in the YAML.' }),
    'allow-destructive': Flags.string({
      summary: 'Plan with the allowance apply will get: all (no value), or a comma-separated list of Table or Table.property.',
      parse: async (v) => v,
    }),
    create: Flags.boolean({ summary: 'Plan as for `apply --create`: a missing database will be created.' }),
    'allow-same-version': Flags.boolean({ summary: 'Plan as for `apply --allow-same-version`.' }),
    ...fleetFlags,
  };

  public override async init(): Promise<void> {
    this.argv = bareAllowDestructive(this.argv);
    await super.init();
  }

  public async run(): Promise<PlanDocument | FleetResult> {
    const passOn = [
      ...(this.flags.strategy ? ['--strategy', this.flags.strategy] : []),
      ...(this.flags['detailed-exitcode'] ? ['--detailed-exitcode'] : []),
      ...(this.flags['allow-destructive'] !== undefined ? [`--allow-destructive=${this.flags['allow-destructive']}`] : []),
      ...(this.flags.create ? ['--create'] : []),
      ...(this.flags['allow-same-version'] ? ['--allow-same-version'] : []),
    ];
    const fleet = await this.runAll('plan', passOn, { markdown: this.flags.format === 'markdown' });
    if (fleet) return fleet;
    const config = await this.loadConfigAndEngine({ database: this.flags.database });
    const plan = await planMigration(config, {
      rewriteStrategy: this.flags.strategy as RewriteStrategy | undefined,
      precheck: { allowDestructive: parseAllowance(this.flags['allow-destructive']), create: this.flags.create, allowSameVersion: this.flags['allow-same-version'] },
    });
    if (this.flags.out) {
      fs.mkdirSync(path.dirname(path.resolve(this.flags.out)), { recursive: true });
      fs.writeFileSync(this.flags.out, JSON.stringify(plan, null, 2) + '\n');
    }
    if (this.flags.format === 'json') this.out(JSON.stringify(plan, null, 2));
    else if (this.flags.format === 'markdown') this.out(renderMarkdown(plan, { baseDir: config.dir, policy: policyVerdict(plan, config) }));
    else this.out(renderText(plan, { statements: this.flags.statements, colors: this.colors, baseDir: config.dir }));
    // 1 when apply would certainly fail or be refused (an error finding), 2 for changes, 0 for none.
    if (this.flags['detailed-exitcode']) {
      if (blockingFindings(plan.findings ?? []).length > 0) process.exitCode = ExitCode.Error;
      else if (plan.changes.length > 0) process.exitCode = ExitCode.Changes;
    }
    return plan;
  }
}

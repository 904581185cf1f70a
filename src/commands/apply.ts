import * as fs from 'node:fs';
import { Args, Flags } from '@oclif/core';
import { comparisonLines } from '../apply/queries';
import { BaseCommand } from '../cli/base';
import { fleetFlags } from '../cli/fleet';
import type { FleetResult } from '../core/fleet';
import { applyMigration, ApplyResult } from '../apply/apply';
import { InterruptedError, RefusedError, UsageError } from '../core/errors';
import { planSchemaProblems } from '../apply/plan-file';
import { PlanDocument, REWRITE_STRATEGIES, RewriteStrategy } from '../core/plan';
import { renderText } from '../core/render';
import { parsePlanFile } from '../core/plan-integrity';
import { confirmOnTerminal, trapSignals } from '../cli/interact';
import { bareAllowDestructive, parseAllowance } from '../cli/allowance';

export default class Apply extends BaseCommand<typeof Apply> {
  static override summary = 'Make the live database match the declared schema, atomically and with a backup.';
  static override description = `Plans (or reads a saved plan), shows it and asks for confirmation on a terminal; without a
terminal it refuses unless --auto-approve. Then: lock, backup (checkpoint + checksummed copy),
every statement in ONE transaction, rebuilt tables verified by row counts and content
fingerprints before the old ones are dropped, YAML checks, history row, commit, and a final
check that the schema equals the declaration. A failure or a killed process leaves the database
as it was, or fully migrated.
Destructive changes are refused (exit 3) unless allowed by --allow-destructive or the policy.
A saved plan is applied as saved; it is refused (exit 3, naming why) when the database changed
since (stale), when it was made for another database or environment, by another tool version,
or when its statements were edited. A missing database is created only with --create (or
create: true). A declined confirmation exits 3; SIGINT/SIGTERM roll back, release the lock and
exit 130/143. A second apply on the same database gets exit 4.`;

  static override examples = [
    { description: 'Plan, review, confirm and apply', command: '<%= config.bin %> apply' },
    { description: 'Apply a reviewed plan in CI', command: '<%= config.bin %> apply plan.json --auto-approve' },
    { description: 'Allow dropping one property', command: '<%= config.bin %> apply --allow-destructive=Requirement.legacy' },
  ];

  static override args = {
    plan: Args.string({ description: 'A plan saved with `plan --out`; apply refuses it if the database changed since.' }),
  };

  static override flags = {
    'auto-approve': Flags.boolean({ summary: 'Do not ask for confirmation (required without a terminal).' }),
    'allow-destructive': Flags.string({
      summary: 'Allow destructive changes: all (no value), or a comma-separated list of Table or Table.property.',
      // `--allow-destructive` alone means every destructive change.
      parse: async (v) => v,
    }),
    strategy: Flags.string({ summary: 'Rewrite strategy for changes the engine cannot make in place (default: transaction; export with engine: ladybug).', options: [...REWRITE_STRATEGIES] }),
    database: Flags.string({ char: 'd', summary: 'Database file to apply to, instead of the one in the YAML.' }),
    create: Flags.boolean({ summary: 'Create the database when it does not exist (otherwise a missing database is an error; or set create: true in the YAML).' }),
    'allow-same-version': Flags.boolean({ summary: 'Apply a schema that differs from what the history recorded under the same version.' }),
    'allow-other-database': Flags.boolean({ summary: 'Apply a saved plan made against another database file (e.g. a copy restored from a snapshot); its live schema must still match (else stale).' }),
    'allow-drops-on-first-run': Flags.boolean({ summary: 'Consent to drops on a database kuzu-migrate never applied to (first-run guard, docs/lint.md KM602).' }),
    'allow-slowdown': Flags.boolean({ summary: 'Swap the new database in even when a declared query (queries:) broke its tolerance or changed its result; the breach is recorded.' }),
    ...fleetFlags,
  };

  public override async init(): Promise<void> {
    this.argv = bareAllowDestructive(this.argv);
    await super.init();
  }

  public async run(): Promise<ApplyResult | FleetResult> {
    if (this.flags.all) {
      if (this.args.plan) throw new UsageError('a saved plan is for one database; --all plans each target itself', ['drop the plan file, or drop --all']);
      // A rollout is never interactive: each target would prompt on its own.
      if (!this.flags['auto-approve']) throw new RefusedError('apply --all needs --auto-approve', 'E_NEEDS_APPROVAL', ['review `plan --all` first, then run apply --all --auto-approve']);
      const allow = this.flags['allow-destructive'];
      return (await this.runAll('apply', [
        ...(allow !== undefined ? [`--allow-destructive=${allow}`] : []),
        ...(this.flags.strategy ? ['--strategy', this.flags.strategy] : []),
        ...(this.flags['allow-drops-on-first-run'] ? ['--allow-drops-on-first-run'] : []),
        ...(this.flags.create ? ['--create'] : []),
        ...(this.flags['allow-same-version'] ? ['--allow-same-version'] : []),
        ...(this.flags['allow-slowdown'] ? ['--allow-slowdown'] : []),
      ])) as FleetResult;
    }
    const config = await this.loadConfigAndEngine({ database: this.flags.database });
    let plan: PlanDocument | undefined;
    if (this.args.plan) {
      if (!fs.existsSync(this.args.plan)) throw new UsageError(`plan file ${this.args.plan} does not exist`);
      plan = parsePlanFile(fs.readFileSync(this.args.plan, 'utf8'), this.args.plan);
      // And the published contract: the file must follow schemas/plan.schema.json.
      const problems = planSchemaProblems(plan);
      if (problems.length) throw new UsageError(`${this.args.plan} is not a valid kuzu-migrate plan: ${problems.slice(0, 3).join('; ')}`, ['save plans with `kuzu-migrate plan --out PLAN.json`; see schemas/plan.schema.json']);
    }
    const allow = parseAllowance(this.flags['allow-destructive']);
    const interactive = this.interactive();
    const autoApprove = this.flags['auto-approve'];
    const signals = trapSignals();
    const progress = this.progress('Applying');
    let result: ApplyResult;
    try {
      result = await progress.around(() => applyMigration(config, {
      plan,
      signal: signals.signal,
      create: this.flags.create,
      allowSameVersion: this.flags['allow-same-version'],
      allowOtherDatabase: this.flags['allow-other-database'],
      allowDestructive: allow,
      allowDropsOnFirstRun: this.flags['allow-drops-on-first-run'],
      allowSlowdown: this.flags['allow-slowdown'],
      rewriteStrategy: this.flags.strategy as RewriteStrategy | undefined,
      command: `kuzu-migrate apply${this.args.plan ? ' ' + this.args.plan : ''}`,
      // Progress lines on stderr, on a terminal and in CI logs alike (crash tests time a kill from
      // the "commit" line); KUZU_MIGRATE_PROGRESS=0 or --json turns them off.
      onEvent: (e) => progress.event(e),
      confirm: async (p) => {
        this.out(renderText(p, { colors: this.colors, baseDir: config.dir }));
        if (autoApprove || plan) return true;
        if (!interactive) {
          throw new RefusedError('apply needs confirmation and there is no terminal', 'E_NEEDS_APPROVAL', ['pass --auto-approve, or apply a reviewed plan file']);
        }
        return confirmOnTerminal('Apply these changes? Only "yes" is accepted: ', signals.signal);
      },
    }));
    } finally {
      signals.dispose();
    }
    if (signals.signal.aborted && result.status === 'applied') {
      // The signal came after the commit: the apply finished, say so rather than pretend it did not.
      const name = signals.signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
      throw new InterruptedError(name, `interrupted by ${name} after the commit: the apply is complete and ${result.database} is at ${result.version}`);
    }
    if (result.recovered) this.out(result.recovered.message);
    if (result.status === 'no_changes') this.out(`No changes. ${config.database} already matches ${config.version}.`);
    else {
      this.out(
        `Applied ${result.changes} change${result.changes === 1 ? '' : 's'} to ${result.database} (${result.strategy}${result.rewrite_strategy ? ', ' + result.rewrite_strategy : ''}) in ${result.duration_ms} ms.` +
          (result.backup_id ? ` Backup: ${result.backup_id}.` : '') +
          (result.verified_tables.length ? ` Verified: ${result.verified_tables.join(', ')}.` : ''),
      );
      if (result.queries.length) this.out(['Declared queries (median before → after, operators after):', ...comparisonLines(result.queries).map((l) => `  ${l}`)].join('\n'));
    }
    return result;
  }
}

/** Re-exported for library callers that imported it from here (it lives in cli/allowance.ts). */
export { parseAllowance };

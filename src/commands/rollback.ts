import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { RefusedError } from '../core/errors';
import { rollbackTo, RollbackResult } from '../apply/rollback';
import { confirmOnTerminal, progressPrinter } from '../cli/interact';

export default class Rollback extends BaseCommand<typeof Rollback> {
  static override summary = 'Restore the database to the state recorded for an earlier version.';
  static override description = `Uses the backup taken by the apply that moved the database away from VERSION (or, without
such history, the snapshot migrations/VERSION). The current database is backed up first, the
restore is one atomic rename, and the rollback is recorded in the history. Data written after the
restored state was captured is replaced (it stays in the new backup). Confirms like apply.`;
  static override examples = [
    { description: 'Go back to v4.0.0', command: '<%= config.bin %> rollback v4.0.0' },
    { description: 'In a script', command: '<%= config.bin %> rollback v4.0.0 --auto-approve --json' },
  ];
  static override args = { version: Args.string({ description: 'The version to return to (vMAJOR.MINOR.PATCH).', required: true }) };
  static override flags = {
    'auto-approve': Flags.boolean({ summary: 'Do not ask for confirmation (required without a terminal).' }),
    database: Flags.string({ char: 'd', summary: 'Database file, instead of the one in the YAML.' }),
  };

  public async run(): Promise<RollbackResult> {
    const config = await this.loadConfigAndEngine({ database: this.flags.database });
    const interactive = this.interactive();
    const result = await rollbackTo(config, this.args.version, {
      onEvent: this.jsonEnabled() || !process.stderr.isTTY ? undefined : progressPrinter(),
      confirm: async (target) => {
        this.out(`Rollback of ${config.database} to ${target.version} from ${target.description}.`);
        if (this.flags['auto-approve']) return true;
        if (!interactive) throw new RefusedError('rollback needs confirmation and there is no terminal', 'E_NEEDS_APPROVAL', ['pass --auto-approve']);
        return confirmOnTerminal('Roll back? Only "yes" is accepted: ');
      },
    });
    if (result.recovered) this.out(result.recovered.message);
    if (result.status === 'no_changes') this.out(`${config.database} is already at ${result.version}.`);
    else if (result.status === 'aborted') this.out('Rollback cancelled; nothing was changed.');
    else this.out(`Rolled ${config.database} back to ${result.version}. The state before the rollback is backup ${result.backup_id}.`);
    return result;
  }
}

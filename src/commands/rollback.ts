import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { RefusedError, UsageError } from '../core/errors';
import { rollbackTo, RollbackResult } from '../apply/rollback';
import { confirmOnTerminal, trapSignals } from '../cli/interact';

export default class Rollback extends BaseCommand<typeof Rollback> {
  static override summary = 'Restore the database to the state recorded for an earlier version.';
  static override description = `Uses the backup taken by the apply that moved the database away from VERSION (or, without
such history, the snapshot migrations/VERSION). The current database is backed up first, the
restore is one atomic rename, and the rollback is recorded in the history. Data written after the
restored state was captured is replaced (it stays in the new backup). Confirms like apply.`;
  static override examples = [
    { description: 'Go back to v4.0.0', command: '<%= config.bin %> rollback v4.0.0' },
    { description: 'In a script', command: '<%= config.bin %> rollback v4.0.0 --auto-approve --json' },
    { description: 'Undo the last apply', command: '<%= config.bin %> rollback --last' },
    { description: 'Restore a backup listed by `list`', command: '<%= config.bin %> rollback --backup 20250101T000000000Z-apply-1234' },
  ];
  static override args = { version: Args.string({ description: 'The version to return to (vMAJOR.MINOR.PATCH); or use --backup / --last.' }) };
  static override flags = {
    backup: Flags.string({ summary: 'Restore this backup (an id from `kuzu-migrate list`).' }),
    last: Flags.boolean({ summary: 'Undo the last apply: restore the backup it took.' }),
    'auto-approve': Flags.boolean({ summary: 'Do not ask for confirmation (required without a terminal).' }),
    database: Flags.string({ char: 'd', summary: 'Database file, instead of the one in the YAML.' }),
  };

  public async run(): Promise<RollbackResult> {
    const config = await this.loadConfigAndEngine({ database: this.flags.database });
    const interactive = this.interactive();
    const chosen = [this.args.version, this.flags.backup, this.flags.last || undefined].filter((x) => x !== undefined);
    if (chosen.length !== 1) throw new UsageError('give exactly one of VERSION, --backup ID or --last', ['e.g. `kuzu-migrate rollback v4.0.0`, `rollback --backup ID`, `rollback --last`']);
    const selector = this.args.version ? { version: this.args.version } : this.flags.backup ? { backup: this.flags.backup } : { last: true as const };
    const signals = trapSignals();
    const progress = this.progress('Rolling back');
    let result: RollbackResult;
    try {
    result = await progress.around(() => rollbackTo(config, selector, {
      onEvent: (e) => progress.event(e),
      confirm: async (target) => {
        this.out(`Rollback of ${config.database}${target.version ? ` to ${target.version}` : ''} from ${target.description}.`);
        if (this.flags['auto-approve']) return true;
        if (!interactive) throw new RefusedError('rollback needs confirmation and there is no terminal', 'E_NEEDS_APPROVAL', ['pass --auto-approve']);
        return confirmOnTerminal('Roll back? Only "yes" is accepted: ', signals.signal);
      },
    }));
    } finally {
      signals.dispose();
    }
    if (result.recovered) this.out(result.recovered.message);
    if (result.status === 'no_changes') this.out(`${config.database} is already at ${result.version}. To undo the last apply under that version, use \`kuzu-migrate rollback --last\`.`);
    else this.out(`Rolled ${config.database} back${result.version ? ` to ${result.version}` : ''} from ${result.target?.description}. The state before the rollback is backup ${result.backup_id}.`);
    return result;
  }
}

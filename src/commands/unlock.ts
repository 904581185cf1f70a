import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { LockInfo, unlock } from '../state/lock';

export default class Unlock extends BaseCommand<typeof Unlock> {
  static override summary = 'Remove a migration lock left behind by a process that is gone.';
  static override description = `Removes the lock file next to the database when its id matches. Refuses while the process
that holds it is still running on this host, unless --force.`;
  static override examples = [{ description: 'Remove lock 3f9a1c2b7d10', command: '<%= config.bin %> unlock 3f9a1c2b7d10' }];
  static override args = { id: Args.string({ description: 'The lock id, as printed by the refused command.', required: true }) };
  static override flags = {
    force: Flags.boolean({ summary: 'Remove it even if its process still runs.' }),
    database: Flags.string({ char: 'd', summary: 'Database file, instead of the one in the YAML.' }),
  };

  public async run(): Promise<{ removed: LockInfo }> {
    const config = this.loadConfig({ database: this.flags.database });
    const removed = unlock(config.database, this.args.id, this.flags.force);
    this.out(`Removed lock ${removed.id} (${removed.command}, pid ${removed.pid} on ${removed.host}).`);
    return { removed };
  }
}

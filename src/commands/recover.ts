import * as fs from 'node:fs';
import * as path from 'node:path';
import { Flags } from '@oclif/core';
import { withEngine } from '../kuzu/engine';
import { findLeftovers, removeLeftovers } from '../state/leftovers';
import { BaseCommand } from '../cli/base';
import { recoverInterrupted, RecoveryResult } from '../apply/apply';
import { acquireLock } from '../state/lock';

export default class Recover extends BaseCommand<typeof Recover> {
  static override summary = 'Settle an apply or upgrade that was interrupted (killed, crashed, power loss).';
  static override description = `Every command that changes the database does this first by itself; this command does only
that. It reads the journal next to the database (one for apply and upgrade). An apply is settled
by content: if the live file holds what the apply recorded before its swap, it is complete; if it
is the original, nothing happened; anything else gets the backup back. An upgrade is undone, or
finished when its verified new database is already in place. Staging files are removed, the
journal cleared, a stale lock taken over.`;
  static override examples = [{ description: 'After a crash', command: '<%= config.bin %> recover' }];
  static override flags = { database: Flags.string({ char: 'd', summary: 'Database file, instead of the one in the YAML.' }) };

  public async run(): Promise<{ recovered: RecoveryResult | null; leftovers_removed: string[] }> {
    const config = await this.loadConfigAndEngine({ database: this.flags.database });
    const lock = acquireLock(config.database, 'kuzu-migrate recover');
    try {
      const recovered = await recoverInterrupted(config.database, config.backups);
      this.out(recovered ? recovered.message : `Nothing to recover: no interrupted apply or upgrade on ${config.database}.`);
      // A checkpoint killed half way leaves a .shadow that only a read-write open replays.
      if (fs.existsSync(config.database + '.shadow') && fs.existsSync(config.database)) {
        await withEngine(config.database, {}, async () => undefined);
        this.out(`Completed an interrupted checkpoint of ${config.database}.`);
      }
      const removed = removeLeftovers(findLeftovers(config.database, path.resolve(config.backups), path.resolve(config.migrations)));
      for (const r of removed) this.out(`Removed leftover ${r}`);
      return { recovered, leftovers_removed: removed };
    } finally {
      lock.release();
    }
  }
}

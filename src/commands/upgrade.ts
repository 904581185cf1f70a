import * as fs from 'node:fs';
import * as path from 'node:path';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { confirmOnTerminal } from '../cli/interact';
import { RefusedError, UsageError } from '../core/errors';
import { Schema } from '../core/model';
import { SNAPSHOT_FORMATS, SnapshotFormat } from '../snapshot/codec';
import { upgradeDatabase, UpgradeResult } from '../upgrade/upgrade';

export default class Upgrade extends BaseCommand<typeof Upgrade> {
  static override summary = 'Move a database to another engine release (Kuzu 0.9/0.10 → 0.11, Kuzu → LadybugDB), verified.';
  static override description = `Detects which engine and release wrote the database (magic bytes and storage version; Kuzu 0.9
and 0.10 databases are folders), exports it READ-ONLY with that release, loads it into a fresh
database of the target release, verifies the schema, row counts and per-property content
fingerprints across the two engines, copies the original into the backups folder and swaps the
new database in — under the migration lock, with a journal: a killed upgrade leaves the original
in place, openable by its own release. Defaults, comments and storage directions the source's
catalog does not show are restored from kuzu-migrate.yaml when there is one.
Each engine runs in its own process. Releases other than the bundled Kuzu 0.11.3 are installed on
first use into the engine cache (~0.5 GB per Kuzu release; KUZU_MIGRATE_ENGINES_DIR, default
~/.cache/kuzu-migrate/engines), after a prompt or with --auto-approve.
Exit codes: 0 upgraded or nothing to do, 1 failed (nothing changed), 3 refused (no confirmation,
unknown storage version), 4 locked, 64 unknown release.`;

  static override examples = [
    { description: 'Upgrade the configured database to Kuzu 0.11.3', command: '<%= config.bin %> upgrade' },
    { description: 'A Kuzu 0.10 folder, in CI', command: '<%= config.bin %> upgrade --database ./graph.kuzu --auto-approve' },
    { description: 'Move to LadybugDB', command: '<%= config.bin %> upgrade --to ladybug' },
    { description: 'Say which release wrote it', command: '<%= config.bin %> upgrade --from kuzu@0.10.1' },
  ];

  static override flags = {
    database: Flags.string({ char: 'd', summary: 'Database to upgrade, instead of the one in the YAML.' }),
    from: Flags.string({ summary: 'Release that wrote the database (e.g. kuzu@0.10.1); detected when absent.' }),
    to: Flags.string({ summary: "Target release: kuzu@0.11.3 or ladybug (default: the YAML's `engine:`, else kuzu@0.11.3)." }),
    format: Flags.string({ summary: 'Format of the intermediate data files.', options: [...SNAPSHOT_FORMATS], default: 'parquet' }),
    'auto-approve': Flags.boolean({ summary: 'Do not ask (required without a terminal): install missing engines and swap.' }),
  };

  public async run(): Promise<UpgradeResult> {
    // The YAML is optional here: an old database may be upgraded before any declaration exists.
    const configFile = path.resolve(this.flags.config);
    let database: string;
    let backups: string;
    let declared: Schema | null = null;
    let configured: string | undefined;
    if (fs.existsSync(configFile)) {
      const config = this.loadConfig({ database: this.flags.database });
      database = config.database;
      backups = config.backups;
      declared = config.schema;
      // Without --to, the database moves to the engine the YAML declares (`engine:`).
      configured = config.engine;
    } else {
      if (!this.flags.database) throw new UsageError(`no ${this.flags.config} here: pass --database PATH`);
      database = path.resolve(this.flags.database);
      backups = path.join(path.dirname(database), 'backups');
    }
    const interactive = this.interactive();
    const auto = this.flags['auto-approve'];
    const progress = this.progress('Upgrading');
    const result = await progress.around(() => upgradeDatabase({
      database,
      from: this.flags.from,
      to: this.flags.to ?? configured,
      declared,
      backups,
      format: this.flags.format as SnapshotFormat,
      command: 'kuzu-migrate upgrade',
      onEvent: (e) => progress.event(e),
      approveInstall: async (releases) => {
        const what = releases.map((r) => `${r.id} (npm ${r.package}@${r.version}, ~${Math.round(r.approxBytes / 1024 / 1024)} MB)`).join(', ');
        if (auto) return true;
        if (!interactive) return false;
        return confirmOnTerminal(`kuzu-migrate needs ${what}; it is downloaded once into its engine cache. Install? Only "yes" is accepted: `);
      },
      confirm: async (plan) => {
        this.out(`${plan.database}: ${plan.detected.detail}\nWill export it with ${plan.from}, load it into a new ${plan.to} database, verify, back up the original and swap.`);
        if (auto) return true;
        if (!interactive) {
          throw new RefusedError('upgrade needs confirmation and there is no terminal', 'E_NEEDS_APPROVAL', ['pass --auto-approve']);
        }
        return confirmOnTerminal('Upgrade? Only "yes" is accepted: ');
      },
    }));
    if (result.recovered) this.out(result.recovered.message);
    if (result.status === 'no_changes') this.out(`Nothing to do: ${result.database} is already readable by ${result.to} (${result.detected.detail}).`);
    else if (result.status === 'aborted') this.out('Upgrade cancelled; nothing was changed.');
    else {
      this.out(
        `Upgraded ${result.database} from ${result.from} to ${result.to} in ${result.duration_ms} ms: ${result.tables} tables, ${result.rows} rows, ` +
          `verified by row counts and content fingerprints. The original is in ${result.backup_path}.` +
          (result.restored.length ? ` Restored from the declaration: ${result.restored.map((r) => `${r.table}${r.property ? '.' + r.property : ''} ${r.aspect}`).join(', ')}.` : ''),
      );
    }
    return result;
  }
}

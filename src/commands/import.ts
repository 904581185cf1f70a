import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { chosenVersion, versionArgs } from '../cli/version-arg';
import { importSnapshot, ImportResult } from '../snapshot/import';

export default class Import extends BaseCommand<typeof Import> {
  static override summary = 'Load a snapshot into a fresh database, verify it, and move it into place.';
  static override description = `Checks every file against the manifest's sha256 first (a damaged or missing file stops here,
nothing changed). Then loads schema and data into a new staging database beside the target,
verifies schema, row counts and content fingerprints against the manifest, and renames it into
place together with its WAL. A non-empty target is refused unless --force, which backs it up into
the backups folder first. Exit codes: 0 imported, 1 damaged snapshot or failed load/verification,
3 refused (non-empty target), 4 locked, 64 bad version name.`;

  static override examples = [
    { description: 'Restore v1.2.0 into the configured database (must be empty or new)', command: '<%= config.bin %> import --version v1.2.0' },
    { description: 'The same, with the version as the argument', command: '<%= config.bin %> import v1.2.0' },
    { description: 'Into another file', command: '<%= config.bin %> import --version v1.2.0 --database ./restore.kuzu' },
    { description: 'Replace a non-empty database (backed up first)', command: '<%= config.bin %> import --version v1.2.0 --force' },
  ];

  static override args = versionArgs('Version to import');

  static override flags = {
    version: Flags.string({ summary: 'Version to import (vMAJOR.MINOR.PATCH); or give it as the argument.' }),
    database: Flags.string({ char: 'd', summary: 'Target database file, instead of the one in the YAML.' }),
    force: Flags.boolean({ summary: 'Replace a non-empty target (a backup is taken first).' }),
  };

  public async run(): Promise<ImportResult> {
    const version = chosenVersion('import', this.args.version, this.flags.version);
    const config = await this.loadConfigAndEngine({ database: this.flags.database });
    const progress = this.progress('Importing');
    const r = await progress.around(() =>
      importSnapshot(config, { version, database: this.flags.database ? config.database : undefined, force: this.flags.force, onEvent: (e) => progress.event(e) }),
    );
    this.out(`Imported ${r.version} into ${r.database}: ${r.tables} tables, ${r.rows} rows, verified against the manifest.`);
    if (r.backup) this.out(`The previous database was backed up as ${r.backup}.`);
    return r;
  }
}

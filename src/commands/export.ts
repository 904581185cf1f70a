import * as fs from 'node:fs';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { chosenVersion, versionArgs } from '../cli/version-arg';
import { exportSnapshot, ExportResult } from '../snapshot/export';
import { acquireLock } from '../state/lock';
import { SnapshotFormat } from '../snapshot/codec';

export default class Export extends BaseCommand<typeof Export> {
  static override summary = 'Write a lossless, checksummed snapshot of the database to <migrations>/<version>/.';
  static override description = `Writes schema.cypher (defaults, comments and storage_direction kept), copy.cypher, one data
file per node table and per rel FROM→TO pair, manifest.json (row counts, content fingerprints,
sha256 of every file), README.md (which columns are encoded, and how) and CHANGELOG.md (changes
since the previous version; edit it freely). Only the columns that need it are encoded, so every
value survives (Kuzu's own EXPORT loses some in both formats); in CSV a STRING column stays plain
text unless it holds an empty string or a line break;
a value that cannot be kept is refused, naming table, property and row key. Before reporting
success every data file is read back with import's decoders and compared with the database by
content fingerprint (exit 3, nothing kept, when a value would not come back). The folder is written under a
staging name and renamed at the end: a failed export leaves nothing. An existing version is never
overwritten. --raw runs Kuzu's own EXPORT DATABASE instead (lossy, documented).`;

  static override examples = [
    { description: 'Snapshot the database as v1.2.0 (parquet)', command: '<%= config.bin %> export --version v1.2.0' },
    { description: 'The same, with the version as the argument', command: '<%= config.bin %> export v1.2.0' },
    { description: 'CSV files, readable in a text editor', command: '<%= config.bin %> export --version v1.2.0 --format csv' },
    { description: 'Only the schema', command: '<%= config.bin %> export --version v1.2.0 --schema-only' },
  ];

  static override args = versionArgs('Version to write');

  static override flags = {
    version: Flags.string({ summary: 'Version to write (vMAJOR.MINOR.PATCH); or give it as the argument.' }),
    format: Flags.string({ summary: 'Data file format.', options: ['parquet', 'csv'], default: 'parquet' }),
    'schema-only': Flags.boolean({ summary: 'Write the schema and manifest, no data.' }),
    raw: Flags.boolean({ summary: "Run Kuzu's own EXPORT DATABASE unchanged (loses values; see the README)." }),
    database: Flags.string({ char: 'd', summary: 'Database file to export, instead of the one in the YAML.' }),
  };

  public async run(): Promise<ExportResult> {
    const version = chosenVersion('export', this.args.version, this.flags.version);
    const config = await this.loadConfigAndEngine({ database: this.flags.database });
    // Under the migration lock: no apply, import or rollback replaces the file while it is read.
    // (A missing database is refused by exportSnapshot with its own message.)
    const lock = fs.existsSync(config.database) ? acquireLock(config.database, `kuzu-migrate export ${version}`) : null;
    const progress = this.progress('Exporting');
    let r: ExportResult;
    try {
      r = await progress.around(() =>
        exportSnapshot(config, {
          version,
          format: this.flags.format as SnapshotFormat,
          schemaOnly: this.flags['schema-only'],
          raw: this.flags.raw,
          onEvent: (e) => progress.event(e),
        }),
      );
    } finally {
      lock?.release();
    }
    this.out(`Exported ${r.version} to ${r.path}: ${r.tables} tables, ${r.rows} rows, ${r.bytes} bytes (${r.raw ? 'raw ' : ''}${r.format}${r.schema_only ? ', schema only' : ''}).`);
    if (r.changelog_kept) this.out('Kept the existing CHANGELOG.md.');
    return r;
  }
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { adoptDatabase } from '../api/init';
import { isValidVersionName, schemaToYaml } from '../config/config';
import { RuntimeError, UsageError } from '../core/errors';
import { detectEngine } from '../engines/detect';
import { loadEngine } from '../kuzu/engine';

export interface InitResult {
  file: string;
  database: string;
  version: string;
  nodes: number;
  rels: number;
}

export default class Init extends BaseCommand<typeof Init> {
  static override summary = 'Write a kuzu-migrate.yaml that declares the schema of an existing database.';
  static override description = `Reverse-engineers the live database (read-only) into a YAML declaration: node and rel tables,
types, primary keys, defaults, comments, connections, multiplicity and storage direction.
\`plan\` against the same database is then empty. An existing file is never overwritten unless
--force is given.`;

  static override examples = [
    { description: 'Declare the schema of an existing database', command: '<%= config.bin %> init --database ./db/graph.kuzu' },
    { description: 'Write to another file, starting at version v1.0.0', command: '<%= config.bin %> init -d prod.kuzu -c infra/kuzu-migrate.yaml --version v1.0.0' },
  ];

  static override flags = {
    database: Flags.string({ char: 'd', summary: 'The database file to read.', required: true }),
    version: Flags.string({ summary: 'Version to declare (vMAJOR.MINOR.PATCH); default: the version the history recorded last, else v0.1.0.' }),
    force: Flags.boolean({ summary: 'Overwrite an existing YAML file.' }),
  };

  public async run(): Promise<InitResult> {
    const file = path.resolve(this.flags.config);
    const asked = this.flags.version;
    if (asked !== undefined && !isValidVersionName(asked)) throw new UsageError(`--version ${asked} is not a version name`, ['use vMAJOR.MINOR.PATCH, e.g. v1.0.0']);
    if (fs.existsSync(file) && !this.flags.force) {
      throw new UsageError(`${file} already exists`, ['pass --force to overwrite it, or choose another file with --config']);
    }
    const dbPath = path.resolve(this.flags.database);
    if (!fs.existsSync(dbPath)) throw new RuntimeError(`database ${dbPath} does not exist`, 'E_NO_DATABASE', ['check the path given to --database']);
    // No YAML yet names the engine: the file's magic does (a LadybugDB file is read by LadybugDB).
    const engine = detectEngine(dbPath).engine ?? 'kuzu';
    this.useEngine(engine);
    await loadEngine();
    const { schema, recordedVersion } = await adoptDatabase(dbPath);
    const version = asked ?? recordedVersion ?? 'v0.1.0';
    let rel = path.relative(path.dirname(file), dbPath);
    if (!rel.startsWith('.') && !path.isAbsolute(rel)) rel = './' + rel;
    const yaml = schemaToYaml(schema, { version, engine, database: rel, migrations: './migrations', backups: './backups' });
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, yaml);
    const result = { file, database: dbPath, version, nodes: schema.nodes.length, rels: schema.rels.length };
    this.out(`Wrote ${file}: ${result.nodes} node tables, ${result.rels} rel tables from ${dbPath}.`);
    return result;
  }
}

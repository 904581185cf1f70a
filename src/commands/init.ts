import * as fs from 'node:fs';
import * as path from 'node:path';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { introspectDatabase } from '../api/init';
import { stringify } from 'yaml';
import { withoutUnmanaged } from '../core/lint/protection';
import type { Schema } from '../core/model';
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
    version: Flags.string({ summary: 'Version to declare (vMAJOR.MINOR.PATCH).', default: 'v0.1.0' }),
    force: Flags.boolean({ summary: 'Overwrite an existing YAML file.' }),
    unmanaged: Flags.string({
      summary: 'Leave tables matching this pattern (`*`, `?`) out and list it under unmanaged: (repeatable).',
      multiple: true,
    }),
  };

  public async run(): Promise<InitResult> {
    const file = path.resolve(this.flags.config);
    const version = this.flags.version;
    if (!isValidVersionName(version)) throw new UsageError(`--version ${version} is not a version name`, ['use vMAJOR.MINOR.PATCH, e.g. v1.0.0']);
    if (fs.existsSync(file) && !this.flags.force) {
      throw new UsageError(`${file} already exists`, ['pass --force to overwrite it, or choose another file with --config']);
    }
    const dbPath = path.resolve(this.flags.database);
    if (!fs.existsSync(dbPath)) throw new RuntimeError(`database ${dbPath} does not exist`, 'E_NO_DATABASE', ['check the path given to --database']);
    // No YAML yet names the engine: the file's magic does (a LadybugDB file is read by LadybugDB).
    const engine = detectEngine(dbPath).engine ?? 'kuzu';
    this.useEngine(engine);
    await loadEngine();
    const patterns = this.flags.unmanaged ?? [];
    const { schema, unmanaged } = leaveOutUnmanaged(await introspectDatabase(dbPath), patterns);
    let rel = path.relative(path.dirname(file), dbPath);
    if (!rel.startsWith('.') && !path.isAbsolute(rel)) rel = './' + rel;
    const yaml =
      schemaToYaml(schema, { version, engine, database: rel, migrations: './migrations', backups: './backups' }) +
      (unmanaged.length ? stringify({ unmanaged }) : '');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, yaml);
    const result = { file, database: dbPath, version, nodes: schema.nodes.length, rels: schema.rels.length };
    this.out(`Wrote ${file}: ${result.nodes} node tables, ${result.rels} rel tables from ${dbPath}.`);
    return result;
  }
}

/**
 * The introspected schema without the tables `patterns` name, and the unmanaged: list to write: the
 * patterns, plus the rel tables left out because an endpoint is unmanaged (the YAML could not
 * declare them without declaring the endpoint).
 */
function leaveOutUnmanaged(schema: Schema, patterns: string[]): { schema: Schema; unmanaged: string[] } {
  const { schema: kept } = withoutUnmanaged(schema, patterns);
  const nodes = new Set(kept.nodes.map((n) => n.name.toLowerCase()));
  const orphaned = kept.rels.filter((r) => r.connections.some((c) => !nodes.has(c.from.toLowerCase()) || !nodes.has(c.to.toLowerCase())));
  return {
    schema: { nodes: kept.nodes, rels: kept.rels.filter((r) => !orphaned.includes(r)) },
    unmanaged: [...patterns, ...orphaned.map((r) => r.name)],
  };
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { adoptDatabase } from '../api/init';
import { introspectDatabase } from '../api/init';
import { stringify } from 'yaml';
import { withoutUnmanaged } from '../core/lint/protection';
import type { Schema } from '../core/model';
import { isValidVersionName, schemaToYaml } from '../config/config';
import { mergeSchemaIntoYaml } from '../config/merge-yaml';
import { RuntimeError, UsageError } from '../core/errors';
import { detectEngine } from '../engines/detect';
import { loadEngine } from '../kuzu/engine';

export interface InitResult {
  file: string;
  database: string;
  version: string;
  nodes: number;
  rels: number;
  /** --merge only: table declarations rewritten from the database, added, removed. */
  merged?: { updated: string[]; added: string[]; removed: string[] };
}

export default class Init extends BaseCommand<typeof Init> {
  static override summary = 'Write a kuzu-migrate.yaml that declares the schema of an existing database.';
  static override description = `Reverse-engineers the live database (read-only) into a YAML declaration: node and rel tables,
types, primary keys, defaults, comments, connections, multiplicity and storage direction.
\`plan\` against the same database is then empty. An existing file is never overwritten unless
--force is given.
With --merge, an existing YAML is refreshed instead (adopting drift): its table declarations
are rewritten from the database where they differ, added or removed; version, engine, paths,
checks, environments, policy and comments are kept. Review the diff and commit it.`;

  static override examples = [
    { description: 'Declare the schema of an existing database', command: '<%= config.bin %> init --database ./db/graph.kuzu' },
    { description: 'Write to another file, starting at version v1.0.0', command: '<%= config.bin %> init -d prod.kuzu -c infra/kuzu-migrate.yaml --version v1.0.0' },
    { description: "Adopt drift: refresh the YAML's tables from the prod database", command: '<%= config.bin %> init --merge --env prod' },
  ];

  static override flags = {
    database: Flags.string({ char: 'd', summary: 'The database file to read (with --merge: default the YAML\'s).' }),
    version: Flags.string({ summary: 'Version to declare (vMAJOR.MINOR.PATCH); default: the version the history recorded last, else v0.1.0.' }),
    force: Flags.boolean({ summary: 'Overwrite an existing YAML file.', exclusive: ['merge'] }),
    merge: Flags.boolean({ summary: "Refresh an existing YAML's table declarations from the database, keeping the rest." }),
    unmanaged: Flags.string({
      summary: 'Leave tables matching this pattern (`*`, `?`) out and list it under unmanaged: (repeatable).',
      multiple: true,
    }),
  };

  public async run(): Promise<InitResult> {
    if (this.flags.merge) return this.merge();
    if (!this.flags.database) throw new UsageError('init needs --database PATH', ['name the database to declare, or pass --merge to refresh an existing YAML']);
    const file = path.resolve(this.flags.config);
    const asked = this.flags.version;
    if (asked !== undefined && !isValidVersionName(asked)) throw new UsageError(`--version ${asked} is not a version name`, ['use vMAJOR.MINOR.PATCH, e.g. v1.0.0']);
    if (fs.existsSync(file) && !this.flags.force) {
      throw new UsageError(`${file} already exists`, ['pass --force to overwrite it, or choose another file with --config']);
    }
    const dbPath = path.resolve(this.flags.database!);
    if (!fs.existsSync(dbPath)) throw new RuntimeError(`database ${dbPath} does not exist`, 'E_NO_DATABASE', ['check the path given to --database']);
    // No YAML yet names the engine: the file's magic does (a LadybugDB file is read by LadybugDB).
    const engine = detectEngine(dbPath).engine ?? 'kuzu';
    this.useEngine(engine);
    await loadEngine();
    const patterns = this.flags.unmanaged ?? [];
    const adopted = await adoptDatabase(dbPath);
    const version = asked ?? adopted.recordedVersion ?? 'v0.1.0';
    const { schema, unmanaged } = leaveOutUnmanaged(adopted.schema, patterns);
    let rel = path.relative(path.dirname(file), dbPath);
    if (!rel.startsWith('.') && !path.isAbsolute(rel)) rel = './' + rel;
    const yaml =
      schemaToYaml(schema, { version, engine, database: rel, migrations: './migrations', backups: './backups' }) +
      (unmanaged.length ? stringify({ unmanaged }) : '');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, yaml);
    // What the YAML may state inexactly (e.g. a default whose sign could not be read) goes to stderr.
    for (const w of adopted.warnings) process.stderr.write(`warning: ${w}\n`);
    const result = { file, database: dbPath, version, nodes: schema.nodes.length, rels: schema.rels.length };
    const more = [
      schema.indexes?.length ? `${schema.indexes.length} indexes` : '',
      schema.sequences?.length ? `${schema.sequences.length} sequences` : '',
      schema.macros?.length ? `${schema.macros.length} macros` : '',
    ].filter(Boolean);
    this.out(`Wrote ${file}: ${result.nodes} node tables, ${result.rels} rel tables${more.length ? ', ' + more.join(', ') : ''} from ${dbPath}.`);
    return result;
  }

  /** init --merge: adopt the database's tables into the existing YAML (see mergeSchemaIntoYaml). */
  private async merge(): Promise<InitResult> {
    const config = await this.loadConfigAndEngine({ database: this.flags.database });
    if (config.schemaFiles.length !== 1 || path.resolve(config.schemaFiles[0]) !== config.file) {
      throw new UsageError(`the schema of ${config.file} is split across files; --merge refreshes an inline schema only`, ['run `kuzu-migrate init` into a new file and move the tables by hand']);
    }
    if (!fs.existsSync(config.database)) throw new RuntimeError(`database ${config.database} does not exist`, 'E_NO_DATABASE', ['check `database:` in the YAML, --env, or --database']);
    // Tables the YAML says are not ours stay out of it (docs/lint.md, unmanaged:).
    const live = withoutUnmanaged(await introspectDatabase(config.database), config.unmanaged ?? []).schema;
    const merged = mergeSchemaIntoYaml(fs.readFileSync(config.file, 'utf8'), config.schema, live);
    const tmp = `${config.file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, merged.text);
    fs.renameSync(tmp, config.file);
    const changed = merged.updated.length + merged.added.length + merged.removed.length;
    const list = (label: string, xs: string[]) => (xs.length ? `  ${label}: ${xs.join(', ')}\n` : '');
    this.out(
      changed
        ? `Refreshed ${config.file} from ${config.database}:\n${list('updated', merged.updated)}${list('added', merged.added)}${list('removed', merged.removed)}Review the change (git diff) and commit it; \`kuzu-migrate plan\` is now empty.`
        : `${config.file} already declares ${config.database}; nothing changed.`,
    );
    return { file: config.file, database: config.database, version: config.version, nodes: live.nodes.length, rels: live.rels.length, merged: { updated: merged.updated, added: merged.added, removed: merged.removed } };
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
    schema: { ...kept, rels: kept.rels.filter((r) => !orphaned.includes(r)) },
    unmanaged: [...patterns, ...orphaned.map((r) => r.name)],
  };
}

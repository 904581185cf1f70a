import * as path from 'node:path';
import { BaseCommand } from '../cli/base';
import { validateConfig } from '../config/config';
import { ConfigError, Diagnostic, formatDiagnostic } from '../core/errors';

export interface ValidateResult {
  valid: boolean;
  file: string;
  version: string | null;
  nodes: number;
  rels: number;
  diagnostics: Diagnostic[];
}

export default class Validate extends BaseCommand<typeof Validate> {
  static override summary = 'Check kuzu-migrate.yaml without touching any database.';
  static override description = `Validates the YAML against schemas/kuzu-migrate.schema.json and checks the declared schema:
types parse, primary keys name a property, rel endpoints are declared node tables, names are legal
identifiers and unique, renamed_from does not collide. Every problem is reported at once as
file:line:column with what was expected and a hint. Exit 0 when valid, 65 when not.`;

  static override examples = [
    { description: 'Validate the default file', command: '<%= config.bin %> validate' },
    { description: 'Validate another file, machine-readable', command: '<%= config.bin %> validate -c deploy/kuzu-migrate.yaml --json' },
  ];

  public async run(): Promise<ValidateResult> {
    const file = path.resolve(this.flags.config);
    const { config, diagnostics } = validateConfig(file, { env: this.flags.env });
    if (diagnostics.length > 0) throw new ConfigError(diagnostics);
    const result: ValidateResult = {
      valid: true,
      file,
      version: config?.version ?? null,
      nodes: config?.schema.nodes.length ?? 0,
      rels: config?.schema.rels.length ?? 0,
      diagnostics,
    };
    this.out(`${path.relative(process.cwd(), file) || file} is valid: version ${result.version}, ${result.nodes} node tables, ${result.rels} rel tables.`);
    return result;
  }
}

export { formatDiagnostic };

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { planLive, planMigration } from '../plan/planning';
import { ExitCode } from '../core/errors';
import type { LintFinding, LintSummary } from '../core/lint/analyze';
import { countLine, lintMarkdownLines, lintTextLines } from '../core/lint/render';
import type { PlanDocument } from '../core/plan';
import { loadBase } from '../lint/base';
import { toSarif } from '../lint/sarif';

export interface LintResult {
  /** What the declaration was compared with: the live database's path, or the base (`git REF:file`, a file). */
  against: string;
  findings: LintFinding[];
  summary: LintSummary;
  /** Changes the comparison found. */
  changes: number;
}

export default class Lint extends BaseCommand<typeof Lint> {
  static override summary = 'Report coded findings about the planned change: data loss, failing casts, rebuild cost, broken queries, naming.';
  static override description = `Runs the lint analyzer (docs/lint.md has a section per code) over the plan against the live
database (read-only, with counts), or, with --base, over the change from the declaration at a
git ref (or in another YAML file) to the working tree's, without any database. Findings point at
the YAML's file:line:column. Severities come from the YAML's lint: section (per environment too).
Exit 1 when an error-level finding remains, 0 otherwise; 65 for an invalid configuration.`;

  static override examples = [
    { description: 'Lint the plan against the live database', command: '<%= config.bin %> lint' },
    { description: 'In a pull request: the change against main, no database', command: '<%= config.bin %> lint --base origin/main' },
    { description: 'SARIF for GitHub code scanning', command: '<%= config.bin %> lint --base origin/main --format sarif --output lint.sarif' },
  ];

  static override flags = {
    base: Flags.string({ summary: 'Compare with the declaration at this git ref (or in this YAML file) instead of the live database.' }),
    format: Flags.string({ char: 'f', summary: 'Output format.', options: ['text', 'json', 'markdown', 'sarif'], default: 'text' }),
    output: Flags.string({ char: 'o', summary: 'Write the report to this file instead of standard output.' }),
    database: Flags.string({ char: 'd', summary: 'Database file to lint against, instead of the one in the YAML.' }),
  };

  public async run(): Promise<LintResult> {
    let plan: PlanDocument;
    let against: string;
    if (this.flags.base) {
      // No database: the engine is never loaded.
      const config = this.loadConfig({ database: this.flags.database }, { needsDatabase: false });
      const base = loadBase(this.flags.base, this.flags.config);
      plan = await planLive({ schema: base.schema, exists: true, unknownStorageDirection: [], warnings: [] }, null, config, config.schema);
      against = base.source;
    } else {
      const config = await this.loadConfigAndEngine({ database: this.flags.database });
      plan = await planMigration(config);
      against = config.database;
    }
    const report = plan.lint ?? { findings: [], summary: { error: 0, warning: 0, notice: 0 } };
    const result: LintResult = { against, findings: report.findings, summary: report.summary, changes: plan.changes.length };
    const text =
      this.flags.format === 'sarif'
        ? toSarif(report.findings)
        : this.flags.format === 'json'
          ? JSON.stringify(result, null, 2)
          : this.flags.format === 'markdown'
            ? [`### kuzu-migrate lint (against \`${against}\`)`, '', ...(report.findings.length ? lintMarkdownLines(report) : ['No findings.'])].join('\n')
            : [`kuzu-migrate lint: ${plan.changes.length} change${plan.changes.length === 1 ? '' : 's'} against ${against}`, '', ...(report.findings.length ? lintTextLines(report) : ['No findings.', ''])].join('\n');
    if (this.flags.output) {
      fs.mkdirSync(path.dirname(path.resolve(this.flags.output)), { recursive: true });
      fs.writeFileSync(this.flags.output, text.endsWith('\n') ? text : text + '\n');
      this.out(`${countLine(report)}; report written to ${this.flags.output}`);
    } else {
      this.out(text);
    }
    if (report.summary.error > 0) process.exitCode = ExitCode.Error;
    return result;
  }
}

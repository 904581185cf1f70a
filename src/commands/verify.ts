import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { fleetFlags } from '../cli/fleet';
import type { FleetResult } from '../core/fleet';
import { ExitCode } from '../core/errors';
import { verifyDatabase, VerifyResult } from '../snapshot/inspect';
import { benchQueries, QueriesResult } from '../api/queries';
import { ms } from '../core/queries';

export default class Verify extends BaseCommand<typeof Verify> {
  static override summary = 'Check the live database: schema, content, keys, endpoints and the YAML checks.';
  static override description = `Checks, read-only: the schema equals the declaration (or the version's); with --version, row
counts and content fingerprints equal the version's manifest; no NULL or duplicate primary keys;
every relationship's endpoints exist; and every query under \`checks:\` returns true. With
--queries, the declared queries (\`queries:\`) are timed too and must keep their declared result,
max_ms and, against the last apply's recorded timings, max_slowdown (docs/queries.md). Exit 0
when all hold, 1 when any fails (each failure listed).`;

  static override examples = [
    { description: 'Against the declaration', command: '<%= config.bin %> verify' },
    { description: 'Against a snapshot, content included', command: '<%= config.bin %> verify --version v1.2.0 --json' },
  ];

  static override flags = {
    version: Flags.string({ summary: 'Compare schema and content with this version.' }),
    database: Flags.string({ char: 'd', summary: 'Database file to check, instead of the one in the YAML.' }),
    queries: Flags.boolean({ summary: 'Also time the declared queries (queries:) and check their results and tolerances.' }),
    ...fleetFlags,
  };

  public async run(): Promise<VerifyResult | FleetResult> {
    const fleet = await this.runAll('verify', [...(this.flags.version ? ['--version', this.flags.version] : []), ...(this.flags.queries ? ['--queries'] : [])]);
    if (fleet) return fleet;
    const config = await this.loadConfigAndEngine({ database: this.flags.database });
    const progress = this.progress('Verifying');
    const r: VerifyResult & { queries?: QueriesResult } = await progress.around(() => verifyDatabase(config, { version: this.flags.version, onEvent: (e) => progress.event(e) }));
    if (this.flags.queries) {
      // One check per declared query, judged as `kuzu-migrate queries` judges it; the full timings under `queries`.
      r.queries = await progress.around(() => benchQueries(config, { onQuery: (q) => progress.event({ phase: 'queries', message: q.name }) }));
      for (const q of r.queries.queries) r.checks.push({ name: `query ${q.name}`, ok: q.verdict.ok, problems: q.verdict.problems });
      r.ok = r.ok && r.queries.ok;
    }
    const lines = [`Verifying ${r.database} against ${r.against}:`];
    for (const c of r.checks) {
      const k = this.colors;
      // A declared query's line also says how fast it ran and how (the JSON has it under `queries`).
      const q = r.queries?.queries.find((x) => `query ${x.name}` === c.name && x.error === null);
      const timing = q ? ` (median ${ms(q.median_ms)}${q.operators.length ? `, ${q.operators.join(', ')}` : ''})` : '';
      lines.push(`  ${c.ok ? k.green('ok  ') : k.bold(k.red('FAIL'))}  ${c.name}${timing}`);
      for (const p of c.problems) lines.push(`          ${p}`);
    }
    lines.push(r.ok ? 'All checks passed.' : `${r.checks.filter((c) => !c.ok).length} check(s) failed.`);
    this.out(lines.join('\n'));
    if (!r.ok) process.exitCode = ExitCode.Error;
    return r;
  }
}

import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { ExitCode } from '../core/errors';
import { benchQueries, QueriesResult, renderQueriesMarkdown, renderQueriesText } from '../api/queries';

export default class Queries extends BaseCommand<typeof Queries> {
  static override summary = 'Time and profile the declared queries on the live database (read-only).';
  static override description = `Runs each query under \`queries:\` in kuzu-migrate.yaml on the live database, opened
read-only: first proven read-only (the rules of \`checks:\`, and an EXPLAIN without writing
operators), then a warm-up, --runs measured runs (median, min–max, p90 of the wall-clock time
to prepare, run and fetch all rows), and one PROFILE whose operators are summarised as the
query's access path (QUERY_FTS_INDEX, QUERY_VECTOR_INDEX, SCAN_NODE_TABLE(T), HASH_JOIN, ...).
Each is judged against its declaration (rows:, expect:, max_ms:) and, when the last apply
recorded timings (backups/history.jsonl), against them with max_slowdown (a slowdown under
5 ms never fails). Exit 0 when all hold, 1 when any fails. apply runs the same queries before
and after every change (docs/queries.md).`;

  static override examples = [
    { description: 'Time the declared queries', command: '<%= config.bin %> queries' },
    { description: 'More runs, as Markdown for a job summary', command: '<%= config.bin %> queries --runs 20 --format markdown' },
    { description: 'Machine-readable, with the full PROFILE operators', command: '<%= config.bin %> queries --json' },
  ];

  static override flags = {
    runs: Flags.integer({ summary: 'Measured runs per query.', default: 5, min: 1, max: 1000 }),
    warmup: Flags.integer({ summary: 'Unmeasured runs before them.', default: 1, min: 0, max: 100 }),
    format: Flags.string({ char: 'f', summary: 'Output format for people.', options: ['text', 'markdown'], default: 'text' }),
    database: Flags.string({ char: 'd', summary: 'Database file to time, instead of the one in the YAML.' }),
  };

  public async run(): Promise<QueriesResult> {
    const config = await this.loadConfigAndEngine({ database: this.flags.database });
    const progress = this.progress('Timing queries');
    const r = await progress.around(() => benchQueries(config, { runs: this.flags.runs, warmup: this.flags.warmup, onQuery: (q) => progress.event({ phase: 'queries', message: q.name }) }));
    this.out(this.flags.format === 'markdown' ? renderQueriesMarkdown(r) : renderQueriesText(r, this.colors));
    if (!r.ok) process.exitCode = ExitCode.Error;
    return r;
  }
}

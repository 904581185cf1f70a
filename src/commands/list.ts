import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { fleetFlags } from '../cli/fleet';
import type { FleetResult } from '../core/fleet';
import { listSnapshots, ListResult } from '../snapshot/inspect';
import { ms } from '../core/queries';

export default class List extends BaseCommand<typeof List> {
  static override summary = 'List snapshot versions, backups and apply history.';
  static override description = `Versions from the migrations folder with date, format, size, tables and rows; the one whose
schema fingerprint equals the live database's is marked with *. Also lists the backups, and the
apply history the database keeps in its reserved _kuzu_migrate_history table, merged with the
append-only backups/history.jsonl: an apply a rollback undid is listed as rolled back, never erased.`;

  static override examples = [{ description: 'List everything', command: '<%= config.bin %> list' }, { description: 'Machine-readable', command: '<%= config.bin %> list --json' }];

  static override flags = {
    database: Flags.string({ char: 'd', summary: 'Database file whose history to list, instead of the one in the YAML.' }),
    ...fleetFlags,
  };

  public async run(): Promise<ListResult | FleetResult> {
    const fleet = await this.runAll('list');
    if (fleet) return fleet;
    const r = await listSnapshots(this.loadConfig({ database: this.flags.database }));
    const lines = [`Versions in ${r.migrations}:`];
    if (!r.versions.length) lines.push('  (none)');
    for (const v of r.versions) {
      lines.push(`${v.current ? '* ' : '  '}${v.version.padEnd(10)} ${v.created_at.slice(0, 19).replace('T', ' ')}  ${(v.raw ? 'raw ' : '') + v.format}${v.schema_only ? ' schema-only' : ''}  ${v.bytes} bytes  ${v.tables} tables  ${v.rows} rows`);
    }
    if (r.versions.some((v) => v.current)) lines.push('  (* = the live database has this schema)');
    lines.push('', 'Backups:');
    if (!r.backups.length) lines.push('  (none)');
    for (const b of r.backups) lines.push(`  ${b.id}  ${b.created_at ?? ''}  ${b.reason ?? ''}  ${b.bytes} bytes`);
    if (r.history.length) {
      lines.push('', 'History:');
      for (const h of r.history) {
        lines.push(`  ${h.applied_at}  ${h.version.padEnd(10)} ${h.operation.padEnd(8)} ${h.strategy.padEnd(20)} ${h.changes} changes  ${h.duration_ms} ms  backup ${h.backup_id || '-'}${h.rolled_back ? '  (rolled back)' : ''}`);
        // The declared queries as that apply timed them (median before → after), from history.jsonl.
        for (const q of h.queries ?? []) lines.push(`      query ${q.name}: ${ms(q.before_ms)} → ${ms(q.after_ms)}  ${q.operators_after.join(', ') || '-'}${q.ok ? '' : '  (broke its tolerance; --allow-slowdown)'}`);
      }
    }
    for (const w of r.warnings) lines.push(`warning: ${w}`);
    this.out(lines.join('\n'));
    return r;
  }
}

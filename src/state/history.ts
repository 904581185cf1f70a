/**
 * Apply history lives INSIDE the database, in the reserved node table `_kuzu_migrate_history`,
 * written in the same transaction as the migration itself. So a crash can never leave history
 * and schema disagreeing: either both the change and its record are committed, or neither is.
 * (A file beside the database could say "applied" for a change Kuzu rolled back.) Planning
 * ignores reserved tables, and a rewrite carries the table over like any other.
 */
import { cypherString } from '../core/identifiers';
import type { QueryRunner } from '../engines/runner';

export const HISTORY_TABLE = '_kuzu_migrate_history';

export interface HistoryEntry {
  id: string;
  version: string;
  applied_at: string;
  duration_ms: number;
  live_fingerprint: string;
  desired_fingerprint: string;
  strategy: string;
  changes: number;
  tool_version: string;
  kuzu_version: string;
  backup_id: string;
  /** `apply`, `rollback`, … */
  operation: string;
  /**
   * The declared queries (`queries:`) as apply timed them before the change and on the new
   * database before it was swapped in. Only in backups/history.jsonl (the table's columns are
   * fixed: older releases read it); absent when none were declared.
   */
  queries?: HistoryQuery[];
}

/** One declared query's timings in a history entry (core/queries.ts). */
export interface HistoryQuery {
  name: string;
  /** Medians in milliseconds; before is null on a new database or when the query failed there. */
  before_ms: number | null;
  after_ms: number | null;
  rows_before: number | null;
  rows_after: number | null;
  /** Access paths (profileSummary) on each side. */
  operators_before: string[];
  operators_after: string[];
  /** Whether it kept its tolerance (always true in an applied entry, unless --allow-slowdown). */
  ok: boolean;
}

const COLUMNS: [keyof HistoryEntry, string][] = [
  ['id', 'STRING'],
  ['version', 'STRING'],
  ['applied_at', 'STRING'],
  ['duration_ms', 'INT64'],
  ['live_fingerprint', 'STRING'],
  ['desired_fingerprint', 'STRING'],
  ['strategy', 'STRING'],
  ['changes', 'INT64'],
  ['tool_version', 'STRING'],
  ['kuzu_version', 'STRING'],
  ['backup_id', 'STRING'],
  ['operation', 'STRING'],
];

export function createHistoryTableStatement(): string {
  return `CREATE NODE TABLE IF NOT EXISTS ${HISTORY_TABLE} (${COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')}, PRIMARY KEY (id))`;
}

/** The statement recording `e`; values are literals built by cypherString (parameters cannot be used in all API paths inside a transaction). */
export function insertHistoryStatement(e: HistoryEntry): string {
  const values = COLUMNS.map(([n, t]) => `${n}: ${t === 'INT64' ? String(Math.trunc(Number(e[n]))) : cypherString(String(e[n]))}`);
  return `CREATE (:${HISTORY_TABLE} {${values.join(', ')}})`;
}

export async function hasHistoryTable(engine: QueryRunner): Promise<boolean> {
  const rows = await engine.query('CALL show_tables() RETURN name');
  return rows.some((r) => String(r['name']) === HISTORY_TABLE);
}

export async function readHistory(engine: QueryRunner): Promise<HistoryEntry[]> {
  if (!(await hasHistoryTable(engine))) return [];
  const rows = await engine.query(`MATCH (h:${HISTORY_TABLE}) RETURN h.* ORDER BY h.applied_at`);
  return rows.map((r) => {
    const e: Record<string, unknown> = {};
    for (const [n, t] of COLUMNS) e[n] = t === 'INT64' ? Number(r[`h.${n}`]) : String(r[`h.${n}`] ?? '');
    return e as unknown as HistoryEntry;
  });
}

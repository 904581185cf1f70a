/**
 * The rebuild cost model: an ESTIMATE of the time and disk space a rewrite needs, from throughput
 * measured by `npm run bench` on the development machine (docs/benchmarks.md §2, "Rewrite apply",
 * 1M nodes / 5M rels, Kuzu 0.11.3). Other machines and other data shapes differ; the plan says so.
 */
import type { RebuildEstimate } from './types';

type RewriteStrategy = RebuildEstimate['strategy'];

/**
 * Rows (nodes + relationships) a rewrite copies and verifies per second.
 * transaction: 6M rows in statements 3.01 s + verify 2.42 s (median run) → ≈ 1.1M rows/s;
 * export: the whole database is exported, loaded, copied and verified: 6M rows in
 * 2.69 + 2.42 + 3.33 + 3.56 s → ≈ 0.5M rows/s.
 */
export const REBUILD_ROWS_PER_SECOND: Readonly<Record<RewriteStrategy, number>> = { transaction: 1_100_000, export: 500_000 };
/** Backup throughput (CHECKPOINT + copy + sha256): 239.3 MB in 0.51 s (docs/benchmarks.md §5) → ≈ 470 MB/s. */
export const BACKUP_BYTES_PER_SECOND = 470_000_000;
/** What an apply costs besides copying: lock, plan, open, commit, post-verify (≈ 0.35 s in §2). */
export const APPLY_FIXED_SECONDS = 0.35;
/** Where the constants come from, quoted in the findings. */
export const COST_SOURCE = 'docs/benchmarks.md §2 (measured on the development machine)';


/**
 * Estimates a rewrite. Inputs: rows of the rebuilt tables, rows of the whole database, and the
 * database file's size in bytes. Disk, by strategy:
 *   transaction: the backup (a copy of the file) + the new tables' pages + the WAL holding them
 *                (≈ 2 × the rebuilt bytes);
 *   export:      the backup + the export folder + the fresh file (≈ 3 × the file) — it rewrites all.
 * The export strategy copies every row, not only the rebuilt tables'.
 */
export function estimateRebuild(input: { strategy: RewriteStrategy; rebuiltRows: number; totalRows: number; databaseBytes: number; freeBytes: number | null }): RebuildEstimate {
  const { strategy, rebuiltRows, totalRows, databaseBytes } = input;
  const bytes = totalRows > 0 ? Math.round((databaseBytes * rebuiltRows) / totalRows) : 0;
  const rows = strategy === 'export' ? totalRows : rebuiltRows;
  const seconds = APPLY_FIXED_SECONDS + databaseBytes / BACKUP_BYTES_PER_SECOND + rows / REBUILD_ROWS_PER_SECOND[strategy];
  const disk_needed = strategy === 'export' ? 3 * databaseBytes : databaseBytes + 2 * bytes;
  return { strategy, rows, bytes, seconds, disk_needed, disk_free: input.freeBytes };
}

/** 1234567 → "1.2 MB". */
export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** 0.42 → "0.4 s", 95 → "1 min 35 s". */
export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

/**
 * What an apply records: its id, its history entry (the row in the database, committed with the
 * change, and the append-only history log beside the backups), and a new version without changes.
 */
import * as crypto from 'node:crypto';
import { ResolvedConfig } from '../config/config';
import { PlanDocument } from '../core/plan';
import { kuzuVersion, withEngine } from '../kuzu/engine';
import { createHistoryTableStatement, HistoryEntry, insertHistoryStatement, readHistory } from '../state/history';
import { appendHistoryLog } from '../state/history-log';
import { TOOL_VERSION } from '../version';

/**
 * Records `config.version` in the history of a database whose schema needs no change, unless it is
 * the version the history ends with. Returns the new entry's id, or null when nothing was recorded.
 */
export async function recordVersionIfNew(config: ResolvedConfig, plan: PlanDocument, started: number): Promise<string | null> {
  return withEngine(config.database, {}, async (engine) => {
    const history = await readHistory(engine);
    if (history.length > 0 && history[history.length - 1].version === config.version) return null;
    const id = newApplyId();
    await engine.query('BEGIN TRANSACTION');
    try {
      await engine.query(createHistoryTableStatement());
      await engine.query(insertHistoryStatement(historyEntry(config, plan, { applyId: id, backupId: null, started })));
      await engine.query('COMMIT');
      appendHistoryLog(config.backups, config.database, historyEntry(config, plan, { applyId: id, backupId: null, started }));
    } catch (err) {
      await engine.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    return id;
  });
}

/** A new apply id: UTC time to the second and 8 random hex digits (sorts by time, never collides). */
export function newApplyId(): string {
  return `${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${crypto.randomBytes(4).toString('hex')}`;
}

/** The history entry of an apply of `plan` under `config` (duration counted from `ctx.started`). */
export function historyEntry(config: ResolvedConfig, plan: PlanDocument, ctx: { applyId: string; backupId: string | null; started: number }): HistoryEntry {
  return {
    id: ctx.applyId,
    version: config.version,
    applied_at: new Date().toISOString(),
    duration_ms: Date.now() - ctx.started,
    live_fingerprint: plan.live_fingerprint,
    desired_fingerprint: plan.desired_fingerprint,
    strategy: plan.rewrite_strategy ? `${plan.strategy}:${plan.rewrite_strategy}` : plan.strategy,
    changes: plan.changes.length,
    tool_version: TOOL_VERSION,
    kuzu_version: kuzuVersion(),
    backup_id: ctx.backupId ?? '',
    operation: 'apply',
  };
}

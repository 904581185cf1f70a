/**
 * Catalog objects besides tables, against a live engine: whether indexes exist and answer
 * queries, and recreating indexes, sequences (at their positions) and macros in a fresh
 * database (snapshot import, the export strategy, upgrade).
 */
import { consumeSequenceValue, createIndex, createMacro, createSequence, probeIndex } from '../core/ddl';
import { quoteIdent } from '../core/identifiers';
import { Index, Macro, Sequence, sameName } from '../core/model';
import type { QueryRunner } from '../engines/runner';

export interface IndexProbe {
  table: string;
  name: string;
  type: Index['type'];
  ok: boolean;
  /** Rows the probe query returned. */
  hits: number;
  problem?: string;
}

/**
 * For each index: present in SHOW_INDEXES() with its type, and answering a query — FTS with the
 * first word of a stored value, vector with a stored embedding (the nearest neighbour of a
 * stored vector is found, so a non-empty table must give at least one hit). An empty table
 * needs no hit, only a query that runs.
 */
export async function probeIndexes(engine: QueryRunner, indexes: Index[]): Promise<IndexProbe[]> {
  const present = await engine.query('CALL SHOW_INDEXES() RETURN table_name, index_name, index_type');
  const out: IndexProbe[] = [];
  for (const i of indexes) {
    const base = { table: i.table, name: i.name, type: i.type };
    const row = present.find((r) => sameName(String(r['table_name']), i.table) && sameName(String(r['index_name']), i.name));
    if (!row) {
      out.push({ ...base, ok: false, hits: 0, problem: 'missing (SHOW_INDEXES does not list it)' });
      continue;
    }
    const prop = i.properties[0];
    const sample = await engine.query(`MATCH (n:${quoteIdent(i.table)}) WHERE n.${quoteIdent(prop)} IS NOT NULL RETURN n.${quoteIdent(prop)} AS v LIMIT 1`);
    try {
      let hits: number;
      if (i.type === 'fts') {
        const word = sample.length ? (String(sample[0]['v']).match(/[\p{L}]{3,}/u)?.[0] ?? 'kuzu') : 'kuzu';
        hits = Number(await engine.scalar(probeIndex(i, word.toLowerCase())));
      } else {
        const vec = sample.length ? (sample[0]['v'] as number[]) : null;
        hits = vec ? Number(await engine.scalar(probeIndex(i, '', vec.map(Number), 1))) : 0;
      }
      // A word the stop-word list or stemmer drops can legitimately give no FTS hit; a stored
      // vector always finds itself.
      const ok = i.type === 'fts' || sample.length === 0 || hits > 0;
      out.push({ ...base, ok, hits, problem: ok ? undefined : 'answered no hit for a stored vector' });
    } catch (err) {
      out.push({ ...base, ok: false, hits: 0, problem: `does not answer a query: ${(err as Error).message.split('\n')[0]}` });
    }
  }
  return out;
}

/**
 * Recreates standalone sequences at their positions and macros in a fresh database: a used
 * sequence is created at its last value and that value consumed with one nextval (as Kuzu's own
 * EXPORT does), an unused one at its start (Kuzu's EXPORT consumes the start there: we do not).
 */
export async function createSequencesAndMacros(engine: QueryRunner, sequences: Sequence[], macros: Macro[], omitMacros: string[] = []): Promise<void> {
  for (const q of sequences) {
    await engine.query(createSequence(q, q.position ?? q.start));
    if (q.position !== undefined && q.position !== null) await engine.query(consumeSequenceValue(q.name));
  }
  for (const m of macros) {
    if (omitMacros.some((o) => sameName(o, m.name))) continue;
    await engine.query(createMacro(m));
  }
}

/** Builds indexes (after the data), each statement on its own: Kuzu refuses them in a transaction. */
export async function createIndexes(engine: QueryRunner, indexes: Index[]): Promise<void> {
  for (const i of indexes) await engine.query(createIndex(i));
}

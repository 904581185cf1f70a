/**
 * A declared query that broke its tolerance by time alone is re-timed on the old and the new
 * database side by side before apply refuses the swap (apply/queries.ts proveOnCopy): a "before"
 * taken minutes earlier under other load must not refuse a good apply, and a real slowdown still
 * must. Real databases; the "before" run is stated, so the first judgement fails deterministically.
 */
import * as path from 'node:path';
import { proveOnCopy } from '../../src/apply/queries';
import type { DeclaredQuery, QueryRun } from '../../src/core/queries';
import { copyDatabase, makeDatabase, tempDir } from '../helpers/db';

const ROWS = 200_000;
const scan: DeclaredQuery = {
  name: 'scan',
  // A full scan with a distinct count of strings: ~30 ms on 200k rows (measured), well over the 5 ms floor.
  query: 'MATCH (n:Item) RETURN count(DISTINCT CAST(n.v AS STRING)) AS c',
  params: {},
  expect: null,
  maxSlowdown: 2,
  maxMs: null,
};
/** What a "before" measured on an idle moment would say: far faster than any run here. */
const fastBefore: QueryRun = { name: 'scan', error: null, runs: 5, median_ms: 0.01, min_ms: 0.01, max_ms: 0.01, p90_ms: 0.01, rows: 1, value: null, operators: [] };

describe('apply re-times a timing-only breach side by side', () => {
  let oldDb = '';
  let newDb = '';
  beforeAll(async () => {
    const dir = tempDir('km-retime-');
    oldDb = path.join(dir, 'old.kuzu');
    await makeDatabase(oldDb, async (e) => {
      await e.query('CREATE NODE TABLE Item(id INT64 PRIMARY KEY, v INT64)');
      await e.query(`COPY Item FROM (UNWIND range(1, ${ROWS}) AS i RETURN i, i * 13)`);
    });
    newDb = copyDatabase(oldDb, path.join(dir, 'new.kuzu'));
  }, 120_000);

  it('the same database on both sides passes once re-timed; without the old database it is refused', async () => {
    const events: string[] = [];
    const emit = ((_phase: string, message: string) => events.push(message)) as Parameters<typeof proveOnCopy>[4];
    const passed = await proveOnCopy(newDb, [scan], [fastBefore], false, emit, oldDb);
    expect(events.some((m) => /re-timing scan on the old and the new database side by side/.test(m))).toBe(true);
    expect(passed).toHaveLength(1);
    expect(passed[0].verdict.ok).toBe(true);
    // The re-timed "before" replaced the stated one: a real median from the old database.
    expect(passed[0].before!.median_ms!).toBeGreaterThan(fastBefore.median_ms!);
    expect(passed[0].after.rows).toBe(1);
    await expect(proveOnCopy(newDb, [scan], [fastBefore], false, () => undefined, null)).rejects.toMatchObject({ code: 'E_QUERY_REGRESSION' });
  }, 120_000);

  it('a changed result is never re-timed away', async () => {
    const wrongRows: QueryRun = { ...fastBefore, rows: 5 };
    const events: string[] = [];
    await expect(proveOnCopy(newDb, [scan], [wrongRows], false, ((_p: string, m: string) => events.push(m)) as Parameters<typeof proveOnCopy>[4], oldDb)).rejects.toMatchObject({ code: 'E_QUERY_REGRESSION' });
    expect(events.some((m) => /re-timing/.test(m))).toBe(false);
  }, 120_000);
});

/** The pure part of fleet runs: shards, waves, exit codes, merging shard results. */
import fc from 'fast-check';
import { FleetResult, mergeResults, parseShard, parseWaves, renderFleetMarkdown, renderFleetText, shardOf, summarize, TargetResult, worstExit } from '../../src/core/fleet';
import { KuzuMigrateError } from '../../src/core/errors';

const keys = (n: number, prefix = 'tenants/t') => Array.from({ length: n }, (_, i) => `${prefix}${i}.kuzu`);

describe('shards', () => {
  test.each([1, 2, 3, 4, 5, 6, 7, 8])('N = %i: slices are disjoint, cover the fleet, and stay put when targets are added', (n) => {
    const fleet = keys(500);
    const slices = Array.from({ length: n }, (_, i) => fleet.filter((k) => shardOf(k, n) === i + 1));
    expect(slices.reduce((s, x) => s + x.length, 0)).toBe(fleet.length);
    expect(new Set(slices.flat()).size).toBe(fleet.length);
    // Roughly balanced: no shard is empty or holds more than twice its share.
    for (const s of slices) {
      expect(s.length).toBeGreaterThan(0);
      expect(s.length).toBeLessThan((2 * fleet.length) / n + 5);
    }
    const grown = [...fleet, ...keys(200, 'eu/new')];
    for (const k of fleet) expect(shardOf(k, n)).toBe(fleet.filter((x) => x === k).map((x) => shardOf(x, n))[0]);
    expect(grown.filter((k) => fleet.includes(k)).every((k) => slices[shardOf(k, n) - 1].includes(k))).toBe(true);
  });

  test('any key lands in exactly one shard in 1..N (property)', () => {
    fc.assert(fc.property(fc.string(), fc.integer({ min: 1, max: 64 }), (k, n) => {
      const s = shardOf(k, n);
      return Number.isInteger(s) && s >= 1 && s <= n && shardOf(k, n) === s;
    }));
  });

  test.each([
    ['1/1', { index: 1, count: 1 }],
    ['3/8', { index: 3, count: 8 }],
    [' 2 / 4 ', { index: 2, count: 4 }],
  ])('parseShard(%j)', (text, want) => expect(parseShard(text)).toEqual(want));

  test.each(['0/4', '5/4', '1/0', '2', 'a/b', '1/2/3', '-1/4'])('parseShard(%j) is a usage error', (text) => {
    const err = (() => {
      try {
        parseShard(text);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(KuzuMigrateError);
    expect((err as KuzuMigrateError).exitCode).toBe(64);
  });
});

describe('waves', () => {
  test.each([
    ['1,10%,100%', 50, [1, 5, 50]],
    ['1,10%,100%', 5, [1, 5]],
    ['1,10%', 50, [1, 5, 50]],
    ['100%', 7, [7]],
    ['2,2,50%', 10, [2, 5, 10]],
    ['1', 1, [1]],
    ['25%,50%,75%,100%', 4, [1, 2, 3, 4]],
    ['10', 3, [3]],
  ])('parseWaves(%j, %i) = %j', (text, total, want) => expect(parseWaves(text, total)).toEqual(want));

  test.each(['', '0', '50%,10%', '150%', 'x', '1.5', '5,2'])('parseWaves(%j) is a usage error', (text) => {
    expect(() => parseWaves(text, 10)).toThrow(KuzuMigrateError);
  });

  test('waves always end at the whole fleet, increasing (property)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 300 }), (pcts, total) => {
      const text = [...pcts].sort((a, b) => a - b).map((p) => `${p}%`).join(',');
      const ends = parseWaves(text, total);
      return ends[ends.length - 1] === total && ends.every((e, i) => i === 0 || e > ends[i - 1]) && ends[0] >= 1;
    }));
  });
});

const result = (over: Partial<TargetResult>): TargetResult => ({ target: 't', path: '/t', status: 'applied', wave: null, exit_code: 0, version_before: 'v1.0.0', version_after: 'v1.1.0', changes: 1, duration_ms: 10, backup_id: 'b1', error: null, ...over });

describe('exit codes and summaries', () => {
  test.each([
    [[], 0],
    [[0, 0], 0],
    [[0, 2], 2],
    [[2, 3], 3],
    [[3, 4], 4],
    [[4, 1], 1],
    [[1, 2, 0], 1],
    [[65, 2], 65],
  ])('worstExit(%j) = %i', (codes, want) => expect(worstExit(codes)).toBe(want));

  test('summarize counts statuses and takes the worst exit', () => {
    const s = summarize([result({}), result({ status: 'failed', exit_code: 1 }), result({ status: 'skipped' })]);
    expect(s).toEqual({ total: 3, by_status: { applied: 1, failed: 1, skipped: 1 }, exit_code: 1 });
  });
});

describe('fleet report', () => {
  const doc = (started: string, targets: TargetResult[], shard: string | null = null): FleetResult => ({
    fleet_format: 1, command: 'apply', version: 'v1.1.0', environment: 'prod', shard, started_at: started, duration_ms: 1000, targets, summary: summarize(targets),
  });

  test('merges shards into one summary with the worst exit code', () => {
    const a = doc('2026-01-01T00:00:00.000Z', [result({ target: 'a' }), result({ target: 'c', status: 'failed', exit_code: 1, error: { code: 'E_CAST', message: 'x' } })], '1/2');
    const b = doc('2026-01-01T00:00:00.500Z', [result({ target: 'b', status: 'unchanged' })], '2/2');
    const m = mergeResults([a, b]);
    expect(m.targets.map((t) => t.target)).toEqual(['a', 'b', 'c']);
    expect(m.summary).toEqual({ total: 3, by_status: { applied: 1, unchanged: 1, failed: 1 }, exit_code: 1 });
    expect(m.shard).toBeNull();
    expect(m.duration_ms).toBe(1500);
  });

  test('a re-run wins over the earlier run for the same target; a skip never hides a result', () => {
    const first = doc('2026-01-01T00:00:00.000Z', [result({ target: 'a', status: 'failed', exit_code: 1 }), result({ target: 'b' })]);
    const rerun = doc('2026-01-01T01:00:00.000Z', [result({ target: 'a', status: 'applied' }), result({ target: 'b', status: 'skipped' })]);
    const m = mergeResults([rerun, first]);
    expect(m.targets.map((t) => [t.target, t.status])).toEqual([['a', 'applied'], ['b', 'applied']]);
    expect(m.summary.exit_code).toBe(0);
  });

  test('refuses results of different rollouts', () => {
    const a = doc('2026-01-01T00:00:00.000Z', []);
    expect(() => mergeResults([a, { ...a, version: 'v2.0.0' }])).toThrow(/disagree on version/);
    expect(() => mergeResults([])).toThrow(KuzuMigrateError);
  });

  test('text and Markdown name every target, its status, versions and error', () => {
    const r = doc('2026-01-01T00:00:00.000Z', [result({ target: 'tenants/a.kuzu' }), result({ target: 'tenants/b|c.kuzu', status: 'failed', exit_code: 1, error: { code: 'E_CAST', message: '3 values of T.p cannot be cast' } })]);
    const text = renderFleetText(r);
    expect(text).toMatch(/^tenants\/a\.kuzu +applied +v1\.0\.0 → v1\.1\.0 +10 ms  backup b1$/m);
    expect(text).toContain('E_CAST: 3 values of T.p cannot be cast');
    expect(text).toMatch(/apply --all: 2 targets, 1 failed, 1 applied .*\(exit 1\)/);
    const md = renderFleetMarkdown(r);
    expect(md.indexOf('b\\|c.kuzu')).toBeLessThan(md.indexOf('tenants/a.kuzu')); // failures first
    expect(md).toContain('| `tenants/a.kuzu` | applied | v1.0.0 → v1.1.0 |');
  });
});

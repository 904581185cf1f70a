/**
 * Export → import round trips on real Kuzu databases: the tinysnb dataset and a table holding the
 * edge values of Kuzu's fidelity table (kuzu-notes §3), in both formats, must come back with
 * identical content fingerprints.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { canonicalSchema } from '../../src/core/model';
import { withEngine } from '../../src/kuzu/engine';
import { fingerprintContent as fingerprintDatabase } from '../../src/snapshot/fingerprint';
import { introspect } from '../../src/kuzu/introspect';
import { exportSnapshot } from '../../src/snapshot/export';
import { importSnapshot } from '../../src/snapshot/import';
import { readManifest } from '../../src/snapshot/files';
import { loadDataset, makeDatabase, snapshotTestConfig, tempDir } from '../helpers/db';
import { loadEdgeValues } from '../helpers/edge-values';


async function snapshotState(dbPath: string) {
  return withEngine(dbPath, { readOnly: true }, async (e) => {
    const live = await introspect(e);
    return { schema: live.schema, fingerprints: await fingerprintDatabase(e, live.schema) };
  });
}

describe('snapshot round trip', () => {
  const dir = tempDir('km-roundtrip-');
  const source = path.join(dir, 'source.kuzu');
  beforeAll(async () => {
    await makeDatabase(source, async (e) => {
      await loadDataset(e, 'tinysnb');
      await loadEdgeValues(e);
    });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('INT128 minimum: refused naming table, property and reason; nothing left behind', async () => {
    const db = path.join(dir, 'min.kuzu');
    await makeDatabase(db, async (e) => {
      await e.query('CREATE NODE TABLE M(id INT64, big INT128, PRIMARY KEY(id))');
      await e.query(`CREATE (:M {id: 1, big: CAST('-170141183460469231731687303715884105728' AS INT128)})`);
    });
    const config = snapshotTestConfig(path.join(dir, 'min'), db);
    await expect(exportSnapshot(config, { version: 'v1.0.0' })).rejects.toThrow(/cannot export M\.big \(row with key \d+\): 1 row holds INT128's minimum/);
    expect(fs.readdirSync(config.migrations)).toEqual([]);
  });

  for (const format of ['csv', 'parquet'] as const) {
    test(`${format}: identical content fingerprints after export and import`, async () => {
      const version = format === 'csv' ? 'v1.0.0' : 'v1.1.0';
      const config = snapshotTestConfig(dir, source);
      const res = await exportSnapshot(config, { version, format });
      expect(res.rows).toBeGreaterThan(0);
      const manifest = readManifest(res.path);
      expect(manifest.format).toBe(format);
      const target = path.join(dir, `target-${format}.kuzu`);
      const imp = await importSnapshot(config, { version, database: target });
      expect(imp.verified).toBe(true);
      const [a, b] = [await snapshotState(source), await snapshotState(target)];
      expect(b.fingerprints).toEqual(a.fingerprints);
      expect(canonicalSchema(b.schema)).toEqual(canonicalSchema(a.schema));
      // The SERIAL sequence continues where the source's did (ids 0..2 used → next is 3).
      await withEngine(target, {}, async (e) => {
        await e.query(`CREATE (:Ser {name: 'd'})`);
        expect(Number(await e.scalar(`MATCH (s:Ser {name: 'd'}) RETURN s.id`))).toBe(3);
      });
      // export now reads every file back before it succeeds (≈ 1× the write time in CSV).
    }, 300_000);
  }
});

/**
 * Nested values written before format 2 stay importable: test/fixtures/snapshot-format1-nested
 * holds two snapshots that kuzu-migrate wrote at commit 6d5b601 (manifest format_version 1,
 * nested values in the `encoded` encoding, per-column fingerprints) from the database its
 * generate.cypher builds — 5,000 nodes and 4,500 rels with a list of structs holding a list, a map of
 * lists, a union, INTERVAL, DECIMAL, DOUBLE and strings holding quotes, brackets, `%22` and line
 * breaks, NULLs at several levels. v1.0.0 is Parquet; v1.0.1 is CSV without the list of structs
 * (6d5b601 refused to export that column in CSV: Kuzu's COPY TO CSV paired its values with other
 * rows, which the export's proof caught). Each is imported by today's code (which verifies it
 * against the manifest) and judged in Kuzu against a fresh build of the same database
 * (test/helpers/canonical.ts). test/e2e/snapshot-format.test.ts covers a format-1 snapshot of
 * plain columns through the CLI (verify, diff).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withEngine } from '../../src/kuzu/engine';
import { importSnapshot } from '../../src/snapshot/import';
import { readManifest } from '../../src/snapshot/files';
import { dumpDatabase, withoutColumn } from '../helpers/canonical';
import { REPO_ROOT, snapshotTestConfig, tempDir } from '../helpers/db';

const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'snapshot-format1-nested');

describe('format-1 snapshots import unchanged', () => {
  const dir = tempDir('km-format1-');
  const expected = path.join(dir, 'expected.kuzu');
  let want: Awaited<ReturnType<typeof dumpDatabase>>;
  beforeAll(async () => {
    fs.cpSync(path.join(FIXTURE, 'migrations'), path.join(dir, 'migrations'), { recursive: true });
    const statements = fs
      .readFileSync(path.join(FIXTURE, 'generate.cypher'), 'utf8')
      .split(';\n')
      .map((s) => s.trim())
      .filter(Boolean);
    await withEngine(expected, {}, async (e) => {
      for (const s of statements) await e.query(s);
    });
    want = await dumpDatabase(expected);
    expect(want.content['Item']).toHaveLength(5000);
    expect(want.content['Link']).toHaveLength(4500);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test.each([
    ['v1.0.0', 'parquet'],
    ['v1.0.1', 'csv'],
  ])('%s (%s)', async (version, format) => {
    const manifest = readManifest(path.join(dir, 'migrations', version));
    expect(manifest.format_version).toBe(1);
    expect(manifest.format).toBe(format);
    expect(manifest.tables.flatMap((t) => t.files.flatMap((f) => f.columns.map((c) => c.encoding)))).toContain('encoded');
    const target = path.join(dir, `${version}.kuzu`);
    const res = await importSnapshot(snapshotTestConfig(dir, target), { version, database: target });
    expect(res.rows).toBe(9500);
    const got = await dumpDatabase(target);
    const expected = format === 'csv' ? withoutColumn(want, 'Item', 's') : want;
    expect(got.content).toEqual(expected.content);
    expect(got.catalog.columns).toEqual(expected.catalog.columns);
  });
});

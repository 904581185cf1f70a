/**
 * What a database holds, summed up so that recovery can decide by CONTENT whether a file is the
 * one an apply built: the row count of every user table, and for the tables the apply rebuilt
 * (the ones whose data it wrote) the full content fingerprint (kuzu/fingerprint.ts: per property
 * the sum of hash({key, value}), computed inside the engine).
 */
import { sameName } from '../core/model';
import { quoteIdent } from '../core/identifiers';
import { withEngine } from '../kuzu/engine';
import { compareFingerprints, fingerprintTable, TableFingerprint } from '../kuzu/fingerprint';
import { introspect } from '../kuzu/introspect';

/** Tables in byte order of name; rebuilt ones carry `properties`, the others `{}` (count only). */
export type ContentDigest = TableFingerprint[];

/**
 * Digest of the database file at `dbPath`, opened read-only. `full`: names of the tables to
 * fingerprint completely (case-insensitive); every other user table is counted. Cost: one scan
 * of each `full` table, a count of the others. Throws the engine's error when the file cannot
 * be opened (callers treat that as "not the expected content").
 */
export async function digestDatabase(dbPath: string, full: string[]): Promise<ContentDigest> {
  return withEngine(dbPath, { readOnly: true }, async (engine) => {
    const schema = (await introspect(engine)).schema;
    const out: ContentDigest = [];
    const tables = [...schema.nodes, ...schema.rels].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    for (const t of tables) {
      if (full.some((n) => sameName(n, t.name))) {
        out.push(await fingerprintTable(engine, t, schema));
        continue;
      }
      const match = t.kind === 'node' ? `MATCH (n:${quoteIdent(t.name)})` : `MATCH ()-[n:${quoteIdent(t.name)}]->()`;
      out.push({ table: t.name, kind: t.kind, rows: Number(await engine.scalar(`${match} RETURN count(*)`)), properties: {} });
    }
    return out;
  });
}

/** Differences between an expected digest and a file's, as lines; empty when the file is it. */
export function compareDigests(expected: ContentDigest, actual: ContentDigest): string[] {
  return compareFingerprints(expected, actual);
}

/**
 * What a database holds, summed up so that recovery can decide by CONTENT whether a file is the
 * one an apply built: the row count of every user table, and for the tables the apply rebuilt
 * (the ones whose data it wrote) the full content fingerprint (kuzu/fingerprint.ts: per property
 * the sum of hash({key, value}), computed inside the engine).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sameName, Schema, schemaFingerprint } from '../core/model';
import { writeFileAtomic } from './private';
import { quoteIdent } from '../core/identifiers';
import { KuzuEngine, withEngine } from '../kuzu/engine';
import { compareFingerprints, fingerprintTable, ROW_COLUMN, rowFingerprintTable, TableFingerprint } from '../kuzu/fingerprint';
import { introspect } from '../kuzu/introspect';

/**
 * `schema`: the schema fingerprint (core/model.ts schemaFingerprint) — a schema-only change has
 * equal content, so content alone cannot tell old from new. `tables`: in byte order of name;
 * rebuilt ones carry `properties`, the others `{}` (count only).
 */
export interface ContentDigest {
  schema: string;
  tables: TableFingerprint[];
}

/** How a digest fingerprints the tables it fingerprints fully. */
export interface DigestOptions {
  /**
   * `row` (default): one whole-row fingerprint per table (kuzu/fingerprint.ts rowFingerprintTable,
   * under ROW_COLUMN); `columns`: one per property (fingerprintTable), the form journals and
   * receipts written before 2026-11-30 hold — digestStyle(expected) says which to compare with.
   */
  style?: 'row' | 'columns';
  /**
   * Row-style fingerprints already computed for some of the `full` tables (apply computes them
   * while verifying the rebuild, in the same transaction), used instead of another scan.
   */
  known?: TableFingerprint[];
}

/**
 * Digest of the database file at `dbPath`, opened read-only. `full`: names of the tables to
 * fingerprint completely (case-insensitive); every other user table is counted. Cost: one scan
 * of each `full` table (none for a `known` one), a count of the others. Throws the engine's error
 * when the file cannot be opened (callers treat that as "not the expected content").
 */
export async function digestDatabase(dbPath: string, full: string[], options: DigestOptions = {}): Promise<ContentDigest> {
  return withEngine(dbPath, { readOnly: true }, (engine) => digestWith(engine, full, options));
}

/** The style an expected digest was written in: `columns` when a fully fingerprinted table holds per-property entries. */
export function digestStyle(expected: ContentDigest): 'row' | 'columns' {
  return expected.tables.some((t) => Object.keys(t.properties).some((k) => k !== ROW_COLUMN)) ? 'columns' : 'row';
}

/** digestDatabase on an open engine; `schema`: its introspected schema when the caller has it. */
export async function digestWith(engine: KuzuEngine, full: string[], options: DigestOptions = {}, schema?: Schema): Promise<ContentDigest> {
  const live = schema ?? (await introspect(engine)).schema;
  const out: TableFingerprint[] = [];
  const tables = [...live.nodes, ...live.rels].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  for (const t of tables) {
    if (full.some((n) => sameName(n, t.name))) {
      const known = options.style === 'columns' ? undefined : options.known?.find((k) => k.table === t.name);
      out.push(known ?? (options.style === 'columns' ? await fingerprintTable(engine, t, live) : await rowFingerprintTable(engine, t, live)));
      continue;
    }
    const match = t.kind === 'node' ? `MATCH (n:${quoteIdent(t.name)})` : `MATCH ()-[n:${quoteIdent(t.name)}]->()`;
    out.push({ table: t.name, kind: t.kind, rows: Number(await engine.scalar(`${match} RETURN count(*)`)), properties: {} });
  }
  return { schema: schemaFingerprint(live), tables: out };
}

/** Differences between an expected digest and a file's, as lines; empty when the file is it. */
export function compareDigests(expected: ContentDigest, actual: ContentDigest): string[] {
  const schema = expected.schema === actual.schema ? [] : [`schema ${actual.schema.slice(0, 19)}…, expected ${expected.schema.slice(0, 19)}…`];
  return [...schema, ...compareFingerprints(expected.tables, actual.tables)];
}

/**
 * The receipt of the last apply that replaced the file: what it recorded before the swap, and
 * the file's size and mtime just after, so `verify` can compare content against it while the
 * file is unchanged since (right after an apply or a recovery), and says it cannot otherwise.
 */
export interface Receipt {
  apply_id: string;
  version: string;
  rebuilt_tables: string[];
  expected: ContentDigest;
  file_size: number;
  file_mtime_ms: number;
}

/**
 * Where the receipt of an apply is kept: inside the folder of the backup that apply took (the
 * history row names it), so nothing is added beside the database; an apply that created the
 * database has no backup and no receipt.
 */
export function receiptPath(backupsDir: string, backupId: string): string {
  return path.join(backupsDir, backupId, 'after.json');
}

/** Writes the receipt of `apply_id` for the file now at `dbPath` (atomically, the backup's mode). */
export function writeReceipt(dbPath: string, backupsDir: string, backupId: string, r: Omit<Receipt, 'file_size' | 'file_mtime_ms'>): void {
  const st = fs.statSync(dbPath);
  writeFileAtomic(receiptPath(backupsDir, backupId), JSON.stringify({ ...r, file_size: st.size, file_mtime_ms: st.mtimeMs }, null, 2) + '\n', st.mode & 0o666);
}

/** The receipt of apply `applyId`, when there is one and the file is unchanged since it was written; else null. */
export function currentReceipt(dbPath: string, backupsDir: string, backupId: string, applyId: string): Receipt | null {
  try {
    const r = JSON.parse(fs.readFileSync(receiptPath(backupsDir, backupId), 'utf8')) as Receipt;
    const st = fs.statSync(dbPath);
    return r.apply_id === applyId && st.size === r.file_size && st.mtimeMs === r.file_mtime_ms ? r : null;
  } catch {
    return null;
  }
}

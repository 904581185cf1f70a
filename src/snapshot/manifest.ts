/**
 * manifest.json of a snapshot (schemas/manifest.schema.json): what was exported, by which tool
 * and Kuzu release, how each column was written, and what the data must look like after an
 * import (row counts, content fingerprints), plus a sha256 of every file so a damaged or edited
 * snapshot is refused before anything is loaded. Pure.
 *
 * The schema is stored here as JSON as well as in schema.cypher: `diff` and `list` read it without
 * starting Kuzu, and it carries what Cypher DDL cannot be read back from without a database
 * (multiplicity is visible in Kuzu only through EXPORT). schema.cypher is what import runs, and its
 * checksum ties the two together.
 */
import { Schema } from '../core/model';
import { TableFingerprint } from '../kuzu/fingerprint';
import { ColumnEncoding, SnapshotFormat } from './codec';
import type { EngineKind } from '../engines/releases';

export const MANIFEST_FILE = 'manifest.json';
export const SCHEMA_FILE = 'schema.cypher';
export const COPY_FILE = 'copy.cypher';
export const CHANGELOG_FILE = 'CHANGELOG.md';
/**
 * 2: one whole-row content fingerprint per table (snapshot/content.ts), and nested values in the
 * `quoted` encoding (codec.ts). 1: one fingerprint per property and the `encoded` nested
 * encoding; still read (imported, verified, diffed) and compared per property as written.
 */
export const MANIFEST_FORMAT_VERSION = 2;
/** Every format_version this release reads. */
export const READABLE_MANIFEST_VERSIONS: readonly number[] = [1, 2];

/** One column of a data file. */
export interface ManifestColumn {
  /** Column name in the file: the property name, or `_km_from` / `_km_to` for rel endpoints. */
  name: string;
  /** The property's (or endpoint key's) Kuzu type. */
  type: string;
  /**
   * `native`: written as Kuzu writes it; `quoted`: kuzu-migrate's exact string encoding (format 2);
   * `encoded`: its format-1 predecessor (read only); `list_text`: a one-level list of integers or
   * DATE as its own text (CSV; codec.ts).
   */
  encoding: ColumnEncoding;
}

/** One data file: all rows of a node table, or the rows of one FROM→TO pair of a rel table. */
export interface ManifestDataFile {
  path: string;
  rows: number;
  /** For rel tables: the pair this file holds. */
  from?: string;
  to?: string;
  columns: ManifestColumn[];
}

export interface ManifestTable {
  table: string;
  kind: 'node' | 'rel';
  rows: number;
  /**
   * Content fingerprint computed inside Kuzu; import must reproduce it. Format 2: whole-row
   * (`properties` holds only `_row`: the sum over rows of hash({keys, every property}),
   * kuzu/fingerprint.ts rowFingerprintTable); format 1: per property (`_keys` and one entry per
   * property, fingerprintTable). snapshot/content.ts compares either.
   */
  fingerprint: TableFingerprint;
  files: ManifestDataFile[];
}

export interface ManifestSequence {
  /** e.g. `User_id_serial`. */
  name: string;
  table: string;
  property: string;
  /** currval at export, as a decimal string; null when the sequence was never used. */
  current: string | null;
}

export interface ManifestFile {
  /** Relative to the version folder, `/`-separated. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  format_version: number;
  tool: { name: 'kuzu-migrate'; version: string };
  /** Release of the engine that wrote the snapshot (LadybugDB's too: the name is historical). */
  kuzu_version: string;
  /** `kuzu` or `ladybug`; absent in manifests written before it existed (kuzu). */
  engine?: EngineKind;
  storage_version: number;
  version: string;
  created_at: string;
  /** `csv` / `parquet`; for --raw, Kuzu's own EXPORT DATABASE in that format. */
  format: SnapshotFormat;
  raw: boolean;
  schema_only: boolean;
  /** Database the snapshot was taken from (absolute path). */
  database: string;
  /** schemaFingerprint of the YAML's declared schema at export time. */
  declared_fingerprint: string;
  /** schemaFingerprint of the live schema that was exported. */
  live_fingerprint: string;
  schema: Schema;
  /** The declared schema (with renamed_from/using hints), present when it equals the exported one. */
  declared_schema?: Schema;
  sequences: ManifestSequence[];
  tables: ManifestTable[];
  /** Every file of the snapshot except manifest.json and CHANGELOG.md (which stays editable). */
  files: ManifestFile[];
  total_rows: number;
  /** What each column `encoding` means, in words (also in the snapshot's README.md); absent in older manifests and --raw. */
  column_encodings?: { native: string; quoted?: string; encoded?: string; list_text?: string };
}

/**
 * A table name as one file-name component: letters, digits and `_` as they are, every other
 * character (space, `.`, `/`, `-`, `%`, non-ASCII) as `%XX` of its UTF-8 bytes. Names Kuzu takes in
 * back-quotes (`ALL CUSTODIANS`, `a.b`, `a/b`) so never leave their folder or meet the `-`
 * separator below, and the plain names of earlier snapshots keep their file names.
 */
export function fileComponent(name: string): string {
  return Array.from(Buffer.from(name, 'utf8'))
    .map((b) => (/[A-Za-z0-9_]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : '%' + b.toString(16).toUpperCase().padStart(2, '0')))
    .join('');
}

/** `nodes/<Table>.<fmt>`; table names are unique (case-insensitively) in Kuzu, so is this. */
export function nodeFilePath(table: string, format: SnapshotFormat): string {
  return `nodes/${fileComponent(table)}.${format}`;
}

/**
 * `rels/<Rel>/<From>-<To>.<fmt>`: one folder per rel table and `-`, which no encoded name contains,
 * between the endpoints, so no two pairs of any two rel tables share a file (Kuzu's own EXPORT
 * writes `<Rel>_<From>_<To>`, where rel `A_B` (C→D) and rel `A` (B_C→D) collide).
 */
export function relFilePath(rel: string, from: string, to: string, format: SnapshotFormat): string {
  return `rels/${fileComponent(rel)}/${fileComponent(from)}-${fileComponent(to)}.${format}`;
}

/** Light structural check of a parsed manifest (the JSON schema is the full contract). */
export function manifestProblem(m: unknown): string | null {
  if (!m || typeof m !== 'object') return 'not a JSON object';
  const x = m as Partial<Manifest>;
  if (typeof x.format_version !== 'number' || !READABLE_MANIFEST_VERSIONS.includes(x.format_version)) return `format_version ${String(x.format_version)} is not one of ${READABLE_MANIFEST_VERSIONS.join(', ')}`;
  if (!Array.isArray(x.files)) return 'files is missing';
  if (!Array.isArray(x.tables)) return 'tables is missing';
  if (!x.schema || !Array.isArray(x.schema.nodes)) return 'schema is missing';
  for (const f of x.files) {
    if (typeof f.path !== 'string' || f.path.startsWith('/') || f.path.split('/').includes('..')) return `file path ${JSON.stringify(f.path)} leaves the version folder`;
  }
  return null;
}

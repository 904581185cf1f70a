/**
 * The engine releases kuzu-migrate can read and write, and what identifies their databases on
 * disk. Pure data and lookups: no file, process or network access.
 *
 * Every number here was measured on Debian 12 / Node 20 by opening a database with the npm
 * release itself (`Database.getStorageVersion()`, then the first bytes of the files it wrote):
 *   kuzu 0.9.0   storage 37  a folder; `catalog.kz` starts with `KUZU` + u64 version
 *   kuzu 0.10.x  storage 38  a folder, same layout
 *   kuzu 0.11.x  storage 39  one file starting with `KUZU` + u64 version (+ `.wal`, `.shadow`)
 *   @ladybugdb/core 0.19.1  storage 43  one file starting with `LBUG` + u64 version
 * Storage versions must match exactly: a database opens only in a release with its number.
 */

import type { EngineKind, PlanningCapabilities } from '../core/engine';

export type { EngineKind };
export type DatabaseLayout = 'file' | 'folder';

/**
 * What differs between releases, as flags the shared code reads (kysely's
 * `supportsTransactionalDdl`): code never checks an engine's name or version to decide. Each flag
 * was measured on the release.
 */
export interface EngineCapabilities extends PlanningCapabilities {
  /** `EXPORT DATABASE … (schema_only = true)` is accepted (not by Kuzu 0.9 / 0.10). */
  exportSchemaOnly: boolean;
  /** `to_json()` is built in (Kuzu 0.9 / 0.10 and LadybugDB 0.19.1 need the JSON extension, downloaded from the network). */
  builtinToJson: boolean;
  /** The local database's name in show_tables' `database name`: `local(kuzu)` on Kuzu, `main(<name>)` on LadybugDB. */
  localDatabaseName: 'local' | 'main';
  /**
   * FTS and vector indexes work without downloading anything: Kuzu 0.11.3 links both extensions
   * statically; Kuzu 0.9, 0.10, 0.11.1, 0.11.2 and LadybugDB 0.19.1 have them only as extensions
   * that `INSTALL FTS` downloads ("function CREATE_FTS_INDEX is not defined ... INSTALL FTS; LOAD
   * EXTENSION FTS", measured for each), which kuzu-migrate does not do behind the user's back.
   */
  builtinIndexes: boolean;
  /**
   * A table holding the nil UUID can be checkpointed. Kuzu 0.11.3 cannot ("INT128 is out of range:
   * cannot negate INT128_MIN", kuzu-notes §10), so its snapshots refuse the value; LadybugDB
   * 0.19.1 can (`CREATE (:U {u: UUID('00000000-…')}); CHECKPOINT` then reopen: the row is there,
   * measured 2026-11-30), so its snapshots carry it.
   */
  checkpointsNilUuid: boolean;
}

export interface EngineRelease {
  /** How the user names it: `kuzu@0.10.1`, `ladybug@0.19.1`. */
  id: string;
  engine: EngineKind;
  /** npm package and exact version. */
  package: string;
  version: string;
  /** npm alias and cache folder name (`kuzu-0.10.1`): several releases of one package side by side. */
  alias: string;
  /** First four bytes of the database file (of `catalog.kz` for a folder). */
  magic: 'KUZU' | 'LBUG';
  storageVersion: number;
  layout: DatabaseLayout;
  /** The release kuzu-migrate itself depends on (`kuzu` in package.json): nothing to install. */
  bundled: boolean;
  /** Unpacked npm size, for the install prompt. */
  approxBytes: number;
  capabilities: EngineCapabilities;
}

/** The engine family's name, for messages. */
export const ENGINE_NAME: Readonly<Record<EngineKind, string>> = { kuzu: 'Kuzu', ladybug: 'LadybugDB' };

const MB = 1024 * 1024;

function kuzu(version: string, storageVersion: number, layout: DatabaseLayout, bundled = false): EngineRelease {
  return {
    id: `kuzu@${version}`,
    engine: 'kuzu',
    package: 'kuzu',
    version,
    alias: `kuzu-${version}`,
    magic: 'KUZU',
    storageVersion,
    layout,
    bundled,
    approxBytes: 520 * MB,
    capabilities: { exportSchemaOnly: storageVersion >= 39, builtinToJson: storageVersion >= 39, localDatabaseName: 'local', durableCommittedCopy: true, builtinIndexes: version === '0.11.3', checkpointsNilUuid: false },
  };
}

/** Known releases. The first one listed for a storage version is the one used to read it. */
export const RELEASES: readonly EngineRelease[] = [
  kuzu('0.11.3', 39, 'file', true),
  kuzu('0.11.2', 39, 'file'),
  kuzu('0.11.1', 39, 'file'),
  kuzu('0.10.1', 38, 'folder'),
  kuzu('0.10.0', 38, 'folder'),
  kuzu('0.9.0', 37, 'folder'),
  {
    id: 'ladybug@0.19.1',
    engine: 'ladybug',
    package: '@ladybugdb/core',
    version: '0.19.1',
    alias: 'ladybug-0.19.1',
    magic: 'LBUG',
    storageVersion: 43,
    layout: 'file',
    bundled: false,
    approxBytes: 75 * MB,
    // COPY durable only at the next checkpoint: the default rewrite is the export strategy (core/plan.ts).
    capabilities: { exportSchemaOnly: true, builtinToJson: false, localDatabaseName: 'main', durableCommittedCopy: false, builtinIndexes: false, checkpointsNilUuid: true },
  },
];

/** Storage versions Kuzu used that no installable npm release reads (kuzu-notes §6). */
export const UNSUPPORTED_STORAGE_VERSIONS: Readonly<Record<number, string>> = {
  35: 'Kuzu 0.7.x',
  36: 'Kuzu 0.8.x',
};

/** The default target of `upgrade`: the release kuzu-migrate runs on. */
export const DEFAULT_TARGET = 'kuzu@0.11.3';

/** The release that reads databases of `magic` + `storageVersion`, or undefined. */
export function releaseForStorage(magic: string, storageVersion: number): EngineRelease | undefined {
  return RELEASES.find((r) => r.magic === magic && r.storageVersion === storageVersion);
}

/**
 * Resolves what the user typed: `kuzu@0.10.1`, `kuzu-0.10.1`, `0.10.1` (a Kuzu version), `kuzu`
 * (the bundled release), `ladybug` / `lbug` / `ladybugdb` / `@ladybugdb/core` (the newest known
 * LadybugDB), or `ladybug@0.19.1`. Undefined when unknown.
 */
export function findRelease(name: string): EngineRelease | undefined {
  const n = name.trim().toLowerCase().replace(/^@ladybugdb\/core/, 'ladybug').replace(/^(lbug|ladybugdb)/, 'ladybug');
  if (n === 'kuzu') return RELEASES.find((r) => r.bundled);
  if (n === 'ladybug') return RELEASES.find((r) => r.engine === 'ladybug');
  const m = /^(kuzu|ladybug)?[@-]?v?(\d+\.\d+\.\d+)$/.exec(n);
  if (!m) return undefined;
  const engine = (m[1] ?? 'kuzu') as EngineKind;
  return RELEASES.find((r) => r.engine === engine && r.version === m[2]);
}

export function knownReleaseNames(): string[] {
  return RELEASES.map((r) => r.id);
}

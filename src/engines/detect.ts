/**
 * Which engine and release wrote a database, from its bytes alone (no engine is loaded, nothing
 * is opened): a Kuzu 0.11 / LadybugDB database is one file starting with a 4-byte magic and a
 * little-endian u64 storage version; Kuzu 0.9 / 0.10 databases are folders whose `catalog.kz`
 * starts the same way. `doctor` and `plan` can call detectEngine() to say "run upgrade" instead of
 * failing on Kuzu's "different storage version" message.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RefusedError, RuntimeError } from '../core/errors';
import { DatabaseLayout, ENGINE_NAME, EngineKind, EngineRelease, releaseForStorage, RELEASES, UNSUPPORTED_STORAGE_VERSIONS } from './releases';

export interface DetectedEngine {
  /** `kuzu`, `ladybug`, or null when the bytes are not a database we know. */
  engine: EngineKind | null;
  /** First four bytes, as text (`KUZU`, `LBUG`, or whatever was found). */
  magic: string | null;
  storage_version: number | null;
  layout: DatabaseLayout | null;
  /** The known release that reads this database (e.g. `kuzu@0.10.1`), or null. */
  release: string | null;
  /** True when the target engine (the configured one plan/apply use; default the bundled Kuzu) cannot open it: run `upgrade`. */
  needs_upgrade: boolean;
  /** False when the path does not exist (nothing to detect: a new database). */
  exists: boolean;
  /** A sentence for humans: what was found and what to do. */
  detail: string;
}

const HEADER = 12;

function readHeader(file: string): Buffer | null {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(HEADER);
    const n = fs.readSync(fd, buf, 0, HEADER, 0);
    return n < HEADER ? null : buf;
  } finally {
    fs.closeSync(fd);
  }
}

function describe(magic: string, version: number): string {
  const known = RELEASES.filter((r) => r.magic === magic && r.storageVersion === version).map((r) => r.id);
  if (known.length) return `storage version ${version} (${known.join(', ')})`;
  if (magic === 'KUZU' && UNSUPPORTED_STORAGE_VERSIONS[version]) return `storage version ${version} (${UNSUPPORTED_STORAGE_VERSIONS[version]}, which has no installable npm release)`;
  return `storage version ${version}`;
}

/**
 * `target` is the release that is to open the database (the configured engine; default the bundled
 * Kuzu): `needs_upgrade` and `detail` are relative to it.
 */
export function detectEngine(dbPath: string, target: EngineRelease = RELEASES.find((r) => r.bundled)!): DetectedEngine {
  const name = ENGINE_NAME[target.engine];
  const base = { engine: null, magic: null, storage_version: null, layout: null, release: null, needs_upgrade: false } as const;
  if (!fs.existsSync(dbPath)) return { ...base, exists: false, detail: `${dbPath} does not exist` };
  const isFolder = fs.statSync(dbPath).isDirectory();
  const headerFile = isFolder ? path.join(dbPath, 'catalog.kz') : dbPath;
  if (isFolder && !fs.existsSync(headerFile)) {
    return { ...base, layout: 'folder', exists: true, needs_upgrade: true, detail: `${dbPath} is a folder without catalog.kz: not a Kuzu database kuzu-migrate knows` };
  }
  const header = readHeader(headerFile);
  if (!header) {
    return { ...base, layout: isFolder ? 'folder' : 'file', exists: true, detail: `${headerFile} is shorter than a database header (empty or new)` };
  }
  const magic = header.subarray(0, 4).toString('latin1');
  const version = Number(header.readBigUInt64LE(4));
  const layout: DatabaseLayout = isFolder ? 'folder' : 'file';
  const engine: EngineKind | null = magic === 'KUZU' ? 'kuzu' : magic === 'LBUG' ? 'ladybug' : null;
  if (!engine) {
    return { ...base, magic: JSON.stringify(magic).slice(1, -1), layout, exists: true, needs_upgrade: false, detail: `${headerFile} starts with ${JSON.stringify(magic)}: neither KUZU nor LBUG, not a database kuzu-migrate knows` };
  }
  const release = releaseForStorage(magic, version);
  const same = engine === target.engine && version === target.storageVersion;
  return {
    engine,
    magic,
    storage_version: version,
    layout,
    release: release ? release.id : null,
    needs_upgrade: !same,
    exists: true,
    detail: same
      ? `${engine} ${describe(magic, version)}: the installed ${name} ${target.version} opens it`
      : release
        ? `${engine} ${describe(magic, version)}, ${layout}: the installed ${name} ${target.version} cannot open it; run \`kuzu-migrate upgrade\``
        : `${engine} ${describe(magic, version)}: no release kuzu-migrate knows reads it`,
  };
}

/** The release that must read the database at `dbPath`; refuses (exit 3) naming what was found. */
export function sourceRelease(dbPath: string, detected = detectEngine(dbPath)): EngineRelease {
  if (!detected.exists) throw new RuntimeError(`database ${dbPath} does not exist`, 'E_NO_DATABASE');
  if (detected.engine === null || detected.storage_version === null) {
    throw new RefusedError(`cannot upgrade ${dbPath}: ${detected.detail}`, 'E_UNKNOWN_ENGINE', ['pass --from <release> if you know which release wrote it']);
  }
  const r = releaseForStorage(detected.magic!, detected.storage_version);
  if (!r) {
    throw new RefusedError(
      `cannot upgrade ${dbPath}: it is a ${ENGINE_NAME[detected.engine]} database with ${describe(detected.magic!, detected.storage_version)}, which no release kuzu-migrate knows reads (known: ${RELEASES.map((x) => `${x.id} = ${x.storageVersion}`).join(', ')})`,
      'E_UNKNOWN_STORAGE_VERSION',
      ['export it with the release that wrote it (EXPORT DATABASE) and import that into a new database'],
    );
  }
  return r;
}

/**
 * Snapshot version names and where their folders live. Pure. A version name is vMAJOR.MINOR.PATCH
 * and nothing else, so it can never name a path outside the migrations folder (`../x`,
 * `v1.0.0/../..`, absolute paths are all rejected before any file is touched).
 */
import * as path from 'node:path';
import { UsageError } from '../core/errors';

import { isValidVersionName, VERSION_NAME } from '../core/version-name';

/** The one version-name rule (core/version-name.ts), under the name the snapshot code uses. */
export const isSnapshotVersionName = isValidVersionName;

/** Throws a usage error (exit 64) naming what is wrong with `v`. */
export function checkVersionName(v: string, flag = '--version'): string {
  if (isSnapshotVersionName(v)) return v;
  const why = /[\\/]|\.\./.test(v) || path.isAbsolute(v) ? ' (a version is a name, not a path)' : '';
  throw new UsageError(`${flag} ${JSON.stringify(v)} is not a version name${why}`, ['use vMAJOR.MINOR.PATCH, e.g. v1.4.0']);
}

/** [major, minor, patch] of a valid version name. */
export function versionParts(v: string): [number, number, number] {
  const m = VERSION_NAME.exec(v);
  if (!m) throw new Error(`not a version name: ${v}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

export function compareVersions(a: string, b: string): number {
  const x = versionParts(a);
  const y = versionParts(b);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/** The folder of version `v` under `migrations`, checked to stay inside it. */
export function versionDir(migrations: string, v: string): string {
  checkVersionName(v);
  const root = path.resolve(migrations);
  const dir = path.join(root, v);
  if (path.dirname(dir) !== root) throw new UsageError(`version ${v} does not name a folder inside ${root}`);
  return dir;
}

/** Name of the staging folder an export writes before renaming it into place. */
export function snapshotStagingName(v: string, pid = process.pid): string {
  return `.${v}.partial-${pid}`;
}

export const STAGING_FOLDER = /^\.v\d+\.\d+\.\d+\.partial-\d+$/;

/** The newest version below `v` among `names` (invalid names ignored), or null. */
export function previousVersion(names: string[], v: string): string | null {
  const older = names.filter(isSnapshotVersionName).filter((n) => compareVersions(n, v) < 0);
  older.sort(compareVersions);
  return older.length ? older[older.length - 1] : null;
}

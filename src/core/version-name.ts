/**
 * Version names: vMAJOR.MINOR.PATCH with no leading zeros, nothing else. One definition for the
 * YAML's `version:` and for snapshot folders, so a name valid in one is valid in the other, and no
 * name can ever be a path (`../x`, `v1.0.0/../..`, absolute paths all fail).
 */
export const VERSION_NAME = /^v(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})$/;

/** Whether `v` is a version name kuzu-migrate accepts: `vMAJOR.MINOR.PATCH` (VERSION_NAME), e.g. v1.2.0. Pure. */
export function isValidVersionName(v: unknown): v is string {
  return typeof v === 'string' && VERSION_NAME.test(v);
}

/**
 * The version a snapshot command works on, given as `--version v1.2.0` or positionally
 * (`kuzu-migrate export v1.2.0`), as `rollback v1.2.0` takes it. Without an argument definition a
 * positional word made oclif look for a command `export:v1.2.0` and suggest `export` (found by a
 * new-user test). Both forms are the same contract; giving two different versions is a usage error.
 */
import { Args } from '@oclif/core';
import { UsageError } from '../core/errors';

/** The `args` of a command that takes an optional positional version. */
export function versionArgs(what: string) {
  return { version: Args.string({ description: `${what} (vMAJOR.MINOR.PATCH); the same as --version.` }) };
}

/** The version from `--version` or the positional argument; E_USAGE (64) when neither or two different ones are given. */
export function chosenVersion(command: string, positional: string | undefined, flag: string | undefined): string {
  if (positional !== undefined && flag !== undefined && positional !== flag) {
    throw new UsageError(`${command} was given two versions: ${positional} and --version ${flag}`, ['give the version once, e.g. `kuzu-migrate ' + command + ' v1.2.0`']);
  }
  const v = positional ?? flag;
  if (v === undefined) throw new UsageError(`${command} needs a version`, ['`kuzu-migrate ' + command + ' v1.2.0` or `--version v1.2.0`; `kuzu-migrate list` shows the versions']);
  return v;
}

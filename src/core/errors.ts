/**
 * Errors and exit codes. Every failure a user can cause is a KuzuMigrateError with a stable `code`,
 * the process exit code it maps to and hints; the core never prints or exits, the CLI does.
 */
import type { StepReport } from './step-report';

/** Exit codes, the same for every command (documented in the README; people script against them). */
export const ExitCode = {
  /** Success, or no changes. */
  Success: 0,
  /** Runtime error (database failure, I/O, a failed verification). */
  Error: 1,
  /** Changes or drift present (plan --detailed-exitcode, drift). */
  Changes: 2,
  /** Refused by policy: destructive change not allowed, stale plan. */
  Refused: 3,
  /** The database or the migration lock is held by someone else. */
  Locked: 4,
  /** Usage error: bad flags or arguments. */
  Usage: 64,
  /** Invalid configuration: the YAML or the declared schema is wrong. */
  InvalidConfig: 65,
  /** Interrupted by SIGINT (Ctrl-C): 128 + 2, as shells report it. */
  Interrupted: 130,
  /** Terminated by SIGTERM: 128 + 15. */
  Terminated: 143,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** One problem found in a file, pointing at where it is. */
export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  message: string;
  /** What was expected there, when that can be said. */
  expected?: string;
  hint?: string;
}

/** One configuration problem as `file:line:column: message (expected …)` and an indented hint line. Pure. */
export function formatDiagnostic(d: Diagnostic): string {
  let s = `${d.file}:${d.line}:${d.column}: ${d.message}`;
  if (d.expected) s += ` (expected ${d.expected})`;
  if (d.hint) s += `\n  hint: ${d.hint}`;
  return s;
}

/** One row of the error registry. */
export interface ErrorSpec {
  /** The process exit code every failure with this code exits with. */
  exit: ExitCodeValue;
  /** What the code means, in one line (the README's error table shows it). */
  meaning: string;
  /** What to do about it, in one line; shown when the throw site has no more specific hint. */
  hint: string;
}

/**
 * The error registry: every stable code with its exit code, meaning and hint. Throw sites name a
 * code and take its exit code from here, so one code always exits the same way. Codes are a
 * user-facing contract (`--json` prints them): extend this table, never rename a code. The
 * README's error table is generated from it (`npm run docs:errors`; a test compares the two).
 */
export const ERRORS = {
  E_CONFIG: { exit: ExitCode.InvalidConfig, meaning: 'the YAML or the declared schema is invalid', hint: 'fix every problem listed at file:line:column, then run `kuzu-migrate validate`' },
  E_TARGETS: { exit: ExitCode.InvalidConfig, meaning: 'a `targets:` inventory file or command could not be read or printed no paths', hint: 'run the command by hand in the YAML\'s folder, or check the inventory is a JSON array of paths' },
  E_CONFIG_ENV: { exit: ExitCode.InvalidConfig, meaning: 'a `${VAR}` in the YAML names an environment variable that is not set', hint: 'set the variable, or write the path without it' },
  E_PLAN: { exit: ExitCode.InvalidConfig, meaning: 'the declaration cannot be planned against the live database (e.g. a renamed_from that matches nothing)', hint: 'fix the declaration as the message says, then plan again' },
  E_USAGE: { exit: ExitCode.Usage, meaning: 'bad flags or arguments, or a missing configuration file', hint: 'see `kuzu-migrate <command> --help`' },
  E_NO_TARGETS: { exit: ExitCode.Usage, meaning: '`--all` found no targets: none declared, or a pattern matches nothing', hint: 'declare targets: in the YAML, e.g. targets: ["tenants/*.kuzu"] (docs/fleet.md)' },
  E_LOCKED: { exit: ExitCode.Locked, meaning: 'the migration lock is held, or the database file is open in another process', hint: 'wait for the other process, or `kuzu-migrate unlock ID` when it is gone' },
  E_REFUSED: { exit: ExitCode.Refused, meaning: 'refused by policy', hint: 'read the message: it names what would be allowed' },
  E_DESTRUCTIVE: { exit: ExitCode.Refused, meaning: 'the plan has destructive changes that are not allowed', hint: 'pass --allow-destructive (or Table / Table.prop), or set policy.allow_destructive' },
  E_PROTECTED: { exit: ExitCode.Refused, meaning: 'the plan drops or rebuilds a table or property declared protect: true (or listed under protect:)', hint: 'remove the protection in its own reviewed change first; --allow-destructive does not override it' },
  E_FIRST_RUN: { exit: ExitCode.Refused, meaning: 'kuzu-migrate never applied to this database and the plan drops something', hint: 'check the YAML declares everything the database holds (or list other tables under unmanaged:), then pass --allow-drops-on-first-run' },
  E_UNSUPPORTED_INDEXES: { exit: ExitCode.Refused, meaning: 'the engine has no built-in FTS or vector indexes (LadybugDB 0.19.1 has them only as downloaded extensions): a plan or upgrade that builds one is refused before anything is written', hint: 'remove the indexes from kuzu-migrate.yaml (and apply) first, or install the extensions yourself and build the indexes by hand' },
  E_UPGRADE_INDEX: { exit: ExitCode.Error, meaning: 'the upgrade target failed to build an index of the source; the original is unchanged', hint: 'drop the index before upgrading and build it again afterwards' },
  E_STALE_PLAN: { exit: ExitCode.Refused, meaning: 'the saved plan was computed from a live schema that has changed since', hint: 'run `kuzu-migrate plan` again and review the new plan' },
  E_PLAN_FORMAT: { exit: ExitCode.Refused, meaning: 'the saved plan was written in another plan format', hint: 'run `kuzu-migrate plan --out FILE` again and apply the new plan' },
  E_PLAN_MODIFIED: { exit: ExitCode.Refused, meaning: 'the saved plan is not what was planned: its desired_schema, steps or tool version were changed', hint: 'run `kuzu-migrate plan --out FILE` again, review it, and apply that file unedited' },
  E_MULTI_STATEMENT: { exit: ExitCode.Refused, meaning: 'more than one statement reached the engine in one call', hint: 'a default, `using` or check must be one expression or one read-only query' },
  E_SYMLINK_LOOP: { exit: ExitCode.Refused, meaning: 'the database path is a loop of symbolic links', hint: 'point `database:` at the database file itself' },
  E_HARD_LINKED: { exit: ExitCode.Refused, meaning: 'the database file has several hard links; a swap would leave the other names on the old database', hint: 'remove the other links, or point `database:` at a file with one name' },
  E_CANCELLED: { exit: ExitCode.Refused, meaning: 'the confirmation was declined (anything but "yes", or end of input); nothing changed', hint: 'answer "yes" to proceed, or pass --auto-approve' },
  E_VERSION: { exit: ExitCode.Refused, meaning: 'the declared version was already applied with another schema, or is lower than the live one', hint: 'declare a new version; to go back, use `kuzu-migrate rollback`; --allow-same-version accepts a reused version' },
  E_PLAN_DATABASE: { exit: ExitCode.Refused, meaning: 'the saved plan was made for another database', hint: 'apply it with the --env / --database it was planned with, or plan again' },
  E_PLAN_ENVIRONMENT: { exit: ExitCode.Refused, meaning: 'the saved plan was made for another environment', hint: 'apply it with the --env it was planned with, or plan again' },
  E_NEEDS_APPROVAL: { exit: ExitCode.Refused, meaning: 'a change needs confirmation and none was given', hint: 'run on a terminal and answer yes, or pass --auto-approve' },
  E_NOT_EMPTY: { exit: ExitCode.Refused, meaning: 'import loads only into an empty or new database', hint: 'pass --force to replace the database (it is backed up first)' },
  E_VERSION_EXISTS: { exit: ExitCode.Refused, meaning: 'a snapshot of that version exists; snapshots are never overwritten', hint: 'choose a new version name' },
  E_NIL_UUID: { exit: ExitCode.Refused, meaning: 'the database holds the nil UUID, which Kuzu 0.11.3 stores but cannot write to disk (CHECKPOINT fails: "INT128 is out of range"); refused before anything was changed', hint: 'replace the value named in the message (e.g. SET it to NULL or gen_random_uuid()), then run the command again' },
  E_UNEXPORTABLE: { exit: ExitCode.Refused, meaning: 'a value cannot be exported without losing it', hint: 'change or remove the value named in the message, then export again' },
  E_UNRESTORABLE: { exit: ExitCode.Refused, meaning: 'a written snapshot file does not read back to the database\'s values; nothing was kept', hint: 'try the other --format; the message names table, property and row' },
  E_UNSUPPORTED_NAME: { exit: ExitCode.Refused, meaning: 'a table or property name Kuzu accepts but kuzu-migrate cannot introspect or quote', hint: 'rename it in Kuzu first (ALTER TABLE ... RENAME)' },
  E_ENGINE_NOT_INSTALLED: { exit: ExitCode.Refused, meaning: 'the engine release needed is not installed and its download was not approved', hint: 'run on a terminal and answer yes, or pass --auto-approve' },
  E_UNKNOWN_ENGINE: { exit: ExitCode.Refused, meaning: 'the database bytes are not a Kuzu or LadybugDB database kuzu-migrate knows', hint: 'pass --from <release> if you know which release wrote it' },
  E_UNKNOWN_STORAGE_VERSION: { exit: ExitCode.Refused, meaning: 'no release kuzu-migrate knows reads this storage version', hint: 'export it with the release that wrote it and import that into a new database' },
  E_CHECK_NOT_READ_ONLY: { exit: ExitCode.InvalidConfig, meaning: 'a `checks:` or `queries:` query is not one read-only query; nothing was run', hint: 'a check must only read and return a single true, e.g. MATCH (n:T) WHERE n.p IS NULL RETURN count(*) = 0' },
  E_EXPRESSION: { exit: ExitCode.Error, meaning: 'a default, `using:` or `checks:` expression does not compile; nothing was changed', hint: 'fix the expression at the file:line the message names (`plan` shows every finding)' },
  E_PRECHECK: { exit: ExitCode.Error, meaning: 'pre-checks found what would make apply fail (values, multiplicity, primary keys, expressions); nothing was changed', hint: 'run `kuzu-migrate plan` to see every finding with its hint' },
  E_NO_BACKUP: { exit: ExitCode.Error, meaning: 'the backup asked for (`rollback --backup ID` / `--last`) does not exist', hint: 'run `kuzu-migrate list` to see the backups' },
  E_RUNTIME: { exit: ExitCode.Error, meaning: 'a runtime failure', hint: 'read the message; nothing was changed unless it says so' },
  E_NO_DATABASE: { exit: ExitCode.Error, meaning: 'the database does not exist', hint: 'check `database:` in the YAML or pass --database' },
  E_NO_VERSION: { exit: ExitCode.Error, meaning: 'no snapshot or backup holds the version asked for', hint: 'run `kuzu-migrate list` to see the versions there are' },
  E_STORAGE_VERSION: { exit: ExitCode.Error, meaning: 'the database was written by another engine release', hint: 'run `kuzu-migrate upgrade --database PATH`' },
  E_ENGINE_MISMATCH: { exit: ExitCode.Error, meaning: 'the database belongs to the other engine than `engine:` says', hint: 'set `engine:` in the YAML, or move the database with `kuzu-migrate upgrade --to`' },
  E_ENGINE_CONFLICT: { exit: ExitCode.Error, meaning: 'two native engines cannot run in one process', hint: 'run each engine in its own process (one command per engine)' },
  E_ENGINE: { exit: ExitCode.Error, meaning: 'an engine running in its own process failed or died', hint: 'read the engine message; `kuzu-migrate doctor` checks the database and the engine cache' },
  E_ENGINE_INSTALL: { exit: ExitCode.Error, meaning: 'an engine release could not be installed or does not load here', hint: 'check that the npm registry is reachable, then run this again' },
  E_APPLY: { exit: ExitCode.Error, meaning: 'a statement of the plan failed; the transaction was rolled back', hint: 'read the statement and the engine message; the database is as before' },
  E_CAST: { exit: ExitCode.Error, meaning: 'values cannot be converted to the new type; nothing was touched', hint: 'fix or clear the listed values, or add `using:` to compute them' },
  E_CHECK: { exit: ExitCode.Error, meaning: 'a YAML `checks:` query failed after the change; it was rolled back', hint: 'fix the data or the check, then apply again' },
  E_QUERY_REGRESSION: { exit: ExitCode.Error, meaning: 'a declared query (`queries:`) broke its tolerance or changed its result on the new database; it was not swapped in, the database is unchanged', hint: 'run `kuzu-migrate queries` to see the operators; fix the YAML or the tolerance, or accept it with --allow-slowdown' },
  E_VERIFY: { exit: ExitCode.Error, meaning: 'verification found a difference in schema, row counts or content fingerprints', hint: 'the message lists the differences and what was kept; report a bug if the data is not the cause' },
  E_CONCURRENT: { exit: ExitCode.Error, meaning: 'the database changed under a running operation', hint: 'make sure nothing else writes the database, then run this again' },
  E_BUSY: { exit: ExitCode.Error, meaning: 'an interrupted operation of another kind must be settled first', hint: 'run the command the message names (recover, or upgrade)' },
  E_BACKUP: { exit: ExitCode.Error, meaning: 'a backup could not be taken, checked or restored', hint: 'check the backups folder: its space and permissions' },
  E_DISK_FULL: { exit: ExitCode.Error, meaning: 'no space left for the backup; nothing was changed', hint: 'free space where `backups:` points, or point it elsewhere' },
  E_IO: { exit: ExitCode.Error, meaning: 'a file could not be read or written', hint: 'check the path, its permissions and the free space' },
  E_MANIFEST: { exit: ExitCode.Error, meaning: 'a snapshot manifest is missing or invalid', hint: 'the snapshot is damaged: export it again from its source' },
  E_CHECKSUM: { exit: ExitCode.Error, meaning: 'a snapshot file does not match its recorded checksum', hint: 'the snapshot is damaged: export it again from its source' },
  E_IMPORT: { exit: ExitCode.Error, meaning: 'a snapshot could not be loaded; the target is unchanged', hint: 'read the engine message; the staging file was removed' },
  E_RECOVER: { exit: ExitCode.Error, meaning: 'an interrupted apply left a database that is neither the old nor the new one, and its backup is missing', hint: 'restore the database from a backup or snapshot of your own; see docs/security.md' },
  E_CHECKPOINT_INTERRUPTED: { exit: ExitCode.Error, meaning: 'the database was interrupted during a checkpoint and cannot be read until it is completed', hint: 'run `kuzu-migrate recover` (it completes the checkpoint)' },
  E_SNAPSHOT_UNSAFE: { exit: ExitCode.Error, meaning: 'a snapshot folder holds what kuzu-migrate never writes (symlinks, paths that leave it, a version that disagrees with its folder)', hint: 'export the snapshot again from its source, or restore the folder from version control' },
  E_SWAP: { exit: ExitCode.Error, meaning: 'the new database was not closed cleanly, so it was not swapped in; nothing was replaced', hint: 'run the command again; report it if it repeats' },
  E_CHILD: { exit: ExitCode.Error, meaning: 'a fleet target\'s own process ended without a result (killed, or crashed)', hint: 'run the command on that target alone (--database) to see its error; the target is old or new' },
  E_INTERRUPTED: { exit: ExitCode.Interrupted, meaning: 'interrupted by SIGINT (Ctrl-C): rolled back, lock released; the message says what state the database is in', hint: 'run the command again when ready; nothing was half-done' },
  E_TERMINATED: { exit: ExitCode.Terminated, meaning: 'terminated by SIGTERM: rolled back, lock released; the message says what state the database is in', hint: 'run the command again when ready; nothing was half-done' },
  E_INTERNAL: { exit: ExitCode.Error, meaning: 'kuzu-migrate is broken or incomplete (a bug, or a missing build)', hint: 'run `npm run build`; if it persists, report it' },
} as const satisfies Record<string, ErrorSpec>;

/** A stable error code (a key of ERRORS). */
export type ErrorCode = keyof typeof ERRORS;

/** The exit code of `code`, from the registry. */
export function exitCodeOf(code: ErrorCode): ExitCodeValue {
  return ERRORS[code].exit;
}

/**
 * Every failure a user can cause. The exit code comes from the registry (ERRORS[code].exit);
 * `hints` default to the registry's hint for the code.
 */
export class KuzuMigrateError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly hints: string[];
  /** Set by apply on its failures: what became of every step of the plan (printed by `apply --json`). */
  steps?: StepReport[];

  constructor(
    message: string,
    /** Stable machine-readable code, e.g. `E_CONFIG`. */
    readonly code: ErrorCode,
    hints: string[] = [],
  ) {
    super(message);
    this.name = new.target.name;
    this.exitCode = ERRORS[code].exit;
    this.hints = hints.length ? hints : [ERRORS[code].hint];
  }
}

/** The YAML or the declared schema is invalid; carries every problem found, not just the first. */
export class ConfigError extends KuzuMigrateError {
  constructor(readonly diagnostics: Diagnostic[], message?: string) {
    super(
      message ?? `${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'} in the configuration:\n` +
        diagnostics.map((d) => '  ' + formatDiagnostic(d).replace(/\n/g, '\n  ')).join('\n'),
      'E_CONFIG',
    );
    // Each diagnostic carries its own hint; `hints` keeps the registry's general one (fix every
    // problem listed, then validate), so a --json consumer never gets an empty list.
  }
}

/** The command line was wrong (a flag, an argument, a version name): E_USAGE, exit 64. */
export class UsageError extends KuzuMigrateError {
  constructor(message: string, hints: string[] = []) {
    super(message, 'E_USAGE', hints);
  }
}

/** The database file is held by another process, or the migration lock is taken. */
export class LockedError extends KuzuMigrateError {
  constructor(message: string, hints: string[] = []) {
    super(message, 'E_LOCKED', hints);
  }
}

/**
 * Refused by policy (destructive change, stale plan): a code whose registry exit is 3. The class
 * names the kind at the throw site; the exit code still comes from the registry (a test checks
 * that each throw site's class agrees with its code's exit code).
 */
export class RefusedError extends KuzuMigrateError {
  constructor(message: string, code: ErrorCode = 'E_REFUSED', hints: string[] = []) {
    super(message, code, hints);
  }
}

/** A runtime failure the user may still be able to act on (database error, I/O, verification): exit 1. */
export class RuntimeError extends KuzuMigrateError {
  constructor(message: string, code: ErrorCode = 'E_RUNTIME', hints: string[] = []) {
    super(message, code, hints);
  }
}

/**
 * The operation was stopped by a signal: the message says what state the database is in. Exit
 * 130 for SIGINT, 143 for SIGTERM.
 */
export class InterruptedError extends KuzuMigrateError {
  constructor(readonly signal: 'SIGINT' | 'SIGTERM', message: string, hints: string[] = []) {
    super(message, signal === 'SIGTERM' ? 'E_TERMINATED' : 'E_INTERRUPTED', hints);
  }
}

/** For exhaustive switches over closed unions: an unknown kind is a bug, never silently dropped. */
export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}

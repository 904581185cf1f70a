"use strict";
/**
 * Errors and exit codes. Every failure a user can cause is a KuzuMigrateError with a stable `code`,
 * the process exit code it maps to and hints; the core never prints or exits, the CLI does.
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.RuntimeError = exports.RefusedError = exports.LockedError = exports.UsageError = exports.ConfigError = exports.KuzuMigrateError = exports.ERRORS = exports.ExitCode = void 0;
exports.formatDiagnostic = formatDiagnostic;
exports.exitCodeOf = exitCodeOf;
exports.assertNever = assertNever;
/** Exit codes, the same for every command (documented in the README; people script against them). */
exports.ExitCode = {
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
};
function formatDiagnostic(d) {
    let s = `${d.file}:${d.line}:${d.column}: ${d.message}`;
    if (d.expected)
        s += ` (expected ${d.expected})`;
    if (d.hint)
        s += `\n  hint: ${d.hint}`;
    return s;
}
/**
 * The error registry: every stable code with its exit code, meaning and hint. Throw sites name a
 * code and take its exit code from here, so one code always exits the same way. Codes are a
 * user-facing contract (`--json` prints them): extend this table, never rename a code. The
 * README's error table is generated from it (`npm run docs:errors`; a test compares the two).
 */
exports.ERRORS = {
    E_CONFIG: { exit: exports.ExitCode.InvalidConfig, meaning: 'the YAML or the declared schema is invalid', hint: 'fix every problem listed at file:line:column, then run `kuzu-migrate validate`' },
    E_PLAN: { exit: exports.ExitCode.InvalidConfig, meaning: 'the declaration cannot be planned against the live database (e.g. a renamed_from that matches nothing)', hint: 'fix the declaration as the message says, then plan again' },
    E_USAGE: { exit: exports.ExitCode.Usage, meaning: 'bad flags or arguments, or a missing configuration file', hint: 'see `kuzu-migrate <command> --help`' },
    E_LOCKED: { exit: exports.ExitCode.Locked, meaning: 'the migration lock is held, or the database file is open in another process', hint: 'wait for the other process, or `kuzu-migrate unlock ID` when it is gone' },
    E_REFUSED: { exit: exports.ExitCode.Refused, meaning: 'refused by policy', hint: 'read the message: it names what would be allowed' },
    E_DESTRUCTIVE: { exit: exports.ExitCode.Refused, meaning: 'the plan has destructive changes that are not allowed', hint: 'pass --allow-destructive (or Table / Table.prop), or set policy.allow_destructive' },
    E_PROTECTED: { exit: exports.ExitCode.Refused, meaning: 'the plan drops or rebuilds a table or property declared protect: true (or listed under protect:)', hint: 'remove the protection in its own reviewed change first; --allow-destructive does not override it' },
    E_FIRST_RUN: { exit: exports.ExitCode.Refused, meaning: 'kuzu-migrate never applied to this database and the plan drops something', hint: 'check the YAML declares everything the database holds (or list other tables under unmanaged:), then pass --allow-drops-on-first-run' },
    E_STALE_PLAN: { exit: exports.ExitCode.Refused, meaning: 'the saved plan was computed from a live schema that has changed since', hint: 'run `kuzu-migrate plan` again and review the new plan' },
    E_PLAN_FORMAT: { exit: exports.ExitCode.Refused, meaning: 'the saved plan was written in another plan format', hint: 'run `kuzu-migrate plan --out FILE` again and apply the new plan' },
    E_PLAN_MODIFIED: { exit: exports.ExitCode.Refused, meaning: 'the saved plan is not what was planned: its desired_schema, steps or tool version were changed', hint: 'run `kuzu-migrate plan --out FILE` again, review it, and apply that file unedited' },
    E_MULTI_STATEMENT: { exit: exports.ExitCode.Refused, meaning: 'more than one statement reached the engine in one call', hint: 'a default, `using` or check must be one expression or one read-only query' },
    E_SYMLINK_LOOP: { exit: exports.ExitCode.Refused, meaning: 'the database path is a loop of symbolic links', hint: 'point `database:` at the database file itself' },
    E_HARD_LINKED: { exit: exports.ExitCode.Refused, meaning: 'the database file has several hard links; a swap would leave the other names on the old database', hint: 'remove the other links, or point `database:` at a file with one name' },
    E_NEEDS_APPROVAL: { exit: exports.ExitCode.Refused, meaning: 'a change needs confirmation and none was given', hint: 'run on a terminal and answer yes, or pass --auto-approve' },
    E_NOT_EMPTY: { exit: exports.ExitCode.Refused, meaning: 'import loads only into an empty or new database', hint: 'pass --force to replace the database (it is backed up first)' },
    E_VERSION_EXISTS: { exit: exports.ExitCode.Refused, meaning: 'a snapshot of that version exists; snapshots are never overwritten', hint: 'choose a new version name' },
    E_UNEXPORTABLE: { exit: exports.ExitCode.Refused, meaning: 'a value cannot be exported without losing it', hint: 'change or remove the value named in the message, then export again' },
    E_ENGINE_NOT_INSTALLED: { exit: exports.ExitCode.Refused, meaning: 'the engine release needed is not installed and its download was not approved', hint: 'run on a terminal and answer yes, or pass --auto-approve' },
    E_UNKNOWN_ENGINE: { exit: exports.ExitCode.Refused, meaning: 'the database bytes are not a Kuzu or LadybugDB database kuzu-migrate knows', hint: 'pass --from <release> if you know which release wrote it' },
    E_UNKNOWN_STORAGE_VERSION: { exit: exports.ExitCode.Refused, meaning: 'no release kuzu-migrate knows reads this storage version', hint: 'export it with the release that wrote it and import that into a new database' },
    E_CHECK_NOT_READ_ONLY: { exit: exports.ExitCode.InvalidConfig, meaning: 'a `checks:` query is not one read-only query; nothing was run', hint: 'a check must only read and return a single true, e.g. MATCH (n:T) WHERE n.p IS NULL RETURN count(*) = 0' },
    E_RUNTIME: { exit: exports.ExitCode.Error, meaning: 'a runtime failure', hint: 'read the message; nothing was changed unless it says so' },
    E_NO_DATABASE: { exit: exports.ExitCode.Error, meaning: 'the database does not exist', hint: 'check `database:` in the YAML or pass --database' },
    E_NO_VERSION: { exit: exports.ExitCode.Error, meaning: 'no snapshot or backup holds the version asked for', hint: 'run `kuzu-migrate list` to see the versions there are' },
    E_STORAGE_VERSION: { exit: exports.ExitCode.Error, meaning: 'the database was written by another engine release', hint: 'run `kuzu-migrate upgrade --database PATH`' },
    E_ENGINE_MISMATCH: { exit: exports.ExitCode.Error, meaning: 'the database belongs to the other engine than `engine:` says', hint: 'set `engine:` in the YAML, or move the database with `kuzu-migrate upgrade --to`' },
    E_ENGINE_CONFLICT: { exit: exports.ExitCode.Error, meaning: 'two native engines cannot run in one process', hint: 'run each engine in its own process (one command per engine)' },
    E_ENGINE: { exit: exports.ExitCode.Error, meaning: 'an engine running in its own process failed or died', hint: 'read the engine message; `kuzu-migrate doctor` checks the database and the engine cache' },
    E_ENGINE_INSTALL: { exit: exports.ExitCode.Error, meaning: 'an engine release could not be installed or does not load here', hint: 'check that the npm registry is reachable, then run this again' },
    E_APPLY: { exit: exports.ExitCode.Error, meaning: 'a statement of the plan failed; the transaction was rolled back', hint: 'read the statement and the engine message; the database is as before' },
    E_CAST: { exit: exports.ExitCode.Error, meaning: 'values cannot be converted to the new type; nothing was touched', hint: 'fix or clear the listed values, or add `using:` to compute them' },
    E_CHECK: { exit: exports.ExitCode.Error, meaning: 'a YAML `checks:` query failed after the change; it was rolled back', hint: 'fix the data or the check, then apply again' },
    E_VERIFY: { exit: exports.ExitCode.Error, meaning: 'verification found a difference in schema, row counts or content fingerprints', hint: 'the message lists the differences and what was kept; report a bug if the data is not the cause' },
    E_CONCURRENT: { exit: exports.ExitCode.Error, meaning: 'the database changed under a running operation', hint: 'make sure nothing else writes the database, then run this again' },
    E_BUSY: { exit: exports.ExitCode.Error, meaning: 'an interrupted operation of another kind must be settled first', hint: 'run the command the message names (recover, or upgrade)' },
    E_BACKUP: { exit: exports.ExitCode.Error, meaning: 'a backup could not be taken, checked or restored', hint: 'check the backups folder: its space and permissions' },
    E_DISK_FULL: { exit: exports.ExitCode.Error, meaning: 'no space left for the backup; nothing was changed', hint: 'free space where `backups:` points, or point it elsewhere' },
    E_IO: { exit: exports.ExitCode.Error, meaning: 'a file could not be read or written', hint: 'check the path, its permissions and the free space' },
    E_MANIFEST: { exit: exports.ExitCode.Error, meaning: 'a snapshot manifest is missing or invalid', hint: 'the snapshot is damaged: export it again from its source' },
    E_CHECKSUM: { exit: exports.ExitCode.Error, meaning: 'a snapshot file does not match its recorded checksum', hint: 'the snapshot is damaged: export it again from its source' },
    E_IMPORT: { exit: exports.ExitCode.Error, meaning: 'a snapshot could not be loaded; the target is unchanged', hint: 'read the engine message; the staging file was removed' },
    E_RECOVER: { exit: exports.ExitCode.Error, meaning: 'an interrupted apply left a database that is neither the old nor the new one, and its backup is missing', hint: 'restore the database from a backup or snapshot of your own; see docs/security.md' },
    E_CHECKPOINT_INTERRUPTED: { exit: exports.ExitCode.Error, meaning: 'the database was interrupted during a checkpoint and cannot be read until it is completed', hint: 'run `kuzu-migrate recover` (it completes the checkpoint)' },
    E_SNAPSHOT_UNSAFE: { exit: exports.ExitCode.Error, meaning: 'a snapshot folder holds what kuzu-migrate never writes (symlinks, paths that leave it, a version that disagrees with its folder)', hint: 'export the snapshot again from its source, or restore the folder from version control' },
    E_SWAP: { exit: exports.ExitCode.Error, meaning: 'the new database was not closed cleanly, so it was not swapped in; nothing was replaced', hint: 'run the command again; report it if it repeats' },
    E_INTERNAL: { exit: exports.ExitCode.Error, meaning: 'kuzu-migrate is broken or incomplete (a bug, or a missing build)', hint: 'run `npm run build`; if it persists, report it' },
};
/** The exit code of `code`, from the registry. */
function exitCodeOf(code) {
    return exports.ERRORS[code].exit;
}
/**
 * Every failure a user can cause. The exit code comes from the registry (ERRORS[code].exit);
 * `hints` default to the registry's hint for the code.
 */
class KuzuMigrateError extends Error {
    code;
    exitCode;
    hints;
    constructor(message, 
    /** Stable machine-readable code, e.g. `E_CONFIG`. */
    code, hints = []) {
        super(message);
        this.code = code;
        this.name = new.target.name;
        this.exitCode = exports.ERRORS[code].exit;
        this.hints = hints.length ? hints : [exports.ERRORS[code].hint];
    }
}
exports.KuzuMigrateError = KuzuMigrateError;
/** The YAML or the declared schema is invalid; carries every problem found, not just the first. */
class ConfigError extends KuzuMigrateError {
    diagnostics;
    constructor(diagnostics, message) {
        super(message ?? `${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'} in the configuration:\n` +
            diagnostics.map((d) => '  ' + formatDiagnostic(d).replace(/\n/g, '\n  ')).join('\n'), 'E_CONFIG');
        this.diagnostics = diagnostics;
        // Each diagnostic carries its own hint; the registry's general one would only repeat them.
        this.hints.length = 0;
    }
}
exports.ConfigError = ConfigError;
class UsageError extends KuzuMigrateError {
    constructor(message, hints = []) {
        super(message, 'E_USAGE', hints);
    }
}
exports.UsageError = UsageError;
/** The database file is held by another process, or the migration lock is taken. */
class LockedError extends KuzuMigrateError {
    constructor(message, hints = []) {
        super(message, 'E_LOCKED', hints);
    }
}
exports.LockedError = LockedError;
/**
 * Refused by policy (destructive change, stale plan): a code whose registry exit is 3. The class
 * names the kind at the throw site; the exit code still comes from the registry (a test checks
 * that each throw site's class agrees with its code's exit code).
 */
class RefusedError extends KuzuMigrateError {
    constructor(message, code = 'E_REFUSED', hints = []) {
        super(message, code, hints);
    }
}
exports.RefusedError = RefusedError;
/** A runtime failure the user may still be able to act on (database error, I/O, verification): exit 1. */
class RuntimeError extends KuzuMigrateError {
    constructor(message, code = 'E_RUNTIME', hints = []) {
        super(message, code, hints);
    }
}
exports.RuntimeError = RuntimeError;
/** For exhaustive switches over closed unions: an unknown kind is a bug, never silently dropped. */
function assertNever(x, what = 'value') {
    throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}
//# sourceMappingURL=errors.js.map
/**
 * Errors and exit codes. Every failure a user can cause is a KuzuMigrateError with a stable `code`,
 * the process exit code it maps to and hints; the core never prints or exits, the CLI does.
 */

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

export function formatDiagnostic(d: Diagnostic): string {
  let s = `${d.file}:${d.line}:${d.column}: ${d.message}`;
  if (d.expected) s += ` (expected ${d.expected})`;
  if (d.hint) s += `\n  hint: ${d.hint}`;
  return s;
}

export class KuzuMigrateError extends Error {
  constructor(
    message: string,
    /** Stable machine-readable code, e.g. `E_CONFIG`. */
    readonly code: string,
    readonly exitCode: ExitCodeValue,
    readonly hints: string[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The YAML or the declared schema is invalid; carries every problem found, not just the first. */
export class ConfigError extends KuzuMigrateError {
  constructor(readonly diagnostics: Diagnostic[], message?: string) {
    super(
      message ?? `${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'} in the configuration:\n` +
        diagnostics.map((d) => '  ' + formatDiagnostic(d).replace(/\n/g, '\n  ')).join('\n'),
      'E_CONFIG',
      ExitCode.InvalidConfig,
      [],
    );
  }
}

export class UsageError extends KuzuMigrateError {
  constructor(message: string, hints: string[] = []) {
    super(message, 'E_USAGE', ExitCode.Usage, hints);
  }
}

/** The database file is held by another process, or the migration lock is taken. */
export class LockedError extends KuzuMigrateError {
  constructor(message: string, hints: string[] = []) {
    super(message, 'E_LOCKED', ExitCode.Locked, hints);
  }
}

/** Refused by policy (destructive change, stale plan). */
export class RefusedError extends KuzuMigrateError {
  constructor(message: string, code = 'E_REFUSED', hints: string[] = []) {
    super(message, code, ExitCode.Refused, hints);
  }
}

/** A runtime failure the user may still be able to act on (database error, I/O, verification). */
export class RuntimeError extends KuzuMigrateError {
  constructor(message: string, code = 'E_RUNTIME', hints: string[] = []) {
    super(message, code, ExitCode.Error, hints);
  }
}

/**
 * The operation was stopped by a signal: the message says what state the database is in. Exit
 * 130 for SIGINT, 143 for SIGTERM.
 */
export class InterruptedError extends KuzuMigrateError {
  constructor(readonly signal: 'SIGINT' | 'SIGTERM', message: string, hints: string[] = []) {
    super(message, 'E_INTERRUPTED', signal === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted, hints);
  }
}

/** For exhaustive switches over closed unions: an unknown kind is a bug, never silently dropped. */
export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}

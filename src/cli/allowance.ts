/**
 * `--allow-destructive[=LIST]` as plan and apply read it: absent → false; bare, `all` or `true` →
 * true (every destructive change); otherwise the comma-separated names (`Table` or
 * `Table.property`). In its own module so that `plan` does not load the apply command (and with
 * it the whole apply pipeline) at start-up.
 */
export function parseAllowance(v: string | undefined): boolean | string[] {
  if (v === undefined) return false;
  if (v === '' || v === 'all' || v === 'true') return true;
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * The command line with a bare `--allow-destructive` written as `--allow-destructive=all`: oclif
 * has no optional flag values, so plan and apply rewrite it before parsing.
 */
export function bareAllowDestructive(argv: string[]): string[] {
  return argv.map((a) => (a === '--allow-destructive' ? '--allow-destructive=all' : a));
}

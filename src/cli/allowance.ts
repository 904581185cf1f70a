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

/**
 * What apply reports about each step of the plan (ApplyResult.steps, and `steps` of an apply
 * error). Types only, imported by the plan and the errors alike, so it imports nothing.
 */

/** The phases a plan's steps run in, in order. */
export type StepPhase = 'drop_indexes' | 'in_place' | 'rebuild' | 'finish' | 'create_indexes';

/**
 * What became of one step of the plan:
 * - `applied`:     it ran and its effect is in the database apply left in place;
 * - `rolled_back`: it ran, but a later failure undid it (the transaction was rolled back or the
 *                  private copy it ran on was discarded, or the backup was restored);
 * - `failed`:      it is the statement that failed (nothing of the apply is in place);
 * - `not_run`:     apply stopped (refused, cancelled, failed) before reaching it.
 */
export type StepStatus = 'applied' | 'rolled_back' | 'failed' | 'not_run';

/** The report of one step (`steps` of ApplyResult, and of an apply error's `--json`). */
export interface StepReport {
  /** The step's 1-based id in the plan. */
  index: number;
  phase: StepPhase;
  /** What the step does (the plan's comment), e.g. "create node table Person". */
  action: string;
  /** The tables (or `table.property`) the step's changes touch, or its index's table; may be empty. */
  targets: string[];
  status: StepStatus;
  /** Milliseconds the statement took; null when it did not run. */
  duration_ms: number | null;
}

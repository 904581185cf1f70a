/**
 * What apply tells its caller while it runs (progress events, a closed discriminated union) and
 * what it reports at the end about every step of the plan (StepReport). No I/O.
 */
import { InterruptedError, KuzuMigrateError } from '../core/errors';
import type { Step, StepPhase } from '../core/plan';
import type { StepReport, StepStatus } from '../core/step-report';

export type { StepReport, StepStatus };

/** Phases around the plan's steps, in the order they happen. */
export type ApplyStagePhase =
  | 'recover' | 'precheck' | 'queries' | 'backup' | 'export' | 'load' | 'copy' | 'checks' | 'verify' | 'commit' | 'swap' | 'post-verify' | 'done';

/**
 * One progress event, a closed union discriminated by `phase` (consumers can switch over it
 * exhaustively):
 * - a stage around the steps: `{ phase: 'backup', message }`, …;
 * - a step of the plan running (`in_place`, `rebuild`, `finish`, `drop_indexes`, `create_indexes`):
 *   `{ phase, message, step, steps }` — `step` is the 1-based step id, `steps` how many the plan
 *   has; the message starts with `<step>/<steps>`.
 * Every event has a `message`, one line for people.
 */
export type ApplyEvent =
  | { phase: ApplyStagePhase; message: string }
  | { phase: StepPhase; message: string; step: number; steps: number };

/** Every phase an event can have. */
export type ApplyPhase = ApplyEvent['phase'];

/** How the parts of apply report progress: a stage line, or a line about one step of the plan. */
export interface Emit {
  (phase: ApplyStagePhase, message: string): void;
  (phase: StepPhase, message: string, step: { id: number; of: number }): void;
}

/** An Emit that forwards to `onEvent` (or nowhere). */
export function emitter(onEvent?: (e: ApplyEvent) => void): Emit {
  return ((phase: ApplyPhase, message: string, step?: { id: number; of: number }) => {
    if (!onEvent) return;
    onEvent(step ? ({ phase, message, step: step.id, steps: step.of } as ApplyEvent) : ({ phase, message } as ApplyEvent));
  }) as Emit;
}

/**
 * The status of every step as apply goes: the parts call `started`/`ran` around each statement;
 * the orchestrator settles the rest once it knows the outcome (`settle('applied' | 'rolled_back')`).
 */
export class StepLog {
  private readonly reports: StepReport[];
  private readonly startedAt = new Map<number, number>();

  constructor(steps: Step[], targetsOf: (s: Step) => string[]) {
    this.reports = steps.map((s) => ({ index: s.id, phase: s.phase, action: s.comment, targets: targetsOf(s), status: 'not_run', duration_ms: null }));
  }

  started(id: number): void {
    this.startedAt.set(id, Date.now());
  }

  /** The step's statement finished without error (its effect is not yet in place). */
  ran(id: number): void {
    const r = this.find(id);
    r.duration_ms = Date.now() - (this.startedAt.get(id) ?? Date.now());
    this.startedAt.delete(id);
  }

  /**
   * The outcome is known: steps that ran become `outcome`; a step started but not finished is the
   * one that failed; the rest were not run.
   */
  settle(outcome: 'applied' | 'rolled_back'): StepReport[] {
    for (const r of this.reports) {
      if (this.startedAt.has(r.index)) {
        r.status = 'failed';
        r.duration_ms = Date.now() - this.startedAt.get(r.index)!;
      } else if (r.duration_ms !== null) r.status = outcome;
    }
    this.startedAt.clear();
    return this.reports.map((r) => ({ ...r }));
  }

  /** Settles as rolled back and attaches the reports to `err` when it is a KuzuMigrateError. */
  attachTo(err: unknown): void {
    const steps = this.settle('rolled_back');
    if (err instanceof KuzuMigrateError) err.steps = steps;
  }

  private find(id: number): StepReport {
    const r = this.reports.find((x) => x.index === id);
    if (!r) throw new Error(`step ${id} is not in the plan`);
    return r;
  }
}

/** Throws InterruptedError when the CLI received SIGINT/SIGTERM; `state` says where and what state the database is in. */
export function checkSignal(signal: AbortSignal | undefined, state: string): void {
  if (!signal?.aborted) return;
  const name = signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
  throw new InterruptedError(name, `interrupted by ${name} ${state}`);
}

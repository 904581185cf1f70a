/**
 * How commands talk to people and to wrappers: whether to colour, progress on long work, and the
 * one-JSON-event-per-line stream (`--json-events`). Results go to stdout; progress to stderr, or to
 * stdout as events when streaming. Nothing here decides what a command does.
 */
import { createColors } from 'picocolors';
import type { Colors } from '../core/render';

export interface ColorInputs {
  /** `--color` / `--no-color`; undefined when neither was given. */
  flag?: boolean;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
}

/**
 * Whether to colour: `--no-color`/`--color` first, then NO_COLOR (any non-empty value, no-color.org),
 * then FORCE_COLOR (any value but `0`/`false` forces it, e.g. in CI logs that render ANSI), else
 * only on a terminal that is not `TERM=dumb`.
 */
export function useColor(i: ColorInputs): boolean {
  if (i.flag !== undefined) return i.flag;
  if (i.env.NO_COLOR) return false;
  const force = i.env.FORCE_COLOR;
  if (force !== undefined && force !== '0' && force !== 'false') return true;
  return i.isTTY && i.env.TERM !== 'dumb';
}

export function colorsFor(i: ColorInputs): Colors {
  return createColors(useColor(i));
}

/** One step of long work; `rows` (when known) is the rows this step moved. */
export interface ProgressEvent {
  phase: string;
  message: string;
  table?: string;
  rows?: number;
  /** A step of an apply plan: its 1-based id and how many the plan has (ApplyEvent). */
  step?: number;
  steps?: number;
}

/** Where progress goes: a redrawn status line (terminal), plain lines (CI logs), JSON lines, or nowhere. */
export type ProgressMode = 'tty' | 'lines' | 'jsonl' | 'off';

export interface ProgressOptions {
  mode: ProgressMode;
  /** The work as a gerund for "Still exporting… [10s elapsed]". */
  activity: string;
  colors: Colors;
  /** Seconds between "Still …" lines when nothing else was printed (default 10; KUZU_MIGRATE_PROGRESS_INTERVAL overrides). */
  intervalSeconds?: number;
  write?: { err: (s: string) => void; out: (s: string) => void };
}

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * Progress of one long operation. `event()` for each step; `stop()` at the end (also on failure).
 * On a terminal a status line (rows, rate, elapsed) is redrawn every second below the step lines;
 * otherwise a step line per event and, when nothing was printed for `intervalSeconds`, a
 * Terraform-style "Still exporting… [10s elapsed]", so a CI log never goes quiet for long.
 */
export class Progress {
  private readonly start = Date.now();
  private lastLine = Date.now();
  private rows = 0;
  private timer: NodeJS.Timeout | null = null;
  private statusShown = false;
  private readonly interval: number;
  private readonly write: { err: (s: string) => void; out: (s: string) => void };

  constructor(private readonly o: ProgressOptions) {
    const env = Number(process.env.KUZU_MIGRATE_PROGRESS_INTERVAL);
    this.interval = (Number.isFinite(env) && env > 0 ? env : (o.intervalSeconds ?? 10)) * 1000;
    this.write = o.write ?? { err: (s) => process.stderr.write(s), out: (s) => process.stdout.write(s) };
    if (o.mode === 'off') return;
    // A terminal's status line is redrawn every second (sooner when the interval is shortened).
    const tick = Math.min(this.interval, 1000);
    this.timer = setInterval(() => this.tick(), tick);
    this.timer.unref(); // never keeps the process alive
  }

  private elapsed(): number {
    return (Date.now() - this.start) / 1000;
  }

  private rateText(): string {
    const s = this.elapsed();
    return this.rows > 0 && s > 0 ? `, ${fmtInt(this.rows / s)} rows/s` : '';
  }

  private clearStatus(): void {
    if (this.statusShown) this.write.err('\r\x1b[2K');
    this.statusShown = false;
  }

  private tick(): void {
    const s = Math.floor(this.elapsed());
    if (this.o.mode === 'tty') {
      const k = this.o.colors;
      this.clearStatus();
      this.write.err(k.cyan(`${this.o.activity}… `) + k.dim(`${this.rows ? fmtInt(this.rows) + ' rows' + this.rateText() + ', ' : ''}${s}s elapsed`));
      this.statusShown = true;
    } else if (Date.now() - this.lastLine >= this.interval) {
      const still = `Still ${this.o.activity.toLowerCase()}… [${s}s elapsed]`;
      if (this.o.mode === 'jsonl') this.emitJson({ type: 'heartbeat', activity: this.o.activity.toLowerCase(), elapsed_ms: Date.now() - this.start, rows: this.rows });
      else this.write.err(still + '\n');
      this.lastLine = Date.now();
    }
  }

  private emitJson(obj: Record<string, unknown>): void {
    this.write.out(JSON.stringify(obj) + '\n');
  }

  /** Records one step; prints it (with rows and the running rate when known). */
  event(e: ProgressEvent): void {
    if (e.rows) this.rows += e.rows;
    if (this.o.mode === 'off') return;
    this.lastLine = Date.now();
    if (this.o.mode === 'jsonl') {
      this.emitJson({ type: 'progress', phase: e.phase, message: e.message, ...(e.table ? { table: e.table } : {}), ...(e.rows !== undefined ? { rows: e.rows } : {}), ...(e.step !== undefined ? { step: e.step, steps: e.steps } : {}), total_rows: this.rows, elapsed_ms: Date.now() - this.start });
      return;
    }
    const k = this.o.colors;
    const rows = e.rows !== undefined ? ` (${fmtInt(e.rows)} rows; ${fmtInt(this.rows)} so far${this.rateText()})` : '';
    this.clearStatus();
    this.write.err(`${k.dim(`[${this.elapsed().toFixed(1).padStart(6)}s]`)} ${k.cyan(e.phase)}: ${e.message}${rows}\n`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.clearStatus();
  }

  /** Runs `work` with this progress, stopping it whatever happens. */
  async around<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } finally {
      this.stop();
    }
  }
}

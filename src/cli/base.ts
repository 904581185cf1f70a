/**
 * The shared shell of every command: common flags (--config, --env, --json), config loading, and
 * turning errors into a one-line cause, hints and the documented exit code — never a stack trace
 * for something the user can fix.
 */
import * as path from 'node:path';
import { realDatabasePath } from '../state/paths';
import { Command, Errors, Flags, Interfaces } from '@oclif/core';
import { ConfigError, KuzuMigrateError, UsageError, formatDiagnostic } from '../core/errors';
import type { FleetCommand, FleetResult } from '../core/fleet';
import { reportFleet } from './fleet';
import { DEFAULT_CONFIG_FILE, loadConfig, requireDatabase, ResolvedConfig } from '../config/config';
import type { EngineKind } from '../engines/releases';
import { configureEngine, loadEngine } from '../kuzu/engine';
import { confirmOnTerminal } from './interact';
import { colorsFor, Progress, ProgressMode } from './output';
import type { Colors } from '../core/render';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>;
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>;

export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    config: Flags.string({
      char: 'c',
      summary: 'Path of the kuzu-migrate YAML file.',
      default: DEFAULT_CONFIG_FILE,
      helpGroup: 'GLOBAL',
      env: 'KUZU_MIGRATE_CONFIG',
    }),
    env: Flags.string({
      char: 'e',
      summary: 'Environment from the YAML `environments:` section whose overrides apply.',
      helpGroup: 'GLOBAL',
      env: 'KUZU_MIGRATE_ENV',
    }),
    color: Flags.boolean({
      summary: 'Colour the output (default: on a terminal; NO_COLOR turns it off, FORCE_COLOR on).',
      allowNo: true,
      helpGroup: 'GLOBAL',
    }),
    'json-events': Flags.boolean({
      summary: 'Stream one JSON object per line on stdout: progress events, then the result or the error.',
      helpGroup: 'GLOBAL',
      exclusive: ['json'],
    }),
  };

  protected flags!: BaseFlags<T>;
  protected args!: BaseArgs<T>;

  public override async init(): Promise<void> {
    await super.init();
    const { flags, args } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    });
    this.flags = flags as BaseFlags<T>;
    this.args = args as BaseArgs<T>;
  }

  /**
   * Loads the YAML named by --config with --env applied; `database` overrides the file's path.
   * Also selects the configured engine (`engine:`) for this process; nothing is loaded yet.
   */
  protected loadConfig(overrides: { database?: string } = {}, opts: { needsDatabase?: boolean } = {}): ResolvedConfig {
    // KUZU_MIGRATE_BACKUPS overrides `backups:`; fleet runs give each target its own folder with it.
    const loaded = loadConfig(path.resolve(this.flags.config), { env: this.flags.env, database: overrides.database, backups: process.env.KUZU_MIGRATE_BACKUPS || undefined });
    // A fleet-only YAML (targets:, no database:) serves --all and commands that need no database.
    if (opts.needsDatabase !== false) requireDatabase(loaded);
    // Every command works on the REAL database file, resolved once here: through a symlink the
    // lock, the journal and a swap are those of its target, and the link itself is never replaced.
    const config = { ...loaded, database: loaded.database ? realDatabasePath(loaded.database) : '' };
    this.useEngine(config.engine);
    return config;
  }

  /** Selects the engine this command opens databases with (loaded lazily, see kuzu/engine.ts). */
  protected useEngine(kind: EngineKind): void {
    const auto = (this.flags as Record<string, unknown>)['auto-approve'] === true;
    const interactive = this.interactive();
    configureEngine(kind, {
      // The same rule as upgrade's: a prompt on a terminal, else only with --auto-approve.
      approveInstall: async (r) =>
        auto ||
        (interactive &&
          confirmOnTerminal(`engine: ${r.engine} needs ${r.id} (npm ${r.package}@${r.version}, ~${Math.round(r.approxBytes / 1024 / 1024)} MB); it is downloaded once into its engine cache. Install? Only "yes" is accepted: `)),
      onInstall: this.jsonEnabled() ? undefined : (e) => process.stderr.write(e.message + '\n'),
    });
  }

  /**
   * loadConfig, then loads the configured engine (installing it first if approved), so that a
   * missing engine is refused before the command writes anything.
   */
  protected async loadConfigAndEngine(overrides: { database?: string } = {}, opts: { needsDatabase?: boolean } = {}): Promise<ResolvedConfig> {
    const config = this.loadConfig(overrides, opts);
    await loadEngine();
    return config;
  }

  /**
   * Whether a confirmation can be asked: stdin is a terminal (the prompt is written to stderr, so
   * stdout may be piped, e.g. `apply | tee log`), and not --json.
   */
  protected interactive(): boolean {
    return Boolean(process.stdin.isTTY) && !this.jsonEnabled();
  }

  /**
   * `--all` (see src/cli/fleet.ts): runs `command` on every target under `targets:`, each in its own
   * process with `args` passed on, prints the summary and sets the worst exit code. Returns null
   * when --all is not set, so a command starts with `const all = await this.runAll(...)`.
   */
  protected async runAll(command: FleetCommand, args: string[] = [], opts: { markdown?: boolean } = {}): Promise<FleetResult | null> {
    const f = this.flags as Record<string, unknown>;
    if (!f.all) return null;
    if (f.database !== undefined) throw new UsageError('--all runs on the targets of the YAML; it cannot be combined with --database', ['drop --database, or drop --all']);
    const config = await this.loadConfigAndEngine({}, { needsDatabase: false });
    const controller = new AbortController();
    const abort = () => controller.abort();
    process.once('SIGINT', abort);
    process.once('SIGTERM', abort);
    try {
      // Loaded here, not at start-up: a single-database command never needs the fleet runner.
      const { runFleet } = await import('../fleet/run');
      const result = await runFleet(config, {
        command,
        configFile: config.file,
        env: config.environment,
        waves: f.waves as string | undefined,
        maxFailures: f['max-failures'] as number | undefined,
        concurrency: f.concurrency as number | undefined,
        shard: f.shard as string | undefined,
        args,
        signal: controller.signal,
        // One line per target on stderr, also when not on a terminal: a CI log shows the rollout as it goes.
        // With --json-events, one `target` event per finished target on stdout, like other progress.
        onTarget: this.jsonEvents()
          ? (r, done, total) => process.stdout.write(JSON.stringify({ type: 'target', done, total, ...r }) + '\n')
          : this.jsonEnabled() || process.env.KUZU_MIGRATE_PROGRESS === '0'
            ? undefined
            : (r, done, total) => process.stderr.write(`[${done}/${total}] ${r.target}: ${r.status}${r.error ? ` (${r.error.code})` : ''} ${r.duration_ms} ms\n`),
      });
      reportFleet(result, { results: f.results as string | undefined, markdown: opts.markdown, json: this.jsonEnabled(), out: (s) => this.out(s) });
      if (controller.signal.aborted) {
        process.stderr.write('Interrupted: no further target was started; each finished target is complete, the rest untouched. Run the same command again to continue.\n');
        process.exitCode = 130;
      }
      return result;
    } finally {
      process.off('SIGINT', abort);
      process.off('SIGTERM', abort);
    }
  }

  /** --json-events: stdout is a stream of JSON lines (progress, then `result` or `error`). */
  protected jsonEvents(): boolean {
    return this.argv.includes('--json-events');
  }

  /** Human output is off in both machine modes, --json and --json-events. */
  public override jsonEnabled(): boolean {
    return super.jsonEnabled() || (Boolean(this.ctor.enableJsonFlag) && this.jsonEvents());
  }

  /** The final result: one JSON document (--json), or the stream's last line (--json-events). */
  public override logJson(json: unknown): void {
    if (this.jsonEvents()) process.stdout.write(JSON.stringify({ type: 'result', exit_code: Number(process.exitCode ?? 0), result: json }) + '\n');
    else process.stdout.write(JSON.stringify(json, null, 2) + '\n');
  }

  /** Colours for stdout output, by --color/--no-color, NO_COLOR, FORCE_COLOR and whether stdout is a terminal. */
  protected get colors(): Colors {
    return colorsFor({ flag: (this.flags as Record<string, unknown>)?.color as boolean | undefined, env: process.env, isTTY: Boolean(process.stdout.isTTY) });
  }

  /**
   * Progress for long work (`activity` as a gerund: "Exporting"): JSON lines with --json-events,
   * nothing with --json or KUZU_MIGRATE_PROGRESS=0, a redrawn status line on a terminal, plain lines with a
   * "Still exporting… [10s elapsed]" at least every 10 s otherwise (CI logs).
   */
  protected progress(activity: string): Progress {
    const tty = Boolean(process.stderr.isTTY);
    // KUZU_MIGRATE_PROGRESS=0 turns human progress off (scripts that want a quiet stderr).
    const off = super.jsonEnabled() || process.env.KUZU_MIGRATE_PROGRESS === '0';
    const mode: ProgressMode = this.jsonEvents() ? 'jsonl' : off ? 'off' : tty ? 'tty' : 'lines';
    const colors = colorsFor({ flag: (this.flags as Record<string, unknown>)?.color as boolean | undefined, env: process.env, isTTY: tty });
    return new Progress({ mode, activity, colors });
  }

  /** Prints human output unless --json, where only the final result is printed. */
  protected out(text: string): void {
    if (!this.jsonEnabled()) process.stdout.write(text.endsWith('\n') ? text : text + '\n');
  }

  protected override async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    if (err instanceof Errors.ExitError) throw err;
    const known = toKnownError(err);
    if (!known) throw err; // a bug: let oclif show it in full
    if (this.jsonEvents()) {
      process.stdout.write(JSON.stringify({ type: 'error', exit_code: known.exitCode, error: errorJson(known) }) + '\n');
    } else if (this.jsonEnabled()) {
      process.stdout.write(JSON.stringify({ error: errorJson(known) }, null, 2) + '\n');
    } else {
      const body = known instanceof ConfigError ? known.message : `Error: ${known.message}`;
      process.stderr.write(body + '\n' + known.hints.map((h) => `hint: ${h}\n`).join(''));
    }
    return this.exit(known.exitCode);
  }
}

/** Errors the user can cause, as KuzuMigrateErrors; null for anything else (a bug). */
function toKnownError(err: Error & { oclif?: { exit?: number } }): KuzuMigrateError | null {
  if (err instanceof KuzuMigrateError) return err;
  // oclif's own parse errors (unknown flag, missing argument) are usage errors.
  if ('parse' in err || err.constructor?.name?.endsWith('ParseError') || /Unexpected argument|Nonexistent flag|Missing required|Expected --|^Parsing --/.test(err.message)) {
    return new KuzuMigrateError(usageCause(err.message), 'E_USAGE', ['see --help for the flags and arguments']);
  }
  return null;
}

/**
 * The cause of an oclif parse error on one line. oclif wraps some causes (a missing required flag,
 * two exclusive flags) as "The following error occurred:\n  <cause>\nSee more help with --help": its
 * first line alone names no cause, so the wrapper and the help pointer (we give our own hint) go.
 */
export function usageCause(message: string): string {
  const lines = message.split('\n').map((l) => l.trim()).filter((l) => l && !/^The following errors? occurred:$/.test(l) && !/^See more help with --help$/.test(l));
  return lines.join('; ') || message.trim();
}

export function errorJson(err: KuzuMigrateError): Record<string, unknown> {
  return {
    code: err.code,
    exit_code: err.exitCode,
    message: err.message,
    hints: err.hints,
    ...(err.steps ? { steps: err.steps } : {}),
    ...(err instanceof ConfigError ? { diagnostics: err.diagnostics, formatted: err.diagnostics.map(formatDiagnostic) } : {}),
  };
}

/**
 * kuzu-migrate as a library: the use cases the CLI runs, and their types. Each command is a thin
 * shell over one of these functions. Everything else (engine handles, catalog reads, locks,
 * backups, the snapshot codec) is internal and may change between releases.
 *
 * Errors: every failure a caller can cause is a KuzuMigrateError with a stable `code`, the
 * `exitCode` the CLI exits with and `hints` (README, "Exit codes"; the table is ERRORS).
 *
 * Engine: functions that open a database use the configured engine, Kuzu 0.11.3 by default; call
 * `configureEngine('ladybug', …)` first for LadybugDB (one native engine per process).
 */
import * as applyImpl from './apply/apply';
import * as rollbackImpl from './apply/rollback';
import * as planningImpl from './plan/planning';
import * as diffImpl from './core/diff';
import * as planImpl from './core/plan';
import * as exportImpl from './snapshot/export';
import * as importImpl from './snapshot/import';
import * as upgradeImpl from './upgrade/upgrade';
import * as initImpl from './api/init';
import * as queriesImpl from './api/queries';
import * as inspectImpl from './snapshot/inspect';
import * as doctorImpl from './snapshot/doctor';
import * as lockImpl from './state/lock';
import * as engineImpl from './kuzu/engine';
import * as lintImpl from './core/lint/analyze';

// ---- configuration ------------------------------------------------------------------------
export { loadConfig, validateConfig } from './config/config';
export { schemaToYaml } from './config/to-yaml';
export { isValidVersionName } from './core/version-name';
export type { ResolvedConfig, Policy, Check, LoadOptions } from './config/config';

// ---- the schema model and the plan ---------------------------------------------------------
export type { Schema, NodeTable, RelTable, Table, Property, Connection, Multiplicity, StorageDirection } from './core/model';
export { schemaFingerprint } from './core/model';
export { CHANGE_KINDS } from './core/changes';
export type { Change, ChangeKind, Action } from './core/changes';
export { PLAN_FORMAT_VERSION, REWRITE_STRATEGIES } from './core/plan';
export type { PlanDocument, PlanInput, PlanSummary, Step, StepPhase, Strategy, RewriteStrategy } from './core/plan';
export type { PlanSchema } from './core/plan-document';
export type { DiffResult } from './core/diff';
export { PlanError } from './core/diff';
export { renderText, renderMarkdown } from './core/render';
export type { EngineKind } from './core/engine';

/**
 * The semantic changes that turn `live` into `desired` (what differs), in a fixed order. Pure: no
 * database, no I/O. Renames are never guessed: a table or property is renamed only when the
 * desired side says `renamedFrom` (YAML `renamed_from`); otherwise a new name is a drop plus an add.
 *
 * @param live the schema the database has (introspectDatabase, or a plan's live side)
 * @param desired the declared schema (`loadConfig(file).schema`)
 * @returns `{ changes, warnings }`: Change[] (kind, table, property, from/to, action, destructive,
 *   in_place, reason) and warnings that are not changes
 * @throws PlanError (E_PLAN, exit 65) when a `renamedFrom` matches nothing or both names exist
 * @example
 *   const { changes } = diffSchemas(live, loadConfig('kuzu-migrate.yaml').schema);
 *   for (const c of changes) console.log(c.action, c.kind, c.table, c.property ?? '');
 */
export const diffSchemas: typeof diffImpl.diffSchemas = diffImpl.diffSchemas;

/**
 * The plan document for `changes` between `live` and `desired`: strategy (none, in_place, rewrite
 * with the rewrite strategy and why), the executable steps in run order (one Cypher statement
 * each, with a comment and the changes it carries out), the summary and both fingerprints. Pure;
 * `rows_affected` is only filled in by planMigration, which counts in the database.
 *
 * @param input `{ live, desired, changes, warnings, databaseExists, meta: { toolVersion,
 *   kuzuVersion, engine?, version, environment, database, now? }, rewriteStrategy?, capabilities? }`
 * @returns PlanDocument, the versioned JSON contract of schemas/plan.schema.json (snake_case)
 * @example
 *   const diff = diffSchemas(live, desired);
 *   const plan = buildPlan({ live, desired, changes: diff.changes, warnings: diff.warnings, databaseExists: true,
 *     meta: { toolVersion: '0.1.0', kuzuVersion: '0.11.3', version: 'v1.1.0', environment: null, database: '/data/graph.kuzu' } });
 *   console.log(renderText(plan, { statements: true }));
 */
export const buildPlan: typeof planImpl.buildPlan = planImpl.buildPlan;

/**
 * Plans the migration of `config.database` to the declared schema: opens the database read-only
 * (nothing is written; a missing database plans every table as a create), introspects it, diffs,
 * counts the rows each destructive change touches (inside Kuzu) and builds the plan.
 *
 * @param config from loadConfig
 * @param options `{ rewriteStrategy?: 'transaction' | 'export', countRows?: boolean (default true), now?: Date }`
 * @returns PlanDocument (`strategy: 'none'` and no changes when the database matches)
 * @throws PlanError (65) for an impossible declaration; RuntimeError E_STORAGE_VERSION /
 *   E_ENGINE_MISMATCH (1) for a database of another release or engine; LockedError (4) when the
 *   file is held by another process
 * @example
 *   const plan = await planMigration(loadConfig('kuzu-migrate.yaml'));
 *   if (plan.summary.total > 0) fs.writeFileSync('plan.json', JSON.stringify(plan, null, 2));
 */
export const planMigration: typeof planningImpl.planMigration = planningImpl.planMigration;
export type { PlanOptions } from './plan/planning';
/**
 * The live schema of an existing database, read-only (what `init` declares from): node and rel
 * tables with their properties, defaults, comments, connections and multiplicities, indexes,
 * sequences and macros, as the model types describe them.
 *
 * @param dbPath the database file (a path; opened read-only with the configured engine)
 * @returns Schema `{ nodes: NodeTable[], rels: RelTable[], indexes?, sequences?, macros? }`
 * @throws RuntimeError E_STORAGE_VERSION / E_ENGINE_MISMATCH / E_ENGINE (1) for a database of
 *   another release or engine, or one Kuzu cannot open; LockedError E_LOCKED (4) when another
 *   process holds the file
 * @example
 *   const live = await introspectDatabase('db/graph.kuzu');
 *   console.log(schemaToYaml(live));
 */
export const introspectDatabase: typeof initImpl.introspectDatabase = initImpl.introspectDatabase;

// ---- apply, recover, rollback --------------------------------------------------------------
/**
 * Applies the declaration (or a saved plan) to `config.database` under the migration lock: settles
 * an interrupted apply, re-plans (a saved plan whose live fingerprint no longer matches is
 * refused), enforces the destructive policy, pre-checks casts, backs up, runs every step in one
 * transaction (or by the export strategy), verifies rebuilt tables by content, writes the history
 * row and post-verifies the schema; a failed post-verification restores the backup.
 *
 * @param config from loadConfig
 * @param options `{ plan?: PlanDocument, allowDestructive?: boolean | string[] ('Table' or
 *   'Table.prop'), rewriteStrategy?, confirm?: (plan) => Promise<boolean>, onEvent?: (e) => void,
 *   command?: string (recorded in the lock and history) }`
 * @returns ApplyResult `{ status: 'applied' | 'no_changes' | 'aborted', apply_id, backup_id,
 *   strategy, rewrite_strategy, changes (count), verified_tables, duration_ms (milliseconds), plan,
 *   steps: StepReport[] (`{ index, phase, action, targets, status: 'applied' | 'rolled_back' |
 *   'failed' | 'not_run', duration_ms }` per step of the plan), … }`; progress arrives as ApplyEvent,
 *   a closed union discriminated by `phase` (step events carry `step` and `steps`)
 * @throws LockedError E_LOCKED (4); RefusedError E_DESTRUCTIVE, E_STALE_PLAN (3); RuntimeError
 *   E_CAST, E_APPLY, E_CHECK, E_VERIFY, E_BACKUP, E_DISK_FULL (1); PlanError (65). On any error
 *   the database is as it was before (Kuzu rolled the transaction back, or the backup was restored),
 *   and the error's `steps` says what became of each step.
 * @example
 *   const result = await applyMigration(loadConfig('kuzu-migrate.yaml'), { allowDestructive: ['Component.owner'] });
 *   console.log(result.status, result.backup_id, `${result.duration_ms} ms`);
 */
export const applyMigration: typeof applyImpl.applyMigration = applyImpl.applyMigration;
/**
 * Settles an apply or upgrade interrupted by a crash or kill, from the journal beside the database
 * (`<db>.journal.json`), deciding by the live file's content: the new database is kept when it is
 * the one the apply verified, otherwise the original is put back. `applyMigration`, `rollback` and
 * `upgradeDatabase` call it first; the `recover` command calls it alone.
 *
 * @param dbPath the database file
 * @param backupsDir the backups folder (default: the one the journal names)
 * @returns RecoveryResult `{ apply_id, outcome: 'completed' | 'rolled_back' | 'restored', message }`,
 *   or null when nothing was interrupted
 * @throws RuntimeError E_BUSY (1) when the interrupted operation's process still runs; E_RECOVER (1)
 *   when the live file is not the database the apply built and its backup is missing
 * @example
 *   const r = await recoverInterrupted('db/graph.kuzu', 'backups');
 *   if (r) console.log(r.outcome, r.message);
 */
export const recoverInterrupted: typeof applyImpl.recoverInterrupted = applyImpl.recoverInterrupted;
/**
 * Whether the destructive change `c` is covered by an allowance: `true` allows every change, a
 * list allows the named tables (`'Table'`, which covers its properties) and properties
 * (`'Table.prop'`). Pure; what apply uses for `allowDestructive`.
 *
 * @returns boolean
 * @throws nothing
 * @example
 *   const blocked = plan.changes.filter((c) => c.destructive && !isAllowed(c, ['Component.owner']));
 */
export const isAllowed: typeof applyImpl.isAllowed = applyImpl.isAllowed;
export type { ApplyOptions, ApplyResult, ApplyEvent, ApplyPhase, ApplyStagePhase, RecoveryResult, StepReport, StepStatus } from './apply/apply';

/**
 * Restores the state recorded for `version`: from the backup the apply after it took (for an
 * adopted database, the first apply's), or else by importing the snapshot `migrations/<version>/`;
 * or a named backup (`{ backup: ID }`), or the backup the last apply took (`{ last: true }`). The
 * current database is backed up first; the rollback is recorded in the history and history.jsonl.
 *
 * @param config from loadConfig
 * @param version a version name, `vMAJOR.MINOR.PATCH`, or `{ version } | { backup: ID } | { last: true }`
 * @param options `{ confirm?: (target) => Promise<boolean>, onEvent?: (e) => void }`
 * @returns RollbackResult `{ status: 'rolled_back' | 'no_changes', version, target: { source:
 *   'backup' | 'snapshot', backup_id, captured_at, … } | null, backup_id (of the state replaced), … }`
 * @throws UsageError (64) for a malformed version name; RefusedError E_CANCELLED (3) when confirm
 *   returns false; RuntimeError E_NO_DATABASE, E_NO_VERSION, E_NO_BACKUP, E_BACKUP (1); LockedError (4)
 * @example
 *   const r = await rollback(loadConfig('kuzu-migrate.yaml'), 'v1.2.0');
 *   console.log(r.status, r.target?.source);
 */
export const rollback: typeof rollbackImpl.rollbackTo = rollbackImpl.rollbackTo;
export type { RollbackOptions, RollbackResult, RollbackTarget, RollbackSelector } from './apply/rollback';

// ---- plan findings (what apply would refuse or fail on, found by plan) ------------------------
export { FINDING_CODES } from './core/findings';
export type { Finding, FindingCode, Severity as FindingSeverity, SourceLocation as FindingSource } from './core/findings';
/**
 * Removes the migration lock `id` (`<db>.lock`) left by a process that is gone. Refused when the
 * lock is another one, or is held by a process still running on this host (unless `force`).
 *
 * @param dbPath the database file
 * @param id the lock id as an error or `doctor` printed it
 * @param force remove it even when its process still runs here
 * @returns LockInfo of the removed lock `{ id, pid, host, command, started_at (ISO 8601) }`
 * @throws UsageError (64) when the database is not locked or the id is another lock's;
 *   LockedError E_LOCKED (4) when its process still runs and `force` is not set
 * @example
 *   const removed = unlock('db/graph.kuzu', '20261130T101500-3f2a');
 *   console.log(`removed the lock of ${removed.command} (pid ${removed.pid})`);
 */
export const unlock: typeof lockImpl.unlock = lockImpl.unlock;

// ---- snapshots -----------------------------------------------------------------------------
/**
 * Writes the snapshot `migrations/<version>/` of `config.database`: a lossless schema.cypher,
 * copy.cypher, data files (risky columns encoded by kuzu-migrate), manifest.json (row counts,
 * content fingerprints, sha256 of every file) and CHANGELOG.md. Never overwrites a snapshot.
 *
 * @param config from loadConfig
 * @param options `{ version: 'vX.Y.Z', format?: 'csv' | 'parquet', schemaOnly?: boolean, raw?: boolean, now?: Date }`
 * @returns ExportResult `{ version, path, format, tables, rows, bytes (on disk), previous, … }`
 * @throws UsageError (64) for a malformed version name; RefusedError E_VERSION_EXISTS,
 *   E_UNEXPORTABLE (3); RuntimeError E_NO_DATABASE, E_IO (1)
 * @example
 *   const r = await exportSnapshot(loadConfig('kuzu-migrate.yaml'), { version: 'v1.3.0', format: 'parquet' });
 *   console.log(`${r.rows} rows, ${r.bytes} bytes in ${r.path}`);
 */
export const exportSnapshot: typeof exportImpl.exportSnapshot = exportImpl.exportSnapshot;
export type { ExportOptions, ExportResult } from './snapshot/export';

/**
 * Loads the snapshot `migrations/<version>/` into a fresh staging file beside the target after
 * checking every checksum, verifies row counts and content fingerprints, and swaps it into place.
 *
 * @param config from loadConfig
 * @param options `{ version: 'vX.Y.Z', database?: string (default config.database), force?: boolean
 *   (replace a non-empty database, backed up first) }`
 * @returns ImportResult `{ version, database, tables, rows, backup (id or null), verified }`
 * @throws RefusedError E_NOT_EMPTY (3); RuntimeError E_NO_VERSION, E_MANIFEST, E_CHECKSUM,
 *   E_IMPORT, E_VERIFY (1); LockedError (4). The target is unchanged on any error.
 * @example
 *   await importSnapshot(loadConfig('kuzu-migrate.yaml'), { version: 'v1.3.0', database: '/tmp/copy.kuzu' });
 */
export const importSnapshot: typeof importImpl.importSnapshot = importImpl.importSnapshot;
export type { ImportOptions, ImportResult } from './snapshot/import';
export type { Manifest } from './snapshot/manifest';
/**
 * What there is to go back to: the snapshots under `config.migrations`, the backups, and the apply
 * history (the database's history table merged with backups/history.jsonl). Read-only; a missing
 * database still lists snapshots and backups (`live_fingerprint: null`).
 *
 * @param config from loadConfig
 * @returns ListResult `{ migrations, database, live_fingerprint, versions: VersionInfo[] ({ version,
 *   created_at, format, rows, bytes (on disk), current, … }), backups: BackupInfo[] ({ id, path,
 *   created_at, reason, bytes }), history, warnings }`
 * @throws only an unexpected I/O error: a database that cannot be read (locked, another release)
 *   is a line in `warnings`, and the snapshots and backups are still listed
 * @example
 *   const { versions } = await listSnapshots(loadConfig('kuzu-migrate.yaml'));
 *   for (const v of versions) console.log(v.version, v.rows, v.current ? '(current)' : '');
 */
export const listSnapshots: typeof inspectImpl.listSnapshots = inspectImpl.listSnapshots;
/**
 * The schema changes between two sides, each a snapshot version, the live database or the
 * declaration, as semantic changes and a unified diff of their schema.cypher. Read-only. Declared
 * renames that do not apply between the two sides are ignored with a warning (drop + create).
 *
 * @param config from loadConfig
 * @param from `{ kind: 'version', version: 'vX.Y.Z' } | { kind: 'live' } | { kind: 'declared' }`
 * @param to the same
 * @returns VersionDiffResult `{ from, to (labels), changes: Change[], patch (unified diff text), warnings }`
 * @throws RuntimeError E_NO_VERSION (1) for a version without a snapshot, E_NO_DATABASE (1) for
 *   `live` without a database, E_MANIFEST (1) for a damaged manifest
 * @example
 *   const d = await diffVersions(config, { kind: 'version', version: 'v1.0.0' }, { kind: 'declared' });
 *   console.log(renderDiffText(d));
 */
export const diffVersions: typeof inspectImpl.diffVersions = inspectImpl.diffVersions;
/** A diff result as text for a terminal: one line a change with its reason, then the patch. Pure. */
export const renderDiffText: typeof inspectImpl.renderDiffText = inspectImpl.renderDiffText;
/** A diff result as GitHub Markdown (a ```diff block, the patch folded in a details element). Pure. */
export const renderDiffMarkdown: typeof inspectImpl.renderDiffMarkdown = inspectImpl.renderDiffMarkdown;
/**
 * Verifies the live database, read-only, against the declaration or a snapshot (`version`): the
 * schema, row counts and content fingerprints per table (against a snapshot), indexes that answer,
 * sequences not behind, and the YAML's `checks:` through the same evaluator apply uses.
 *
 * @param config from loadConfig
 * @param options `{ version?: 'vX.Y.Z', onEvent?: (e: { phase, message, rows? }) => void }`
 * @returns VerifyResult `{ ok, database, against ('declaration' or the version), checks: { name, ok,
 *   problems: string[] }[] }`; a failed check is `ok: false`, not an exception
 * @throws RuntimeError E_NO_DATABASE, E_NO_VERSION, E_MANIFEST (1); LockedError E_LOCKED (4);
 *   ConfigError E_CHECK_NOT_READ_ONLY (65) for a check that is not one read-only query
 * @example
 *   const r = await verifyDatabase(loadConfig('kuzu-migrate.yaml'), { version: 'v1.2.0' });
 *   for (const c of r.checks.filter((x) => !x.ok)) console.log(c.name, c.problems.join('; '));
 */
export const verifyDatabase: typeof inspectImpl.verifyDatabase = inspectImpl.verifyDatabase;
export type { ListResult, VersionInfo, BackupInfo, DiffSide, VersionDiffResult, VerifyResult, VerifyCheck } from './snapshot/inspect';
/**
 * Read-only health report of a project: the configuration, the database file (engine, storage
 * version, size, file system), the lock, an interrupted operation's journal, leftovers of killed
 * runs, backups and snapshots (checksums), free disk space against what an apply would need.
 *
 * @param config from loadConfig
 * @returns DoctorResult `{ ok (no item is 'error'), items: { name, status: 'ok' | 'warning' |
 *   'error', detail }[] }`; a problem is an item, not an exception
 * @throws nothing for what it inspects (each problem is an item); only an unexpected I/O error
 * @example
 *   const r = await runDoctor(loadConfig('kuzu-migrate.yaml'));
 *   for (const i of r.items) if (i.status !== 'ok') console.log(i.status, i.name, i.detail);
 */
export const runDoctor: typeof doctorImpl.runDoctor = doctorImpl.runDoctor;
/**
 * Times and profiles the YAML's declared `queries:` on the live database, read-only
 * (docs/queries.md), and judges them against their declared result and tolerances and against the
 * timings the last apply recorded.
 *
 * @param config from loadConfig
 * @param options `{ runs?: number (measured runs per query, default 5), warmup?: number (default 1),
 *   onQuery?: (q) => void }`
 * @returns QueriesResult `{ database, runs, warmup, baseline, ok, queries: QueryReport[] (name,
 *   median_ms, min_ms, max_ms, p90_ms, baseline_ms in milliseconds, rows, value, operators,
 *   verdict: { ok, problems, notes, slowdown }, error) }`
 * @throws RuntimeError E_NO_DATABASE (1); ConfigError E_CHECK_NOT_READ_ONLY (65) for a query that
 *   is not read-only; LockedError E_LOCKED (4)
 * @example
 *   const r = await benchQueries(loadConfig('kuzu-migrate.yaml'), { runs: 10 });
 *   for (const q of r.queries) console.log(q.name, q.median_ms, 'ms');
 */
export const benchQueries: typeof queriesImpl.benchQueries = queriesImpl.benchQueries;
export type { QueriesResult, QueryReport } from './core/render-queries';
export type { DeclaredQuery, QueryRun, QueryVerdict, ProfileOperator } from './core/queries';
export type { DoctorItem, DoctorResult, DoctorStatus } from './snapshot/doctor';

// ---- engines and upgrade -------------------------------------------------------------------
/**
 * Chooses the engine this process opens databases with: `'kuzu'` (the bundled Kuzu 0.11.3, the
 * default) or `'ladybug'` (LadybugDB, installed into the engine cache on first use with
 * `setup.approveInstall`'s consent). Nothing is loaded until a database is opened. One native
 * engine per process: two crash it.
 *
 * @param kind `'kuzu' | 'ladybug'`
 * @param setup `{ approveInstall?: (release) => Promise<boolean>, enginesDir?: string, onInstall?: (e) => void }`
 * @returns EngineRelease `{ id, engine, version, storageVersion, capabilities, … }`
 * @throws RuntimeError E_ENGINE_CONFLICT (1) when this process already loaded another engine
 * @example
 *   configureEngine('ladybug', { approveInstall: async () => true });
 *   const plan = await planMigration(loadConfig('kuzu-migrate.yaml'));
 */
export const configureEngine: typeof engineImpl.configureEngine = engineImpl.configureEngine;
export { loadEngine, configuredEngine, engineVersion } from './kuzu/engine';
export type { EngineSetup } from './kuzu/engine';
export type { EngineRelease, EngineCapabilities } from './engines/releases';

/**
 * Moves a database to another engine release (Kuzu 0.9/0.10 folders, 0.11 files, LadybugDB):
 * detects the release that wrote it from its bytes, exports it read-only with that release (in its
 * own process, installed into the engine cache on approval), loads it into a fresh database of the
 * target, verifies schema, row counts and content fingerprints across the two engines, backs up
 * the original and swaps the new file in, under the migration lock and with a journal.
 *
 * @param options `{ database, backups (folder), from?: 'kuzu@0.10.1' (default: detected), to?:
 *   'kuzu@0.11.3' | 'ladybug' (default kuzu@0.11.3), declared?: Schema, format?, approveInstall?,
 *   confirm?, onEvent?, enginesDir? }`
 * @returns UpgradeResult `{ status: 'upgraded' | 'no_changes' | 'aborted', from, to, tables, rows,
 *   verified_tables, backup_id, backup_path, duration_ms (milliseconds), … }`
 * @throws UsageError (64) for an unknown release name; RefusedError E_UNKNOWN_ENGINE,
 *   E_UNKNOWN_STORAGE_VERSION, E_ENGINE_NOT_INSTALLED (3); RuntimeError E_NO_DATABASE,
 *   E_ENGINE_INSTALL, E_ENGINE, E_VERIFY, E_BACKUP (1); LockedError (4). A failed or killed
 *   upgrade leaves the original in place, openable by its own release.
 * @example
 *   const r = await upgradeDatabase({ database: 'db/graph.kuzu', backups: 'backups', approveInstall: async () => true });
 *   console.log(`${r.from} → ${r.to}: ${r.rows} rows verified`);
 */
export const upgradeDatabase: typeof upgradeImpl.upgradeDatabase = upgradeImpl.upgradeDatabase;
export type { UpgradeOptions, UpgradeResult, UpgradePlan, UpgradeEvent } from './upgrade/upgrade';

// ---- errors --------------------------------------------------------------------------------
export { ERRORS, ExitCode, KuzuMigrateError, ConfigError, UsageError, LockedError, RefusedError, RuntimeError, formatDiagnostic } from './core/errors';
export type { ErrorCode, ErrorSpec, ExitCodeValue, Diagnostic } from './core/errors';

// ---- lint (docs/lint.md) -------------------------------------------------------------------
/**
 * The lint analyzer, pure: a plan (and optional facts counted in the database) → coded findings.
 * `planMigration` already fills `plan.lint` with it; call it directly to lint a plan built with
 * `buildPlan` (e.g. against another declaration, as `lint --base` does).
 *
 * @param plan a PlanDocument (its changes, rebuilt_tables, desired_schema, rewrite_strategy, database_exists)
 * @param ctx `{ settings?: per-rule severity, policy?, protect?: ('Table' | 'Table.prop')[], facts?: rows
 *   counted in the database, locate?: where a table or property is declared }`
 * @returns LintReport `{ findings: LintFinding[] (errors first), summary: {error, warning, notice}, estimate? }`
 * @throws nothing: findings are data
 * @example
 *   const report = analyzePlan(buildPlan(input));
 *   for (const f of report.findings) console.log(f.severity, f.code, f.message);
 */
export const analyzePlan: typeof lintImpl.analyzePlan = lintImpl.analyzePlan;
export type { LintFinding, LintReport, LintFacts, LintContext, SourceLocation, RebuildEstimate } from './core/lint/analyze';
export { LINT_RULES } from './core/lint/codes';
export type { LintRule, LintSettings, Severity } from './core/lint/codes';
/** The declaration at a git ref (or in a YAML file) as the base of `lint --base`. Throws UsageError (64), ConfigError (65). */
export { loadBase } from './lint/base';
/** Findings as a SARIF 2.1.0 log (JSON text), paths relative to `root` (default: the working directory). */
export { toSarif } from './lint/sarif';

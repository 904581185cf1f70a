/**
 * kuzu-migrate as a library: the same typed API the CLI commands are thin shells over.
 */
export * from './core/errors';
export * from './core/model';
export * from './core/types';
export * from './core/changes';
export { diffSchemas, PlanError } from './core/diff';
export * from './core/plan';
export { renderText, renderMarkdown, describeChange, summaryLine } from './core/render';
export { schemaToCypher } from './core/ddl';
export { loadConfig, validateConfig, schemaToYaml, isValidVersionName } from './config/config';
export type { ResolvedConfig, Policy, Check } from './config/config';
export { planMigration, readLive } from './api/planning';
export { introspectDatabase } from './api/init';
export { KuzuEngine, withEngine, kuzuVersion, configureEngine, loadEngine, configuredEngine, engineVersion, engineKind } from './kuzu/engine';
export { introspect, introspectPath } from './kuzu/introspect';
export { applyMigration, recoverInterrupted, isAllowed } from './apply/apply';
export type { ApplyOptions, ApplyResult, ApplyEvent, RecoveryResult } from './apply/apply';
export { acquireLock, unlock, readLock } from './apply/lock';
export { createBackup, listBackups, restoreBackup } from './apply/backup';
export { readHistory, HISTORY_TABLE } from './apply/history';
export { fingerprintDatabase, fingerprintTable, compareFingerprints } from './kuzu/fingerprint';
export * from './snapshot';
export { analyzePlan } from './core/lint/analyze';
export type { LintFinding, LintReport, LintFacts, LintContext, SourceLocation } from './core/lint/analyze';
export { LINT_RULES, severityOf } from './core/lint/codes';
export { protectionViolations, destructiveAllowed, withoutUnmanaged, matchesPattern } from './core/lint/protection';
export { estimateRebuild } from './core/lint/cost';
export { loadBase } from './lint/base';
export { toSarif } from './lint/sarif';

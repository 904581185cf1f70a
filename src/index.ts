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
export { introspectDatabase, adoptDatabase } from './api/init';
export { KuzuEngine, withEngine, kuzuVersion, configureEngine, loadEngine, configuredEngine, engineVersion, engineKind } from './kuzu/engine';
export { introspect, introspectPath } from './kuzu/introspect';
export { applyMigration, recoverInterrupted, isAllowed, savedPlanGuard, findingError } from './apply/apply';
export * from './core/findings';
export { policyFindings, versionFindings, compareVersions as compareVersionNames, mergeAllowance } from './core/rules';
export { precheck, dataFindings, expressionFindings, missingDatabaseFinding } from './apply/precheck';
export type { PrecheckOptions } from './apply/precheck';
export { appendHistoryLog, readHistoryLog, mergeHistory, HISTORY_LOG_FILE } from './apply/history-log';
export type { MergedEntry, LoggedEntry } from './apply/history-log';
export { rollbackTo, findRollbackTarget, findBackupTarget } from './apply/rollback';
export type { RollbackSelector, RollbackResult, RollbackTarget } from './apply/rollback';
export { planSchemaProblems } from './apply/plan-file';
export type { ApplyOptions, ApplyResult, ApplyEvent, RecoveryResult } from './apply/apply';
export { acquireLock, unlock, readLock } from './apply/lock';
export { createBackup, listBackups, restoreBackup } from './apply/backup';
export { readHistory, HISTORY_TABLE } from './apply/history';
export { fingerprintDatabase, fingerprintTable, compareFingerprints } from './kuzu/fingerprint';
export * from './snapshot';

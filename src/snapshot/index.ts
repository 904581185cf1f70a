/** Snapshots as a library: export, import, list, diff, verify and doctor. */
export * from './codec';
export * from './manifest';
export * from './version-name';
export { renderChangelog } from './changelog';
export type { ChangelogInput } from './changelog';
export { exportFiles, loadStatement, UnexportableError } from './statements';
export { exportSnapshot, serialSequences, sequenceStatements } from './export';
export type { ExportOptions, ExportResult } from './export';
export { importSnapshot, IMPORT_STAGING_PREFIX } from './import';
export type { ImportOptions, ImportResult } from './import';
export { checkFiles, readManifest } from './files';
export { fingerprintContent } from './fingerprint';
export { listSnapshots, diffVersions, renderDiffText, renderDiffMarkdown, verifyDatabase } from './inspect';
export type { ListResult, VersionInfo, BackupInfo, DiffSide, VersionDiffResult, VerifyResult, VerifyCheck } from './inspect';
export { runDoctor } from './doctor';
export type { DoctorItem, DoctorResult, DoctorStatus } from './doctor';

/**
 * The shapes lint reports in: findings, their summary and the rebuild estimate. Types only, kept
 * apart from the analyzer so the plan (core/plan.ts) can carry a report without importing it.
 */
import type { LintFamily, Severity } from './codes';
import type { SourceLocation } from '../findings';

/** A position in a YAML file (1-based line and column): the one findings use (core/findings.ts). */
export type { SourceLocation };

/**
 * One finding. A superset of the plan-time finding shape {code, severity, message, hint, table?,
 * property?, location?} so both kinds can be listed together.
 */
export interface LintFinding {
  /** Stable code, e.g. `KM101` (docs/lint.md has a section per code). */
  code: string;
  /** The rule's stable name, e.g. `drop-table`. */
  rule: string;
  family: LintFamily;
  severity: Severity;
  message: string;
  /** How to fix it, or how to accept it. */
  hint: string;
  table?: string;
  property?: string;
  /** Where in the YAML the finding is about (the declaration, or the section it was removed from). */
  location?: SourceLocation;
  /** Index into plan.changes of the change it is about, when one. */
  change?: number;
  /** Rows or relationships involved, when counted. */
  rows?: number;
}

export interface LintSummary {
  error: number;
  warning: number;
  notice: number;
}

/** The `lint` field of the plan JSON. */
export interface LintReport {
  findings: LintFinding[];
  summary: LintSummary;
  /** The rebuild estimate, when the plan rebuilds tables and the database was measured. */
  estimate?: RebuildEstimate;
}

export interface RebuildEstimate {
  strategy: 'transaction' | 'export';
  /** Rows (nodes + relationships) copied. */
  rows: number;
  /** Bytes of the rebuilt tables, estimated as their share of the database file by row count. */
  bytes: number;
  /** Estimated wall-clock seconds of the apply. */
  seconds: number;
  /** Estimated bytes of free disk the apply needs next to the database (backup included). */
  disk_needed: number;
  /** Free bytes where the database lives, when known. */
  disk_free: number | null;
}

/**
 * Findings drawn as text lines (terminal) and Markdown (pull-request comment). Pure; the plan
 * renderers call these so `plan` and `lint` show findings the same way.
 */
import type { LintFinding, LintReport } from './analyze';

/** `kuzu-migrate.yaml:12:5: ` when the finding has a location. */
function where(f: LintFinding): string {
  return f.location ? `${f.location.file}:${f.location.line}:${f.location.column}: ` : '';
}

/** One line per finding plus its hint, and a count line; empty when there is nothing to say. */
export function lintTextLines(report: LintReport | undefined): string[] {
  if (!report || report.findings.length === 0) return [];
  const lines = ['Findings:'];
  for (const f of report.findings) {
    lines.push(`  ${f.severity.padEnd(7)} ${f.code} ${where(f)}${f.message}`);
    lines.push(`          hint: ${f.hint}`);
  }
  lines.push(`  ${countLine(report)}`, '');
  return lines;
}

export function countLine(report: LintReport): string {
  const s = report.summary;
  return `${s.error} error${s.error === 1 ? '' : 's'}, ${s.warning} warning${s.warning === 1 ? '' : 's'}, ${s.notice} notice${s.notice === 1 ? '' : 's'}`;
}

const ICON: Record<LintFinding['severity'], string> = { error: '⛔', warning: '⚠️', notice: 'ℹ️' };

/** A Markdown table of the findings (code links to docs/lint.md); empty when none. */
export function lintMarkdownLines(report: LintReport | undefined): string[] {
  if (!report || report.findings.length === 0) return [];
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const out = [`**Findings:** ${countLine(report)}`, '', '| | code | where | finding | how to fix or accept |', '|---|---|---|---|---|'];
  for (const f of report.findings) {
    const at = f.location ? `\`${f.location.file}:${f.location.line}\`` : '';
    out.push(`| ${ICON[f.severity]} ${f.severity} | ${f.code} | ${at} | ${cell(f.message)} | ${cell(f.hint)} |`);
  }
  out.push('');
  return out;
}

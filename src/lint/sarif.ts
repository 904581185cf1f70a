/**
 * Findings as SARIF 2.1.0 (through node-sarif-builder), so GitHub code scanning annotates the YAML
 * lines of a pull request. Every rule is listed (with its docs/lint.md anchor) so rule indexes are
 * stable; results carry the YAML file:line:column, the file relative to `root` (the repository
 * root in CI) with forward slashes, as code scanning expects.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SarifBuilder, SarifResultBuilder, SarifRuleBuilder, SarifRunBuilder } from 'node-sarif-builder';
import { LINT_RULES } from '../core/lint/codes';
import type { LintFinding } from '../core/lint/analyze';
import { TOOL_VERSION } from '../version';

/** Where the documentation of each code lives (its section anchor is the lower-case code). */
export const LINT_DOCS_URL = 'https://github.com/kuzu-migrate/kuzu-migrate/blob/main/docs/lint.md';

const LEVEL = { error: 'error', warning: 'warning', notice: 'note' } as const;

/** The SARIF log as a JSON string. `root`: the folder result paths are made relative to. */
export function toSarif(findings: readonly LintFinding[], root: string = process.cwd()): string {
  const run = new SarifRunBuilder().initSimple({ toolDriverName: 'kuzu-migrate', toolDriverVersion: TOOL_VERSION, url: LINT_DOCS_URL });
  for (const r of LINT_RULES) {
    const rule = new SarifRuleBuilder().initSimple({ ruleId: r.code, shortDescriptionText: r.name, fullDescriptionText: r.summary, helpUri: `${LINT_DOCS_URL}#${r.code.toLowerCase()}` });
    run.addRule(rule);
  }
  for (const f of findings) {
    const loc = f.location;
    const uri = loc ? toUri(loc.file, root) : undefined;
    run.addResult(
      new SarifResultBuilder().initSimple({
        level: LEVEL[f.severity],
        messageText: `${f.message}. Hint: ${f.hint}`,
        ruleId: f.code,
        ...(loc && uri ? { fileUri: uri, startLine: loc.line, startColumn: loc.column } : {}),
      }),
    );
  }
  const builder = new SarifBuilder();
  builder.addRun(run);
  return builder.buildSarifJsonString({ indent: true });
}

function toUri(file: string, root: string): string {
  const abs = path.resolve(file);
  const rel = path.relative(root, abs);
  // Outside the root (not a repository file): an absolute file URI, which SARIF viewers open.
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : pathToFileURL(abs).href;
}

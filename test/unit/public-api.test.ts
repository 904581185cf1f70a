/**
 * The public API (src/index.ts) is deliberate: the use cases and their types, nothing by accident,
 * and the main entry points documented with shapes, errors and an example.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import * as api from '../../src/index';

const INDEX = path.resolve(__dirname, '..', '..', 'src', 'index.ts');

describe('public API', () => {
  it('exports exactly the listed values (add here deliberately when the API grows)', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'loadConfig', 'validateConfig', 'schemaToYaml', 'isValidVersionName',
        'schemaFingerprint', 'CHANGE_KINDS', 'PLAN_FORMAT_VERSION', 'REWRITE_STRATEGIES', 'PlanError', 'renderText', 'renderMarkdown',
        'diffSchemas', 'buildPlan', 'planMigration', 'introspectDatabase',
        'applyMigration', 'recoverInterrupted', 'isAllowed', 'rollback', 'unlock',
        'exportSnapshot', 'importSnapshot', 'listSnapshots', 'diffVersions', 'renderDiffText', 'renderDiffMarkdown', 'verifyDatabase', 'runDoctor', 'benchQueries',
        'configureEngine', 'loadEngine', 'configuredEngine', 'engineVersion', 'upgradeDatabase',
        'FINDING_CODES',
        'ERRORS', 'ExitCode', 'KuzuMigrateError', 'ConfigError', 'UsageError', 'LockedError', 'RefusedError', 'RuntimeError', 'formatDiagnostic',
        'analyzePlan', 'LINT_RULES', 'loadBase', 'toSarif',
      ].sort(),
    );
    for (const f of ['applyMigration', 'exportSnapshot', 'importSnapshot', 'upgradeDatabase', 'rollback', 'diffSchemas', 'buildPlan', 'planMigration'] as const) {
      expect([f, typeof api[f]]).toEqual([f, 'function']);
    }
  });

  it('the main entry points have doc comments with shapes, errors and an example', () => {
    const source = ts.createSourceFile(INDEX, fs.readFileSync(INDEX, 'utf8'), ts.ScriptTarget.ES2022, true);
    const docs = new Map<string, string>();
    for (const st of source.statements) {
      if (!ts.isVariableStatement(st)) continue;
      const name = (st.declarationList.declarations[0].name as ts.Identifier).text;
      docs.set(name, ts.getJSDocCommentsAndTags(st.declarationList.declarations[0]).map((d) => d.getText()).join('\n'));
    }
    const problems: string[] = [];
    for (const f of ['applyMigration', 'exportSnapshot', 'importSnapshot', 'upgradeDatabase', 'rollback', 'diffSchemas', 'buildPlan', 'planMigration']) {
      const doc = docs.get(f) ?? '';
      for (const tag of ['@returns', '@example']) if (!doc.includes(tag)) problems.push(`${f}: no ${tag}`);
      if (f !== 'buildPlan' && !doc.includes('@throws')) problems.push(`${f}: no @throws`);
      if (doc.split('\n').length < 8) problems.push(`${f}: doc comment shorter than 8 lines`);
    }
    expect(problems).toEqual([]);
  });
});

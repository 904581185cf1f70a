/**
 * The public API (src/index.ts) is deliberate: the use cases and their types, nothing by accident,
 * and the main entry points documented with shapes, errors and an example.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import * as api from '../../src/index';

const INDEX = path.resolve(__dirname, '..', '..', 'src', 'index.ts');
/** The use cases: each documented with shapes, units, errors and an example. */
const USE_CASES = [
  'diffSchemas', 'buildPlan', 'planMigration', 'introspectDatabase', 'applyMigration', 'recoverInterrupted', 'isAllowed', 'rollback', 'unlock',
  'exportSnapshot', 'importSnapshot', 'listSnapshots', 'diffVersions', 'verifyDatabase', 'runDoctor', 'benchQueries',
  'configureEngine', 'upgradeDatabase', 'analyzePlan',
] as const;

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
    for (const f of USE_CASES) {
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
    for (const f of USE_CASES) {
      const doc = docs.get(f) ?? '';
      for (const tag of ['@returns', '@example']) if (!doc.includes(tag)) problems.push(`${f}: no ${tag}`);
      if (f !== 'buildPlan' && !doc.includes('@throws')) problems.push(`${f}: no @throws`);
      if (doc.split('\n').length < 8) problems.push(`${f}: doc comment shorter than 8 lines`);
    }
    expect(problems).toEqual([]);
  });

  it('every exported value has a doc comment, in src/index.ts or where it is declared', () => {
    const source = ts.createSourceFile(INDEX, fs.readFileSync(INDEX, 'utf8'), ts.ScriptTarget.ES2022, true);
    const documented = new Set<string>();
    const undocumented: string[] = [];
    const parsed = new Map<string, ts.SourceFile>();
    const hasDoc = (n: ts.Node) => ts.getJSDocCommentsAndTags(n).length > 0;
    for (const st of source.statements) {
      if (ts.isVariableStatement(st)) {
        const d = st.declarationList.declarations[0];
        if (hasDoc(d)) documented.add((d.name as ts.Identifier).text);
      } else if (ts.isExportDeclaration(st) && !st.isTypeOnly && st.moduleSpecifier && st.exportClause && ts.isNamedExports(st.exportClause)) {
        // `export { a, b } from './x'`: a doc comment on the export covers it; else a's declaration in x.ts must have one.
        const from = path.resolve(path.dirname(INDEX), (st.moduleSpecifier as ts.StringLiteral).text + '.ts');
        const target = parsed.get(from) ?? ts.createSourceFile(from, fs.readFileSync(from, 'utf8'), ts.ScriptTarget.ES2022, true);
        parsed.set(from, target);
        for (const e of st.exportClause.elements) {
          const name = (e.propertyName ?? e.name).text;
          const decl = target.statements.find((x) =>
            ((ts.isFunctionDeclaration(x) || ts.isClassDeclaration(x)) && x.name?.text === name) ||
            (ts.isVariableStatement(x) && x.declarationList.declarations.some((v) => ts.isIdentifier(v.name) && v.name.text === name)),
          );
          const doc = hasDoc(st) || (decl !== undefined && (hasDoc(decl) || (ts.isVariableStatement(decl) && hasDoc(decl.declarationList.declarations[0]))));
          if (doc) documented.add(e.name.text);
        }
      }
    }
    for (const name of Object.keys(api)) if (!documented.has(name)) undocumented.push(name);
    expect(undocumented).toEqual([]);
  });
});

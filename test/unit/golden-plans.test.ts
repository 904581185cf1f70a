/**
 * Golden plans, in-process: a folder per case under test/golden/cases/ with the desired YAML; the
 * live side is test/golden/cases/live.yaml read as if introspected. The plan is built by the pure
 * planner (diffSchemas + buildPlan) and compared as JSON, text (with statements) and Markdown.
 * UPDATE_GOLDEN=1 rewrites the expected files when a change is intended; review the diff.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../../src/config/config';
import { diffSchemas } from '../../src/core/diff';
import { buildPlan } from '../../src/core/plan';
import { renderMarkdown, renderText } from '../../src/core/render';

const CASES = path.join(__dirname, '..', 'golden', 'cases');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const live = loadConfig(path.join(CASES, 'live.yaml')).schema;
const cases = fs.readdirSync(CASES, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

function golden(file: string, actual: string): void {
  if (UPDATE || !fs.existsSync(file)) fs.writeFileSync(file, actual);
  expect(actual).toBe(fs.readFileSync(file, 'utf8'));
}

describe('golden plans', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThanOrEqual(3));

  it.each(cases)('%s', (name) => {
    const dir = path.join(CASES, name);
    const config = loadConfig(path.join(dir, 'desired.yaml'));
    const diff = diffSchemas(live, config.schema);
    const plan = buildPlan({
      live,
      desired: config.schema,
      changes: diff.changes,
      warnings: diff.warnings,
      databaseExists: true,
      meta: { toolVersion: '<v>', kuzuVersion: '0.11.3', engine: 'kuzu', version: config.version, environment: null, database: '<project>/db/graph.kuzu', now: new Date('2026-01-01T00:00:00Z') },
    });
    golden(path.join(dir, 'plan.json'), JSON.stringify(plan, null, 2) + '\n');
    golden(path.join(dir, 'plan.txt'), renderText(plan, { statements: true }));
    golden(path.join(dir, 'plan.md'), renderMarkdown(plan));
  });
});

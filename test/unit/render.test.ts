/**
 * Golden plans rendered in-process: the text and Markdown views are rendered from the plan JSON
 * (test/golden/plan.json, which test/e2e/cli.test.ts checks the CLI writes), so text, Markdown and
 * `--format json` cannot disagree. UPDATE_GOLDEN=1 rewrites the views when a change is intended.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PlanDocument } from '../../src/core/plan';
import { describeChange, renderMarkdown, renderText, summaryLine } from '../../src/core/render';

const GOLDEN = path.join(__dirname, '..', 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const plan = JSON.parse(fs.readFileSync(path.join(GOLDEN, 'plan.json'), 'utf8')) as PlanDocument;

function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (UPDATE) fs.writeFileSync(file, actual);
  expect(actual).toBe(fs.readFileSync(file, 'utf8'));
}

describe('renderers, from the golden plan JSON', () => {
  it('text with statements', () => golden('plan.txt', renderText(plan, { statements: true })));
  it('Markdown', () => golden('plan.md', renderMarkdown(plan)));

  it('text without statements lists every change and no statement', () => {
    const text = renderText(plan);
    for (const c of plan.changes) expect(text).toContain(describeChange(c));
    expect(text).not.toContain('Statements:');
    expect(text).toContain(summaryLine(plan.summary));
  });

  it('an empty plan says there is nothing to do', () => {
    const empty: PlanDocument = { ...plan, changes: [], steps: [], strategy: 'none', rewrite_strategy: null, rebuilt_tables: [], summary: { create: 0, update: 0, delete: 0, replace: 0, destructive: 0, total: 0 } };
    expect(renderText(empty)).toMatch(/No changes/);
    expect(renderMarkdown(empty)).not.toMatch(/WARNING/);
  });
});

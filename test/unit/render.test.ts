/**
 * Golden plans rendered in-process: the text and Markdown views are rendered from the plan JSON
 * (test/golden/plan.json, which test/e2e/cli.test.ts checks the CLI writes), so text, Markdown and
 * `--format json` cannot disagree. UPDATE_GOLDEN=1 rewrites the views when a change is intended.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PlanDocument } from '../../src/core/plan';
import { describeChange, displayPath, renderMarkdown, renderText, summaryLine } from '../../src/core/render';

const GOLDEN = path.join(__dirname, '..', 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const plan = JSON.parse(fs.readFileSync(path.join(GOLDEN, 'plan.json'), 'utf8')) as PlanDocument;

function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (UPDATE) fs.writeFileSync(file, actual);
  expect(actual).toBe(fs.readFileSync(file, 'utf8'));
}

describe('renderers, from the golden plan JSON', () => {
  // As the CLI renders them: paths relative to the YAML's folder, the default policy's verdict.
  const refused = plan.changes.filter((c) => c.destructive).map((c) => (c.property ? `${c.table}.${c.property}` : c.table));
  it('text with statements', () => golden('plan.txt', renderText(plan, { statements: true, baseDir: '<project>' })));
  it('Markdown', () => golden('plan.md', renderMarkdown(plan, { baseDir: '<project>', policy: { refused } })));

  it('paths are shown relative to the YAML', () => {
    expect(displayPath('/srv/app/db/g.kuzu', '/srv/app')).toBe('./db/g.kuzu');
    expect(displayPath('/srv/data/g.kuzu', '/srv/app/')).toBe('../data/g.kuzu');
    expect(displayPath('/var/g.kuzu', '/srv/app')).toBe('/var/g.kuzu');
    expect(displayPath('/srv/app/g.kuzu')).toBe('/srv/app/g.kuzu');
  });

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

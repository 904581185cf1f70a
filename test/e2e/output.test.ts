/**
 * What people and wrappers see, asserted on real output of the built CLI: colour (FORCE_COLOR,
 * NO_COLOR, --no-color, a terminal vs a pipe), progress lines in a CI log, --json and --json-events,
 * help, did-you-mean, version, drift as drift and init --merge; and the Mermaid pictures (the
 * golden Markdown plan's and the graph renderer's) checked by Mermaid's own parser.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { planGraph, renderMermaid } from '../../src/core/graph';
import { PlanDocument } from '../../src/core/plan';
import { withEngine } from '../../src/kuzu/engine';
import { copyCypher } from '../../src/snapshot/export';
import { REPO_ROOT, runCli } from '../helpers/db';
import { baseSchema, clone, makeProject } from '../helpers/project';

const ESC = '\x1b[';

/** Mermaid's own parser (mermaid.parse under jsdom), in a child process: mermaid is ESM-only. */
function mermaidParse(texts: string[]): { ok: boolean; type?: string; error?: string }[] {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'test', 'helpers', 'mermaid-parse.mjs')], { input: JSON.stringify(texts), encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

describe('Mermaid pictures pass Mermaid\'s parser', () => {
  it('the golden Markdown plan\'s block and a graph with drops, odd names and every mark', () => {
    const golden = fs.readFileSync(path.join(REPO_ROOT, 'test', 'golden', 'plan.md'), 'utf8');
    const block = /```mermaid\n([\s\S]*?)```/.exec(golden)?.[1];
    expect(block).toMatch(/Requirement<\/b> \(rebuilt\)/);
    const plan = {
      desired_schema: {
        nodes: [
          { kind: 'node', name: 'Per"son<x>', primary_key: 'id', properties: [{ name: 'id', type: 'INT64', default: null }], comment: '' },
          { kind: 'node', name: 'City', primary_key: 'name', properties: [{ name: 'name', type: 'STRING', default: null }], comment: '' },
        ],
        rels: [{ kind: 'rel', name: 'lives_in', connections: [{ from: 'Per"son<x>', to: 'City' }], multiplicity: 'MANY_ONE', storage_direction: 'both', properties: [], comment: '' }],
      },
      changes: [
        { kind: 'create_node_table', table: 'City', table_kind: 'node', action: 'create', destructive: false, in_place: true, reason: '' },
        { kind: 'drop_table', table: 'Old', table_kind: 'node', action: 'delete', destructive: true, in_place: true, reason: '' },
        { kind: 'drop_table', table: 'knows', table_kind: 'rel', action: 'delete', destructive: true, in_place: true, reason: '' },
        { kind: 'drop_connection', table: 'lives_in', table_kind: 'rel', from: { from: 'Per"son<x>', to: 'Town' }, action: 'delete', destructive: true, in_place: true, reason: '' },
      ],
      rebuilt_tables: [],
    } as unknown as PlanDocument;
    const drawn = renderMermaid(planGraph(plan));
    expect(drawn).toMatch(/\(dropped\)/);
    const results = mermaidParse([block!, drawn, 'flowchart LR\n  a -->|"x"| \n']);
    expect(results.slice(0, 2)).toEqual([{ ok: true, type: 'flowchart-v2' }, { ok: true, type: 'flowchart-v2' }]);
    expect(results[2].ok).toBe(false); // the parser does reject broken text
  }, 60_000);
});

describe('terminal and CI output of the built CLI', () => {
  let p: ReturnType<typeof makeProject>;
  /** The CLI with exactly these colour variables (an empty FORCE_COLOR would force colour, as in supports-color). */
  const runColor = (args: string[], env: Record<string, string>) => {
    const base: NodeJS.ProcessEnv = { ...process.env };
    delete base.NO_COLOR;
    delete base.FORCE_COLOR;
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'run.js'), ...args], { env: { ...base, ...env }, encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  beforeAll(async () => {
    p = makeProject();
    const s = clone(baseSchema()) as any;
    p.write(s);
    expect(runCli(['apply', '--auto-approve', '-c', p.yamlPath]).status).toBe(0);
    await withEngine(p.dbPath, {}, async (e) => {
      await e.query(`UNWIND range(1, 5000) AS i CREATE (:Requirement {id: i, title: 'r, "' + CAST(i AS STRING) + '"', state: 'open', priority: 1})`);
      // score_text holds the two values plain CSV cannot carry: '' (read back as NULL) and a line break.
      await e.query("MATCH (r:Requirement) WHERE r.id = 1 SET r.score_text = ''");
      // A raw LF inside the literal: Kuzu reads '\n' as 'n'.
      await e.query("MATCH (r:Requirement) WHERE r.id = 2 SET r.score_text = 'a\nb'");
    });
    delete s.nodes.Component.properties.owner; // destructive: red
    s.nodes.Team = { primary_key: 'id', properties: { id: 'INT64' } };
    p.write(s);
  }, 120_000);

  it('colours plan symbols and destructive changes only when asked or on a terminal', () => {
    const forced = runColor(['plan', '-c', p.yamlPath], { FORCE_COLOR: '1' });
    expect(forced.status).toBe(0);
    expect(forced.stdout).toContain(`${ESC}31m  -${ESC}39m drop property Component.owner`); // delete in red
    expect(forced.stdout).toMatch(new RegExp(`${ESC.replace('[', '\\[')}31m \\[destructive`));
    expect(forced.stdout).toContain(`${ESC}32m  +${ESC}39m create node table Team`);
    for (const [env, args] of [[{ FORCE_COLOR: '1' }, ['--no-color']], [{ FORCE_COLOR: '1', NO_COLOR: '1' }, []], [{}, []]] as const) {
      const r = runColor(['plan', '-c', p.yamlPath, ...args], env);
      expect(r.stdout).toContain('drop property Component.owner');
      expect(r.stdout).not.toContain(ESC);
    }
    // A real terminal (script(1) gives the CLI a pty): coloured without being forced.
    const cmd = `${process.execPath} ${path.join(REPO_ROOT, 'bin', 'run.js')} plan -c ${p.yamlPath}`;
    const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm' };
    delete env.NO_COLOR;
    delete env.FORCE_COLOR;
    const tty = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', env, timeout: 60_000 });
    expect(tty.stdout).toContain(`${ESC}31m  -${ESC}39m drop property Component.owner`);
    // On a terminal, long work redraws one status line (elapsed time, rows and rate once known).
    const exp = spawnSync('script', ['-qec', `${process.execPath} ${path.join(REPO_ROOT, 'bin', 'run.js')} export --version v0.9.0 -c ${p.yamlPath}`, '/dev/null'], { encoding: 'utf8', env: { ...env, KUZU_MIGRATE_PROGRESS_INTERVAL: '0.05' }, timeout: 60_000 });
    expect(exp.stdout).toMatch(/\r\x1b\[2K/);
    expect(exp.stdout).toMatch(/Exporting… \x1b\[39m\x1b\[2m(?:[\d,]+ rows, [\d,]+ rows\/s, )?\d+s elapsed/);
    expect(exp.stdout).toMatch(/export\x1b\[39m: nodes\/Requirement\.parquet \(5,000 rows; 5,000 so far, [\d,]+ rows\/s\)/);
  }, 120_000);

  it('progress in a CI log: step lines with rows and rate, and "Still exporting… [Ns elapsed]" while quiet; plain CSV', async () => {
    // The 10 s interval shortened so the test does not wait 10 s; the code path is the same.
    const r = runCli(['export', '--version', 'v1.0.0', '--format', 'csv', '-c', p.yamlPath], { env: { KUZU_MIGRATE_PROGRESS: '1', KUZU_MIGRATE_PROGRESS_INTERVAL: '0.05' } });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/\] export: nodes\/Requirement[^\n]* \(5,000 rows; 5,000 so far, [\d,]+ rows\/s\)/);
    expect(r.stderr).toMatch(/^Still exporting… \[\d+s elapsed\]$/m);
    expect(r.stderr).not.toContain(ESC);
    expect(r.stdout).toMatch(/^Exported v1\.0\.0/);

    // CSV snapshots: only the columns that need it are encoded; plain strings stay plain.
    const snap = path.join(p.dir, 'migrations', 'v1.0.0');
    const csv = fs.readFileSync(path.join(snap, 'nodes', 'Requirement.csv'), 'utf8');
    expect(csv).toContain('\n3,"r, ""3""",open,1,N\n'); // title and state plain, score_text encoded (N = NULL)
    const manifest = JSON.parse(fs.readFileSync(path.join(snap, 'manifest.json'), 'utf8'));
    const cols = manifest.tables.find((t: any) => t.table === 'Requirement').files[0].columns;
    expect(Object.fromEntries(cols.map((c: any) => [c.name, c.encoding]))).toEqual({ id: 'native', title: 'native', state: 'native', priority: 'native', score_text: 'quoted' });
    expect(manifest.column_encodings.quoted).toMatch(/`N` is NULL/);
    expect(fs.readFileSync(path.join(snap, 'README.md'), 'utf8')).toContain('| `nodes/Requirement.csv` | `score_text` (STRING) |');
    const restored = path.join(p.dir, 'restored.kuzu');
    expect(runCli(['import', '--version', 'v1.0.0', '--database', restored, '-c', p.yamlPath]).status).toBe(0);
    const rows = await withEngine(restored, { readOnly: true }, (e) => e.query('MATCH (r:Requirement) WHERE r.id <= 3 RETURN r.id AS id, r.title AS title, r.score_text AS s ORDER BY id'));
    expect(rows.map((x) => [Number(x.id), x.title, x.s])).toEqual([[1, 'r, "1"', ''], [2, 'r, "2"', 'a\nb'], [3, 'r, "3"', null]]);

    // A snapshot written before CSV columns were named (its copy.cypher says LOAD FROM ...
    // auto_detect=false) is still recognised as generated, and imports.
    const old = path.join(p.dir, 'migrations', 'v1.0.9');
    fs.cpSync(snap, old, { recursive: true });
    const m = JSON.parse(fs.readFileSync(path.join(old, 'manifest.json'), 'utf8'));
    m.version = 'v1.0.9';
    const legacy = copyCypher(m, true);
    expect(legacy).toContain('(header=true, auto_detect=false)');
    fs.writeFileSync(path.join(old, 'copy.cypher'), legacy);
    const entry = m.files.find((f: any) => f.path === 'copy.cypher');
    Object.assign(entry, { bytes: Buffer.byteLength(legacy), sha256: createHash('sha256').update(legacy).digest('hex') });
    fs.writeFileSync(path.join(old, 'manifest.json'), JSON.stringify(m, null, 2));
    const imported = runCli(['import', '--version', 'v1.0.9', '--database', path.join(p.dir, 'restored-old.kuzu'), '-c', p.yamlPath]);
    expect(imported.stderr).toBe('');
    expect(imported.status).toBe(0);
  }, 90_000);

  it('--json-events streams one JSON object per line; --json keeps stdout one document', () => {
    const ev = runCli(['export', '--version', 'v1.0.1', '-c', p.yamlPath, '--json-events']);
    expect(ev.status).toBe(0);
    const lines = ev.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.some((l) => l.type === 'progress' && l.table === 'Requirement' && l.rows === 5000)).toBe(true);
    expect(lines[lines.length - 1]).toMatchObject({ type: 'result', exit_code: 0, result: { version: 'v1.0.1', rows: 5000 + 0 } });
    const bad = runCli(['export', '--version', 'nope', '-c', p.yamlPath, '--json-events']);
    expect(bad.status).toBe(64);
    expect(JSON.parse(bad.stdout.trim().split('\n').pop()!)).toMatchObject({ type: 'error', exit_code: 64, error: { code: 'E_USAGE' } });
    // oclif wraps a missing required argument as "The following error occurred:\n  <cause>": the cause must survive.
    const missing = runCli(['unlock', '-c', p.yamlPath]);
    expect(missing.status).toBe(64);
    expect(missing.stderr).toMatch(/^Error: Missing 1 required arg:.*\bid\b.*\nhint: /);
    // The version of export/import: --version or positional (as rollback takes it), never neither or two.
    const none = runCli(['export', '-c', p.yamlPath]);
    expect({ status: none.status, stderr: none.stderr }).toEqual({ status: 64, stderr: expect.stringMatching(/^Error: export needs a version\nhint: .*kuzu-migrate export v1\.2\.0/) });
    const two = runCli(['export', 'v1.0.3', '--version', 'v1.0.4', '-c', p.yamlPath, '--json']);
    expect(two.status).toBe(64);
    expect(JSON.parse(two.stdout).error).toMatchObject({ code: 'E_USAGE', message: 'export was given two versions: v1.0.3 and --version v1.0.4' });
    // A flag value oclif cannot parse ("Parsing --runs … Expected an integer") is a usage error in JSON too.
    const badInt = runCli(['queries', '--runs', 'abc', '-c', p.yamlPath, '--json']);
    expect(badInt.status).toBe(64);
    expect(JSON.parse(badInt.stdout).error).toMatchObject({ code: 'E_USAGE', message: expect.stringMatching(/^Parsing --runs.*Expected an integer but received: abc/) });
    const positional = runCli(['export', 'v1.0.3', '-c', p.yamlPath, '--json']);
    expect({ status: positional.status, version: JSON.parse(positional.stdout).version }).toEqual({ status: 0, version: 'v1.0.3' });
    const restored = path.join(path.dirname(p.dbPath), 'restored-positional.kuzu');
    const imp = runCli(['import', 'v1.0.3', '-d', restored, '-c', p.yamlPath, '--json']);
    expect({ status: imp.status, version: JSON.parse(imp.stdout).version, rows: JSON.parse(imp.stdout).rows }).toEqual({ status: 0, version: 'v1.0.3', rows: 5000 });
    const doc = runCli(['export', '--version', 'v1.0.2', '-c', p.yamlPath, '--json']);
    expect(JSON.parse(doc.stdout)).toMatchObject({ version: 'v1.0.2' });
  }, 120_000);

  it('drift reads as drift, and init --merge adopts it keeping version, checks, environments, policy and comments', async () => {
    const s = clone(baseSchema()) as any;
    const text = `# our schema, reviewed weekly\nversion: v2.0.0\ndatabase: ./db/graph.kuzu\nmigrations: ./migrations\nbackups: ./backups\nschema:\n  nodes:\n    # the requirement is the unit of work\n    Requirement: ${JSON.stringify(s.nodes.Requirement)}\n    Component: ${JSON.stringify(s.nodes.Component)}\n    Team: {primary_key: id, properties: {id: INT64}}\n  rels: ${JSON.stringify(s.rels)}\nchecks:\n  - name: ids\n    query: MATCH (r:Requirement) RETURN count(*) >= 0\nenvironments:\n  prod:\n    policy: { allow_destructive: true }\n`;
    fs.writeFileSync(p.yamlPath, text);
    await withEngine(p.dbPath, {}, async (e) => {
      await e.query('CREATE NODE TABLE Hotfix (id INT64, note STRING, PRIMARY KEY (id))');
      await e.query('ALTER TABLE Component ADD team STRING');
    });
    const d = runCli(['drift', '-c', p.yamlPath]);
    expect(d.status).toBe(2);
    expect(d.stdout).toMatch(/Found in the database, not declared:\n  node table Hotfix \(0 rows\)\n  property Component\.team/);
    expect(d.stdout).toMatch(/Declared, missing from the database:\n  node table Team/);
    expect(d.stdout).toContain(`kuzu-migrate init --merge -c ${p.yamlPath}`);
    const m = runCli(['init', '--merge', '-c', p.yamlPath]);
    expect(m.status).toBe(0);
    const after = fs.readFileSync(p.yamlPath, 'utf8');
    expect(after).toContain('# our schema, reviewed weekly');
    expect(after).toContain('# the requirement is the unit of work');
    const y = parseDocument(after).toJS();
    expect(y.version).toBe('v2.0.0');
    expect(y.checks).toHaveLength(1);
    expect(y.environments.prod.policy.allow_destructive).toBe(true);
    expect(Object.keys(y.schema.nodes).sort()).toEqual(['Component', 'Hotfix', 'Requirement']);
    expect(y.schema.nodes.Component.properties.team).toBe('STRING');
    expect(runCli(['drift', '-c', p.yamlPath]).status).toBe(0);
  }, 120_000);

  it('help CMD fits 80 columns, a typo gets did-you-mean (exit 64), version names the engines', () => {
    const h = runCli(['help', 'plan']);
    expect(h.status).toBe(0);
    expect(h.stdout).toContain('USAGE');
    expect(Math.max(...h.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);
    const typo = runCli(['plna']);
    expect(typo.status).toBe(64);
    expect(typo.stderr).toContain('did you mean `kuzu-migrate plan`?');
    const v = runCli(['version', '--json']);
    expect(JSON.parse(v.stdout)).toMatchObject({ kuzu: { version: '0.11.3', storage_version: 39 }, ladybug: { version: '0.19.1' } });
  }, 60_000);
});

/**
 * Every command's `--json` output is validated against its schema on a real run: runCli
 * (test/helpers/db.ts) checks each `--json` document it sees against schemas/. Here are the
 * commands no other test runs with `--json` (diff, graph, init, recover, unlock), and the list of
 * where each other command's real output is validated, so that a new command fails this file
 * until its `--json` output is run somewhere.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, runCli } from '../helpers/db';
import { seededProject } from '../helpers/project';

/** command → the test file that runs it with `--json` through runCli (or validates it itself, fleet). */
const VALIDATED_ELSEWHERE: Record<string, string> = {
  apply: 'test/e2e/workflow.test.ts',
  doctor: 'test/e2e/cli.test.ts',
  drift: 'test/e2e/cli.test.ts',
  export: 'test/e2e/workflow.test.ts',
  'fleet:report': 'test/e2e/fleet.test.ts',
  import: 'test/e2e/workflow.test.ts',
  lint: 'test/e2e/lint-cli.test.ts',
  list: 'test/e2e/workflow.test.ts',
  plan: 'test/e2e/cli.test.ts',
  queries: 'test/e2e/queries-cli.test.ts',
  rollback: 'test/e2e/workflow.test.ts',
  upgrade: 'test/e2e/upgrade-cli.test.ts',
  validate: 'test/e2e/cli.test.ts',
  verify: 'test/e2e/workflow.test.ts',
  version: 'test/e2e/output.test.ts',
};
const VALIDATED_HERE = ['diff', 'graph', 'init', 'recover', 'unlock'];

function commands(dir = path.join(REPO_ROOT, 'src', 'commands'), prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? commands(path.join(dir, e.name), `${prefix}${e.name}:`) : e.name.endsWith('.ts') ? [prefix + e.name.replace(/\.ts$/, '')] : [],
  );
}

describe('--json output of every command, validated on a real run', () => {
  it('every command is run with --json here or in the file listed for it', () => {
    expect([...Object.keys(VALIDATED_ELSEWHERE), ...VALIDATED_HERE].sort()).toEqual(commands().sort());
    for (const [command, file] of Object.entries(VALIDATED_ELSEWHERE)) {
      const text = fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
      // The listed file names the command and --json (a rename of either breaks this line).
      expect([command, text.includes(`'${command.split(':').pop()}'`) && text.includes('--json')]).toEqual([command, true]);
    }
  });

  it('diff, graph, init, recover and unlock print documents their schemas accept', async () => {
    const p = await seededProject();
    const cli = (...args: string[]) => runCli([...args, '-c', p.yamlPath, '--json'], { cwd: p.dir });

    expect(cli('export', 'v1.0.0').status).toBe(0);
    const diff = cli('diff', 'v1.0.0', '--declared');
    expect(diff.status).toBe(0);
    expect(JSON.parse(diff.stdout)).toMatchObject({ from: 'v1.0.0', changes: [] });

    const graph = cli('graph', '--live');
    expect(graph.status).toBe(0);
    expect(JSON.stringify(JSON.parse(graph.stdout))).toMatch(/Requirement/);

    const other = path.join(p.dir, 'adopted.yaml');
    const init = runCli(['init', '-d', p.dbPath, '-c', other, '--json'], { cwd: p.dir });
    expect(init.status).toBe(0);
    expect(fs.readFileSync(other, 'utf8')).toMatch(/Requirement/);

    const recover = cli('recover');
    expect(recover.status).toBe(0);

    // A lock left by a process that is gone (pid 2^22 + 1 is above Linux's pid_max default).
    fs.writeFileSync(`${p.dbPath}.lock`, JSON.stringify({ id: 'gone-1', pid: 4194305, host: os.hostname(), command: 'kuzu-migrate apply', started_at: new Date().toISOString() }));
    const unlock = cli('unlock', 'gone-1');
    expect(unlock.status).toBe(0);
    expect(JSON.parse(unlock.stdout)).toMatchObject({ removed: { id: 'gone-1', pid: 4194305 } });
    expect(fs.existsSync(`${p.dbPath}.lock`)).toBe(false);
    // The error envelope of the same command, too.
    const again = cli('unlock', 'gone-1');
    expect(again.status).toBe(64);
    expect(JSON.parse(again.stdout).error).toMatchObject({ code: 'E_USAGE', exit_code: 64 });
  });
});

/**
 * The package as users get it: `npm pack` (only what `files` lists, with oclif.manifest.json)
 * installed into an empty project from the tarball, using the local npm cache (--prefer-offline;
 * kuzu itself linked from this checkout),
 * and every command run from node_modules/.bin — the working ones on a real database, the rest
 * through their help.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, tempDir } from '../helpers/db';

function sh(cmd: string, args: string[], cwd: string, timeout = 240_000) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

describe('npm pack → install into an empty project → every command', () => {
  it('installs from the tarball and runs', () => {
    const dir = tempDir('km-pack-');
    // The manifest as the build (prepack) writes it, for the dist in place (`npm test` builds it,
    // perhaps with tsc alone); --ignore-scripts skips the rebuild. It stays: bin/run.js drops it once
    // a later build makes it stale.
    expect(sh(process.execPath, ['scripts/oclif-manifest.js'], REPO_ROOT).status).toBe(0);
    const packed = sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], REPO_ROOT);
    expect(packed.status).toBe(0);
    const info = JSON.parse(packed.stdout)[0];
    const files: string[] = info.files.map((f: { path: string }) => f.path);
    expect(files).toContain('oclif.manifest.json');
    expect(files.every((f) => /^(bin|dist|schemas)\/|^(oclif\.manifest\.json|package\.json|README\.md|LICENSE)$/.test(f))).toBe(true);
    expect(files.some((f) => f.startsWith('test/') || f.startsWith('src/'))).toBe(false);

    const proj = path.join(dir, 'project');
    fs.mkdirSync(proj);
    // kuzu (541 MB unpacked, its own npm package) is linked from this checkout rather than unpacked
    // again from the npm cache: it is the release the package's range resolves to (npm checks the
    // range and would install another beside it otherwise, see below), and unpacking it cost half
    // of this test's time while proving nothing about kuzu-migrate's package.
    const kuzu = path.join(REPO_ROOT, 'node_modules', 'kuzu');
    fs.writeFileSync(path.join(proj, 'package.json'), JSON.stringify({ name: 'empty', private: true, dependencies: { kuzu: `file:${kuzu}` } }));
    // --ignore-scripts: with a file: link npm runs kuzu's install script IN THIS CHECKOUT, which
    // rewrites kuzujs.node in place while the other jest worker has it loaded (both workers died of
    // SIGSEGV in a .ci/run). kuzu-migrate has no install script of its own; the linked kuzu is installed.
    const inst = sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', path.join(dir, info.filename)], proj);
    expect(inst.status).toBe(0);
    // The installed package uses that kuzu: no second copy nested under it.
    expect(fs.existsSync(path.join(proj, 'node_modules', 'kuzu-migrate', 'node_modules', 'kuzu'))).toBe(false);
    expect(fs.realpathSync(path.join(proj, 'node_modules', 'kuzu'))).toBe(fs.realpathSync(kuzu));
    const bin = path.join(proj, 'node_modules', '.bin', 'kuzu-migrate');
    const km = (...args: string[]) => sh(bin, args, proj, 60_000);

    const manifest = JSON.parse(fs.readFileSync(path.join(proj, 'node_modules', 'kuzu-migrate', 'oclif.manifest.json'), 'utf8'));
    const commands = Object.keys(manifest.commands).sort();
    expect(commands).toEqual(['apply', 'diff', 'doctor', 'drift', 'export', 'fleet:report', 'graph', 'import', 'init', 'lint', 'list', 'plan', 'queries', 'recover', 'rollback', 'unlock', 'upgrade', 'validate', 'verify', 'version']);

    // A project of its own: the YAML the README's quickstart starts from.
    fs.copyFileSync(path.join(REPO_ROOT, 'examples', 'gitops', 'kuzu-migrate.yaml'), path.join(proj, 'kuzu-migrate.yaml'));
    const steps: [string[], number][] = [
      [['version'], 0],
      [['validate'], 0],
      // The database does not exist yet: creating it is explicit (--create).
      [['plan', '--detailed-exitcode', '--create'], 2],
      [['apply', '--auto-approve', '--create'], 0],
      [['drift'], 0],
      [['graph', '--live'], 0],
      [['export', '--version', 'v1.0.0'], 0],
      [['verify', '--version', 'v1.0.0'], 0],
      [['list'], 0],
      [['lint'], 0],
      // The example declares no queries: nothing to time, exit 0.
      [['queries', '--runs', '1'], 0],
      [['diff', 'v1.0.0', '--live'], 0],
      [['import', '--version', 'v1.0.0', '--database', 'restored.kuzu'], 0],
      [['init', '--database', 'restored.kuzu', '-c', 'restored.yaml'], 0],
      [['doctor'], 0],
      [['recover'], 0],
      [['upgrade', '--database', 'restored.kuzu', '--auto-approve'], 0],
      [['unlock', 'no-such-lock'], 64],
      [['rollback', 'v0.9.0', '--auto-approve'], 1],
      [['fleet', 'report', 'no-such-result.json'], 64],
      [['help', 'autocomplete'], 0],
      [['plna'], 64],
    ];
    const got = steps.map(([args]) => [args.join(' '), km(...args)] as const);
    const statuses = got.map(([a, r]) => `${a} → ${r.status}`);
    expect(statuses).toEqual(steps.map(([args, code]) => `${args.join(' ')} → ${code}`));
    for (const [, r] of got) expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/); // no stack trace
    expect(got[0][1].stdout).toMatch(/^kuzu-migrate 0\.\d+\.\d+/);
    expect(got[5][1].stdout).toMatch(/^flowchart LR/);
  }, 300_000);
});

/**
 * Start-up artefacts of the build (issue 14): oclif.manifest.json, which spares oclif requiring
 * every command file, is used while current and dropped once a later build (tsc alone) makes it
 * older than dist/commands, so it never hides a command; the precompiled config validators give
 * the CLI the same diagnostics as the schema compiled by ajv. Runs a copy of bin/ and dist/ so that the
 * checkout's own manifest is never touched while other test files run the CLI.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateConfig } from '../../src/config/config';
import { REPO_ROOT, tempDir } from '../helpers/db';

function copyCli(): string {
  const root = tempDir('km-startup-');
  for (const d of ['bin', 'dist', 'schemas', 'scripts']) fs.cpSync(path.join(REPO_ROOT, d), path.join(root, d), { recursive: true });
  fs.copyFileSync(path.join(REPO_ROOT, 'package.json'), path.join(root, 'package.json'));
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  return root;
}

const run = (root: string, ...args: string[]) => spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

describe('oclif.manifest.json', () => {
  it('is used while newer than dist/commands, dropped once older', () => {
    const root = copyCli();
    const manifest = path.join(root, 'oclif.manifest.json');
    expect(run(root, 'scripts/oclif-manifest.js').status).toBe(0);
    const written = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { commands: Record<string, unknown> };
    expect(Object.keys(written.commands)).toEqual(expect.arrayContaining(['plan', 'drift', 'lint', 'version']));
    // The manifest decides which commands exist: without `lint` in it, help does not list lint.
    delete written.commands['lint'];
    fs.writeFileSync(manifest, JSON.stringify(written));
    const future = new Date(Date.now() + 60_000);
    fs.utimesSync(manifest, future, future);
    const used = run(root, 'bin/run.js', '--help');
    expect(used.status).toBe(0);
    expect(used.stdout).toMatch(/^\s+plan\s/m);
    expect(used.stdout).not.toMatch(/^\s+lint\s/m);
    // A command file rebuilt after it (tsc alone): the manifest goes and every command is found.
    const later = new Date(Date.now() + 120_000);
    fs.utimesSync(path.join(root, 'dist', 'commands', 'plan.js'), later, later);
    const rescanned = run(root, 'bin/run.js', '--help');
    expect(rescanned.status).toBe(0);
    expect(rescanned.stdout).toMatch(/^\s+lint\s/m);
    expect(fs.existsSync(manifest)).toBe(false);
  });
});

describe('precompiled config validators', () => {
  it('the CLI reports structural errors exactly as the ajv-compiled schema does', () => {
    const root = copyCli();
    expect(run(root, 'scripts/gen-validators.js').status).toBe(0);
    expect(fs.existsSync(path.join(root, 'dist', 'config', 'config-validators.js'))).toBe(true);
    const yaml = path.join(tempDir('km-structural-'), 'kuzu-migrate.yaml');
    fs.writeFileSync(
      yaml,
      [
        'version: 1.0',
        'engine: neo4j',
        'create: maybe',
        'colour: red',
        'database: ./db.kuzu',
        'schema:',
        '  nodes:',
        '    A:',
        '      primary_key: id',
        '      properties: { id: INT64, n: { type: STRING, defualt: 1 } }',
        '  rels:',
        '    R: { from: A }',
        '',
      ].join('\n'),
    );
    const cli = run(root, 'bin/run.js', 'validate', '-c', yaml, '--json');
    expect(cli.status).toBe(65);
    const diagnostics = JSON.parse(cli.stdout).error.diagnostics;
    // In-process from src/: no precompiled module there, so ajv compiles the schema.
    expect(diagnostics).toEqual(validateConfig(yaml).diagnostics);
    expect(diagnostics.length).toBeGreaterThanOrEqual(5);
    expect(diagnostics.map((d: { line: number }) => d.line)).toEqual(expect.arrayContaining([1, 2, 3, 4, 10, 12]));
  });
});

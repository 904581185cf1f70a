/**
 * Engine releases other than the bundled one are installed on first use, each into its own
 * folder of an engine cache, under an npm alias so several releases of one package sit side by
 * side:  <cache>/kuzu-0.10.1/node_modules/kuzu-0.10.1  (`npm install kuzu-0.10.1@npm:kuzu@0.10.1`).
 *
 * Why not optionalDependencies: each Kuzu release unpacks to ~0.5 GB (prebuilt binaries for every
 * platform), and npm installs optional dependencies by default — a plain `npm install` of the tool
 * would grow from ~0.5 GB to ~2 GB for a command most users run once per Kuzu release.
 *
 * An install goes into `.<alias>.partial-<pid>`, is checked by loading it in a worker process and
 * reading its version and storage version, and only then renamed into place: a failed or
 * interrupted install leaves nothing that looks installed.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RuntimeError } from '../core/errors';
import { EngineProcess } from './process';
import { EngineRelease } from './releases';

/** `KUZU_MIGRATE_ENGINES_DIR`, else `$XDG_CACHE_HOME/kuzu-migrate/engines` (~/.cache/...). */
export function enginesDir(): string {
  if (process.env.KUZU_MIGRATE_ENGINES_DIR) return path.resolve(process.env.KUZU_MIGRATE_ENGINES_DIR);
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'kuzu-migrate', 'engines');
}

/** Where an installed release's package lives (whether or not it is installed). */
export function packagePath(release: EngineRelease, dir = enginesDir()): string {
  return path.join(dir, release.alias, 'node_modules', release.alias);
}

const MARKER = '.km-installed.json';

/** The package folder of `release` if it is usable now, else null. */
export function installedPath(release: EngineRelease, dir = enginesDir()): string | null {
  if (release.bundled) {
    // The bundled release is kuzu-migrate's own `kuzu` dependency.
    return path.dirname(require.resolve('kuzu')); // index.js sits at the package root
  }
  const marker = path.join(dir, release.alias, MARKER);
  return fs.existsSync(marker) && fs.existsSync(path.join(packagePath(release, dir), 'package.json')) ? packagePath(release, dir) : null;
}

export interface InstallEvent {
  phase: 'install';
  message: string;
}

function npmCommand(): { cmd: string; args: string[] } {
  // Under `npm test` / `npm run`, npm says where it is; otherwise the npm next to node, then PATH.
  const execPath = process.env.npm_execpath;
  if (execPath && /npm-cli\.js$/.test(execPath)) return { cmd: process.execPath, args: [execPath] };
  const beside = path.join(path.dirname(process.execPath), 'npm');
  return { cmd: fs.existsSync(beside) ? beside : 'npm', args: [] };
}

/**
 * Installs `release` into the cache unless it is there; returns its package path. Throws an
 * E_ENGINE_INSTALL error naming npm's own message when it cannot be installed or does not load;
 * nothing is left behind then.
 */
export async function ensureEngine(release: EngineRelease, options: { dir?: string; onEvent?: (e: InstallEvent) => void } = {}): Promise<string> {
  const dir = options.dir ?? enginesDir();
  const have = installedPath(release, dir);
  if (have) return have;
  const finalDir = path.join(dir, release.alias);
  const partial = path.join(dir, `.${release.alias}.partial-${process.pid}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(partial, { recursive: true });
  const spec = `${release.alias}@npm:${release.package}@${release.version}`;
  options.onEvent?.({ phase: 'install', message: `installing ${release.id} (npm ${spec}, ~${Math.round(release.approxBytes / 1024 / 1024)} MB) into ${finalDir}` });
  try {
    fs.writeFileSync(path.join(partial, 'package.json'), JSON.stringify({ name: `km-engine-${release.alias}`, private: true }, null, 2) + '\n');
    const npm = npmCommand();
    const r = spawnSync(npm.cmd, [...npm.args, 'install', '--prefix', partial, '--no-audit', '--no-fund', '--no-save', '--no-package-lock', '--loglevel=error', spec], {
      encoding: 'utf8',
      // npm_config_* of an enclosing `npm test` (e.g. a global prefix) must not leak into this install.
      env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_(config_|package_|lifecycle_)/i.test(k))),
      timeout: 15 * 60_000,
    });
    if (r.error || r.status !== 0) {
      const why = (r.error?.message ?? r.stderr ?? '').trim().split('\n').filter((l) => !/^npm warn/i.test(l)).slice(-5).join(' | ');
      throw new RuntimeError(`cannot install ${release.id} with npm (exit ${r.status ?? 'none'}): ${why || 'no message'}`, 'E_ENGINE_INSTALL', [
        `check that the npm registry is reachable, or install it yourself: npm install --prefix ${finalDir} ${spec} (then run this again)`,
        'nothing was changed',
      ]);
    }
    // It must load here (native binary vs this machine's glibc / CPU) and be the release we expect.
    const modulePath = path.join(partial, 'node_modules', release.alias);
    let info: { version: string; storage_version: number };
    try {
      const p = await EngineProcess.start(release, modulePath);
      try {
        info = await p.info();
      } finally {
        await p.close();
      }
    } catch (err) {
      throw new RuntimeError(`${release.id} was downloaded but does not load on this machine: ${(err as Error).message}`, 'E_ENGINE_INSTALL', ['nothing was changed']);
    }
    if (info.version !== release.version || info.storage_version !== release.storageVersion) {
      throw new RuntimeError(
        `${release.id} reports version ${info.version} and storage version ${info.storage_version}, expected ${release.version} / ${release.storageVersion}`,
        'E_ENGINE_INSTALL',
      );
    }
    fs.writeFileSync(path.join(partial, MARKER), JSON.stringify({ release: release.id, spec, installed_at: new Date().toISOString(), ...info }, null, 2) + '\n');
    // Another process may have installed it meanwhile (two test workers, two shells): keep theirs.
    if (installedPath(release, dir)) {
      fs.rmSync(partial, { recursive: true, force: true });
      return packagePath(release, dir);
    }
    fs.rmSync(finalDir, { recursive: true, force: true }); // a folder without the marker is a broken install
    // The package's own files refer to it by relative paths only, so the folder can move.
    fs.renameSync(partial, finalDir);
    options.onEvent?.({ phase: 'install', message: `installed ${release.id} (${info.version}, storage version ${info.storage_version})` });
    return packagePath(release, dir);
  } catch (err) {
    fs.rmSync(partial, { recursive: true, force: true });
    throw err;
  }
}

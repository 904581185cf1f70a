/**
 * jest globalSetup of the integration and e2e projects: installs the other engine releases the
 * tests open (kuzu 0.9.0 and 0.10.1 for the upgrade round trips, LadybugDB for its own tests and
 * the crash matrix) once, before any test file starts, into KUZU_MIGRATE_ENGINES_DIR or the
 * project's .engines (git-ignored). Later runs find them there and install nothing.
 *
 * Why here and not in each file: files run in an order chosen for speed (test/sequencer.js), two
 * at a time; a file that only uses an engine when it is cached (the crash matrix's LadybugDB
 * cases) must not depend on another file having installed it first, and two files must not race
 * to install the same release.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureEngine } from '../src/engines/install';
import { findRelease } from '../src/engines/releases';

export const TEST_RELEASES = ['kuzu@0.9.0', 'kuzu@0.10.1', 'ladybug'];

const ROOT = path.resolve(__dirname, '..');
/**
 * The oclif manifest of this run's dist/ (test/global-teardown.ts removes it). oclif reads it when
 * there is no oclif.manifest.json, as the installed package reads its own: without one every CLI
 * start requires all 20 command files to list the commands, ≈ 0.1 s of CPU of the ≈ 0.5 s a short
 * command costs (measured with /usr/bin/time, 8 runs of `validate`: 0.51 s → 0.41 s), and the
 * suite starts the CLI about a thousand times. A dot file, git-ignored and never packed, so that
 * e2e/package.test.ts can write and remove oclif.manifest.json meanwhile.
 */
export const TEST_MANIFEST = '.oclif.manifest.json';

export function writeTestManifest(): void {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'oclif-manifest.js'), TEST_MANIFEST], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`test/global-setup.ts: scripts/oclif-manifest.js failed (build first: npm run build): ${r.stderr}`);
}

export function removeTestManifest(): void {
  fs.rmSync(path.join(ROOT, TEST_MANIFEST), { force: true });
}

export default async function globalSetup(): Promise<void> {
  writeTestManifest();
  const dir = process.env.KUZU_MIGRATE_ENGINES_DIR ?? path.resolve(__dirname, '..', '.engines');
  for (const name of TEST_RELEASES) {
    const release = findRelease(name);
    if (!release) throw new Error(`test/global-setup.ts: unknown release ${name}`);
    await ensureEngine(release, { dir, onEvent: (e) => process.stderr.write(`${e.message}\n`) });
  }
}

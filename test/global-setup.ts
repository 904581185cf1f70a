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
import * as path from 'node:path';
import { ensureEngine } from '../src/engines/install';
import { findRelease } from '../src/engines/releases';

export const TEST_RELEASES = ['kuzu@0.9.0', 'kuzu@0.10.1', 'ladybug'];

export default async function globalSetup(): Promise<void> {
  const dir = process.env.KUZU_MIGRATE_ENGINES_DIR ?? path.resolve(__dirname, '..', '.engines');
  // The workers jest starts next, and every CLI a test spawns (runCli passes process.env on),
  // inherit it: no test reads the user's engine cache (~/.cache/kuzu-migrate), only the clone's.
  process.env.KUZU_MIGRATE_ENGINES_DIR = dir;
  for (const name of TEST_RELEASES) {
    const release = findRelease(name);
    if (!release) throw new Error(`test/global-setup.ts: unknown release ${name}`);
    await ensureEngine(release, { dir, onEvent: (e) => process.stderr.write(`${e.message}\n`) });
  }
}

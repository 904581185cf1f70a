/**
 * jest globalTeardown of the integration and e2e projects: removes the oclif manifest that
 * test/global-setup.ts wrote for this run, so that a later change to the commands (a new command,
 * say, built with tsc alone) is never hidden by it. (`npm run build` removes a leftover of an
 * interrupted run too.)
 */
import { removeTestManifest } from './global-setup';

export default function globalTeardown(): void {
  removeTestManifest();
}

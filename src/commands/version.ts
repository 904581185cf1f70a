import * as fs from 'node:fs';
import * as path from 'node:path';
import { BaseCommand } from '../cli/base';
import { findRelease, RELEASES } from '../engines/releases';
import { enginesDir, installedPath } from '../engines/install';
import { configureEngine, engineStorageVersion, engineVersion, loadEngine } from '../kuzu/engine';
import { TOOL_VERSION } from '../version';

export interface VersionResult {
  'kuzu-migrate': string;
  node: string;
  platform: string;
  /** The Kuzu release kuzu-migrate depends on and opens databases with (`engine: kuzu`). */
  kuzu: { version: string; storage_version: number };
  /** LadybugDB (`engine: ladybug`): its release, and whether it is in the engine cache yet. */
  ladybug: { version: string; storage_version: number; installed: boolean };
  /** Other engine releases installed in the engine cache (for `upgrade`). */
  engines_dir: string;
  installed_releases: string[];
}

export default class Version extends BaseCommand<typeof Version> {
  static override summary = 'Print the versions of kuzu-migrate and of the Kuzu and LadybugDB engines it uses.';
  static override description = `Prints kuzu-migrate's version, the Kuzu release it opens databases with (its storage
version decides which database files it can read), the LadybugDB release used for
\`engine: ladybug\` and whether it is installed, and the engine releases in the engine cache.
Nothing is installed or opened.`;

  static override examples = [
    { description: 'For a bug report', command: '<%= config.bin %> version' },
    { description: 'Machine-readable', command: '<%= config.bin %> version --json' },
  ];

  public async run(): Promise<VersionResult> {
    configureEngine('kuzu');
    await loadEngine(); // the bundled Kuzu: reports its own version, not what we expect it to be
    const lady = findRelease('ladybug')!;
    const dir = enginesDir();
    const r: VersionResult = {
      'kuzu-migrate': TOOL_VERSION,
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      kuzu: { version: engineVersion(), storage_version: engineStorageVersion() },
      ladybug: { version: lady.version, storage_version: lady.storageVersion, installed: installedPath(lady, dir) !== null },
      engines_dir: dir,
      installed_releases: RELEASES.filter((x) => !x.bundled && fs.existsSync(path.join(dir, x.alias)) && installedPath(x, dir) !== null).map((x) => x.id),
    };
    this.out(
      [
        `kuzu-migrate ${r['kuzu-migrate']} (${r.platform}, Node ${r.node})`,
        `Kuzu ${r.kuzu.version} (storage version ${r.kuzu.storage_version}), bundled`,
        `LadybugDB ${r.ladybug.version} (storage version ${r.ladybug.storage_version}), ${r.ladybug.installed ? 'installed' : 'installed on first use'}`,
        `Engine cache ${r.engines_dir}: ${r.installed_releases.length ? r.installed_releases.join(', ') : 'empty'}`,
      ].join('\n'),
    );
    return r;
  }
}

#!/usr/bin/env node
// Writes oclif.manifest.json (what `oclif manifest` writes) with @oclif/core's own API, so packing
// needs no `oclif` dev package: the CLI then lists commands and help from the manifest instead of
// requiring every command file at start-up. Run by `npm pack` (prepack), after the build.
//
// `node scripts/oclif-manifest.js [file]` writes `file` in the package root instead: the test
// run's .oclif.manifest.json (test/global-setup.ts), which oclif reads when oclif.manifest.json is
// absent. The commands are always discovered from dist/commands (a manifest already there, stale
// or not, is never copied), and the file is written under a temporary name and renamed into
// place, so a CLI starting meanwhile reads the old file or the new one, never half of one (oclif
// prints a warning on stderr for an unreadable manifest).
const fs = require('node:fs');
const path = require('node:path');
const { Plugin } = require('@oclif/core');

(async () => {
  const root = path.resolve(__dirname, '..');
  const name = process.argv[2] ?? 'oclif.manifest.json';
  if (path.basename(name) !== name || !/manifest\.json$/.test(name)) throw new Error(`${name}: expected a file name ending in manifest.json`);
  const plugin = new Plugin({ root, isRoot: true, ignoreManifest: true });
  await plugin.load();
  const manifest = { commands: plugin.manifest.commands, version: plugin.version };
  if (!Object.keys(manifest.commands).length) throw new Error('no commands found: build first (npm run build)');
  const file = path.join(root, name);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(manifest, null, 2) + '\n');
  fs.renameSync(tmp, file);
  console.log(`${name}: ${Object.keys(manifest.commands).length} commands`);
})().catch((e) => {
  console.error(e.message);
  process.exit(1);
});

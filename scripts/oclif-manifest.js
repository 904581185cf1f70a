#!/usr/bin/env node
// Writes oclif.manifest.json (what `oclif manifest` writes) with @oclif/core's own API, so building
// needs no `oclif` dev package: the CLI then lists commands and help from the manifest instead of
// requiring every command file at start-up (≈ 0.1 s of CPU for `plan`, issue 14). Run by
// `npm run build` after tsc (so also by `npm pack`). bin/run.js drops a manifest older than
// dist/commands (a later build with tsc alone), so it never hides a new command or flag.
const fs = require('node:fs');
const path = require('node:path');
const { Config } = require('@oclif/core');

(async () => {
  const root = path.resolve(__dirname, '..');
  const file = path.join(root, 'oclif.manifest.json');
  // An existing manifest would be read back instead of the commands in dist/.
  fs.rmSync(file, { force: true });
  const config = await Config.load({ root, devPlugins: false, userPlugins: false });
  const plugin = config.plugins.get(config.pjson.name);
  if (!plugin) throw new Error(`plugin ${config.pjson.name} not found in ${root}`);
  // Plugin.load() built the manifest from dist/commands (no manifest file exists now).
  const manifest = { commands: plugin.manifest.commands, version: plugin.version };
  if (!Object.keys(manifest.commands).length) throw new Error('no commands found: build first (npm run build)');
  // Written whole, then renamed: a CLI starting meanwhile reads no half-written file.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(manifest, null, 2) + '\n');
  fs.renameSync(tmp, file);
  console.log(`oclif.manifest.json: ${Object.keys(manifest.commands).length} commands`);
})().catch((e) => {
  console.error(e.message);
  process.exit(1);
});

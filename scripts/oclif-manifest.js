#!/usr/bin/env node
// Writes oclif.manifest.json (what `oclif manifest` writes) with @oclif/core's own API, so packing
// needs no `oclif` dev package: the CLI then lists commands and help from the manifest instead of
// requiring every command file at start-up. Run by `npm pack` (prepack), after the build.
const fs = require('node:fs');
const path = require('node:path');
const { Config } = require('@oclif/core');

(async () => {
  const root = path.resolve(__dirname, '..');
  const config = await Config.load({ root, devPlugins: false, userPlugins: false });
  const plugin = config.plugins.get(config.pjson.name);
  if (!plugin) throw new Error(`plugin ${config.pjson.name} not found in ${root}`);
  // Plugin.load() built the manifest from dist/commands (no manifest file exists yet).
  const manifest = { commands: plugin.manifest.commands, version: plugin.version };
  if (!Object.keys(manifest.commands).length) throw new Error('no commands found: build first (npm run build)');
  fs.writeFileSync(path.join(root, 'oclif.manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  console.log(`oclif.manifest.json: ${Object.keys(manifest.commands).length} commands`);
})().catch((e) => {
  console.error(e.message);
  process.exit(1);
});

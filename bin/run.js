#!/usr/bin/env node
// Launcher: runs the compiled oclif commands. Usage errors oclif raises before a command runs
// (unknown flag: oclif's exit 2, which here means "changes present"; unknown command: the
// not-found plugin's 127) exit 64 like every other usage error. A mistyped command gets a
// did-you-mean line even without a terminal (the plugin only offers it as a prompt on one).

// `--version` alone: the line oclif prints (its user agent), without loading oclif (≈ 0.3 s of
// CPU to require it and read every command's metadata). Issue 14: ≤ 150 ms with process start.
const argv = process.argv.slice(2);
if (argv.length === 1 && argv[0] === '--version') {
  const pjson = require('../package.json');
  process.stdout.write(`${pjson.name}/${pjson.version} ${process.platform}-${process.arch} node-${process.version}\n`);
  return;
}

dropStaleManifest();
const oclif = require('@oclif/core');

oclif
  .run(process.argv.slice(2), __dirname)
  .then(() => oclif.flush())
  .catch(async (err) => {
    if (!(err instanceof oclif.Errors.ExitError) && err && err.oclif && (err.oclif.exit === 2 || err.oclif.exit === 127)) {
      if (err.oclif.exit === 127) await suggest(process.argv[2]);
      err.oclif.exit = 64;
    }
    await oclif.flush();
    return oclif.Errors.handle(err);
  });

async function suggest(typed) {
  try {
    const config = await oclif.Config.load(__dirname);
    const { closest } = require('../dist/config/suggest');
    const best = typed && closest(typed, config.commandIDs.filter((id) => !id.includes(':')));
    if (best) process.stderr.write(`hint: did you mean \`${config.bin} ${best}\`?\n`);
  } catch {
    // a suggestion is a courtesy: never turn a usage error into a crash
  }
}

// oclif.manifest.json (written by `npm run build`, shipped by `npm pack`) lets oclif find commands
// without requiring every command file at start-up (≈ 0.1 s of CPU, issue 14). A build with tsc
// alone leaves it describing the commands of the build before: then it goes, and oclif reads
// dist/commands as it does without one. An installed package has one mtime for all its files.
function dropStaleManifest() {
  const fs = require('node:fs');
  const path = require('node:path');
  const root = path.join(__dirname, '..');
  const manifest = path.join(root, 'oclif.manifest.json');
  try {
    const built = fs.statSync(manifest).mtimeMs;
    // A walk by hand: readdirSync's `recursive` option costs ≈ 15 ms cold, this ≈ 1 ms.
    const newer = (dir) =>
      fs.readdirSync(dir, { withFileTypes: true }).some((e) => (e.isDirectory() ? newer(path.join(dir, e.name)) : e.name.endsWith('.js') && fs.statSync(path.join(dir, e.name)).mtimeMs > built));
    if (newer(path.join(root, 'dist', 'commands'))) fs.rmSync(manifest, { force: true });
  } catch {
    // no manifest (the usual case in development), or a read-only install: oclif decides as before
  }
}

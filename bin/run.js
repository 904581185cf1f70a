#!/usr/bin/env node
// Launcher: runs the compiled oclif commands. Usage errors oclif raises before a command runs
// (unknown command) exit 64 like every other usage error, not oclif's default 2, which here
// means "changes present".
const oclif = require('@oclif/core');

oclif
  .run(process.argv.slice(2), __dirname)
  .then(() => oclif.flush())
  .catch(async (err) => {
    if (!(err instanceof oclif.Errors.ExitError) && err && err.oclif && err.oclif.exit === 2) err.oclif.exit = 64;
    await oclif.flush();
    return oclif.Errors.handle(err);
  });

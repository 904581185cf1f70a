#!/usr/bin/env node
// Thin launcher: oclif loads the compiled commands from dist/commands.
const { execute } = require('@oclif/core');
execute({ dir: __dirname });

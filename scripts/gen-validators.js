#!/usr/bin/env node
// Writes dist/config/config-validators.js: the config JSON schema compiled by ajv's standalone
// module at build time, so a command loads ready validator code instead of compiling the schema at
// start-up (issue 14). Run by `npm run build` after tsc. The module records the digest of the schema
// text it came from; dist/config/json-schema.js falls back to compiling with ajv when it no longer
// matches, so a stale file costs time, never correctness.
const fs = require('node:fs');
const path = require('node:path');
const { precompiledValidatorsSource, PRECOMPILED_VALIDATORS_PATH } = require('../dist/config/json-schema');

fs.writeFileSync(PRECOMPILED_VALIDATORS_PATH, precompiledValidatorsSource());
console.log(`${path.relative(process.cwd(), PRECOMPILED_VALIDATORS_PATH)}: precompiled config validators`);

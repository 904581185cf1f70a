#!/usr/bin/env node
/**
 * Rewrites test/timings.json (seconds per test file, read by test/sequencer.js to start the slowest
 * files first) from jest's JSON reports: `npx jest --json --outputFile=x.json ...`, then
 * `node test/timings.js x.json [y.json ...]`. Files not in the reports keep their old value.
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const out = path.join(__dirname, 'timings.json');
const timings = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, 'utf8')) : {};
for (const report of process.argv.slice(2)) {
  for (const r of JSON.parse(fs.readFileSync(report, 'utf8')).testResults) {
    timings[path.relative(ROOT, r.name).split(path.sep).join('/')] = Math.round((r.endTime - r.startTime) / 100) / 10;
  }
}
const sorted = Object.fromEntries(Object.entries(timings).sort(([, a], [, b]) => b - a));
fs.writeFileSync(out, JSON.stringify(sorted, null, 2) + '\n');
console.log(`${out}: ${Object.keys(sorted).length} files`);

#!/usr/bin/env node
// `npm run bench -- [options]`: the data benchmark (dist-bench/run.js) with the options given,
// then the fleet benchmark (dist-bench/fleet.js), then the scaling chart when gnuplot is
// installed. npm appends `-- options` to the LAST command of a script chain only, so a chain
// `run.js && fleet.js` gave --quick to fleet.js (which refused it) after a full run.js.
// A smoke run (--quick) runs a small fleet into a temporary folder and draws no chart, so the
// committed docs are left alone. The build (npm run build, tsc -p bench) runs before this.
const { spawnSync } = require('node:child_process');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');

function run(script, argv) {
  const r = spawnSync(process.execPath, [path.join(root, script), ...argv], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

run('dist-bench/run.js', args);
if (args.includes('--render') || args.includes('--help') || args.includes('-h')) process.exit(0);
run('dist-bench/fleet.js', quick ? ['--targets', '20', '--reps', '1', '--out', path.join(os.tmpdir(), 'kuzu-migrate-bench-quick')] : []);
if (!quick) {
  const gnuplot = spawnSync('gnuplot', ['--version'], { encoding: 'utf8' });
  if (gnuplot.error) process.stderr.write('bench: gnuplot not found, chart not drawn (install gnuplot, then `npm run bench:chart`)\n');
  else run('scripts/bench-chart.js', []);
}

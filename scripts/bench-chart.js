#!/usr/bin/env node
// `npm run bench:chart`: draws docs/img/benchmarks-scaling.svg from the `scaling` points of
// docs/benchmarks.json (written by `npm run bench`) with gnuplot: the default rewrite apply (full
// content verification) against Kuzu's own EXPORT + IMPORT, time against data size, both axes
// logarithmic, min-max of the runs as error bars. Needs gnuplot on the PATH (Debian/Ubuntu:
// `apt-get install gnuplot-nox`); nothing else in the project does, `npm test` included.
//
//   node scripts/bench-chart.js [benchmarks.json] [output.svg]
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const input = path.resolve(process.argv[2] ?? path.join(root, 'docs', 'benchmarks.json'));
const output = path.resolve(process.argv[3] ?? path.join(root, 'docs', 'img', 'benchmarks-scaling.svg'));

function fail(msg) {
  process.stderr.write(`bench-chart: ${msg}\n`);
  process.exit(1);
}

const report = JSON.parse(fs.readFileSync(input, 'utf8'));
const points = (report.scaling ?? []).filter((p) => p.rewrite && p.baseline && isFinite(p.rewrite.median) && isFinite(p.baseline.median));
if (points.length < 2) fail(`${input} has ${points.length} scaling point(s); run \`npm run bench\` first`);
const label = (n) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));
const s = (ms) => (ms / 1000).toFixed(3);
// One row per size: x, rewrite median/min/max, baseline median/min/max, ratio, tick label.
const rows = points.map((p) => [p.nodes, s(p.rewrite.median), s(p.rewrite.min), s(p.rewrite.max), s(p.baseline.median), s(p.baseline.min), s(p.baseline.max), (p.rewrite.median / p.baseline.median).toFixed(2), `"${label(p.nodes)}"`].join(' '));
const rels = report.options?.rels_per_node ?? 5;
const when = String(report.generated_at ?? '').slice(0, 10);
const load = report.machine ? `load ${report.machine.load_start[0].toFixed(1)}→${report.machine.load_end[0].toFixed(1)}, ${report.machine.cores} cores` : '';
const script = `
set terminal svg size 760,460 dynamic enhanced font 'Helvetica,12' background rgb 'white'
set output '${output.replace(/'/g, "''")}'
$data << EOD
${rows.join('\n')}
EOD
set title "kuzu-migrate rewrite apply vs Kuzu EXPORT+IMPORT (×${rels} rels per node; ${when}, ${load})"
set logscale xy
set xlabel 'nodes (rels = ${rels} × nodes)'
set ylabel 'seconds (median, min–max bars)'
set key top left box opaque
set grid xtics ytics mytics
set xtics (${points.map((p) => `"${label(p.nodes)}" ${p.nodes}`).join(', ')})
set xrange [${points[0].nodes / 1.6}:${points[points.length - 1].nodes * 1.6}]
plot $data using 1:5:6:7 with yerrorlines lw 2 pt 7 lc rgb '#777777' title 'Kuzu EXPORT + IMPORT (no verification)', \\
     $data using 1:2:3:4 with yerrorlines lw 2 pt 5 lc rgb '#1f77b4' title 'kuzu-migrate apply (backup, rewrite, full content verification)', \\
     $data using 1:2:(sprintf('%s×', stringcolumn(8))) with labels offset 0,1.2 font ',10' textcolor rgb '#1f77b4' notitle
`;
fs.mkdirSync(path.dirname(output), { recursive: true });
const r = spawnSync('gnuplot', [], { input: script, encoding: 'utf8' });
if (r.error) fail(`cannot run gnuplot (${r.error.code ?? r.error.message}); install it, e.g. apt-get install gnuplot-nox`);
if (r.status !== 0) fail(`gnuplot exited ${r.status}: ${r.stderr}`);
process.stdout.write(`wrote ${path.relative(process.cwd(), output)} (${points.length} sizes)\n`);

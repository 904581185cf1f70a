/**
 * Runs the slowest test files first, so that jest's two workers finish together: the last file a
 * worker starts should be a short one. Jest's own order needs timings from an earlier run in its
 * cache (under os.tmpdir(), keyed by the project's path); a fresh clone (CI, `.ci/run`) has none
 * and jest falls back to file size, which puts the 50-database fleet and the crash matrix (short
 * files, minutes of work) near the end: one worker then runs them alone.
 *
 * Order: jest's cached durations where this machine has them (they are measured here); otherwise
 * test/timings.json (seconds per file, measured one file at a time on 2 cores; refresh it from
 * `npx jest --json --outputFile=x.json` with `node test/timings.js x.json`); otherwise file size.
 * Failed files still go first.
 */
const Sequencer = require('@jest/test-sequencer').default;
const path = require('node:path');
const timings = require('./timings.json');

const ROOT = path.resolve(__dirname, '..');

class SlowFirst extends Sequencer {
  sort(tests) {
    const known = (t) => timings[path.relative(ROOT, t.path).split(path.sep).join('/')];
    const weight = (t) => {
      const cached = this.time(t);
      if (cached != null) return cached / 1000;
      const k = known(t);
      // An unknown file (a new one): its size in kB as seconds, roughly what a small file costs.
      return k != null ? k : t.context.hasteFS.getSize(t.path) / 1000;
    };
    return tests
      .map((t) => ({ t, failed: this.hasFailed(t), w: weight(t) }))
      .sort((a, b) => (a.failed !== b.failed ? (a.failed ? -1 : 1) : b.w - a.w))
      .map((x) => x.t);
  }
}

module.exports = SlowFirst;

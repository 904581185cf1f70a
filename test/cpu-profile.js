/**
 * setupFilesAfterEnv of the integration and e2e projects when KM_CPU_LOG is set (jest.config.js):
 * appends one tab-separated line per test to that file — CPU seconds of the jest process, CPU
 * seconds of the child processes it started and reaped (the CLI, engine workers), wall seconds,
 * file, test name — and a FILE TOTAL line per file (module loading before the first hook is not
 * in it, ≈ 0.5 s). From /proc/self/stat (Linux): utime + stime, cutime + cstime, in clock ticks.
 * A process another process started and did not reap (a fleet's per-target apply killed with its
 * group) is not counted. Usage: KM_CPU_LOG=/tmp/cpu.tsv npx jest --maxWorkers=1 <file>.
 */
const fs = require('node:fs');
/** USER_HZ: 100 on Linux (getconf CLK_TCK). */
const tick = 100;
function cpu() {
  const f = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // fields after ') ': state(0) ... utime=11 stime=12 cutime=13 cstime=14
  return { self: (+f[11] + +f[12]) / tick, kids: (+f[13] + +f[14]) / tick };
}
let t0, w0;
const file = expect.getState().testPath;
beforeAll(() => { t0 = cpu(); w0 = Date.now(); });
let c0, wt;
beforeEach(() => { c0 = cpu(); wt = Date.now(); });
afterEach(() => {
  const c = cpu();
  fs.appendFileSync(process.env.KM_CPU_LOG || '/tmp/s4prof/cpu.log', `${(c.self - c0.self).toFixed(2)}\t${(c.kids - c0.kids).toFixed(2)}\t${((Date.now() - wt) / 1000).toFixed(1)}\t${require('path').basename(file)}\t${expect.getState().currentTestName}\n`);
});
afterAll(() => {
  const c = cpu();
  fs.appendFileSync(process.env.KM_CPU_LOG || '/tmp/s4prof/cpu.log', `${(c.self - t0.self).toFixed(2)}\t${(c.kids - t0.kids).toFixed(2)}\t${((Date.now() - w0) / 1000).toFixed(1)}\t${require('path').basename(file)}\tFILE TOTAL\n`);
});

// Per-test CPU (this process + reaped children) from /proc/self/stat, appended to $KM_CPU_LOG.
const fs = require('node:fs');
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

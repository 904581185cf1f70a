// One contender of the lock race (test/integration/crash-safety.test.ts). Plain JS over dist/ so a
// round costs no TypeScript start-up. argv: dist lock module, database path, rounds, slot (ms); it
// prints 'ready' once loaded and then reads t0 (ms since the epoch) from stdin, so all start together.
// In round r (starting at t0 + r*slot) it tries acquireLock once; the winner keeps the lock and,
// late in the slot, overwrites it with the record of a dead process (a stale lock, like one left by
// kill -9), so every round starts with a stale lock present. Prints one JSON line: per round
// {tried, got, released} (ms) when it held the lock, 'locked', or 'late' (woke up too late to race).
const fs = require('node:fs');
const path = require('node:path');
const [, , lockModule, db, roundsS, slotS] = process.argv;
const { acquireLock, lockPath } = require(lockModule);
const rounds = Number(roundsS), slot = Number(slotS);
process.stdout.write('ready\n');
const buf = Buffer.alloc(64);
const t0 = Number(buf.subarray(0, fs.readSync(0, buf, 0, 64, null)).toString().trim());
const sleepUntil = (t) => { const sab = new Int32Array(new SharedArrayBuffer(4)); const d = t - Date.now(); if (d > 0) Atomics.wait(sab, 0, 0, d); };
const out = [];
for (let r = 0; r < rounds; r++) {
  const start = t0 + r * slot;
  sleepUntil(start);
  if (Date.now() > start + slot * 0.4) { out.push('late'); continue; }
  const t = Date.now();
  try {
    acquireLock(db, 'race');
    const got = Date.now();
    sleepUntil(start + slot * 0.75);
    const stale = JSON.stringify({ id: `dead${r}`, pid: 4194304 + 1000 + r, host: require('node:os').hostname(), command: 'killed', started_at: '' });
    const tmp = path.join(path.dirname(db), `.stale-${process.pid}`);
    fs.writeFileSync(tmp, stale);
    const released = Date.now();
    fs.renameSync(tmp, lockPath(db));
    // The lock was ours from `got` until `released` (then it is a dead process's lock).
    out.push({ tried: t, got, released });
  } catch (e) {
    out.push(e.exitCode === 4 || /locked/.test(e.message) ? 'locked' : 'error: ' + e.message);
  }
}
process.stdout.write(JSON.stringify(out) + '\n');

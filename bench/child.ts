/**
 * Runs a measured child process: wall time from the parent (process start included) and peak
 * resident memory, from GNU `/usr/bin/time -v` when it exists, else by sampling the child's
 * `/proc/<pid>/status` VmHWM (a high-water mark, so sampling misses nothing but the last ~10 ms).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

export interface ChildResult {
  status: number;
  wall_ms: number;
  /** Peak resident set size in bytes; undefined when it could not be read. */
  peak_rss: number | undefined;
  /** User + system CPU time in ms (from /usr/bin/time -v); undefined without it. On a loaded machine the steadier figure. */
  cpu_ms?: number;
  stdout: string;
  stderr: string;
}

export type MemoryProbe = 'time-v' | 'proc-vmhwm';

let probe: MemoryProbe | undefined;

/** Which way peak memory is measured on this machine (checked once). */
export function memoryProbe(): MemoryProbe {
  if (probe) return probe;
  const r = fs.existsSync('/usr/bin/time') ? spawnSync('/usr/bin/time', ['-v', 'true'], { encoding: 'utf8' }) : null;
  probe = r && r.status === 0 && /Maximum resident set size/.test(r.stderr) ? 'time-v' : 'proc-vmhwm';
  return probe;
}

function readHwm(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `node <args>` and measures it. */
export function runNode(args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<ChildResult> {
  const useTime = memoryProbe() === 'time-v';
  const timeFile = useTime ? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'km-bench-time-')), 'time.txt') : '';
  const cmd = useTime ? '/usr/bin/time' : process.execPath;
  const argv = useTime ? ['-v', '-o', timeFile, process.execPath, ...args] : args;
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(cmd, argv, { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let hwm: number | undefined;
    const sampler = useTime ? null : setInterval(() => (hwm = readHwm(child.pid!) ?? hwm), 10);
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30 * 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      const wall_ms = performance.now() - start;
      clearTimeout(timer);
      if (sampler) clearInterval(sampler);
      let peak_rss = hwm;
      let cpu_ms: number | undefined;
      if (useTime) {
        try {
          const text = fs.readFileSync(timeFile, 'utf8');
          const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(text);
          peak_rss = m ? Number(m[1]) * 1024 : undefined;
          const u = /User time \(seconds\): ([\d.]+)/.exec(text);
          const sy = /System time \(seconds\): ([\d.]+)/.exec(text);
          cpu_ms = u && sy ? (Number(u[1]) + Number(sy[1])) * 1000 : undefined;
        } catch {
          peak_rss = undefined;
        }
        fs.rmSync(path.dirname(timeFile), { recursive: true, force: true });
      }
      resolve({ status: code ?? -1, wall_ms, peak_rss, cpu_ms, stdout, stderr });
    });
  });
}

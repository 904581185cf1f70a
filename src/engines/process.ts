/**
 * One engine release running in its own child process (worker.ts), opened on one database.
 * `EngineProcess` is a QueryRunner (runner.ts), like the in-process KuzuEngine, so the
 * introspection and fingerprint code runs unchanged against any release.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { LockedError, RuntimeError } from '../core/errors';
import { firstValue, type QueryRunner, type Row } from './runner';
import { EngineRelease } from './releases';
import { adaptRows, adaptStatement } from './dialect';
import { RESPONSE_PREFIX } from './worker';

/** The compiled worker script: next to this file in dist/, or dist/ when running from src/ (tests). */
export function workerScript(): string {
  const here = path.join(__dirname, 'worker.js');
  if (fs.existsSync(here)) return here;
  const built = path.resolve(__dirname, '..', '..', 'dist', 'engines', 'worker.js');
  if (fs.existsSync(built)) return built;
  throw new RuntimeError(`the engine worker script is missing (${here}); run \`npm run build\``, 'E_INTERNAL');
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

export class EngineProcess implements QueryRunner {
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private exited: string | null = null;
  private stderr = '';

  private constructor(
    readonly release: EngineRelease,
    readonly modulePath: string,
    private readonly child: ChildProcess,
    readonly path: string,
    readonly readOnly: boolean,
  ) {}

  /** Starts a worker for `release` (package at `modulePath`) without opening a database. */
  static async start(release: EngineRelease, modulePath: string): Promise<EngineProcess> {
    const child = spawn(process.execPath, [workerScript(), modulePath], { stdio: ['pipe', 'pipe', 'pipe'] });
    const p = new EngineProcess(release, modulePath, child, '', true);
    await p.wire();
    return p;
  }

  /** Starts a worker and opens `dbPath` in it. */
  static async open(release: EngineRelease, modulePath: string, dbPath: string, options: { readOnly?: boolean } = {}): Promise<EngineProcess> {
    const child = spawn(process.execPath, [workerScript(), modulePath], { stdio: ['pipe', 'pipe', 'pipe'] });
    const p = new EngineProcess(release, modulePath, child, dbPath, options.readOnly ?? false);
    await p.wire();
    try {
      await p.request({ op: 'open', path: dbPath, readOnly: p.readOnly });
    } catch (err) {
      p.kill();
      throw translate(err, dbPath, release);
    }
    return p;
  }

  /** The worker's pid: tests kill it to simulate a crash. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  private wire(): Promise<void> {
    return new Promise((resolveReady, rejectReady) => {
      let ready = false;
      this.child.stderr!.on('data', (d: Buffer) => {
        this.stderr = (this.stderr + d.toString()).slice(-4000);
      });
      const rl = readline.createInterface({ input: this.child.stdout! });
      rl.on('line', (line) => {
        if (!line.startsWith(RESPONSE_PREFIX)) return; // the native library printing
        const msg = JSON.parse(line.slice(RESPONSE_PREFIX.length)) as { id: number; ok: boolean; result?: unknown; error?: string };
        if (msg.id === 0 && !ready) {
          ready = true;
          resolveReady();
          return;
        }
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.ok) p.resolve(msg.result);
        else p.reject(new Error(msg.error));
      });
      this.child.on('exit', (code, signal) => {
        this.exited = signal ? `killed by ${signal}` : `exited with code ${code}`;
        const why = new RuntimeError(
          `the ${this.release.id} engine process ${this.exited}${this.stderr.trim() ? ': ' + this.stderr.trim().split('\n').slice(-3).join(' | ') : ''}`,
          'E_ENGINE',
        );
        if (!ready) rejectReady(why);
        for (const p of this.pending.values()) p.reject(why);
        this.pending.clear();
      });
      this.child.on('error', (err) => {
        if (!ready) rejectReady(new RuntimeError(`cannot start the ${this.release.id} engine process: ${err.message}`, 'E_ENGINE'));
      });
    });
  }

  private request(req: Record<string, unknown>): Promise<unknown> {
    if (this.exited) return Promise.reject(new RuntimeError(`the ${this.release.id} engine process ${this.exited}`, 'E_ENGINE'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin!.write(JSON.stringify({ id, ...req }) + '\n');
    });
  }

  async info(): Promise<{ version: string; storage_version: number; pid: number }> {
    return (await this.request({ op: 'info' })) as { version: string; storage_version: number; pid: number };
  }

  async query(statement: string): Promise<Row[]> {
    try {
      return adaptRows(this.release, statement, (await this.request({ op: 'query', statement: adaptStatement(this.release, statement) })) as Row[]);
    } catch (err) {
      throw translate(err, this.path, this.release);
    }
  }

  async execute(statement: string, params: Record<string, unknown>): Promise<Row[]> {
    try {
      return (await this.request({ op: 'execute', statement, params })) as Row[];
    } catch (err) {
      throw translate(err, this.path, this.release);
    }
  }

  async scalar<T = unknown>(statement: string): Promise<T> {
    return firstValue<T>(await this.query(statement), statement);
  }

  /** A read-write handle on `copyPath` (a byte copy of this database) in a new worker of the same release. */
  async openCopy(copyPath: string): Promise<EngineProcess> {
    return EngineProcess.open(this.release, this.modulePath, copyPath, { readOnly: false });
  }

  /** Closes the database (its files are left consistent) and ends the process. */
  async close(): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.request({ op: 'close' }).catch(() => undefined);
    await done;
  }

  /** Ends the process at once (SIGKILL), as a crash would. */
  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

function translate(err: unknown, dbPath: string, release: EngineRelease): Error {
  if (err instanceof RuntimeError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/Could not set lock on file/i.test(message)) {
    return new LockedError(`database ${dbPath} is open in another process`, ['close the other program that holds it, then run this again']);
  }
  return new RuntimeError(`${release.id}: ${message}`, 'E_ENGINE');
}

/** Opens, runs `fn`, and always closes. */
export async function withEngineProcess<T>(release: EngineRelease, modulePath: string, dbPath: string, options: { readOnly?: boolean }, fn: (p: EngineProcess) => Promise<T>): Promise<T> {
  const p = await EngineProcess.open(release, modulePath, dbPath, options);
  try {
    return await fn(p);
  } finally {
    await p.close();
  }
}

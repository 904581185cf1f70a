/**
 * The engine worker: a child process that loads ONE native engine build (a Kuzu or LadybugDB npm
 * release, by absolute package path in argv[2]) and runs statements for its parent. Two native
 * builds never share a process: each has its own copy of the engine's global state and symbols,
 * and loading two into one Node process is undefined behaviour.
 *
 * Protocol: one JSON object per line. The parent writes requests to stdin
 *   {"id": 1, "op": "open", "path": "...", "readOnly": true}
 *   {"id": 2, "op": "query", "statement": "..."}
 *   {"id": 3, "op": "execute", "statement": "...", "params": {...}}
 *   {"id": 4, "op": "close"}
 * and reads responses on stdout, each line prefixed with RESPONSE_PREFIX so that anything the
 * native library itself prints is ignored: {"id": 1, "ok": true, "result": ...} or
 * {"id": 1, "ok": false, "error": "message"}. Values are JSON with BigInt as a decimal string and
 * Date as an ISO string: only catalog rows and aggregate strings cross this boundary — content is
 * compared inside the engine (fingerprints), never as JavaScript values.
 *
 * This file must not import anything that loads the main `kuzu` package.
 */
import * as readline from 'node:readline';

export const RESPONSE_PREFIX = '\u0001km ';

interface Request {
  id: number;
  op: 'open' | 'query' | 'execute' | 'close' | 'info';
  path?: string;
  readOnly?: boolean;
  statement?: string;
  params?: Record<string, unknown>;
}

/* The small common surface of kuzu and @ladybugdb/core that the worker uses. */
interface NativeResult {
  getAll(): Promise<Record<string, unknown>[]>;
  close(): void;
}
interface NativeModule {
  Database: {
    new (path: string, bufferPoolSize?: number, enableCompression?: boolean, readOnly?: boolean): NativeDatabase;
    getVersion?(): string;
    getStorageVersion?(): number | bigint;
  };
  Connection: new (db: NativeDatabase) => NativeConnection;
  VERSION?: string;
  STORAGE_VERSION?: number | bigint;
}
interface NativeDatabase {
  init?(): Promise<void>;
  close(): Promise<void>;
}
interface NativeConnection {
  init?(): Promise<void>;
  query(s: string): Promise<NativeResult | NativeResult[]>;
  prepare(s: string): Promise<{ isSuccess(): boolean; getErrorMessage(): string }>;
  execute(p: unknown, params: Record<string, unknown>): Promise<NativeResult | NativeResult[]>;
  close(): Promise<void>;
}

function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
    return v;
  });
}

async function drain(result: NativeResult | NativeResult[]): Promise<Record<string, unknown>[]> {
  // Read every result of a multi-statement query before closing any (kuzu-notes §2).
  const all = Array.isArray(result) ? result : [result];
  const rows: Record<string, unknown>[][] = [];
  for (const r of all) rows.push(await r.getAll());
  for (const r of all) r.close();
  return rows[rows.length - 1] ?? [];
}

async function main(): Promise<void> {
  const modulePath = process.argv[2];
  if (!modulePath) throw new Error('usage: worker.js <engine package path>');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const native = require(modulePath) as NativeModule;
  let db: NativeDatabase | null = null;
  let conn: NativeConnection | null = null;

  const handle = async (req: Request): Promise<unknown> => {
    switch (req.op) {
      case 'info':
        return {
          version: native.Database.getVersion?.() ?? native.VERSION ?? null,
          storage_version: Number(native.Database.getStorageVersion?.() ?? native.STORAGE_VERSION ?? -1),
          pid: process.pid,
        };
      case 'open': {
        if (db) throw new Error('a database is already open in this worker');
        const d = new native.Database(req.path!, 0, true, req.readOnly ?? false);
        try {
          await d.init?.();
          const c = new native.Connection(d);
          await c.init?.();
          db = d;
          conn = c;
        } catch (err) {
          await d.close().catch(() => undefined);
          throw err;
        }
        return null;
      }
      case 'query':
        if (!conn) throw new Error('no database is open');
        return drain(await conn.query(req.statement!));
      case 'execute': {
        if (!conn) throw new Error('no database is open');
        const prepared = await conn.prepare(req.statement!);
        if (!prepared.isSuccess()) throw new Error(prepared.getErrorMessage());
        return drain(await conn.execute(prepared, req.params ?? {}));
      }
      case 'close':
        if (conn) await conn.close().catch(() => undefined);
        if (db) await db.close().catch(() => undefined);
        conn = null;
        db = null;
        return null;
      default:
        throw new Error(`unknown op ${String((req as { op: unknown }).op)}`);
    }
  };

  const send = (obj: unknown) => process.stdout.write(RESPONSE_PREFIX + toJson(obj) + '\n');
  send({ id: 0, ok: true, result: 'ready' });
  const rl = readline.createInterface({ input: process.stdin });
  // One request at a time, in order: the engine's connection is not used concurrently.
  let chain = Promise.resolve();
  rl.on('line', (line) => {
    if (!line.trim()) return;
    chain = chain.then(async () => {
      let req: Request;
      try {
        req = JSON.parse(line) as Request;
      } catch {
        send({ id: -1, ok: false, error: 'request is not JSON' });
        return;
      }
      try {
        send({ id: req.id, ok: true, result: await handle(req) });
      } catch (err) {
        send({ id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) });
      }
      if (req.op === 'close') process.exit(0);
    });
  });
  rl.on('close', () => {
    // The parent went away: close the database so its files are left consistent, then exit.
    void chain.then(() => handle({ id: -1, op: 'close' })).finally(() => process.exit(0));
  });
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`engine worker failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(70);
  });
}

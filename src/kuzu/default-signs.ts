/**
 * A default's sign, which Kuzu's catalog hides (issue 9, kuzu-notes §10 "Defaults").
 *
 * `CALL table_info` prints `DEFAULT -1` as `1` (rows still get -1), and `EXPORT DATABASE` writes no
 * DEFAULT at all; nothing read-only tells `-1` from `1`. Evaluating the default does: insert a row
 * that takes it and read the value back. That is a write, and a rolled-back write still changes the
 * file's bytes (measured: open read-write, BEGIN, CREATE, ROLLBACK, close → another sha256), so it
 * never runs on the user's database: it runs on a private byte copy (database file plus `.wal`),
 * opened read-write with the same release, in a transaction that is rolled back, and the copy is
 * deleted. Only defaults that are a bare non-zero number are probed (mayHaveLostSign): the cost is
 * nothing for a database without them, and one file copy (~20 ms per 16 MB here; a clone where the
 * file system has copy-on-write) plus one insert per table for one with them, once per process
 * while the file is unchanged (an apply reads the same file several times). When the copy or the insert fails, the default keeps table_info's
 * text, is marked `defaultSignUnknown` (diff then ignores its sign) and a warning says why.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { quoteIdent, cypherString } from '../core/identifiers';
import { mayHaveLostSign, NodeTable, Property, RelTable, Schema } from '../core/model';
import type { QueryRunner } from '../engines/runner';

/** One table whose defaults need their sign read. */
interface Probe {
  table: NodeTable | RelTable;
  properties: Property[];
}

/**
 * Puts back the unary minus table_info dropped from bare-number defaults of `schema` (in place),
 * by evaluating them on a private copy of `engine`'s database. Returns warnings for defaults whose
 * sign could not be read (those are marked `defaultSignUnknown`). Never writes to `engine.path`.
 */
export async function probeDefaultSigns(engine: QueryRunner, schema: Schema): Promise<string[]> {
  const probes = probesOf(schema);
  if (probes.length === 0) return [];
  const unknown = (ps: Probe[], why: string): string[] => {
    for (const pr of ps) for (const p of pr.properties) p.defaultSignUnknown = true;
    return ps.map((pr) => `the sign of the default of ${pr.properties.map((p) => `${pr.table.name}.${p.name}`).join(', ')} could not be read (${why}); it is compared without its sign`);
  };
  if (!engine.openCopy || engine.path === ':memory:' || !fs.existsSync(engine.path)) return unknown(probes, 'this engine cannot evaluate it on a copy');
  // One process (an apply) introspects the same unchanged file several times: reuse the answer
  // while the file, its WAL and the probed defaults are the same.
  const key = cacheKey(engine.path, probes);
  const cached = key ? CACHE.get(key) : undefined;
  if (cached) {
    applySigns(probes, cached);
    return [];
  }
  let dir: string | null = null;
  let copy: QueryRunner | null = null;
  try {
    try {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kuzu-migrate-defaults-'));
      const copyPath = path.join(dir, 'db');
      copyDatabase(engine.path, copyPath);
      copy = await engine.openCopy(copyPath);
    } catch (err) {
      return unknown(probes, `cannot copy the database: ${(err as Error).message.split('\n')[0]}`);
    }
    const warnings: string[] = [];
    const signs: boolean[][] = [];
    for (const pr of probes) {
      try {
        signs.push(await probeTable(copy, schema, pr));
      } catch (err) {
        signs.push(pr.properties.map(() => false));
        warnings.push(...unknown([pr], (err as Error).message.split('\n')[0]));
      }
    }
    applySigns(probes, signs);
    if (key && warnings.length === 0) {
      if (CACHE.size >= 16) CACHE.clear();
      CACHE.set(key, signs);
    }
    return warnings;
  } finally {
    if (copy) await copy.close().catch(() => undefined);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The tables of `schema` with bare-number defaults whose sign table_info may have dropped. */
function probesOf(schema: Schema): Probe[] {
  const probes: Probe[] = [];
  for (const t of [...schema.nodes, ...schema.rels]) {
    const properties = t.properties.filter((p) => p.type !== 'SERIAL' && mayHaveLostSign(p.default));
    if (properties.length) probes.push({ table: t, properties });
  }
  return probes;
}

/**
 * The signs of `schema`'s probed defaults (`schema` as introspected with `probeSigns: false` from
 * `engine`), evaluated on `engine` ITSELF: a writable handle on a private file of ours that
 * nobody else sees and that is checked again after it is closed (apply's new database, before its
 * post-verify). Each table's probe is one rolled-back transaction, like probeDefaultSigns' on a
 * copy; a rolled-back write changes the file's bytes, never its content (a SERIAL sequence rolls
 * back too, measured on 0.11.3). Saves the copy of the whole file the post-verify's introspection
 * would make (issue 14: at 1M nodes / 5M rels a 251 MB copy). Resolves to the answer for
 * rememberDefaultSigns, or null when there is nothing to probe or a probe failed (the
 * introspection then probes on a copy as usual).
 */
export async function probeDefaultSignsInPlace(engine: QueryRunner, schema: Schema): Promise<ProbedSigns | null> {
  const probes = probesOf(schema);
  if (probes.length === 0) return null;
  const signs: boolean[][] = [];
  try {
    for (const pr of probes) signs.push(await probeTable(engine, schema, pr));
  } catch {
    return null;
  }
  return { probes, signs };
}

/** What probeDefaultSignsInPlace found, to be remembered for the file once it is closed. */
export interface ProbedSigns {
  probes: Probe[];
  signs: boolean[][];
}

/**
 * Remembers `found` for the next introspection of `dbPath` as it is now (closed: its size and
 * mtime are final), as if probeDefaultSigns had probed it on a copy. The cache key holds the
 * file's state and the probed defaults' text, so any change to either misses it.
 */
export function rememberDefaultSigns(dbPath: string, found: ProbedSigns): void {
  const key = cacheKey(dbPath, found.probes);
  if (!key) return;
  if (CACHE.size >= 16) CACHE.clear();
  CACHE.set(key, found.signs);
}

/** Answers per file state: cacheKey → per probe, per property, whether the default is negative. */
const CACHE = new Map<string, boolean[][]>();

/** The file's identity and state (inode, size, mtime; the WAL's too) and the probed defaults; null for a folder. */
function cacheKey(dbPath: string, probes: Probe[]): string | null {
  try {
    const st = fs.statSync(dbPath);
    if (!st.isFile()) return null;
    const wal = fs.existsSync(`${dbPath}.wal`) ? fs.statSync(`${dbPath}.wal`) : null;
    const what = probes.map((pr) => [pr.table.kind, pr.table.name, pr.properties.map((p) => [p.name, p.type, p.default])]);
    return JSON.stringify([path.resolve(dbPath), st.dev, st.ino, st.size, st.mtimeMs, wal ? [wal.size, wal.mtimeMs] : null, what]);
  } catch {
    return null;
  }
}

function applySigns(probes: Probe[], signs: boolean[][]): void {
  probes.forEach((pr, j) =>
    pr.properties.forEach((p, i) => {
      if (signs[j]?.[i]) p.default = `-${p.default!.trim()}`;
    }),
  );
}

/**
 * The database file (a folder for 0.10 and older) and its WAL: what a reader would replay. A
 * copy-on-write clone where the file system has one (btrfs, XFS: instant), else a plain copy.
 */
function copyDatabase(source: string, target: string): void {
  fs.cpSync(source, target, { recursive: true, mode: fs.constants.COPYFILE_FICLONE });
  if (fs.existsSync(`${source}.wal`)) fs.copyFileSync(`${source}.wal`, `${target}.wal`, fs.constants.COPYFILE_FICLONE);
}

/**
 * In one rolled-back transaction on the copy: makes room for a row with a fixed key, inserts it
 * (a rel between fresh endpoint nodes) and reads whether each probed default came out negative.
 */
async function probeTable(copy: QueryRunner, schema: Schema, pr: Probe): Promise<boolean[]> {
  // By its text, so that any type works (`s STRING DEFAULT -1` holds '-1' and prints `1` too).
  const returns = pr.properties.map((p, i) => `starts_with(CAST(x.${quoteIdent(p.name)} AS STRING), '-') AS s${i}`).join(', ');
  const statements: string[] = [];
  let create: string;
  if (pr.table.kind === 'node') {
    statements.push(...clearKey(pr.table, 'a'));
    create = `CREATE (x:${quoteIdent(pr.table.name)}${keyMap(pr.table, pr.properties)}) RETURN ${returns}`;
  } else {
    const conn = pr.table.connections[0];
    const from = schema.nodes.find((n) => n.name === conn?.from);
    const to = schema.nodes.find((n) => n.name === conn?.to);
    if (!from || !to) throw new Error(`rel table ${pr.table.name} has no endpoint tables`);
    statements.push(...clearKey(from, 'a'), ...(to === from ? [] : clearKey(to, 'b')));
    const b = to === from ? '(a)' : `(b:${quoteIdent(to.name)}${keyMap(to)})`;
    create = `CREATE (a:${quoteIdent(from.name)}${keyMap(from)}), ${to === from ? '' : `${b}, `}(a)-[x:${quoteIdent(pr.table.name)}${keyMap(pr.table, pr.properties)}]->${to === from ? '(a)' : '(b)'} RETURN ${returns}`;
  }
  await copy.query('BEGIN TRANSACTION');
  try {
    for (const s of statements) await copy.query(s);
    const rows = await copy.query(create);
    if (rows.length !== 1) throw new Error('the probe row was not created');
    return pr.properties.map((_, i) => rows[0][`s${i}`] === true);
  } finally {
    await copy.query('ROLLBACK').catch(() => undefined);
  }
}

/** A key value of the primary key's type, written as a cast from a string literal. */
function keyValue(t: NodeTable): string | null {
  const pk = t.properties.find((p) => p.name === t.primaryKey);
  if (!pk || pk.type === 'SERIAL') return null;
  const type = pk.type.toUpperCase();
  const literal = /INT/.test(type) ? '0' : /^(DATE|TIMESTAMP)/.test(type) ? '2000-01-01' : type === 'UUID' ? '00000000-0000-0000-0000-000000000001' : '_km_probe';
  return `CAST(${cypherString(literal)} AS ${pk.type})`;
}

/**
 * ` {pk: value, other: NULL, ...}` for a CREATE: the key (left out when SERIAL: the sequence gives
 * one) and NULL for every property but `keep` and SERIAL ones, so that no other default is
 * evaluated (one that fails — nextval of a dropped sequence — would fail the probe).
 */
function keyMap(t: NodeTable | RelTable, keep: Property[] = []): string {
  const entries: string[] = [];
  if (t.kind === 'node') {
    const v = keyValue(t);
    if (v !== null) entries.push(`${quoteIdent(t.primaryKey)}: ${v}`);
  }
  for (const p of t.properties) {
    if (p.type === 'SERIAL' || keep.includes(p) || (t.kind === 'node' && p.name === t.primaryKey)) continue;
    entries.push(`${quoteIdent(p.name)}: NULL`);
  }
  return entries.length ? ` {${entries.join(', ')}}` : '';
}

/** Deletes (in the copy's rolled-back transaction) the node that holds the probe's key, if any. */
function clearKey(t: NodeTable, v: string): string[] {
  const value = keyValue(t);
  if (value === null) return [];
  return [`MATCH (${v}:${quoteIdent(t.name)}) WHERE ${v}.${quoteIdent(t.primaryKey)} = ${value} DETACH DELETE ${v}`];
}

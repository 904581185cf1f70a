/**
 * Snapshots are data, not programs. Anyone who can write a migrations/ folder (a pull request, a
 * shared drive) could otherwise make `import` run Cypher of their choosing: schema.cypher is plain
 * text and manifest.json's checksums protect nothing against someone who edits both. So before a
 * snapshot is loaded:
 *   - the version folder and everything in it must be regular files and folders (no symlinks, which
 *     would make import read or checksum files outside the snapshot);
 *   - every path in the manifest stays inside the folder (no `..`, no absolute path), and every data
 *     file a table loads is one of the checksummed files;
 *   - the folder's name, `manifest.version` and the version asked for agree (two folders swapped by
 *     name are refused);
 *   - the manifest's schema, tables, columns and sequences are sound: legal names, parseable types,
 *     one-expression defaults (core/schema-check.ts), known encodings and formats;
 *   - schema.cypher and copy.cypher are exactly what kuzu-migrate generates from the manifest (they
 *     are kept for people and for Kuzu's shell; import never runs them: it runs the statements it
 *     generates itself from the manifest, see loadSnapshot).
 * A raw snapshot (Kuzu's own EXPORT DATABASE, run with IMPORT DATABASE) is checked statement by
 * statement against the few kinds Kuzu's export writes (rawStatementProblem).
 * Problems are RuntimeError E_SNAPSHOT_UNSAFE (exit 1, like a checksum mismatch: the snapshot is
 * not what kuzu-migrate wrote).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RuntimeError } from '../core/errors';
import { schemaToCypher } from '../core/ddl';
import { identifierProblem } from '../core/identifiers';
import { schemaProblems } from '../core/schema-check';
import { tryParseType } from '../core/types';
import { isForbiddenWord, tokenize, type Token } from '../core/cypher-guard';
import { SNAPSHOT_FORMATS } from './codec';
import { copyCypher } from './export';
import { COPY_FILE, Manifest, SCHEMA_FILE } from './manifest';
import { FROM_COLUMN, TO_COLUMN } from './statements';

/** Where a relative manifest path is unsafe: absolute, `..`, backslashes, empty segments. */
export function unsafeRelativePath(p: unknown): boolean {
  if (typeof p !== 'string' || p === '' || p.startsWith('/') || p.includes('\\') || /^[A-Za-z]:/.test(p)) return true;
  return p.split('/').some((s) => s === '' || s === '.' || s === '..');
}

const nameProblem = (n: unknown): string | null => {
  const p = identifierProblem(n);
  return p && /is reserved for kuzu-migrate/.test(p) ? null : p;
};

/** Problems of a manifest's content as a load source, one line each; empty when sound. Pure. */
export function manifestLoadProblems(m: Manifest): string[] {
  const out: string[] = [];
  if (!SNAPSHOT_FORMATS.includes(m.format)) out.push(`format ${JSON.stringify(m.format)} is not csv or parquet`);
  out.push(...schemaProblems(m.schema).map((p) => `schema.${p}`));
  const listed = new Set<string>();
  for (const f of m.files) {
    if (unsafeRelativePath(f.path)) out.push(`file path ${JSON.stringify(f.path)} leaves the version folder`);
    else listed.add(f.path);
  }
  const tables = [...(m.schema?.nodes ?? []), ...(m.schema?.rels ?? [])];
  for (const t of Array.isArray(m.tables) ? m.tables : []) {
    const decl = tables.find((d) => d.name === t.table);
    if (!decl || decl.kind !== t.kind) {
      out.push(`tables: ${JSON.stringify(t.table)} is not a ${t.kind} table of the manifest's schema`);
      continue;
    }
    for (const f of Array.isArray(t.files) ? t.files : []) {
      const at = `tables ${t.table}: file ${JSON.stringify(f.path)}`;
      if (unsafeRelativePath(f.path)) out.push(`${at} leaves the version folder`);
      else if (!listed.has(f.path)) out.push(`${at} is not one of the manifest's checksummed files`);
      for (const side of ['from', 'to'] as const) if (f[side] !== undefined && nameProblem(f[side])) out.push(`${at}: ${side} ${nameProblem(f[side])}`);
      for (const c of Array.isArray(f.columns) ? f.columns : []) {
        if (c.name !== FROM_COLUMN && c.name !== TO_COLUMN && nameProblem(c.name)) out.push(`${at}: column ${nameProblem(c.name)}`);
        if (typeof c.type !== 'string' || !tryParseType(c.type).ok) out.push(`${at}: column ${c.name} has type ${JSON.stringify(c.type)}, not a Kuzu type`);
        if (c.encoding !== 'native' && c.encoding !== 'encoded' && c.encoding !== 'quoted' && c.encoding !== 'list_text') out.push(`${at}: column ${c.name} has encoding ${JSON.stringify(c.encoding)}`);
        // list_text is decoded by one CAST of the list type: only lists of integers or DATE (codec.ts).
        else if (c.encoding === 'list_text' && !/^(U?INT(8|16|32|64|128)|DATE)(\[\d*\])$/.test(String(c.type))) out.push(`${at}: column ${c.name} has encoding "list_text" for type ${JSON.stringify(c.type)}`);
      }
    }
  }
  for (const s of Array.isArray(m.sequences) ? m.sequences : []) {
    if (nameProblem(s.name)) out.push(`sequence: ${nameProblem(s.name)}`);
    if (s.current !== null && !(typeof s.current === 'string' && /^-?\d{1,40}$/.test(s.current))) out.push(`sequence ${s.name}: current ${JSON.stringify(s.current)} is not an integer`);
  }
  return out;
}

/** Symlinks or special files at or below `dir`, as relative paths; `dir` itself is `.`. */
export function linksIn(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const abs = rel ? path.join(dir, rel) : dir;
    const st = fs.lstatSync(abs);
    if (st.isSymbolicLink()) return out.push(rel || '.');
    if (st.isDirectory()) for (const e of fs.readdirSync(abs)) walk(rel ? `${rel}/${e}` : e);
    else if (!st.isFile()) out.push(rel);
  };
  walk('');
  return out;
}

/**
 * Throws E_SNAPSHOT_UNSAFE when snapshot folder `dir` (asked for as `version`) is not safe to load:
 * links, a version that disagrees with the folder, unsafe manifest content, or generated files that
 * are not what the manifest generates. Call after the checksums were checked.
 */
export function assertSnapshotLoadable(dir: string, version: string, manifest: Manifest): void {
  const problems: string[] = [];
  const links = linksIn(dir);
  if (links.length) problems.push(`symbolic links or special files are not allowed in a snapshot: ${links.slice(0, 5).join(', ')}`);
  if (manifest.version !== version || path.basename(dir) !== version) {
    problems.push(`manifest.json says version ${JSON.stringify(manifest.version)}, but the folder is ${path.basename(dir)} (asked for ${version})`);
  }
  problems.push(...manifestLoadProblems(manifest));
  if (problems.length === 0 && !manifest.raw) {
    // A CSV snapshot's copy.cypher may be in the form written before CSV columns were named
    // (statements.ts, loadStatement), or without the parallel=false that nested CSV columns got
    // later (statements.ts, lambdaDecoded): generated all the same. Import runs its own statements.
    for (const [file, expected] of [
      [SCHEMA_FILE, [schemaToCypher(manifest.schema)]],
      [COPY_FILE, [copyCypher(manifest), copyCypher(manifest, true), copyCypher(manifest, false, false)]],
    ] as const) {
      const abs = path.join(dir, file);
      if (fs.existsSync(abs) && !expected.includes(fs.readFileSync(abs, 'utf8'))) {
        problems.push(`${file} is not what kuzu-migrate generates from manifest.json (it was edited); import never runs it`);
      }
    }
  }
  if (problems.length === 0 && manifest.raw) problems.push(...rawFolderProblems(dir, manifest));
  if (problems.length) {
    throw new RuntimeError(`snapshot ${version} is not safe to load, nothing was changed:\n  ${problems.join('\n  ')}`, 'E_SNAPSHOT_UNSAFE', [
      `restore ${dir} from version control or re-export it with kuzu-migrate`,
    ]);
  }
}

// ---- raw snapshots (Kuzu's own EXPORT DATABASE) -------------------------------------------------

const RAW_FILES = ['schema.cypher', 'copy.cypher', 'index.cypher', 'macro.cypher'];

/** Splits a .cypher file into token lists, one per statement. */
function statementsOf(text: string): Token[][] {
  const out: Token[][] = [[]];
  for (const t of tokenize(text)) {
    if (t.kind === 'punct' && t.text === ';') out.push([]);
    else out[out.length - 1].push(t);
  }
  return out.filter((s) => s.length > 0);
}

const W = (t: Token | undefined) => (t?.kind === 'word' ? t.text.toUpperCase() : '');
const isName = (t: Token | undefined) => t?.kind === 'quoted' || (t?.kind === 'word' && !nameProblem(t.text));

/** Words a table definition may hold besides names and types. */
const DDL_WORDS = new Set(['FROM', 'TO', 'PRIMARY', 'KEY', 'MANY_MANY', 'MANY_ONE', 'ONE_MANY', 'ONE_ONE', 'WITH', 'STORAGE_DIRECTION']);

/**
 * Why one statement of a raw snapshot's .cypher file is not one Kuzu's EXPORT DATABASE writes, or
 * null. Accepted: CREATE NODE/REL TABLE (names, types, FROM/TO, PRIMARY KEY, multiplicity),
 * DROP SEQUENCE IF EXISTS s, CREATE SEQUENCE IF NOT EXISTS s ... (numbers and options),
 * RETURN nextval('s'), and COPY t [(cols)] FROM "<file in the folder>" (options).
 */
export function rawStatementProblem(s: Token[], fileExists: (rel: string) => boolean): string | null {
  const head = s.slice(0, 3).map(W).join(' ');
  const text = s.map((t) => t.text).join(' ').slice(0, 100);
  if (head === 'CREATE NODE TABLE' || head === 'CREATE REL TABLE') {
    for (const t of s.slice(3)) {
      // Bare words are keywords, types or STRUCT field names; Kuzu's EXPORT writes no DEFAULT.
      if (t.kind === 'word' && !DDL_WORDS.has(W(t)) && (W(t) === 'DEFAULT' || isForbiddenWord(t.text) || (!tryParseType(t.text).ok && !isName(t)))) return `unexpected ${t.text} in ${text}`;
      if (t.kind === 'param' || (t.kind === 'punct' && !'(),[]=.'.includes(t.text))) return `unexpected ${t.text} in ${text}`;
    }
    return null;
  }
  if (head === 'DROP SEQUENCE IF') return s.length === 5 && W(s[3]) === 'EXISTS' && isName(s[4]) ? null : `unexpected statement ${text}`;
  if (head === 'CREATE SEQUENCE IF') {
    const words = new Set(['NOT', 'EXISTS', 'START', 'INCREMENT', 'MINVALUE', 'MAXVALUE', 'NO', 'CYCLE', 'WITH', 'BY']);
    const ok = s.slice(3).every((t, i) => (i === 2 ? isName(t) : t.kind === 'number' || (t.kind === 'punct' && t.text === '-') || words.has(W(t))));
    return ok ? null : `unexpected statement ${text}`;
  }
  if (W(s[0]) === 'RETURN' && W(s[1]) === 'NEXTVAL' && s.length === 5 && s[2].text === '(' && s[3].kind === 'string' && s[4].text === ')') return null;
  if (W(s[0]) === 'COPY' && isName(s[1])) {
    let i = 2;
    if (s[i]?.text === '(') {
      i++;
      while (i < s.length && s[i].text !== ')') {
        if (!isName(s[i]) && s[i].text !== ',') return `unexpected ${s[i].text} in ${text}`;
        i++;
      }
      i++;
    }
    if (W(s[i]) !== 'FROM' || s[i + 1]?.kind !== 'string') return `unexpected statement ${text}`;
    const file = s[i + 1].text.slice(1, -1);
    if (unsafeRelativePath(file) || !fileExists(file)) return `COPY reads ${JSON.stringify(file)}, which is not a file of the snapshot`;
    for (const t of s.slice(i + 2)) {
      if (t.kind === 'param' || (t.kind === 'punct' && !'(),='.includes(t.text))) return `unexpected ${t.text} in ${text}`;
    }
    return null;
  }
  return `statement kind not written by Kuzu's EXPORT DATABASE: ${text}`;
}

/** Statement-by-statement check of a raw snapshot's .cypher files (see rawStatementProblem). */
function rawFolderProblems(dir: string, manifest: Manifest): string[] {
  const out: string[] = [];
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const f of fs.readdirSync(dir)) {
    if (f.endsWith('.cypher') && !RAW_FILES.includes(f)) out.push(`${f} is not a file Kuzu's EXPORT DATABASE writes`);
  }
  for (const f of RAW_FILES) {
    const abs = path.join(dir, f);
    if (!fs.existsSync(abs)) continue;
    if (!listed.has(f)) out.push(`${f} is not one of the manifest's checksummed files`);
    let statements: Token[][];
    try {
      statements = statementsOf(fs.readFileSync(abs, 'utf8'));
    } catch (err) {
      out.push(`${f}: ${(err as Error).message}`);
      continue;
    }
    if ((f === 'index.cypher' || f === 'macro.cypher') && statements.length) {
      out.push(`${f} is not empty: indexes and macros in a raw snapshot are not imported by kuzu-migrate`);
      continue;
    }
    for (const s of statements) {
      const p = rawStatementProblem(s, (rel) => listed.has(rel));
      if (p) out.push(`${f}: ${p}`);
    }
  }
  return out;
}

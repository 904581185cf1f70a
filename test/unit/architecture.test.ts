/**
 * The layers point one way: core ← engines (the seam) ← config ← kuzu ← state ← snapshot / plan ←
 * apply / upgrade ← fleet ← cli ← commands (docs/architecture.md). Read from the sources with TypeScript's own import scanner
 * (type-only imports count too: a type cycle still couples two modules).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';

const SRC = path.resolve(__dirname, '..', '..', 'src');

/**
 * Folder-level edges that still close a cycle, each to be removed by moving code into src/state
 * (issue 15's state consolidation). The test fails when one is no longer needed, so the list only
 * shrinks: delete the entry then.
 */
const KNOWN_CYCLE_EDGES: Record<string, string> = {};

/**
 * The layers, lowest first (docs/architecture.md). A folder may import only folders of a lower
 * layer (or itself); a new folder must be placed here, so the order stays a decision, not an accident.
 */
const LAYERS: string[][] = [
  ['core', 'version.ts'],
  ['engines'],
  ['config'],
  ['kuzu'],
  ['state', 'lint'],
  ['snapshot', 'plan'],
  ['apply', 'upgrade', 'api'],
  ['fleet'],
  ['cli'],
  ['commands'],
  ['index.ts'],
];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/**
 * Every module a file names: import and export ... from declarations (type-only ones too),
 * `import x = require(...)`, and `import(...)` / `require(...)` calls, wherever they stand. Read
 * from a full parse: TypeScript's quick pre-processing scanner (ts.preProcessFile) loses track
 * after a regex literal such as /'/g and missed an import placed below one (measured).
 */
function moduleSpecifiers(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) out.push(n.moduleSpecifier.text);
    else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference) && ts.isStringLiteral(n.moduleReference.expression)) out.push(n.moduleReference.expression.text);
    else if (ts.isCallExpression(n) && (n.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(n.expression) && n.expression.text === 'require')) && n.arguments[0] && ts.isStringLiteralLike(n.arguments[0])) out.push(n.arguments[0].text);
    ts.forEachChild(n, visit);
  };
  visit(source);
  return out;
}

/** file → { relative imports resolved to files, bare module names } */
function importGraph(): Map<string, { files: string[]; modules: string[] }> {
  const graph = new Map<string, { files: string[]; modules: string[] }>();
  for (const file of sourceFiles(SRC)) {
    const entry = { files: [] as string[], modules: [] as string[] };
    for (const fileName of moduleSpecifiers(file)) {
      if (!fileName.startsWith('.')) {
        entry.modules.push(fileName);
        continue;
      }
      const base = path.resolve(path.dirname(file), fileName);
      const target = [base + '.ts', path.join(base, 'index.ts')].find((f) => fs.existsSync(f));
      if (!target && fs.existsSync(base) && !base.startsWith(SRC + path.sep)) {
        entry.modules.push(path.relative(SRC, base)); // a data file beside src/ (../package.json)
        continue;
      }
      if (!target) throw new Error(`${path.relative(SRC, file)} imports ${fileName}, which does not resolve`);
      entry.files.push(target);
    }
    graph.set(file, entry);
  }
  return graph;
}

/** Strongly connected components with more than one member (Tarjan). */
function cycles<T>(nodes: T[], next: (n: T) => T[]): T[][] {
  let index = 0;
  const idx = new Map<T, number>(), low = new Map<T, number>(), stack: T[] = [], onStack = new Set<T>(), out: T[][] = [];
  const visit = (v: T): void => {
    idx.set(v, index); low.set(v, index++); stack.push(v); onStack.add(v);
    for (const w of next(v)) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const c: T[] = [];
      let w: T;
      do { w = stack.pop()!; onStack.delete(w); c.push(w); } while (w !== v);
      if (c.length > 1 || next(v).includes(v)) out.push(c);
    }
  };
  for (const n of nodes) if (!idx.has(n)) visit(n);
  return out;
}

const graph = importGraph();
const rel = (f: string) => path.relative(SRC, f).split(path.sep).join('/');
/** The top folder under src/ (a file directly in src/, such as index.ts, is its own unit). */
const folder = (f: string) => rel(f).split('/')[0];

describe('import graph of src/', () => {
  it('has no cycle between files', () => {
    const found = cycles([...graph.keys()], (f) => graph.get(f)!.files).map((c) => c.map(rel).sort());
    expect(found).toEqual([]);
  });

  it('src/core imports nothing outside src/core (only node:crypto, for fingerprints)', () => {
    const outside: string[] = [];
    for (const [file, { files, modules }] of graph) {
      if (folder(file) !== 'core') continue;
      for (const t of files) if (folder(t) !== 'core') outside.push(`${rel(file)} -> ${rel(t)}`);
      for (const m of modules) if (m !== 'node:crypto') outside.push(`${rel(file)} -> ${m}`);
    }
    expect(outside).toEqual([]);
  });

  it('the engine seam (src/engines) imports only src/core below it', () => {
    const up: string[] = [];
    for (const [file, { files }] of graph) {
      if (folder(file) !== 'engines') continue;
      for (const t of files) if (!['engines', 'core'].includes(folder(t))) up.push(`${rel(file)} -> ${rel(t)}`);
    }
    expect(up).toEqual([]);
  });

  it('has no cycle between folders, except the listed ones still to be removed', () => {
    const edges = new Map<string, Set<string>>();
    for (const [file, { files }] of graph) {
      for (const t of files) {
        const [a, b] = [folder(file), folder(t)];
        if (a !== b) edges.set(a, (edges.get(a) ?? new Set()).add(b));
      }
    }
    const present = (e: string) => { const [a, b] = e.split(' -> '); return edges.get(a)?.has(b) ?? false; };
    const stale = Object.keys(KNOWN_CYCLE_EDGES).filter((e) => !present(e));
    expect(stale).toEqual([]); // an exception nothing needs any more: delete it from KNOWN_CYCLE_EDGES
    const allowed = (a: string, b: string) => `${a} -> ${b}` in KNOWN_CYCLE_EDGES;
    const found = cycles([...edges.keys()], (a) => [...(edges.get(a) ?? [])].filter((b) => !allowed(a, b)));
    expect(found.map((c) => c.sort())).toEqual([]);
  });

  it('every folder imports only lower layers (LAYERS)', () => {
    const rank = (f: string) => LAYERS.findIndex((l) => l.includes(f));
    const unplaced = new Set<string>(), upward = new Set<string>();
    for (const [file, { files }] of graph) {
      const a = folder(file);
      if (rank(a) < 0) unplaced.add(a);
      for (const t of files) {
        const b = folder(t);
        if (a !== b && rank(b) >= rank(a)) upward.add(`${rel(file)} -> ${rel(t)}`);
      }
    }
    expect([...unplaced]).toEqual([]);
    expect([...upward]).toEqual([]);
  });

  it('engine differences are capability flags: no engine name or version is compared outside src/engines', () => {
    // Comparisons only; comments, strings in messages and flag descriptions do not count.
    const check = /\.engine\s*[!=]==?\s*['"]|['"](kuzu|ladybug)['"]\s*[!=]==?|\b(version|storageVersion|storage_version)\s*(?:[!=]==?|[<>]=?)\s*['"]?\d/;
    /** Where such a comparison is not an engine difference, and why. */
    const allowed: Record<string, string> = {
      'config/to-yaml.ts': "`engine:` is written into the YAML only when it is not the default, 'kuzu'",
    };
    const found: string[] = [];
    for (const file of graph.keys()) {
      if (folder(file) === 'engines' || rel(file) in allowed) continue;
      fs.readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        if (!/^\s*(\*|\/\/)/.test(line) && check.test(line)) found.push(`${rel(file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(found).toEqual([]);
    expect(check.test("if (release.engine === 'ladybug') return;")).toBe(true); // the pattern is not a rubber stamp
    expect(check.test('if (release.storageVersion >= 39) return;')).toBe(true);
  });

  it('the reader finds imports anywhere in a file, after a regex literal too', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'km-arch-'));
    const file = path.join(tmp, 'x.ts');
    fs.writeFileSync(file, "const q = /'/g;\nimport type { A } from './a';\nexport { B } from './b';\nconst c = require('./c');\nconst d = () => import('./d');\n");
    try {
      expect(moduleSpecifiers(file)).toEqual(['./a', './b', './c', './d']);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('the walker sees a cycle when there is one (it is not a rubber stamp)', () => {
    const g: Record<string, string[]> = { a: ['b'], b: ['c'], c: ['a'], d: ['a'] };
    expect(cycles(Object.keys(g), (n) => g[n]).map((c) => c.sort())).toEqual([['a', 'b', 'c']]);
  });
});

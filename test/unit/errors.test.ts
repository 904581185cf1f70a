/**
 * One error registry: every code's exit code, meaning and hint in src/core/errors.ts, the README's
 * table generated from it, and every throw site's class agreeing with its code's exit code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ERRORS, ErrorCode, ExitCode, KuzuMigrateError, RefusedError, RuntimeError, UsageError } from '../../src/core/errors';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const docs = require('../../scripts/docs-errors.js') as { README: string; renderTable(e: typeof ERRORS): string; currentTable(readme: string): string | null };

const SRC = path.resolve(__dirname, '..', '..', 'src');
const readme = fs.readFileSync(docs.README, 'utf8');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every `new <Class>(…, 'E_CODE', …)` in src/: the class and the first code literal among its arguments. */
function throwSites(): { file: string; cls: string; code: string }[] {
  const out: { file: string; cls: string; code: string }[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/new (\w+Error)\(/g)) {
      let depth = 1;
      let j = m.index! + m[0].length;
      for (; depth > 0 && j < text.length; j++) {
        if ('([{'.includes(text[j])) depth++;
        else if (')]}'.includes(text[j])) depth--;
      }
      const code = /'(E_[A-Z_]+)'/.exec(text.slice(m.index! + m[0].length, j))?.[1];
      if (code) out.push({ file: path.relative(SRC, file), cls: m[1], code });
    }
  }
  return out;
}

describe('error registry', () => {
  it("the README's error table is the registry's (npm run docs:errors rewrites it)", () => {
    expect(docs.currentTable(readme)).toBe(docs.renderTable(ERRORS));
  });

  it("every registry exit code is a row of the README's exit-code table", () => {
    const section = readme.slice(readme.indexOf('## Exit codes'), readme.indexOf('<!-- errors:begin'));
    const documented = new Set([...section.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1])));
    expect([...documented].sort((a, b) => a - b)).toEqual(Object.values(ExitCode).sort((a, b) => a - b));
    for (const [code, e] of Object.entries(ERRORS)) expect([code, documented.has(e.exit)]).toEqual([code, true]);
  });

  it('each code has a one-line meaning and hint', () => {
    for (const [code, e] of Object.entries(ERRORS)) {
      expect(code).toMatch(/^E_[A-Z_]+$/);
      for (const line of [e.meaning, e.hint]) {
        expect(line.length).toBeGreaterThan(5);
        expect(line).not.toMatch(/\n/);
      }
    }
  });

  it('an error takes its exit code from the registry, and its hint when the throw site has none', () => {
    const codes = Object.keys(ERRORS) as ErrorCode[];
    for (const code of codes) {
      const e = new KuzuMigrateError('x', code);
      expect([code, e.exitCode, e.hints]).toEqual([code, ERRORS[code].exit, [ERRORS[code].hint]]);
    }
    expect(new RuntimeError('x', 'E_IO', ['look here']).hints).toEqual(['look here']);
    expect(new RefusedError('x', 'E_STALE_PLAN').exitCode).toBe(3);
    expect(new UsageError('x').exitCode).toBe(64);
  });

  it("every throw site's class agrees with its code's exit code (RuntimeError: 1, RefusedError: 3)", () => {
    const sites = throwSites();
    expect(sites.length).toBeGreaterThan(40); // the scanner finds the throw sites
    const expected: Record<string, number> = { RuntimeError: ExitCode.Error, RefusedError: ExitCode.Refused };
    const wrong = sites
      .filter((s) => !(s.code in ERRORS) || (s.cls in expected && ERRORS[s.code as ErrorCode].exit !== expected[s.cls]))
      .map((s) => `${s.file}: new ${s.cls}(…, '${s.code}')`);
    expect(wrong).toEqual([]);
  });

  it('every E_ code written anywhere in src/ is registered', () => {
    const unknown = new Set<string>();
    for (const file of sourceFiles(SRC)) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/'(E_[A-Z][A-Z_]*)'/g)) if (!(m[1] in ERRORS)) unknown.add(`${path.relative(SRC, file)}: ${m[1]}`);
    }
    expect([...unknown]).toEqual([]);
  });
});

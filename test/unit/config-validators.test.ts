/**
 * The config validators precompiled at build time (ajv standalone, scripts/gen-validators.js) must
 * answer exactly as the schema compiled by ajv at run time: same verdict, same errors (keyword,
 * path, params, parent schema), since config diagnostics are built from those errors.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CONFIG_SCHEMA_PATH, loadValidators, precompiledValidatorsSource } from '../../src/config/json-schema';

let tmp: string;
let source: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'km-validators-'));
  source = precompiledValidatorsSource();
});

/** Writes a validators module into the temporary folder, its ajv runtime import resolved from here (outside the package). */
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(tmp, name);
  writeFileSync(file, text.replace(/require\("(ajv\/[^"]+)"\)/g, (_, id: string) => `require(${JSON.stringify(require.resolve(id))})`));
  return file;
}

const example = parse(readFileSync(join(__dirname, '../fixtures/config/example/kuzu-migrate.yaml'), 'utf8')) as Record<string, unknown>;
const node = (props: unknown, extra: Record<string, unknown> = {}) => ({ version: 'v1.0.0', schema: { nodes: { A: { primary_key: 'id', properties: props, ...extra } } } });

/** [what, kind, value]: valid ones and one of each error keyword the diagnostics translate. */
const CASES: [string, 'config' | 'schemaFile', unknown][] = [
  ['the example config', 'config', example],
  ['unknown key', 'config', { ...example, colour: 'red' }],
  ['wrong type', 'config', { ...example, create: 'yes' }],
  ['enum', 'config', { ...example, engine: 'neo4j' }],
  ['pattern', 'config', { ...example, version: '1.0' }],
  ['missing required', 'config', { database: './x.kuzu' }],
  ['rel with from but no to', 'config', { version: 'v1.0.0', schema: { nodes: {}, rels: { R: { from: 'A' } } } }],
  ['several errors at once', 'config', node({ id: 5, name: { type: 'STRING', defualt: 1 } }, { comment: 7 })],
  ['not a mapping', 'config', ['a', 'list']],
  ['a schema file', 'schemaFile', { nodes: { A: { primary_key: 'id', properties: { id: 'INT64' } } } }],
  ['a bad schema file', 'schemaFile', { nodes: { A: { primary_key: 1 } }, extra: true }],
];

describe('precompiled config validators', () => {
  it('give the same verdicts and errors as the schema compiled by ajv', () => {
    const pre = loadValidators(write('current.js', source));
    const ajv = loadValidators(join(tmp, 'missing.js'));
    expect(pre.precompiled).toBe(true);
    expect(ajv.precompiled).toBe(false);
    let invalid = 0;
    for (const [what, kind, value] of CASES) {
      const a = ajv[kind](value);
      const p = pre[kind](value);
      expect({ what, valid: p, errors: p ? null : pre[kind].errors }).toEqual({ what, valid: a, errors: a ? null : ajv[kind].errors });
      if (!a) invalid++;
    }
    // The table must exercise both verdicts, or the comparison proves little.
    expect(invalid).toBeGreaterThanOrEqual(8);
  });

  it('are used only while generated from the schema file as it is now', () => {
    const digest = createHash('sha256').update(readFileSync(CONFIG_SCHEMA_PATH, 'utf8')).digest('hex');
    expect(source).toContain(`exports.schemaSha256 = "${digest}"`);
    const stale = write('stale.js', source.replace(digest, '0'.repeat(64)));
    expect(loadValidators(stale).precompiled).toBe(false);
  });
});

/**
 * Issue 16's injections through the built CLI: each is refused with its documented exit code, no
 * file appears, and the database is unchanged — judged in Kuzu directly (schema and every row).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { schemaFingerprint } from '../../src/core/model';
import { fromPlanSchema } from '../../src/core/plan-document';
import { withEngine } from '../../src/kuzu/engine';
import { makeDatabase, runCli, tempDir } from '../helpers/db';
import { BASE_DATA, baseSchema, clone, makeProject, type YamlSchema } from '../helpers/project';

/** Schema (table_info of every table) and every row of every table, hashed, computed in Kuzu. */
async function digest(dbPath: string): Promise<string> {
  return withEngine(dbPath, { readOnly: true }, async (e) => {
    const h = crypto.createHash('sha256');
    const tables = await e.query('CALL show_tables() RETURN name, type ORDER BY name');
    for (const t of tables) {
      const name = String(t['name']);
      h.update(JSON.stringify(await e.query(`CALL table_info('${name}') RETURN *`)));
      const rows = await e.query(t['type'] === 'NODE' ? `MATCH (x:\`${name}\`) RETURN x` : `MATCH (a)-[x:\`${name}\`]->(b) RETURN a, x, b`);
      h.update(JSON.stringify(rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).sort()));
    }
    return h.digest('hex');
  });
}

describe('injections are refused, nothing changes (built CLI)', () => {
  const p = makeProject('km-e2e-inject-');
  const cli = (...args: string[]) => runCli(args, { cwd: p.dir });
  const outside = tempDir('km-e2e-inject-out-');
  const pwned = path.join(outside, 'pwned.csv');
  let before = '';

  /** The base schema with one property of Requirement replaced or added. */
  const withProp = (name: string, def: unknown): YamlSchema => {
    const s = clone(baseSchema());
    (s.nodes!.Requirement as { properties: Record<string, unknown> }).properties[name] = def;
    return s;
  };
  const expectRefused = async (r: { status: number; stdout: string; stderr: string }, status: number, message: RegExp) => {
    expect(r.stderr).toMatch(message);
    expect(r.status).toBe(status);
    expect(r.stderr).not.toMatch(/TypeError|ReferenceError|\n\s+at /);
    expect(fs.existsSync(pwned)).toBe(false);
    expect(await digest(p.dbPath)).toBe(before);
  };

  beforeAll(async () => {
    p.write(baseSchema());
    fs.mkdirSync(path.dirname(p.dbPath), { recursive: true });
    expect(cli('apply', '--auto-approve').status).toBe(0);
    await makeDatabase(p.dbPath, async (e) => {
      for (const s of BASE_DATA) await e.query(s);
    });
    before = await digest(p.dbPath);
  });
  afterAll(() => {
    fs.rmSync(p.dir, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  test('a check with DETACH DELETE is refused before anything runs (65, file:line:col)', async () => {
    p.write(withProp('team', { type: 'STRING', default: "'core'" }), { checks: [{ name: 'evil', query: 'MATCH (c:Component) DETACH DELETE c RETURN true' }] });
    const r = cli('apply', '--auto-approve');
    await expectRefused(r, 65, /kuzu-migrate\.yaml:\d+:\d+: check "evil": check contains DETACH/);
  });

  test('a read-only check runs inside the transaction: seeing the new rows fail it rolls the apply back (1)', async () => {
    p.write(withProp('team', { type: 'STRING', default: "'core'" }), { checks: [{ name: 'no team yet', query: "MATCH (r:Requirement) WHERE r.team = 'core' RETURN count(*) = 0" }] });
    await expectRefused(cli('apply', '--auto-approve'), 1, /check "no team yet" returned \[\{.*false\}\], expected a single true; nothing changed/);
  });

  test.each([
    ['default with ; COPY ... TO', { type: 'INT64', default: `0 ; COPY (RETURN 1) TO '${pwned}' ; RETURN 1` }, /default contains a statement separator/],
    ['default with DETACH DELETE in a subquery', { type: 'INT64', default: 'COUNT { MATCH (c:Component) DETACH DELETE c }' }, /default contains DETACH/],
    ['using with a write', { type: 'STRING', using: "n.title SET n.title = 'pwned'" }, /using contains SET/],
  ])('%s is refused (65) and nothing is written', async (_name, def, message) => {
    p.write(withProp('extra', def));
    await expectRefused(cli('apply', '--auto-approve'), 65, message);
  });

  test('a YAML alias bomb is one diagnostic (65), not a ReferenceError', async () => {
    const lines = ['version: v1.0.0', 'database: ./db/graph.kuzu', 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    fs.writeFileSync(p.yamlPath, lines.join('\n') + '\nschema: { nodes: {} }\n');
    await expectRefused(cli('plan'), 65, /YAML cannot be expanded: Excessive alias count/);
  });

  describe('saved plans', () => {
    const planFile = () => path.join(p.dir, 'plan.json');
    beforeAll(() => {
      p.write(withProp('team', { type: 'STRING', default: "'core'" }));
      expect(cli('plan', '--out', planFile()).status).toBe(0);
    });

    test('an edited desired_schema is refused (3) and the property is not created', async () => {
      const plan = JSON.parse(fs.readFileSync(planFile(), 'utf8'));
      plan.desired_schema.nodes.find((t: { name: string }) => t.name === 'Requirement').properties.push({ name: 'smuggled', type: 'STRING', default: null });
      fs.writeFileSync(planFile() + '.edited', JSON.stringify(plan));
      await expectRefused(cli('apply', planFile() + '.edited', '--auto-approve'), 3, /plan file is not what was planned.*desired_schema hashes to/);
    });

    test('a re-hashed plan with an injected default is still refused (64)', async () => {
      const plan = JSON.parse(fs.readFileSync(planFile(), 'utf8'));
      plan.desired_schema.nodes.find((t: { name: string }) => t.name === 'Requirement').properties.find((x: { name: string }) => x.name === 'team').default = `'a' ; COPY (RETURN 1) TO '${pwned}'`;
      plan.desired_fingerprint = schemaFingerprint(fromPlanSchema(plan.desired_schema)); // a forger re-hashes
      fs.writeFileSync(planFile() + '.evil', JSON.stringify(plan));
      await expectRefused(cli('apply', planFile() + '.evil', '--auto-approve'), 64, /not a kuzu-migrate plan: desired_schema\.nodes\[\d\] \(Requirement\)\.properties\[\d\]\.default: default contains a statement separator/);
    });

    test.each([
      ['bad JSON', '{"format_version": 2,', /is not JSON/],
      ['wrong shape', '{"format_version": 2, "tool": {"name": "kuzu-migrate", "version": "0"}, "live_fingerprint": "x", "desired_fingerprint": "y", "version": "v1", "steps": [], "desired_schema": {}}', /desired_schema\.nodes is not a list/],
    ])('a malformed plan (%s) is one line, exit 64', async (_name, text, message) => {
      fs.writeFileSync(planFile() + '.bad', text);
      const r = cli('apply', planFile() + '.bad', '--auto-approve');
      await expectRefused(r, 64, message);
    });
  });

  describe('snapshots', () => {
    const migrations = () => path.join(p.dir, 'migrations');
    const vdir = (v: string) => path.join(migrations(), v);
    const target = () => path.join(p.dir, 'imported.kuzu');
    const sha = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
    /** Rewrites a snapshot file and its manifest checksum, as someone editing both would. */
    const tamper = (v: string, rel: string, edit: (text: string) => string) => {
      const file = path.join(vdir(v), rel);
      fs.writeFileSync(file, edit(fs.readFileSync(file, 'utf8')));
      const m = JSON.parse(fs.readFileSync(path.join(vdir(v), 'manifest.json'), 'utf8'));
      const entry = m.files.find((f: { path: string }) => f.path === rel);
      entry.sha256 = sha(file);
      entry.bytes = fs.statSync(file).size;
      fs.writeFileSync(path.join(vdir(v), 'manifest.json'), JSON.stringify(m));
    };
    const editManifest = (v: string, edit: (m: { version: string; tables: Array<{ files: Array<{ path: string }> }> }) => void) => {
      const file = path.join(vdir(v), 'manifest.json');
      const m = JSON.parse(fs.readFileSync(file, 'utf8'));
      edit(m);
      fs.writeFileSync(file, JSON.stringify(m));
    };
    const expectImportRefused = async (v: string, message: RegExp) => {
      await expectRefused(cli('import', '--version', v, '--database', target()), 1, message);
      expect(fs.existsSync(target())).toBe(false);
      expect(fs.readdirSync(p.dir).filter((f) => f.startsWith('_km_import_'))).toEqual([]);
    };

    beforeAll(() => {
      p.write(baseSchema());
      expect(cli('export', '--version', 'v1.0.0', '--format', 'csv').status).toBe(0);
      expect(cli('export', '--version', 'v2.0.0', '--format', 'parquet', '--raw').status).toBe(0); // raw CSV loses doubles (kuzu-notes §3)
      // One export each, copied under other names with manifest.version to match (it is not checksummed).
      const copies: Array<[string, string]> = [['v1.0.0', 'v1.0.1'], ['v1.0.0', 'v1.0.2'], ['v1.0.0', 'v1.0.3'], ['v1.0.0', 'v1.0.4'], ['v1.0.0', 'v1.0.5'], ['v2.0.0', 'v2.0.1']];
      for (const [from, to] of copies) {
        fs.cpSync(vdir(from), vdir(to), { recursive: true });
        editManifest(to, (m) => (m.version = to));
      }
    });

    test('an untouched snapshot still imports (control)', () => {
      const r = cli('import', '--version', 'v1.0.0', '--database', path.join(p.dir, 'control.kuzu'));
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    });

    test('schema.cypher with an added COPY ... TO line and an updated checksum is refused', async () => {
      tamper('v1.0.1', 'schema.cypher', (t) => t + `COPY (RETURN 1) TO '${pwned}';\n`);
      await expectImportRefused('v1.0.1', /schema\.cypher is not what kuzu-migrate generates/);
    });

    test('a LOAD EXTENSION line is refused', async () => {
      tamper('v1.0.2', 'schema.cypher', (t) => `LOAD EXTENSION '${path.join(outside, 'evil.kuzu_extension')}';\n` + t);
      await expectImportRefused('v1.0.2', /schema\.cypher is not what kuzu-migrate generates/);
    });

    test('a symlink inside the snapshot is refused', async () => {
      const file = path.join(vdir('v1.0.3'), 'nodes', 'Component.csv');
      const copy = path.join(outside, 'Component.csv');
      fs.copyFileSync(file, copy);
      fs.rmSync(file);
      fs.symlinkSync(copy, file);
      await expectImportRefused('v1.0.3', /symbolic links .* not allowed in a snapshot: nodes\/Component\.csv/);
    });

    test('a data file path with ../ is refused', async () => {
      fs.copyFileSync(path.join(vdir('v1.0.4'), 'nodes', 'Component.csv'), path.join(migrations(), 'Component.csv'));
      editManifest('v1.0.4', (m) => (m.tables.find((t) => t.files[0]?.path === 'nodes/Component.csv')!.files[0].path = '../Component.csv'));
      await expectImportRefused('v1.0.4', /"\.\.\/Component\.csv" leaves the version folder/);
    });

    test('a raw snapshot (Kuzu\'s own EXPORT) still imports; with an added COPY ... TO it is refused', async () => {
      const control = cli('import', '--version', 'v2.0.0', '--database', path.join(p.dir, 'raw-control.kuzu'));
      expect(control.stderr).toBe('');
      expect(control.status).toBe(0);
      tamper('v2.0.1', 'copy.cypher', (t) => t + `COPY (RETURN 1) TO '${pwned}';\n`);
      await expectImportRefused('v2.0.1', /copy\.cypher: statement kind not written by Kuzu's EXPORT DATABASE: COPY \( RETURN 1 \) TO/);
    });

    test('two version folders swapped by name are refused', async () => {
      fs.renameSync(vdir('v1.0.5'), vdir('v9.9.9'));
      fs.renameSync(vdir('v1.0.0'), vdir('v1.0.5'));
      fs.renameSync(vdir('v9.9.9'), vdir('v1.0.0'));
      await expectImportRefused('v1.0.0', /manifest\.json says version "v1\.0\.5", but the folder is v1\.0\.0/);
    });
  });
});

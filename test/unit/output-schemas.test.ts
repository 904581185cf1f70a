/**
 * Every command's `--json` output has a JSON Schema under schemas/ (test/helpers/db.ts's runCli
 * validates each e2e `--json` output against it). Here: one per command, all compile strictly,
 * every field is described, and a schema rejects what it should.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadSchemas, outputProblems, outputSchemaFile } from '../helpers/schemas';

const COMMANDS = fs.readdirSync(path.resolve(__dirname, '..', '..', 'src', 'commands')).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''));
const schemas = loadSchemas();

function undescribed(node: unknown, at: string): string[] {
  if (!node || typeof node !== 'object') return [];
  const n = node as Record<string, unknown>;
  const out: string[] = [];
  for (const [k, v] of Object.entries((n.properties as Record<string, Record<string, unknown>>) ?? {})) {
    if (typeof v.description !== 'string') out.push(`${at}.${k}`);
    out.push(...undescribed(v, `${at}.${k}`));
  }
  if (n.items) out.push(...undescribed(n.items, `${at}[]`));
  for (const v of (n.anyOf as unknown[]) ?? []) out.push(...undescribed(v, at));
  return out;
}

describe('--json output schemas', () => {
  it.each(COMMANDS)('%s has one', (command) => {
    expect(schemas.has(outputSchemaFile(command, {}))).toBe(true);
  });

  it('every field of every output schema is described', () => {
    const missing = [...schemas].filter(([f]) => f.endsWith('.output.schema.json')).flatMap(([f, s]) => undescribed(s, f));
    expect(missing).toEqual([]);
  });

  it('they validate real shapes and reject wrong ones', () => {
    const drift = { drift: true, database: '/d', version: 'v1.0.0', live_fingerprint: 'sha256:' + 'a'.repeat(64), desired_fingerprint: 'sha256:' + 'b'.repeat(64), differences: [{ kind: 'drop_property', table: 'A', property: 'x', description: 'drop A.x' }] };
    expect(outputProblems('drift', drift)).toEqual([]);
    expect(outputProblems('drift', { ...drift, drift: 'yes' })).not.toEqual([]);
    expect(outputProblems('drift', { ...drift, extra: 1 })).not.toEqual([]);
    const error = { error: { code: 'E_LOCKED', exit_code: 4, message: 'locked', hints: ['wait'] } };
    expect(outputProblems('apply', error)).toEqual([]);
    expect(outputProblems('apply', { error: { ...error.error, exit_code: 7 } })).not.toEqual([]);
    expect(outputProblems('doctor', { ok: true, items: [{ name: 'disk', status: 'fine', detail: '' }] })).not.toEqual([]);
  });
});

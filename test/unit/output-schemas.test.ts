/**
 * Every command's `--json` output has a JSON Schema under schemas/ (test/helpers/db.ts's runCli
 * validates each e2e `--json` output against it). Here: one per command, all compile strictly,
 * every field is described, and a schema rejects what it should.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadSchemas, outputProblems, outputSchemaFile, schemaFieldProblems } from '../helpers/schemas';

const COMMANDS = fs.readdirSync(path.resolve(__dirname, '..', '..', 'src', 'commands')).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''));
const schemas = loadSchemas();

describe('--json output schemas', () => {
  it.each(COMMANDS)('%s has one', (command) => {
    expect(schemas.has(outputSchemaFile(command, {}))).toBe(true);
  });

  it('the YAML schema (kuzu-migrate.schema.json, what editors show) describes every key; keys are snake_case', () => {
    expect(schemaFieldProblems(schemas.get('kuzu-migrate.schema.json'))).toEqual({ undescribed: [], notSnakeCase: [] });
  });

  it('every field of every output schema is described and snake_case', () => {
    const outputs = [...schemas].filter(([f]) => f.endsWith('.output.schema.json'));
    expect(outputs.flatMap(([f, s]) => schemaFieldProblems(s, f).undescribed)).toEqual([]);
    expect(outputs.flatMap(([f, s]) => schemaFieldProblems(s, f).notSnakeCase)).toEqual([]);
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

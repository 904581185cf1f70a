/** Issue 9 item 3c: defaults are compared by value for the property's type, not by spelling. */
import { diffSchemas } from '../../src/core/diff';
import { canonicalDefault, canonicalNumber, mayHaveLostSign, Schema } from '../../src/core/model';
import { mergeDeclared } from '../../src/upgrade/restore';

describe('canonicalNumber', () => {
  test.each([
    ['1', 'DOUBLE', '1'],
    ['1.0', 'DOUBLE', '1'],
    ['1.00', 'DOUBLE', '1'],
    ['1e0', 'DOUBLE', '1'],
    ['.5', 'FLOAT', '0.5'],
    ['0.1', 'DOUBLE', '0.1'],
    ['1.50', 'DECIMAL(18, 4)', '1.5'],
    ['001.000', 'DECIMAL(18, 4)', '1'],
    ['007', 'INT64', '7'],
    ['170141183460469231731687303715884105727', 'INT128', '170141183460469231731687303715884105727'],
    // Not numeric literals, or not numeric types: unchanged.
    ['1.0', 'STRING', '1.0'],
    ['1.0', 'INT64', '1.0'],
    ["'1.0'", 'DOUBLE', "'1.0'"],
    ['abs(1.0)', 'DOUBLE', 'abs(1.0)'],
    ['1+0.0', 'DOUBLE', '1+0.0'],
    // A bare negative number keeps its sign; -0 is 0.
    ['-1.0', 'DOUBLE', '-1'],
    ['-007', 'INT64', '-7'],
    ['-0', 'INT64', '0'],
    ['-1.50', 'DECIMAL(18, 4)', '-1.5'],
    ['-abs(1)', 'INT64', '-abs(1)'],
  ])('%s on %s is %s', (text, type, out) => expect(canonicalNumber(text, type)).toBe(out));

  test('without a type the spelling is kept (callers that do not know the type)', () => {
    expect(canonicalDefault('1.0')).toBe('1.0');
    expect(canonicalDefault('1.0', 'DOUBLE')).toBe('1');
  });
});

function schema(type: string, def: string | null): Schema {
  return { nodes: [{ kind: 'node', name: 'T', primaryKey: 'id', comment: '', properties: [{ name: 'id', type: 'INT64', default: null }, { name: 'x', type, default: def }] }], rels: [] };
}

describe('default changes are planned by value', () => {
  test.each([
    // live (as table_info prints it), declared, type, planned?
    ['1.0', '1', 'DOUBLE', false],
    ['1.0', '1.00', 'DOUBLE', false],
    ['1.0', '1.5', 'DOUBLE', true],
    ['1.5000', '1.5', 'DECIMAL(18, 4)', false],
    ['1', '2', 'INT64', true],
    ['2', '02', 'INT64', false],
    ["'a'", "'A'", 'STRING', true],
    // The sign of a bare number is compared (introspection reads it exactly, kuzu/default-signs.ts).
    ['-1', '1', 'INT64', true],
    ['-1', '-1', 'INT64', false],
    ['-1', '- 1', 'INT64', false],
    ['-1.0', '-1', 'DOUBLE', false],
    ['1.5', '-1.5', 'DOUBLE', true],
    // Inside an expression table_info loses the minus for good: compared without it.
    ['1 + 2', '1 + -2', 'INT64', false],
  ] as const)('live %s, declared %s on %s: change planned = %s', (live, declared, type, planned) => {
    const kinds = diffSchemas(schema(type, live), schema(type, declared)).changes.map((c) => c.kind);
    expect(kinds.includes('alter_property_default')).toBe(planned);
  });
});

describe('a default whose sign the live catalog may have lost', () => {
  test.each([
    ['1', true],
    ['1.5', true],
    ['1.5e3', true],
    ['.5', true],
    ['0', false],
    ['0.0', false],
    ['-1', false],
    ["'1'", false],
    ['1 + 2', false],
    ['abs(1)', false],
    [null, false],
  ] as const)('%s: %s', (printed, expected) => expect(mayHaveLostSign(printed)).toBe(expected));

  test('when the probe could not read it (defaultSignUnknown), no change is planned for a sign alone', () => {
    const live = schema('INT64', '1');
    live.nodes[0].properties[1].defaultSignUnknown = true;
    expect(diffSchemas(live, schema('INT64', '-1')).changes).toEqual([]);
    expect(diffSchemas(live, schema('INT64', '2')).changes.map((c) => c.kind)).toEqual(['alter_property_default']);
  });
});

describe('upgrade: what the declaration puts back (mergeDeclared)', () => {
  test('a sign the probe could not read comes from the declaration; a sign it read is never overridden', () => {
    const unknown = schema('INT64', '1');
    unknown.nodes[0].properties[1].defaultSignUnknown = true;
    const fromDecl = mergeDeclared(unknown, schema('INT64', '-1'), []);
    expect(fromDecl.restored).toEqual([{ table: 'T', property: 'x', aspect: 'default', value: '-1' }]);
    expect(fromDecl.schema.nodes[0].properties[1]).toEqual({ name: 'x', type: 'INT64', default: '-1' });
    // Read exactly (1 is 1): the database keeps what it says even where the YAML says -1.
    expect(mergeDeclared(schema('INT64', '1'), schema('INT64', '-1'), []).restored).toEqual([]);
    // A missing default is filled from the declaration.
    expect(mergeDeclared(schema('INT64', null), schema('INT64', '-1'), []).schema.nodes[0].properties[1].default).toBe('-1');
  });
});

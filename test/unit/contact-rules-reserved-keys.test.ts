// Custom data keys that are also names of JavaScript's object machinery (issue 13): `constructor`,
// `toString`, `__proto__`... are refused with a message and a fixed-up key (`constructor_field`,
// `to_string`, `proto`) and their values sent under it, never dropped without a word.
import { describe, expect, it } from 'vitest';
import type { ImportMapping } from '../../src/shared/column-mapping';
import {
  checkDataKey,
  compileContactMapper,
  proposeMapping,
  sentDataKey,
  validateMapping,
} from '../../src/shared/contact-rules';
import { mergeContacts } from '../../src/main/engine/contact-planning/contact-merge';
import { dataUpdate } from '../../src/main/engine/contact-planning/profile-merge';

function dataMapping(keys: string[]): ImportMapping {
  return {
    version: 1,
    columns: [
      { column: 'email', index: 0, target: { kind: 'field', field: 'email' } },
      ...keys.map((key, i) => ({
        column: `k${i}`,
        index: i + 1,
        target: { kind: 'data' as const, key },
      })),
    ],
    emptyCells: 'clear',
    extraSegments: [],
  };
}

function mapRow(keys: string[], cells: string[]) {
  const mapping = dataMapping(keys);
  return compileContactMapper(
    mapping,
    mapping.columns.map((c) => c.column),
  ).mapRow(cells, 2);
}

describe('keys named like object machinery', () => {
  it('sends constructor, toString and hasOwnProperty under fixed-up keys, never dropped', () => {
    const mapped = mapRow(
      ['constructor', 'toString', 'hasOwnProperty'],
      ['a@x.com', 'c', 't', 'h'],
    );
    expect(mapped.contact?.data).toEqual({
      constructor_field: 'c',
      to_string: 't',
      has_own_property: 'h',
    });
  });

  it('clears an empty constructor cell like any other key', () => {
    const mapped = mapRow(['constructor', 'plan'], ['a@x.com', '', '']);
    expect(mapped.contact?.clearedDataKeys).toEqual(['constructor_field', 'plan']);
    expect(dataUpdate(mapped.contact!, false, 'clear')).toEqual({
      constructor_field: '',
      plan: '',
    });
  });

  it('keeps a constructor value when rows of one email are merged', () => {
    const first = mapRow(['constructor'], ['a@x.com', 'c1']).contact!;
    const second = mapRow(['plan'], ['a@x.com', 'gold']).contact!;
    const merged = mergeContacts([first, second]);
    expect(merged.data).toEqual({ constructor_field: 'c1', plan: 'gold' });
  });

  it('refuses __proto__ and Constructor with a message and a key to use instead, and never sends them', () => {
    expect(checkDataKey('__proto__')).toEqual({
      ok: false,
      suggestion: 'proto',
      message: expect.stringMatching(/“__proto__” is a reserved name.*Use “proto” instead/),
    });
    expect(checkDataKey('Constructor')).toMatchObject({
      ok: false,
      suggestion: 'constructor_field',
    });
    expect(sentDataKey('__proto__')).toBe('proto');
    const problems = validateMapping(dataMapping(['__proto__']), ['email', 'k0']);
    expect(problems).toContainEqual(
      expect.objectContaining({ code: 'data_key_invalid', severity: 'error', suggestion: 'proto' }),
    );
    // Even a mapping run without its check (an old preset) sends the value under the fixed-up key.
    expect(mapRow(['__proto__'], ['a@x.com', 'p']).contact?.data).toEqual({ proto: 'p' });
  });

  it('proposes data.__proto__ and data.constructor under fixed-up keys, and says why', () => {
    const headers = ['email', 'data.__proto__', 'data.constructor'];
    const mapping = proposeMapping(headers);
    expect(mapping.columns.map((c) => c.target)).toEqual([
      { kind: 'field', field: 'email' },
      { kind: 'data', key: 'proto' },
      { kind: 'data', key: 'constructor_field' },
    ]);
    const problems = validateMapping(mapping, headers);
    expect(problems.map((p) => [p.code, p.column])).toEqual([
      ['data_key_fixed', 'data.__proto__'],
      ['data_key_fixed', 'data.constructor'],
    ]);
    expect(problems[0]!.message).toMatch(
      /imported as custom data “proto”: “__proto__” is a reserved name/,
    );
  });
});

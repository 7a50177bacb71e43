// Custom data keys that are also names of JavaScript's object machinery (issue 13): `constructor`
// and `hasOwnProperty` are imported like any key (never taken for "already set"), `__proto__` is
// refused with a message and a fixed-up key, never dropped without a word.
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
  it('imports constructor and the lower-case forms of toString and hasOwnProperty', () => {
    const mapped = mapRow(
      ['constructor', 'toString', 'hasOwnProperty'],
      ['a@x.com', 'c', 't', 'h'],
    );
    expect(mapped.contact?.data).toEqual({
      constructor: 'c',
      to_string: 't',
      has_own_property: 'h',
    });
  });

  it('clears an empty constructor cell like any other key', () => {
    const mapped = mapRow(['constructor', 'plan'], ['a@x.com', '', '']);
    expect(mapped.contact?.clearedDataKeys).toEqual(['constructor', 'plan']);
    expect(dataUpdate(mapped.contact!, false, 'clear')).toEqual({ constructor: '', plan: '' });
  });

  it('keeps a constructor value when rows of one email are merged', () => {
    const first = mapRow(['constructor'], ['a@x.com', 'c1']).contact!;
    const second = mapRow(['plan'], ['a@x.com', 'gold']).contact!;
    const merged = mergeContacts([first, second]);
    expect(merged.data).toEqual({ constructor: 'c1', plan: 'gold' });
  });

  it('refuses __proto__ with a message and a key to use instead, and never sends it', () => {
    const check = checkDataKey('__proto__');
    expect(check).toEqual({
      ok: false,
      suggestion: 'proto',
      message: expect.stringMatching(
        /“__proto__” cannot be a custom data key.*Use “proto” instead/,
      ),
    });
    expect(sentDataKey('__proto__')).toBe('proto');
    const problems = validateMapping(dataMapping(['__proto__']), ['email', 'k0']);
    expect(problems).toContainEqual(
      expect.objectContaining({ code: 'data_key_invalid', severity: 'error', suggestion: 'proto' }),
    );
    // Even a mapping run without its check sends the value under the fixed-up key.
    expect(mapRow(['__proto__'], ['a@x.com', 'p']).contact?.data).toEqual({ proto: 'p' });
  });

  it('proposes data.__proto__ as custom data proto, and says why', () => {
    const headers = ['email', 'data.__proto__', 'data.constructor'];
    const mapping = proposeMapping(headers);
    expect(mapping.columns.map((c) => c.target)).toEqual([
      { kind: 'field', field: 'email' },
      { kind: 'data', key: 'proto' },
      { kind: 'data', key: 'constructor' },
    ]);
    const problems = validateMapping(mapping, headers);
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'data_key_fixed',
        column: 'data.__proto__',
        message: expect.stringMatching(
          /imported as custom data “proto”: “__proto__” has a special meaning/,
        ),
      }),
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import type { ColumnMapping, ImportMapping } from '../../src/shared/column-mapping';
import { validateMapping } from '../../src/shared/contact-rules';

function mapping(columns: [string, ColumnMapping['target']][]): ImportMapping {
  return {
    version: 1,
    columns: columns.map(([column, target], index) => ({ column, index, target })),
    emptyCells: 'clear',
    extraSegments: [],
  };
}
const field = (f: string) => ({ kind: 'field', field: f }) as ColumnMapping['target'];
const data = (key: string) => ({ kind: 'data', key }) as const;
const headersOf = (m: ImportMapping) => m.columns.map((c) => c.column);

describe('validateMapping', () => {
  it('accepts a sound mapping', () => {
    const m = mapping([
      ['Email', field('email')],
      ['Name', field('full_name')],
      ['Plan', data('plan')],
      ['Tags', field('segments')],
      ['Labels', field('segments')],
      ['Zip', { kind: 'ignore' }],
    ]);
    expect(validateMapping(m, headersOf(m))).toEqual([]);
  });

  it('requires an email column', () => {
    const m = mapping([['Name', field('full_name')]]);
    expect(validateMapping(m, headersOf(m))).toEqual([
      {
        column: '',
        code: 'mapping_no_email',
        severity: 'error',
        message:
          'No column is mapped to Email. Crisp needs an email for every contact: choose the column that holds them.',
      },
    ]);
  });

  it('refuses two email columns', () => {
    const m = mapping([
      ['Email', field('email')],
      ['Work email', field('email')],
    ]);
    expect(validateMapping(m, headersOf(m))).toMatchObject([
      { column: 'Work email', code: 'email_mapped_twice', severity: 'error' },
    ]);
  });

  it('refuses invalid custom data keys and suggests a fixed key', () => {
    const m = mapping([
      ['Email', field('email')],
      ['Company Name', data('Company Name')],
      ['LTV', data('$ltv')],
      ['Sub', data('is_subscribed?')],
      ['User', data('user.name')],
    ]);
    expect(validateMapping(m, headersOf(m))).toEqual([
      {
        column: 'Company Name',
        code: 'data_key_invalid',
        severity: 'error',
        suggestion: 'company_name',
        message:
          'The custom data key “Company Name” may only hold letters, digits, _ and -. Use “company_name” instead.',
      },
      expect.objectContaining({ column: 'LTV', code: 'data_key_invalid', suggestion: 'ltv' }),
      expect.objectContaining({
        column: 'Sub',
        code: 'data_key_invalid',
        suggestion: 'is_subscribed',
      }),
      expect.objectContaining({
        column: 'User',
        code: 'data_key_invalid',
        suggestion: 'user_name',
      }),
    ]);
  });

  it('advises lower-case keys without refusing them', () => {
    const m = mapping([
      ['Email', field('email')],
      ['Version', data('AppVersionCode')],
    ]);
    expect(validateMapping(m, headersOf(m))).toMatchObject([
      {
        column: 'Version',
        code: 'data_key_uppercase',
        severity: 'warning',
        suggestion: 'app_version_code',
      },
    ]);
  });

  it('refuses the same data key twice, including the keys of kept dates', () => {
    const m = mapping([
      ['Email', field('email')],
      ['Plan', data('plan')],
      ['Plan 2', data('plan')],
      ['Created', field('created_at')],
      ['data.created_at', data('created_at')],
    ]);
    expect(validateMapping(m, headersOf(m))).toMatchObject([
      { column: 'Plan 2', code: 'data_key_duplicate', severity: 'error' },
      { column: 'data.created_at', code: 'data_key_duplicate', severity: 'error' },
    ]);
  });

  it('warns when one single field is fed by several columns', () => {
    const m = mapping([
      ['Email', field('email')],
      ['Phone', field('phone')],
      ['Mobile', field('phone')],
    ]);
    expect(validateMapping(m, headersOf(m))).toEqual([
      {
        column: 'Mobile',
        code: 'field_mapped_twice',
        severity: 'warning',
        message:
          'Phone is also mapped from “Phone”. For each contact the first non-empty of these columns is used.',
      },
    ]);
  });

  it('names mapped columns that the file does not have', () => {
    const m = mapping([
      ['Email', field('email')],
      ['City', field('city')],
    ]);
    expect(validateMapping(m, ['E-mail', 'Town'])).toMatchObject([
      { column: 'Email', code: 'column_not_found', severity: 'error' },
      { column: 'City', code: 'column_not_found', severity: 'warning' },
    ]);
    // Without a header row, columns are taken by position.
    expect(validateMapping(m, [])).toEqual([]);
  });
});

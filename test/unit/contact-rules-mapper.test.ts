import { describe, expect, it } from 'vitest';
import type { ColumnMapping, ImportMapping } from '../../src/shared/column-mapping';
import { ContactProfile } from '../../src/shared/contact-profile';
import { RowIssue } from '../../src/shared/row-issue';
import {
  columnLabel,
  compileContactMapper,
  CONTACT_ISSUE_SEVERITY,
  proposeMapping,
} from '../../src/shared/contact-rules';

type Extra = Partial<Omit<ColumnMapping, 'column' | 'index' | 'target'>>;

function mapping(
  columns: [string, ColumnMapping['target'], Extra?][],
  options: Partial<Pick<ImportMapping, 'emptyCells' | 'extraSegments'>> = {},
): ImportMapping {
  return {
    version: 1,
    columns: columns.map(([column, target, extra], index) => ({ column, index, target, ...extra })),
    emptyCells: options.emptyCells ?? 'clear',
    extraSegments: options.extraSegments ?? [],
  };
}

const field = (f: string) => ({ kind: 'field', field: f }) as ColumnMapping['target'];
const data = (key: string) => ({ kind: 'data', key }) as const;

function mapOne(
  columns: [string, ColumnMapping['target'], Extra?][],
  cells: string[],
  options?: Partial<Pick<ImportMapping, 'emptyCells' | 'extraSegments'>>,
) {
  const m = mapping(columns, options);
  const mapped = compileContactMapper(
    m,
    m.columns.map((c) => c.column),
    { now: Date.UTC(2026, 0, 15) },
  ).mapRow(cells, 2);
  for (const issue of mapped.issues) RowIssue.parse(issue);
  if (mapped.contact) ContactProfile.parse(mapped.contact);
  return mapped;
}

const codes = (issues: RowIssue[]) => issues.map((i) => i.code);

describe('compileContactMapper: email', () => {
  it('gives an error and no contact without an email', () => {
    const mapped = mapOne(
      [
        ['Email', field('email')],
        ['Name', field('full_name')],
      ],
      ['  ', 'Jane'],
    );
    expect(mapped.contact).toBeNull();
    expect(mapped.issues).toEqual([
      {
        row: 2,
        column: 'Email',
        severity: 'error',
        code: 'email_missing',
        message:
          'This row has no email. Crisp needs an email to import a contact: add it or remove the row.',
      },
    ]);
  });

  it('gives an error for an invalid email, quoting it', () => {
    const mapped = mapOne([['Email', field('email')]], ['jane@@example'], {});
    expect(mapped.contact).toBeNull();
    expect(mapped.issues[0]).toMatchObject({
      severity: 'error',
      code: 'email_invalid',
      column: 'Email',
    });
    expect(mapped.issues[0]?.message).toContain('“jane@@example” is not a valid email address');
  });

  it('keeps the first of several emails with a warning naming the others', () => {
    const mapped = mapOne(
      [
        ['Email', field('email')],
        ['Name', field('full_name')],
      ],
      ['a@x.com, B@y.com', 'Ann'],
    );
    expect(mapped.contact?.email).toBe('a@x.com');
    expect(mapped.issues).toMatchObject([{ severity: 'warning', code: 'email_multiple' }]);
    expect(mapped.issues[0]?.message).toBe(
      'This cell holds 2 emails. a@x.com is imported; b@y.com is not. Put each contact on its own row to import the others.',
    );
  });

  it('reads a "Name <address>" cell with a warning saying how it was read', () => {
    const mapped = mapOne(
      [
        ['Email', field('email')],
        ['Name', field('full_name')],
      ],
      ['Jane Doe <Jane@Example.com>', 'Jane'],
    );
    expect(mapped.contact?.email).toBe('jane@example.com');
    expect(mapped.issues).toEqual([
      {
        row: 2,
        column: 'Email',
        severity: 'warning',
        code: 'email_cleaned',
        message: '“Jane Doe <Jane@Example.com>” was read as the email jane@example.com.',
      },
    ]);
  });

  it('reports every row issue as an error when there is no email column at all', () => {
    const mapped = mapOne([['Name', field('full_name')]], ['Jane']);
    expect(mapped.contact).toBeNull();
    expect(codes(mapped.issues)).toEqual(['email_missing']);
  });
});

describe('compileContactMapper: names', () => {
  const columns: [string, ColumnMapping['target']][] = [
    ['Email', field('email')],
    ['Prénom', field('first_name')],
    ['Nom', field('last_name')],
    ['Nom complet', field('full_name')],
  ];

  it('joins first and last name', () => {
    const mapped = mapOne(columns, ['jane@x.com', ' Jane ', 'Doe', 'Ignored Full']);
    expect(mapped.contact).toMatchObject({ nickname: 'Jane Doe', nicknameSource: 'first_last' });
    expect(mapped.issues).toEqual([]);
  });

  it('uses a lone first or last name', () => {
    expect(mapOne(columns, ['jane@x.com', '', 'Doe', ''])?.contact?.nickname).toBe('Doe');
    expect(mapOne(columns, ['jane@x.com', 'Jane', '', ''])?.contact?.nickname).toBe('Jane');
  });

  it('falls back to the full name', () => {
    const mapped = mapOne(columns, ['jane@x.com', '', '', 'Jane Q. Doe']);
    expect(mapped.contact).toMatchObject({ nickname: 'Jane Q. Doe', nicknameSource: 'full_name' });
  });

  it('infers the name from the email and says so', () => {
    const mapped = mapOne(columns, ['Jane.Doe@x.com', '', '', '']);
    expect(mapped.contact).toMatchObject({ nickname: 'Jane Doe', nicknameSource: 'email' });
    expect(mapped.issues).toEqual([
      {
        row: 2,
        column: 'Email',
        severity: 'warning',
        code: 'name_inferred',
        message:
          'No name for this contact; “Jane Doe” was made from the email. Map a name column to set a real name.',
      },
    ]);
    expect(mapOne(columns, ['jdoe42@x.com', '', '', ''])?.contact?.nickname).toBe('Jdoe42');
  });
});

describe('compileContactMapper: segments', () => {
  it('splits, dedupes, adds yes/no segments and the import-wide segments', () => {
    const mapped = mapOne(
      [
        ['Email', field('email')],
        ['Tags', field('segments')],
        ['Groups', field('segments'), { segmentSeparator: '|' }],
        ['Newsletter', { kind: 'segment_if_yes', segment: 'newsletter' }],
        ['VIP?', { kind: 'segment_if_yes', segment: 'vip' }],
        ['Trial', { kind: 'segment_if_yes', segment: 'trial' }],
      ],
      ['a@x.com', 'lead, VIP  lead', 'big spenders|Lead', 'oui', 'x', 'maybe'],
      { extraSegments: ['imported-2026-11', 'lead'] },
    );
    expect(mapped.contact?.segments).toEqual([
      'lead',
      'VIP',
      'big spenders',
      'newsletter',
      'imported-2026-11',
    ]);
    expect(mapped.issues).toMatchObject([
      { code: 'segment_flag_unclear', column: 'Trial', severity: 'warning' },
      { code: 'name_inferred' },
    ]);
  });

  it('drops configured system labels and reads packed values', () => {
    const mapped = mapOne(
      [
        ['E-mail 1 - Value', field('email'), { multiValueSeparator: ' ::: ' }],
        [
          'Labels',
          field('segments'),
          { segmentSeparator: ' ::: ', dropSegments: ['* myContacts'] },
        ],
        ['Phone 1 - Value', field('phone'), { multiValueSeparator: ' ::: ' }],
      ],
      [
        'ada@work.example ::: ada@home.example',
        '* myContacts ::: Work',
        '+1 555 0100 ::: +1 555 0101',
      ],
    );
    expect(mapped.contact).toMatchObject({
      email: 'ada@work.example',
      segments: ['Work'],
      person: { phone: '+1 555 0100' },
    });
    expect(codes(mapped.issues)).toEqual(['email_multiple', 'name_inferred']);
    expect(mapped.issues[0]?.message).toContain('ada@home.example is not');
  });
});

describe('compileContactMapper: country, dates and custom data', () => {
  it('converts country names and warns about unknown ones without losing the row', () => {
    const columns: [string, ColumnMapping['target']][] = [
      ['Email', field('email')],
      ['Pays', field('country')],
      ['Ville', field('city')],
    ];
    expect(mapOne(columns, ['a@x.com', 'Allemagne', 'Berlin']).contact?.person.geolocation).toEqual(
      {
        country: 'DE',
        city: 'Berlin',
      },
    );
    const unknown = mapOne(columns, ['a@x.com', 'Narnia', 'Cair Paravel']);
    expect(unknown.contact?.person.geolocation).toEqual({ city: 'Cair Paravel' });
    expect(unknown.issues[0]).toMatchObject({
      code: 'country_unknown',
      severity: 'warning',
      column: 'Pays',
    });
    expect(unknown.issues[0]?.message).toContain('“Narnia”');
  });

  it('keeps creation and last active dates as ISO 8601 custom data', () => {
    const mapped = mapOne(
      [
        ['Email', field('email')],
        ['Created', field('created_at')],
        ['Seen', field('last_active_at')],
        ['Renewal', data('renewal'), { dateFormat: 'DD/MM/YYYY' }],
      ],
      ['a@x.com', '1694070416', '1694070416000', '14/08/2020'],
    );
    expect(mapped.contact?.data).toEqual({
      created_at: '2023-09-07T07:06:56Z',
      last_active_at: '2023-09-07T07:06:56Z',
      renewal: '2020-08-14T00:00:00Z',
    });
  });

  it('asks for a date format instead of guessing, and keeps the row', () => {
    const mapped = mapOne(
      [
        ['Email', field('email')],
        ['Created', field('created_at')],
      ],
      ['a@x.com', '14/08/2020'],
    );
    expect(mapped.contact?.data).toEqual({});
    expect(mapped.issues[0]).toMatchObject({ code: 'date_format_needed', column: 'Created' });
    expect(mapped.issues[0]?.message).toContain('DD/MM/YYYY');
    expect(mapped.issues[0]?.message).toContain('Excel serial number');
  });

  it('types custom data values and reports values of the wrong type', () => {
    const mapped = mapOne(
      [
        ['Email', field('email')],
        ['plan', data('plan')],
        ['ltv', data('ltv')],
        ['zip', data('zip')],
        ['subscribed', data('subscribed')],
        ['seats', data('seats'), { valueType: 'number' }],
        ['code', data('code'), { valueType: 'string' }],
      ],
      ['a@x.com', 'Pro', '149.90', '01234', 'TRUE', 'many', '42'],
    );
    expect(mapped.contact?.data).toEqual({
      plan: 'Pro',
      ltv: 149.9,
      zip: '01234',
      subscribed: true,
      code: '42',
    });
    expect(mapped.issues[0]).toMatchObject({ code: 'value_not_number', column: 'seats' });
  });

  it('clears custom data for empty cells under the clear policy, and not under keep', () => {
    const columns: [string, ColumnMapping['target']][] = [
      ['Email', field('email')],
      ['plan', data('plan')],
      ['Created', field('created_at')],
      ['Name', field('full_name')],
    ];
    const cleared = mapOne(columns, ['a@x.com', ' ', '', 'Ann'], { emptyCells: 'clear' });
    expect(cleared.contact).toMatchObject({ data: {}, clearedDataKeys: ['plan', 'created_at'] });
    const kept = mapOne(columns, ['a@x.com', ' ', '', 'Ann'], { emptyCells: 'keep' });
    expect(kept.contact).toMatchObject({ data: {}, clearedDataKeys: [] });
    // Missing trailing cells count as empty.
    expect(mapOne(columns, ['a@x.com'], { emptyCells: 'clear' }).contact?.clearedDataKeys).toEqual([
      'plan',
      'created_at',
    ]);
  });
});

describe('compileContactMapper: profile fields', () => {
  it('fills person, company, employment and notepad, trimmed', () => {
    const mapped = mapOne(
      [
        ['Email', field('email')],
        ['Name', field('full_name')],
        ['Phone', field('phone')],
        ['Company', field('company_name')],
        ['Domain', field('company_domain')],
        ['Title', field('employment_title')],
        ['Role', field('employment_role')],
        ['Notes', field('notepad')],
        ['TZ', field('timezone')],
        ['Lang', field('locales')],
        ['Site', field('website')],
        ['Photo', field('avatar')],
        ['Sexe', field('gender')],
        ['Region', field('region')],
      ],
      [
        'a@x.com',
        ' Ann Lee ',
        ' +33 6 12 34 56 78 ',
        ' Acme ',
        'acme.com',
        'CTO',
        'engineering',
        'Met at a fair',
        'Europe/Paris',
        'fr_FR, en',
        'acme.com',
        'https://cdn.acme.com/ann.png',
        'Femme',
        'Île-de-France',
      ],
    );
    expect(mapped.issues).toEqual([]);
    expect(mapped.contact).toEqual({
      email: 'a@x.com',
      nickname: 'Ann Lee',
      nicknameSource: 'full_name',
      person: {
        phone: '+33 6 12 34 56 78',
        timezone: -60,
        locales: ['fr-FR', 'en'],
        website: 'https://acme.com',
        avatar: 'https://cdn.acme.com/ann.png',
        gender: 'female',
        employment: { title: 'CTO', role: 'engineering' },
        geolocation: { region: 'Île-de-France' },
      },
      company: { name: 'Acme', domain: 'acme.com' },
      segments: [],
      notepad: 'Met at a fair',
      data: {},
      clearedDataKeys: [],
    });
  });

  it('drops bad values with a warning each and still imports the row', () => {
    const mapped = mapOne(
      [
        ['Email', field('email')],
        ['Name', field('full_name')],
        ['TZ', field('timezone')],
        ['Lang', field('locales')],
        ['Site', field('website')],
        ['Gender', field('gender')],
      ],
      ['a@x.com', 'Ann', 'Mars/Base', 'en, ??', 'not a url', 'divers'],
    );
    expect(mapped.contact?.person).toEqual({ locales: ['en'] });
    expect(codes(mapped.issues)).toEqual([
      'timezone_invalid',
      'locale_invalid',
      'url_invalid',
      'gender_unknown',
    ]);
    for (const issue of mapped.issues)
      expect(CONTACT_ISSUE_SEVERITY[issue.code as 'url_invalid']).toBe('warning');
  });

  it('truncates over-long values with a warning', () => {
    const mapped = mapOne(
      [
        ['Email', field('email')],
        ['Name', field('full_name')],
        ['City', field('city')],
        ['Tags', field('segments')],
      ],
      ['a@x.com', 'N'.repeat(300), 'C'.repeat(256), 's'.repeat(70)],
    );
    expect(mapped.contact?.nickname).toHaveLength(255);
    expect(mapped.contact?.person.geolocation?.city).toHaveLength(255);
    expect(mapped.contact?.segments[0]).toHaveLength(64);
    expect(codes(mapped.issues)).toEqual(['value_truncated', 'value_truncated', 'value_truncated']);
    expect(mapped.issues[0]?.message).toBe(
      'This value is 256 characters long; only the first 255 are imported.',
    );
  });

  it('uses the first non-empty of several columns mapped to one field', () => {
    const mapped = mapOne(
      [
        ['Email', field('email')],
        ['Mobile', field('phone')],
        ['Phone', field('phone')],
        ['Name', field('full_name')],
      ],
      ['a@x.com', '', '+1 555 0101', 'Ann'],
    );
    expect(mapped.contact?.person.phone).toBe('+1 555 0101');
  });
});

describe('compileContactMapper: columns', () => {
  it('finds columns by header name, whatever their order in the file', () => {
    const m = proposeMapping(['Email', 'Name', 'City']);
    const mapper = compileContactMapper(m, ['city ', 'EMAIL', 'Extra', 'name']);
    expect(mapper.missingColumns).toEqual([]);
    const mapped = mapper.mapRow(['Lyon', 'a@x.com', 'zzz', 'Ann'], 7);
    expect(mapped).toMatchObject({
      row: 7,
      contact: { email: 'a@x.com', nickname: 'Ann', person: { geolocation: { city: 'Lyon' } } },
    });
  });

  it('lists mapped columns the file does not have', () => {
    const m = proposeMapping(['Email', 'Name', 'City']);
    const mapper = compileContactMapper(m, ['Email', 'Name']);
    expect(mapper.missingColumns).toEqual(['City']);
    expect(mapper.mapRow(['a@x.com', 'Ann'], 2).contact?.person).toEqual({});
  });

  it('falls back to positions for a file without a header', () => {
    const m = proposeMapping([], [['a@x.com', 'Ann']]);
    const mapper = compileContactMapper(m, []);
    expect(mapper.mapRow(['b@y.com', 'Bob'], 1).contact?.email).toBe('b@y.com');
    expect(mapper.mapRow(['nope', 'Bob'], 1).issues[0]).toMatchObject({
      column: 'Column 1',
      code: 'email_invalid',
    });
  });

  it('labels columns by header, or by position when the header is empty', () => {
    expect(columnLabel(['Email', ' ', 'City'], 0)).toBe('Email');
    expect(columnLabel(['Email', ' ', 'City'], 1)).toBe('Column 2');
    expect(columnLabel([], 4)).toBe('Column 5');
  });
});

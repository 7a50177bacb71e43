// Values as spreadsheets and exports write them (issue 10): text protection undone so a fixed
// failed-rows file imports cleanly, custom data keys sent as Crisp accepts them, emails Crisp
// cannot take refused on their row (and the API client agrees), Outlook's and Excel's quirks.
import { describe, expect, it } from 'vitest';
import type { ColumnMapping, ImportMapping } from '../../src/shared/column-mapping';
import {
  compileContactMapper,
  crispEmailForm,
  normalizeEmail,
  proposeMapping,
  unprotectCell,
  validateMapping,
} from '../../src/shared/contact-rules';
import { RowIssue } from '../../src/shared/row-issue';
import { encodePeopleId } from '../../src/main/engine/crisp-client';
import { neutralizeFormulaCell } from '../../src/main/engine/import-jobs/job-outputs';

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

function mapRow(m: ImportMapping, cells: string[]) {
  const mapped = compileContactMapper(
    m,
    m.columns.map((c) => c.column),
  ).mapRow(cells, 2);
  for (const issue of mapped.issues) RowIssue.parse(issue);
  return mapped;
}

describe('text protection', () => {
  it.each([
    ["'+33612345678", '+33612345678'],
    ["'=Bob", '=Bob'],
    ["'-5", '-5'],
    ["'@risk", '@risk'],
    ['="00123"', '00123'],
    ['="say ""hi"""', 'say "hi"'],
    ["'90s", "'90s"],
    ["'t Hooft", "'t Hooft"],
    ['="a"&"b"', '="a"&"b"'],
    ['=SUM(A1)', '=SUM(A1)'],
  ])('%j is read as %j', (cell, value) => {
    expect(unprotectCell(cell)).toBe(value);
  });

  it('undoes what the failed rows file writes, in every column, so fix-and-re-import round-trips', () => {
    const m = mapping([
      ['Email', field('email')],
      ['Name', field('full_name')],
      ['Phone', field('phone')],
      ['Tags', field('segments')],
      ['Note', data('note')],
    ]);
    const original = ['-john@example.com', '=Bob', '+33612345678', '@vip', '-5'];
    const written = original.map(neutralizeFormulaCell);
    expect(written).toEqual(["'-john@example.com", "'=Bob", "'+33612345678", "'@vip", "'-5"]);
    const { contact, issues } = mapRow(m, written);
    expect(issues).toEqual([]);
    expect(contact).toMatchObject({
      email: '-john@example.com',
      nickname: '=Bob',
      person: { phone: '+33612345678' },
      segments: ['@vip'],
      data: { note: -5 },
    });
  });

  it('reads Excel text-number cells (="0123") as their text', () => {
    const m = mapping([
      ['Email', field('email')],
      ['Zip', data('zip')],
    ]);
    expect(mapRow(m, ['a@x.com', '="02134"']).contact?.data).toEqual({ zip: '02134' });
  });
});

describe('custom data keys Crisp refuses', () => {
  it('proposes a key Crisp accepts for data.AppVersionCode and says it was fixed up', () => {
    const headers = ['Email', 'data.AppVersionCode', 'data.Company Name', 'data.plan'];
    const proposed = proposeMapping(headers);
    expect(proposed.columns.map((c) => c.target)).toEqual([
      { kind: 'field', field: 'email' },
      { kind: 'data', key: 'app_version_code' },
      { kind: 'data', key: 'company_name' },
      { kind: 'data', key: 'plan' },
    ]);
    const issues = validateMapping(proposed, headers);
    expect(issues.map((i) => [i.column, i.code, i.severity])).toEqual([
      ['data.AppVersionCode', 'data_key_fixed', 'warning'],
      ['data.Company Name', 'data_key_fixed', 'warning'],
    ]);
    expect(issues[0]!.message).toContain('“app_version_code”');
  });

  it('sends an upper-case key of a given mapping in the form Crisp accepts', () => {
    const m = mapping([
      ['Email', field('email')],
      ['Version', data('AppVersionCode')],
    ]);
    const { contact } = mapRow(m, ['a@x.com', '12']);
    expect(contact?.data).toEqual({ app_version_code: 12 });
    expect(validateMapping(m, ['Email', 'Version'])[0]?.message).toMatch(
      /sent as “app_version_code”/,
    );
  });

  it('refuses two columns that reach the same key once sent', () => {
    const m = mapping([
      ['Email', field('email')],
      ['Version', data('AppVersionCode')],
      ['Version 2', data('app_version_code')],
    ]);
    expect(validateMapping(m, ['Email', 'Version', 'Version 2'])).toContainEqual(
      expect.objectContaining({
        column: 'Version 2',
        code: 'data_key_duplicate',
        severity: 'error',
      }),
    );
  });
});

describe('emails Crisp cannot take', () => {
  const m = mapping([
    ['Email', field('email')],
    ['Name', field('full_name')],
  ]);

  it.each([
    ['a/b@example.com', '“/”'],
    ['what?@example.com', '“?”'],
    ['x#y@example.com', '“#”'],
    ['jörg@example.de', 'ö'],
    ['用户@例子.广告', '用'],
  ])('refuses %s on its row with the reason', (email, named) => {
    const { contact, issues } = mapRow(m, [email, 'Someone']);
    expect(contact).toBeNull();
    expect(issues).toEqual([
      expect.objectContaining({ code: 'email_unsupported', severity: 'error', column: 'Email' }),
    ]);
    expect(issues[0]!.message).toContain(named);
    expect(issues[0]!.message).toMatch(/not imported/);
  });

  it('sends an international domain in its ASCII form, the same address, and says so', () => {
    const { contact, issues } = mapRow(m, ['Bob@Bücher.de', 'Bob']);
    expect(contact?.email).toBe('bob@xn--bcher-kva.de');
    expect(issues).toEqual([
      expect.objectContaining({ code: 'email_domain_ascii', severity: 'warning' }),
    ]);
  });

  it('agrees with the API client: every email the rules let through can be addressed', () => {
    const odd = [
      'plain@example.com',
      'jane+news@example.com',
      "o'brien@example.ie",
      'a/b@example.com',
      'what?@example.com',
      'x#y@example.com',
      'back\\slash@example.com',
      'per%cent@example.com',
      'jörg@example.de',
      'bob@bücher.de',
      '"quoted"@example.com',
      'jane@example.com\u200b',
    ];
    for (const email of odd) {
      const { contact } = mapRow(m, [email, 'X']);
      if (contact === null) continue;
      expect(() => encodePeopleId(contact.email), email).not.toThrow();
      expect(crispEmailForm(contact.email), email).toBeNull();
    }
  });
});

describe('export quirks', () => {
  it('reads invisible characters around a copied email away, and says so', () => {
    const reading = normalizeEmail('jane@example.com\u200b');
    expect(reading).toMatchObject({ ok: true, email: 'jane@example.com' });
    expect(reading.ok && reading.cleanedFrom).toBe('jane@example.com\u200b');
  });

  it("reads Outlook's display form Jane Doe (jane@x.com)", () => {
    expect(normalizeEmail('Jane Doe (Jane@Example.com)')).toMatchObject({
      ok: true,
      email: 'jane@example.com',
    });
  });

  it("takes Outlook's 0/0/00 for an empty date", () => {
    const m = mapping([
      ['E-mail Address', field('email')],
      ['Birthday', data('birthday')],
      ['Anniversary', data('anniversary')],
    ]);
    const { contact, issues } = mapRow(m, ['a@x.com', '0/0/00', '00/00/0000']);
    expect(issues.map((i) => i.code)).toEqual(['name_inferred']);
    expect(contact?.data).toEqual({});
    expect(contact?.clearedDataKeys).toEqual(['birthday', 'anniversary']);
  });

  it('leaves out a phone Excel turned into scientific notation, with the reason', () => {
    const m = mapping([
      ['Email', field('email')],
      ['Phone', field('phone')],
    ]);
    const { contact, issues } = mapRow(m, ['a@x.com', '3.36123E+11']);
    expect(contact?.person.phone).toBeUndefined();
    expect(issues.filter((i) => i.code !== 'name_inferred')).toEqual([
      expect.objectContaining({ code: 'phone_scientific', severity: 'warning', column: 'Phone' }),
    ]);
    expect(mapRow(m, ['a@x.com', '+33 6 12 34 56 78']).contact?.person.phone).toBe(
      '+33 6 12 34 56 78',
    );
  });
});

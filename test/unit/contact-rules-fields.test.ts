import { describe, expect, it } from 'vitest';
import {
  checkDataKey,
  inferNameFromEmail,
  isValidEmail,
  normalizeCountry,
  normalizeEmail,
  normalizeGender,
  normalizeUrl,
  parseDataValue,
  parseImportDate,
  parseTimezone,
  parseYesNo,
  splitLocales,
  splitSegments,
  suggestDataKey,
  truncateText,
} from '../../src/shared/contact-rules';
import { isoOf } from '../../src/shared/contact-rules/import-date';

describe('emails', () => {
  it('trims and lower-cases', () => {
    expect(normalizeEmail('  Jane.Doe@Example.COM ')).toEqual({
      ok: true,
      email: 'jane.doe@example.com',
      dropped: [],
      cleanedFrom: undefined,
    });
  });

  it.each([
    'jane@example.com',
    'jane+news@example.com',
    "o'brien@example.ie",
    'a.b-c_d@sub.example.co.uk',
    'josé@exemple.fr',
    'user@bücher.de',
    'user@xn--bcher-kva.de',
    'user@例え.jp',
    '42@123.example.com',
  ])('accepts %s', (email) => {
    expect(isValidEmail(email)).toBe(true);
  });

  it.each([
    'jane',
    'jane@',
    '@example.com',
    'jane@example',
    'jane@@example.com',
    'jane@exa@mple.com',
    'jane doe@example.com',
    'jane@exam ple.com',
    '.jane@example.com',
    'jane.@example.com',
    'ja..ne@example.com',
    'jane@-example.com',
    'jane@example-.com',
    'jane@example..com',
    'jane@example.c',
    'jane@example.123',
    'jane@example.com.',
    'ja(ne)@example.com',
    `${'a'.repeat(65)}@example.com`,
    `jane@${'a'.repeat(64)}.com`,
  ])('refuses %s', (email) => {
    expect(isValidEmail(email)).toBe(false);
  });

  it('reports an empty cell as missing and a bad one as invalid', () => {
    expect(normalizeEmail('   ')).toEqual({ ok: false, code: 'email_missing' });
    expect(normalizeEmail('jane at example.com')).toEqual({ ok: false, code: 'email_invalid' });
    expect(normalizeEmail('jane doe@example.com')).toEqual({ ok: false, code: 'email_invalid' });
  });

  it('takes the first of several emails in one cell and names the others', () => {
    expect(normalizeEmail('Jane@x.com; bob@y.com, ann@z.org')).toEqual({
      ok: true,
      email: 'jane@x.com',
      dropped: ['bob@y.com', 'ann@z.org'],
      cleanedFrom: 'Jane@x.com; bob@y.com, ann@z.org',
    });
    expect(normalizeEmail('not-an-email@ | bob@y.com')).toEqual({
      ok: false,
      code: 'email_invalid',
    });
  });

  it('reads "Name <address>" and mailto: cells', () => {
    const named = normalizeEmail('Jane Doe <Jane@Example.com>');
    expect(named).toMatchObject({ ok: true, email: 'jane@example.com', dropped: [] });
    expect(named.ok && named.cleanedFrom).toBe('Jane Doe <Jane@Example.com>');
    expect(normalizeEmail('mailto:jane@example.com')).toMatchObject({
      ok: true,
      email: 'jane@example.com',
    });
  });

  it('infers a readable name from the local part', () => {
    expect(inferNameFromEmail('jane.doe@x.com')).toBe('Jane Doe');
    expect(inferNameFromEmail('jdoe42@x.com')).toBe('Jdoe42');
    expect(inferNameFromEmail('jane_doe-smith+news@x.com')).toBe('Jane Doe Smith');
    expect(inferNameFromEmail('élodie.martin@x.fr')).toBe('Élodie Martin');
    expect(inferNameFromEmail('..@x.com')).toBe('..');
  });
});

describe('segments', () => {
  it("splits on |, comma or space by Crisp's rule, trims, drops empties, dedupes", () => {
    expect(splitSegments(' vip | lead,newsletter  beta ||, ')).toEqual([
      'vip',
      'lead',
      'newsletter',
      'beta',
    ]);
  });

  it('dedupes case-insensitively and keeps the first spelling', () => {
    expect(splitSegments('VIP|vip|Vip|lead|LEAD')).toEqual(['VIP', 'lead']);
  });

  it('narrows the split to the column separator', () => {
    expect(splitSegments('big spender|early adopter', '|')).toEqual([
      'big spender',
      'early adopter',
    ]);
    expect(splitSegments('a b,c d', ',')).toEqual(['a b', 'c d']);
    expect(splitSegments('a|b c', ' ')).toEqual(['a|b', 'c']);
    expect(splitSegments('a;b;;c', ';')).toEqual(['a', 'b', 'c']);
    expect(splitSegments('* myContacts ::: Work ::: Friends', ' ::: ')).toEqual([
      '* myContacts',
      'Work',
      'Friends',
    ]);
    expect(splitSegments('"VIP","Blog, news",Plain,"say ""hi"""', 'quoted-comma')).toEqual([
      'VIP',
      'Blog, news',
      'Plain',
      'say "hi"',
    ]);
  });

  it('reads yes/no cells in several languages', () => {
    for (const yes of [
      'yes',
      'YES',
      'true',
      '1',
      'x',
      'X',
      'y',
      'oui',
      'Ja',
      'sí',
      'si',
      'vrai',
      'wahr',
    ]) {
      expect(parseYesNo(yes), yes).toBe(true);
    }
    for (const no of ['no', 'false', '0', '', 'non', 'nein', 'faux', 'falsch']) {
      expect(parseYesNo(no), no).toBe(false);
    }
    expect(parseYesNo('maybe')).toBeUndefined();
  });
});

describe('countries', () => {
  it('accepts alpha-2 codes in any case', () => {
    expect(normalizeCountry('us')).toBe('US');
    expect(normalizeCountry(' Fr ')).toBe('FR');
    expect(normalizeCountry('UK')).toBe('GB');
  });

  it.each([
    ['Germany', 'DE'],
    ['Allemagne', 'DE'],
    ['Deutschland', 'DE'],
    ['Alemania', 'DE'],
    ['Germania', 'DE'],
    ['Alemanha', 'DE'],
    ['Duitsland', 'DE'],
    ['United States', 'US'],
    ['États-Unis', 'US'],
    ['Etats Unis', 'US'],
    ['Vereinigte Staaten', 'US'],
    ['Estados Unidos', 'US'],
    ['Stati Uniti', 'US'],
    ['Verenigde Staten', 'US'],
    ['USA', 'US'],
    ['U.S.A.', 'US'],
    ['United Kingdom', 'GB'],
    ['Great Britain', 'GB'],
    ['Royaume-Uni', 'GB'],
    ['Reino Unido', 'GB'],
    ['Spain', 'ES'],
    ['Espagne', 'ES'],
    ['España', 'ES'],
    ['Spanien', 'ES'],
    ['Spagna', 'ES'],
    ['Espanha', 'ES'],
    ['Spanje', 'ES'],
    ['Suisse', 'CH'],
    ['Schweiz', 'CH'],
    ['Svizzera', 'CH'],
    ['The Netherlands', 'NL'],
    ['Pays-Bas', 'NL'],
    ['Holland', 'NL'],
    ['Côte d’Ivoire', 'CI'],
    ['Ivory Coast', 'CI'],
    ['Bosnia and Herzegovina', 'BA'],
    ['Saint Lucia', 'LC'],
    ['Korea, Republic of', 'KR'],
    ['Brasil', 'BR'],
    ['Österreich', 'AT'],
    ['deu', 'DE'],
  ])('reads %s as %s', (name, code) => {
    expect(normalizeCountry(name)).toBe(code);
  });

  it('does not guess unknown or ambiguous names', () => {
    expect(normalizeCountry('Atlantis')).toBeUndefined();
    expect(normalizeCountry('XX')).toBeUndefined();
    expect(normalizeCountry('EU')).toBeUndefined();
    expect(normalizeCountry('Congo')).toBeUndefined();
  });
});

describe('dates', () => {
  it('reads ISO 8601 and gives UTC', () => {
    expect(parseImportDate('2020-08-14T14:09:10-02:00')).toEqual({
      ok: true,
      iso: '2020-08-14T16:09:10Z',
    });
    expect(parseImportDate('2020-08-14T14:09:10Z')).toEqual({
      ok: true,
      iso: '2020-08-14T14:09:10Z',
    });
    expect(parseImportDate('2020-08-14T14:09:10.250+0530')).toEqual({
      ok: true,
      iso: '2020-08-14T08:39:10.250Z',
    });
    expect(parseImportDate('2020-08-14')).toEqual({ ok: true, iso: '2020-08-14T00:00:00Z' });
    expect(parseImportDate('2020-08-14 14:09')).toEqual({ ok: true, iso: '2020-08-14T14:09:00Z' });
  });

  it('tells UNIX seconds from milliseconds by magnitude', () => {
    expect(parseImportDate('1694070416')).toEqual({ ok: true, iso: '2023-09-07T07:06:56Z' });
    expect(parseImportDate('1694070416000')).toEqual({ ok: true, iso: '2023-09-07T07:06:56Z' });
    expect(parseImportDate('1694070416123')).toEqual({ ok: true, iso: '2023-09-07T07:06:56.123Z' });
    expect(parseImportDate('99999999999')).toEqual({ ok: true, iso: '5138-11-16T09:46:39Z' });
    expect(parseImportDate('100000000000')).toEqual({ ok: true, iso: '1973-03-03T09:46:40Z' });
  });

  it('never guesses other formats without an explicit one', () => {
    expect(parseImportDate('14/08/2020')).toEqual({ ok: false, reason: 'format_needed' });
    expect(parseImportDate('08/14/2020')).toEqual({ ok: false, reason: 'format_needed' });
    expect(parseImportDate('44057')).toEqual({ ok: false, reason: 'format_needed' });
    expect(parseImportDate('20200814')).toEqual({ ok: false, reason: 'format_needed' });
    expect(parseImportDate('Aug 14, 2020')).toEqual({ ok: false, reason: 'format_needed' });
  });

  it('reads explicit formats', () => {
    expect(parseImportDate('14/08/2020', 'DD/MM/YYYY')).toEqual({
      ok: true,
      iso: '2020-08-14T00:00:00Z',
    });
    expect(parseImportDate('08/14/2020', 'MM/DD/YYYY')).toEqual({
      ok: true,
      iso: '2020-08-14T00:00:00Z',
    });
    expect(parseImportDate('14.08.2020 09:30', 'DD.MM.YYYY')).toEqual({
      ok: true,
      iso: '2020-08-14T09:30:00Z',
    });
    expect(parseImportDate('2020/08/14', 'YYYY/MM/DD')).toEqual({
      ok: true,
      iso: '2020-08-14T00:00:00Z',
    });
    expect(parseImportDate('44057', 'excel-serial')).toEqual({
      ok: true,
      iso: '2020-08-14T00:00:00Z',
    });
    expect(parseImportDate('44057.5', 'excel-serial')).toEqual({
      ok: true,
      iso: '2020-08-14T12:00:00Z',
    });
    expect(parseImportDate('2024-03-14 09:12:31', 'YYYY-MM-DD HH:mm:ss')).toEqual({
      ok: true,
      iso: '2024-03-14T09:12:31Z',
    });
    // ISO 8601 is unambiguous, so it is read whatever the column's format.
    expect(parseImportDate('2020-08-14', 'DD/MM/YYYY')).toEqual({
      ok: true,
      iso: '2020-08-14T00:00:00Z',
    });
  });

  it('writes the same instant as Date#toISOString', () => {
    let seed = 12345;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const samples = [
      0,
      -1,
      951_782_400_000,
      951_868_799_999,
      Date.UTC(2000, 1, 29),
      253_402_300_799_999,
    ];
    for (let i = 0; i < 2000; i++)
      samples.push(Math.floor(random() * 253_402_300_799_999) - 30_000_000_000_000);
    for (const ms of samples) {
      const expected = new Date(ms).toISOString().replace('.000Z', 'Z');
      expect(isoOf(ms), String(ms)).toBe(expected);
    }
  });

  it('refuses impossible dates', () => {
    expect(parseImportDate('2020-02-30')).toEqual({ ok: false, reason: 'invalid' });
    expect(parseImportDate('2020-13-01')).toEqual({ ok: false, reason: 'invalid' });
    expect(parseImportDate('31/02/2020', 'DD/MM/YYYY')).toEqual({ ok: false, reason: 'invalid' });
    expect(parseImportDate('14/08/20', 'DD/MM/YYYY')).toEqual({ ok: false, reason: 'invalid' });
    expect(parseImportDate('08/14/2020', 'DD/MM/YYYY')).toEqual({ ok: false, reason: 'invalid' });
    expect(parseImportDate('99999999999999999')).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('custom data values', () => {
  it('types values automatically without damaging phone numbers or zip codes', () => {
    expect(parseDataValue('42')).toEqual({ ok: true, value: 42 });
    expect(parseDataValue('3.5')).toEqual({ ok: true, value: 3.5 });
    expect(parseDataValue('-12.25')).toEqual({ ok: true, value: -12.25 });
    expect(parseDataValue('0')).toEqual({ ok: true, value: 0 });
    expect(parseDataValue('TRUE')).toEqual({ ok: true, value: true });
    expect(parseDataValue('false')).toEqual({ ok: true, value: false });
    expect(parseDataValue('007')).toEqual({ ok: true, value: '007' });
    expect(parseDataValue('01234')).toEqual({ ok: true, value: '01234' });
    expect(parseDataValue('0612345678')).toEqual({ ok: true, value: '0612345678' });
    expect(parseDataValue('4155551234')).toEqual({ ok: true, value: '4155551234' });
    expect(parseDataValue('+33612345678')).toEqual({ ok: true, value: '+33612345678' });
    expect(parseDataValue('3,5')).toEqual({ ok: true, value: '3,5' });
    expect(parseDataValue('1e5')).toEqual({ ok: true, value: '1e5' });
    expect(parseDataValue('yes')).toEqual({ ok: true, value: 'yes' });
    expect(parseDataValue('Pro plan')).toEqual({ ok: true, value: 'Pro plan' });
  });

  it('follows an explicit type', () => {
    expect(parseDataValue('42', 'string')).toEqual({ ok: true, value: '42' });
    expect(parseDataValue('007', 'number')).toEqual({ ok: true, value: 7 });
    expect(parseDataValue('1 234,5', 'number')).toEqual({ ok: true, value: 1234.5 });
    expect(parseDataValue('1,234.5', 'number')).toEqual({ ok: true, value: 1234.5 });
    expect(parseDataValue('abc', 'number')).toEqual({ ok: false, code: 'value_not_number' });
    expect(parseDataValue('oui', 'boolean')).toEqual({ ok: true, value: true });
    expect(parseDataValue('nein', 'boolean')).toEqual({ ok: true, value: false });
    expect(parseDataValue('maybe', 'boolean')).toEqual({ ok: false, code: 'value_not_boolean' });
  });
});

describe('custom data keys', () => {
  it.each(['user_id', 'lifetime_value', 'ltv', 'app-version', 'plan2'])('accepts %s', (key) => {
    expect(checkDataKey(key)).toEqual({ ok: true });
  });

  it.each([
    ['Company Name', 'company_name'],
    ['$ltv', 'ltv'],
    ['is_subscribed?', 'is_subscribed'],
    ['user.name', 'user_name'],
    ['Prénom', 'prenom'],
    ['', 'custom_field'],
  ])('refuses %j and suggests %s', (key, suggestion) => {
    const check = checkDataKey(key);
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.suggestion).toBe(suggestion);
      expect(checkDataKey(check.suggestion)).toEqual({ ok: true });
      expect(check.message).toContain(key === '' ? 'empty' : `“${suggestion}”`);
    }
  });

  it('accepts upper-case keys with advice to use lower case', () => {
    expect(checkDataKey('AppVersionCode')).toMatchObject({
      ok: true,
      suggestion: 'app_version_code',
    });
  });

  it('refuses over-long keys', () => {
    const check = checkDataKey('k'.repeat(65));
    expect(check).toMatchObject({ ok: false, suggestion: 'k'.repeat(64) });
  });

  it('suggests keys from headers', () => {
    expect(suggestDataKey('Company Name')).toBe('company_name');
    expect(suggestDataKey('$ltv')).toBe('ltv');
    expect(suggestDataKey('is_subscribed?')).toBe('is_subscribed');
    expect(suggestDataKey('user.name')).toBe('user_name');
    expect(suggestDataKey('userID')).toBe('user_id');
    expect(suggestDataKey('Straße Nr.')).toBe('strasse_nr');
  });
});

describe('time zones', () => {
  const summer = Date.UTC(2026, 6, 1);
  const winter = Date.UTC(2026, 0, 15);

  it("gives minutes in Crisp's sign (UTC+1 -> -60)", () => {
    expect(parseTimezone('+02:00')).toBe(-120);
    expect(parseTimezone('-05:00')).toBe(300);
    expect(parseTimezone('+0530')).toBe(-330);
    expect(parseTimezone('UTC+1')).toBe(-60);
    expect(parseTimezone('GMT-03:30')).toBe(210);
    expect(parseTimezone('UTC')).toBe(0);
    expect(parseTimezone('Z')).toBe(0);
    expect(parseTimezone('2')).toBe(-120);
    expect(parseTimezone('-5')).toBe(300);
    expect(parseTimezone('5.5')).toBe(-330);
    expect(parseTimezone('120')).toBe(-120);
    expect(parseTimezone('-120')).toBe(120);
  });

  it('converts IANA zone names for the given date', () => {
    expect(parseTimezone('Europe/Paris', summer)).toBe(-120);
    expect(parseTimezone('Europe/Paris', winter)).toBe(-60);
    expect(parseTimezone('America/New_York', winter)).toBe(300);
    expect(parseTimezone('Asia/Kolkata', winter)).toBe(-330);
  });

  it('refuses what is not a time zone', () => {
    expect(parseTimezone('Mars/Olympus')).toBeUndefined();
    expect(parseTimezone('+25:00')).toBeUndefined();
    expect(parseTimezone('1000')).toBeUndefined();
    expect(parseTimezone('soon')).toBeUndefined();
  });
});

describe('other profile fields', () => {
  it('splits and canonicalizes locales', () => {
    expect(splitLocales('fr_FR, en; de-de  es')).toEqual({
      locales: ['fr-FR', 'en', 'de-DE', 'es'],
      invalid: [],
    });
    expect(splitLocales('en,en,xx-!!')).toEqual({ locales: ['en'], invalid: ['xx-!!'] });
  });

  it('checks web addresses', () => {
    expect(normalizeUrl('https://example.com/me.png')).toBe('https://example.com/me.png');
    expect(normalizeUrl('acme.com')).toBe('https://acme.com');
    expect(normalizeUrl('www.acme.com/team')).toBe('https://www.acme.com/team');
    expect(normalizeUrl('acme.com:8080/x')).toBe('https://acme.com:8080/x');
    expect(normalizeUrl('not a url')).toBeUndefined();
    expect(normalizeUrl('javascript:alert(1)')).toBeUndefined();
    expect(normalizeUrl('ftp://example.com/file')).toBeUndefined();
    expect(normalizeUrl('localhost')).toBeUndefined();
  });

  it('normalizes gender to male or female', () => {
    for (const male of ['M', 'male', 'Homme', 'H', 'Mann', 'männlich', 'Hombre', 'masculino']) {
      expect(normalizeGender(male), male).toBe('male');
    }
    for (const female of ['F', 'Female', 'Femme', 'W', 'Frau', 'weiblich', 'Mujer', 'femenino']) {
      expect(normalizeGender(female), female).toBe('female');
    }
    expect(normalizeGender('divers')).toBeUndefined();
    expect(normalizeGender('other')).toBeUndefined();
  });

  it('truncates without splitting a character', () => {
    expect(truncateText('abcdef', 4)).toBe('abcd');
    expect(truncateText('abc😀def', 4)).toBe('abc');
    expect(truncateText('ab', 4)).toBe('ab');
  });
});

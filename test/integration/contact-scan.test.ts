// The full-file scan on real files written by each test into its own temporary folder.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportMapping } from '../../src/shared/column-mapping';
import { findBuiltInPreset } from '../../src/shared/source-presets';
import {
  issuesCsv,
  IssuesCsvWriter,
  scanContactsFile,
  type ScanProgress,
} from '../../src/main/engine/contact-scan';
import { CsvFileError } from '../../src/main/engine/csv-reader';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'contact-scan-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/**
 * Rows (spreadsheet numbering, header = 1):
 * 2 valid, with custom data         3 invalid email          4 no email
 * 5 valid, unknown country (warn)   6 repeats row 2's email  7 valid, no name (warn), plan empty
 * 8 too many values (error)
 */
const KNOWN_FILE = [
  'Email,First Name,Last Name,Country,Tags,data.plan',
  'jane@example.com,Jane,Doe,FR,vip|beta,pro',
  'not-an-email,Bad,Row,FR,,free',
  ',No,Email,DE,,free',
  'ann@example.com,Ann,Lee,Atlantis,,free',
  ' JANE@Example.com ,Jane,Doe,FR,newsletter,pro',
  'john.smith@example.com,,,US,,',
  'zed@example.com,Zed,Zee,FR,,pro,surplus,values',
  '',
].join('\r\n');

describe('scanContactsFile', () => {
  it('counts valid, invalid, warnings and repeated emails of a file with known problems', async () => {
    const path = await file('known.csv', KNOWN_FILE);
    const report = await scanContactsFile(path);

    expect(report).toMatchObject({
      encoding: 'utf-8',
      delimiter: ',',
      header: true,
      columns: ['Email', 'First Name', 'Last Name', 'Country', 'Tags', 'data.plan'],
      rows: 7,
      valid: 4,
      invalid: 3,
      warnings: 2,
      duplicateEmails: 1,
      duplicateRows: [6],
      contacts: 3,
      recognizedFormat: null,
    });
    expect(report.mappingSource.origin).toBe('automatic');
    expect(report.errorsByCode).toEqual({ email_invalid: 1, email_missing: 1, too_many_fields: 1 });
    expect(report.warningsByCode).toEqual({ country_unknown: 1, name_inferred: 1 });
    // The first issues in file order, each with its row and column.
    expect(report.issues.map((i) => [i.row, i.column, i.severity, i.code])).toEqual([
      [3, 'Email', 'error', 'email_invalid'],
      [4, 'Email', 'error', 'email_missing'],
      [5, 'Country', 'warning', 'country_unknown'],
      [7, 'Email', 'warning', 'name_inferred'],
      [8, null, 'error', 'too_many_fields'],
    ]);
    expect(report.issueCount).toBe(5);
    for (const issue of report.issues) expect(issue.message.length).toBeGreaterThan(20);
    // Groups: errors first.
    expect(report.issueGroups.map((g) => [g.code, g.severity, g.count, g.rows])).toEqual([
      ['email_invalid', 'error', 1, [3]],
      ['email_missing', 'error', 1, [4]],
      ['too_many_fields', 'error', 1, [8]],
      ['country_unknown', 'warning', 1, [5]],
      ['name_inferred', 'warning', 1, [7]],
    ]);
  });

  it('estimates requests by the sender model and days at the given quota', async () => {
    const path = await file('known.csv', KNOWN_FILE);
    const report = await scanContactsFile(path, { dailyBudget: 5 });
    // New contacts: row 2 create + data (2), row 5 create + data (2), row 7 create only (its
    // empty plan clears nothing on a new profile: 1); row 6 repeats row 2: update + data (2).
    expect(report.estimate).toMatchObject({ requests: 7, days: 2, requestsPerDay: 5 });
    // All existing: read + update (+ data) for rows 2, 5 and 7 (its empty plan is cleared): 3 each.
    expect(report.estimate).toMatchObject({ requestsIfAllExist: 11, daysIfAllExist: 3 });

    const defaultQuota = await scanContactsFile(path);
    expect(defaultQuota.estimate).toMatchObject({ requests: 7, days: 1, requestsPerDay: 10_000 });
  });

  it('keeps only the first issues but counts and groups every one of them', async () => {
    const lines = ['email,name'];
    for (let i = 0; i < 50; i++) lines.push(`broken-${i},Name ${i}`);
    const path = await file('many.csv', `${lines.join('\n')}\n`);
    const report = await scanContactsFile(path, { issueLimit: 10, groupRowLimit: 4 });
    expect(report.issues).toHaveLength(10);
    expect(report.issues[9]!.row).toBe(11);
    expect(report.issueCount).toBe(50);
    expect(report.issueGroups).toHaveLength(1);
    expect(report.issueGroups[0]).toMatchObject({
      code: 'email_invalid',
      count: 50,
      rows: [2, 3, 4, 5],
    });
    expect(report.invalid).toBe(50);
    expect(report.estimate).toMatchObject({ requests: 0, days: 0 });
  });

  it('reads a European file: semicolons, decimal commas, Windows-1252', async () => {
    const text = [
      'E-Mail;Vorname;Nachname;Land;data.umsatz',
      'anna@example.de;Anna;Müller;Deutschland;1234,56',
      // Issue 10: an email with letters beyond ASCII before the @ is refused (Crisp's email check
      // takes ASCII only), so this contact's email is written the way Crisp takes it.
      'joerg@example.de;Jörg;Weiß;Österreich;99,5',
      'lena@example.de;Lena;Groß;DE;0,99',
      '',
    ].join('\r\n');
    const path = await file('europe.csv', iconv.encode(text, 'windows-1252'));
    const report = await scanContactsFile(path);
    expect(report).toMatchObject({
      encoding: 'windows-1252',
      delimiter: ';',
      header: true,
      columns: ['E-Mail', 'Vorname', 'Nachname', 'Land', 'data.umsatz'],
      rows: 3,
      valid: 3,
      invalid: 0,
      warnings: 0,
    });
    const targets = report.mapping.columns.map((c) => c.target);
    expect(targets[0]).toEqual({ kind: 'field', field: 'email' });
    expect(targets[1]).toEqual({ kind: 'field', field: 'first_name' });
    expect(targets[4]).toEqual({ kind: 'data', key: 'umsatz' });
  });

  it('reads a file without a header row, finding the email column from its values', async () => {
    const path = await file(
      'no-header.csv',
      'jane@example.com,Jane Doe,FR\njohn@example.com,John Roe,US\n,Nobody,DE\n',
    );
    const report = await scanContactsFile(path, { overrides: { header: false } });
    expect(report).toMatchObject({
      header: false,
      columns: ['Column 1', 'Column 2', 'Column 3'],
      rows: 3,
      valid: 2,
      invalid: 1,
    });
    expect(report.mapping.columns[0]!.target).toEqual({ kind: 'field', field: 'email' });
    // Row 1 is a contact: issue rows count from 1 (only the email column is mapped, so the
    // names are made from the emails).
    expect(report.issues.map((i) => [i.row, i.code, i.column])).toEqual([
      [1, 'name_inferred', 'Column 1'],
      [2, 'name_inferred', 'Column 1'],
      [3, 'email_missing', 'Column 1'],
    ]);
  });

  it('uses a given mapping and reports its problems', async () => {
    const path = await file('known.csv', KNOWN_FILE);
    const mapping: ImportMapping = {
      version: 1,
      columns: [
        { column: 'First Name', index: 1, target: { kind: 'field', field: 'first_name' } },
        { column: 'Phone', index: 9, target: { kind: 'field', field: 'phone' } },
      ],
      emptyCells: 'clear',
      extraSegments: [],
    };
    const report = await scanContactsFile(path, { mapping });
    expect(report.mappingSource.origin).toBe('given');
    expect(report.mapping).toEqual(mapping);
    expect(report.mappingIssues.map((i) => i.code).sort()).toEqual([
      'column_not_found',
      'mapping_no_email',
    ]);
    expect(report.valid).toBe(0);
    expect(report.errorsByCode['email_missing']).toBe(7);
  });

  it('recognizes a Shopify export and maps it with its preset', async () => {
    const path = await file(
      'customers_export.csv',
      [
        'Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Company,Default Address City,Default Address Province Code,Default Address Country Code,Default Address Zip,Phone,Total Spent,Total Orders,Note,Tax Exempt,Tags',
        '\'7210448301122,Teo,Villa,teo@elko.example,no,Ranch,Elko,NV,US,89801,+17755550154,7790.44,6,Cattle ranch.,yes,"retail, ag"',
        "'7210448301123,Hollis,Pettibone,hollis@ogden.example,yes,,Ogden,UT,US,84403,,154.20,1,,no,",
        '',
      ].join('\n'),
    );
    const report = await scanContactsFile(path);
    expect(report.recognizedFormat).toMatchObject({
      id: 'shopify-customers',
      message: 'This looks like a Shopify customers export.',
    });
    expect(report.mappingSource).toMatchObject({
      origin: 'built-in',
      presetId: 'shopify-customers',
    });
    expect(report).toMatchObject({ rows: 2, valid: 2, invalid: 0 });

    // A preset chosen by name gives the same mapping.
    const chosen = await scanContactsFile(path, {
      preset: { kind: 'built-in', preset: findBuiltInPreset('shopify-customers')! },
    });
    expect(chosen.mapping).toEqual(report.mapping);
  });

  it('says an XLSX renamed to .csv is a spreadsheet to export as CSV', async () => {
    const zip = Buffer.concat([
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]),
      Buffer.from('[Content_Types].xml xl/workbook.xml xl/worksheets/sheet1.xml'),
      Buffer.alloc(200, 0),
    ]);
    const path = await file('contacts.csv', zip);
    const error = await scanContactsFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CsvFileError);
    expect((error as CsvFileError).code).toBe('spreadsheet_file');
    expect((error as CsvFileError).message).toMatch(/Excel workbook.*CSV/);
  });

  it('reports progress with bytes and rows, and can be cancelled', async () => {
    const lines = ['email,first_name,last_name,data.plan'];
    for (let i = 0; i < 40_000; i++) lines.push(`person.${i}@example.com,Pat,Lee ${i},pro`);
    const path = await file('large.csv', `${lines.join('\n')}\n`);

    const seen: ScanProgress[] = [];
    const report = await scanContactsFile(path, {
      progressIntervalMs: 0,
      onProgress: (p) => seen.push(p),
    });
    expect(report.rows).toBe(40_000);
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.at(-1)).toEqual({
      rows: 40_000,
      bytesRead: report.fileSize,
      totalBytes: report.fileSize,
    });
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.rows).toBeGreaterThanOrEqual(seen[i - 1]!.rows);
      expect(seen[i]!.bytesRead).toBeGreaterThanOrEqual(seen[i - 1]!.bytesRead);
    }

    const stop = new AbortController();
    const cancelled = scanContactsFile(path, {
      signal: stop.signal,
      progressIntervalMs: 0,
      onProgress: (p) => {
        if (p.rows > 1000) stop.abort();
      },
    });
    await expect(cancelled).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('writes every issue to a CSV file, safe from spreadsheet formulas', async () => {
    const mapping: ImportMapping = {
      version: 1,
      columns: [
        { column: 'mail', index: 0, target: { kind: 'field', field: 'email' } },
        { column: '=Country', index: 1, target: { kind: 'field', field: 'country' } },
      ],
      emptyCells: 'clear',
      extraSegments: [],
    };
    const lines = ['mail,=Country'];
    for (let i = 0; i < 30; i++) lines.push(`-broken${i},FR`);
    lines.push('ok@example.com,"Atlantis, the lost"');
    const path = await file('issues.csv', `${lines.join('\n')}\n`);
    const target = join(dir, 'all-issues.csv');
    const writer = await IssuesCsvWriter.create(target);
    const report = await scanContactsFile(path, { mapping, issueSink: writer, issueLimit: 5 });
    await writer.close();

    expect(report.issues).toHaveLength(5);
    const csv = await readFile(target, 'utf8');
    const rows = csv.trimEnd().split('\r\n');
    expect(rows[0]).toBe('row,column,severity,code,message');
    expect(rows).toHaveLength(1 + report.issueCount);
    expect(rows[1]).toMatch(/^2,mail,error,email_invalid,/);
    // The "=Country" column name is written so no spreadsheet runs it as a formula.
    expect(rows.at(-2)).toMatch(/^32,'=Country,warning,country_unknown,/);

    expect(
      issuesCsv([
        { row: 4, column: '@SUM(A1)', severity: 'warning', code: 'x', message: '+1, "quoted"' },
      ]),
    ).toBe('row,column,severity,code,message\r\n4,\'@SUM(A1),warning,x,"\'+1, ""quoted"""\r\n');
  });
});

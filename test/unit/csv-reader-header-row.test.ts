// Where the contacts start: the row of the column names under title lines and notes, Excel's
// sep= line, and the total and footer lines of a report (pure functions over parsed rows).
import { describe, expect, it } from 'vitest';
import { findHeaderRow } from '../../src/main/engine/csv-reader/header-row';
import { readSeparatorLine } from '../../src/main/engine/csv-reader/format-sniffing';
import { reportLineKind } from '../../src/main/engine/csv-reader/report-lines';

const rows = (...lines: string[]): string[][] => lines.map((line) => line.split(','));

describe('header row', () => {
  it('is row 1 in an ordinary export, with or without known column names', () => {
    expect(findHeaderRow(rows('Email,First Name', 'a@x.com,Ann', 'b@x.com,Bob'))).toBe(0);
    expect(findHeaderRow(rows('Kennung,Bezeichnung', 'a@x.com,Ann'))).toBe(0);
    expect(findHeaderRow(rows('Foo,Bar', 'x,y', 'z,w'))).toBe(0);
  });

  it('is absent when row 1 is a contact', () => {
    expect(findHeaderRow(rows('a@x.com,Ann,42', 'b@x.com,Bob,7'))).toBe(-1);
    expect(findHeaderRow(rows('Jane,42', 'Bob,7'))).toBe(-1);
    expect(findHeaderRow(rows('Jane <jane@x.com>,Jane'))).toBe(-1);
  });

  it('passes over the title lines of a report export', () => {
    const report = rows(
      'Contacts report,,,',
      'Generated 2024-01-05 10:00 by admin,,,',
      'Filter: all contacts,,,',
      'Email,First Name,Last Name,Company',
      'jane@x.com,Jane,Doe,Acme',
      'bob@x.com,Bob,Roe,Beta',
    );
    expect(findHeaderRow(report)).toBe(3);
  });

  it('passes over a title line that holds an email', () => {
    const report = rows(
      'Contacts export,,',
      'Exported by admin@acme.example on 2024-01-05,,',
      'Email,Name,Phone',
      'jane@x.com,Jane,1',
    );
    expect(findHeaderRow(report)).toBe(2);
  });

  it('passes over a quoted "Notes:" paragraph, even when the first contacts have no email', () => {
    const linkedIn = [
      ['Notes:'],
      [
        'When exporting your connection data, you may notice that some of the email addresses are missing. You will only see email addresses for connections who have allowed it: https://www.linkedin.com/psettings/privacy/email',
      ],
      ['First Name', 'Last Name', 'URL', 'Email Address', 'Company', 'Position', 'Connected On'],
      ['John', 'Smith', 'https://www.linkedin.com/in/john', '', 'Acme', 'CTO', '12 Jan 2023'],
      ['Ann', 'Lee', 'https://www.linkedin.com/in/ann', '', 'Beta', 'CEO', '13 Jan 2023'],
    ];
    expect(findHeaderRow(linkedIn)).toBe(2);
  });

  it('prefers known column names over a metadata line as wide as the table', () => {
    const file = rows('Generated on,2024-01-05', 'Exported by,Jane', 'Email,Name', 'a@x.com,Ann');
    expect(findHeaderRow(file)).toBe(2);
  });

  it('takes numbers for column names beside known names (Email,Name,2023,2024)', () => {
    expect(findHeaderRow(rows('Email,Name,2023,2024', 'a@x.com,Ann,5,6'))).toBe(0);
    expect(findHeaderRow(rows('Name,2023,2024', 'Ann,5,6'))).toBe(0);
    // Without a known name, numbers keep meaning values.
    expect(findHeaderRow(rows('Kunde,2023,2024', 'Ann,5,6'))).toBe(-1);
  });

  it('finds the header of a single-column file under a title', () => {
    expect(findHeaderRow(rows('Contacts', 'Email', 'a@x.com', 'b@x.com'))).toBe(1);
    expect(findHeaderRow(rows('email', 'a@x.com'))).toBe(0);
  });
});

describe("Excel's sep= line", () => {
  it.each([
    ['sep=;\r\nEmail;Name', ';', 7],
    ['SEP=,\nEmail,Name', ',', 6],
    ['"sep=|"\r\nEmail|Name', '|', 9],
    ['sep=\t\nEmail\tName', '\t', 6],
  ])('reads %j', (text, delimiter, length) => {
    expect(readSeparatorLine(text)).toEqual({ delimiter, written: delimiter, length });
  });

  it('says when it names a separator this importer does not read', () => {
    expect(readSeparatorLine('sep=:\nEmail:Name')).toMatchObject({ delimiter: null, written: ':' });
  });

  it('is only a whole first line', () => {
    expect(readSeparatorLine('separator,email\n')).toBeNull();
    expect(readSeparatorLine('Email,Name\nsep=;\n')).toBeNull();
  });
});

describe('report lines', () => {
  it.each([
    ['Total', ',,3'],
    ['Totals', ''],
    ['Grand Totals (3 records)', ''],
    ['Total: 3', ',,'],
    ['Total contacts: 3', ''],
    ['Subtotal', ',,12'],
    ['Record count: 3', ''],
    ['3 records', ''],
    ['1,234 contacts exported', ''],
    ['Gesamt: 3', ''],
    ['Summe', ',,3'],
    ['Total général', ',,3'],
    ['*** End of report ***', ''],
    ['2 record(s)', ''],
    ['Acme Corp Total', ',,12'],
  ])('%j is a total line', (first, rest) => {
    const fields = [first, ...rest.split(',').slice(1)];
    expect(reportLineKind(fields, 4)).toBe('total');
  });

  it.each([
    [['Total Solutions Ltd', 'ann@x.com', 'Ann', '']],
    [['Total Solutions Ltd', '', 'Ann', 'Paris']],
    [['jane@x.com', 'Jane', '', '']],
    [['Total', 'sum@x.com', '', '']],
    [['Jane', 'Doe', 'Acme', 'Paris']],
  ])('%j may be a contact', (fields) => {
    expect(reportLineKind(fields, 4)).toBeNull();
  });

  it.each([
    ['Copyright (c) 2000-2023 salesforce.com, inc. All rights reserved.'],
    ['Confidential Information - Do Not Distribute'],
    ['Generated By:  Jane Admin  1/5/2023 10:00 AM'],
    ['Report generated on 2024-01-05', 'by Jane'],
  ])('%j signs a report: a footer wherever it is', (...fields) => {
    expect(reportLineKind(fields, 3)).toBe('signature');
  });

  it('takes one value without an email, in a table of 3 columns or more, for a possible footer', () => {
    expect(reportLineKind(['Acme Corp'], 5)).toBe('footer');
    expect(reportLineKind(['Acme Corp', ''], 2)).toBeNull();
    expect(reportLineKind(['ann@x.com', '', ''], 3)).toBeNull();
  });
});

// Files as staff have them (issue 10), written for real and read by the reader: title lines
// above the column names, a "Notes:" preamble, Excel's sep= line, a report's total and footer
// lines, a chosen header row, and an encoding that shows itself only far into the file.
import { Buffer } from 'node:buffer';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CsvEncoding } from '../../src/shared/csv-format';
import {
  checkWholeFileEncoding,
  CsvFileError,
  detectCsvFormat,
  detectCsvFormatWholeFile,
  previewCsv,
  readCsvRecords,
  type CsvDetection,
  type CsvRecord,
  type ReportLine,
} from '../../src/main/engine/csv-reader';

let dir: string;
let fileCount = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csv-layouts-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(content: string | Buffer): Promise<string> {
  const path = join(dir, `${++fileCount}.csv`);
  await writeFile(path, content);
  return path;
}

function encode(text: string, encoding: CsvEncoding): Buffer {
  if (encoding === 'utf-8') return Buffer.from(text, 'utf8');
  if (encoding === 'utf-16le')
    return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  return iconv.encode(text, encoding);
}

async function readAll(
  path: string,
  detection: CsvDetection,
  options: Parameters<typeof readCsvRecords>[2] = {},
): Promise<{ records: CsvRecord[]; lines: ReportLine[] }> {
  const records: CsvRecord[] = [];
  const lines: ReportLine[] = [];
  for await (const record of readCsvRecords(path, detection, {
    ...options,
    onReportLine: (line) => lines.push(line),
  })) {
    records.push(record);
  }
  return { records, lines };
}

async function failure(promise: Promise<unknown>): Promise<CsvFileError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CsvFileError);
  return error as CsvFileError;
}

const REPORT = [
  'Contacts report,,,',
  'Generated 2024-01-05 10:00 by Jane Admin,,,',
  'Filter: all contacts,,,',
  ',,,',
  'Email,First Name,Last Name,Company',
  'jane@example.com,Jane,Doe,Acme',
  'bob@example.com,Bob,Roe,Beta',
  'Total,,,2',
  '',
].join('\r\n');

describe('title lines above the column names', () => {
  it.each<CsvEncoding>(['utf-8', 'windows-1252', 'utf-16le'])(
    'finds them on row 5 of a report export (%s), skips rows 1-4 and the Total line',
    async (encoding) => {
      const path = await fileWith(encode(REPORT.replace('Jane Admin', 'Jérôme Admin'), encoding));
      const detection = await detectCsvFormat(path);
      expect(detection.format).toMatchObject({ header: true, headerRow: 5, delimiter: ',' });
      expect(detection.detected.headerRow).toBe(5);
      expect(detection.headers).toEqual(['Email', 'First Name', 'Last Name', 'Company']);
      expect(detection.dataStartRow).toBe(6);
      expect(detection.skippedRows).toEqual([
        { row: 1, text: 'Contacts report' },
        { row: 2, text: 'Generated 2024-01-05 10:00 by Jérôme Admin' },
        { row: 3, text: 'Filter: all contacts' },
      ]);
      expect(detection.notes.join(' ')).toContain(
        'Header: column names are on row 5 (detected); rows 1–4 are above them (“Contacts report”',
      );
      const { records, lines } = await readAll(path, detection, { chunkSize: 7 });
      expect(records.map((r) => [r.row, r.fields[0]])).toEqual([
        [6, 'jane@example.com'],
        [7, 'bob@example.com'],
      ]);
      expect(lines).toEqual([{ row: 8, kind: 'total', text: 'Total' }]);
      // Offsets stay exact: a resume from the second contact reads exactly it.
      const resumed = await readAll(path, detection, {
        startOffset: records[1]!.offset,
        startRow: records[1]!.row,
      });
      expect(resumed.records.map((r) => r.fields)).toEqual([records[1]!.fields]);
    },
  );

  it('passes over a LinkedIn-style "Notes:" paragraph, whose contacts mostly have no email', async () => {
    const path = await fileWith(
      [
        'Notes:',
        '"When exporting your connection data, you may notice that some of the email addresses are missing. You will only see email addresses for connections who have allowed their connections to see or download their email address using this setting https://www.linkedin.com/psettings/privacy/email. You can learn more about your Connections data here: https://www.linkedin.com/help/linkedin/answer/566336"',
        '',
        'First Name,Last Name,URL,Email Address,Company,Position,Connected On',
        'John,Smith,https://www.linkedin.com/in/john,,Acme,CTO,12 Jan 2023',
        'Ann,Lee,https://www.linkedin.com/in/ann,ann@example.com,"Beta, Inc",CEO,13 Jan 2023',
        '',
      ].join('\n'),
    );
    const { detection, records } = await previewCsv(path);
    expect(detection.format.headerRow).toBe(4);
    expect(detection.headers[3]).toBe('Email Address');
    expect(records.map((r) => r.row)).toEqual([5, 6]);
    expect(records[1]!.fields[4]).toBe('Beta, Inc');
  });

  it('keeps row 1 for a header of numbers beside known names', async () => {
    const path = await fileWith('Email,Name,2023,2024\r\nann@example.com,Ann,5,6\r\n');
    const { detection, records } = await previewCsv(path);
    expect(detection.format).toMatchObject({ header: true, headerRow: 1 });
    expect(detection.headers).toEqual(['Email', 'Name', '2023', '2024']);
    expect(records.map((r) => r.row)).toEqual([2]);
  });

  it('reads the header row the person chose, and refuses one that cannot hold names', async () => {
    const path = await fileWith(REPORT);
    const chosen = await detectCsvFormat(path, { headerRow: 3 });
    expect(chosen.format.headerRow).toBe(3);
    expect(chosen.detected.headerRow).toBe(5);
    expect(chosen.headers).toEqual(['Filter: all contacts', 'Column 2', 'Column 3', 'Column 4']);
    expect(chosen.notes.join(' ')).toMatch(/column names are on row 3 \(your choice\)/);
    expect((await failure(detectCsvFormat(path, { headerRow: 4 }))).message).toMatch(
      /Row 4 of the file is empty/,
    );
    const beyond = await failure(detectCsvFormat(path, { headerRow: 40 }));
    expect(beyond.code).toBe('header_row_invalid');
    expect(beyond.message).toMatch(/The file has 8 rows, so row 40 cannot hold the column names/);
  });
});

describe("Excel's sep= line", () => {
  it('takes the separator it names and skips it: row 2 holds the column names', async () => {
    const path = await fileWith('sep=;\r\nEmail;Name;Amount\r\nann@example.com;Ann;3,50\r\n');
    const { detection, records } = await previewCsv(path);
    expect(detection.format).toMatchObject({ delimiter: ';', header: true, headerRow: 2 });
    expect(detection.headers).toEqual(['Email', 'Name', 'Amount']);
    expect(detection.notes).toContain(
      "Separator: semicolon (named by the file's first line). Row 1 (“sep=;”) names it for spreadsheet apps and is not imported.",
    );
    expect(records).toEqual([
      { row: 3, offset: 26, fields: ['ann@example.com', 'Ann', '3,50'], issues: [] },
    ]);
  });

  it('is skipped after a byte order mark, quoted, or when the person chose the separator or no header', async () => {
    const bom = await fileWith('\uFEFF"sep=,"\nEmail,Name\nann@example.com,Ann\n');
    expect((await detectCsvFormat(bom)).format).toMatchObject({ delimiter: ',', headerRow: 2 });
    const chosen = await detectCsvFormat(bom, { delimiter: ';' });
    expect(chosen.dataStartRow).toBe(3);
    const noHeader = await previewCsv(bom, { header: false });
    expect(noHeader.records.map((r) => r.row)).toEqual([2, 3]);
    expect((await failure(detectCsvFormat(bom, { headerRow: 1 }))).message).toMatch(
      /Row 1 of this file is the line “sep=,”/,
    );
  });

  it('is skipped but not followed when it names a separator this importer does not read', async () => {
    const path = await fileWith('sep=:\nEmail,Name\nann@example.com,Ann\n');
    const detection = await detectCsvFormat(path);
    expect(detection.format).toMatchObject({ delimiter: ',', headerRow: 2 });
    expect(detection.notes.join(' ')).toMatch(/Row 1 asks for “:” as the separator/);
  });
});

describe('report footers', () => {
  it('leaves out the one-value lines that end a Salesforce report export', async () => {
    const path = await fileWith(
      [
        '"Name","Email","Phone"',
        '"Jane Doe","jane@example.com","+1 555 0100"',
        '"Lone Value","",""',
        '"Bob Roe","bob@example.com",""',
        '""',
        '"Copyright (c) 2000-2023 salesforce.com, inc. All rights reserved."',
        '"Confidential Information - Do Not Distribute"',
        '"Generated By:  Jane Admin  1/5/2023 10:00 AM"',
        '"Acme Corp"',
        '',
      ].join('\n'),
    );
    const detection = await detectCsvFormat(path);
    expect(detection.format.delimiter).toBe(',');
    for (const chunkSize of [5, 64 * 1024]) {
      const { records, lines } = await readAll(path, detection, { chunkSize });
      // A one-value line followed by contacts is a row like any other (it is reported there).
      expect(records.map((r) => r.row)).toEqual([2, 3, 4]);
      expect(lines.map((l) => [l.row, l.kind])).toEqual([
        [6, 'footer'],
        [7, 'footer'],
        [8, 'footer'],
        [9, 'footer'],
      ]);
      expect(lines[0]!.text).toMatch(/^Copyright/);
    }
  });

  it('reads every line of a file without a header row', async () => {
    const path = await fileWith('jane@example.com,Jane,Doe\nTotal,,\nAcme Corp,,\n');
    const detection = await detectCsvFormat(path);
    expect(detection.format.header).toBe(false);
    const { records, lines } = await readAll(path, detection);
    expect(records).toHaveLength(3);
    expect(lines).toEqual([]);
  });
});

describe('a file with column names and no contacts', () => {
  it('is refused by default and described for the check', async () => {
    const path = await fileWith('email,name\r\n');
    expect((await failure(detectCsvFormat(path))).code).toBe('header_only');
    const detection = await detectCsvFormat(path, {}, { allowNoContacts: true });
    expect(detection.dataStartOffset).toBe(detection.fileSize);
    expect((await readAll(path, detection)).records).toEqual([]);
  });
});

describe('an encoding that shows itself late', () => {
  const head = 'Email,First Name,Last Name\r\n';
  const ascii = Array.from(
    { length: 3200 },
    (_, i) => `user${i}@example.com,User,Number${i}\r\n`,
  ).join(''); // about 100 KiB, past the 64 KiB the detection reads

  it('finds Windows-1252 when the first accented letter comes after the sample', async () => {
    const path = await fileWith(
      Buffer.concat([
        Buffer.from(head + ascii),
        iconv.encode(
          'helene@example.com,Hélène,Dupré\r\nzoe@example.com,Zoé,Martin\r\n',
          'windows-1252',
        ),
      ]),
    );
    const detection = await detectCsvFormat(path);
    expect(detection.format.encoding).toBe('utf-8');
    expect(detection.encodingBasis).toBe('sample');
    const check = await checkWholeFileEncoding(path, detection);
    expect(check).toEqual({
      verdict: 'switch',
      encoding: 'windows-1252',
      firstInvalidOffset: head.length + ascii.length + 'helene@example.com,H'.length,
    });
    const { detection: whole } = await detectCsvFormatWholeFile(path);
    expect(whole.format.encoding).toBe('windows-1252');
    expect(whole.encodingBasis).toBe('whole-file');
    expect(whole.notes[0]).toMatch(/^Encoding: Windows-1252 .*found by reading the whole file/);
    const { records } = await readAll(path, whole);
    expect(records.at(-2)!.fields).toEqual(['helene@example.com', 'Hélène', 'Dupré']);
    expect(records.every((r) => r.issues.length === 0)).toBe(true);
  });

  it('finds Mac OS Roman from bytes Windows-1252 leaves undefined', async () => {
    const path = await fileWith(
      Buffer.concat([
        Buffer.from(head + ascii),
        iconv.encode('f@example.com,Françoise,Noël\r\n', 'macintosh'),
      ]),
    );
    const check = await checkWholeFileEncoding(path, await detectCsvFormat(path));
    expect(check).toMatchObject({ verdict: 'switch', encoding: 'macintosh' });
  });

  it('switches nothing when the file mixes UTF-8 letters and other bytes, and says so', async () => {
    const path = await fileWith(
      Buffer.concat([
        Buffer.from(head + 'zoe@example.com,Zoë,Martin\r\n' + ascii),
        iconv.encode('helene@example.com,Hélène,Dupré\r\n', 'windows-1252'),
      ]),
    );
    const { detection, check } = await detectCsvFormatWholeFile(path);
    expect(check?.verdict).toBe('mixed');
    expect(detection.format.encoding).toBe('utf-8');
    expect(detection.notes.at(-1)).toMatch(/no single encoding reads the whole file/);
  });

  it('confirms UTF-8 when the late letters are UTF-8, and checks nothing the sample settled', async () => {
    const late = await fileWith(head + ascii + 'helene@example.com,Hélène,Dupré\r\n');
    const { detection, check } = await detectCsvFormatWholeFile(late);
    expect(check?.verdict).toBe('utf-8');
    expect(detection.format.encoding).toBe('utf-8');
    const small = await fileWith(head + 'helene@example.com,Hélène,Dupré\r\n');
    expect((await detectCsvFormatWholeFile(small)).check).toBeNull();
    const chosen = await detectCsvFormatWholeFile(late, { encoding: 'utf-8' });
    expect(chosen.check).toBeNull();
  });
});

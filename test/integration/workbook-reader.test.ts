// Excel workbooks (.xlsx) read as the person sees them: the tests write each workbook (exceljs, as
// Excel saves them: shared strings, styles, dates) and read it back through the CSV reader's
// entry points, which every step (preview, scan, import) uses.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CsvFileError,
  detectCsvFormat,
  previewCsv,
  readCsvRecords,
} from '../../src/main/engine/csv-reader';
import { oleFile, storedZip, writeWorkbook } from './workbook-support';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workbook-reader-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<CsvFileError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CsvFileError);
  return error as CsvFileError;
}

async function rowsOf(path: string, sheet?: string): Promise<string[][]> {
  const detection = await detectCsvFormat(path, sheet === undefined ? {} : { sheet });
  const rows: string[][] = [];
  for await (const record of readCsvRecords(path, detection)) rows.push(record.fields);
  return rows;
}

/** Three sheets: a summary without emails, the contacts, then an old list. */
async function threeSheets(): Promise<string> {
  const path = join(dir, 'contacts.xlsx');
  await writeWorkbook(path, [
    { name: 'Summary', rows: [['Contacts by country'], ['France', 2], ['Spain', 1]] },
    {
      name: 'Contacts',
      rows: [
        ['Email', 'First name'],
        ['ana@example.com', 'Ana'],
        ['bo@example.com', 'Bo'],
      ],
    },
    { name: 'Old list', rows: [['Email'], ['old@example.com']] },
  ]);
  return path;
}

describe('workbook sheets', () => {
  it('reads the first sheet that holds emails, and says which and what else there is', async () => {
    const path = await threeSheets();
    const detection = await detectCsvFormat(path);
    expect(detection.format.sheet).toBe('Contacts');
    expect(detection.sheets).toEqual([
      { name: 'Summary', number: 1 },
      { name: 'Contacts', number: 2 },
      { name: 'Old list', number: 3 },
    ]);
    expect(detection.headers).toEqual(['Email', 'First name']);
    expect(detection.notes[0]).toMatch(/Sheet: “Contacts” \(the first that holds email/);
    expect(await rowsOf(path)).toEqual([
      ['ana@example.com', 'Ana'],
      ['bo@example.com', 'Bo'],
    ]);
  });

  it('reads the sheet chosen by name or by number, and names the sheets when it has no such one', async () => {
    const path = await threeSheets();
    expect(await rowsOf(path, 'old list')).toEqual([['old@example.com']]);
    expect(await rowsOf(path, '3')).toEqual([['old@example.com']]);
    const error = await failure(detectCsvFormat(path, { sheet: 'Leads' }));
    expect(error.code).toBe('sheet_not_found');
    expect(error.message).toMatch(/no sheet “Leads”.*“Summary”, “Contacts”, “Old list”/);
  });

  it('refuses a sheet choice for a CSV file with a plain message', async () => {
    const path = join(dir, 'contacts.csv');
    await writeFile(path, 'email\na@example.com\n');
    const error = await failure(detectCsvFormat(path, { sheet: 'Contacts' }));
    expect(error.code).toBe('not_a_workbook');
    expect(error.message).toMatch(/only be chosen in an Excel workbook/);
  });
});

describe('workbook cells', () => {
  it('gives each cell as Excel shows it: text stays text, numbers without noise, ISO dates, booleans, cached formula values', async () => {
    const path = join(dir, 'typed.xlsx');
    await writeWorkbook(path, [
      {
        name: 'People',
        rows: [
          ['Email', 'Phone', 'Zip', 'Amount', 'Since', 'Seen at', 'VIP', 'Double', 'Sum'],
          [
            'ana@example.com',
            '+33612345678',
            '01234',
            3667.19,
            new Date(Date.UTC(2024, 2, 5)),
            new Date(Date.UTC(2024, 2, 5, 14, 30, 0)),
            true,
            { formula: 'D2*2', result: 7334.38 },
            0.1 + 0.2,
          ],
          [
            'bo@example.com',
            null,
            '',
            12,
            null,
            null,
            false,
            { formula: 'D3*2', result: 24 },
            null,
          ],
        ],
        formats: { 5: 'dd/mm/yyyy', 6: 'yyyy-mm-dd hh:mm' },
        cells: { A5: 'cy@example.com', I5: 'far right' },
      },
    ]);
    expect(await rowsOf(path)).toEqual([
      [
        'ana@example.com',
        '+33612345678',
        '01234',
        '3667.19',
        '2024-03-05',
        '2024-03-05T14:30:00',
        'true',
        '7334.38',
        '0.3',
      ],
      ['bo@example.com', '', '', '12', '', '', 'false', '24', ''],
      // Row 4 is empty (left out, its number kept); in row 5 only A and I hold values.
      ['cy@example.com', '', '', '', '', '', '', '', 'far right'],
    ]);
    const { records } = await previewCsv(path);
    expect(records.map((r) => r.row)).toEqual([2, 3, 5]);
  });

  it('passes over title lines above the column names, as for CSV', async () => {
    const path = join(dir, 'report.xlsx');
    await writeWorkbook(path, [
      {
        name: 'Report',
        rows: [
          ['Contacts report'],
          ['Generated on 2024-05-01'],
          [],
          ['Email', 'Name', 'City'],
          ['ana@example.com', 'Ana', 'Lyon'],
        ],
      },
    ]);
    const detection = await detectCsvFormat(path);
    expect(detection.format.headerRow).toBe(4);
    expect(detection.dataStartRow).toBe(5);
    expect(detection.skippedRows?.map((s) => s.text)).toEqual([
      'Contacts report',
      'Generated on 2024-05-01',
    ]);
    expect(await rowsOf(path)).toEqual([['ana@example.com', 'Ana', 'Lyon']]);
  });
});

describe('workbook resume', () => {
  it('entered at a row, gives that row and every later one with the same cells as a full read', async () => {
    const path = join(dir, 'long.xlsx');
    const rows: (string | number)[][] = [['Email', 'Name', 'Score']];
    for (let i = 1; i <= 500; i++) {
      rows.push([`p${i}@example.com`, i % 7 === 0 ? 'Same name' : `Name ${i}`, i * 1.5]);
    }
    await writeWorkbook(path, [{ name: 'Contacts', rows }]);
    const detection = await detectCsvFormat(path);
    const full: { row: number; fields: string[] }[] = [];
    for await (const r of readCsvRecords(path, detection))
      full.push({ row: r.row, fields: r.fields });
    expect(full).toHaveLength(500);
    const resumed: { row: number; fields: string[] }[] = [];
    for await (const r of readCsvRecords(path, detection, { startRow: 377, startOffset: 0 })) {
      resumed.push({ row: r.row, fields: r.fields });
    }
    expect(resumed[0]).toEqual({ row: 377, fields: ['p376@example.com', 'Name 376', '564'] });
    expect(resumed).toEqual(full.filter((r) => r.row >= 377));
  });
});

describe('files that cannot be read as workbooks', () => {
  it('says a password-protected workbook must be opened and saved without its password', async () => {
    const path = join(dir, 'locked.xlsx');
    await writeFile(path, oleFile(['EncryptionInfo', 'EncryptedPackage']));
    const error = await failure(detectCsvFormat(path));
    expect(error.code).toBe('workbook_encrypted');
    expect(error.message).toMatch(/protected by a password.*remove the password/);
  });

  it('says an old .xls, an .ods and a .numbers file must be saved in another format', async () => {
    const xls = join(dir, 'old.xls');
    await writeFile(xls, oleFile(['Workbook', 'SummaryInformation']));
    expect((await failure(detectCsvFormat(xls))).message).toMatch(/Excel 97-2003.*Save As/);
    const ods = join(dir, 'sheet.ods');
    await writeFile(
      ods,
      storedZip({
        mimetype: 'application/vnd.oasis.opendocument.spreadsheet',
        'content.xml': '<x/>',
      }),
    );
    const odsError = await failure(detectCsvFormat(ods));
    expect(odsError.code).toBe('spreadsheet_file');
    expect(odsError.message).toMatch(/OpenDocument spreadsheet.*LibreOffice/);
    const numbers = join(dir, 'sheet.numbers');
    await writeFile(
      numbers,
      storedZip({ 'Index/Document.iwa': 'x', 'Metadata/Properties.plist': 'x' }),
    );
    expect((await failure(detectCsvFormat(numbers))).message).toMatch(
      /Apple Numbers spreadsheet.*File > Export To > CSV/,
    );
  });

  it('says a damaged workbook is damaged and how to save it again, never a crash', async () => {
    const broken = join(dir, 'broken.xlsx');
    await writeFile(
      broken,
      storedZip({
        '[Content_Types].xml': '<Types/>',
        'xl/workbook.xml': '<workbook><sheets><sheet name="A" r:id="rId1"',
      }),
    );
    const error = await failure(detectCsvFormat(broken));
    expect(error.code).toBe('workbook_damaged');
    expect(error.message).toMatch(/damaged.*save it again as \.xlsx/);

    // A real workbook cut short: its ZIP container no longer opens.
    const whole = join(dir, 'whole.xlsx');
    await writeWorkbook(whole, [{ name: 'A', rows: [['Email'], ['a@example.com']] }]);
    const cut = join(dir, 'cut.xlsx');
    const bytes = await readFile(whole);
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const cutError = await failure(detectCsvFormat(cut));
    expect(cutError.code).toBe('spreadsheet_file');
    expect(cutError.message).toMatch(/incomplete or damaged.*save it again as \.xlsx/);
  });

  it('refuses a named pipe called .xlsx at once, without waiting for a writer', async () => {
    const fifo = join(dir, 'pipe.xlsx');
    execFileSync('mkfifo', [fifo]);
    const error = await failure(detectCsvFormat(fifo));
    expect(error.code).toBe('file_unreadable');
    expect(error.message).toMatch(/named pipe/);
  });
});

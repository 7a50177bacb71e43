/**
 * An Excel workbook read as the CSV reader reads a file: the sheet (the first that holds contacts,
 * or the one chosen), its header row found as for CSV (title lines above it passed over), and its
 * rows as records. The cells come from the streaming workbook reader (../workbook-reader).
 *
 * A workbook cannot be entered at a byte offset: a record's `offset` is where the compressed bytes
 * read so far end (for progress), and a resumed read re-reads the sheet up to its `startRow`.
 */
import type { Stats } from 'node:fs';
import type { CsvFormat } from '../../../shared/csv-format';
import {
  defaultSheet,
  findSheet,
  openWorkbook,
  WorkbookError,
  type OpenWorkbook,
  type WorkbookSheet,
} from '../workbook-reader';
import type { CsvDetection, CsvRecord } from './csv-detection';
import { CsvFileError } from './csv-file-error';
import type { DetectOptions } from './detect-csv-format';
import { damagedWorkbookContainerError } from './format-sniffing';
import { findHeaderRow } from './header-row';
import { MAX_COLUMNS, statRegularFile, type ReadCsvOptions } from './read-csv';

/** Rows of the sheet looked at to find the header row (as many as for CSV). */
const SAMPLE_ROWS = 200;
/** Rows above the column names listed in the detection. */
const LISTED_SKIPPED_ROWS = 20;

/** A WorkbookError as the reader's own error (same code, same message). */
function asFileError(error: unknown): unknown {
  if (!(error instanceof WorkbookError)) return error;
  if (error.container) return damagedWorkbookContainerError();
  return new CsvFileError(error.code, error.message, { cause: error });
}

async function withWorkbook<T>(
  path: string,
  use: (workbook: OpenWorkbook) => Promise<T>,
): Promise<T> {
  let workbook: OpenWorkbook | null = null;
  try {
    workbook = await openWorkbook(path);
    return await use(workbook);
  } catch (error) {
    throw asFileError(error);
  } finally {
    workbook?.close();
  }
}

export async function detectWorkbookTable(
  path: string,
  stat: Stats,
  overrides: Partial<CsvFormat>,
  options: DetectOptions,
): Promise<CsvDetection> {
  return withWorkbook(path, async (workbook) => {
    const sheet =
      overrides.sheet !== undefined
        ? findSheet(workbook.sheets, overrides.sheet)
        : await defaultSheet(workbook);
    const records: CsvRecord[] = (await workbook.firstRows(sheet, SAMPLE_ROWS + 1)).map((row) => ({
      row: row.row,
      offset: row.offset,
      fields: row.cells,
      issues: [],
    }));
    const notes = [sheetNote(workbook.sheets, sheet, overrides.sheet !== undefined)];
    if (records.length === 0) {
      throw new CsvFileError(
        'file_empty',
        `The sheet “${sheet.name}” is empty. ${workbook.sheets.length > 1 ? 'Choose the sheet that holds the contacts.' : 'Choose a workbook with a header row and at least one contact.'}`,
      );
    }
    const table = describeSheetTable(records, overrides, options, stat.size);
    notes.push(...table.notes);
    const detectedFormat = {
      encoding: 'utf-8' as const,
      delimiter: ',' as const,
      header: table.detectedHeaderRow !== null,
      ...(table.detectedHeaderRow !== null ? { headerRow: table.detectedHeaderRow } : {}),
      sheet: sheet.name,
    };
    return {
      format: {
        encoding: 'utf-8',
        delimiter: ',',
        header: table.headerRow !== null,
        ...(table.headerRow !== null ? { headerRow: table.headerRow } : {}),
        sheet: sheet.name,
      },
      detected: detectedFormat,
      headers: table.headers,
      dataStartOffset: table.dataStartOffset,
      dataStartRow: table.dataStartRow,
      fileSize: stat.size,
      modifiedAtMs: stat.mtimeMs,
      bomLength: 0,
      encodingBasis: 'whole-file',
      skippedRows: table.skippedRows,
      sheets: workbook.sheets.map((s) => ({ name: s.name, number: s.number })),
      notes,
    };
  });
}

function sheetNote(
  sheets: readonly WorkbookSheet[],
  sheet: WorkbookSheet,
  chosen: boolean,
): string {
  if (sheets.length === 1) return `Sheet: “${sheet.name}” (the workbook's only sheet).`;
  const all = sheets.map((s) => `“${s.name}”`).join(', ');
  return chosen
    ? `Sheet: “${sheet.name}” (your choice; the workbook's sheets: ${all}).`
    : `Sheet: “${sheet.name}” (the first that holds email addresses; the workbook's sheets: ${all}). Choose another sheet if the contacts are elsewhere.`;
}

interface SheetTable {
  headerRow: number | null;
  detectedHeaderRow: number | null;
  headers: string[];
  dataStartOffset: number;
  dataStartRow: number;
  skippedRows: { row: number; text: string }[];
  notes: string[];
}

function describeSheetTable(
  records: CsvRecord[],
  overrides: Partial<CsvFormat>,
  options: DetectOptions,
  fileSize: number,
): SheetTable {
  const detectedIndex = findHeaderRow(
    records.map((r) =>
      r.fields.length > MAX_COLUMNS ? r.fields.slice(0, MAX_COLUMNS + 1) : r.fields,
    ),
  );
  const detectedHeaderRow = detectedIndex >= 0 ? records[detectedIndex]!.row : null;
  let index = detectedIndex;
  if (overrides.header === false) index = -1;
  else if (overrides.headerRow !== undefined) {
    index = records.findIndex((r) => r.row === overrides.headerRow);
    if (index < 0) {
      throw new CsvFileError(
        'header_row_invalid',
        `Row ${overrides.headerRow} of the sheet is empty${overrides.headerRow > records.at(-1)!.row ? ' or past its last row' : ''}, so it cannot hold the column names. Choose the row where they are.`,
        { row: overrides.headerRow },
      );
    }
  } else if (overrides.header === true && index < 0) index = 0;

  if (index < 0) {
    let columns = 0;
    for (const record of records.slice(0, 100)) columns = Math.max(columns, record.fields.length);
    if (columns > MAX_COLUMNS) throw tooManyColumns(records[0]!.row, columns);
    return {
      headerRow: null,
      detectedHeaderRow,
      headers: Array.from({ length: columns }, (_, i) => `Column ${i + 1}`),
      dataStartOffset: records[0]!.offset,
      dataStartRow: records[0]!.row,
      skippedRows: [],
      notes: [
        'No header row detected: the first row holds values such as an email address or a number, so it is read as a contact and columns are named Column 1, Column 2 and so on.',
      ],
    };
  }
  const header = records[index]!;
  if (header.fields.length > MAX_COLUMNS) throw tooManyColumns(header.row, header.fields.length);
  const headers = header.fields.map((name, i) => name.trim() || `Column ${i + 1}`);
  const skippedRows = records
    .slice(0, index)
    .slice(0, LISTED_SKIPPED_ROWS)
    .map((r) => ({ row: r.row, text: firstText(r.fields) }));
  const data = records[index + 1];
  if (!data && !options.allowNoContacts) {
    throw new CsvFileError(
      'header_only',
      `The sheet has a header row (${headers.slice(0, 4).join(', ')}${headers.length > 4 ? '...' : ''}) but no contacts under it. Choose the sheet that holds the contacts, or turn off "first row is a header" if that row is a contact.`,
    );
  }
  const how =
    overrides.headerRow !== undefined || overrides.header !== undefined
      ? 'your choice'
      : 'detected';
  const above = skippedRows
    .filter((s) => s.text !== '')
    .slice(0, 3)
    .map((s) => `“${s.text}”`);
  const notes = [
    index === 0
      ? `Header: row ${header.row} holds the column names (${how}).`
      : `Header: column names are on row ${header.row} (${how}); the ${index === 1 ? 'row' : `${index} rows`} above them${above.length > 0 ? ` (${above.join(', ')})` : ''} ${index === 1 ? 'is' : 'are'} skipped. Choose another header row if that is wrong.`,
  ];
  return {
    headerRow: header.row,
    detectedHeaderRow,
    headers,
    dataStartOffset: data?.offset ?? fileSize,
    dataStartRow: data?.row ?? header.row + 1,
    skippedRows,
    notes,
  };
}

function tooManyColumns(row: number, columns: number): CsvFileError {
  return new CsvFileError(
    'too_many_columns',
    `Row ${row} of the sheet has ${columns.toLocaleString('en-US')} columns; this importer reads at most ${MAX_COLUMNS.toLocaleString('en-US')} (a contacts sheet has a few dozen). Delete the columns you do not need in Excel, save the workbook and choose it again.`,
    { row },
  );
}

function firstText(fields: readonly string[]): string {
  const value = (fields.find((f) => f.trim() !== '') ?? '').trim().replace(/\s+/g, ' ');
  return value.length > 60 ? `${value.slice(0, 60)}…` : value;
}

/** Records of the workbook's sheet, from the data start or `startRow` (re-read up to it). */
export async function* readWorkbookBatches(
  path: string,
  detection: CsvDetection,
  options: ReadCsvOptions = {},
): AsyncGenerator<CsvRecord[], void, undefined> {
  const stat = await statRegularFile(path);
  if (
    stat.size !== detection.fileSize ||
    (detection.modifiedAtMs !== undefined && stat.mtimeMs !== detection.modifiedAtMs)
  ) {
    throw new CsvFileError(
      'file_changed',
      'The workbook has changed since it was checked (its size or modification time differs). Check it again before importing it.',
    );
  }
  const startRow = options.startRow ?? detection.dataStartRow;
  const width = detection.headers.length;
  let workbook: OpenWorkbook | null = null;
  try {
    workbook = await openWorkbook(path);
    const sheet = findSheet(workbook.sheets, detection.format.sheet ?? '1');
    for await (const batch of workbook.rows(sheet, options.signal, startRow)) {
      const records: CsvRecord[] = [];
      for (const row of batch) {
        if (row.row < startRow) continue;
        const fields = row.cells;
        while (fields.length < width) fields.push('');
        records.push({
          row: row.row,
          offset: Math.min(row.offset, detection.fileSize),
          fields,
          issues: [],
        });
      }
      if (records.length > 0) yield records;
    }
  } catch (error) {
    throw asFileError(error);
  } finally {
    workbook?.close();
  }
}

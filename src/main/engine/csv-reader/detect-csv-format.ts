/**
 * Looks at the start of a file (never the whole file) and says how to read it: encoding,
 * separator, which row holds the column names (title lines and Excel's `sep=` line above it are
 * passed over), column names, where the data starts. Also the preview of the first rows.
 */
import { Buffer } from 'node:buffer';
import type { FileHandle } from 'node:fs/promises';
import type { CsvDelimiter, CsvEncoding, CsvFormat } from '../../../shared/csv-format';
import { delimiterLabel } from '../../../shared/csv-format';
import { bomLengthFor, createChunkDecoder } from './chunk-decoder';
import type { CsvDetection, CsvRecord } from './csv-detection';
import { CsvFileError, unreadableFileError } from './csv-file-error';
import { encodingLabel } from './encoding-labels';
import {
  encodingFromBom,
  guessDelimiter,
  guessEncoding,
  readSeparatorLine,
  rejectBinary,
  rejectSpreadsheet,
  utf16WithoutBom,
  type SeparatorLine,
} from './format-sniffing';
import { findHeaderRow } from './header-row';
import { detectWorkbookTable } from './workbook-table';
import { encryptedWorkbookError, kindOfHead, oleIsEncryptedWorkbook } from '../workbook-reader';
import {
  MAX_COLUMNS,
  MAX_FIELDS_PER_ROW,
  MAX_RECORD_BYTES,
  openCsvFile,
  readCsvBatches,
  scanCsvBatches,
} from './read-csv';

/** Bytes looked at to guess the encoding and the separator. */
const SAMPLE_BYTES = 64 * 1024;
/** Records looked at to find the header row and count columns. */
const SAMPLE_RECORDS = 200;
/** Chunks of SAMPLE_BYTES read at most for those records (unless a header row is asked for). */
const SAMPLE_CHUNKS = 4;
/** Repeated column names told one by one in the notes (the rest are counted). */
const LISTED_REPEATED_NAMES = 10;
/** Rows above the column names listed in the detection (the rest are only counted). */
const LISTED_SKIPPED_ROWS = 20;

export interface DetectOptions {
  /**
   * The encoding a read of the whole file found (checkWholeFileEncoding), used instead of the
   * sample's guess unless the person chose one, with the sentence that says why.
   */
  wholeFileEncoding?: { encoding: CsvEncoding; note: string };
  /**
   * A file with column names and no contacts under them is described (data starting at the end
   * of the file) instead of refused with `header_only`. For the check, which reports it.
   */
  allowNoContacts?: boolean;
}

interface EncodingChoice {
  encoding: CsvEncoding;
  detected: CsvEncoding;
  basis: NonNullable<CsvDetection['encodingBasis']>;
  bomLength: number;
  note: string;
}

export async function detectCsvFormat(
  path: string,
  overrides: Partial<CsvFormat> = {},
  options: DetectOptions = {},
): Promise<CsvDetection> {
  const handle = await openCsvFile(path);
  try {
    const stat = await handle.stat().catch((error: unknown) => {
      throw unreadableFileError(path, error);
    });
    const fileSize = stat.size;
    if (fileSize === 0) throw emptyFileError();
    const head = Buffer.alloc(Math.min(fileSize, SAMPLE_BYTES));
    try {
      await handle.read(head, 0, head.length, 0);
    } catch (error) {
      throw unreadableFileError(path, error);
    }
    const wholeFileInSample = head.length === fileSize;
    // Only now, the file being a regular one (openCsvFile): is it a workbook?
    const kind = kindOfHead(head);
    if (kind === 'xlsx') return await detectWorkbookTable(path, stat, overrides, options);
    if (kind === 'ole' && (await oleIsEncryptedWorkbook(handle, fileSize))) {
      const error = encryptedWorkbookError();
      throw new CsvFileError(error.code, error.message);
    }
    if (overrides.sheet !== undefined) {
      throw new CsvFileError(
        'not_a_workbook',
        'A sheet can only be chosen in an Excel workbook (.xlsx or .xlsm), and this file is not one. Leave out the sheet (--sheet) to read this file.',
      );
    }
    rejectSpreadsheet(head);

    const encoding = chooseEncoding(head, wholeFileInSample, overrides, options);
    if (fileSize === encoding.bomLength) throw emptyFileError();
    const notes = [encoding.note];
    const text = createChunkDecoder(encoding.encoding).decode(
      head.subarray(encoding.bomLength),
      wholeFileInSample,
    ).text;
    const separatorLine = readSeparatorLine(text);
    const tableText = separatorLine ? text.slice(separatorLine.length) : text;
    const delimiter = chooseDelimiter(tableText, wholeFileInSample, separatorLine, overrides);
    notes.push(delimiter.note);
    const tableStart = {
      offset:
        encoding.bomLength +
        (separatorLine ? encodedLength(text.slice(0, separatorLine.length), encoding.encoding) : 0),
      row: separatorLine ? 2 : 1,
    };
    if (tableStart.offset >= fileSize) throw emptyFileError();

    const sample = new RecordSample(handle, path, {
      encoding: encoding.encoding,
      delimiter: delimiter.delimiter,
      fileSize,
      startOffset: tableStart.offset,
      startRow: tableStart.row,
    });
    await sample.readFirst(overrides);
    if (sample.records.length === 0) throw emptyFileError();

    const table = await describeTable(
      sample,
      overrides,
      options,
      separatorLine,
      fileSize,
      delimiter.delimiter,
    );
    notes.push(...table.notes);
    return {
      format: {
        encoding: encoding.encoding,
        delimiter: delimiter.delimiter,
        header: table.headerRow !== null,
        ...(table.headerRow !== null ? { headerRow: table.headerRow } : {}),
      },
      detected: {
        encoding: encoding.detected,
        delimiter: delimiter.detected,
        header: table.detectedHeaderRow !== null,
        ...(table.detectedHeaderRow !== null ? { headerRow: table.detectedHeaderRow } : {}),
      },
      headers: table.headers,
      dataStartOffset: table.dataStartOffset,
      dataStartRow: table.dataStartRow,
      fileSize,
      modifiedAtMs: stat.mtimeMs,
      bomLength: encoding.bomLength,
      encodingBasis: encoding.basis,
      skippedRows: table.skippedRows,
      notes,
    };
  } finally {
    await handle.close();
  }
}

/**
 * Detection plus the first `limit` data rows. Reads only the start of the file, so the time does
 * not depend on the file's size.
 */
export async function previewCsv(
  path: string,
  overrides: Partial<CsvFormat> = {},
  limit = 50,
  options: DetectOptions = {},
): Promise<{ detection: CsvDetection; records: CsvRecord[] }> {
  const detection = await detectCsvFormat(path, overrides, options);
  const records: CsvRecord[] = [];
  if (limit > 0) {
    for await (const batch of readCsvBatches(path, detection, { chunkSize: SAMPLE_BYTES })) {
      for (const record of batch) {
        // A row far too wide (refused on its row) is shown cut, so a preview stays small.
        if (record.fields.length > MAX_FIELDS_PER_ROW) {
          record.fields = record.fields.slice(0, MAX_FIELDS_PER_ROW);
        }
        records.push(record);
        if (records.length >= limit) break;
      }
      if (records.length >= limit) break;
    }
  }
  return { detection, records };
}

// ---------------------------------------------------------------------------------------------
// Encoding and separator

function chooseEncoding(
  head: Buffer,
  wholeFileInSample: boolean,
  overrides: Partial<CsvFormat>,
  options: DetectOptions,
): EncodingChoice {
  const bomEncoding = encodingFromBom(head);
  const found = options.wholeFileEncoding;
  const fromBytes = bomEncoding ?? utf16WithoutBom(head); // a BOM or UTF-16's NUL bytes
  const detected = fromBytes ?? found?.encoding ?? guessEncoding(head, wholeFileInSample);
  const encoding = overrides.encoding ?? detected;
  const bomLength = bomLengthFor(encoding, head);
  if (encoding !== 'utf-16le' && encoding !== 'utf-16be') rejectBinary(head.subarray(bomLength));
  const basis: EncodingChoice['basis'] =
    overrides.encoding !== undefined
      ? 'chosen'
      : bomEncoding !== null
        ? 'bom'
        : wholeFileInSample || (found !== undefined && fromBytes === null)
          ? 'whole-file'
          : 'sample';
  const note =
    overrides.encoding === undefined && found !== undefined && fromBytes === null
      ? found.note
      : encodingNote(encoding, detected, overrides.encoding !== undefined, bomLength > 0);
  return { encoding, detected, basis, bomLength, note };
}

function chooseDelimiter(
  tableText: string,
  wholeFileInSample: boolean,
  separatorLine: SeparatorLine | null,
  overrides: Partial<CsvFormat>,
): { delimiter: CsvDelimiter; detected: CsvDelimiter; note: string } {
  const guess = separatorLine?.delimiter ? null : guessDelimiter(tableText, wholeFileInSample);
  const detected = separatorLine?.delimiter ?? guess?.delimiter ?? ',';
  const delimiter = overrides.delimiter ?? detected;
  const lineSays = separatorLine
    ? separatorLine.delimiter
      ? ` Row 1 (“sep=${separatorLine.written === '\t' ? 'tab' : separatorLine.written}”) names it for spreadsheet apps and is not imported.`
      : ` Row 1 asks for “${separatorLine.written}” as the separator, which this importer does not read, and is not imported.`
    : '';
  let note: string;
  if (overrides.delimiter !== undefined) {
    note = `Separator: ${delimiterLabel[delimiter]} (your choice; detected: ${delimiterLabel[detected]}).`;
  } else if (separatorLine?.delimiter) {
    note = `Separator: ${delimiterLabel[delimiter]} (named by the file's first line).`;
  } else if (guess) note = `Separator: ${delimiterLabel[delimiter]} (detected).`;
  else {
    note = 'Separator: comma (the file seems to have a single column, so none could be detected).';
  }
  return { delimiter, detected, note: note + lineSays };
}

/** Bytes of `text` in `encoding` (text from the start of the file, so never a cut character). */
function encodedLength(text: string, encoding: CsvEncoding): number {
  if (encoding === 'utf-8') return Buffer.byteLength(text, 'utf8');
  if (encoding === 'utf-16le' || encoding === 'utf-16be') return text.length * 2;
  return text.length;
}

// ---------------------------------------------------------------------------------------------
// The first records

interface SampleSettings {
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  fileSize: number;
  startOffset: number;
  startRow: number;
}

/** The first records of the table (blank lines left out), read by the same scanner as the import. */
class RecordSample {
  readonly records: CsvRecord[] = [];
  private iterator: AsyncGenerator<CsvRecord[], void, undefined> | null = null;
  private done = false;
  private chunks = 0;

  constructor(
    private readonly handle: FileHandle,
    private readonly path: string,
    private readonly settings: SampleSettings,
  ) {}

  get atEnd(): boolean {
    return this.done;
  }

  /**
   * Reads the first records. A broken quote or an endless line under the column names stops with
   * the reader's error, told with the column names when the row above it reads like them.
   */
  async readFirst(overrides: Partial<CsvFormat>): Promise<void> {
    try {
      while (this.records.length < SAMPLE_RECORDS && this.chunks < SAMPLE_CHUNKS) {
        if (!(await this.more())) break;
      }
    } catch (error) {
      if (!(error instanceof CsvFileError)) throw error;
      if (this.records.length >= 2 && overrides.header !== false) {
        // Enough to detect: the reader tells the error again when the rows are read.
        this.done = true;
        return;
      }
      const names = this.records.at(-1)?.fields;
      if (!names || overrides.header === false || findHeaderRow([names]) !== 0) throw error;
      const renamed = scanCsvBatches(this.handle, this.path, {
        ...this.settings,
        headers: names.map((name, i) => name.trim() || `Column ${i + 1}`),
        chunkSize: SAMPLE_BYTES,
        maxRecordBytes: MAX_RECORD_BYTES,
      });
      for await (const _ of renamed) {
        // Only the error matters: it names the column.
      }
      throw error;
    }
  }

  /** Reads one more chunk's records; false at the end of the file. */
  async more(): Promise<boolean> {
    if (this.done) return false;
    this.iterator ??= scanCsvBatches(this.handle, this.path, {
      ...this.settings,
      headers: null,
      chunkSize: SAMPLE_BYTES,
      maxRecordBytes: MAX_RECORD_BYTES,
    });
    const next = await this.iterator.next();
    if (next.done) {
      this.done = true;
      return false;
    }
    this.chunks++;
    for (const record of next.value) this.records.push(record);
    return true;
  }

  /** Reads on until `count` records are held or the file ends; false if it ends first. */
  async ensure(count: number): Promise<boolean> {
    try {
      while (this.records.length < count) if (!(await this.more())) return false;
    } catch (error) {
      if (error instanceof CsvFileError && this.records.length >= count) return true;
      throw error;
    }
    return true;
  }

  /** Reads on until a record at or after `row` is held; its index, or -1 when `row` is blank. */
  async indexOfRow(row: number): Promise<number> {
    for (;;) {
      const index = this.records.findIndex((r) => r.row >= row);
      if (index >= 0) return this.records[index]!.row === row ? index : -1;
      if (!(await this.more())) return -1;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The header row

interface TableLayout {
  headerRow: number | null;
  detectedHeaderRow: number | null;
  headers: string[];
  dataStartOffset: number;
  dataStartRow: number;
  skippedRows: { row: number; text: string }[];
  notes: string[];
}

async function describeTable(
  sample: RecordSample,
  overrides: Partial<CsvFormat>,
  options: DetectOptions,
  separatorLine: SeparatorLine | null,
  fileSize: number,
  delimiter: CsvDelimiter,
): Promise<TableLayout> {
  const records = sample.records;
  // Rows far wider than any table are cut for the header guess, which then stays quick.
  const detectedIndex = findHeaderRow(
    records.map((r) =>
      r.fields.length > MAX_COLUMNS ? r.fields.slice(0, MAX_COLUMNS + 1) : r.fields,
    ),
  );
  const detectedHeaderRow = detectedIndex >= 0 ? records[detectedIndex]!.row : null;
  const headerIndex = await chosenHeaderIndex(sample, overrides, detectedIndex, separatorLine);
  const skippedRows: TableLayout['skippedRows'] = separatorLine
    ? [{ row: 1, text: `sep=${separatorLine.written}` }]
    : [];
  const notes: string[] = [];

  if (headerIndex < 0) {
    const first = records[0]!;
    let widest = first;
    for (const record of records.slice(0, 100)) {
      if (record.fields.length > widest.fields.length) widest = record;
    }
    const columns = widest.fields.length;
    if (columns > MAX_COLUMNS) throw tooManyColumnsError(widest.row, columns, delimiter);
    notes.push(
      overrides.header !== undefined
        ? `No header row (your choice): columns are named Column 1, Column 2 and so on, and row ${first.row} is imported.`
        : 'No header row detected: the first row holds values such as an email address or a number, so it is read as a contact and columns are named Column 1, Column 2 and so on.',
    );
    return {
      headerRow: null,
      detectedHeaderRow,
      headers: Array.from({ length: columns }, (_, i) => `Column ${i + 1}`),
      dataStartOffset: first.offset,
      dataStartRow: first.row,
      skippedRows,
      notes,
    };
  }

  const header = records[headerIndex]!;
  if (header.fields.length > MAX_COLUMNS) {
    throw tooManyColumnsError(header.row, header.fields.length, delimiter);
  }
  const headers = header.fields.map((name, i) => name.trim() || `Column ${i + 1}`);
  for (const above of records.slice(0, headerIndex).slice(0, LISTED_SKIPPED_ROWS)) {
    skippedRows.push({ row: above.row, text: firstText(above.fields) });
  }
  const hasData = await sample.ensure(headerIndex + 2);
  const dataStart = hasData ? records[headerIndex + 1] : undefined;
  if (!dataStart && !options.allowNoContacts) {
    throw new CsvFileError(
      'header_only',
      `The file has a header row (${previewList(headers)}) but no contacts under it. Choose the file that holds the contacts, or turn off "first row is a header" if that row is a contact.`,
    );
  }
  const chosen = overrides.header !== undefined || overrides.headerRow !== undefined;
  notes.push(headerNote(header.row, headerIndex, chosen, separatorLine !== null, skippedRows));
  for (const note of headerNameNotes(header.fields, headers)) notes.push(note);
  return {
    headerRow: header.row,
    detectedHeaderRow,
    headers,
    dataStartOffset: dataStart?.offset ?? fileSize,
    dataStartRow: dataStart?.row ?? header.row + 1,
    skippedRows,
    notes,
  };
}

/** Index in the sample of the header row in effect, or -1 for none. */
async function chosenHeaderIndex(
  sample: RecordSample,
  overrides: Partial<CsvFormat>,
  detectedIndex: number,
  separatorLine: SeparatorLine | null,
): Promise<number> {
  if (overrides.header === false) return -1;
  const wanted = overrides.headerRow;
  if (wanted === undefined) {
    if (overrides.header === true && detectedIndex < 0) return 0;
    return detectedIndex;
  }
  if (wanted === 1 && separatorLine) {
    throw new CsvFileError(
      'header_row_invalid',
      `Row 1 of this file is the line “sep=${separatorLine.written}”, which names the separator for spreadsheet apps; it cannot hold the column names. Choose the row where the column names are (usually row 2).`,
    );
  }
  const index = await sample.indexOfRow(wanted);
  if (index < 0) {
    const last = sample.records.at(-1)!.row;
    throw new CsvFileError(
      'header_row_invalid',
      wanted > last && sample.atEnd
        ? `The file has ${last} rows, so row ${wanted} cannot hold the column names. Choose the row where they are.`
        : `Row ${wanted} of the file is empty, so it cannot hold the column names. Choose the row where they are.`,
      { row: wanted },
    );
  }
  return index;
}

function headerNote(
  row: number,
  index: number,
  chosen: boolean,
  afterSeparatorLine: boolean,
  skippedRows: readonly { row: number; text: string }[],
): string {
  const how = chosen ? 'your choice' : 'detected';
  if (index === 0) {
    return chosen
      ? `Header: row ${row} holds the column names (your choice).`
      : `Header: row ${row} holds the column names (detected). Turn this off if that row is a contact.`;
  }
  const first = afterSeparatorLine ? 2 : 1;
  const above = row - 1 === first ? `row ${first} is` : `rows ${first}–${row - 1} are`;
  const texts = skippedRows.filter((s) => s.row >= first && s.text !== '').map((s) => s.text);
  const shown = texts.slice(0, 3).map((text) => `“${text}”`);
  const titles = shown.length > 0 ? ` (${shown.join(', ')}${texts.length > 3 ? '…' : ''})` : '';
  return `Header: column names are on row ${row} (${how}); ${above} above them${titles} and ${row - 1 === first ? 'is' : 'are'} skipped. Choose another header row if that is wrong.`;
}

/** Notes on blank and repeated column names. */
function headerNameNotes(names: readonly string[], headers: readonly string[]): string[] {
  const notes: string[] = [];
  const blank = names.flatMap((name, i) => (name.trim() === '' ? [i + 1] : []));
  if (blank.length > 0) {
    notes.push(
      `${blank.length === 1 ? 'Column' : 'Columns'} ${listed(blank)} ${blank.length === 1 ? 'has' : 'have'} no name in the header row and ${blank.length === 1 ? 'is' : 'are'} shown as "Column ${blank[0]}"${blank.length > 1 ? ' and so on' : ''}.`,
    );
  }
  const seen = new Map<string, number>();
  let repeated = 0;
  for (const [i, name] of headers.entries()) {
    const key = name.toLowerCase();
    const earlier = seen.get(key);
    if (earlier === undefined) seen.set(key, i);
    else if (++repeated <= LISTED_REPEATED_NAMES) {
      notes.push(
        `The column name "${name}" appears more than once (columns ${earlier + 1} and ${i + 1}).`,
      );
    }
  }
  if (repeated > LISTED_REPEATED_NAMES) {
    notes.push(
      `${(repeated - LISTED_REPEATED_NAMES).toLocaleString('en-US')} more columns repeat a name used before them.`,
    );
  }
  return notes;
}

/** The first numbers of a list, then how many more. */
function listed(numbers: readonly number[]): string {
  const shown = numbers.slice(0, LISTED_REPEATED_NAMES).join(', ');
  const more = numbers.length - LISTED_REPEATED_NAMES;
  return more > 0 ? `${shown} and ${more.toLocaleString('en-US')} more` : shown;
}

function firstText(fields: readonly string[]): string {
  const value = (fields.find((f) => f.trim() !== '') ?? '').trim().replace(/\s+/g, ' ');
  return value.length > 60 ? `${value.slice(0, 60)}…` : value;
}

/** A row wider than MAX_COLUMNS where the column names (or the widest row) should be. */
function tooManyColumnsError(row: number, columns: number, delimiter: CsvDelimiter): CsvFileError {
  return new CsvFileError(
    'too_many_columns',
    `Row ${row} has ${columns.toLocaleString('en-US')} columns; this importer reads at most ${MAX_COLUMNS.toLocaleString('en-US')} (a contacts file has a few dozen). If the separator is not ${delimiterLabel[delimiter]}, choose the right one; otherwise delete the columns you do not need in your spreadsheet app, save the file as CSV again and choose it.`,
    { row },
  );
}

function emptyFileError(): CsvFileError {
  return new CsvFileError(
    'file_empty',
    'The file is empty. Choose a CSV file with a header row and at least one contact.',
  );
}

function previewList(names: string[]): string {
  const shown = names.slice(0, 4).join(', ');
  return names.length > 4 ? `${shown}...` : shown;
}

function encodingNote(
  encoding: CsvEncoding,
  detected: CsvEncoding,
  chosen: boolean,
  hasBom: boolean,
): string {
  if (chosen) {
    return `Encoding: ${encodingLabel(encoding)} (your choice; detected: ${encodingLabel(detected)}).`;
  }
  if (hasBom) return `Encoding: ${encodingLabel(encoding)} (detected from the byte order mark).`;
  if (encoding === 'utf-8') return 'Encoding: UTF-8 (detected).';
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    return `Encoding: ${encodingLabel(encoding)} (detected, without a byte order mark).`;
  }
  return `Encoding: ${encodingLabel(encoding)} (detected: the file is not UTF-8, as older Excel exports often are). If accented letters look wrong in the preview, choose another encoding.`;
}

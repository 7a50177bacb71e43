/**
 * Looks at the start of a file (never the whole file) and says how to read it: encoding,
 * separator, header row, column names, where the data starts. Also the preview of the first rows.
 */
import { Buffer } from 'node:buffer';
import type { CsvFormat } from '../../../shared/csv-format';
import { delimiterLabel } from '../../../shared/csv-format';
import { bomLengthFor, createChunkDecoder } from './chunk-decoder';
import type { CsvDetection, CsvRecord } from './csv-detection';
import { CsvFileError, unreadableFileError } from './csv-file-error';
import { encodingLabel } from './encoding-labels';
import {
  encodingFromBom,
  guessDelimiter,
  guessEncoding,
  looksLikeHeader,
  rejectBinary,
  rejectSpreadsheet,
  utf16WithoutBom,
} from './format-sniffing';
import { MAX_RECORD_BYTES, openCsvFile, readCsvBatches, scanCsvBatches } from './read-csv';

/** Bytes looked at to guess the encoding and the separator. */
const SAMPLE_BYTES = 64 * 1024;
/** Rows looked at to guess the header and count columns. */
const SAMPLE_ROWS = 100;

export async function detectCsvFormat(
  path: string,
  overrides: Partial<CsvFormat> = {},
): Promise<CsvDetection> {
  const handle = await openCsvFile(path);
  try {
    const stat = await handle.stat().catch((error: unknown) => {
      throw unreadableFileError(path, error);
    });
    if (!stat.isFile())
      throw unreadableFileError(path, Object.assign(new Error(), { code: 'EISDIR' }));
    const fileSize = stat.size;
    if (fileSize === 0) throw emptyFileError();

    const head = Buffer.alloc(Math.min(fileSize, SAMPLE_BYTES));
    try {
      await handle.read(head, 0, head.length, 0);
    } catch (error) {
      throw unreadableFileError(path, error);
    }
    const wholeFileInSample = head.length === fileSize;
    rejectSpreadsheet(head);

    // Encoding.
    const notes: string[] = [];
    const bomEncoding = encodingFromBom(head);
    const detectedEncoding =
      bomEncoding ?? utf16WithoutBom(head) ?? guessEncoding(head, wholeFileInSample);
    const encoding = overrides.encoding ?? detectedEncoding;
    const bomLength = bomLengthFor(encoding, head);
    if (encoding !== 'utf-16le' && encoding !== 'utf-16be') rejectBinary(head.subarray(bomLength));
    if (fileSize === bomLength) throw emptyFileError();
    notes.push(
      encodingNote(encoding, detectedEncoding, overrides.encoding !== undefined, bomLength > 0),
    );

    // Separator.
    const sampleText = createChunkDecoder(encoding).decode(
      head.subarray(bomLength),
      wholeFileInSample,
    ).text;
    const delimiterGuess = guessDelimiter(sampleText, wholeFileInSample);
    const detectedDelimiter = delimiterGuess?.delimiter ?? ',';
    const delimiter = overrides.delimiter ?? detectedDelimiter;
    notes.push(
      overrides.delimiter !== undefined
        ? `Separator: ${delimiterLabel[delimiter]} (your choice; detected: ${delimiterLabel[detectedDelimiter]}).`
        : delimiterGuess
          ? `Separator: ${delimiterLabel[delimiter]} (detected).`
          : 'Separator: comma (the file seems to have a single column, so none could be detected).',
    );

    // First rows, read by the same scanner as the import.
    const sampleRows = async (headers: string[] | null, sample: CsvRecord[]): Promise<void> => {
      for await (const batch of scanCsvBatches(handle, path, {
        encoding,
        delimiter,
        headers,
        fileSize,
        startOffset: bomLength,
        startRow: 1,
        chunkSize: SAMPLE_BYTES,
        maxRecordBytes: MAX_RECORD_BYTES,
      })) {
        sample.push(...batch);
        if (sample.length >= 2) break;
      }
    };
    const sample: CsvRecord[] = [];
    try {
      await sampleRows(null, sample);
    } catch (error) {
      // A broken quote or an endless line right under the header: say it with the column names.
      if (!(error instanceof CsvFileError) || sample.length !== 1) throw error;
      const names = sample[0]!.fields;
      if (overrides.header === false || !looksLikeHeader(names)) throw error;
      await sampleRows(
        names.map((name, i) => name.trim() || `Column ${i + 1}`),
        [],
      );
      throw error;
    }
    if (sample.length === 0) throw emptyFileError();
    const first = sample[0]!;
    const rows = sample.slice(0, SAMPLE_ROWS);

    // Header.
    const detectedHeader = looksLikeHeader(first.fields);
    const header = overrides.header ?? detectedHeader;
    let headers: string[];
    let dataStart: CsvRecord | undefined;
    if (header) {
      headers = first.fields.map((name, i) => name.trim() || `Column ${i + 1}`);
      dataStart = sample[1];
      if (!dataStart) {
        throw new CsvFileError(
          'header_only',
          `The file has a header row (${previewList(headers)}) but no contacts under it. Choose the file that holds the contacts, or turn off "first row is a header" if that row is a contact.`,
        );
      }
      notes.push(
        overrides.header !== undefined
          ? `Header: row ${first.row} holds the column names (your choice).`
          : `Header: row ${first.row} holds the column names (detected). Turn this off if that row is a contact.`,
      );
      const blank = first.fields.flatMap((name, i) => (name.trim() === '' ? [i + 1] : []));
      if (blank.length > 0) {
        notes.push(
          `${blank.length === 1 ? 'Column' : 'Columns'} ${blank.join(', ')} ${blank.length === 1 ? 'has' : 'have'} no name in the header row and ${blank.length === 1 ? 'is' : 'are'} shown as "Column ${blank[0]}"${blank.length > 1 ? ' and so on' : ''}.`,
        );
      }
      const seen = new Map<string, number>();
      for (const [i, name] of headers.entries()) {
        const key = name.toLowerCase();
        const earlier = seen.get(key);
        if (earlier !== undefined) {
          notes.push(
            `The column name "${name}" appears more than once (columns ${earlier + 1} and ${i + 1}).`,
          );
        } else seen.set(key, i);
      }
    } else {
      const columns = Math.max(...rows.map((r) => r.fields.length));
      headers = Array.from({ length: columns }, (_, i) => `Column ${i + 1}`);
      dataStart = first;
      notes.push(
        overrides.header !== undefined
          ? 'No header row (your choice): columns are named Column 1, Column 2 and so on, and row 1 is imported.'
          : 'No header row detected: the first row holds values such as an email address or a number, so it is read as a contact and columns are named Column 1, Column 2 and so on.',
      );
    }

    return {
      format: { encoding, delimiter, header },
      detected: {
        encoding: detectedEncoding,
        delimiter: detectedDelimiter,
        header: detectedHeader,
      },
      headers,
      dataStartOffset: dataStart.offset,
      dataStartRow: dataStart.row,
      fileSize,
      modifiedAtMs: stat.mtimeMs,
      bomLength,
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
): Promise<{ detection: CsvDetection; records: CsvRecord[] }> {
  const detection = await detectCsvFormat(path, overrides);
  const records: CsvRecord[] = [];
  if (limit > 0) {
    for await (const batch of readCsvBatches(path, detection, { chunkSize: SAMPLE_BYTES })) {
      for (const record of batch) {
        records.push(record);
        if (records.length >= limit) break;
      }
      if (records.length >= limit) break;
    }
  }
  return { detection, records };
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
  encoding: CsvFormat['encoding'],
  detected: CsvFormat['encoding'],
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

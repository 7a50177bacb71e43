/**
 * Streaming reader: file bytes -> decoded text -> records, each with its row and byte offset.
 *
 * The consumer pulls (async iterable): one chunk is read per batch, nothing is read ahead, and
 * memory stays bounded by the chunk size plus one record (at most MAX_RECORD_BYTES).
 */
import { readWorkbookBatches } from './workbook-table';
import { Buffer } from 'node:buffer';
import { constants as fsConstants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { CsvDelimiter, CsvEncoding } from '../../../shared/csv-format';
import { delimiterLabel } from '../../../shared/csv-format';
import type { RowIssue } from '../../../shared/row-issue';
import { createChunkDecoder } from './chunk-decoder';
import type { CsvDetection, CsvRecord } from './csv-detection';
import {
  CsvFileError,
  nonRegularFileKind,
  notRegularFileError,
  unreadableFileError,
} from './csv-file-error';
import { encodingLabel } from './encoding-labels';
import { RecordParser, TEXT_AFTER_CLOSING_QUOTE } from './record-parser';
import { reportLine, reportLineKind, type ReportLine } from './report-lines';

/**
 * Longest record accepted, in bytes: 1 MiB. Contact rows are a few hundred bytes; a record this
 * long is a file without line breaks or a quote that is never closed, and holding it whole is
 * what would make memory grow with the file.
 */
export const MAX_RECORD_BYTES = 1024 * 1024;
/**
 * Most columns a file may have, and most values a row may hold: 2,000. A contacts export has a
 * few dozen columns (a CRM's full export, a few hundred); a file far wider is read with the wrong
 * separator or is not a contacts list, and every step after the reader would grow with it. A
 * wider header is refused with `too_many_columns`; a wider row is a `too_many_fields` error on
 * its row.
 */
export const MAX_COLUMNS = 2000;
export const MAX_FIELDS_PER_ROW = MAX_COLUMNS;

/**
 * Bytes read per chunk (one batch of records per chunk). 64 KiB measured fastest: decoded text
 * stays small enough for V8's young generation, where larger chunks land in large-object space
 * and raise both time and peak RSS.
 */
export const DEFAULT_CHUNK_BYTES = 64 * 1024;

export interface ReadCsvOptions {
  /** Byte offset of a record start that this reader produced (resume). Default: first data record. */
  startOffset?: number;
  /** Row number of the record at `startOffset` (required with it, unless it is the data start). */
  startRow?: number;
  signal?: AbortSignal;
  /** Bytes per read. For tests (tiny chunks put character and record boundaries everywhere). */
  chunkSize?: number;
  /** Longest record accepted, in bytes. For tests; default MAX_RECORD_BYTES. */
  maxRecordBytes?: number;
  /**
   * Told of each total or footer line of a report left out of the records (see report-lines.ts;
   * only in files with a header row). A footer is told when the end of the file is reached.
   */
  onReportLine?: (line: ReportLine) => void;
}

export interface ScanSettings {
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  /** Column names for field-count checks and issue columns; null: no field-count checks. */
  headers: string[] | null;
  fileSize: number;
  startOffset: number;
  startRow: number;
  chunkSize: number;
  maxRecordBytes: number;
  signal?: AbortSignal | undefined;
  /** Leave out the total and footer lines of a report (files with a header row). */
  leaveOutReportLines?: boolean;
  onReportLine?: ((line: ReportLine) => void) | undefined;
}

/** Footer-like lines held back at most, waiting to see whether the file ends after them. */
const MAX_HELD_FOOTER_LINES = 20;

/**
 * Opens a file to read, refusing at once anything that is not a regular file: a named pipe
 * (opened without waiting for a writer, so it never hangs), a device such as /dev/zero (endless),
 * a folder or a socket, each named in the message; a loop of symbolic links says so too.
 */
export async function openCsvFile(path: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(path, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw unreadableFileError(path, error);
  }
  let kind: string | null;
  try {
    kind = nonRegularFileKind(await handle.stat());
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw unreadableFileError(path, error);
  }
  if (kind !== null) {
    await handle.close().catch(() => undefined);
    throw notRegularFileError(path, kind);
  }
  return handle;
}

/** Size and times of a regular file that can be read (anything else: a plain CsvFileError). */
export async function statRegularFile(path: string): Promise<Stats> {
  const handle = await openCsvFile(path);
  try {
    return await handle.stat();
  } catch (error) {
    throw unreadableFileError(path, error);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Records of the file in batches (one per chunk read), from the first data record or `startOffset`. */
export async function* readCsvBatches(
  path: string,
  detection: CsvDetection,
  options: ReadCsvOptions = {},
): AsyncGenerator<CsvRecord[], void, undefined> {
  if (detection.format.sheet !== undefined) {
    yield* readWorkbookBatches(path, detection, options);
    return;
  }
  const handle = await openCsvFile(path);
  try {
    const stat = await handle.stat().catch((error: unknown) => {
      throw unreadableFileError(path, error);
    });
    if (
      stat.size !== detection.fileSize ||
      (detection.modifiedAtMs !== undefined && stat.mtimeMs !== detection.modifiedAtMs)
    ) {
      throw new CsvFileError(
        'file_changed',
        'The file has changed since it was checked (its size or modification time differs). Check the file again before importing it.',
      );
    }
    const bomLength = detection.bomLength ?? 0;
    let startOffset = options.startOffset ?? detection.dataStartOffset;
    if (
      options.startOffset !== undefined &&
      options.startRow === undefined &&
      options.startOffset !== detection.dataStartOffset
    ) {
      // A programming error, not a problem with the file: rows would be numbered wrongly.
      throw new TypeError('readCsvBatches: startRow is required with startOffset');
    }
    const startRow = options.startRow ?? detection.dataStartRow;
    if (startOffset < bomLength) startOffset = bomLength;
    if (startOffset === stat.size) return; // nothing under the column names
    if (startOffset > stat.size || !Number.isInteger(startOffset)) {
      throw new CsvFileError(
        'file_changed',
        `The file is shorter than the position recorded for this import (byte ${startOffset}). It has changed; check it again.`,
      );
    }
    await assertRecordStart(handle, path, detection, startOffset);
    yield* scanCsvBatches(handle, path, {
      encoding: detection.format.encoding,
      delimiter: detection.format.delimiter,
      headers: detection.headers,
      fileSize: stat.size,
      startOffset,
      startRow,
      chunkSize: options.chunkSize ?? DEFAULT_CHUNK_BYTES,
      maxRecordBytes: options.maxRecordBytes ?? MAX_RECORD_BYTES,
      signal: options.signal,
      leaveOutReportLines: detection.format.header,
      onReportLine: options.onReportLine,
    });
  } finally {
    await handle.close();
  }
}

/** Records one by one (convenience over readCsvBatches). */
export async function* readCsvRecords(
  path: string,
  detection: CsvDetection,
  options: ReadCsvOptions = {},
): AsyncGenerator<CsvRecord, void, undefined> {
  for await (const batch of readCsvBatches(path, detection, options)) yield* batch;
}

/** A record starts at the data start or right after a line break; anything else means the file changed. */
async function assertRecordStart(
  handle: FileHandle,
  path: string,
  detection: CsvDetection,
  startOffset: number,
): Promise<void> {
  if (startOffset === detection.dataStartOffset || startOffset <= (detection.bomLength ?? 0))
    return;
  const encoding = detection.format.encoding;
  const unit = encoding === 'utf-16le' || encoding === 'utf-16be' ? 2 : 1;
  const before = Buffer.alloc(unit);
  const { bytesRead } = await handle
    .read(before, 0, unit, startOffset - unit)
    .catch((error: unknown) => {
      throw unreadableFileError(path, error);
    });
  const code =
    unit === 1
      ? before[0]
      : encoding === 'utf-16le'
        ? before.readUInt16LE(0)
        : before.readUInt16BE(0);
  if (bytesRead !== unit || (code !== 0x0a && code !== 0x0d)) {
    throw new CsvFileError(
      'file_changed',
      `The position recorded for this import (byte ${startOffset}) is no longer the start of a row. The file has changed; check it again.`,
    );
  }
}

async function readFully(
  handle: FileHandle,
  path: string,
  buffer: Buffer,
  length: number,
  position: number,
): Promise<number> {
  let filled = 0;
  while (filled < length) {
    let bytesRead: number;
    try {
      ({ bytesRead } = await handle.read(buffer, filled, length - filled, position + filled));
    } catch (error) {
      throw unreadableFileError(path, error);
    }
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

function isBlank(fields: string[]): boolean {
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.length !== 0 && (f.charCodeAt(0) > 0x20 || f.trim() !== '')) return false;
  }
  return true;
}

const INVALID_CHAR =
  /\uFFFD|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The scanner behind readCsvBatches (and format detection): reads from an open file. */
export async function* scanCsvBatches(
  handle: FileHandle,
  path: string,
  settings: ScanSettings,
): AsyncGenerator<CsvRecord[], void, undefined> {
  const { fileSize, headers, maxRecordBytes, signal } = settings;
  const parser = new RecordParser(settings.delimiter);
  const reportLines = settings.leaveOutReportLines === true && headers !== null;
  const columns = headers?.length ?? 0;
  // Footer-like lines not given out yet: given out before the next contact, left out at the end.
  const held: CsvRecord[] = [];
  let holding = true;
  const columnName = (i: number): string => headers?.[i] ?? `Column ${i + 1}`;
  // Two buffers: the next chunk is read while the current one is parsed and its batch consumed
  // (read-ahead of exactly one chunk, so memory stays bounded).
  const buffers = [Buffer.allocUnsafe(settings.chunkSize), Buffer.allocUnsafe(settings.chunkSize)];
  let current = 0;
  const startRead = (into: Buffer, at: number): Promise<number> => {
    const want = Math.min(settings.chunkSize, fileSize - at);
    const read = want > 0 ? readFully(handle, path, into, want, at) : Promise.resolve(0);
    read.catch(() => undefined); // awaited below; this only keeps an abandoned read quiet
    return read.then((got) => {
      if (got < want) {
        throw new CsvFileError(
          'file_changed',
          'The file became shorter while it was being read. Check it again before importing it.',
        );
      }
      return got;
    });
  };
  let pendingRead = startRead(buffers[0]!, settings.startOffset);
  pendingRead.catch(() => undefined);

  let position = settings.startOffset; // next byte to read
  let row = settings.startRow; // row of the record at the start of `text`
  // Bytes read but not yet turned into records, from `textOffset` to `position`: an unfinished
  // record and the bytes of a character cut by the end of the chunk. They are decoded again
  // with the next chunk, in one piece: the text comes out as one flat string (text kept from
  // the last chunk and joined to the new text would have to be copied whole by the engine).
  let pending: Buffer | null = null;
  let joined = Buffer.allocUnsafe(0); // pending bytes followed by the new chunk
  let textOffset = settings.startOffset; // file offset of text[0], the first unconsumed record

  for (;;) {
    signal?.throwIfAborted();
    const got = await pendingRead;
    const buffer = buffers[current]!;
    position += got;
    const eof = position >= fileSize;
    let bytes = got === buffer.length ? buffer : buffer.subarray(0, got);
    if (pending !== null) {
      const total = pending.length + got;
      if (joined.length < total)
        joined = Buffer.allocUnsafe(Math.max(total, settings.chunkSize * 2));
      pending.copy(joined, 0);
      bytes.copy(joined, pending.length);
      bytes = joined.subarray(0, total);
    }
    // A decoder of its own for each piece: the bytes it leaves (a cut character) are in `pending`.
    const decoder = createChunkDecoder(settings.encoding);
    const decoded = decoder.decode(bytes, eof);
    if (!eof) {
      current = 1 - current;
      pendingRead = startRead(buffers[current]!, position);
      pendingRead.catch(() => undefined);
    }
    const text = decoded.text; // decoded text not yet turned into records
    const textBytes = decoded.byteLength; // bytes `text` stands for
    const invalidAt = decoded.invalidAt; // positions in `text` of characters for invalid bytes

    const hasNul = text.indexOf('\u0000') !== -1; // NUL bytes: rare, looked for only then
    // A record ends at a line break or at the end of the file: text without one holds no
    // complete record. Parsing it anyway with each chunk would make a long line (a 1 MiB header
    // read 64 KiB at a time) cost its length times its chunks.
    const noRecordEnd =
      !eof && textBytes <= maxRecordBytes && text.indexOf('\n') === -1 && text.indexOf('\r') === -1;
    const parsed = noRecordEnd ? parser.none() : parser.parse(text, eof);
    const { fields: parsedFields, starts, flags } = parsed;
    // Byte offsets: fixed width per UTF-16 code unit (single-byte encodings, UTF-16, and UTF-8
    // text that is all ASCII), or measured record by record (UTF-8 with other characters).
    const unitBytes =
      decoder.unitBytes !== 0 ? decoder.unitBytes : text.length === textBytes ? 1 : 0;
    let mappedChar = 0;
    let mappedByte = textOffset;
    let invalidIndex = 0; // next entry of invalidAt not yet passed by the byte mapping
    const byteOffsetAt = (charIndex: number): number => {
      if (unitBytes !== 0) return textOffset + charIndex * unitBytes;
      let bytes = Buffer.byteLength(text.slice(mappedChar, charIndex), 'utf8');
      // Each invalid byte became one U+FFFD (3 bytes in UTF-8) but stands for 1 byte.
      while (invalidIndex < invalidAt.length && invalidAt[invalidIndex]! < charIndex) {
        bytes -= 2;
        invalidIndex++;
      }
      mappedChar = charIndex;
      mappedByte += bytes;
      return mappedByte;
    };

    const batch: CsvRecord[] = [];
    let invalidCheck = 0; // next entry of invalidAt not yet attributed to a record
    for (let i = 0; i < parsedFields.length; i++) {
      const fields = parsedFields[i]!;
      const recordRow = row + i;
      const start = starts[i]!;
      const end = i + 1 < starts.length ? starts[i + 1]! : parsed.consumed;
      let hasInvalid = false;
      while (invalidCheck < invalidAt.length && invalidAt[invalidCheck]! < end) {
        if (invalidAt[invalidCheck]! >= start) hasInvalid = true;
        invalidCheck++;
      }
      const offset = byteOffsetAt(start);
      if (!hasInvalid && isBlank(fields)) continue;
      const kind = reportLines ? reportLineKind(fields, columns) : null;
      if (kind === 'total' || kind === 'signature') {
        settings.onReportLine?.(reportLine(recordRow, fields, kind === 'total' ? kind : 'footer'));
        continue;
      }
      const issues: RowIssue[] = [];
      if (headers) checkFieldCount(fields, headers, recordRow, settings.delimiter, issues);
      if (flags[i]! & TEXT_AFTER_CLOSING_QUOTE) {
        for (const column of parsed.flaggedColumns.get(i) ?? []) {
          issues.push({
            row: recordRow,
            column: columnName(column),
            severity: 'warning',
            code: 'malformed_quotes',
            message: `Row ${recordRow}, column ${columnName(column)}: text follows the closing quote of the value, so it was kept as ${quoteForMessage(fields[column] ?? '')}. Check the value; a quote inside a quoted value must be doubled ("").`,
          });
        }
      }
      if (hasInvalid) {
        let column = fields.findIndex((f) => INVALID_CHAR.test(f));
        if (column === -1) column = 0;
        issues.push({
          row: recordRow,
          column: columnName(column),
          severity: 'error',
          code: 'invalid_bytes',
          message: `Row ${recordRow}, column ${columnName(column)} contains bytes that are not valid ${encodingLabel(settings.encoding)} text. The row will not be imported. Choose the file's real encoding (older Excel exports are often Windows-1252) and check the file again.`,
        });
      }
      if (hasNul) {
        const column = fields.findIndex((f) => f.includes('\u0000'));
        if (column !== -1) issues.push(nulByteIssue(recordRow, columnName(column)));
      }
      const record: CsvRecord = { row: recordRow, offset, fields, issues };
      if (kind === 'footer' && holding) {
        if (held.length < MAX_HELD_FOOTER_LINES) {
          held.push(record);
          continue;
        }
        holding = false; // too many to be a footer: contacts after all
      } else if (kind === null) holding = true;
      if (held.length > 0) {
        for (const earlier of held) batch.push(earlier);
        held.length = 0;
      }
      batch.push(record);
    }
    if (eof && held.length > 0) {
      for (const line of held) settings.onReportLine?.(reportLine(line.row, line.fields, 'footer'));
      held.length = 0;
    }

    // Keep the unfinished record (if any) for the next chunk.
    const consumed = parsed.consumed;
    const consumedOffset = byteOffsetAt(consumed);
    row += parsedFields.length;
    const consumedBytes = consumedOffset - textOffset;
    const unfinishedBytes = textBytes - consumedBytes; // bytes of the text left unconsumed
    pending = consumedBytes < bytes.length ? Buffer.from(bytes.subarray(consumedBytes)) : null;
    textOffset = consumedOffset;

    // Records before an unfinished one are still given out; the error comes on the next pull.
    if (batch.length > 0) yield batch;
    if (consumed < text.length && (eof || unfinishedBytes > maxRecordBytes)) {
      throw unfinishedRecordError(row, parsed.openQuoteColumn, columnName, eof, maxRecordBytes, {
        delimiter: settings.delimiter,
        separators: countOf(text, settings.delimiter, consumed),
      });
    }
    if (eof) return;
  }
}

function checkFieldCount(
  fields: string[],
  headers: string[],
  row: number,
  delimiter: CsvDelimiter,
  issues: RowIssue[],
): void {
  const expected = headers.length;
  const count = fields.length;
  if (count === expected) return;
  if (count > MAX_FIELDS_PER_ROW) {
    issues.push({
      row,
      severity: 'error',
      code: 'too_many_fields',
      message: `Row ${row} has ${count.toLocaleString('en-US')} values; a row may hold at most ${MAX_FIELDS_PER_ROW.toLocaleString('en-US')} (the file has ${expected.toLocaleString('en-US')} columns). The row will not be imported. Check that the separator (${delimiterLabel[delimiter]}) is right, or fix that row in the file.`,
    });
    return;
  }
  if (count < expected) {
    const missing = headers.slice(count);
    const named =
      missing.slice(0, 3).join(', ') +
      (missing.length > 3 ? ` and ${missing.length - 3} more` : '');
    for (let i = count; i < expected; i++) fields.push('');
    issues.push({
      row,
      severity: 'warning',
      code: 'too_few_fields',
      message: `Row ${row} has ${count} ${count === 1 ? 'value' : 'values'} but the file has ${expected} columns, so ${named} ${missing.length === 1 ? 'is' : 'are'} treated as empty. If the values look shifted, check the separator, or put quotes around values that contain line breaks.`,
    });
    return;
  }
  const extraFilled = fields.slice(expected).some((f) => f.trim() !== '');
  issues.push(
    extraFilled
      ? {
          row,
          severity: 'error',
          code: 'too_many_fields',
          message: `Row ${row} has ${count} values but the file has ${expected} columns, so its values may be in the wrong columns. The row will not be imported. Put quotes around values that contain the separator (${delimiterLabel[delimiter]}), or check that the separator is right.`,
        }
      : {
          row,
          severity: 'warning',
          code: 'too_many_fields',
          message: `Row ${row} has ${count} values but the file has ${expected} columns. The extra values are empty and were ignored.`,
        },
  );
}

/**
 * A NUL byte (or, in UTF-16, a NUL character) is never text: the row is refused on its row, the
 * same wherever it is in the file (a file that is mostly binary is refused whole by detection).
 */
function nulByteIssue(row: number, column: string): RowIssue {
  return {
    row,
    column,
    severity: 'error',
    code: 'nul_byte',
    message: `Row ${row}, column ${column} contains a NUL character (a zero byte), which is not text: the file may be damaged there. The row will not be imported. Remove that character from the row (or export the file again), then check the file again.`,
  };
}

function quoteForMessage(value: string): string {
  const oneLine = value.replace(/\s+/g, ' ');
  return `"${oneLine.length > 40 ? `${oneLine.slice(0, 40)}…` : oneLine}"`;
}

function unfinishedRecordError(
  row: number,
  openQuoteColumn: number,
  columnName: (i: number) => string,
  eof: boolean,
  maxRecordBytes: number,
  seen: { delimiter: CsvDelimiter; separators: number },
): CsvFileError {
  const limit = formatBytes(maxRecordBytes);
  if (openQuoteColumn >= 0) {
    const where = `row ${row}, column ${columnName(openQuoteColumn)}`;
    return new CsvFileError(
      'unclosed_quote',
      eof
        ? `A quote opens in ${where} and is never closed, so the rest of the file would be read as one value. Add the missing closing quote (") in that row, then check the file again.`
        : `A quote opens in ${where} and is not closed within the next ${limit}. Add the missing closing quote (") in that row, then check the file again.`,
      { row },
    );
  }
  if (seen.separators >= MAX_COLUMNS) {
    // Not one endless value but a row of thousands of columns: said as such.
    return new CsvFileError(
      'too_many_columns',
      `Row ${row} has more than ${MAX_COLUMNS.toLocaleString('en-US')} columns (${(seen.separators + 1).toLocaleString('en-US')} in its first ${limit} alone); this importer reads at most ${MAX_COLUMNS.toLocaleString('en-US')} (a contacts file has a few dozen). If the separator is not ${delimiterLabel[seen.delimiter]}, choose the right one; otherwise delete the columns you do not need in your spreadsheet app, save the file as CSV again and choose it.`,
      { row },
    );
  }
  return new CsvFileError(
    'record_too_long',
    `Row ${row} is longer than ${limit} without a line break. This is not a contact list in CSV form, or its lines are not separated. Export the file again as CSV and check it.`,
    { row },
  );
}

/** Occurrences of `char` in `text` from `from` on. */
function countOf(text: string, char: string, from: number): number {
  let n = 0;
  for (let at = text.indexOf(char, from); at !== -1; at = text.indexOf(char, at + 1)) n++;
  return n;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

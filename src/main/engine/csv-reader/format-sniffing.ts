/**
 * Guesses about a file from a sample of its start: is it text at all, which encoding, which
 * separator, is the first row a header. Pure functions over bytes and text.
 */
import { Buffer, isUtf8 } from 'node:buffer';
import type { CsvDelimiter, CsvEncoding } from '../../../shared/csv-format';
import { CSV_DELIMITERS } from '../../../shared/csv-format';
import { completeUtf8Length, utf8SequenceLength } from './chunk-decoder';
import { CsvFileError } from './csv-file-error';
import { RecordParser } from './record-parser';

const EXPORT_AS_CSV =
  'Open it and save it as CSV: in Excel, File > Save As > "CSV UTF-8"; in Numbers, File > Export To > CSV; in LibreOffice, File > Save As > "Text CSV"; in Google Sheets, File > Download > "Comma-separated values". Then choose the CSV file.';

/**
 * A file that starts as an Excel workbook but whose ZIP container does not open (cut short, or
 * not a workbook at all): said as before workbooks were read, with the ways out.
 */
export function damagedWorkbookContainerError(): CsvFileError {
  return new CsvFileError(
    'spreadsheet_file',
    `This file is an Excel workbook (.xlsx), not a CSV file, but it is incomplete or damaged (its ZIP container cannot be opened), so it cannot be read. Open it in Excel and save it again as .xlsx, or save it as CSV. ${EXPORT_AS_CSV}`,
  );
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
}

/** Throws when the sample is a spreadsheet or archive (by its magic bytes) rather than text. */
export function rejectSpreadsheet(head: Uint8Array): void {
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) {
    const name = Buffer.from(head.subarray(0, 2048)).toString('latin1');
    const kind = name.includes('opendocument.spreadsheet')
      ? 'an OpenDocument spreadsheet (.ods)'
      : name.includes('.iwa')
        ? 'an Apple Numbers spreadsheet (.numbers)'
        : name.includes('[Content_Types].xml') || name.includes('xl/')
          ? 'an Excel workbook (.xlsx)'
          : 'a spreadsheet or a ZIP archive (for example an .xlsx or .numbers file)';
    throw new CsvFileError(
      'spreadsheet_file',
      `This file is ${kind}, not a CSV file, even if its name ends in .csv. ${EXPORT_AS_CSV}`,
    );
  }
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    throw new CsvFileError(
      'spreadsheet_file',
      `This file is an Excel 97-2003 workbook (.xls), not a CSV file, even if its name ends in .csv. ${EXPORT_AS_CSV}`,
    );
  }
}

/**
 * Throws when a sample in an ASCII-compatible encoding is mostly binary: more than 1 byte in 20
 * is a control byte (NUL included), as in compressed data, images or programs (about 1 in 9),
 * never in text. A few NUL bytes in a text file do not refuse it, wherever they are: the rows
 * holding them are refused on their row by the reader (`nul_byte`), at the start of the file as
 * well as after the sample.
 */
export function rejectBinary(sample: Uint8Array): void {
  let controls = 0;
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i]!;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) controls++;
  }
  if (controls > 0 && controls * BINARY_CONTROL_SHARE >= sample.length) {
    throw new CsvFileError(
      'binary_file',
      'This file is not text (it holds binary data), so it cannot be read as CSV. Choose a CSV file; a spreadsheet must first be exported as CSV.',
    );
  }
}

/** A sample is binary when at least 1 byte in this many is a control byte. */
const BINARY_CONTROL_SHARE = 20;

/** Encoding announced by a byte order mark, if any. */
export function encodingFromBom(head: Uint8Array): CsvEncoding | null {
  if (startsWith(head, [0xef, 0xbb, 0xbf])) return 'utf-8';
  if (startsWith(head, [0xff, 0xfe])) return 'utf-16le';
  if (startsWith(head, [0xfe, 0xff])) return 'utf-16be';
  return null;
}

/** UTF-16 without a byte order mark: ASCII text shows as a NUL in every other byte. */
export function utf16WithoutBom(head: Uint8Array): CsvEncoding | null {
  const pairs = Math.floor(Math.min(head.length, 4096) / 2);
  if (pairs < 2) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < pairs; i++) {
    if (head[2 * i] === 0) evenNul++;
    if (head[2 * i + 1] === 0) oddNul++;
  }
  if (oddNul > pairs * 0.3 && evenNul < pairs * 0.02) return 'utf-16le';
  if (evenNul > pairs * 0.3 && oddNul < pairs * 0.02) return 'utf-16be';
  return null;
}

/** Bytes 0x81, 0x8D, 0x8F, 0x90 and 0x9D mean nothing in Windows-1252; Mac OS Roman uses them for letters. */
const UNDEFINED_IN_WINDOWS_1252 = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

/**
 * Encoding of a sample without a byte order mark: UTF-8 if it is valid UTF-8 (ASCII is), or if
 * its UTF-8 letters outnumber the bytes that are not UTF-8 (a UTF-8 file with a stray byte stays
 * UTF-8, and that byte is an `invalid_bytes` issue on its row, never mojibake in every other
 * row); otherwise a single-byte encoding of an older export (no UTF-8 letter at all, or far fewer
 * than the bytes that are not UTF-8: then the few "letters" are two Windows-1252 characters).
 */
export function guessEncoding(sample: Uint8Array, wholeFile: boolean): CsvEncoding {
  const end = wholeFile ? sample.length : completeUtf8Length(sample);
  const text = sample.subarray(0, end);
  if (isUtf8(text)) return 'utf-8';
  const { letters, invalid } = tallyUtf8(text);
  if (letters > 0 && invalid <= letters) return 'utf-8';
  for (let i = 0; i < sample.length; i++) {
    if (UNDEFINED_IN_WINDOWS_1252.has(sample[i]!)) return 'macintosh';
  }
  // Windows-1252 is what Excel writes on Western systems; it reads ISO-8859-1 text the same way,
  // except for bytes 0x80-0x9F, which are invisible control codes in ISO-8859-1.
  return 'windows-1252';
}

/** Multi-byte UTF-8 sequences (letters) and bytes that are not UTF-8, in one pass. */
export function tallyUtf8(bytes: Uint8Array): { letters: number; invalid: number } {
  let letters = 0;
  let invalid = 0;
  for (let i = 0; i < bytes.length;) {
    if (bytes[i]! < 0x80) {
      i++;
      continue;
    }
    const length = utf8SequenceLength(bytes, i);
    if (length > 1) {
      letters++;
      i += length;
    } else {
      invalid++;
      i++;
    }
  }
  return { letters, invalid };
}

/** Excel's first line naming the separator: `sep=;` (sometimes quoted: `"sep=;"`). */
const SEPARATOR_LINE = /^"?sep=([^\r\n"]?)"?[ ]*(\r\n|\n|\r|$)/i;

export interface SeparatorLine {
  /** The separator it names, when this reader reads that separator. */
  delimiter: CsvDelimiter | null;
  /** The character as written (for messages). */
  written: string;
  /** Length of the line in characters, line break included. */
  length: number;
}

/** Excel's `sep=X` line at the start of the decoded text, if there is one. */
export function readSeparatorLine(text: string): SeparatorLine | null {
  const match = SEPARATOR_LINE.exec(text);
  if (!match) return null;
  const written = match[1] ?? '';
  const delimiter = (CSV_DELIMITERS as readonly string[]).includes(written)
    ? (written as CsvDelimiter)
    : null;
  return { delimiter, written, length: match[0].length };
}

export interface DelimiterGuess {
  delimiter: CsvDelimiter;
  /** Columns per row with that separator (most common count in the sample). */
  columns: number;
}

/**
 * The separator that splits the sample's rows into the same number of columns (more than one),
 * most consistently, with the first row agreeing. Quotes are respected, so commas inside quoted
 * values (or decimal commas in a `;` file, which make the comma count vary) do not win. Rows of a
 * single value (titles, notes, a report's footer) count against consistency but never decide
 * the number of columns.
 */
export function guessDelimiter(sample: string, wholeSample: boolean): DelimiterGuess | null {
  let best: { guess: DelimiterGuess; score: number } | null = null;
  for (const delimiter of CSV_DELIMITERS) {
    const parsed = new RecordParser(delimiter).parse(sample, wholeSample);
    const counts = parsed.fields
      .filter((f) => !(f.length === 1 && f[0]!.trim() === ''))
      .slice(0, 200)
      .map((f) => f.length);
    if (counts.length === 0) continue;
    // The most common count among rows of several values: title lines and report footers (one
    // value a line) do not make a table of several columns look like a single column.
    const frequency = new Map<number, number>();
    for (const c of counts) if (c > 1) frequency.set(c, (frequency.get(c) ?? 0) + 1);
    let columns = 0;
    let times = 0;
    for (const [c, n] of frequency) {
      if (n > times || (n === times && c > columns)) {
        columns = c;
        times = n;
      }
    }
    if (columns < 2) continue;
    const score =
      (times / counts.length) * 1000 + (counts[0] === columns ? 100 : 0) + Math.min(columns, 50);
    if (!best || score > best.score) best = { guess: { delimiter, columns }, score };
  }
  return best?.guess ?? null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const NUMBER = /^[-+(]?[\d\s.,'()%+-]*\d[\d\s.,'()%]*$/;
const DATE = /^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}/;
const URL = /^(https?:\/\/|www\.)/i;

/** A cell that reads like a value (an email, a number, a date, a link), not a column name. */
export function looksLikeValue(cell: string): boolean {
  const v = cell.trim();
  if (v === '') return false;
  return (
    EMAIL.test(v) || NUMBER.test(v) || DATE.test(v) || URL.test(v) || /^(true|false)$/i.test(v)
  );
}

/**
 * Whether the first row holds column names: yes unless one of its cells reads like a value
 * (an email, a number, a date, a link), or it is empty. Column names are short labels; contact
 * rows almost always hold an email.
 */
export function looksLikeHeader(first: string[]): boolean {
  const cells = first.map((c) => c.trim());
  if (cells.every((c) => c === '')) return false;
  return !cells.some(looksLikeValue);
}

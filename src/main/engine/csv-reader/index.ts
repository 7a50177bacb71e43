/**
 * The streaming CSV reader: bytes -> decoded text -> records, each with its spreadsheet row number
 * and its byte offset in the file. See README.md in this folder for the rules and limits.
 */
export type { CsvRecord } from './csv-detection';
export { CsvDetection } from './csv-detection';
export { CsvFileError, type CsvFileErrorCode } from './csv-file-error';
export { detectCsvFormat, previewCsv, type DetectOptions } from './detect-csv-format';
export { findHeaderRow } from './header-row';
export type { ReportLine } from './report-lines';
export {
  checkWholeFileEncoding,
  detectCsvFormatWholeFile,
  encodingSwitchNote,
  mixedEncodingNote,
  needsWholeFileEncodingCheck,
  type WholeFileEncodingCheck,
} from './whole-file-encoding';
export { encodingLabel } from './encoding-labels';
export {
  DEFAULT_CHUNK_BYTES,
  MAX_COLUMNS,
  MAX_FIELDS_PER_ROW,
  MAX_RECORD_BYTES,
  openCsvFile,
  readCsvBatches,
  readCsvRecords,
  statRegularFile,
  type ReadCsvOptions,
} from './read-csv';

/**
 * What a full-file scan found: how the file is read, the mapping used, row counts, the first
 * issues and every issue grouped, duplicate emails, and the Crisp requests the import will cost.
 * Plain data (JSON-safe): the CLI prints it, the desktop app shows it.
 */
import type { ImportMapping } from '../../../shared/column-mapping';
import type { MappingIssue } from '../../../shared/contact-rules';
import type { CsvDelimiter, CsvEncoding, CsvFormat } from '../../../shared/csv-format';
import type { IssueSeverity } from '../../../shared/row-issue';
import type { ReportLine } from '../csv-reader';
import type { ContactRequestEstimate } from './request-estimate';

/** One problem of one row. `column` is null for a problem of the whole row. */
export interface ScanIssue {
  row: number;
  column: string | null;
  severity: IssueSeverity;
  code: string;
  message: string;
}

/** Every issue with the same code in the same column, counted (the shape of the IPC IssueGroup). */
export interface ScanIssueGroup {
  code: string;
  severity: IssueSeverity;
  column: string | null;
  /** The message of the group's first issue (it names that row's value). */
  message: string;
  /** Issues in the group, in the whole file. */
  count: number;
  /** The first row numbers (header = 1), at most `groupRowLimit` of them; `count` says how many in all. */
  rows: number[];
}

/** A tool's export recognized by its header row (issue 6). */
export interface RecognizedSourceFormat {
  /** Built-in preset id, such as `shopify-customers`. */
  id: string;
  /** "Shopify customers". */
  name: string;
  tool: string;
  /** 0..1, how well the headers fit. */
  score: number;
  /** "This looks like a Shopify customers export." */
  message: string;
}

/** Where the mapping came from. */
export interface ScanMappingSource {
  /** given: passed in (a mapping file); the others: chosen or proposed for this file. */
  origin: 'given' | 'user-preset' | 'built-in' | 'automatic';
  presetName?: string;
  presetId?: string;
  /** One plain sentence for people. */
  message: string;
}

export interface ContactScanReport {
  path: string;
  fileSize: number;
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  /** True when a row holds column names. */
  header: boolean;
  /** The row holding the column names (1 unless title lines or a `sep=` line come first); null without. */
  headerRow: number | null;
  /** Rows above the column names that are not imported (titles, notes, `sep=`), the first 20. */
  skippedRows: { row: number; text: string }[];
  /** An Excel workbook's sheet that was read (null for a CSV file). */
  sheet: string | null;
  /** An Excel workbook's sheets, in order (empty for a CSV file). */
  sheets: { name: string; number: number }[];
  /** What detection found on its own (before overrides). */
  detected: CsvFormat;
  /** Plain sentences about how the file is read ("Separator: semicolon (detected)."). */
  notes: string[];
  /**
   * When the encoding detected from the start of the file proved wrong further on and the whole
   * file reads cleanly in another: the row from which it was read that way (see notes).
   */
  encodingSwitchedAtRow: number | null;
  /**
   * The notes only reading the whole file could give (a switched or mixed encoding, report lines
   * left out); also in `notes`. What the desktop app adds to what the preview said.
   */
  fullReadNotes: string[];
  /** Total and footer lines of a report, not read as contacts (the first 100). */
  reportLines: ReportLine[];
  /** Column names ("Column 1", "Column 2"... without a header row). */
  columns: string[];
  mapping: ImportMapping;
  mappingSource: ScanMappingSource;
  /** Problems of the mapping itself (no email column, a missing column, a bad data key). */
  mappingIssues: MappingIssue[];
  recognizedFormat: RecognizedSourceFormat | null;
  /** Data rows read (blank lines are not rows). */
  rows: number;
  /** Rows that will be imported. */
  valid: number;
  /** Rows that cannot be imported (at least one error). */
  invalid: number;
  /** Valid rows with at least one warning (a value dropped or changed; the row still goes). */
  warnings: number;
  /** Warning issues by code, over the whole file. */
  warningsByCode: Record<string, number>;
  /** Error issues by code, over the whole file. */
  errorsByCode: Record<string, number>;
  /** Valid rows whose email appeared on an earlier valid row (they update that contact). */
  duplicateEmails: number;
  /** The first rows counted in duplicateEmails (at most `issueLimit`). */
  duplicateRows: number[];
  /** Distinct emails among valid rows: the contacts the import creates or updates. */
  contacts: number;
  /** The first `issueLimit` issues in file order. */
  issues: ScanIssue[];
  /** Issues in the whole file (`issues` holds the first of them). */
  issueCount: number;
  /** Every issue grouped by code and column, errors first, then by count. */
  issueGroups: ScanIssueGroup[];
  estimate: ContactRequestEstimate;
  /**
   * Valid rows that need no request because this app already wrote exactly that contact to the
   * website (they are not counted in `estimate`), and the requests that saves; null when nothing
   * is known.
   */
  unchanged: UnchangedRowsEstimate | null;
  /** Time the scan took. */
  seconds: number;
}

export interface UnchangedRowsEstimate {
  rows: number;
  requestsSaved: number;
  /** When this app last imported to the website (ISO 8601); null when unknown. */
  lastImportAt: string | null;
}

export interface ScanProgress {
  rows: number;
  bytesRead: number;
  totalBytes: number;
}

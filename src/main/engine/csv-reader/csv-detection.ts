import { z } from 'zod';
import { CsvFormat } from '../../../shared/csv-format';
import type { RowIssue } from '../../../shared/row-issue';

/** One record of the file, as the reader gives it. */
export interface CsvRecord {
  /** Row number as a spreadsheet shows it: the header is row 1, so the first data row is 2. */
  row: number;
  /** Byte offset in the file where this record starts (a byte order mark counts). */
  offset: number;
  /**
   * Values, in column order. Never fewer than the file has columns (missing ones are ''); more
   * when the row has extra values (then a `too_many_fields` issue says so).
   */
  fields: string[];
  /** Problems the reader found in this row (field counts, invalid bytes, quotes). */
  issues: RowIssue[];
}

/** How a file will be read: what detection found, with the user's choices applied. */
export const CsvDetection = z.object({
  /** What will be used: detected values with overrides applied. */
  format: CsvFormat,
  /** What detection found on its own. */
  detected: CsvFormat,
  /** Column names; "Column 1", "Column 2"... when format.header is false or a name is blank. */
  headers: z.array(z.string()),
  /** Byte offset of the first data record. */
  dataStartOffset: z.number().int().nonnegative(),
  /** Its row number. */
  dataStartRow: z.number().int().positive(),
  fileSize: z.number().int().nonnegative(),
  /** Modification time of the file when it was checked; reading refuses a file changed since. */
  modifiedAtMs: z.number().optional(),
  /** Length of the byte order mark at the start of the file (0 when there is none). */
  bomLength: z.number().int().nonnegative().default(0),
  /**
   * What the encoding rests on: the person's choice, a byte order mark, the whole file (it fit
   * in the sample, or the full check read it), or only the sample at the start of the file (then
   * bytes further on may still prove it wrong: see checkWholeFileEncoding).
   */
  encodingBasis: z.enum(['chosen', 'bom', 'whole-file', 'sample']).optional(),
  /** Rows above the column names that are not imported (titles, notes, Excel's `sep=` line). */
  skippedRows: z.array(z.object({ row: z.number().int().positive(), text: z.string() })).optional(),
  /**
   * An Excel workbook's sheets (tabs), in order; `format.sheet` names the one read. Absent for CSV.
   * For a workbook, `offset`s are positions in the file for progress only: rows are found again by
   * their row number (resume re-reads the sheet up to it).
   */
  sheets: z.array(z.object({ name: z.string(), number: z.number().int().positive() })).optional(),
  /** Plain sentences for people, e.g. "Separator: semicolon (detected)." */
  notes: z.array(z.string()),
});
export type CsvDetection = z.input<typeof CsvDetection>;

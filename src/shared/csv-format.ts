/** How a CSV file is read: detected by the reader, shown to people, overridable. */
import { z } from 'zod';

export const CSV_ENCODINGS = [
  'utf-8',
  'utf-16le',
  'utf-16be',
  'windows-1252',
  'iso-8859-1',
  'iso-8859-15',
  'macintosh',
] as const;
export const CsvEncoding = z.enum(CSV_ENCODINGS);
export type CsvEncoding = z.infer<typeof CsvEncoding>;

export const CSV_DELIMITERS = [',', ';', '\t', '|'] as const;
export const CsvDelimiter = z.enum(CSV_DELIMITERS);
export type CsvDelimiter = z.infer<typeof CsvDelimiter>;

export const CsvFormat = z.object({
  encoding: CsvEncoding,
  delimiter: CsvDelimiter,
  /** True when a row holds column names ("skip header" in Crisp's importer). */
  header: z.boolean(),
  /**
   * The row holding the column names, as a spreadsheet numbers it (the file's first line is row
   * 1), when `header` is true. Report exports put title lines above it; Excel's `sep=;` line is
   * row 1. Absent in formats saved before it existed: row 1 (row 2 after a `sep=` line).
   */
  headerRow: z.number().int().positive().optional(),
  /**
   * For an Excel workbook (.xlsx, .xlsm): the sheet read, by its name as the tab shows it. Absent
   * for a CSV file. As an override: a name, or a number as a string ("2" is the second tab).
   */
  sheet: z.string().min(1).max(300).optional(),
});
export type CsvFormat = z.infer<typeof CsvFormat>;

export const delimiterLabel: Record<CsvDelimiter, string> = {
  ',': 'comma',
  ';': 'semicolon',
  '\t': 'tab',
  '|': 'pipe',
};

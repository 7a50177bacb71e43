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
  /** True when the first row holds column names ("skip header" in Crisp's importer). */
  header: z.boolean(),
});
export type CsvFormat = z.infer<typeof CsvFormat>;

export const delimiterLabel: Record<CsvDelimiter, string> = {
  ',': 'comma',
  ';': 'semicolon',
  '\t': 'tab',
  '|': 'pipe',
};

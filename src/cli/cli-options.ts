// Option values shared by several commands, parsed with zod into plain messages: whole numbers,
// the CSV separator (a character or its name) and the text encoding (its name or a common alias).
import { z } from 'zod';
import { CSV_ENCODINGS, type CsvDelimiter, type CsvEncoding } from '../shared/csv-format';

export const wholeNumber = (what: string, min: number, max: number) =>
  z
    .string()
    .regex(/^[0-9]+$/, `${what} must be a whole number`)
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, `${what} must be at least ${min}`)
        .max(max, `${what} must be at most ${max}`),
    );

const DELIMITER_WORDS: Record<string, CsvDelimiter> = {
  ',': ',',
  comma: ',',
  ';': ';',
  semicolon: ';',
  tab: '\t',
  '\\t': '\t',
  '\t': '\t',
  '|': '|',
  pipe: '|',
};

const ENCODING_WORDS: Record<string, CsvEncoding> = {
  utf8: 'utf-8',
  'utf-16': 'utf-16le',
  utf16: 'utf-16le',
  utf16le: 'utf-16le',
  utf16be: 'utf-16be',
  cp1252: 'windows-1252',
  win1252: 'windows-1252',
  windows1252: 'windows-1252',
  ansi: 'windows-1252',
  latin1: 'iso-8859-1',
  'latin-1': 'iso-8859-1',
  iso88591: 'iso-8859-1',
  latin9: 'iso-8859-15',
  'latin-9': 'iso-8859-15',
  iso885915: 'iso-8859-15',
  mac: 'macintosh',
  macroman: 'macintosh',
  'mac-roman': 'macintosh',
};

/** `--header-row`: the row holding the column names, as a spreadsheet numbers it (1 to 100,000). */
export const HeaderRowOption = z
  .string()
  .regex(/^\s*[0-9]+\s*$/, 'give the row number where the column names are, such as 5')
  .transform(Number)
  .pipe(
    z
      .number()
      .int()
      .min(1, 'rows are numbered from 1 (the first line of the file)')
      .max(100_000, 'the column names must be within the first 100,000 rows'),
  );

/** `--sheet`: an Excel workbook's sheet, by its name as the tab shows it or its number (1 first). */
export const SheetOption = z
  .string()
  .trim()
  .min(1, 'give the name of the sheet, or its number (1 is the first)')
  .max(300, 'a sheet name has at most 31 characters');

export const SHEET_OPTION_HELP =
  'for an Excel workbook (.xlsx, .xlsm): the sheet to read, by its name or number (default: the first sheet that holds email addresses)';

/** `--delimiter`: `,` `;` `tab` `\t` `|`, or comma / semicolon / pipe. */
export const DelimiterOption = z.string().transform((text, ctx) => {
  const delimiter = DELIMITER_WORDS[text] ?? DELIMITER_WORDS[text.trim().toLowerCase()];
  if (delimiter === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not a separator this importer reads; use , ; tab or | (or comma, semicolon, pipe)`,
    });
    return z.NEVER;
  }
  return delimiter;
});

/** `--encoding`: a name from CSV_ENCODINGS or a common alias (utf8, latin1, cp1252, mac...). */
export const EncodingOption = z.string().transform((text, ctx) => {
  const wanted = text.trim().toLowerCase().replace(/_/g, '-');
  const encoding = (CSV_ENCODINGS as readonly string[]).includes(wanted)
    ? (wanted as CsvEncoding)
    : ENCODING_WORDS[wanted];
  if (encoding === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not an encoding this importer reads; use one of ${CSV_ENCODINGS.join(', ')}`,
    });
    return z.NEVER;
  }
  return encoding;
});

/**
 * A problem with the file as a whole (as opposed to a RowIssue on one row): the file cannot be
 * read as CSV at all, or reading has to stop. `message` is a plain sentence for people that says
 * what is wrong and what to do; `code` is stable for the UI and the CLI.
 */
export type CsvFileErrorCode =
  | 'file_empty'
  | 'header_only'
  | 'header_row_invalid'
  | 'spreadsheet_file'
  | 'binary_file'
  | 'record_too_long'
  | 'unclosed_quote'
  | 'file_unreadable'
  | 'file_changed';

export class CsvFileError extends Error {
  override readonly name = 'CsvFileError';
  readonly code: CsvFileErrorCode;
  /** Spreadsheet row where the problem is, when there is one (unclosed_quote, record_too_long). */
  readonly row: number | undefined;

  constructor(
    code: CsvFileErrorCode,
    message: string,
    options?: { row?: number; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.row = options?.row;
  }
}

/** Turns an fs error into a plain CsvFileError (never a stack trace for people). */
export function unreadableFileError(path: string, cause: unknown): CsvFileError {
  const code = (cause as { code?: unknown } | null)?.code;
  let reason: string;
  switch (code) {
    case 'ENOENT':
      reason = 'It does not exist (it may have been moved, renamed or deleted).';
      break;
    case 'EACCES':
    case 'EPERM':
      reason =
        'This app is not allowed to read it. Check the file permissions, or copy the file to your Documents folder.';
      break;
    case 'EISDIR':
      reason = 'It is a folder, not a file.';
      break;
    default:
      reason = 'The system could not read it. Check that the disk is connected, then try again.';
  }
  return new CsvFileError('file_unreadable', `The file ${path} cannot be read. ${reason}`, {
    cause,
  });
}

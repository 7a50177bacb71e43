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
  | 'too_many_columns'
  | 'unclosed_quote'
  | 'file_unreadable'
  | 'file_changed'
  | 'workbook_encrypted'
  | 'workbook_damaged'
  | 'sheet_not_found'
  | 'not_a_workbook';

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
    case 'ELOOP':
      reason =
        'It is a symbolic link that leads back to itself (a loop of links), so there is no file behind it. Fix or remove the link, or choose the file it should point to.';
      break;
    case 'ENXIO':
      reason =
        'It is a socket or a device with nothing behind it, not a file. Choose the CSV file itself.';
      break;
    default:
      reason = 'The system could not read it. Check that the disk is connected, then try again.';
  }
  return new CsvFileError('file_unreadable', `The file ${path} cannot be read. ${reason}`, {
    cause,
  });
}

/** What a path that is not a regular file is, in words ("a named pipe (FIFO)"), or null. */
export function nonRegularFileKind(info: {
  isFile(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}): string | null {
  if (info.isFile()) return null;
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a named pipe (FIFO), which only passes on what another program writes';
  if (info.isCharacterDevice()) return 'a device (a character device such as /dev/zero)';
  if (info.isBlockDevice()) return 'a disk or other block device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** The plain error for a path that is not a regular file (a folder, a FIFO, a device…). */
export function notRegularFileError(path: string, kind: string): CsvFileError {
  return new CsvFileError(
    'file_unreadable',
    `The file ${path} cannot be read. It is ${kind}, not a file of contacts. Choose the CSV file itself.`,
  );
}

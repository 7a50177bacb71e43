/**
 * A workbook that cannot be read as a whole. `code` is stable (CLI JSON `error.code`, the UI);
 * `message` says what is wrong and what to do next.
 */
export type WorkbookErrorCode =
  'workbook_encrypted' | 'workbook_damaged' | 'sheet_not_found' | 'file_unreadable';

export class WorkbookError extends Error {
  override readonly name = 'WorkbookError';
  constructor(
    readonly code: WorkbookErrorCode,
    message: string,
    options?: { cause?: unknown; container?: boolean },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.container = options?.container === true;
  }

  /** True when not even the ZIP container opens (the file may not be a workbook at all). */
  readonly container: boolean;
}

export function damagedWorkbookError(
  detail: string,
  cause?: unknown,
  container = false,
): WorkbookError {
  return new WorkbookError(
    'workbook_damaged',
    `This Excel workbook is damaged and cannot be read (${detail}). Open it in Excel (or LibreOffice), save it again as .xlsx and choose the new file.`,
    { cause, container },
  );
}

export function encryptedWorkbookError(): WorkbookError {
  return new WorkbookError(
    'workbook_encrypted',
    'This Excel workbook is protected by a password, so it cannot be read. Open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password, then clear it), save it and choose it again.',
  );
}

/** The temporary folder the shared strings wait in cannot be written or read back. */
export function temporaryFolderError(folder: string, cause: unknown): WorkbookError {
  const code = (cause as { code?: unknown } | null)?.code;
  const reason = typeof code === 'string' ? ` (${code})` : '';
  return new WorkbookError(
    'file_unreadable',
    `This workbook holds a lot of text, which waits in the temporary folder ${folder} while it is read, and that folder cannot be used${reason}. Free some space there, or point TMPDIR (TEMP on Windows) to a folder with room, and try again.`,
    { cause },
  );
}

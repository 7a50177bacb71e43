/**
 * A workbook that cannot be read as a whole. `code` is stable (CLI JSON `error.code`, the UI);
 * `message` says what is wrong and what to do next.
 */
export type WorkbookErrorCode = 'workbook_encrypted' | 'workbook_damaged' | 'sheet_not_found';

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

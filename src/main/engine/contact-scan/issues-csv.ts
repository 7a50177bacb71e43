/**
 * Every issue of a scan as a CSV file people open in a spreadsheet: row, column, severity, code,
 * message. Cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or
 * carriage return) get a leading apostrophe. Written to a temporary file created exclusively
 * beside the target (a random name, never through a planted symlink) and renamed when complete,
 * so a cancelled scan never leaves half a file under the chosen name.
 */
import type { RowIssue } from '../../../shared/row-issue';
import { OutputFileWriter, OutputTargetError } from '../app-settings/output-file';
import { formatCsvLine } from '../import-jobs/job-outputs';

export const ISSUES_CSV_COLUMNS = ['row', 'column', 'severity', 'code', 'message'] as const;

/** Where a scan sends every issue, with backpressure: the scan awaits `drained()` after each batch. */
export interface IssueSink {
  write(issue: RowIssue): void;
  /** A promise while the sink is behind (the scan waits for it), else undefined. */
  drained(): Promise<void> | undefined;
}

/** One line of the issues CSV, without the line break. */
export function issuesCsvLine(issue: RowIssue): string {
  return formatCsvLine(
    [String(issue.row), issue.column ?? '', issue.severity, issue.code, issue.message],
    ',',
  );
}

/** All issues as CSV text (header included), for small lists such as a preview's. */
export function issuesCsv(issues: Iterable<RowIssue>): string {
  const lines = [ISSUES_CSV_COLUMNS.join(',')];
  for (const issue of issues) lines.push(issuesCsvLine(issue));
  return `${lines.join('\r\n')}\r\n`;
}

/** Text buffered before it is handed to the file stream. */
const FLUSH_CHARS = 64 * 1024;

export class IssuesCsvWriter implements IssueSink {
  private pending: string[] = [];
  private pendingChars = 0;
  private failure: Error | null = null;
  private closed = false;
  /** The write handed to the file last (null: none in flight). */
  private writing: Promise<void> | null = null;

  private constructor(
    readonly path: string,
    private readonly out: OutputFileWriter,
  ) {}

  /**
   * Starts the file (the header line): a temporary file created exclusively beside `path`
   * (output-file.ts), so nothing planted there is followed. Throws a plain message when it
   * cannot be created.
   */
  static async create(path: string): Promise<IssuesCsvWriter> {
    let out: OutputFileWriter;
    try {
      out = await OutputFileWriter.open(path, { createFolder: false });
    } catch (error) {
      throw new Error(`The issues file ${path} cannot be created: ${plainReason(error)}.`, {
        cause: error,
      });
    }
    const writer = new IssuesCsvWriter(path, out);
    writer.pending.push(`${ISSUES_CSV_COLUMNS.join(',')}\r\n`);
    return writer;
  }

  write(issue: RowIssue): void {
    const line = `${issuesCsvLine(issue)}\r\n`;
    this.pending.push(line);
    this.pendingChars += line.length;
    if (this.pendingChars >= FLUSH_CHARS) this.flush();
  }

  drained(): Promise<void> | undefined {
    if (this.failure) return Promise.reject(this.writeError());
    this.flush();
    return this.writing ?? undefined;
  }

  /** Finishes the file and moves it to its name. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    try {
      await this.writing;
      if (this.failure) throw this.failure;
      await this.out.commit();
    } catch (error) {
      await this.out.discard();
      throw this.writeError(this.failure ?? error);
    }
  }

  /** Stops writing and removes the unfinished file (a cancelled or failed scan). */
  async discard(): Promise<void> {
    this.closed = true;
    this.pending = [];
    await this.writing?.catch(() => undefined);
    await this.out.discard();
  }

  private flush(): void {
    if (this.pending.length === 0 || this.failure || this.closed) return;
    const text = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    const previous = this.writing ?? Promise.resolve();
    const current: Promise<void> = previous
      .then(() => this.out.write(text))
      .catch((error: unknown) => {
        this.failure ??= error as Error;
        throw this.writeError(error);
      })
      .finally(() => {
        if (this.writing === current) this.writing = null;
      });
    // Failures are reported by drained() and close(); never an unhandled rejection.
    current.catch(() => undefined);
    this.writing = current;
  }

  private writeError(cause: unknown = this.failure): Error {
    return new Error(`The issues file ${this.path} could not be written: ${plainReason(cause)}.`, {
      cause,
    });
  }
}

function plainReason(error: unknown): string {
  if (error instanceof OutputTargetError) {
    return `it is ${error.what}, not a plain file: choose a file name in a folder`;
  }
  switch ((error as { code?: unknown } | null)?.code) {
    case 'ENOENT':
      return 'its folder does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'this app is not allowed to write there';
    case 'ENOSPC':
      return 'the disk is full';
    case 'EISDIR':
      return 'it is a folder';
    default:
      return 'the system reported an error';
  }
}

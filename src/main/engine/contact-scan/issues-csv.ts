/**
 * Every issue of a scan as a CSV file people open in a spreadsheet: row, column, severity, code,
 * message. Cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or
 * carriage return) get a leading apostrophe. Written to a temporary file beside the target and
 * renamed when complete, so a cancelled scan never leaves half a file under the chosen name.
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { RowIssue } from '../../../shared/row-issue';
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

  private constructor(
    readonly path: string,
    private readonly temporaryPath: string,
    private readonly out: WriteStream,
  ) {
    out.on('error', (error) => {
      this.failure ??= error;
    });
  }

  /** Starts the file (the header line). Throws a plain message when it cannot be created. */
  static async create(path: string): Promise<IssuesCsvWriter> {
    const temporaryPath = `${path}.${process.pid}.partial`;
    const out = createWriteStream(temporaryPath, { encoding: 'utf8' });
    try {
      await once(out, 'open');
    } catch (error) {
      throw new Error(`The issues file ${path} cannot be created: ${plainReason(error)}.`, {
        cause: error,
      });
    }
    const writer = new IssuesCsvWriter(path, temporaryPath, out);
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
    if (!this.out.writableNeedDrain) return undefined;
    return new Promise<void>((resolve, reject) => {
      const onDrain = (): void => {
        this.out.off('error', onError);
        resolve();
      };
      const onError = (error: Error): void => {
        this.out.off('drain', onDrain);
        reject(this.writeError(error));
      };
      this.out.once('drain', onDrain);
      this.out.once('error', onError);
    });
  }

  /** Finishes the file and moves it to its name. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    this.out.end();
    try {
      if (!this.failure) await once(this.out, 'finish');
      if (this.failure) throw this.writeError();
      await rename(this.temporaryPath, this.path);
    } catch (error) {
      await rm(this.temporaryPath, { force: true });
      throw error instanceof Error && error.message.startsWith('The issues file')
        ? error
        : this.writeError(error);
    }
  }

  /** Stops writing and removes the unfinished file (a cancelled or failed scan). */
  async discard(): Promise<void> {
    this.closed = true;
    this.pending = [];
    this.out.destroy();
    await rm(this.temporaryPath, { force: true });
  }

  private flush(): void {
    if (this.pending.length === 0 || this.failure) return;
    this.out.write(this.pending.join(''));
    this.pending = [];
    this.pendingChars = 0;
  }

  private writeError(cause: unknown = this.failure): Error {
    return new Error(`The issues file ${this.path} could not be written: ${plainReason(cause)}.`, {
      cause,
    });
  }
}

function plainReason(error: unknown): string {
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

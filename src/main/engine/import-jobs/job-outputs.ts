/**
 * What a job leaves in its folder for people: summary.json, failed-rows.csv and import.log.
 */
import { appendFile, rm } from 'node:fs/promises';
import { writeJsonFileAtomic } from '../app-settings/json-file';
import { APPEND_FLAGS, OutputFileWriter } from '../app-settings/output-file';
import { redactSecrets } from '../crisp-client/secret-redaction';
import type { ImportJobRecord } from './job-record';
import { readJournalRows } from './row-journal';

// ---------------------------------------------------------------------------------------------
// CSV cells

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A cell that a spreadsheet would run as a formula (it starts with =, +, -, @, tab or carriage
 * return) gets a leading apostrophe, which spreadsheets show as plain text.
 */
export function neutralizeFormulaCell(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** One CSV line (without line break): cells neutralized, quoted when they need it. */
export function formatCsvLine(cells: readonly string[], delimiter: string): string {
  return cells
    .map((raw) => {
      const cell = neutralizeFormulaCell(raw);
      const needsQuotes =
        cell.includes(delimiter) ||
        cell.includes('"') ||
        cell.includes('\n') ||
        cell.includes('\r') ||
        cell !== cell.trim();
      return needsQuotes ? `"${cell.replace(/"/g, '""')}"` : cell;
    })
    .join(delimiter);
}

// ---------------------------------------------------------------------------------------------
// failed-rows.csv

/** A row of the source file as the failed-rows export needs it. */
export interface SourceRow {
  row: number;
  offset: number;
  fields: string[];
}

/** Reads source rows from a byte offset (the CSV reader, bound to the job's file and layout). */
export type SourceRowReader = (start: {
  offset: number;
  row: number;
}) => AsyncIterable<SourceRow[]>;

interface ProblemRow {
  at: number;
  outcome: 'skipped' | 'failed';
  reason: string;
}

export interface JournalProblems {
  /** Failed and skipped rows by row number. */
  rows: Map<number, ProblemRow>;
}

/** Failed and skipped rows listed in the journal (read whole, once, when a job ends). */
export async function collectJournalProblems(journalPath: string): Promise<JournalProblems> {
  const rows = new Map<number, ProblemRow>();
  for await (const record of readJournalRows(journalPath)) {
    if (record.outcome === 'skipped') {
      const where = record.column ? `${record.column}: ` : '';
      rows.set(record.row, {
        at: record.at,
        outcome: 'skipped',
        reason: `${where}${record.reason}`,
      });
    } else if (record.outcome === 'failed') {
      rows.set(record.row, { at: record.at, outcome: 'failed', reason: record.reason });
    } else {
      rows.delete(record.row);
    }
  }
  return { rows };
}

export interface FailedRowsExport {
  path: string | null;
  rows: number;
}

/**
 * Writes failed-rows.csv: the original columns, then `row`, `outcome` and `reason`, with the
 * source's delimiter, in UTF-8 (with a BOM when the source was not UTF-8, so spreadsheet apps
 * show accents right). Written to a temporary file created exclusively beside it, then renamed
 * (output-file.ts). Reasons are redacted (no key, whatever the server said). No file when
 * nothing failed.
 */
export async function writeFailedRowsCsv(options: {
  outPath: string;
  problems: JournalProblems;
  headers: readonly string[];
  delimiter: string;
  withBom: boolean;
  readRows: SourceRowReader;
}): Promise<FailedRowsExport> {
  const { outPath, problems, headers, delimiter } = options;
  if (problems.rows.size === 0) {
    await rm(outPath, { force: true });
    return { path: null, rows: 0 };
  }
  let first = { row: Number.POSITIVE_INFINITY, offset: 0 };
  let lastRow = 0;
  for (const [row, p] of problems.rows) {
    if (row < first.row) first = { row, offset: p.at };
    if (row > lastRow) lastRow = row;
  }
  const out = await OutputFileWriter.open(outPath);
  let written = 0;
  try {
    if (options.withBom) await out.write('\ufeff');
    await out.write(formatCsvLine([...headers, 'row', 'outcome', 'reason'], delimiter) + '\r\n');
    const width = headers.length;
    outer: for await (const batch of options.readRows(first)) {
      for (const record of batch) {
        if (record.row > lastRow) break outer;
        const problem = problems.rows.get(record.row);
        if (!problem) continue;
        const cells = record.fields.slice();
        while (cells.length < width) cells.push('');
        const reason = redactSecrets(problem.reason);
        await out.write(
          formatCsvLine([...cells, String(record.row), problem.outcome, reason], delimiter) +
            '\r\n',
        );
        written++;
      }
    }
  } catch (error) {
    await out.discard();
    throw error;
  }
  await out.commit();
  return { path: outPath, rows: written };
}

// ---------------------------------------------------------------------------------------------
// summary.json

export interface ImportSummary {
  version: 1;
  job: string;
  state: ImportJobRecord['state'];
  message: string | null;
  dryRun: boolean;
  file: string;
  websiteId: string;
  apiUrl: string | null;
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  /** Rows whose contact was what this app last wrote to the website: nothing sent. */
  unchanged: number;
  /** Every row was sent, unchanged or not (run --send-all). */
  sendAll: boolean;
  requests: number;
  skippedByCode: Record<string, number>;
  failedByReason: Record<string, number>;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  failedRowsFile: string | null;
  journalFile: string;
  logFile: string;
}

export function buildSummary(
  job: ImportJobRecord,
  files: { failedRowsFile: string | null; journalFile: string; logFile: string },
): ImportSummary {
  const c = job.counters;
  return {
    version: 1,
    job: job.id,
    state: job.state,
    message: job.stateMessage,
    dryRun: job.options.dryRun,
    file: job.file.path,
    websiteId: job.websiteId,
    apiUrl: job.apiUrl,
    rows: c.read,
    created: c.created,
    updated: c.updated,
    skipped: c.skipped,
    failed: c.failed,
    unchanged: c.unchanged,
    sendAll: job.options.sendAll,
    requests: c.requests,
    skippedByCode: job.journal.skippedByCode,
    failedByReason: job.journal.failedByReason,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    ...files,
  };
}

/** Writes summary.json; its texts are redacted (no key, whatever the server said). */
export async function writeSummary(path: string, summary: ImportSummary): Promise<void> {
  await writeJsonFileAtomic(path, {
    ...summary,
    message: summary.message === null ? null : redactSecrets(summary.message),
    failedByReason: redactReasonCounts(summary.failedByReason),
  });
}

/** Counts by reason with the reasons redacted (two reasons may become one). */
export function redactReasonCounts(counts: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [reason, count] of Object.entries(counts)) {
    const key = redactSecrets(reason);
    out[key] = (out[key] ?? 0) + count;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// import.log

/**
 * The job's log: one timestamped line per event, appended (never through a symlink). Every line
 * goes through `redact` (redactSecrets: the secrets it was given, the tokens this process used,
 * anything that looks like a Basic auth header or a Crisp key are replaced by [hidden]). Writing is best effort: a log that
 * cannot be written never stops an import.
 */
export class ImportLog {
  private readonly secrets: string[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly path: string) {}

  /** Strings never to write (a token key, an identifier). */
  addSecret(secret: string | undefined | null): void {
    if (secret && secret.length >= 4 && !this.secrets.includes(secret)) this.secrets.push(secret);
  }

  redact(text: string): string {
    return redactSecrets(text, this.secrets);
  }

  info(message: string): void {
    this.write('info', message);
  }

  warn(message: string): void {
    this.write('warn', message);
  }

  error(message: string): void {
    this.write('error', message);
  }

  private write(level: string, message: string): void {
    const line = `${new Date().toISOString()} ${level.padEnd(5)} ${this.redact(message).replace(/[\r\n]+/g, ' ')}\n`;
    this.chain = this.chain
      .then(() =>
        appendFile(this.path, line, { encoding: 'utf8', mode: 0o600, flag: APPEND_FLAGS }),
      )
      .catch(() => undefined);
  }

  /** Resolves when every line so far is written. */
  flush(): Promise<void> {
    return this.chain;
  }
}

/**
 * A finished job's report: failed-rows.csv (when rows failed or were skipped) and summary.json.
 * Both are written before job.json says the job is finished, so a `completed` job always has its
 * report; a job found finished without it (left so by an older version, or its files deleted)
 * gets it again when it is opened (`completeJobOutputs`). Temporary files a killed process left
 * in the job's folder are removed on the way.
 */
import { access } from 'node:fs/promises';
import { z } from 'zod';
import { readJsonFile } from '../app-settings/json-file';
import { removeStrayTemporaryFiles } from '../app-settings/output-file';
import { assertJobFileUnchanged } from './import-job-setup';
import type { ImportJobParts } from './import-job-parts';
import {
  buildSummary,
  collectJournalProblems,
  writeFailedRowsCsv,
  writeSummary,
  type FailedRowsExport,
} from './job-outputs';
import { isFinishedJobState, type ImportJobRecord } from './job-record';
import type { ImportJobStore } from './job-store';

export interface JobReportOptions {
  /**
   * The failed rows file must be written (a completed job): a failure to write it throws.
   * Otherwise (a cancelled or failed job) it is best effort and the summary says there is none.
   */
  failedRowsRequired: boolean;
  /** Told why the failed rows file could not be written, when that is not thrown. */
  onFailedRowsProblem?: (message: string) => void;
}

/**
 * Writes the report of `job` as it will be saved (its final state included): failed-rows.csv
 * from the journal and the source file, then summary.json. Throws when the summary (or a
 * required failed rows file) cannot be written; what was there before stays whole.
 */
export async function writeJobReport(
  store: ImportJobStore,
  job: ImportJobRecord,
  parts: ImportJobParts | null,
  options: JobReportOptions,
): Promise<FailedRowsExport> {
  const paths = store.paths(job.id);
  let failedRows: FailedRowsExport = { path: null, rows: 0 };
  if (job.counters.skipped + job.counters.failed > 0 && parts) {
    try {
      failedRows = await writeFailedRows(store, job, parts);
    } catch (error) {
      if (options.failedRowsRequired) throw error;
      options.onFailedRowsProblem?.((error as Error).message);
    }
  }
  await writeSummary(
    paths.summary,
    buildSummary(job, {
      failedRowsFile: failedRows.path,
      journalFile: paths.journal,
      logFile: paths.log,
    }),
  );
  return failedRows;
}

async function writeFailedRows(
  store: ImportJobStore,
  job: ImportJobRecord,
  parts: ImportJobParts,
): Promise<FailedRowsExport> {
  const paths = store.paths(job.id);
  const problems = await collectJournalProblems(paths.journal);
  const source = parts.openSource(job);
  const controller = new AbortController();
  try {
    return await writeFailedRowsCsv({
      outPath: paths.failedRows,
      problems,
      headers: job.layout.headers,
      delimiter: job.layout.format.delimiter,
      // A workbook's failed rows open right in Excel too (UTF-8 with a BOM).
      withBom: job.layout.format.encoding !== 'utf-8' || job.layout.format.sheet !== undefined,
      readRows: (start) => source.read(start, controller.signal),
    });
  } finally {
    controller.abort();
  }
}

export interface CompletedOutputs {
  /** The report was missing (or incomplete) and was written now. */
  repaired: boolean;
  /** Temporary files left by a killed process, removed now. */
  removedTemporaryFiles: string[];
  failedRowsFile: string | null;
  /** Why the failed rows file could not be written again, when it could not. */
  problem: string | null;
}

/**
 * For a finished job: writes whatever of its report is missing (summary.json, and
 * failed-rows.csv when rows failed or were skipped and the source file is still the one it
 * read), and removes stray temporary files. Nothing is sent.
 */
export async function completeJobOutputs(
  store: ImportJobStore,
  job: ImportJobRecord,
  parts: ImportJobParts | null,
): Promise<CompletedOutputs> {
  const paths = store.paths(job.id);
  const removedTemporaryFiles = await removeStrayTemporaryFiles(paths.dir);
  const summary = await readJsonFile(
    paths.summary,
    z.looseObject({ state: z.string(), failedRowsFile: z.string().nullable() }),
  );
  const wantsFailedRows = job.counters.skipped + job.counters.failed > 0;
  const failedRowsThere = await exists(paths.failedRows);
  const complete =
    summary.ok &&
    summary.value.state === job.state &&
    (!wantsFailedRows || (failedRowsThere && summary.value.failedRowsFile !== null));
  if (!isFinishedJobState(job.state) || complete) {
    return {
      repaired: false,
      removedTemporaryFiles,
      failedRowsFile: summary.ok ? summary.value.failedRowsFile : null,
      problem: null,
    };
  }
  let problem: string | null = null;
  let failedRowsFile = failedRowsThere ? paths.failedRows : null;
  if (wantsFailedRows && !failedRowsThere && parts) {
    try {
      // The rows are read again from the file: only from the file the job read.
      await assertJobFileUnchanged(job);
      failedRowsFile = (await writeFailedRows(store, job, parts)).path;
    } catch (error) {
      problem = `The failed rows file could not be written again: ${(error as Error).message}`;
    }
  }
  await writeSummary(
    paths.summary,
    buildSummary(job, { failedRowsFile, journalFile: paths.journal, logFile: paths.log }),
  );
  return { repaired: true, removedTemporaryFiles, failedRowsFile, problem };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

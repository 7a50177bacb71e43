/**
 * Retrying failed rows inside the same job: which failed rows can pass if sent again (a server
 * error, a timeout, a lost connection, rate limits that outlasted the retries: the sender marks
 * those `retryable`), which cannot (Crisp refused the data: sending it again fails again), and a
 * source that reads only the rows to retry from the job's file, each at its byte offset.
 *
 * The journal is the truth: the last record of each row is its outcome. A retry run appends the
 * new outcomes with `replaces` (row-journal.ts), so the counters, summary.json, failed-rows.csv
 * and the change ledger follow by themselves, and a retry killed half-way leaves every row either
 * retried (its new record is durable) or still failed: retrying again sends only the latter.
 */
import type { JobRowSource, SourceRecord } from './import-job-parts';
import type { JobEta } from './job-eta';
import type { ImportJobRecord, ResumePoint } from './job-record';
import type { RowWatermark } from './row-watermark';
import { isResumableState, JobStateError } from './job-state';
import { readJournalRows, type RetriedFailure, type RowJournal } from './row-journal';

/** One failed row that can be sent again. */
export interface RetryableRow extends RetriedFailure {
  row: number;
  /** Byte offset where the row starts in the file. */
  offset: number;
}

export interface FailedRowRetryPlan {
  /** Failed rows that can pass if sent again, in file order. */
  rows: RetryableRow[];
  /** Failed rows that would fail again (Crisp refused their data), by reason. */
  notRetryableByReason: Record<string, number>;
  notRetryable: number;
}

/** The failed rows of a job's journal, sorted into those worth sending again and the others. */
export async function planFailedRowRetry(journalPath: string): Promise<FailedRowRetryPlan> {
  const failed = new Map<number, RetryableRow & { retryable: boolean }>();
  for await (const record of readJournalRows(journalPath)) {
    if (record.outcome !== 'failed') {
      failed.delete(record.row);
      continue;
    }
    failed.set(record.row, {
      row: record.row,
      offset: record.at,
      reason: record.reason,
      ...(record.l !== undefined ? { l: record.l } : {}),
      retryable: record.retryable,
    });
  }
  const rows: RetryableRow[] = [];
  const notRetryableByReason: Record<string, number> = {};
  let notRetryable = 0;
  for (const { retryable, ...row } of failed.values()) {
    if (retryable) rows.push(row);
    else {
      notRetryable++;
      notRetryableByReason[row.reason] = (notRetryableByReason[row.reason] ?? 0) + 1;
    }
  }
  rows.sort((a, b) => a.row - b.row);
  return { rows, notRetryable, notRetryableByReason };
}

/** The plan's rows by row number, as the journal takes them (RowJournal.retryFailedRows). */
export function retriedFailures(plan: FailedRowRetryPlan): Map<number, RetriedFailure> {
  return new Map(
    plan.rows.map((r) => [r.row, { reason: r.reason, ...(r.l !== undefined ? { l: r.l } : {}) }]),
  );
}

/** Rows further apart than this are reached by seeking, not by reading what lies between. */
const SEEK_GAP_BYTES = 256 * 1024;

/**
 * A source that yields only the plan's rows (whatever start it is given): it seeks to a row's
 * offset and reads on while the next row to retry is close, else seeks again. `seekable: false`
 * (an Excel workbook: entering it at a row re-reads the sheet up to that row) reads on from the
 * first row to retry to the last, never entering the sheet a second time.
 */
export function retryRowSource(
  source: JobRowSource,
  plan: FailedRowRetryPlan,
  seekable = true,
): JobRowSource {
  const rows = plan.rows;
  const seekGap = seekable ? SEEK_GAP_BYTES : Infinity;
  return {
    async *read(_start: ResumePoint, signal: AbortSignal): AsyncIterable<SourceRecord[]> {
      let next = 0;
      while (next < rows.length && !signal.aborted) {
        const from = rows[next]!;
        let seekAgain = false;
        for await (const batch of source.read({ offset: from.offset, row: from.row }, signal)) {
          const found: SourceRecord[] = [];
          for (const record of batch) {
            // A row not where the journal says is passed (cannot happen with an unchanged file).
            while (rows[next] && record.row > rows[next]!.row) next++;
            const wanted = rows[next];
            if (!wanted) break;
            if (record.row !== wanted.row) continue;
            found.push(record);
            next++;
            const after = rows[next];
            if (after && after.offset - record.offset > seekGap) {
              seekAgain = true;
              break;
            }
          }
          if (found.length > 0) yield found;
          if (seekAgain || next >= rows.length) break;
        }
        if (!seekAgain) break;
      }
    },
  };
}

/**
 * A completed job, made ready to send again (only its failed rows: the runner's retryFailed).
 * `again`: the runner reads the job a second time (after waiting its turn), when it may already
 * be the one this runner made ready. Any other job cannot be retried.
 */
export function reopenForRetry(job: ImportJobRecord, again: boolean): ImportJobRecord {
  if (job.options.dryRun) throw new JobStateError(job.state, 'running');
  if (job.state === 'completed') return { ...job, state: 'ready', finishedAt: null, problem: null };
  if (again && isResumableState(job.state)) return job;
  throw new JobStateError(job.state, 'running');
}

/** Plans the retry from the journal and tells the journal which rows it replaces. */
export async function beginFailedRowRetry(
  journal: RowJournal,
  journalPath: string,
): Promise<FailedRowRetryPlan> {
  await journal.flush();
  const plan = await planFailedRowRetry(journalPath);
  journal.retryFailedRows(retriedFailures(plan));
  return plan;
}

/** Plain words on a retry about to start. */
export function describeFailedRowRetry(jobId: string, plan: FailedRowRetryPlan): string {
  const rows = plan.rows.length === 1 ? '1 failed row' : `${plan.rows.length} failed rows`;
  const others =
    plan.notRetryable === 0
      ? ''
      : ` ${plan.notRetryable} other failed ${plan.notRetryable === 1 ? 'row is' : 'rows are'} not sent again: Crisp refused ${plan.notRetryable === 1 ? 'its' : 'their'} data, so ${plan.notRetryable === 1 ? 'it' : 'they'} would fail again (fix ${plan.notRetryable === 1 ? 'it' : 'them'} in the failed rows file).`;
  return `Retrying import ${jobId}: sending ${rows} again (they failed for a reason that can pass: a server error, a timeout, a lost connection).${others}`;
}

/**
 * How far a retry is: the share of its rows with a new outcome (not the share of the file, which
 * a retry only visits), and no time left by the bytes left (a retry sends none of them).
 */
export function retryProgress(
  plan: FailedRowRetryPlan,
  watermark: RowWatermark | null,
): { fraction: number; eta: JobEta } {
  const total = plan.rows.length;
  const done = watermark ? watermark.registered - watermark.pendingCount : 0;
  return {
    fraction: total === 0 ? 1 : Math.min(1, Math.max(0, done) / total),
    eta: { etaSeconds: null, finishesAt: null, dayPlan: null },
  };
}

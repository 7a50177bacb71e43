/**
 * "Retry N failed rows" on the report: how many failed rows of a finished job can pass if sent
 * again (server errors, timeouts) and how many would fail again (Crisp refused their data), and
 * whether a retry may start now. The retry itself is the engine's (ImportJobRunner retryFailed).
 */
import {
  assertJobFileUnchanged,
  planFailedRowRetry,
  type ImportJobRecord,
  type ImportJobStore,
} from '../engine/import-jobs';
import { IpcFailure } from '../ipc/ipc-failure';
import { toIpcFailure } from './engine-errors';

export interface FailedRowCounts {
  retryableFailed: number;
  notRetryableFailed: number;
}

/** The failed rows of a job, sorted into retryable and not; zeros when the journal cannot be read. */
export async function failedRowCounts(
  store: ImportJobStore,
  record: ImportJobRecord,
): Promise<FailedRowCounts> {
  if (record.counters.failed === 0) return { retryableFailed: 0, notRetryableFailed: 0 };
  try {
    const plan = await planFailedRowRetry(store.paths(record.id).journal);
    return { retryableFailed: plan.rows.length, notRetryableFailed: plan.notRetryable };
  } catch {
    return { retryableFailed: 0, notRetryableFailed: 0 };
  }
}

/** Throws a plain IpcFailure when the job's failed rows cannot be sent again now. */
export async function assertFailedRowsRetryable(
  store: ImportJobStore,
  record: ImportJobRecord,
): Promise<void> {
  if (record.state !== 'completed' || record.options.dryRun) {
    throw new IpcFailure(
      'invalid_state',
      'Only the failed rows of a completed import can be sent again. Resume the import first.',
    );
  }
  const { retryableFailed, notRetryableFailed } = await failedRowCounts(store, record);
  if (retryableFailed === 0) {
    throw new IpcFailure(
      'invalid_state',
      notRetryableFailed > 0
        ? `No failed row can pass if sent again: Crisp refused the data of the ${notRetryableFailed} failed rows. Fix them in the failed rows file and import that file.`
        : 'This import has no failed rows to send again.',
    );
  }
  try {
    await assertJobFileUnchanged(record);
  } catch (error) {
    throw toIpcFailure(error);
  }
}

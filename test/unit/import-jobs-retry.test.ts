// The journal's retry records: a failed row sent again takes the place of its failure in the
// counters (also when the journal is replayed from a snapshot taken before or after), and the
// retry plan and the failed rows export see each row's last outcome.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  collectJournalProblems,
  planFailedRowRetry,
  retriedFailures,
  RowJournal,
  type JournalSnapshot,
  type RowOutcomeRecord,
} from '../../src/main/engine/import-jobs';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'journal-retry-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SERVER = 'Crisp answered HTTP 503. Tried 8 times; the row can be sent again later.';
const REFUSED = 'Crisp refused the data: invalid_data.';
const TIMEOUT = 'Crisp did not answer in time. Tried 8 times; the row can be sent again later.';

function created(row: number): RowOutcomeRecord {
  return { t: 'row', row, at: row * 100, outcome: 'created', peopleId: `p${row}`, requests: 1 };
}
function failed(row: number, reason: string, retryable: boolean): RowOutcomeRecord {
  return { t: 'row', row, at: row * 100, outcome: 'failed', reason, retryable, requests: 3 };
}

async function reopened(path: string, snapshot: JournalSnapshot | null) {
  const { journal } = await RowJournal.open(path, snapshot, { unsafeNoSync: true });
  const state = structuredClone({
    counters: journal.replayState.counters,
    failedByReason: journal.replayState.failedByReason,
  });
  await journal.close();
  return state;
}

describe('retried failed rows in the journal', () => {
  it('replace the failures in the counters, however the journal is replayed', async () => {
    const path = join(dir, 'journal.ndjson');
    const { journal } = await RowJournal.open(path, null, { unsafeNoSync: true });
    await Promise.all([
      journal.append(created(2)),
      journal.append(failed(3, SERVER, true)),
      journal.append(failed(4, REFUSED, false)),
      journal.append(failed(5, SERVER, true)),
    ]);
    await journal.flush();
    const before = journal.snapshot();
    expect(before.counters).toMatchObject({ read: 4, created: 1, failed: 3, requests: 10 });

    const plan = await planFailedRowRetry(path);
    expect(plan.rows.map((r) => r.row)).toEqual([3, 5]);
    expect(plan).toMatchObject({ notRetryable: 1, notRetryableByReason: { [REFUSED]: 1 } });
    journal.retryFailedRows(retriedFailures(plan));
    expect(journal.isRecorded(3)).toBe(false);
    expect(journal.isRecorded(4)).toBe(true);
    await journal.append(created(3));
    await journal.append(failed(5, TIMEOUT, true));
    await journal.flush();
    const expected = {
      counters: { read: 4, created: 2, updated: 0, skipped: 0, unchanged: 0, failed: 2 },
      failedByReason: { [REFUSED]: 1, [TIMEOUT]: 1 },
    };
    expect(journal.replayState.counters).toMatchObject(expected.counters);
    expect(journal.replayState.counters.requests).toBe(14);
    expect(journal.replayState.failedByReason).toEqual(expected.failedByReason);
    const after = journal.snapshot();
    await journal.close();

    for (const snapshot of [null, before, after]) {
      const state = await reopened(path, snapshot);
      expect(state.counters).toMatchObject({ ...expected.counters, requests: 14 });
      expect(state.failedByReason).toEqual(expected.failedByReason);
    }

    // The retry plan and the failed rows file see the last outcome of each row.
    const next = await planFailedRowRetry(path);
    expect(next.rows.map((r) => [r.row, r.reason])).toEqual([[5, TIMEOUT]]);
    const problems = await collectJournalProblems(path);
    expect([...problems.rows.keys()].sort()).toEqual([4, 5]);
    expect(problems.rows.get(5)?.reason).toBe(TIMEOUT);
  });
});

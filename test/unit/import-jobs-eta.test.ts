// A job's ETA counts the daily quota: the rows left at the requests per row seen so far, laid
// out against what is left today and the daily allowance.
import { describe, expect, it } from 'vitest';
import {
  emptyCounters,
  emptyJournalSnapshot,
  estimateJobEta,
  type ImportJobRecord,
  type ImportJobState,
  type JobCounters,
} from '../../src/main/engine/import-jobs';

const NOW = Date.UTC(2026, 11, 2, 10, 0); // Wed 2 Dec 2026, 10:00 UTC
const RESET = Date.UTC(2026, 11, 3);
const ROW_BYTES = 100;

/** A job of `rows` rows of 100 bytes each (after a 100-byte header), `done` of them done. */
function job(rows: number, done: number, state: ImportJobState = 'running'): ImportJobRecord {
  return {
    version: 1,
    id: 'job-eta-test',
    state,
    createdAt: new Date(NOW).toISOString(),
    updatedAt: new Date(NOW).toISOString(),
    startedAt: new Date(NOW).toISOString(),
    finishedAt: null,
    file: {
      path: '/tmp/contacts.csv',
      fingerprint: { size: ROW_BYTES + rows * ROW_BYTES, mtimeMs: 0, sampleHash: 'sha256:0000' },
    },
    layout: {
      format: { encoding: 'utf-8', delimiter: ',', header: true },
      headers: ['email'],
      dataStartOffset: ROW_BYTES,
      dataStartRow: 2,
      bomLength: 0,
    },
    mapping: { version: 1, columns: [], emptyCells: 'clear', extraSegments: [] },
    mappingHash: 'x',
    options: { dryRun: false, checkExisting: false, formatOverrides: {}, sendAll: false },
    websiteId: 'w',
    apiUrl: null,
    counters: emptyCounters(),
    journal: {
      ...emptyJournalSnapshot(),
      resumePoint: { offset: ROW_BYTES + done * ROW_BYTES, row: 2 + done },
    },
    waitingUntil: null,
    stateMessage: null,
    problem: null,
  } as ImportJobRecord;
}

function counters(read: number, patch: Partial<JobCounters>): JobCounters {
  return { ...emptyCounters(), read, ...patch };
}

const quota = (left: number) => ({
  left,
  requestsPerDay: 9_500,
  resetsAt: new Date(RESET).toISOString(),
});

describe('estimateJobEta', () => {
  it('a 100,000-row import says days, never "40 minutes left"', () => {
    const record = job(100_000, 1_000);
    const eta = estimateJobEta({
      job: record,
      counters: counters(1_000, { created: 1_000, requests: 2_000 }),
      offset: ROW_BYTES + 1_000 * ROW_BYTES,
      session: { offset: ROW_BYTES, read: 0 },
      rowsPerSecond: 40,
      quota: quota(8_000),
      now: NOW,
    });
    // 99,000 rows at 2 requests each = 198,000 requests: 8,000 today, then 20 days of 9,500.
    expect(eta.dayPlan).toMatchObject({ requests: 198_000, contacts: 99_000, dayCount: 21 });
    // At the old rate-only ETA this was 99,000 / 40 = 41 minutes.
    expect(eta.etaSeconds!).toBeGreaterThan(19 * 86_400);
    expect(eta.finishesAt).toBe(eta.dayPlan!.finishesAt);
    expect(Date.parse(eta.finishesAt!)).toBeGreaterThan(RESET + 19 * 86_400_000);
  });

  it('within today the time is the sending rate’s, as before', () => {
    const eta = estimateJobEta({
      job: job(2_000, 1_000),
      counters: counters(1_000, { created: 1_000, requests: 2_000 }),
      offset: ROW_BYTES + 1_000 * ROW_BYTES,
      session: { offset: ROW_BYTES, read: 0 },
      rowsPerSecond: 40,
      quota: quota(9_000),
      now: NOW,
    });
    expect(eta.dayPlan?.dayCount).toBe(1);
    expect(eta.etaSeconds).toBeCloseTo(1_000 / 40, 3); // the rows left at the rows a second
  });

  it('rows that need no request lower the requests per row', () => {
    const eta = estimateJobEta({
      job: job(10_000, 1_000),
      // Half the rows skipped: 1 request a row on average, and half the rows are contacts.
      counters: counters(1_000, { created: 500, skipped: 500, requests: 1_000 }),
      offset: ROW_BYTES + 1_000 * ROW_BYTES,
      session: { offset: ROW_BYTES, read: 0 },
      rowsPerSecond: 40,
      quota: quota(9_500),
      now: NOW,
    });
    expect(eta.dayPlan).toMatchObject({ requests: 9_000, contacts: 4_500 });
  });

  it('unchanged rows (0 requests) lower the plan, and say the days they save', () => {
    // 8,000 of 10,000 rows unchanged (the journal's new outcome), 2,000 sent at 2 requests each.
    const seen = { ...counters(10_000, { updated: 2_000, requests: 4_000 }), unchanged: 8_000 };
    const eta = estimateJobEta({
      job: job(100_000, 10_000),
      counters: seen,
      offset: ROW_BYTES + 10_000 * ROW_BYTES,
      session: { offset: ROW_BYTES, read: 0 },
      rowsPerSecond: 100,
      quota: quota(9_500),
      now: NOW,
    });
    // 90,000 rows left: 18,000 to send (36,000 requests), 72,000 unchanged (144,000 saved).
    expect(eta.dayPlan).toMatchObject({ requests: 36_000, contacts: 18_000, dayCount: 4 });
    expect(eta.dayPlan?.saved).toEqual({ rows: 72_000, requests: 144_000, days: 15 });
  });

  it('a job waiting for the quota finishes from the next reset; a paused one as if resumed now', () => {
    const common = {
      counters: counters(1_000, { created: 1_000, requests: 2_000 }),
      offset: ROW_BYTES + 1_000 * ROW_BYTES,
      session: null,
      rowsPerSecond: null,
      now: NOW,
    };
    const waiting = estimateJobEta({
      ...common,
      job: job(5_000, 1_000, 'waiting_for_quota'),
      quota: quota(0),
    });
    expect(waiting.dayPlan?.days[0]).toMatchObject({ day: 0, requests: 0, spent: 9_500 });
    expect(Date.parse(waiting.finishesAt!)).toBeGreaterThan(RESET);
    const paused = estimateJobEta({
      ...common,
      job: job(2_000, 1_000, 'paused'),
      quota: quota(9_000),
    });
    expect(paused.dayPlan?.dayCount).toBe(1);
    expect(Date.parse(paused.finishesAt!)).toBeLessThan(RESET);
  });

  it('says nothing for a finished job, or before any row is done', () => {
    const base = {
      offset: 0,
      session: null,
      rowsPerSecond: null,
      quota: quota(9_500),
      now: NOW,
    };
    const done = estimateJobEta({
      ...base,
      job: job(10, 10, 'completed'),
      counters: counters(10, { created: 10, requests: 10 }),
    });
    expect(done).toEqual({ etaSeconds: null, finishesAt: null, dayPlan: null });
    const fresh = estimateJobEta({ ...base, job: job(10, 0), counters: counters(0, {}) });
    expect(fresh).toEqual({ etaSeconds: null, finishesAt: null, dayPlan: null });
  });
});

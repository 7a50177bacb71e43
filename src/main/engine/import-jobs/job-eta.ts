/**
 * When a job will finish, counting the daily quota: the rows left (from the bytes left and the
 * rows per byte seen so far), the requests they need (at the requests per row seen so far in this
 * job: skipped and unchanged rows cost none, so they lower it by themselves), and the day plan of
 * those requests against what is left today and the daily allowance (../../../shared/day-plan.ts).
 * Within today's allowance the time is the sending rate's; past it, each day waits for the reset.
 *
 * For a running job the rate is the one measured; for a paused or waiting job, the plan says when
 * it would finish if resumed now (or when the quota comes back), at a typical rate.
 */
import { planDaysWithSaved, type DayPlan } from '../../../shared/day-plan';
import { readJsonFile } from '../app-settings/json-file';
import { dailyBudgetFor, loadAppSettings } from '../app-settings/settings';
import { QuotaBudget, QuotaBudgetState } from '../contact-sending';
import { budgetPath } from './engine-parts';
import type { QuotaView } from './import-job-parts';
import { isFinishedJobState, type ImportJobRecord, type JobCounters } from './job-record';

export interface JobEtaInput {
  job: ImportJobRecord;
  counters: JobCounters;
  /** Byte offset reached in the file. */
  offset: number;
  /** Where this run began (byte offset, rows read then); null to count from the job's start. */
  session: { offset: number; read: number } | null;
  /** Rows a second now; null when not sending. */
  rowsPerSecond: number | null;
  /** Rows read and being sent now (no outcome yet). Default 0. */
  inFlight?: number;
  quota: QuotaView;
  /** Unix ms. */
  now: number;
}

export interface JobEta {
  /** Seconds to the end, quota waits included; null when unknown. */
  etaSeconds: number | null;
  /** When the last request is expected to leave (ISO 8601); null when finished or unknown. */
  finishesAt: string | null;
  /** The requests left, day by day; null when unknown (no row seen yet, no quota known). */
  dayPlan: DayPlan | null;
}

const UNKNOWN: JobEta = { etaSeconds: null, finishesAt: null, dayPlan: null };

export function estimateJobEta(input: JobEtaInput): JobEta {
  const { job, counters, now } = input;
  if (isFinishedJobState(job.state)) return UNKNOWN;
  const rowsLeft = estimateRowsLeft(input);
  if (rowsLeft === null) return UNKNOWN;
  const timeAtRate =
    input.rowsPerSecond && input.rowsPerSecond > 0 ? rowsLeft / input.rowsPerSecond : null;
  const { left, requestsPerDay, resetsAt } = input.quota;
  const nextResetAt = resetsAt ? Date.parse(resetsAt) : NaN;
  if (left === null || requestsPerDay === null || !Number.isFinite(nextResetAt)) {
    // No quota to count with (a dry run): the rate alone, as before.
    return timeAtRate === null
      ? UNKNOWN
      : { ...UNKNOWN, etaSeconds: timeAtRate, finishesAt: iso(now + timeAtRate * 1000) };
  }
  const requestsPerRow = counters.requests / counters.read;
  const sent = counters.created + counters.updated + counters.failed;
  const dayPlan = planDaysWithSaved(
    {
      requests: Math.ceil(rowsLeft * requestsPerRow),
      contacts: Math.round(rowsLeft * (sent / counters.read)),
      leftToday: left,
      requestsPerDay,
      nextResetAt,
      now,
      requestsPerSecond:
        input.rowsPerSecond && requestsPerRow > 0 ? input.rowsPerSecond * requestsPerRow : null,
    },
    unchangedAhead(counters, rowsLeft),
  );
  if (dayPlan.requests === 0) {
    // Rows left that cost nothing so far: only the reading rate says how long.
    return {
      etaSeconds: timeAtRate,
      finishesAt: timeAtRate === null ? null : iso(now + timeAtRate * 1000),
      dayPlan,
    };
  }
  const finishesAt = dayPlan.finishesAt;
  return {
    etaSeconds: finishesAt === null ? null : Math.max(0, (Date.parse(finishesAt) - now) / 1000),
    finishesAt,
    dayPlan,
  };
}

/**
 * Unchanged rows expected among the rows left (at their share so far), and the requests they
 * save (at the requests of a row that was sent); null when none were seen.
 */
function unchangedAhead(
  counters: JobCounters,
  rowsLeft: number,
): { rows: number; requests: number } | null {
  const unchanged = counters.unchanged;
  const sent = counters.created + counters.updated + counters.failed;
  if (unchanged <= 0 || sent <= 0) return null;
  const rows = rowsLeft * (unchanged / counters.read);
  return { rows, requests: rows * (counters.requests / sent) };
}

/**
 * Rows left in the file, from the larger of two samples (the second once the run has stopped):
 * the rows per byte of this run (rows being sent included, as the ETA always counted), or the
 * bytes per row before the resume point
 * (rows there are all done), which gives the rows in the whole file, less those done (`read` also
 * counts the rows done above the resume point).
 */
function estimateRowsLeft(input: JobEtaInput): number | null {
  const { job, counters, offset, session } = input;
  if (counters.read <= 0) return null;
  const size = job.file.fingerprint.size;
  const inFlight = Math.max(0, input.inFlight ?? 0);
  const runRows = session ? counters.read - session.read + inFlight : 0;
  const runBytes = session ? offset - session.offset : 0;
  const point = job.journal.resumePoint;
  const pointRows = point ? point.row - job.layout.dataStartRow : 0;
  const pointBytes = point ? point.offset - job.layout.dataStartOffset : 0;
  // Once a run stops, rows it had read but not finished count nowhere: the resume point tells.
  const stopped = job.state !== 'running';
  if (pointRows > 0 && pointBytes > 0 && (pointRows >= runRows || stopped)) {
    const rowsInFile = ((size - job.layout.dataStartOffset) / pointBytes) * pointRows;
    return Math.max(0, rowsInFile - counters.read);
  }
  if (runRows > 0 && runBytes > 0) {
    return Math.max(0, ((size - offset) / runBytes) * runRows) + inFlight;
  }
  return null;
}

/**
 * The estimate of a job that is not running here (`crisp-import jobs`, the app's list after a
 * restart): from its saved counters and resume point, and the website's saved day budget.
 */
export async function estimateSavedJob(
  stateDir: string,
  job: ImportJobRecord,
  now: number = Date.now(),
): Promise<JobEta> {
  if (isFinishedJobState(job.state)) return UNKNOWN;
  return estimateJobEta({
    job,
    counters: job.counters,
    offset: job.journal.resumePoint?.offset ?? job.layout.dataStartOffset,
    session: null, // from the resume point
    rowsPerSecond: null,
    quota: await savedQuotaView(stateDir, job.websiteId, now),
    now,
  });
}

/**
 * The day budget of a website as the last run left it (`<stateDir>/quota/<website>.json`), rolled
 * over to today; without one, the settings' budget for a website token, untouched today.
 */
export async function savedQuotaView(
  stateDir: string,
  websiteId: string,
  now: number = Date.now(),
): Promise<QuotaView> {
  const stored = await readJsonFile(budgetPath(stateDir, websiteId), QuotaBudgetState);
  let budget: QuotaBudget;
  if (stored.ok) {
    budget = QuotaBudget.fromJSON(stored.value, { now: () => now });
  } else {
    const { settings } = await loadAppSettings(stateDir).catch(() => ({ settings: null }));
    const usable = settings ? dailyBudgetFor(settings, websiteId, 'website') : null;
    budget = new QuotaBudget({
      tier: 'website',
      ...(usable ? { dailyLimit: usable.dailyBudget, reserve: usable.reserve } : {}),
      now: () => now,
    });
  }
  return {
    left: budget.remaining,
    requestsPerDay: budget.dailyAllowance,
    resetsAt: iso(budget.nextResetAt),
  };
}

function iso(ms: number): string {
  return new Date(Math.round(ms)).toISOString();
}

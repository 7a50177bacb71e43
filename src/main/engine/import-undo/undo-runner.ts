/**
 * Undo as a job of its own: plans the profiles to undo (undo-targets.ts), skips those its journal
 * already settled (a resumed undo after Ctrl-C, a quota wait or a kill -9), undoes the others a
 * few at a time through one RequestSender (the import's rate controller, daily budget, retries
 * and waits), records each outcome durably, and writes its report. Holds the website's send
 * lock meanwhile, so it never runs beside an import to the same website.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonFileAtomic } from '../app-settings/json-file';
import { writeFileAtomic } from '../app-settings/output-file';
import { CrispClient, CrispRequestError, type CrispConnection } from '../crisp-client';
import { redactSecrets } from '../crisp-client/secret-redaction';
import { RateController } from '../contact-sending/rate-controller';
import {
  RequestSender,
  SenderClosedError,
  isSelfCheckingProblem,
  newRequestTally,
  type SenderState,
} from '../contact-sending/request-sender';
import { budgetPath, loadBudget } from '../import-jobs/engine-parts';
import { formatCsvLine } from '../import-jobs/job-outputs';
import type { ImportJobStore } from '../import-jobs/job-store';
import { acquireWebsiteLock } from '../import-jobs/website-lock';
import { DurableLines } from './durable-lines';
import { isSettled, undoPaths, UndoRecord, type UndoSummary } from './undo-records';
import { undoOne } from './undo-step';
import { planUndo, type UndoTarget } from './undo-targets';

export interface UndoProgress {
  done: number;
  total: number;
  requests: number;
}

export interface UndoRunOptions {
  store: ImportJobStore;
  jobId: string;
  connection: CrispConnection;
  /** Undo profiles changed in Crisp since the import too. Default false: they are left. */
  overwriteChanged?: boolean;
  /** Stop (paused) at the first wait for the quota or the connection, instead of waiting. */
  stopOnWait?: boolean;
  /** Aborting it pauses the undo (run it again to continue). */
  signal?: AbortSignal;
  dailyBudget?: number;
  reserve?: number;
  timeoutMs?: number;
  initialRate?: number;
  /** While Crisp says the quota is spent: how often to check whether it is back. Default 10 min. */
  quotaCheckMs?: number;
  /** Profiles undone at once. Default 8. */
  concurrency?: number;
  onProgress?: (progress: UndoProgress) => void;
  onState?: (state: SenderState) => void;
  onWaiting?: (text: string) => void;
}

export async function runUndo(options: UndoRunOptions): Promise<UndoSummary> {
  const { store, jobId } = options;
  const job = await store.load(jobId);
  const paths = store.paths(jobId);
  const files = undoPaths(paths.dir);
  await mkdir(files.dir, { recursive: true, mode: 0o700 });
  const lock = await acquireWebsiteLock(store.stateDir, job.websiteId, `undo-${jobId}`, {
    ...(options.signal ? { signal: options.signal } : {}),
    onWaiting: (ahead) =>
      options.onWaiting?.(`Waiting for import ${ahead.jobId} to stop sending to this website.`),
  });
  try {
    const plan = await planUndo(job, paths.dir, paths.journal);
    const { lines, records } = await DurableLines.open(files.journal, UndoRecord);
    const last = new Map<string, UndoRecord>();
    for (const record of records) last.set(record.key, record);
    const overwrite = options.overwriteChanged === true;
    const todo = plan.targets.filter((t) => {
      const record = last.get(t.key);
      return !record || !isSettled(record.outcome, overwrite);
    });

    const client = new CrispClient(
      options.connection,
      options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {},
    );
    const budget = await loadBudget(store.stateDir, options.connection, {
      stateDir: store.stateDir,
      connection: options.connection,
      ...(options.dailyBudget !== undefined ? { dailyBudget: options.dailyBudget } : {}),
      ...(options.reserve !== undefined ? { reserve: options.reserve } : {}),
    });
    const requests = new RequestSender(client, {
      rate: new RateController(
        options.initialRate !== undefined ? { initialRate: options.initialRate } : {},
      ),
      budget,
      network: { firstCheckMs: 2_000, maxCheckMs: 60_000 },
    });
    let problem: UndoSummary['problem'] = null;
    let checkTimer: NodeJS.Timeout | null = null;
    const stopChecks = (): void => {
      if (checkTimer) clearInterval(checkTimer);
      checkTimer = null;
    };
    // Crisp said the quota was spent (this run or an earlier one): one cheap request tells
    // whether it is back before the reset the budget assumes.
    const checkQuota = async (): Promise<void> => {
      if (budget.toJSON().serverSpentUntil === null) return;
      try {
        await client.getStats();
        if (requests.state === 'sending') budget.resetNow();
        else requests.resumeQuotaNow();
      } catch {
        // still spent: keep waiting
      }
    };
    const stop = (): void => {
      stopChecks();
      requests.stopNewAttempts();
    };
    requests.on('state', (state) => {
      options.onState?.(state);
      stopChecks();
      if (typeof state !== 'object') return;
      if (state.paused === 'quota' && !options.stopOnWait && !requests.stopped)
        checkTimer = setInterval(() => void checkQuota(), options.quotaCheckMs ?? 600_000);
      const waitsAlone = state.paused === 'connection' && isSelfCheckingProblem(state.problem);
      if (options.stopOnWait || !(waitsAlone || state.paused === 'quota')) {
        problem = {
          code: state.paused === 'quota' ? 'quota_spent' : state.problem,
          message: state.message,
        };
        stop();
      }
    });
    await checkQuota();
    if (options.signal?.aborted) stop();
    options.signal?.addEventListener('abort', stop, { once: true });

    let done = plan.targets.length - todo.length;
    let spent = 0;
    let stopped = false;
    const queue = [...todo];
    const step = {
      overwriteChanged: overwrite,
      jobCreatedAt: Date.parse(job.createdAt),
    };
    const worker = async (): Promise<void> => {
      for (let target = queue.shift(); target && !stopped; target = queue.shift()) {
        const tally = newRequestTally();
        let record: UndoRecord;
        try {
          const result = await undoOne(requests, tally, target, step);
          record = { t: 'profile', key: target.key, ...result, requests: tally.requests };
        } catch (error) {
          if (error instanceof SenderClosedError || requests.closed || requests.stopped) {
            stopped = true;
            return;
          }
          record = failedRecord(target, error, tally.requests);
        }
        await lines.append(record);
        last.set(record.key, record);
        spent += record.requests;
        done += 1;
        options.onProgress?.({ done, total: plan.targets.length, requests: spent });
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(options.concurrency ?? 8, Math.max(1, todo.length)) }, worker),
    );
    options.signal?.removeEventListener('abort', stop);
    stopChecks();
    requests.close();
    await lines.close();
    await saveBudget(store.stateDir, job.websiteId, budget.toJSON());
    const pending = plan.targets.filter((t) => !last.has(t.key)).length;
    if (pending > 0 && !problem) {
      problem = options.signal?.aborted
        ? { code: 'interrupted', message: 'The undo was paused.' }
        : { code: 'stopped', message: 'The undo stopped before every profile was handled.' };
    }
    return await writeUndoReport(jobId, plan, last, files, pending, problem);
  } finally {
    await lock.release();
  }
}

function failedRecord(target: UndoTarget, error: unknown, requests: number): UndoRecord {
  const message =
    error instanceof CrispRequestError
      ? error.message
      : `A bug in crisp-import: ${error instanceof Error ? error.message : String(error)}`;
  return {
    t: 'profile',
    key: target.key,
    outcome: 'failed',
    reason: redactSecrets(message),
    email: target.email,
    peopleId: target.action === 'delete' && target.key.startsWith('p:') ? target.address : null,
    requests,
  };
}

async function saveBudget(stateDir: string, websiteId: string, state: unknown): Promise<void> {
  try {
    await mkdir(join(stateDir, 'quota'), { recursive: true });
    await writeJsonFileAtomic(budgetPath(stateDir, websiteId), state);
  } catch {
    // a budget that cannot be saved only means the next run counts from zero
  }
}

async function writeUndoReport(
  jobId: string,
  plan: Awaited<ReturnType<typeof planUndo>>,
  last: Map<string, UndoRecord>,
  files: ReturnType<typeof undoPaths>,
  pending: number,
  problem: UndoSummary['problem'],
): Promise<UndoSummary> {
  const count = { deleted: 0, restored: 0, already: 0, changed: 0, failed: 0 };
  const changed: UndoSummary['changed'] = [];
  const left: UndoRecord[] = [];
  let requests = 0;
  for (const target of plan.targets) {
    const record = last.get(target.key);
    if (!record) continue;
    count[record.outcome] += 1;
    requests += record.requests;
    if (record.outcome === 'changed' && changed.length < 1000)
      changed.push({ email: record.email, peopleId: record.peopleId });
    if (record.outcome === 'changed' || record.outcome === 'failed') left.push(record);
  }
  let failedProfilesFile: string | null = null;
  if (left.length > 0) {
    const lines = [formatCsvLine(['email', 'people_id', 'outcome', 'reason'], ',')];
    for (const r of left)
      lines.push(formatCsvLine([r.email ?? '', r.peopleId ?? '', r.outcome, r.reason ?? ''], ','));
    await writeFileAtomic(files.failedProfiles, `${lines.join('\n')}\n`);
    failedProfilesFile = files.failedProfiles;
  }
  const summary: UndoSummary = {
    job: jobId,
    state: pending > 0 ? 'paused' : 'completed',
    undoable: plan.undoable,
    profiles: plan.targets.length,
    deleted: count.deleted,
    restored: count.restored,
    alreadyUndone: count.already,
    changedSince: count.changed,
    failed: count.failed,
    cannotRestore: plan.cannotRestore,
    pending,
    requests,
    changed,
    failedProfilesFile,
    summaryFile: files.summary,
    problem: pending > 0 ? problem : null,
    finishedAt: new Date().toISOString(),
  };
  await writeJsonFileAtomic(files.summary, summary);
  return summary;
}

/**
 * ImportJobRunner: runs one job from its resume point to the end, or until paused, cancelled or
 * stopped by a problem. Used by the CLI and by the desktop app (in a worker thread).
 *
 *   const runner = new ImportJobRunner({ store, jobId, parts });
 *   runner.on('state', (event) => …);      // discrete: running, paused, waiting_for_quota…
 *   runner.on('progress', (progress) => …); // throttled counters, rate, ETA, quota
 *   const job = await runner.run();         // the job as it stands when the run ends
 *
 * The loop: rows are read in file order from the resume point (a byte offset), rows already in the
 * journal are passed over, each other row is mapped and either recorded as skipped or sent, many
 * at a time (rows of the same email one after the other, in file order). Every outcome is made
 * durable in the journal before it is counted; the journal's low watermark is the next resume
 * point. See row-journal.ts and row-watermark.ts.
 */
import { EventEmitter } from 'node:events';
import { access } from 'node:fs/promises';
import type { ContactProfile } from '../../../shared/contact-profile';
import type { DayPlan } from '../../../shared/day-plan';
import type { RowIssue } from '../../../shared/row-issue';
import { assertJobFileUnchanged } from './import-job-setup';
import { estimateJobEta } from './job-eta';
import type {
  ImportJobParts,
  JobContactSender,
  SenderCondition,
  SendOutcome,
  SourceRecord,
} from './import-job-parts';
import {
  collectJournalProblems,
  buildSummary,
  ImportLog,
  writeFailedRowsCsv,
  writeSummary,
  type FailedRowsExport,
} from './job-outputs';
import {
  isFinishedJobState,
  type ImportJobRecord,
  type ImportJobState,
  type JobCounters,
  type ResumePoint,
} from './job-record';
import { assertTransition, describeJobState, isResumableState, JobStateError } from './job-state';
import type { ImportJobStore } from './job-store';
import { RowJournal, type RowJournalOptions, type RowOutcomeRecord } from './row-journal';
import { RowWatermark } from './row-watermark';
import { acquireWebsiteLock, LockWaitAbortedError, type WebsiteLock } from './website-lock';

export interface ImportJobStateEvent {
  jobId: string;
  state: ImportJobState;
  previousState: ImportJobState | null;
  /** Plain words on the state. */
  message: string | null;
  /** When waiting for quota: when sending is expected to continue. */
  waitingUntil: string | null;
  /**
   * Why it waits or stopped, when known: 'network_unreachable' (Crisp cannot be reached; it
   * continues by itself), 'connection_refused' (the token or website needs fixing)...
   */
  problem?: string | null;
}

export interface ImportJobProgress {
  jobId: string;
  state: ImportJobState;
  counters: JobCounters;
  /** 0..1 share of the file passed (by bytes). */
  fraction: number;
  /** Rows a second over the last minute; null when not sending. */
  rowsPerSecond: number | null;
  /** Seconds to the end, waits for the daily quota included; null when unknown (job-eta.ts). */
  etaSeconds: number | null;
  /** When the last request is expected to leave (ISO 8601); null when finished or unknown. */
  finishesAt: string | null;
  /** The requests left, day by day against the quota; null when unknown. */
  dayPlan: DayPlan | null;
  quota: { left: number | null; requestsPerDay: number | null; resetsAt: string | null };
  /** Contacts being sent right now. */
  inFlight: number;
}

export interface ImportJobRunnerOptions {
  store: ImportJobStore;
  jobId: string;
  parts: ImportJobParts;
  /** Contacts being sent at once, at most. Default 32. */
  maxInFlight?: number;
  /** Rows read whose outcome is not durable yet, at most (bounds memory). Default 4096. */
  maxUnsettled?: number;
  /** Least time between two progress events. Default 100 ms. */
  progressIntervalMs?: number;
  /** How long a pause or cancel waits for rows in flight before leaving them to the resume. Default 5 s. */
  stopGraceMs?: number;
  /** How often job.json is rewritten while sending. Default 1 s. */
  saveIntervalMs?: number;
  /** End the run (state waiting_for_quota or waiting_for_connection) instead of waiting. */
  stopWhenWaiting?: boolean;
  journal?: RowJournalOptions;
  lockPollMs?: number;
  /** Strings the log must never contain (a token key). */
  secrets?: string[];
}

type StopRequest = 'pause' | 'cancel' | 'waiting' | null;

export interface ImportJobRunnerEvents {
  state: [ImportJobStateEvent];
  progress: [ImportJobProgress];
  /** A plain-words note for people (resumed at row N, a torn journal record ignored...). */
  notice: [string];
  /** One row's outcome, once durable (with the contact that was sent, when there was one). */
  outcome: [RowOutcomeRecord & { contact: ContactProfile | null }];
}

export class ImportJobRunner extends EventEmitter<ImportJobRunnerEvents> {
  readonly jobId: string;
  private readonly store: ImportJobStore;
  private readonly parts: ImportJobParts;
  private readonly maxInFlight: number;
  private readonly maxUnsettled: number;
  private readonly progressIntervalMs: number;
  private readonly stopGraceMs: number;
  private readonly saveIntervalMs: number;
  private readonly stopWhenWaiting: boolean;
  private readonly options: ImportJobRunnerOptions;

  private job: ImportJobRecord | null = null;
  private runPromise: Promise<ImportJobRecord> | null = null;
  private stop: StopRequest = null;
  private readonly abort = new AbortController();
  private journal: RowJournal | null = null;
  private sender: JobContactSender | null = null;
  private log: ImportLog | null = null;
  private inFlight = 0;
  private slotWaiters: Array<() => void> = [];
  private lastOffset = 0;
  private rateSamples: Array<{ at: number; read: number }> = [];
  private lastProgressAt = 0;
  private progressTimer: NodeJS.Timeout | null = null;
  private saveTimer: NodeJS.Timeout | null = null;
  private journalProblem: Error | null = null;
  private sessionStart = { at: 0, offset: 0, read: 0 };

  constructor(options: ImportJobRunnerOptions) {
    super();
    this.options = options;
    this.jobId = options.jobId;
    this.store = options.store;
    this.parts = options.parts;
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 32);
    this.maxUnsettled = Math.max(this.maxInFlight, options.maxUnsettled ?? 4096);
    this.progressIntervalMs = options.progressIntervalMs ?? 100;
    this.stopGraceMs = options.stopGraceMs ?? 5000;
    this.saveIntervalMs = options.saveIntervalMs ?? 1000;
    this.stopWhenWaiting = options.stopWhenWaiting ?? false;
  }

  /** The job as last saved or changed by this runner. */
  get record(): ImportJobRecord | null {
    return this.job;
  }

  /** Runs (or resumes) the job; resolves with the job when the run ends, whatever the end. */
  run(): Promise<ImportJobRecord> {
    this.runPromise ??= this.runOnce();
    return this.runPromise;
  }

  /** Stops sending; what is done stays done. Resolves when the job is paused. */
  async pause(): Promise<ImportJobRecord> {
    return this.requestStop('pause');
  }

  /** Stops for good; what is done stays in Crisp, and the report says so. */
  async cancel(): Promise<ImportJobRecord> {
    if (!this.runPromise) return cancelImportJob(this.store, this.jobId, this.parts);
    return this.requestStop('cancel');
  }

  private async requestStop(kind: 'pause' | 'cancel'): Promise<ImportJobRecord> {
    if (!this.runPromise) return this.store.load(this.jobId);
    if (this.stop !== 'cancel') this.stop = kind;
    this.abort.abort();
    this.wakeSlotWaiters();
    return this.runPromise;
  }

  // -------------------------------------------------------------------------------------------

  private async runOnce(): Promise<ImportJobRecord> {
    let job = await this.loadRunnable();
    this.parts.prepare?.(job);
    // The file check runs while the website lock is taken (both mostly wait on the disk).
    const fileCheckFailed = new AbortController();
    let fileProblem: unknown = null;
    const fileCheck = assertJobFileUnchanged(job).catch((error: unknown) => {
      fileProblem = error;
      fileCheckFailed.abort();
    });
    const paths = this.store.paths(job.id);
    this.log = new ImportLog(paths.log);
    for (const secret of this.options.secrets ?? []) this.log.addSecret(secret);

    // One sender per website, across processes: wait for our turn first, then read the job again
    // (another process may have advanced or finished it while we waited).
    let lock: WebsiteLock | null = null;
    let waitedForLock = false;
    if (!job.options.dryRun) {
      try {
        lock = await acquireWebsiteLock(this.store.stateDir, job.websiteId, job.id, {
          signal: AbortSignal.any([this.abort.signal, fileCheckFailed.signal]),
          ...(this.options.lockPollMs !== undefined ? { pollMs: this.options.lockPollMs } : {}),
          onWaiting: (ahead) => {
            waitedForLock = true;
            const text =
              ahead.jobId === job.id
                ? 'This import is already sending in another window or terminal; waiting for it to stop.'
                : `Waiting for import ${ahead.jobId} to finish sending to this website; this one starts right after.`;
            this.setState('ready', text);
            this.log?.info(text);
          },
        });
      } catch (error) {
        await fileCheck;
        if (fileProblem) throw fileProblem;
        if (!(error instanceof LockWaitAbortedError)) throw error;
        if (this.stop === 'cancel') return cancelImportJob(this.store, this.jobId, this.parts);
        this.setState('paused', 'Paused before it started sending.');
        await this.saveSoon();
        return this.job!;
      }
      if (waitedForLock) {
        try {
          job = await this.loadRunnable();
        } catch (error) {
          await lock.release();
          throw error;
        }
      }
    }
    await fileCheck;
    if (fileProblem) {
      await lock?.release();
      throw fileProblem;
    }
    const resuming = job.journal.bytes > 0 || job.startedAt !== null;

    // The sender is built while the journal is read (it reads its own small files).
    const senderReady = this.parts.createSender(job).then(
      (created) => ({ created, error: null as unknown }),
      (error: unknown) => ({ created: null, error }),
    );
    let journal: RowJournal;
    try {
      const opened = await RowJournal.open(paths.journal, job.journal, this.options.journal);
      journal = opened.journal;
      for (const note of opened.notes) {
        this.log.warn(note);
        this.emit('notice', note);
      }
    } catch (error) {
      const ready = await senderReady;
      await ready.created?.close().catch(() => undefined);
      await lock?.release();
      throw error;
    }
    this.journal = journal;
    job = this.update({
      counters: { ...journal.replayState.counters },
      journal: journal.snapshot(),
    });

    let sender: JobContactSender | null = null;
    let endState: ImportJobState;
    let endMessage: string | null;
    let problem: ImportJobRecord['problem'] = null;
    try {
      const ready = await senderReady;
      if (!ready.created) throw ready.error;
      sender = ready.created;
      this.sender = sender;
      const mapper = this.parts.compileMapper(job);
      const source = this.parts.openSource(job);

      const start: ResumePoint = journal.replayState.resumePoint ?? {
        offset: job.layout.dataStartOffset,
        row: job.layout.dataStartRow,
      };
      this.lastOffset = start.offset;
      this.sessionStart = { at: Date.now(), offset: start.offset, read: job.counters.read };
      const watermark = new RowWatermark(journal.replayState.resumePoint);
      journal.setMarkProvider(() => watermark.current());

      const startText = resuming
        ? `Resuming import ${job.id} at row ${start.row} (byte ${start.offset}); ${job.counters.read} rows were already done.`
        : `Starting import ${job.id} of ${job.file.path} to website ${job.websiteId}${job.options.dryRun ? ' (dry run: nothing is written)' : ''}.`;
      this.log.info(startText);
      if (resuming) this.emit('notice', startText);
      this.update({ startedAt: job.startedAt ?? new Date().toISOString(), problem: null });
      this.setState('running', null);
      this.followSender(sender);
      this.startTimers();

      const pending = new Set<Promise<void>>();
      const emailChains = new Map<string, Promise<void>>();
      let readerError: Error | null = null;
      let firstSent = false;

      const track = (work: Promise<void>): void => {
        const tracked = work.finally(() => {
          pending.delete(tracked);
          this.wakeSlotWaiters();
        });
        pending.add(tracked);
      };

      const record = (entry: RowOutcomeRecord, contact: ContactProfile | null = null): void => {
        track(
          journal.append(entry).then(
            () => {
              watermark.settle(entry.row);
              if (this.listenerCount('outcome') > 0) this.emit('outcome', { ...entry, contact });
              this.maybeEmitProgress();
            },
            (error: Error) => {
              this.journalProblem ??= error;
              this.requestInternalStop();
            },
          ),
        );
      };

      const sendRow = (rec: SourceRecord, contact: ContactProfile): void => {
        const previous = emailChains.get(contact.email) ?? Promise.resolve();
        this.inFlight++;
        const work: Promise<void> = previous.then(async () => {
          if (this.stop) return; // left unsettled: re-sent on resume
          let outcome: SendOutcome;
          try {
            outcome = await sender!.send(contact, this.abort.signal);
          } catch (error) {
            if (this.stop || this.abort.signal.aborted) return;
            outcome = {
              kind: 'failed',
              reason: `Sending failed unexpectedly: ${(error as Error).message}`,
              retryable: true,
              requests: 0,
            };
          }
          record(outcomeRecord(rec, outcome), contact);
        });
        const chained = work
          .catch(() => undefined)
          .finally(() => {
            this.inFlight--;
          });
        emailChains.set(contact.email, chained);
        void chained.then(() => {
          if (emailChains.get(contact.email) === chained) emailChains.delete(contact.email);
        });
        track(chained);
      };

      try {
        outer: for await (const batch of source.read(start, this.abort.signal)) {
          for (const rec of batch) {
            if (this.stop) break outer;
            if (journal.isRecorded(rec.row)) continue;
            while (
              (this.inFlight >= this.maxInFlight || watermark.pendingCount >= this.maxUnsettled) &&
              !this.stop
            ) {
              await this.slotFreed();
            }
            if (this.stop) break outer;
            watermark.register(rec.row, rec.offset);
            this.lastOffset = rec.offset;
            const readerIssue = firstError(rec.issues);
            if (readerIssue) {
              record(skippedRecord(rec, readerIssue));
              continue;
            }
            const mapped = mapper.mapRow(rec.fields, rec.row);
            if (!mapped.contact) {
              const issue = firstError(mapped.issues) ?? {
                row: rec.row,
                severity: 'error' as const,
                code: 'row_not_importable',
                message: 'This row cannot be imported.',
              };
              record(skippedRecord(rec, issue));
              continue;
            }
            sendRow(rec, mapped.contact);
            if (!firstSent) {
              // Let the first request leave before mapping more rows: a resume shows it is alive at once.
              firstSent = true;
              await new Promise((resolve) => setImmediate(resolve));
            }
          }
        }
      } catch (error) {
        if (!this.stop) readerError = error as Error;
      }

      // Let rows in flight finish; on a stop, only for a while (what is left is re-sent on resume).
      const settleAll = Promise.allSettled([...pending]);
      if (this.stop) {
        await Promise.race([settleAll, delay(this.stopGraceMs)]);
      } else {
        await settleAll;
      }
      try {
        await journal.flush();
      } catch (error) {
        this.journalProblem ??= error as Error;
      }

      const counters = journal.replayState.counters;
      if (this.journalProblem) {
        endState = 'paused';
        endMessage = this.journalProblem.message;
        problem = { code: 'journal_write_failed', message: this.journalProblem.message };
      } else if (readerError) {
        endState = 'failed';
        endMessage = `The file could not be read to the end: ${readerError.message}`;
        problem = {
          code: (readerError as { code?: string }).code ?? 'file_unreadable',
          message: endMessage,
        };
      } else if (this.stop === 'cancel') {
        endState = 'cancelled';
        endMessage =
          `Cancelled. What was done stays done: ${counters.created} created and ${counters.updated} updated ` +
          `in Crisp, ${counters.skipped} skipped, ${counters.failed} failed.`;
      } else if (this.stop === 'pause') {
        endState = 'paused';
        endMessage = `Paused at row ${journal.replayState.resumePoint?.row ?? start.row}. Resume to continue where it stopped.`;
      } else if (this.stop === 'waiting') {
        const condition = sender.condition();
        endState = condition.state === 'sending' ? 'paused' : condition.state;
        endMessage = condition.state === 'sending' ? 'Paused.' : condition.message;
        if (condition.state === 'waiting_for_connection' && condition.problem) {
          problem = { code: condition.problem, message: condition.message };
        }
      } else if (watermark.pendingCount > 0) {
        endState = 'paused';
        endMessage = `${watermark.pendingCount} rows have no outcome yet; resume to send them.`;
      } else {
        endState = 'completed';
        endMessage = job.options.dryRun
          ? `Dry run done: ${counters.created} would be created, ${counters.updated} updated, ${counters.skipped} skipped.`
          : `Done: ${counters.created} created, ${counters.updated} updated, ${counters.skipped} skipped, ${counters.failed} failed.`;
      }
    } catch (error) {
      await this.cleanup(sender, lock);
      this.job = this.update({
        counters: { ...journal.replayState.counters },
        journal: journal.snapshot(),
      });
      await this.store.save(this.job);
      throw error;
    }

    await this.cleanup(sender, lock);
    this.update({
      counters: { ...journal.replayState.counters },
      journal: journal.snapshot(),
      waitingUntil: endState === 'waiting_for_quota' ? (this.job?.waitingUntil ?? null) : null,
      problem,
      finishedAt: isFinishedJobState(endState) ? new Date().toISOString() : null,
    });
    this.setState(endState, endMessage);
    this.log?.info(endMessage ?? describeJobState(endState));
    await this.writeOutputs(isFinishedJobState(endState));
    this.emitProgress();
    await this.log?.flush();
    return this.job!;
  }

  /** The job from disk, if it may run now. */
  private async loadRunnable(): Promise<ImportJobRecord> {
    const job = await this.store.load(this.jobId);
    this.job = job;
    if (!isResumableState(job.state)) throw new JobStateError(job.state, 'running');
    return job;
  }

  private async cleanup(sender: JobContactSender | null, lock: WebsiteLock | null): Promise<void> {
    this.stopTimers();
    this.abort.abort();
    this.wakeSlotWaiters();
    if (sender) await sender.close().catch(() => undefined);
    if (this.journal) await this.journal.close().catch(() => undefined);
    if (lock) await lock.release().catch(() => undefined);
  }

  /** summary.json always; failed-rows.csv when the job has ended (it reads the file again). */
  private async writeOutputs(finished: boolean): Promise<void> {
    const job = this.job!;
    const paths = this.store.paths(job.id);
    let failedRows: FailedRowsExport = { path: null, rows: 0 };
    if (finished && job.counters.skipped + job.counters.failed > 0) {
      try {
        const problems = await collectJournalProblems(paths.journal);
        const source = this.parts.openSource(job);
        const controller = new AbortController();
        failedRows = await writeFailedRowsCsv({
          outPath: paths.failedRows,
          problems,
          headers: job.layout.headers,
          delimiter: job.layout.format.delimiter,
          withBom: job.layout.format.encoding !== 'utf-8',
          readRows: (start) => source.read(start, controller.signal),
        });
        controller.abort();
      } catch (error) {
        this.log?.warn(`The failed rows file could not be written: ${(error as Error).message}`);
      }
    }
    const summary = buildSummary(job, {
      failedRowsFile: failedRows.path ?? (finished ? null : await existing(paths.failedRows)),
      journalFile: paths.journal,
      logFile: paths.log,
    });
    await writeSummary(paths.summary, summary);
  }

  // -------------------------------------------------------------------------------------------
  // State, progress, saving

  private update(patch: Partial<ImportJobRecord>): ImportJobRecord {
    this.job = { ...this.job!, ...patch, updatedAt: new Date().toISOString() };
    return this.job;
  }

  private setState(
    state: ImportJobState,
    message: string | null,
    waitingUntil: string | null = null,
  ): void {
    const previous = this.job!.state;
    if (previous === state && this.job!.stateMessage === message) return;
    assertTransition(previous, state);
    this.update({ state, stateMessage: message, waitingUntil });
    void this.saveSoon();
    this.emit('state', {
      jobId: this.jobId,
      state,
      previousState: previous,
      message,
      waitingUntil,
      problem: this.job!.problem?.code ?? null,
    });
    this.emitProgress();
  }

  private followSender(sender: JobContactSender): void {
    const apply = (condition: SenderCondition): void => {
      const state = this.job?.state;
      if (!state || isFinishedJobState(state) || this.stop) return;
      if (condition.state === 'sending') {
        if (state === 'waiting_for_quota' || state === 'waiting_for_connection') {
          this.log?.info('Sending again.');
          this.update({ problem: null });
          this.setState('running', null);
        }
        return;
      }
      const until =
        condition.state === 'waiting_for_quota'
          ? (condition.resumesAt?.toISOString() ?? null)
          : null;
      // Why it waits (a lost network continues by itself; a refused token needs the user).
      this.update({
        problem:
          condition.state === 'waiting_for_connection' && condition.problem
            ? { code: condition.problem, message: condition.message }
            : null,
      });
      this.log?.warn(condition.message);
      this.setState(condition.state, condition.message, until);
      if (this.stopWhenWaiting) this.requestInternalStop('waiting');
    };
    const unsubscribe = sender.onCondition(apply);
    this.abort.signal.addEventListener('abort', unsubscribe, { once: true });
    const now = sender.condition();
    if (now.state !== 'sending') apply(now);
  }

  private requestInternalStop(kind: StopRequest = 'pause'): void {
    if (this.stop) return;
    this.stop = kind;
    this.abort.abort();
    this.wakeSlotWaiters();
  }

  private startTimers(): void {
    this.saveTimer = setInterval(() => void this.saveSoon(), this.saveIntervalMs);
    // Not unref: while a run is active (even only waiting), the process must stay up.
    this.progressTimer = setInterval(
      () => this.maybeEmitProgress(),
      Math.max(250, this.progressIntervalMs),
    );
    this.progressTimer.unref?.();
  }

  private stopTimers(): void {
    if (this.saveTimer) clearInterval(this.saveTimer);
    if (this.progressTimer) clearInterval(this.progressTimer);
    this.saveTimer = null;
    this.progressTimer = null;
  }

  private saving: Promise<void> | null = null;
  private saveAgain = false;

  /** Writes job.json with the journal's durable snapshot; one write at a time. */
  private saveSoon(): Promise<void> {
    if (this.saving) {
      this.saveAgain = true;
      return this.saving;
    }
    this.saving = (async () => {
      do {
        this.saveAgain = false;
        if (this.journal) {
          this.update({
            counters: { ...this.journal.replayState.counters },
            journal: this.journal.snapshot(),
          });
        }
        try {
          await this.store.save(this.job!);
        } catch (error) {
          this.log?.warn(`job.json could not be saved: ${(error as Error).message}`);
        }
      } while (this.saveAgain);
    })().finally(() => {
      this.saving = null;
    });
    return this.saving;
  }

  private maybeEmitProgress(): void {
    const now = Date.now();
    if (now - this.lastProgressAt < this.progressIntervalMs) return;
    this.emitProgress();
  }

  private emitProgress(): void {
    const job = this.job;
    if (!job) return;
    const now = Date.now();
    this.lastProgressAt = now;
    const counters = this.journal ? { ...this.journal.replayState.counters } : job.counters;
    this.rateSamples.push({ at: now, read: counters.read });
    while (this.rateSamples.length > 2 && now - this.rateSamples[0]!.at > 60_000)
      this.rateSamples.shift();
    const first = this.rateSamples[0]!;
    const seconds = (now - first.at) / 1000;
    const sending = job.state === 'running';
    const rowsPerSecond = sending && seconds >= 1 ? (counters.read - first.read) / seconds : null;
    const size = job.file.fingerprint.size;
    const finished = job.state === 'completed';
    const fraction = finished ? 1 : size > 0 ? Math.min(1, this.lastOffset / size) : 0;
    const quota = this.sender?.quota() ?? { left: null, requestsPerDay: null, resetsAt: null };
    const eta = estimateJobEta({
      job,
      counters,
      offset: this.lastOffset,
      session: this.sessionStart,
      rowsPerSecond,
      inFlight: this.inFlight,
      quota,
      now,
    });
    this.emit('progress', {
      jobId: job.id,
      state: job.state,
      counters,
      fraction,
      rowsPerSecond,
      ...eta,
      quota,
      inFlight: this.inFlight,
    });
  }

  private slotFreed(): Promise<void> {
    return new Promise((resolve) => this.slotWaiters.push(resolve));
  }

  private wakeSlotWaiters(): void {
    const waiters = this.slotWaiters;
    this.slotWaiters = [];
    for (const wake of waiters) wake();
  }
}

/** Cancels a job that is not running: keeps what was done, writes the report. */
export async function cancelImportJob(
  store: ImportJobStore,
  jobId: string,
  parts?: ImportJobParts,
): Promise<ImportJobRecord> {
  const job = await store.load(jobId);
  if (isFinishedJobState(job.state)) return job;
  const c = job.counters;
  const cancelled: ImportJobRecord = {
    ...job,
    state: 'cancelled',
    stateMessage:
      `Cancelled. What was done stays done: ${c.created} created and ${c.updated} updated in Crisp, ` +
      `${c.skipped} skipped, ${c.failed} failed.`,
    waitingUntil: null,
    updatedAt: new Date().toISOString(),
    finishedAt: new Date().toISOString(),
  };
  await store.save(cancelled);
  const paths = store.paths(jobId);
  let failedRowsFile: string | null = null;
  if (parts && c.skipped + c.failed > 0) {
    try {
      const problems = await collectJournalProblems(paths.journal);
      const source = parts.openSource(cancelled);
      const controller = new AbortController();
      failedRowsFile = (
        await writeFailedRowsCsv({
          outPath: paths.failedRows,
          problems,
          headers: job.layout.headers,
          delimiter: job.layout.format.delimiter,
          withBom: job.layout.format.encoding !== 'utf-8',
          readRows: (start) => source.read(start, controller.signal),
        })
      ).path;
      controller.abort();
    } catch {
      failedRowsFile = null;
    }
  }
  await writeSummary(
    paths.summary,
    buildSummary(cancelled, { failedRowsFile, journalFile: paths.journal, logFile: paths.log }),
  );
  return cancelled;
}

function firstError(issues: readonly RowIssue[]): RowIssue | undefined {
  return issues.find((issue) => issue.severity === 'error');
}

function skippedRecord(rec: SourceRecord, issue: RowIssue): RowOutcomeRecord {
  return {
    t: 'row',
    row: rec.row,
    at: rec.offset,
    outcome: 'skipped',
    code: issue.code,
    ...(issue.column !== undefined ? { column: issue.column } : {}),
    reason: issue.message,
    requests: 0,
  };
}

function outcomeRecord(rec: SourceRecord, outcome: SendOutcome): RowOutcomeRecord {
  if (outcome.kind === 'failed') {
    return {
      t: 'row',
      row: rec.row,
      at: rec.offset,
      outcome: 'failed',
      reason: outcome.reason,
      retryable: outcome.retryable,
      requests: outcome.requests,
    };
  }
  return {
    t: 'row',
    row: rec.row,
    at: rec.offset,
    outcome: outcome.kind,
    peopleId: outcome.peopleId,
    requests: outcome.requests,
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref?.();
  });
}

async function existing(path: string): Promise<string | null> {
  try {
    await access(path);
    return path;
  } catch {
    return null;
  }
}

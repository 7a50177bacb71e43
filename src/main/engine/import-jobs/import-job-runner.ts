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
import { removeStrayTemporaryFiles } from '../app-settings/output-file';
import type { ContactProfile } from '../../../shared/contact-profile';
import type { DayPlan } from '../../../shared/day-plan';
import type { RowIssue } from '../../../shared/row-issue';
import type { ChangeLedger } from '../change-ledger';
import { ContactPlanner } from '../contact-planning';
import {
  assertJobFileSizeAndTime,
  assertJobFileUnchanged,
  FileChangedError,
} from './import-job-setup';
import { writeJobReport } from './job-finish';
import { estimateJobEta } from './job-eta';
import type {
  ImportJobParts,
  JobContactSender,
  SenderCondition,
  SourceRecord,
} from './import-job-parts';
import { buildSummary, ImportLog, writeSummary } from './job-outputs';
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
import { openWebsiteLedger } from './ledger-journals';
import { countRepeatedEmails } from './repeated-email-count';
import { RowDispatcher } from './row-dispatcher';
import {
  beginFailedRowRetry,
  describeFailedRowRetry,
  reopenForRetry,
  retryProgress,
  retryRowSource,
  type FailedRowRetryPlan,
} from './failed-row-retry';
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
  /** Contacts (groups of rows of one email) being sent at once, at most. Default 32. */
  maxInFlight?: number;
  /**
   * Rows read whose outcome is not durable yet, at most (bounds memory). Default 4096, and at
   * least the window and the held rows plus room for the rows in flight.
   */
  maxUnsettled?: number;
  /** Rows read ahead and grouped by email before they are sent. Default 5,000. */
  windowRows?: number;
  /** Unchanged rows held for their email's later rows, at most. Default 5,000. */
  maxHeldRows?: number;
  /** How often the change ledger is saved while sending. Default 60 s. */
  ledgerSaveIntervalMs?: number;
  /** Least time between two progress events. Default 100 ms. */
  progressIntervalMs?: number;
  /** How long a pause or cancel waits for rows in flight before leaving them to the resume. Default 5 s. */
  stopGraceMs?: number;
  /** How often job.json is rewritten while sending. Default 1 s. */
  saveIntervalMs?: number;
  /** End the run (state waiting_for_quota or waiting_for_connection) instead of waiting. */
  stopWhenWaiting?: boolean;
  /**
   * How often the file's size and modification time are checked while the job runs (a file
   * that changes mid-run stops it, as a changed file refuses a resume). Default 2 s.
   */
  fileCheckMs?: number;
  journal?: RowJournalOptions;
  lockPollMs?: number;
  /** Strings the log must never contain (a token key). */
  secrets?: string[];
  /**
   * Send again, inside this completed job, only its failed rows that can pass now (server
   * errors, timeouts...: failed-row-retry.ts); their new outcomes replace the failures.
   */
  retryFailed?: boolean;
}

type StopRequest = 'pause' | 'cancel' | 'waiting' | 'file_changed' | null;

/** How a run ended: the job's next state, in plain words, and why when it is a problem. */
interface RunEnd {
  state: ImportJobState;
  message: string | null;
  problem: ImportJobRecord['problem'];
}

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
  private readonly windowRows: number;
  private readonly maxHeldRows: number;
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
  private dispatcher: RowDispatcher | null = null;
  private watermark: RowWatermark | null = null;
  private ledger: ChangeLedger | null = null;
  private ledgerSaving: Promise<void> | null = null;
  private ledgerTimer: NodeJS.Timeout | null = null;
  /** Why every row is sent in this run (send all, or another import wrote since a pause). */
  private sendAllReason: string | null = null;
  private lastOffset = 0;
  private rateSamples: Array<{ at: number; read: number }> = [];
  private lastProgressAt = 0;
  private progressTimer: NodeJS.Timeout | null = null;
  private saveTimer: NodeJS.Timeout | null = null;
  private journalProblem: Error | null = null;
  /** The file changed while this run read or sent it (the run stops). */
  private fileChange: FileChangedError | null = null;
  private fileTimer: NodeJS.Timeout | null = null;
  private sessionStart = { at: 0, offset: 0, read: 0 };
  /** The failed rows this run sends again (retryFailed), once the journal is open. */
  private retryPlan: FailedRowRetryPlan | null = null;

  constructor(options: ImportJobRunnerOptions) {
    super();
    this.options = options;
    this.jobId = options.jobId;
    this.store = options.store;
    this.parts = options.parts;
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 32);
    this.windowRows = Math.max(1, options.windowRows ?? 5_000);
    this.maxHeldRows = Math.max(1, options.maxHeldRows ?? 5_000);
    // The window and the held rows are unsettled: the room always has space beyond them.
    this.maxUnsettled = Math.max(
      options.maxUnsettled ?? 4096,
      this.windowRows + this.maxHeldRows + 4 * this.maxInFlight,
    );
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
    this.dispatcher?.wake();
    return this.runPromise;
  }

  // -------------------------------------------------------------------------------------------

  private async runOnce(): Promise<ImportJobRecord> {
    const turn = await this.takeTurn();
    if ('ended' in turn) return turn.ended;
    const { lock } = turn;
    let job = turn.job;
    const resuming = job.journal.bytes > 0 || job.startedAt !== null;
    const paths = this.store.paths(job.id);

    // The sender is built while the journal is read (it reads its own small files).
    const senderReady = this.parts.createSender(job).then(
      (created) => ({ created, error: null as unknown }),
      (error: unknown) => ({ created: null, error }),
    );
    let journal: RowJournal;
    try {
      journal = await this.openJournal(paths.journal, job);
    } catch (error) {
      const ready = await senderReady;
      await ready.created?.close().catch(() => undefined);
      await lock?.release();
      throw error;
    }
    job = this.update({
      counters: { ...journal.replayState.counters },
      journal: journal.snapshot(),
    });
    if (this.options.retryFailed)
      this.retryPlan = await beginFailedRowRetry(journal, paths.journal);

    let sender: JobContactSender | null = null;
    let end: RunEnd;
    try {
      const ready = await senderReady;
      if (!ready.created) throw ready.error;
      sender = ready.created;
      this.sender = sender;
      const start: ResumePoint = journal.replayState.resumePoint ?? {
        offset: job.layout.dataStartOffset,
        row: job.layout.dataStartRow,
      };
      this.lastOffset = start.offset;
      this.sessionStart = { at: Date.now(), offset: start.offset, read: job.counters.read };
      const watermark = new RowWatermark(journal.replayState.resumePoint);
      this.watermark = watermark;
      journal.setMarkProvider(() => watermark.current());

      const startText = this.retryPlan
        ? describeFailedRowRetry(job.id, this.retryPlan)
        : resuming
          ? `Resuming import ${job.id} at row ${start.row} (byte ${start.offset}); ${job.counters.read} rows were already done.`
          : `Starting import ${job.id} of ${job.file.path} to website ${job.websiteId}${job.options.dryRun ? ' (dry run: nothing is written)' : ''}.`;
      this.log!.info(startText);
      if (resuming) this.emit('notice', startText);
      const startedAt = job.startedAt ?? new Date().toISOString();
      job = this.update({ startedAt, problem: null });
      this.ledger = await this.openLedger(job, resuming);
      // A retry leaves the ledger to learn its outcomes from the journal when next opened: the
      // rows' notes there are those of the whole file (see RowJournal.retryFailedRows).
      if (this.retryPlan) this.ledger = null;
      this.setState('running', null);
      this.followSender(sender);
      this.startTimers();

      const dispatcher = await this.dispatcherFor(job, journal, watermark, sender);
      this.dispatcher = dispatcher;
      sender.expectContacts?.(() => this.contactsToLookUp());
      sender.onNote?.((text) => {
        this.log?.info(text);
        this.emit('notice', text);
      });
      const readerError = await this.pumpRows(job, start, journal, watermark, dispatcher);
      // Let rows in flight finish; on a stop, only for a while (what is left is re-sent on resume).
      await dispatcher.settle(this.stop ? this.stopGraceMs : undefined);
      try {
        await journal.flush();
      } catch (error) {
        this.journalProblem ??= error as Error;
      }
      // Rows appended (or the file saved again) after it was read are not left out unsaid.
      if (!this.stop && !readerError) await this.checkFile(job, 'whole');
      end = this.endOfRun(job, journal, watermark, sender, readerError);
    } catch (error) {
      await this.cleanup(sender, lock, journal, false);
      this.job = this.update({
        counters: { ...journal.replayState.counters },
        journal: journal.snapshot(),
      });
      await this.store.save(this.job);
      throw error;
    }

    // The website stays locked until job.json tells how the run ended.
    await this.cleanup(sender, null, journal, end.state === 'completed');
    try {
      await this.finishRun(end, journal);
    } finally {
      await lock?.release().catch(() => undefined);
    }
    this.emitProgress();
    await this.log?.flush();
    return this.job!;
  }

  /**
   * Saves how the run ended. A finished job's report (failed-rows.csv, summary.json) is written
   * before job.json says it is finished, so "completed" always comes with its report: when the
   * report cannot be written (a full disk), the job stays paused and says so, and the next run
   * writes it without sending anything again.
   */
  private async finishRun(end: RunEnd, journal: RowJournal): Promise<void> {
    this.update({
      counters: { ...journal.replayState.counters },
      journal: journal.snapshot(),
      waitingUntil: end.state === 'waiting_for_quota' ? (this.job?.waitingUntil ?? null) : null,
    });
    const finalEnd = isFinishedJobState(end.state) ? await this.writeReport(end) : end;
    const finished = isFinishedJobState(finalEnd.state);
    this.update({
      problem: finalEnd.problem,
      finishedAt: finished ? new Date().toISOString() : null,
    });
    // The job saved by the report's summary and by job.json are the same (finishedAt aside).
    this.setState(finalEnd.state, finalEnd.message);
    this.log?.info(finalEnd.message ?? describeJobState(finalEnd.state));
    await this.saveSoon();
    if (!finished) await this.writeSummaryOfStop();
    const paths = this.store.paths(this.jobId);
    await removeStrayTemporaryFiles(paths.dir);
  }

  /** The report of a job that ends now as `end` says; for a completed job, the job stays paused if it cannot be written. */
  private async writeReport(end: RunEnd): Promise<RunEnd> {
    const finalJob: ImportJobRecord = {
      ...this.job!,
      state: end.state,
      stateMessage: end.message,
      problem: end.problem,
      finishedAt: new Date().toISOString(),
    };
    try {
      await writeJobReport(this.store, finalJob, this.parts, {
        failedRowsRequired: end.state === 'completed',
        onFailedRowsProblem: (message) =>
          this.log?.warn(`The failed rows file could not be written: ${message}`),
      });
      return end;
    } catch (error) {
      const reason = (error as Error).message;
      if (end.state !== 'completed') {
        this.log?.warn(`The report could not be written: ${reason}`);
        return end;
      }
      const message =
        `Every row has its outcome, but the report could not be written (${reason}). ` +
        'Free some disk space or check the folder, then resume the import: nothing is sent again, only the report is written.';
      this.log?.error(message);
      return { state: 'paused', message, problem: { code: 'report_unwritable', message } };
    }
  }

  /**
   * Loads the job, opens its log, checks its file and waits for the website's send lock (one
   * sender per website, across processes), then reads the job again (another process may have
   * advanced or finished it while we waited). Ends early when stopped while waiting.
   */
  private async takeTurn(): Promise<
    { job: ImportJobRecord; lock: WebsiteLock | null } | { ended: ImportJobRecord }
  > {
    let job = await this.loadRunnable();
    this.parts.prepare?.(job);
    // The file check runs while the website lock is taken (both mostly wait on the disk).
    const fileCheckFailed = new AbortController();
    let fileProblem: unknown = null;
    const fileCheck = assertJobFileUnchanged(job).catch((error: unknown) => {
      fileProblem = error;
      fileCheckFailed.abort();
    });
    this.log = new ImportLog(this.store.paths(job.id).log);
    for (const secret of this.options.secrets ?? []) this.log.addSecret(secret);

    let lock: WebsiteLock | null = null;
    if (!job.options.dryRun) {
      let waitedForLock = false;
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
        if (this.stop === 'cancel') {
          return { ended: await cancelImportJob(this.store, this.jobId, this.parts) };
        }
        this.setState('paused', 'Paused before it started sending.');
        await this.saveSoon();
        return { ended: this.job! };
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
    return { job, lock };
  }

  private async openJournal(path: string, job: ImportJobRecord): Promise<RowJournal> {
    const opened = await RowJournal.open(path, job.journal, this.options.journal);
    for (const note of opened.notes) {
      this.log!.warn(note);
      this.emit('notice', note);
    }
    this.journal = opened.journal;
    return opened.journal;
  }

  /**
   * The website's change ledger, with every journal folded in; null when it cannot be read (then
   * every row is sent, which is correct, only dearer). A dry run reads it without writing.
   */
  private async openLedger(job: ImportJobRecord, resuming: boolean): Promise<ChangeLedger | null> {
    const dryRun = job.options.dryRun;
    try {
      const ledger = await openWebsiteLedger({
        store: this.store,
        websiteId: job.websiteId,
        apiUrl: job.apiUrl,
        writable: !dryRun,
      });
      const lastRun = ledger.lastRunJob;
      if (!dryRun) await ledger.beginRun(job.id, job.startedAt ?? job.createdAt);
      this.sendAllReason = job.options.sendAll
        ? 'every row is sent (send all)'
        : resuming && lastRun !== null && lastRun !== job.id
          ? `import ${lastRun} wrote to this website since this import paused, so every row left is sent`
          : null;
      if (this.sendAllReason && !job.options.sendAll)
        this.log?.info(`Note: ${this.sendAllReason}.`);
      return ledger;
    } catch (error) {
      this.log?.warn(
        `What this app wrote to the website before could not be read (${(error as Error).message}); every row is sent.`,
      );
      return null;
    }
  }

  private async dispatcherFor(
    job: ImportJobRecord,
    journal: RowJournal,
    watermark: RowWatermark,
    sender: JobContactSender,
  ): Promise<RowDispatcher> {
    const startedAt = job.startedAt ?? job.createdAt;
    const ledger = this.ledger;
    const sendAll = this.sendAllReason !== null;
    const counting = performance.now();
    const census = await countRepeatedEmails({
      job,
      ledger,
      sendAll,
      source: this.parts.openSource(job),
      mapper: this.parts.compileMapper(job),
      signal: this.abort.signal,
    });
    if (census) {
      const seconds = ((performance.now() - counting) / 1000).toFixed(1);
      this.log?.info(
        `Read the file once to count the ${census.size} emails this app wrote with several rows (${seconds} s).`,
      );
    }
    const planner = new ContactPlanner({
      ledger,
      jobId: job.id,
      startedAt,
      emptyCells: job.mapping.emptyCells,
      sendAll,
      maxHeldRows: this.maxHeldRows,
      census,
    });
    return new RowDispatcher({
      journal,
      watermark,
      sender,
      planner,
      ledger: ledger && !job.options.dryRun ? { ledger, jobId: job.id, startedAt } : null,
      maxInFlight: this.maxInFlight,
      windowRows: this.windowRows,
      signal: this.abort.signal,
      onRecorded: (entry, contact) => {
        if (this.listenerCount('outcome') > 0) this.emit('outcome', { ...entry, contact });
        this.maybeEmitProgress();
      },
      onJournalError: (error) => {
        this.journalProblem ??= error;
        this.requestInternalStop();
      },
    });
  }

  /**
   * Reads rows in file order from `start`, passes over those the journal already has, records
   * rows that cannot be imported and hands the others to the dispatcher. Resolves with the
   * reader's error, if the file could not be read to the end.
   */
  private async pumpRows(
    job: ImportJobRecord,
    start: ResumePoint,
    journal: RowJournal,
    watermark: RowWatermark,
    dispatcher: RowDispatcher,
  ): Promise<Error | null> {
    const mapper = this.parts.compileMapper(job);
    const source = this.retryPlan
      ? retryRowSource(
          this.parts.openSource(job),
          this.retryPlan,
          job.layout.format.sheet === undefined,
        )
      : this.parts.openSource(job);
    try {
      outer: for await (const batch of source.read(start, this.abort.signal)) {
        for (const rec of batch) {
          if (this.stop) break outer;
          if (journal.isRecorded(rec.row)) continue;
          while (watermark.pendingCount >= this.maxUnsettled && !this.stop) {
            await this.unsettledBelowMax(watermark, dispatcher);
          }
          if (this.stop) break outer;
          watermark.register(rec.row, rec.offset);
          this.lastOffset = rec.offset;
          const readerIssue = firstError(rec.issues);
          if (readerIssue) {
            dispatcher.skip(skippedRecord(rec, readerIssue));
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
            dispatcher.skip(skippedRecord(rec, issue));
            continue;
          }
          const added = dispatcher.add({
            row: rec.row,
            offset: rec.offset,
            contact: mapped.contact,
          });
          if (added) await added;
        }
      }
      // The whole file is read: it must still be the file the job began with.
      if (!this.stop) await this.checkFile(job, 'whole');
      if (!this.stop) await dispatcher.finish();
      return null;
    } catch (error) {
      return this.stop ? null : (error as Error);
    }
  }

  /**
   * Waits for rows to settle. Should nothing be in flight (the window and the held rows fill the
   * room), the window leaves, then the oldest held rows: the import always moves on.
   */
  private async unsettledBelowMax(
    watermark: RowWatermark,
    dispatcher: RowDispatcher,
  ): Promise<void> {
    const before = watermark.pendingCount;
    await Promise.race([dispatcher.settle(50), this.stopped()]);
    if (watermark.pendingCount < before || this.stop) return;
    if (dispatcher.inFlight === 0) await dispatcher.relieve();
    // Always through a timer: a wait that resolves at once must not starve the event loop.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }

  private stopped(): Promise<void> {
    return new Promise((resolve) => {
      if (this.abort.signal.aborted) resolve();
      else this.abort.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  /**
   * Contacts still to send to emails neither this import nor the ledger knows (each needs a
   * look-up), from the rows left in the file (by bytes) at the share seen so far; null early on.
   */
  private contactsToLookUp(): number | null {
    const dispatcher = this.dispatcher;
    const share = dispatcher?.lookupShare ?? null;
    const job = this.job;
    if (!dispatcher || share === null || !job) return null;
    if (this.retryPlan) {
      const left = this.retryPlan.rows.length - (this.watermark?.registered ?? 0);
      return Math.round((Math.max(0, left) + dispatcher.windowRows) * share);
    }
    const readBytes = this.lastOffset - this.sessionStart.offset;
    const readRows = this.watermark?.registered ?? 0;
    const bytesLeft = Math.max(0, job.file.fingerprint.size - this.lastOffset);
    // Too early to tell (the first rows of the file).
    if (readRows < 100 && bytesLeft > 0 && this.dispatcher?.readingFile !== false) return null;
    const rowsLeft = readBytes > 0 ? (bytesLeft / readBytes) * readRows : 0;
    return Math.round((rowsLeft + dispatcher.windowRows) * share);
  }

  /** How the run ends, from what stopped it (or did not). */
  private endOfRun(
    job: ImportJobRecord,
    journal: RowJournal,
    watermark: RowWatermark,
    sender: JobContactSender,
    readerError: Error | null,
  ): RunEnd {
    const counters = journal.replayState.counters;
    if (this.journalProblem) {
      const message = this.journalProblem.message;
      return { state: 'paused', message, problem: { code: 'journal_write_failed', message } };
    }
    if (readerError) {
      const message = `The file could not be read to the end: ${readerError.message}`;
      const code = (readerError as { code?: string }).code ?? 'file_unreadable';
      return { state: 'failed', message, problem: { code, message } };
    }
    if (this.stop === 'cancel') {
      return {
        state: 'cancelled',
        message:
          `Cancelled. What was done stays done: ${counters.created} created and ${counters.updated} updated ` +
          `in Crisp, ${counters.skipped} skipped, ${counters.failed} failed.`,
        problem: null,
      };
    }
    if (this.fileChange) {
      const message = this.fileChange.message;
      return { state: 'paused', message, problem: { code: 'file_changed', message } };
    }
    if (this.stop === 'pause') {
      const row = journal.replayState.resumePoint?.row ?? job.layout.dataStartRow;
      return {
        state: 'paused',
        message: `Paused at row ${row}. Resume to continue where it stopped.`,
        problem: null,
      };
    }
    if (this.stop === 'waiting') {
      const condition = sender.condition();
      if (condition.state === 'sending')
        return { state: 'paused', message: 'Paused.', problem: null };
      const problem =
        condition.state === 'waiting_for_connection' && condition.problem
          ? { code: condition.problem, message: condition.message }
          : null;
      return { state: condition.state, message: condition.message, problem };
    }
    if (watermark.pendingCount > 0) {
      return {
        state: 'paused',
        message: `${watermark.pendingCount} rows have no outcome yet; resume to send them.`,
        problem: null,
      };
    }
    const unchanged = counters.unchanged > 0 ? `, ${counters.unchanged} unchanged` : '';
    return {
      state: 'completed',
      message: job.options.dryRun
        ? `Dry run done: ${counters.created} would be created, ${counters.updated} updated${unchanged}, ${counters.skipped} skipped.`
        : `Done: ${counters.created} created, ${counters.updated} updated${unchanged}, ${counters.skipped} skipped, ${counters.failed} failed.`,
      problem: null,
    };
  }

  /** The job from disk, if it may run now. */
  private async loadRunnable(): Promise<ImportJobRecord> {
    const loaded = await this.store.load(this.jobId);
    const job = this.options.retryFailed ? reopenForRetry(loaded, this.job !== null) : loaded;
    this.job = job;
    if (!isResumableState(job.state)) throw new JobStateError(job.state, 'running');
    return job;
  }

  private async cleanup(
    sender: JobContactSender | null,
    lock: WebsiteLock | null,
    journal: RowJournal,
    completed: boolean,
  ): Promise<void> {
    this.stopTimers();
    this.abort.abort();
    this.dispatcher?.wake();
    if (sender) await sender.close().catch(() => undefined);
    await this.saveLedger(journal, completed);
    if (this.journal) await this.journal.close().catch(() => undefined);
    if (lock) await lock.release().catch(() => undefined);
  }

  /** Writes the ledger with what the journal made durable (never for a dry run). */
  private async saveLedger(journal: RowJournal, completed: boolean): Promise<void> {
    const ledger = this.ledger;
    const job = this.job;
    if (!ledger || !job || job.options.dryRun) return;
    this.ledgerSaving ??= ledger
      .save({ jobId: job.id, bytes: journal.snapshot().bytes, completed })
      .catch((error: unknown) => {
        this.log?.warn(
          `What this import wrote could not be remembered yet (${(error as Error).message}); it will be read again from the journal.`,
        );
      })
      .finally(() => {
        this.ledgerSaving = null;
      });
    await this.ledgerSaving;
  }

  /** summary.json of a job that stopped without finishing (best effort: job.json is the truth). */
  private async writeSummaryOfStop(): Promise<void> {
    const job = this.job!;
    const paths = this.store.paths(job.id);
    const summary = buildSummary(job, {
      failedRowsFile: await existing(paths.failedRows),
      journalFile: paths.journal,
      logFile: paths.log,
    });
    await writeSummary(paths.summary, summary).catch((error: unknown) => {
      this.log?.warn(`summary.json could not be written: ${(error as Error).message}`);
    });
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

  /**
   * Checks that the file is still the one the job began with: its size and modification time
   * (every few seconds while the job runs), or its whole fingerprint (once the file is read, and
   * before the job completes). A change stops the run (see endOfRun).
   */
  private async checkFile(job: ImportJobRecord, how: 'size_and_time' | 'whole'): Promise<void> {
    if (this.fileChange) return;
    try {
      if (how === 'whole') await assertJobFileUnchanged(job, 'run');
      else await assertJobFileSizeAndTime(job);
    } catch (error) {
      if (!(error instanceof FileChangedError) || this.fileChange) return;
      this.fileChange = error;
      this.log?.error(error.message);
      this.requestInternalStop('file_changed');
    }
  }

  private requestInternalStop(kind: StopRequest = 'pause'): void {
    if (this.stop) return;
    this.stop = kind;
    this.abort.abort();
    this.dispatcher?.wake();
  }

  private startTimers(): void {
    this.saveTimer = setInterval(() => void this.saveSoon(), this.saveIntervalMs);
    const job = this.job!;
    this.fileTimer = setInterval(
      () => void this.checkFile(job, 'size_and_time'),
      this.options.fileCheckMs ?? 2000,
    );
    this.fileTimer.unref?.();
    // Not unref: while a run is active (even only waiting), the process must stay up.
    this.progressTimer = setInterval(
      () => this.maybeEmitProgress(),
      Math.max(250, this.progressIntervalMs),
    );
    this.progressTimer.unref?.();
    const journal = this.journal;
    if (this.ledger && journal) {
      this.ledgerTimer = setInterval(
        () => void this.saveLedger(journal, false),
        this.options.ledgerSaveIntervalMs ?? 60_000,
      );
      this.ledgerTimer.unref?.();
    }
  }

  private stopTimers(): void {
    if (this.saveTimer) clearInterval(this.saveTimer);
    if (this.progressTimer) clearInterval(this.progressTimer);
    if (this.ledgerTimer) clearInterval(this.ledgerTimer);
    if (this.fileTimer) clearInterval(this.fileTimer);
    this.fileTimer = null;
    this.saveTimer = null;
    this.progressTimer = null;
    this.ledgerTimer = null;
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
    const retried = this.retryPlan ? retryProgress(this.retryPlan, this.watermark) : null;
    const fraction =
      retried?.fraction ?? (finished ? 1 : size > 0 ? Math.min(1, this.lastOffset / size) : 0);
    const quota = this.sender?.quota() ?? { left: null, requestsPerDay: null, resetsAt: null };
    const eta =
      retried?.eta ??
      estimateJobEta({
        job,
        counters,
        offset: this.lastOffset,
        session: this.sessionStart,
        rowsPerSecond,
        // Rows read but not recorded yet: in the read-ahead window, held, or being sent.
        inFlight: this.watermark?.pendingCount ?? 0,
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
      inFlight: this.dispatcher?.inFlight ?? 0,
    });
  }
}

/**
 * Cancels a job that is not running: keeps what was done, writes the report (before job.json
 * says it is cancelled, as for any finished job).
 */
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
  await writeJobReport(store, cancelled, parts ?? null, { failedRowsRequired: false });
  await store.save(cancelled);
  await removeStrayTemporaryFiles(store.paths(jobId).dir);
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

async function existing(path: string): Promise<string | null> {
  try {
    await access(path);
    return path;
  } catch {
    return null;
  }
}

/**
 * Import jobs as the app shows them: created here (file layout fixed, mapping checked), run in
 * the engine worker, listed from the state folder (shared with the CLI) with the live progress of
 * the ones running now. Publishes progress and state changes; drives the desktop's manners.
 */
import { lstat, readFile, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type {
  CsvFormatOverrides,
  JobDetail,
  JobReport,
  JobState,
  JobSummary,
} from '../../shared/ipc-contract';
import type { ImportMapping } from '../../shared/column-mapping';
import { validateMapping } from '../../shared/contact-rules';
import {
  ImportJobStore,
  cancelImportJob,
  completeJobOutputs,
  createEngineParts,
  createImportJob,
  estimateJobEta,
  isFinishedJobState,
  isResumableState,
  readJournalRows,
  savedQuotaView,
  type ImportJobProgress,
  type ImportJobRecord,
  type ImportJobState,
} from '../engine/import-jobs';
import { copyFileAtomic } from '../engine/app-settings/output-file';
import { detectCsvFormatWholeFile, type DetectOptions } from '../engine/csv-reader';
import { IpcFailure } from '../ipc/ipc-failure';
import type { JobRunSettings, WorkerMessage } from './engine-protocol';
import { deserializeError } from './engine-protocol';
import type { EngineThread } from './engine-thread';
import { toIpcFailure } from './engine-errors';
import type { DesktopHooks, PublishEvent } from './service-ports';
import { assertFailedRowsRetryable, failedRowCounts } from './failed-row-retries';

/** An import that ran at least this long gets a system notification when it ends. */
export const LONG_IMPORT_MS = 60_000;

const STATE_NAMES: Record<ImportJobState, JobState> = {
  draft: 'draft',
  scanning: 'scanning',
  ready: 'ready',
  running: 'running',
  paused: 'paused',
  waiting_for_quota: 'waiting_quota',
  waiting_for_connection: 'waiting_connection',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

interface LiveJob {
  /** The job as last read from its folder (refreshed on each state change). */
  record: ImportJobRecord;
  progress: ImportJobProgress | null;
  state: ImportJobState;
  message: string | null;
  waitingUntil: string | null;
  startedAt: number;
  /** Resolves when the run has started (first state) or failed to start. */
  started: { resolve: () => void; reject: (error: Error) => void } | null;
}

export interface JobDeskOptions {
  stateDir: string;
  engine: EngineThread;
  publish: PublishEvent;
  desktop: DesktopHooks;
  notificationsEnabled: () => Promise<boolean>;
  /** The run settings (connection with its key, budget, empty-cell policy) for a website. */
  runSettings: (websiteId: string) => Promise<JobRunSettings>;
}

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

export class JobDesk {
  readonly store: ImportJobStore;
  private readonly live = new Map<string, LiveJob>();
  private readonly reports = new Map<string, JobReport>();
  /** The last quota figures seen per job (still shown once the run has ended). */
  private readonly lastQuota = new Map<string, ImportJobProgress['quota']>();
  /** The day budget of each website as saved in the state folder (for jobs not running here). */
  private readonly savedQuota = new Map<string, ImportJobProgress['quota']>();

  constructor(private readonly options: JobDeskOptions) {
    this.store = new ImportJobStore(options.stateDir);
    options.engine.onMessage((message) => this.onWorkerMessage(message));
    options.engine.onCrash((reason) => this.onWorkerCrash(reason));
  }

  // ----------------------------------------------------------------------------------------
  // Views

  summary(record: ImportJobRecord): JobSummary {
    const live = this.live.get(record.id);
    const progress = live?.progress ?? null;
    // A finished state is shown once the run has ended (its report and failed rows file written).
    const state = live ? (isFinishedJobState(live.state) ? 'running' : live.state) : record.state;
    // The newer of the live progress and the saved record (a state change may come first).
    const counters =
      progress && progress.counters.read >= record.counters.read
        ? progress.counters
        : record.counters;
    const size = record.file.fingerprint.size;
    const finished = isFinishedJobState(state);
    const fraction =
      progress?.fraction ??
      (state === 'completed'
        ? 1
        : size > 0 && record.journal.resumePoint
          ? Math.min(1, record.journal.resumePoint.offset / size)
          : 0);
    const hasFailedRows = counters.skipped + counters.failed > 0;
    const eta = progress ?? this.savedEta(record, state);
    return {
      jobId: record.id,
      fileName: fileName(record.file.path),
      displayPath: record.file.path,
      connectionId: record.websiteId,
      websiteId: record.websiteId,
      state: STATE_NAMES[state],
      counters: {
        read: counters.read,
        total: finished ? counters.read : null,
        created: counters.created,
        updated: counters.updated,
        skipped: counters.skipped,
        failed: counters.failed,
        unchanged: counters.unchanged,
        requests: counters.requests,
      },
      fraction: Math.max(0, Math.min(1, fraction)),
      rowsPerSecond: progress?.rowsPerSecond ?? null,
      etaSeconds: eta.etaSeconds,
      finishesAt: eta.finishesAt,
      dayPlan: eta.dayPlan,
      quota: progress?.quota ??
        this.lastQuota.get(record.id) ?? {
          left: null,
          requestsPerDay: null,
          resetsAt: record.waitingUntil,
        },
      message: live?.message ?? record.stateMessage,
      resumable: !live && isResumableState(record.state),
      hasFailedRows,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      finishedAt: record.finishedAt,
    };
  }

  /** When a job not running here would finish if resumed now (or when the quota is back). */
  private savedEta(
    record: ImportJobRecord,
    state: ImportJobState,
  ): ReturnType<typeof estimateJobEta> {
    const quota = this.lastQuota.get(record.id) ?? this.savedQuota.get(record.websiteId);
    if (!quota) return { etaSeconds: null, finishesAt: null, dayPlan: null };
    return estimateJobEta({
      job: { ...record, state },
      counters: record.counters,
      offset: record.journal.resumePoint?.offset ?? record.layout.dataStartOffset,
      session: null,
      rowsPerSecond: null,
      quota,
      now: Date.now(),
    });
  }

  /** Reads the saved day budget of these websites again (jobs not running here use it). */
  private async refreshSavedQuota(websiteIds: Iterable<string>): Promise<void> {
    await Promise.all(
      [...new Set(websiteIds)].map(async (websiteId) => {
        try {
          this.savedQuota.set(websiteId, await savedQuotaView(this.options.stateDir, websiteId));
        } catch {
          this.savedQuota.delete(websiteId);
        }
      }),
    );
  }

  private async load(jobId: string): Promise<ImportJobRecord> {
    let record: ImportJobRecord;
    try {
      record = await this.store.load(jobId);
    } catch (error) {
      throw toIpcFailure(error);
    }
    await this.refreshSavedQuota([record.websiteId]);
    return this.asSeenNow(record);
  }

  /**
   * A job left "running" on disk that nothing runs any more (the app or the CLI was killed, the
   * machine slept and died) is shown as what it is: interrupted, and resumable. A job that another
   * process (the CLI) is sending right now stays "running".
   */
  private async asSeenNow(record: ImportJobRecord): Promise<ImportJobRecord> {
    if (record.state !== 'running' || this.live.has(record.id)) return record;
    if (await this.sendingElsewhere(record)) return record;
    return {
      ...record,
      state: 'paused',
      stateMessage:
        'Interrupted: the app stopped while this import was sending. Resume it to carry on exactly where it stopped.',
    };
  }

  /** True when another live process holds this job's website lock (see website-lock.ts). */
  private async sendingElsewhere(record: ImportJobRecord): Promise<boolean> {
    const lockPath = join(
      this.options.stateDir,
      'locks',
      `${record.websiteId.replace(/[^A-Za-z0-9_-]/g, '_')}.lock`,
    );
    let owner: { pid?: unknown; host?: unknown; jobId?: unknown };
    try {
      owner = JSON.parse(await readFile(lockPath, 'utf8')) as typeof owner;
    } catch {
      return false;
    }
    if (owner.jobId !== record.id || typeof owner.pid !== 'number') return false;
    if (owner.host !== hostname()) return true;
    if (owner.pid === process.pid) return false;
    try {
      process.kill(owner.pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  }

  async list(): Promise<JobSummary[]> {
    const { jobs } = await this.store.list();
    const shown = await Promise.all(
      jobs.filter((job) => !job.options.dryRun).map((job) => this.asSeenNow(job)),
    );
    await this.refreshSavedQuota(shown.map((job) => job.websiteId));
    return shown.map((job) => this.summary(job));
  }

  /** Unfinished jobs not running here: offered for resume (a crash leaves "running" behind). */
  async resumableIds(): Promise<string[]> {
    return (await this.list()).filter((job) => job.resumable).map((job) => job.jobId);
  }

  activeJobId(): string | null {
    for (const [jobId, live] of this.live) if (live.state === 'running') return jobId;
    return null;
  }

  async detail(jobId: string): Promise<JobDetail> {
    const record = await this.load(jobId);
    const job = this.summary(record);
    const finished = isFinishedJobState(record.state) && !this.live.has(jobId);
    if (finished && !this.reports.has(jobId)) await this.completeOutputs(record);
    return {
      job,
      mapping: record.mapping,
      format: record.layout.format,
      report: finished ? await this.report(record) : null,
    };
  }

  private async report(record: ImportJobRecord): Promise<JobReport> {
    const cached = this.reports.get(record.id);
    if (cached) return cached;
    const groups = new Map<
      string,
      { code: string; message: string; count: number; rows: number[] }
    >();
    if (record.counters.skipped + record.counters.failed > 0) {
      try {
        // The last outcome of each row wins (a row failed, then sent on resume, is not a failure).
        const last = new Map<number, { code: string; message: string }>();
        for await (const entry of readJournalRows(this.store.paths(record.id).journal)) {
          if (entry.outcome === 'skipped') {
            const where = entry.column ? `${entry.column}: ` : '';
            last.set(entry.row, { code: entry.code, message: `${where}${entry.reason}` });
          } else if (entry.outcome === 'failed') {
            last.set(entry.row, { code: 'send_failed', message: entry.reason });
          } else {
            last.delete(entry.row);
          }
        }
        for (const [row, problem] of [...last].sort((a, b) => a[0] - b[0])) {
          const key = `${problem.code}\u0000${problem.message}`;
          let group = groups.get(key);
          if (!group) {
            group = { ...problem, count: 0, rows: [] };
            groups.set(key, group);
          }
          group.count++;
          if (group.rows.length < 1000) group.rows.push(row);
        }
      } catch {
        // The counts below still hold; only the grouping is missing.
      }
    }
    const started = record.startedAt ? Date.parse(record.startedAt) : NaN;
    const ended = record.finishedAt ? Date.parse(record.finishedAt) : NaN;
    const report: JobReport = {
      created: record.counters.created,
      updated: record.counters.updated,
      skipped: record.counters.skipped,
      failed: record.counters.failed,
      unchanged: record.counters.unchanged,
      sendAll: record.options.sendAll,
      requests: record.counters.requests,
      durationSeconds:
        Number.isFinite(started) && Number.isFinite(ended)
          ? Math.max(0, (ended - started) / 1000)
          : 0,
      ...(await failedRowCounts(this.store, record)),
      failureGroups: [...groups.values()].sort((a, b) => b.count - a.count),
    };
    this.reports.set(record.id, report);
    return report;
  }

  // ----------------------------------------------------------------------------------------
  // Commands

  async start(input: {
    path: string;
    /** What an earlier check found (the encoding of the whole file). */
    detectOptions?: DetectOptions;
    overrides: CsvFormatOverrides | undefined;
    mapping: ImportMapping;
    websiteId: string;
    apiUrl: string | null;
    /** Send every row, unchanged ones too. */
    sendAll?: boolean;
    undoable?: boolean;
  }): Promise<JobSummary> {
    let detection;
    try {
      // The job records the encoding that reads every row: a UTF-8 guess from the start of the
      // file is checked against the whole file first.
      detection = (
        await detectCsvFormatWholeFile(input.path, input.overrides ?? {}, input.detectOptions)
      ).detection;
    } catch (error) {
      throw toIpcFailure(error);
    }
    const errors = validateMapping(input.mapping, detection.headers).filter(
      (issue) => issue.severity === 'error',
    );
    if (errors.length > 0) {
      throw new IpcFailure('mapping_invalid', errors.map((e) => e.message).join(' '));
    }
    let record: ImportJobRecord;
    try {
      record = await createImportJob(this.store, {
        filePath: input.path,
        layout: {
          format: detection.format,
          detected: detection.detected,
          headers: detection.headers,
          dataStartOffset: detection.dataStartOffset,
          dataStartRow: detection.dataStartRow,
          bomLength: detection.bomLength ?? 0,
          ...(detection.modifiedAtMs !== undefined ? { modifiedAtMs: detection.modifiedAtMs } : {}),
        },
        mapping: input.mapping,
        websiteId: input.websiteId,
        apiUrl: input.apiUrl,
        options: {
          formatOverrides: input.overrides ?? {},
          sendAll: input.sendAll === true,
          ...(input.undoable === true ? { undoable: true } : {}),
        },
      });
    } catch (error) {
      throw toIpcFailure(error);
    }
    return this.run(record);
  }

  async resume(jobId: string): Promise<JobSummary> {
    const record = await this.load(jobId);
    if (this.live.has(jobId)) return this.summary(record);
    if (!isResumableState(record.state)) {
      throw new IpcFailure(
        'invalid_state',
        isFinishedJobState(record.state)
          ? `This import is already ${record.state}. Start a new import to send the file again.`
          : 'This import cannot be resumed in its present state.',
      );
    }
    return this.run(record);
  }

  /** Sends again the failed rows of a completed job that can pass (failed-row-retries.ts). */
  async retryFailed(jobId: string): Promise<JobSummary> {
    const record = await this.load(jobId);
    if (this.live.has(jobId)) return this.summary(record);
    await assertFailedRowsRetryable(this.store, record);
    this.reports.delete(jobId);
    return this.run(record, true);
  }

  private async run(record: ImportJobRecord, retryFailed = false): Promise<JobSummary> {
    const settings = await this.options.runSettings(record.websiteId);
    const started = new Promise<void>((resolve, reject) => {
      this.live.set(record.id, {
        record,
        progress: null,
        state: record.state,
        message: null,
        waitingUntil: null,
        startedAt: Date.now(),
        started: { resolve, reject },
      });
    });
    this.options.engine.send({
      type: 'job:run',
      jobId: record.id,
      settings,
      ...(retryFailed ? { retryFailed } : {}),
    });
    try {
      await started;
    } catch (error) {
      throw toIpcFailure(error);
    }
    return this.summary(await this.load(record.id));
  }

  async pause(jobId: string): Promise<JobSummary> {
    const record = await this.load(jobId);
    if (!this.live.has(jobId)) {
      if (isFinishedJobState(record.state)) {
        throw new IpcFailure('invalid_state', `This import is already ${record.state}.`);
      }
      return this.summary(record);
    }
    const ended = this.waitForEnd(jobId);
    this.options.engine.send({ type: 'job:pause', jobId });
    await ended;
    return this.summary(await this.load(jobId));
  }

  async cancel(jobId: string): Promise<JobSummary> {
    const record = await this.load(jobId);
    if (this.live.has(jobId)) {
      const ended = this.waitForEnd(jobId);
      this.options.engine.send({ type: 'job:cancel', jobId });
      await ended;
      return this.summary(await this.load(jobId));
    }
    if (isFinishedJobState(record.state)) {
      throw new IpcFailure('invalid_state', `This import is already ${record.state}.`);
    }
    let cancelled: ImportJobRecord;
    try {
      cancelled = await cancelImportJob(
        this.store,
        jobId,
        createEngineParts({ stateDir: this.options.stateDir, connection: null }),
      );
    } catch (error) {
      throw toIpcFailure(error);
    }
    const summary = this.summary(cancelled);
    this.options.publish('import:stateChanged', {
      job: summary,
      previousState: STATE_NAMES[record.state],
    });
    return summary;
  }

  private readonly endWaiters = new Map<string, Array<() => void>>();
  private waitForEnd(jobId: string): Promise<void> {
    return new Promise((resolve) => {
      const list = this.endWaiters.get(jobId) ?? [];
      list.push(resolve);
      this.endWaiters.set(jobId, list);
    });
  }

  /**
   * A finished job opened here gets whatever of its report is missing (left so by a crash of an
   * older version, or deleted): summary.json and failed-rows.csv are written again from the
   * journal and the file, nothing is sent (completeJobOutputs). Best effort.
   */
  private async completeOutputs(record: ImportJobRecord): Promise<void> {
    await completeJobOutputs(
      this.store,
      record,
      createEngineParts({ stateDir: this.options.stateDir, connection: null }),
    ).catch(() => undefined);
  }

  async failedRowsPath(jobId: string): Promise<string> {
    await this.load(jobId); // a job of the state folder, or a plain not_found
    const path = this.store.paths(jobId).failedRows;
    try {
      // The job's own file, never a link planted in its place.
      if (!(await lstat(path)).isFile()) throw new Error('not a regular file');
    } catch {
      const record = await this.load(jobId);
      if (isFinishedJobState(record.state) && !this.live.has(jobId)) {
        await this.completeOutputs(record);
        if (
          await stat(path).then(
            () => true,
            () => false,
          )
        )
          return path;
      }
      throw new IpcFailure(
        'not_found',
        'This import has no failed rows file (no row failed or was skipped, or it is still running).',
      );
    }
    return path;
  }

  async copyFailedRows(jobId: string, to: string): Promise<void> {
    const from = await this.failedRowsPath(jobId);
    try {
      await copyFileAtomic(from, to);
    } catch (error) {
      throw toIpcFailure(error);
    }
  }

  /** Pauses every running job (app quitting); their journals are durable anyway. */
  async pauseAll(): Promise<void> {
    await Promise.all(
      [...this.live.keys()].map((jobId) => this.pause(jobId).catch(() => undefined)),
    );
  }

  // ----------------------------------------------------------------------------------------
  // Worker messages

  private onWorkerMessage(message: WorkerMessage): void {
    switch (message.type) {
      case 'job:state': {
        const { event } = message;
        const live = this.live.get(event.jobId);
        if (!live) return;
        live.state = event.state;
        live.message = event.message;
        live.waitingUntil = event.waitingUntil;
        live.started?.resolve();
        live.started = null;
        if (isFinishedJobState(event.state)) break; // told when the run has ended (afterEnd)
        void this.publishState(event.jobId, event.previousState);
        this.updateActivity();
        // A lost network or a Crisp outage needs nothing from the person (the import carries on
        // by itself when it is back); a refused key or website does.
        if (
          event.state === 'waiting_for_connection' &&
          event.problem !== 'network_unreachable' &&
          event.problem !== 'crisp_unavailable'
        ) {
          void this.notify(
            'An import needs attention',
            event.message ?? 'Crisp refused the connection. Open the app to fix it.',
          );
        }
        break;
      }
      case 'job:progress': {
        const live = this.live.get(message.progress.jobId);
        if (!live) return;
        live.progress = message.progress;
        this.lastQuota.set(message.progress.jobId, message.progress.quota);
        this.publishProgress(message.progress.jobId);
        this.updateActivity();
        break;
      }
      case 'job:notice':
        break;
      case 'job:ended': {
        const live = this.live.get(message.jobId);
        this.live.delete(message.jobId);
        if (message.error && live?.started) {
          live.started.reject(deserializeError(message.error));
        } else {
          live?.started?.resolve();
        }
        for (const wake of this.endWaiters.get(message.jobId) ?? []) wake();
        this.endWaiters.delete(message.jobId);
        this.updateActivity();
        void this.afterEnd(message.jobId, live ?? null, message.record);
        break;
      }
      default:
        break;
    }
  }

  private onWorkerCrash(reason: string): void {
    for (const [jobId, live] of [...this.live]) {
      this.live.delete(jobId);
      live.started?.reject(new Error(`The import engine stopped (${reason}). Resume the import.`));
      for (const wake of this.endWaiters.get(jobId) ?? []) wake();
      this.endWaiters.delete(jobId);
      void this.publishState(jobId, live.state);
    }
    this.updateActivity();
  }

  private publishProgress(jobId: string): void {
    const live = this.live.get(jobId);
    if (live) this.options.publish('import:progressed', this.summary(live.record));
  }

  private async publishState(jobId: string, previous: ImportJobState | null): Promise<void> {
    try {
      const record = await this.store.load(jobId);
      const live = this.live.get(jobId);
      if (live) live.record = record;
      this.options.publish('import:stateChanged', {
        job: this.summary(record),
        previousState: previous === null ? null : STATE_NAMES[previous],
      });
    } catch {
      // Unreadable job: the list shows it as such.
    }
  }

  private async afterEnd(
    jobId: string,
    live: LiveJob | null,
    record: ImportJobRecord | null,
  ): Promise<void> {
    const final = record ?? (await this.store.load(jobId).catch(() => null));
    if (!final) return;
    this.reports.delete(jobId);
    this.options.publish('import:stateChanged', {
      job: this.summary(final),
      previousState: live
        ? isFinishedJobState(live.state)
          ? 'running'
          : STATE_NAMES[live.state]
        : null,
    });
    const ranLong = live !== null && Date.now() - live.startedAt >= LONG_IMPORT_MS;
    if (!ranLong) return;
    const c = final.counters;
    if (final.state === 'completed') {
      await this.notify(
        'Import finished',
        `${fileName(final.file.path)}: ${c.created} created, ${c.updated} updated, ${c.unchanged > 0 ? `${c.unchanged} unchanged, ` : ''}${c.skipped} skipped, ${c.failed} failed.`,
      );
    } else if (final.state === 'failed') {
      await this.notify(
        'Import stopped',
        final.stateMessage ?? 'Open the app to see what happened.',
      );
    }
  }

  private async notify(title: string, body: string): Promise<void> {
    if (await this.options.notificationsEnabled()) this.options.desktop.notify({ title, body });
  }

  private updateActivity(): void {
    let sending = false;
    let waiting = false;
    let fraction: number | null = null;
    for (const live of this.live.values()) {
      if (live.state === 'running') sending = true;
      if (live.state === 'waiting_for_quota' || live.state === 'waiting_for_connection')
        waiting = true;
      fraction = live.progress?.fraction ?? fraction ?? 0;
    }
    this.options.desktop.importActivity({
      sending,
      fraction: this.live.size === 0 ? null : fraction,
      waiting: waiting && !sending,
    });
  }
}

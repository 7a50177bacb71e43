/**
 * The real parts of a job: the streaming CSV reader, the contact mapper and the Crisp sender
 * (with its rate controller and daily budget), bound to one job. The CLI and the desktop app
 * both build their runners with `createEngineParts`.
 *
 * Waiting: when Crisp says the quota is spent, the sender waits until its budget says sending may
 * resume; meanwhile one cheap request (GET people/stats) checks every `quotaCheckMs` whether the
 * quota came back early (Crisp's reset hour is not documented). When the token is refused, a
 * check every `connectionCheckMs` asks `reconnect()` for the credentials as they are now (the
 * keychain may hold a new key) and carries on as soon as Crisp accepts them. When Crisp cannot be
 * reached at all (no network), the sender itself checks with GET people/stats, first after
 * `network.firstCheckMs`, then less and less often up to `network.maxCheckMs` (by default a
 * minute, or `connectionCheckMs` when it is shorter), and carries on by itself. No row fails
 * meanwhile.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContactProfile } from '../../../shared/contact-profile';
import { compileContactMapper } from '../../../shared/contact-rules';
import { readJsonFile, writeJsonFileAtomic } from '../app-settings/json-file';
import { DEFAULT_RESERVE, loadAppSettings } from '../app-settings/settings';
import {
  ContactSender,
  QuotaBudget,
  QuotaBudgetState,
  RateController,
  type ContactWritePlan,
  type NetworkPolicy,
  type RetryPolicy,
  type SenderState,
} from '../contact-sending';
import {
  CrispClient,
  type CrispClientOptions,
  type CrispConnection,
  type CrispObserver,
} from '../crisp-client';
import { readCsvBatches, type CsvDetection } from '../csv-reader';
import type {
  ImportJobParts,
  JobContactSender,
  JobRowSource,
  QuotaView,
  SenderCondition,
  SendOutcome,
} from './import-job-parts';
import type { ImportJobRecord } from './job-record';
import { ImportJobStore } from './job-store';
import { UndoImageKeeper } from '../import-undo/undo-images';
import { EmailIndex } from '../email-index';

export interface EnginePartsOptions {
  stateDir: string;
  /** Null only for a dry run that reads nothing from Crisp. */
  connection: CrispConnection | null;
  /** The credentials as they are now (after the user fixed them); default: `connection`. */
  reconnect?: () => Promise<CrispConnection | null>;
  /** Overrides the daily budget (else settings.json, else the token kind's default). */
  dailyBudget?: number;
  /** Overrides the reserve left for other tools (else settings.json, else DEFAULT_RESERVE). */
  reserve?: number;
  /** While the quota is spent: how often to check whether it came back. Default 10 minutes. */
  quotaCheckMs?: number;
  /** While the connection is refused: how often to try again. Default 30 s. */
  connectionCheckMs?: number;
  /** HTTP timeout per request. Default the client's (10 s). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** When Crisp cannot be reached: how that is told, and how often it is checked (see NetworkPolicy). */
  network?: Partial<NetworkPolicy>;
  /** Requests a second per route at the start (the controller adapts). Default the controller's. */
  initialRate?: number;
  /** Sees every Crisp exchange (route, status, timing; never a secret). */
  observer?: CrispObserver;
  /** How emails are looked up (see ContactSenderOptions.lookups). Default 'auto'. */
  lookups?: 'single' | 'batched' | 'auto';
}

/** The reader's view of a job's file, as fixed when the job began. */
export function jobCsvDetection(job: ImportJobRecord): CsvDetection {
  return {
    format: job.layout.format,
    detected: job.layout.detected ?? job.layout.format,
    headers: job.layout.headers,
    dataStartOffset: job.layout.dataStartOffset,
    dataStartRow: Math.max(1, job.layout.dataStartRow),
    fileSize: job.file.fingerprint.size,
    ...(job.layout.modifiedAtMs !== undefined ? { modifiedAtMs: job.layout.modifiedAtMs } : {}),
    bomLength: job.layout.bomLength,
    notes: [],
  };
}

export function csvRowSource(job: ImportJobRecord): JobRowSource {
  const detection = jobCsvDetection(job);
  return {
    read: (start, signal) =>
      readCsvBatches(job.file.path, detection, {
        startOffset: start.offset,
        startRow: start.row,
        signal,
      }),
  };
}

export function createEngineParts(options: EnginePartsOptions): ImportJobParts {
  return {
    prepare(job) {
      // Loads the HTTP stack (undici) while the job's files are read, so the first contact does
      // not wait for it. A data: URL: nothing goes to the network.
      if (!job.options.dryRun || job.options.checkExisting) {
        void fetch('data:,').catch(() => undefined);
      }
    },
    openSource: csvRowSource,
    compileMapper(job) {
      const mapper = compileContactMapper(
        job.mapping,
        job.layout.format.header ? job.layout.headers : [],
      );
      return { mapRow: (fields, row) => mapper.mapRow(fields, row) };
    },
    async createSender(job) {
      if (job.options.dryRun) {
        const client =
          job.options.checkExisting && options.connection
            ? new CrispClient(options.connection, clientOptions(options))
            : null;
        return new DryRunSender(client);
      }
      if (!options.connection) {
        throw new Error('No Crisp connection was given for this import.');
      }
      return CrispJobSender.start(job, options.connection, options);
    },
  };
}

export function clientOptions(options: EnginePartsOptions): CrispClientOptions {
  return {
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.observer ? { observer: options.observer } : {}),
  };
}

// ---------------------------------------------------------------------------------------------

/** Where the day's budget of a website is kept between runs (so two runs in a day add up). */
export function budgetPath(stateDir: string, websiteId: string): string {
  return join(stateDir, 'quota', `${websiteId.replace(/[^A-Za-z0-9_-]/g, '_')}.json`);
}

export async function loadBudget(
  stateDir: string,
  connection: CrispConnection,
  options: EnginePartsOptions,
): Promise<QuotaBudget> {
  const { settings } = await loadAppSettings(stateDir).catch(() => ({
    settings: { dailyBudgets: {} as Record<string, { dailyBudget?: number; reserve?: number }> },
  }));
  const saved = settings.dailyBudgets[connection.websiteId] ?? {};
  const dailyLimit = options.dailyBudget ?? saved.dailyBudget;
  const reserve = options.reserve ?? saved.reserve ?? DEFAULT_RESERVE;
  const stored = await readJsonFile(budgetPath(stateDir, connection.websiteId), QuotaBudgetState);
  let budget: QuotaBudget;
  if (stored.ok && stored.value.tier === connection.tier) {
    budget = QuotaBudget.fromJSON(stored.value);
    if (dailyLimit !== undefined && dailyLimit !== budget.dailyLimit) {
      budget.setReserve(0);
      budget.setDailyLimit(dailyLimit);
    }
    if (reserve !== budget.reserve) budget.setReserve(Math.min(reserve, budget.dailyLimit - 1));
  } else {
    budget = new QuotaBudget({
      tier: connection.tier,
      ...(dailyLimit !== undefined ? { dailyLimit } : {}),
      reserve: Math.min(
        reserve,
        (dailyLimit ?? (connection.tier === 'website' ? 10_000 : 5_000)) - 1,
      ),
    });
  }
  return budget;
}

/** The Crisp sender for one job, with the checks that end its waits. */
class CrispJobSender implements JobContactSender {
  expectContacts: (estimate: () => number | null) => void = () => undefined;
  onNote: (listener: (text: string) => void) => void = () => undefined;
  private readonly listeners = new Set<(c: SenderCondition) => void>();
  private checkTimer: NodeJS.Timeout | null = null;
  private saveTimer: NodeJS.Timeout | null = null;
  private checking = false;
  private closed = false;
  private readonly watchedSignals = new WeakSet<AbortSignal>();
  undoImages: UndoImageKeeper | null = null;

  private constructor(
    private readonly sender: ContactSender,
    private client: CrispClient,
    private readonly budget: QuotaBudget,
    private readonly job: ImportJobRecord,
    private readonly options: EnginePartsOptions,
  ) {
    sender.on('state', (state) => this.onState(state));
    this.saveTimer = setInterval(() => void this.saveBudget(), 5000);
    this.saveTimer.unref?.();
  }

  static async start(
    job: ImportJobRecord,
    connection: CrispConnection,
    options: EnginePartsOptions,
  ): Promise<CrispJobSender> {
    const client = new CrispClient(connection, clientOptions(options));
    const budget = await loadBudget(options.stateDir, connection, options);
    const rate = new RateController(
      options.initialRate !== undefined ? { initialRate: options.initialRate } : {},
    );
    let expectation: () => number | null = () => null;
    const log = { note: (_text: string): void => undefined };
    const undoImages =
      job.options.undoable === true && !job.options.dryRun
        ? await UndoImageKeeper.open(new ImportJobStore(options.stateDir).paths(job.id).dir)
        : null;
    const sender = new ContactSender(client, {
      ...(undoImages ? { undoImages } : {}),
      rate,
      budget,
      emptyCells: job.mapping.emptyCells,
      ...(options.retry ? { retry: options.retry } : {}),
      network: networkPolicy(options),
      lookups: options.lookups ?? 'auto',
      expectedContacts: () => expectation(),
      onReadPlanNote: (text) => log.note(text),
    });
    const jobSender = new CrispJobSender(sender, client, budget, job, options);
    jobSender.undoImages = undoImages;
    jobSender.expectContacts = (estimate) => {
      expectation = estimate;
    };
    jobSender.onNote = (listener) => {
      log.note = listener;
    };
    return jobSender;
  }

  send(
    contact: ContactProfile,
    signal: AbortSignal,
    plan?: ContactWritePlan,
  ): Promise<SendOutcome> {
    this.watchStop(signal);
    return this.sender.send(contact, plan);
  }

  /**
   * Once the run's stop signal aborts, nothing is retried and nothing waits any more: a send
   * that would rejects (its contact is sent again on resume), so a stop is honoured within one
   * round trip whatever state the sender is in (writes failing, a quota or connection wait...).
   */
  private watchStop(signal: AbortSignal): void {
    if (this.watchedSignals.has(signal)) return;
    this.watchedSignals.add(signal);
    if (signal.aborted) this.sender.stopNewAttempts();
    else signal.addEventListener('abort', () => this.sender.stopNewAttempts(), { once: true });
  }

  condition(): SenderCondition {
    return toCondition(this.sender.state);
  }

  onCondition(listener: (c: SenderCondition) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  quota(): QuotaView {
    return {
      left: this.budget.remaining,
      requestsPerDay: this.budget.dailyAllowance,
      resetsAt: new Date(this.budget.nextResetAt).toISOString(),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopChecks();
    if (this.saveTimer) clearInterval(this.saveTimer);
    this.sender.close();
    await this.undoImages?.close();
    await this.saveBudget();
  }

  private onState(state: SenderState): void {
    const condition = toCondition(state);
    this.stopChecks();
    // While the network is lost, the sender checks by itself.
    const senderChecks = typeof state === 'object' && isNetworkPause(state);
    if (!this.closed && typeof state === 'object' && !senderChecks) {
      const every =
        state.paused === 'quota'
          ? (this.options.quotaCheckMs ?? 600_000)
          : (this.options.connectionCheckMs ?? 30_000);
      this.checkTimer = setInterval(() => void this.check(), every);
    }
    void this.saveBudget();
    for (const listener of this.listeners) listener(condition);
  }

  private stopChecks(): void {
    if (this.checkTimer) clearInterval(this.checkTimer);
    this.checkTimer = null;
  }

  /** One cheap request: does Crisp accept us again? */
  private async check(): Promise<void> {
    if (this.checking || this.closed) return;
    this.checking = true;
    try {
      const state = this.sender.state;
      if (typeof state !== 'object') return;
      if (state.paused === 'quota') {
        // Only worth a request when Crisp (not our own budget) said the quota was spent.
        if (this.budget.toJSON().serverSpentUntil === null) return;
        await this.client.getStats();
        this.sender.resumeQuotaNow();
      } else {
        const fresh = (await this.options.reconnect?.()) ?? null;
        const client = fresh ? new CrispClient(fresh, clientOptions(this.options)) : this.client;
        await client.getStats();
        this.client = client;
        this.sender.resumeAfterConnectionFixed(client);
      }
    } catch {
      // still refused: keep waiting
    } finally {
      this.checking = false;
    }
  }

  private async saveBudget(): Promise<void> {
    try {
      const path = budgetPath(this.options.stateDir, this.job.websiteId);
      await mkdir(join(this.options.stateDir, 'quota'), { recursive: true });
      await writeJsonFileAtomic(path, this.budget.toJSON());
    } catch {
      // a budget that cannot be saved only means the next run counts from zero
    }
  }
}

/** The sender's network checks: at most a minute apart, or `connectionCheckMs` when shorter. */
export function networkPolicy(options: EnginePartsOptions): Partial<NetworkPolicy> {
  const ceiling = Math.min(60_000, options.connectionCheckMs ?? 60_000);
  const maxCheckMs = options.network?.maxCheckMs ?? ceiling;
  return {
    firstCheckMs: Math.min(2_000, maxCheckMs),
    maxCheckMs,
    ...options.network,
  };
}

/** Crisp unreachable or down: the sender checks by itself and carries on when it is back. */
function isNetworkPause(state: Exclude<SenderState, 'sending' | 'closed'>): boolean {
  return (
    state.paused === 'connection' &&
    (state.problem === 'network_unreachable' || state.problem === 'crisp_unavailable')
  );
}

function toCondition(state: SenderState): SenderCondition {
  if (typeof state === 'object') {
    if (state.paused === 'quota') {
      return {
        state: 'waiting_for_quota',
        resumesAt: new Date(state.resumesAt),
        message: `${state.message} Sending continues by itself at ${new Date(state.resumesAt).toISOString()}.`,
      };
    }
    if (isNetworkPause(state)) {
      return {
        state: 'waiting_for_connection',
        message: state.message,
        problem:
          state.problem === 'crisp_unavailable' ? 'crisp_unavailable' : 'network_unreachable',
      };
    }
    return {
      state: 'waiting_for_connection',
      message: `${state.message} Sending continues once the connection works again.`,
      problem: 'connection_refused',
    };
  }
  return { state: 'sending' };
}

// ---------------------------------------------------------------------------------------------

/**
 * A dry run: says what would happen and writes nothing. Without a client, the first row of an
 * email "would create" and later rows of the same email "would update"; with a client
 * (`--check-existing`), one read per email (HEAD people/profile) tells the truth from Crisp.
 */
class DryRunSender implements JobContactSender {
  /** Every email met so far, as 64-bit hashes (a Set of the strings held 400 MB a million). */
  private readonly seen = new EmailIndex();

  constructor(private readonly client: CrispClient | null) {}

  async send(contact: ContactProfile): Promise<SendOutcome> {
    const email = contact.email.trim().toLowerCase();
    if (this.seen.add(email)) return { kind: 'updated', peopleId: null, requests: 0 };
    if (!this.client) return { kind: 'created', peopleId: null, requests: 0 };
    try {
      const exists = await this.client.profileExists(email);
      return { kind: exists ? 'updated' : 'created', peopleId: null, requests: 1 };
    } catch (error) {
      return {
        kind: 'failed',
        reason: `Could not check whether this contact exists: ${(error as Error).message}`,
        retryable: true,
        requests: 1,
      };
    }
  }

  condition(): SenderCondition {
    return { state: 'sending' };
  }

  onCondition(): () => void {
    return () => undefined;
  }

  quota(): QuotaView {
    return { left: null, requestsPerDay: null, resetsAt: null };
  }

  async close(): Promise<void> {}
}

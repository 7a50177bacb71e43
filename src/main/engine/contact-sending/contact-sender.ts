/**
 * Sends validated contacts to Crisp as correct profiles, with the fewest requests, within the
 * rate Crisp tolerates and the day's quota. Many `send()` calls may be in flight at once; rows
 * for the same email are serialized (never two requests for one email at the same time).
 *
 * Errors by kind:
 * - invalid_data: that row fails, with Crisp's message in plain words (retryable: false);
 * - 401, 403/402, not_subscribed, unknown route: the whole sender pauses ('connection'); no row
 *   fails; `resumeAfterConnectionFixed()` carries on with the same requests;
 * - quota (Crisp's answer, or the budget spent): pauses until the reset, then carries on alone;
 * - 429/420: the rate controller slows down and the request waits its turn again; if Crisp
 *   answers nothing but that for `assumeQuotaAfterMs`, it is taken as a spent quota;
 * - 5xx, resets, timeouts: retried with exponential backoff and jitter, then the row fails with
 *   retryable: true. A create retried after a lost answer that meets 409 is handled as the
 *   update it is (and reported 'created' when the profile holds exactly what was sent).
 * - Crisp unreachable (connection refused, name not found, network down, or nothing but resets
 *   and timeouts): when a contact's request keeps failing and no HTTP answer at all has come
 *   from Crisp since its first failure, or Crisp has answered nothing for `unreachableAfterMs`,
 *   the whole sender pauses ('connection', problem 'network_unreachable') instead of failing rows.
 *   It then checks with one cheap request (GET people/stats) after `firstCheckMs`, doubling up to
 *   `maxCheckMs`, and carries on by itself as soon as Crisp answers; requests that were in flight
 *   are sent again (the upsert is idempotent by email). See `NetworkPolicy`.
 */
import { EventEmitter, setMaxListeners } from 'node:events';
import type { ContactProfile } from '../../../shared/contact-profile';
import {
  CRISP_ROUTES,
  CrispRequestError,
  encodePeopleId,
  type CrispClient,
  type CrispExchange,
  type CrispRoute,
  type PeopleProfile,
} from '../crisp-client';
import {
  createBody,
  dataUpdate,
  knownFromCreate,
  matchesCreated,
  mergeIntoProfile,
  type KnownProfile,
} from './profile-merge';
import type { QuotaBudget } from './quota-budget';
import type { RateController } from './rate-controller';
import { LookupBatcher, type LookupBatcherOptions } from './lookup-batcher';
import { RequestPlanner, type RequestPlan } from './request-planner';
import { WrittenProfiles } from './written-profiles';

/**
 * What became of one contact. `requests` counts the HTTP requests spent on it, retries
 * included (with batched look-ups, its share of a search request, so it may be fractional).
 */
export type ContactOutcome =
  | { kind: 'created'; peopleId: string | null; requests: number }
  | { kind: 'updated'; peopleId: string | null; requests: number }
  | { kind: 'failed'; reason: string; retryable: boolean; requests: number };

/**
 * Why the sender waits for the connection: the token or website is refused ('auth',
 * 'not_subscribed', 'forbidden', 'not_found': fixed by the user, then
 * `resumeAfterConnectionFixed()`), or Crisp cannot be reached ('network_unreachable': the sender
 * checks by itself and carries on when Crisp answers again).
 */
export type ConnectionProblem =
  'auth' | 'not_subscribed' | 'forbidden' | 'not_found' | 'network_unreachable';

export type SenderState =
  | 'sending'
  | { paused: 'quota'; resumesAt: number; message: string }
  | { paused: 'connection'; problem: ConnectionProblem; message: string }
  | 'closed';

export interface RetryPolicy {
  /** Attempts per request for 5xx, resets and timeouts (the first included). Default 5. */
  maxAttempts: number;
  /** First backoff; doubles each attempt, with jitter. Default 500 ms. */
  baseDelayMs: number;
  /** Default 30 s. */
  maxDelayMs: number;
}

/** How a lost network is told from occasional resets, and how the sender checks it is back. */
export interface NetworkPolicy {
  /**
   * Crisp has answered nothing at all (every request refused, reset or timed out) for this long,
   * and a contact has failed at least twice meanwhile: taken as a lost network. Default 20 s.
   * (A contact whose retries run out while Crisp has answered nothing since its first failure
   * pauses the sender sooner.)
   */
  unreachableAfterMs: number;
  /** First check (GET people/stats) after the pause. Default 2 s. */
  firstCheckMs: number;
  /** The delay between checks doubles up to this. Default 60 s. */
  maxCheckMs: number;
}

export interface ContactSenderOptions {
  rate?: RateController;
  budget?: QuotaBudget;
  /** An empty custom data cell clears the key ('clear', Crisp's rule) or keeps it ('keep'). */
  emptyCells: 'clear' | 'keep';
  retry?: Partial<RetryPolicy>;
  /** 'adaptive' (default), or a fixed plan. */
  plan?: 'adaptive' | RequestPlan;
  /** Emails whose written state is kept for later rows (see written-profiles.ts). Default 20,000. */
  writtenCapacity?: number;
  /**
   * After a 409, Crisp's read may still come from its cache and say "not found": read again
   * after these delays before giving up (retryable). Default [500, 2000, 5000] ms.
   */
  staleReadDelaysMs?: number[];
  /** Only 429/420 answers for this long is taken as a spent quota. Default 10 minutes. */
  assumeQuotaAfterMs?: number;
  /** When Crisp cannot be reached at all: see NetworkPolicy. */
  network?: Partial<NetworkPolicy>;
  /**
   * 'single' (default): look up one email per request (GET people/profile/{email}).
   * 'batched': look up many emails with one search request (see lookup-batcher.ts; Crisp's
   * multi-value search is unconfirmed, so it checks itself and falls back to 'single').
   */
  lookups?: 'single' | 'batched';
  lookupBatch?: LookupBatcherOptions;
  /** Default Math.random (jitter). */
  random?: () => number;
}

export interface SenderStats {
  requests: number;
  /** Requests by route, then by answer: an HTTP status, or 'network' / 'timeout' / 'aborted'. */
  byRoute: Record<string, Record<string, number>>;
  rateLimited: number;
  /** Share of requests answered 429 or 420. */
  rateLimitedShare: number;
  contacts: { created: number; updated: number; failed: number };
  /** Requests per finished contact (retries included). */
  requestsPerContact: number;
  plan: RequestPlan;
  existingShare: number;
  /** 'batched' while batched look-ups work; 'single' otherwise. */
  lookups: 'single' | 'batched';
  /** Why batched look-ups stopped, when they did. */
  batchedLookupsStopped: string | null;
}

export class SenderClosedError extends Error {
  override readonly name = 'SenderClosedError';
  constructor() {
    super('The import was stopped before this contact was sent.');
  }
}

interface ContactAttempt {
  requests: number;
  /** A create got no answer (reset, timeout, 5xx) before it was sent again. */
  createAnswerLost: boolean;
}

/**
 * A row is given up (failed, retryable) only after about a minute of transient failures (0.5 s,
 * 1 s, 2 s ... capped at 30 s between 8 attempts): over a days-long import, a short burst of 5xx
 * or resets should cost time, not rows. A Crisp that answers nothing at all pauses the import
 * instead (see NetworkPolicy).
 */
const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 500, maxDelayMs: 30_000 };
const DEFAULT_NETWORK: NetworkPolicy = {
  unreachableAfterMs: 20_000,
  firstCheckMs: 2_000,
  maxCheckMs: 60_000,
};
/**
 * How many times one request may pause the sender for the network. Each pause ends only when
 * Crisp answers a check again; a request that keeps failing on a server that answers the checks
 * must end as a failed row (retryable), not pause the import forever.
 */
const MAX_NETWORK_PAUSES_PER_REQUEST = 5;
const NETWORK_MESSAGE =
  'Crisp cannot be reached: no network. The import continues by itself when the connection is back.';
const DAY_MS = 86_400_000;

export class ContactSender {
  private client: CrispClient;
  private detachObserver: () => void;
  private readonly rate: RateController | undefined;
  private readonly budget: QuotaBudget | undefined;
  private readonly emptyCells: 'clear' | 'keep';
  private readonly retry: RetryPolicy;
  private readonly network: NetworkPolicy;
  private readonly planner: RequestPlanner;
  private readonly written: WrittenProfiles;
  private readonly staleReadDelaysMs: number[];
  private readonly assumeQuotaAfterMs: number;
  private readonly random: () => number;
  private readonly batcher: LookupBatcher | null;
  private readonly events = new EventEmitter();
  private readonly locks = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();

  private currentState: SenderState = 'sending';
  private resumed: Promise<void> | null = null;
  private resume: (() => void) | null = null;
  private quotaTimer: NodeJS.Timeout | null = null;
  private rateLimitedSince: number | null = null;
  private probe: Promise<void> | null = null;
  /** When Crisp last answered anything (any HTTP status), or sending last began. */
  private lastAnswerAt = Date.now();
  /** HTTP answers (any status) seen so far. */
  private answers = 0;
  private networkTimer: NodeJS.Timeout | null = null;
  private networkCheckDelayMs = 0;
  private networkChecking = false;
  private readonly sleeps = new Set<{ timer: NodeJS.Timeout; done: () => void }>();

  private counters = {
    requests: 0,
    rateLimited: 0,
    byRoute: {} as Record<string, Record<string, number>>,
    created: 0,
    updated: 0,
    failed: 0,
    contactRequests: 0,
  };

  constructor(client: CrispClient, options: ContactSenderOptions) {
    this.client = client;
    this.rate = options.rate;
    this.budget = options.budget;
    this.emptyCells = options.emptyCells;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.network = { ...DEFAULT_NETWORK, ...options.network };
    this.planner = new RequestPlanner({ plan: options.plan ?? 'adaptive' });
    this.written = new WrittenProfiles(options.writtenCapacity);
    this.staleReadDelaysMs = options.staleReadDelaysMs ?? [500, 2_000, 5_000];
    this.assumeQuotaAfterMs = options.assumeQuotaAfterMs ?? 600_000;
    this.random = options.random ?? Math.random;
    this.batcher =
      options.lookups === 'batched'
        ? new LookupBatcher((emails) => this.searchEmails(emails), options.lookupBatch)
        : null;
    this.detachObserver = client.addObserver((exchange) => this.observe(exchange));
    // Every request in flight listens to the one stop signal.
    setMaxListeners(0, this.abort.signal);
  }

  get state(): SenderState {
    return this.currentState;
  }

  /** The plan used for the next email not written yet. */
  get plan(): RequestPlan {
    return this.planner.plan;
  }

  /**
   * How many contacts a caller should keep in flight (sent, not yet resolved) to keep the
   * sender busy: twice the concurrency the rate allows, more with batched look-ups.
   */
  get suggestedInFlight(): number {
    const concurrency = this.rate?.concurrencyLimit ?? 8;
    return Math.max(16, 2 * concurrency + (this.batcher?.enabled ? 2 * this.batcher.size : 0));
  }

  on(event: 'state', listener: (state: SenderState) => void): this {
    this.events.on(event, listener);
    return this;
  }

  off(event: 'state', listener: (state: SenderState) => void): this {
    this.events.off(event, listener);
    return this;
  }

  /**
   * Creates or updates the contact's profile. Resolves once the contact is done (created,
   * updated or failed); stays pending while the sender is paused. Rejects only with
   * SenderClosedError when `close()` is called first.
   */
  async send(contact: ContactProfile): Promise<ContactOutcome> {
    if (this.currentState === 'closed') throw new SenderClosedError();
    const email = contact.email.trim().toLowerCase();
    const attempt: ContactAttempt = { requests: 0, createAnswerLost: false };
    try {
      encodePeopleId(email);
    } catch (error) {
      this.counters.failed += 1;
      return this.failure(attempt, error);
    }
    const outcome = await this.withEmailLock(email, async () => {
      try {
        return await this.upsert(attempt, { ...contact, email });
      } catch (error) {
        if (error instanceof SenderClosedError || this.currentState === 'closed')
          throw new SenderClosedError();
        return this.failure(attempt, error);
      }
    });
    if (outcome.kind === 'created') this.counters.created += 1;
    else if (outcome.kind === 'updated') this.counters.updated += 1;
    else this.counters.failed += 1;
    this.counters.contactRequests += outcome.requests;
    return outcome;
  }

  /** Continues after a connection pause, with a new client when the token changed. */
  resumeAfterConnectionFixed(newClient?: CrispClient): void {
    if (this.currentState === 'closed') return;
    if (newClient && newClient !== this.client) {
      this.detachObserver();
      this.client = newClient;
      this.detachObserver = newClient.addObserver((exchange) => this.observe(exchange));
    }
    if (typeof this.currentState === 'object' && this.currentState.paused === 'connection')
      this.setSending();
  }

  /** Continues after a quota pause before the scheduled reset (e.g. the quota was reset by hand). */
  resumeQuotaNow(): void {
    if (typeof this.currentState === 'object' && this.currentState.paused === 'quota') {
      this.budget?.resetNow();
      this.rateLimitedSince = null;
      this.setSending();
    }
  }

  stats(): SenderStats {
    const done = this.counters.created + this.counters.updated + this.counters.failed;
    return {
      requests: this.counters.requests,
      byRoute: structuredClone(this.counters.byRoute),
      rateLimited: this.counters.rateLimited,
      rateLimitedShare:
        this.counters.requests === 0 ? 0 : this.counters.rateLimited / this.counters.requests,
      contacts: {
        created: this.counters.created,
        updated: this.counters.updated,
        failed: this.counters.failed,
      },
      requestsPerContact: done === 0 ? 0 : this.counters.contactRequests / done,
      plan:
        this.batcher?.enabled && this.planner.existingShare >= 1 / this.batcher.size
          ? 'look-up-first'
          : this.planner.plan,
      existingShare: this.planner.existingShare,
      lookups: this.batcher?.enabled ? 'batched' : 'single',
      batchedLookupsStopped: this.batcher?.stoppedBecause ?? null,
    };
  }

  /** Stops: requests in flight are cancelled and pending sends reject with SenderClosedError. */
  close(): void {
    if (this.currentState === 'closed') return;
    this.currentState = 'closed';
    if (this.quotaTimer) clearTimeout(this.quotaTimer);
    this.quotaTimer = null;
    this.stopNetworkChecks();
    this.abort.abort();
    this.batcher?.close();
    for (const sleep of this.sleeps) {
      clearTimeout(sleep.timer);
      sleep.done();
    }
    this.sleeps.clear();
    this.resume?.();
    this.resumed = null;
    this.resume = null;
    this.detachObserver();
    this.events.emit('state', this.currentState);
  }

  // ---- the upsert -------------------------------------------------------------------------

  private async upsert(attempt: ContactAttempt, contact: ContactProfile): Promise<ContactOutcome> {
    const known = this.written.get(contact.email);
    if (known) return this.update(attempt, contact, known, 'updated');
    if (this.planner.observations > 0 || this.planner.plan !== 'create-first') {
      return this.firstTime(attempt, contact);
    }
    // Nothing is known about this file yet: one contact goes first and the others wait for
    // Crisp's first answer (one round trip), instead of all guessing "create first".
    while (this.probe && this.planner.observations === 0) {
      await Promise.race([this.probe, this.planner.nextObservation()]);
    }
    if (this.planner.observations > 0) return this.firstTime(attempt, contact);
    let finished!: () => void;
    this.probe = new Promise<void>((resolve) => (finished = resolve));
    try {
      return await this.firstTime(attempt, contact);
    } finally {
      this.probe = null;
      finished();
    }
  }

  /** An email this import has not written yet. */
  private async firstTime(
    attempt: ContactAttempt,
    contact: ContactProfile,
  ): Promise<ContactOutcome> {
    // Batched look-ups cost 1/batchSize per email: worth it as soon as some emails exist.
    if (this.batcher?.enabled && this.planner.existingShare >= 1 / this.batcher.size) {
      const { profile, share } = await this.batcher.lookup(contact.email);
      attempt.requests += share;
      const existing =
        profile === 'unknown'
          ? await this.readProfile(attempt, contact.email)
          : profile && toKnown(profile);
      this.planner.record(existing !== null);
      if (existing) return this.update(attempt, contact, existing, 'updated');
      return this.create(attempt, contact, true, profile !== 'unknown');
    }

    if (this.planner.plan === 'look-up-first') {
      const existing = await this.readProfile(attempt, contact.email);
      this.planner.record(existing !== null);
      if (existing) return this.update(attempt, contact, existing, 'updated');
      return this.create(attempt, contact, true);
    }
    return this.create(attempt, contact, false);
  }

  private async create(
    attempt: ContactAttempt,
    contact: ContactProfile,
    lookedUp: boolean,
    byBatch = false,
  ): Promise<ContactOutcome> {
    const body = createBody(contact);
    let peopleId: string | null;
    try {
      const answer = await this.call(attempt, CRISP_ROUTES.createProfile, (client, signal) =>
        client.createProfile(body, { signal }),
      );
      peopleId = answer.data.people_id;
    } catch (error) {
      if (!(error instanceof CrispRequestError && error.kind === 'exists')) throw error;
      if (!lookedUp && !attempt.createAnswerLost) this.planner.record(true);
      if (byBatch && !attempt.createAnswerLost) this.batcher?.noteMiss();
      const existing = await this.readAfterConflict(attempt, contact.email);
      const ours = attempt.createAnswerLost && matchesCreated(existing, body);
      return this.update(attempt, contact, existing, ours ? 'created' : 'updated');
    }
    if (!lookedUp) this.planner.record(false);
    const result = knownFromCreate(body, peopleId);
    this.written.set(contact.email, result);
    await this.writeData(attempt, contact, peopleId ?? contact.email, true);
    return { kind: 'created', peopleId, requests: attempt.requests };
  }

  private async update(
    attempt: ContactAttempt,
    contact: ContactProfile,
    existing: KnownProfile,
    kind: 'created' | 'updated',
  ): Promise<ContactOutcome> {
    const { update, result } = mergeIntoProfile(existing, contact);
    const address = existing.peopleId ?? contact.email;
    if (update) {
      await this.call(attempt, CRISP_ROUTES.updateProfile, (client, signal) =>
        client.updateProfile(address, update, { signal }),
      );
    }
    this.written.set(contact.email, result);
    await this.writeData(attempt, contact, address, kind === 'created');
    return { kind, peopleId: existing.peopleId, requests: attempt.requests };
  }

  private async writeData(
    attempt: ContactAttempt,
    contact: ContactProfile,
    address: string,
    isNew: boolean,
  ): Promise<void> {
    const data = dataUpdate(contact, isNew, this.emptyCells);
    if (!data) return;
    try {
      await this.call(attempt, CRISP_ROUTES.updateData, (client, signal) =>
        client.updateData(address, data, { signal }),
      );
    } catch (error) {
      if (error instanceof CrispRequestError && error.kind === 'invalid_data') {
        throw new CrispRequestError(
          'invalid_data',
          `The profile was saved, but Crisp rejected its custom data: ${error.crispMessage ?? error.message}${error.reason ? ` (${error.reason})` : ''}.`,
          { status: error.status, reason: error.reason, crispMessage: error.crispMessage },
        );
      }
      throw error;
    }
  }

  /** GET by email; null when Crisp has no such profile. */
  private async readProfile(attempt: ContactAttempt, email: string): Promise<KnownProfile | null> {
    try {
      const answer = await this.call(attempt, CRISP_ROUTES.getProfile, (client, signal) =>
        client.getProfile(email, { signal }),
      );
      return toKnown(answer.data);
    } catch (error) {
      if (error instanceof CrispRequestError && error.kind === 'not_found') return null;
      throw error;
    }
  }

  /** One search request for many emails (batched look-ups). */
  private async searchEmails(
    emails: string[],
  ): Promise<{ profiles: PeopleProfile[]; requests: number }> {
    const shared: ContactAttempt = { requests: 0, createAnswerLost: false };
    const answer = await this.call(shared, CRISP_ROUTES.listProfiles, (client, signal) =>
      client.listProfiles(
        {
          perPage: 50,
          filters: [{ model: 'people', criterion: 'email', operator: 'eq', query: emails }],
        },
        { signal },
      ),
    );
    return { profiles: answer.data, requests: shared.requests };
  }

  /** After a 409: the profile exists, but a cached read may not show it yet. */
  private async readAfterConflict(attempt: ContactAttempt, email: string): Promise<KnownProfile> {
    for (let i = 0; ; i += 1) {
      const profile = await this.readProfile(attempt, email);
      if (profile) return profile;
      const delay = this.staleReadDelaysMs[i];
      if (delay === undefined) {
        throw new CrispRequestError(
          'server',
          'Crisp says a profile with this email exists but does not return it yet. Import this row again later.',
        );
      }
      await this.sleep(delay);
    }
  }

  // ---- one request, with pauses, pacing, quota and retries -----------------------------------

  private async call<T>(
    attempt: ContactAttempt,
    route: CrispRoute,
    request: (client: CrispClient, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    let transientFailures = 0;
    /** `answers` when this request's current run of failures began (null: none yet). */
    let answersWhenFailing: number | null = null;
    let networkPauses = 0;
    for (;;) {
      if (await this.whileSending()) {
        // After a pause, the request starts again with all its attempts.
        transientFailures = 0;
        answersWhenFailing = null;
      }
      const permit = this.rate
        ? await this.rate.acquire(route, this.abort.signal).catch(() => null)
        : null;
      if (this.rate && !permit) throw new SenderClosedError();
      if (this.currentState !== 'sending') {
        permit?.release();
        continue;
      }
      if (this.budget && !this.budget.tryConsume(1)) {
        permit?.release();
        this.pauseForQuota(
          this.budget.resumesAt,
          'The daily request budget for this token is used up.',
        );
        continue;
      }
      attempt.requests += 1;
      try {
        const answer = await request(this.client, this.abort.signal);
        this.rateLimitedSince = null;
        return answer;
      } catch (error) {
        if (!(error instanceof CrispRequestError)) throw error;
        if (error.kind !== 'rate_limited') this.rateLimitedSince = null;
        switch (error.kind) {
          case 'aborted':
            throw new SenderClosedError();
          case 'rate_limited':
            this.noteRateLimited();
            continue;
          case 'quota':
            this.budget?.markServerSpent();
            this.pauseForQuota(this.budget?.resumesAt ?? nextUtcMidnight(), error.message);
            continue;
          case 'auth':
          case 'not_subscribed':
          case 'forbidden':
            this.pauseForConnection(error.kind, error.message);
            continue;
          case 'not_found':
            if (error.reason === 'not_found') {
              this.pauseForConnection('not_found', error.message);
              continue;
            }
            throw error;
          case 'server':
          case 'network':
          case 'timeout': {
            if (route === CRISP_ROUTES.createProfile) attempt.createAnswerLost = true;
            // Paused meanwhile (the network, the quota, the token): this attempt does not count.
            if (this.currentState !== 'sending') continue;
            answersWhenFailing ??= this.answers;
            transientFailures += 1;
            if (
              error.kind !== 'server' &&
              networkPauses < MAX_NETWORK_PAUSES_PER_REQUEST &&
              this.looksUnreachable(answersWhenFailing, transientFailures)
            ) {
              networkPauses += 1;
              this.pauseForNetwork(error.message);
              continue;
            }
            if (transientFailures >= this.retry.maxAttempts) throw error;
            permit?.release();
            await this.sleep(this.backoff(transientFailures));
            continue;
          }
          default:
            throw error;
        }
      } finally {
        permit?.release();
      }
    }
  }

  /**
   * Crisp unreachable, as opposed to an occasional reset or timeout: no HTTP answer at all has
   * come from Crisp since this request began failing, and either its attempts are used up or
   * Crisp has been silent for `unreachableAfterMs` (with at least two failures of this request).
   */
  private looksUnreachable(answersWhenFailing: number, failures: number): boolean {
    if (this.answers > answersWhenFailing) return false;
    if (failures >= this.retry.maxAttempts) return true;
    return failures >= 2 && Date.now() - this.lastAnswerAt >= this.network.unreachableAfterMs;
  }

  private backoff(failures: number): number {
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (failures - 1));
    return ceiling / 2 + this.random() * (ceiling / 2);
  }

  private noteRateLimited(): void {
    const now = Date.now();
    this.rateLimitedSince ??= now;
    if (now - this.rateLimitedSince >= this.assumeQuotaAfterMs) {
      this.rateLimitedSince = null;
      this.budget?.markServerSpent();
      const minutes = Math.round(this.assumeQuotaAfterMs / 60_000);
      this.pauseForQuota(
        this.budget?.resumesAt ?? nextUtcMidnight(),
        `Crisp has answered only "too many requests" for ${minutes} minutes, which usually means the daily quota is spent.`,
      );
    }
  }

  // ---- pauses ------------------------------------------------------------------------------

  /** Waits while paused; true when it did wait. */
  private async whileSending(): Promise<boolean> {
    let waited = false;
    while (this.currentState !== 'sending') {
      if (this.currentState === 'closed') throw new SenderClosedError();
      waited = true;
      this.resumed ??= new Promise<void>((resolve) => (this.resume = resolve));
      await this.resumed;
    }
    return waited;
  }

  private setState(state: SenderState): void {
    this.currentState = state;
    this.events.emit('state', state);
  }

  private setSending(): void {
    if (this.quotaTimer) clearTimeout(this.quotaTimer);
    this.quotaTimer = null;
    this.stopNetworkChecks();
    // Silence is counted from now on, not across the pause.
    this.lastAnswerAt = Date.now();
    this.setState('sending');
    const resume = this.resume;
    this.resumed = null;
    this.resume = null;
    resume?.();
  }

  private pauseForConnection(problem: ConnectionProblem, message: string): void {
    if (this.currentState === 'closed') return;
    // A refused token replaces a network pause (Crisp answers again, but not to this token).
    if (typeof this.currentState === 'object' && this.currentState.paused === 'connection') {
      if (this.currentState.problem !== 'network_unreachable') return;
    }
    if (this.quotaTimer) clearTimeout(this.quotaTimer);
    this.quotaTimer = null;
    this.stopNetworkChecks();
    this.setState({ paused: 'connection', problem, message });
  }

  private pauseForQuota(resumesAt: number, message: string): void {
    if (this.currentState === 'closed') return;
    if (typeof this.currentState === 'object') {
      if (this.currentState.paused === 'connection') {
        if (this.currentState.problem !== 'network_unreachable') return;
      } else if (this.currentState.resumesAt >= resumesAt) return;
    }
    this.stopNetworkChecks();
    this.setState({ paused: 'quota', resumesAt, message });
    this.armQuotaTimer();
  }

  /** Crisp cannot be reached: pause (no row fails) and check until it answers again. */
  private pauseForNetwork(lastError: string): void {
    if (this.currentState !== 'sending') return;
    if (this.quotaTimer) clearTimeout(this.quotaTimer);
    this.quotaTimer = null;
    this.setState({
      paused: 'connection',
      problem: 'network_unreachable',
      message: `${NETWORK_MESSAGE} (Last attempt: ${lastError})`,
    });
    this.networkCheckDelayMs = this.network.firstCheckMs;
    this.scheduleNetworkCheck(this.networkCheckDelayMs);
  }

  private isNetworkPause(): boolean {
    const state = this.currentState;
    return (
      typeof state === 'object' &&
      state.paused === 'connection' &&
      state.problem === 'network_unreachable'
    );
  }

  private scheduleNetworkCheck(delayMs: number): void {
    if (this.networkTimer) clearTimeout(this.networkTimer);
    this.networkTimer = setTimeout(() => {
      this.networkTimer = null;
      void this.checkNetwork();
    }, delayMs);
  }

  private stopNetworkChecks(): void {
    if (this.networkTimer) clearTimeout(this.networkTimer);
    this.networkTimer = null;
  }

  /** One cheap request: does Crisp answer again? */
  private async checkNetwork(): Promise<void> {
    if (this.networkChecking || !this.isNetworkPause()) return;
    this.networkChecking = true;
    try {
      await this.client.getStats({ signal: this.abort.signal });
      this.budget?.tryConsume(1);
      if (this.isNetworkPause()) this.setSending();
    } catch (error) {
      if (!this.isNetworkPause()) return;
      const kind = error instanceof CrispRequestError ? error.kind : 'network';
      const message = error instanceof Error ? error.message : String(error);
      switch (kind) {
        case 'aborted':
          return;
        case 'rate_limited':
          // Crisp answers: the rate controller handles the rest.
          this.setSending();
          return;
        case 'quota':
          this.budget?.markServerSpent();
          this.pauseForQuota(this.budget?.resumesAt ?? nextUtcMidnight(), message);
          return;
        case 'auth':
        case 'not_subscribed':
        case 'forbidden':
        case 'not_found':
          this.pauseForConnection(kind, message);
          return;
        default:
          // Still unreachable (or Crisp fails): check again later, less often.
          this.networkCheckDelayMs = Math.min(
            this.network.maxCheckMs,
            Math.max(1, this.networkCheckDelayMs * 2),
          );
          this.scheduleNetworkCheck(this.networkCheckDelayMs);
      }
    } finally {
      this.networkChecking = false;
    }
  }

  /** Wakes at the reset (checking at least every minute: the machine may sleep or the clock move). */
  private armQuotaTimer(): void {
    if (this.quotaTimer) clearTimeout(this.quotaTimer);
    const state = this.currentState;
    if (typeof state !== 'object' || state.paused !== 'quota') return;
    const wallClock = (): number => this.budget?.clock() ?? Date.now();
    const wait = Math.max(0, Math.min(60_000, state.resumesAt - wallClock()));
    this.quotaTimer = setTimeout(() => {
      this.quotaTimer = null;
      const now = wallClock();
      const budgetReady = !this.budget || !this.budget.spent;
      if (now >= state.resumesAt && budgetReady) this.setSending();
      else if (now >= state.resumesAt && this.budget) {
        this.setState({
          paused: 'quota',
          resumesAt: this.budget.resumesAt,
          message: state.message,
        });
        this.armQuotaTimer();
      } else this.armQuotaTimer();
    }, wait);
  }

  // ---- bookkeeping -------------------------------------------------------------------------

  private observe(exchange: CrispExchange): void {
    this.rate?.observe(exchange);
    if (exchange.status !== null) {
      this.answers += 1;
      this.lastAnswerAt = Date.now();
      // An answer while waiting for the network (a slow request came back): check at once.
      if (this.isNetworkPause() && !this.networkChecking) this.scheduleNetworkCheck(0);
    }
    const counters = this.counters;
    counters.requests += 1;
    if (exchange.errorKind === 'rate_limited') counters.rateLimited += 1;
    const answer =
      exchange.status !== null ? String(exchange.status) : (exchange.errorKind ?? 'network');
    const route = (counters.byRoute[exchange.route] ??= {});
    route[answer] = (route[answer] ?? 0) + 1;
  }

  private failure(attempt: ContactAttempt, error: unknown): ContactOutcome {
    if (error instanceof CrispRequestError) {
      switch (error.kind) {
        case 'invalid_data':
          return {
            kind: 'failed',
            reason: error.message,
            retryable: false,
            requests: attempt.requests,
          };
        case 'server':
        case 'network':
        case 'timeout':
          return {
            kind: 'failed',
            reason: `${error.message} Tried ${this.retry.maxAttempts} times; the row can be sent again later.`,
            retryable: true,
            requests: attempt.requests,
          };
        case 'not_found':
          return {
            kind: 'failed',
            reason:
              'The profile disappeared from Crisp while it was being updated. Import this row again.',
            retryable: true,
            requests: attempt.requests,
          };
        default:
          return {
            kind: 'failed',
            reason: error.message,
            retryable: false,
            requests: attempt.requests,
          };
      }
    }
    const text = error instanceof Error ? error.message : String(error);
    return {
      kind: 'failed',
      reason: `Unexpected problem while sending: ${text}`,
      retryable: true,
      requests: attempt.requests,
    };
  }

  private async withEmailLock<T>(email: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(email) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.locks.set(email, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.locks.get(email) === tail) this.locks.delete(email);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.currentState === 'closed') return Promise.reject(new SenderClosedError());
    return new Promise<void>((resolve, reject) => {
      const entry = {
        timer: setTimeout(() => {
          this.sleeps.delete(entry);
          resolve();
        }, ms),
        done: () => reject(new SenderClosedError()),
      };
      this.sleeps.add(entry);
    });
  }
}

function toKnown(profile: PeopleProfile): KnownProfile {
  return {
    peopleId: profile.people_id ?? null,
    person: profile.person as Record<string, unknown>,
    company: profile.company as Record<string, unknown>,
    segments: profile.segments,
    notepad: profile.notepad,
  };
}

function nextUtcMidnight(now = Date.now()): number {
  return Math.floor(now / DAY_MS) * DAY_MS + DAY_MS;
}

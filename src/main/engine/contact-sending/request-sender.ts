/**
 * Sends one Crisp request at a time for its caller, within the rate Crisp tolerates and the day's
 * quota, retrying what can pass later and waiting out what cannot be fixed by retrying. Many
 * `call()`s may be in flight at once; they share one state (sending, or paused and why).
 *
 * Errors by kind:
 * - 401, 403/402, not_subscribed, unknown route: every call pauses ('connection'); none fails;
 *   `resumeAfterConnectionFixed()` carries on with the same requests;
 * - quota (Crisp's answer, or the budget spent): pauses until the reset, then carries on alone;
 * - 429/420: the rate controller slows down and the request waits its turn again; if Crisp
 *   answers nothing but that for `assumeQuotaAfterMs`, it is taken as a spent quota;
 * - 5xx, resets, timeouts: retried with exponential backoff and jitter, then the call throws
 *   (the caller fails the row, retryable);
 * - Crisp unreachable (connection refused, name not found, network down, or nothing but resets
 *   and timeouts): when a request keeps failing and no HTTP answer at all has come from Crisp
 *   since its first failure, or Crisp has answered nothing for `unreachableAfterMs`, every call
 *   pauses ('connection', problem 'network_unreachable') instead of throwing. It then checks
 *   with one cheap request (GET people/stats) after `firstCheckMs`, doubling up to `maxCheckMs`,
 *   and carries on by itself as soon as Crisp answers; requests that were in flight are sent
 *   again. See `NetworkPolicy`.
 * - anything else (invalid_data, exists, not_found of a profile) is thrown to the caller.
 */
import { EventEmitter, setMaxListeners } from 'node:events';
import {
  CRISP_ROUTES,
  CrispRequestError,
  type CrispClient,
  type CrispExchange,
  type CrispRoute,
} from '../crisp-client';
import type { QuotaBudget } from './quota-budget';
import type { RateController } from './rate-controller';

/**
 * Why sending waits for the connection: the token or website is refused ('auth',
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
  /** Attempts per request for 5xx, resets and timeouts (the first included). Default 8. */
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
   * and a request has failed at least twice meanwhile: taken as a lost network. Default 20 s.
   * (A request whose retries run out while Crisp has answered nothing since its first failure
   * pauses sooner.)
   */
  unreachableAfterMs: number;
  /** First check (GET people/stats) after the pause. Default 2 s. */
  firstCheckMs: number;
  /** The delay between checks doubles up to this. Default 60 s. */
  maxCheckMs: number;
}

export interface RequestSenderOptions {
  rate?: RateController;
  budget?: QuotaBudget;
  retry?: Partial<RetryPolicy>;
  /** Only 429/420 answers for this long is taken as a spent quota. Default 10 minutes. */
  assumeQuotaAfterMs?: number;
  /** When Crisp cannot be reached at all: see NetworkPolicy. */
  network?: Partial<NetworkPolicy>;
  /** Default Math.random (jitter). */
  random?: () => number;
}

/** What one caller's requests cost: counted as they are sent, retries included. */
export interface RequestTally {
  requests: number;
  /** A create got no answer (reset, timeout, 5xx) before it was sent again. */
  createAnswerLost: boolean;
}

export function newRequestTally(): RequestTally {
  return { requests: 0, createAnswerLost: false };
}

export interface RequestCounters {
  requests: number;
  rateLimited: number;
  /** Requests by route, then by answer: an HTTP status, or 'network' / 'timeout' / 'aborted'. */
  byRoute: Record<string, Record<string, number>>;
}

export class SenderClosedError extends Error {
  override readonly name = 'SenderClosedError';
  constructor() {
    super('The import was stopped before this contact was sent.');
  }
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

export class RequestSender {
  private client: CrispClient;
  private detachObserver: () => void;
  readonly rate: RateController | undefined;
  private readonly budget: QuotaBudget | undefined;
  readonly retry: RetryPolicy;
  private readonly network: NetworkPolicy;
  private readonly assumeQuotaAfterMs: number;
  private readonly random: () => number;
  private readonly events = new EventEmitter();
  private readonly abort = new AbortController();

  private currentState: SenderState = 'sending';
  private resumed: Promise<void> | null = null;
  private resume: (() => void) | null = null;
  private quotaTimer: NodeJS.Timeout | null = null;
  private rateLimitedSince: number | null = null;
  /** When Crisp last answered anything (any HTTP status), or sending last began. */
  private lastAnswerAt = Date.now();
  /** HTTP answers (any status) seen so far. */
  private answers = 0;
  private networkTimer: NodeJS.Timeout | null = null;
  private networkCheckDelayMs = 0;
  private networkChecking = false;
  private readonly sleeps = new Set<{ timer: NodeJS.Timeout; done: () => void }>();
  private readonly counters: RequestCounters = { requests: 0, rateLimited: 0, byRoute: {} };

  constructor(client: CrispClient, options: RequestSenderOptions = {}) {
    this.client = client;
    this.rate = options.rate;
    this.budget = options.budget;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.network = { ...DEFAULT_NETWORK, ...options.network };
    this.assumeQuotaAfterMs = options.assumeQuotaAfterMs ?? 600_000;
    this.random = options.random ?? Math.random;
    this.detachObserver = client.addObserver((exchange) => this.observe(exchange));
    // Every request in flight listens to the one stop signal.
    setMaxListeners(0, this.abort.signal);
  }

  get state(): SenderState {
    return this.currentState;
  }

  get closed(): boolean {
    return this.currentState === 'closed';
  }

  on(event: 'state', listener: (state: SenderState) => void): this {
    this.events.on(event, listener);
    return this;
  }

  off(event: 'state', listener: (state: SenderState) => void): this {
    this.events.off(event, listener);
    return this;
  }

  /** What was sent so far (every request, whoever it was for). */
  tally(): RequestCounters {
    return {
      requests: this.counters.requests,
      rateLimited: this.counters.rateLimited,
      byRoute: structuredClone(this.counters.byRoute),
    };
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

  /** Stops: requests in flight are cancelled and pending calls reject with SenderClosedError. */
  close(): void {
    if (this.currentState === 'closed') return;
    this.currentState = 'closed';
    if (this.quotaTimer) clearTimeout(this.quotaTimer);
    this.quotaTimer = null;
    this.stopNetworkChecks();
    this.abort.abort();
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

  /**
   * Sends one request: waits while paused, for its turn in the rate and for the day's budget;
   * retries transient failures. Resolves with the answer; rejects with the CrispRequestError the
   * caller must handle (invalid_data, exists, not_found of a profile, or a transient failure
   * that outlasted its attempts), or SenderClosedError once closed. `tally.requests` counts
   * every attempt.
   */
  async call<T>(
    tally: RequestTally,
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
      tally.requests += 1;
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
            if (route === CRISP_ROUTES.createProfile) tally.createAnswerLost = true;
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

  /** Waits `ms`; rejects with SenderClosedError when the sender closes first. */
  sleep(ms: number): Promise<void> {
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
}

function nextUtcMidnight(now = Date.now()): number {
  return Math.floor(now / DAY_MS) * DAY_MS + DAY_MS;
}

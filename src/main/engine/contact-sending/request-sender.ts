/**
 * Sends one Crisp request at a time for its caller, within the rate Crisp tolerates and the day's
 * quota, retrying what can pass later and waiting out what cannot be fixed by retrying. Many
 * `call()`s may be in flight at once; they share one state (sending, or paused and why).
 *
 * Errors by kind:
 * - 401, 403/402, not_subscribed, unknown route: every call pauses ('connection'); none fails;
 *   `resumeAfterConnectionFixed()` carries on with the same requests;
 * - quota (Crisp's answer, or the budget spent): pauses until the reset, then carries on alone;
 * - 429/420: the rate controller slows down and the request waits its turn again; when they
 *   keep coming with the rate at its floor for `assumeQuotaAtFloorMs` (or Crisp answers nothing
 *   but that for `assumeQuotaAfterMs`), it is taken as a spent quota whatever Crisp's reason;
 * - 5xx, resets, timeouts: retried with exponential backoff and jitter (at least the
 *   Retry-After), then the call throws (the caller fails the row, retryable);
 * - Crisp down (5xx answers to many different requests at once, with no good answer between;
 *   see `NetworkPolicy.outageAfterRequests`): every call pauses ('connection', problem
 *   'crisp_unavailable'), checks as for a lost network below (the first check no sooner than a
 *   503's Retry-After), and carries on by itself; attempts made meanwhile do not count. A lone
 *   request failing on a server that answers others stays a per-row retry;
 * - Crisp unreachable (connection refused, name not found, network down, or nothing but resets
 *   and timeouts): when calls cannot connect at all (refused, no such name) as often as an
 *   outage needs, or a request keeps failing and no HTTP answer at all has come from Crisp
 *   since its first failure, or Crisp has answered nothing for `unreachableAfterMs`, every call
 *   pauses ('connection', problem 'network_unreachable') instead of throwing. It then checks
 *   with one cheap request (GET people/stats) after `firstCheckMs`, doubling up to `maxCheckMs`,
 *   and carries on by itself as soon as Crisp answers; requests that were in flight are sent
 *   again. See `NetworkPolicy`.
 * - anything else (invalid_data, exists, not_found of a profile) is thrown to the caller.
 *
 * A stop (`stopNewAttempts`, when the import pauses or is cancelled) ends every retry and wait at
 * once: only requests already on the wire may still answer.
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
import type { RateController, RatePermit } from './rate-controller';

/**
 * Why sending waits for the connection: the token or website is refused ('auth',
 * 'not_subscribed', 'forbidden', 'not_found': fixed by the user, then
 * `resumeAfterConnectionFixed()`), Crisp cannot be reached ('network_unreachable') or Crisp
 * answers only server errors ('crisp_unavailable'): for these two the sender checks by itself
 * and carries on when Crisp answers properly again.
 */
export type ConnectionProblem =
  | 'auth'
  | 'not_subscribed'
  | 'forbidden'
  | 'not_found'
  | 'network_unreachable'
  | 'crisp_unavailable';

/** The problems the sender waits out by itself, checking Crisp now and then. */
export function isSelfCheckingProblem(problem: ConnectionProblem): boolean {
  return problem === 'network_unreachable' || problem === 'crisp_unavailable';
}

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
  /**
   * 5xx answers (or answers that are not Crisp's JSON) to this many different requests, with
   * no good answer from Crisp between them: Crisp is down, the sender pauses. Fewer when fewer
   * requests are under way, but at least 2: one request failing alone fails its row. Default 8.
   */
  outageAfterRequests: number;
}

export interface RequestSenderOptions {
  rate?: RateController;
  budget?: QuotaBudget;
  retry?: Partial<RetryPolicy>;
  /** Only 429/420 answers for this long is taken as a spent quota. Default 10 minutes. */
  assumeQuotaAfterMs?: number;
  /**
   * 429/420 answers that keep coming for this long while the rate controller holds their route
   * at its lowest rate, with no other answer between, are taken as a spent quota (Crisp's
   * reason for a spent quota is unknown). Default 2 minutes.
   */
  assumeQuotaAtFloorMs?: number;
  /** When Crisp cannot be reached at all, or is down: see NetworkPolicy. */
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
/** Network failures where no connection was made at all (not a reset or a timeout midway). */
const CANNOT_CONNECT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 500, maxDelayMs: 30_000 };
const DEFAULT_NETWORK: NetworkPolicy = {
  unreachableAfterMs: 20_000,
  firstCheckMs: 2_000,
  maxCheckMs: 60_000,
  outageAfterRequests: 8,
};
/** The longest Retry-After honoured before checking whether Crisp is back. */
const MAX_RETRY_AFTER_MS = 600_000;
/**
 * How many times one request may pause the sender for the network. Each pause ends only when
 * Crisp answers a check again; a request that keeps failing on a server that answers the checks
 * must end as a failed row (retryable), not pause the import forever.
 */
const MAX_NETWORK_PAUSES_PER_REQUEST = 5;
const NETWORK_MESSAGE =
  'Crisp cannot be reached: no network. The import continues by itself when the connection is back.';
const DAY_MS = 86_400_000;

function outageMessage(status: number | undefined): string {
  const code = status === undefined ? '' : ` (HTTP ${status})`;
  return `Crisp is not answering properly${code}. The import continues by itself when it is back.`;
}

/** One call's transient failures so far. */
interface CallAttempts {
  /** Tells calls apart: an outage is 5xx answers to many different calls. */
  id: number;
  /** 5xx, resets and timeouts since the call began or last waited out a pause. */
  failures: number;
  /** `answers` when this call's current run of failures began (null: none yet). */
  answersWhenFailing: number | null;
  /** Pauses this call caused by itself (network or outage). */
  selfPauses: number;
  /** 429s without a rate controller (each waits longer). */
  rateLimited: number;
}

export class RequestSender {
  private client: CrispClient;
  private detachObserver: () => void;
  readonly rate: RateController | undefined;
  private readonly budget: QuotaBudget | undefined;
  readonly retry: RetryPolicy;
  private readonly network: NetworkPolicy;
  private readonly assumeQuotaAfterMs: number;
  private readonly assumeQuotaAtFloorMs: number;
  private readonly random: () => number;
  private readonly events = new EventEmitter();
  private readonly abort = new AbortController();
  /** Aborted by stopNewAttempts (and close): ends the waits for a turn in the rate. */
  private readonly stopWaits = new AbortController();

  private currentState: SenderState = 'sending';
  /** A stop was asked for (stopNewAttempts): no retry, no wait; only first attempts go out. */
  private stopping = false;
  private resumed: Promise<void> | null = null;
  private resume: (() => void) | null = null;
  private quotaTimer: NodeJS.Timeout | null = null;
  /** Since when Crisp has answered nothing but 429/420 (null: something else came since). */
  private rateLimitedSince: number | null = null;
  /** Since when those 429/420 came with their route at the lowest rate. */
  private atFloorSince: number | null = null;
  /** When Crisp last answered anything (any HTTP status), or sending last began. */
  private lastAnswerAt = Date.now();
  /** HTTP answers (any status) seen so far. */
  private answers = 0;
  /** Calls that got a 5xx since Crisp last answered properly. */
  private readonly failingCalls = new Set<number>();
  /** Calls that could not connect at all (refused, no such name) since Crisp last answered. */
  private readonly unconnectedCalls = new Set<number>();
  private nextCallId = 0;
  private activeCalls = 0;
  private checkTimer: NodeJS.Timeout | null = null;
  private checkDelayMs = 0;
  private checking = false;
  private readonly sleeps = new Set<{ timer: NodeJS.Timeout; done: () => void }>();
  private readonly counters: RequestCounters = { requests: 0, rateLimited: 0, byRoute: {} };

  constructor(client: CrispClient, options: RequestSenderOptions = {}) {
    this.client = client;
    this.rate = options.rate;
    this.budget = options.budget;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.network = { ...DEFAULT_NETWORK, ...options.network };
    this.assumeQuotaAfterMs = options.assumeQuotaAfterMs ?? 600_000;
    this.assumeQuotaAtFloorMs = options.assumeQuotaAtFloorMs ?? 120_000;
    this.random = options.random ?? Math.random;
    this.detachObserver = client.addObserver((exchange) => this.observe(exchange));
    // Every request in flight listens to the one stop signal.
    setMaxListeners(0, this.abort.signal, this.stopWaits.signal);
  }

  get state(): SenderState {
    return this.currentState;
  }

  /** stopNewAttempts() was called: nothing more is retried or waited for. */
  get stopped(): boolean {
    return this.stopping;
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
      this.clearRateLimited();
      this.setSending();
    }
  }

  /**
   * The import is stopping (a pause, a cancel, Ctrl-C): requests in flight may still answer, and
   * a call may make its first attempt (the next step of a contact being sent), but nothing is
   * retried and nothing waits: a call that would retry, wait out a pause or sleep rejects with
   * SenderClosedError at once (its contact is sent again on resume). So a stop is honoured within
   * one round trip even while every write fails and the health check answers.
   */
  stopNewAttempts(): void {
    if (this.stopping || this.currentState === 'closed') return;
    this.stopping = true;
    this.stopWaits.abort();
    this.stopChecks();
    for (const sleep of this.sleeps) {
      clearTimeout(sleep.timer);
      sleep.done();
    }
    this.sleeps.clear();
    const resume = this.resume;
    this.resumed = null;
    this.resume = null;
    resume?.();
  }

  /** Stops: requests in flight are cancelled and pending calls reject with SenderClosedError. */
  close(): void {
    if (this.currentState === 'closed') return;
    this.currentState = 'closed';
    if (this.quotaTimer) clearTimeout(this.quotaTimer);
    this.quotaTimer = null;
    this.stopChecks();
    this.abort.abort();
    this.stopWaits.abort();
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
    const attempts: CallAttempts = {
      id: this.nextCallId++,
      failures: 0,
      answersWhenFailing: null,
      selfPauses: 0,
      rateLimited: 0,
    };
    this.activeCalls += 1;
    let attempted = false;
    try {
      for (;;) {
        // Stopping: no retry (see stopNewAttempts).
        if (this.stopping && attempted) throw new SenderClosedError();
        if (await this.whileSending()) {
          // After a pause, the request starts again with all its attempts.
          attempts.failures = 0;
          attempts.answersWhenFailing = null;
        }
        const permit = await this.turn(route);
        if (permit === 'later') continue;
        attempted = true;
        tally.requests += 1;
        let waitMs: number;
        try {
          const answer = await request(this.client, this.abort.signal);
          this.clearRateLimited();
          return answer;
        } catch (error) {
          waitMs = this.afterFailure(error, attempts, tally, route);
        } finally {
          permit?.release();
        }
        if (waitMs > 0) await this.sleep(waitMs);
      }
    } finally {
      this.activeCalls -= 1;
    }
  }

  /** Waits `ms`; rejects with SenderClosedError when the sender closes first. */
  sleep(ms: number): Promise<void> {
    if (this.currentState === 'closed' || this.stopping)
      return Promise.reject(new SenderClosedError());
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
   * The request's turn: a rate permit (null without a controller), or 'later' when it must
   * wait again (a pause began meanwhile, or the day's budget is spent).
   */
  private async turn(route: CrispRoute): Promise<RatePermit | null | 'later'> {
    const permit = this.rate
      ? await this.rate.acquire(route, this.stopWaits.signal).catch(() => null)
      : null;
    if (this.rate && !permit) throw new SenderClosedError();
    if (this.currentState !== 'sending') {
      permit?.release();
      return 'later';
    }
    if (this.budget && !this.budget.tryConsume(1)) {
      permit?.release();
      this.pauseForQuota(
        this.budget.resumesAt,
        'The daily request budget for this token is used up.',
      );
      return 'later';
    }
    return permit;
  }

  /**
   * What a failed attempt leads to: how long to wait before the next one (0: at once, or after
   * the pause it started), or the error thrown to the caller.
   */
  private afterFailure(
    error: unknown,
    attempts: CallAttempts,
    tally: RequestTally,
    route: CrispRoute,
  ): number {
    if (!(error instanceof CrispRequestError)) throw error;
    if (error.kind !== 'rate_limited') this.clearRateLimited();
    switch (error.kind) {
      case 'aborted':
        throw new SenderClosedError();
      case 'rate_limited':
        this.noteRateLimited(route);
        // The rate controller paces the next attempt; without one, back off.
        return this.rate ? 0 : this.backoff(++attempts.rateLimited);
      case 'quota':
        this.budget?.markServerSpent();
        this.pauseForQuota(this.budget?.resumesAt ?? nextUtcMidnight(), error.message);
        return 0;
      case 'auth':
      case 'not_subscribed':
      case 'forbidden':
        this.pauseForConnection(error.kind, error.message);
        return 0;
      case 'not_found':
        if (error.reason !== 'not_found') throw error;
        this.pauseForConnection('not_found', error.message);
        return 0;
      case 'server':
      case 'network':
      case 'timeout':
        return this.afterTransient(error, attempts, tally, route);
      default:
        throw error;
    }
  }

  /** A 5xx, reset or timeout: retry later, pause every call (Crisp down or unreachable), or give up. */
  private afterTransient(
    error: CrispRequestError,
    attempts: CallAttempts,
    tally: RequestTally,
    route: CrispRoute,
  ): number {
    if (route === CRISP_ROUTES.createProfile) tally.createAnswerLost = true;
    // Paused meanwhile (the network, an outage, the quota, the token): this attempt does not count.
    if (this.currentState !== 'sending') return 0;
    attempts.answersWhenFailing ??= this.answers;
    attempts.failures += 1;
    if (attempts.selfPauses < MAX_NETWORK_PAUSES_PER_REQUEST) {
      if (error.kind === 'server' && this.looksDown(attempts.id)) {
        attempts.selfPauses += 1;
        this.pauseUntilCrispAnswers('crisp_unavailable', outageMessage(error.status), error);
        return 0;
      }
      if (
        error.kind !== 'server' &&
        (this.cannotConnect(attempts.id, error) ||
          this.looksUnreachable(attempts.answersWhenFailing, attempts.failures))
      ) {
        attempts.selfPauses += 1;
        this.pauseUntilCrispAnswers(
          'network_unreachable',
          `${NETWORK_MESSAGE} (Last attempt: ${error.message})`,
        );
        return 0;
      }
    }
    if (attempts.failures >= this.retry.maxAttempts) throw error;
    const retryAfterMs = Math.min(error.retryAfterMs ?? 0, this.retry.maxDelayMs);
    return Math.max(this.backoff(attempts.failures), retryAfterMs);
  }

  /**
   * Crisp down, as opposed to one request failing: 5xx answers to `outageAfterRequests`
   * different calls (fewer when fewer are under way, at least 2) with no good answer between.
   */
  private looksDown(callId: number): boolean {
    this.failingCalls.add(callId);
    const needed = Math.min(this.network.outageAfterRequests, Math.max(2, this.activeCalls));
    return this.failingCalls.size >= needed;
  }

  /**
   * Nothing can connect (connection refused, the name not found) for as many different calls as
   * an outage needs, with no answer between: the network or Crisp is gone, said at once rather
   * than after `unreachableAfterMs` of retries.
   */
  private cannotConnect(callId: number, error: CrispRequestError): boolean {
    if (!error.networkCode || !CANNOT_CONNECT.has(error.networkCode)) return false;
    this.unconnectedCalls.add(callId);
    const needed = Math.min(this.network.outageAfterRequests, Math.max(2, this.activeCalls));
    return this.unconnectedCalls.size >= needed;
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

  // ---- a spent quota that Crisp does not name ----------------------------------------------

  /**
   * A 429/420. Nothing but these for `assumeQuotaAfterMs`, or for `assumeQuotaAtFloorMs` with
   * the route already held at the lowest rate, is taken as a spent quota.
   */
  private noteRateLimited(route: CrispRoute): void {
    const now = Date.now();
    this.rateLimitedSince ??= now;
    if (this.rate?.atFloor(route)) this.atFloorSince ??= now;
    const atFloor =
      this.atFloorSince !== null && now - this.atFloorSince >= this.assumeQuotaAtFloorMs;
    if (!atFloor && now - this.rateLimitedSince < this.assumeQuotaAfterMs) return;
    const lasted = describeDuration(now - this.rateLimitedSince);
    this.clearRateLimited();
    this.budget?.markServerSpent();
    this.pauseForQuota(
      this.budget?.resumesAt ?? nextUtcMidnight(),
      `Crisp has answered only "too many requests" for ${lasted}${atFloor ? ', even at the slowest pace' : ''}, which usually means the daily quota is spent.`,
    );
  }

  private clearRateLimited(): void {
    this.rateLimitedSince = null;
    this.atFloorSince = null;
  }

  // ---- pauses ------------------------------------------------------------------------------

  /** Waits while paused; true when it did wait. */
  private async whileSending(): Promise<boolean> {
    let waited = false;
    while (this.currentState !== 'sending') {
      if (this.currentState === 'closed' || this.stopping) throw new SenderClosedError();
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
    this.stopChecks();
    // Silence is counted from now on, not across the pause.
    this.lastAnswerAt = Date.now();
    this.failingCalls.clear();
    this.unconnectedCalls.clear();
    this.setState('sending');
    const resume = this.resume;
    this.resumed = null;
    this.resume = null;
    resume?.();
  }

  private pauseForConnection(problem: ConnectionProblem, message: string): void {
    if (this.currentState === 'closed') return;
    // A refused token replaces a self-checking pause (Crisp answers again, but not to this token).
    if (this.selfCheckingProblem() === null && this.pausedFor('connection')) return;
    if (this.quotaTimer) clearTimeout(this.quotaTimer);
    this.quotaTimer = null;
    this.stopChecks();
    this.setState({ paused: 'connection', problem, message });
  }

  private pauseForQuota(resumesAt: number, message: string): void {
    if (this.currentState === 'closed') return;
    const state = this.currentState;
    if (typeof state === 'object') {
      if (state.paused === 'connection') {
        if (!isSelfCheckingProblem(state.problem)) return;
      } else if (state.resumesAt >= resumesAt) return;
    }
    this.stopChecks();
    this.setState({ paused: 'quota', resumesAt, message });
    this.armQuotaTimer();
  }

  /**
   * Crisp cannot be reached, or answers only server errors: pause (no row fails) and check
   * until it answers properly again; the first check no sooner than the answer's Retry-After.
   */
  private pauseUntilCrispAnswers(
    problem: 'network_unreachable' | 'crisp_unavailable',
    message: string,
    answer?: CrispRequestError,
  ): void {
    if (this.currentState !== 'sending') return;
    if (this.quotaTimer) clearTimeout(this.quotaTimer);
    this.quotaTimer = null;
    this.setState({ paused: 'connection', problem, message });
    this.checkDelayMs = this.network.firstCheckMs;
    this.scheduleCheck(Math.max(this.checkDelayMs, retryAfterOf(answer)));
  }

  private pausedFor(kind: 'connection' | 'quota'): boolean {
    const state = this.currentState;
    return typeof state === 'object' && state.paused === kind;
  }

  /** The problem of the pause the sender checks by itself, if that is the pause. */
  private selfCheckingProblem(): ConnectionProblem | null {
    const state = this.currentState;
    if (typeof state !== 'object' || state.paused !== 'connection') return null;
    return isSelfCheckingProblem(state.problem) ? state.problem : null;
  }

  private scheduleCheck(delayMs: number): void {
    if (this.checkTimer) clearTimeout(this.checkTimer);
    if (this.stopping) return;
    this.checkTimer = setTimeout(() => {
      this.checkTimer = null;
      void this.checkCrisp();
    }, delayMs);
  }

  private stopChecks(): void {
    if (this.checkTimer) clearTimeout(this.checkTimer);
    this.checkTimer = null;
  }

  /** One cheap request: does Crisp answer properly again? */
  private async checkCrisp(): Promise<void> {
    if (this.checking || this.selfCheckingProblem() === null) return;
    this.checking = true;
    try {
      await this.client.getStats({ signal: this.abort.signal });
      this.budget?.tryConsume(1);
      if (this.selfCheckingProblem() !== null) this.setSending();
    } catch (error) {
      if (this.selfCheckingProblem() !== null) this.afterFailedCheck(error);
    } finally {
      this.checking = false;
    }
  }

  private afterFailedCheck(error: unknown): void {
    const failure = error instanceof CrispRequestError ? error : null;
    const kind = failure?.kind ?? 'network';
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
      default: {
        // Still unreachable, or Crisp still fails: check again later, less often.
        if (kind === 'server' && this.selfCheckingProblem() === 'network_unreachable') {
          this.setState({
            paused: 'connection',
            problem: 'crisp_unavailable',
            message: outageMessage(failure?.status),
          });
        }
        this.checkDelayMs = Math.min(this.network.maxCheckMs, Math.max(1, this.checkDelayMs * 2));
        this.scheduleCheck(Math.max(this.checkDelayMs, retryAfterOf(failure ?? undefined)));
      }
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
      this.unconnectedCalls.clear();
      const proper = exchange.errorKind !== 'server';
      if (proper) this.failingCalls.clear();
      // An answer while waiting (a slow request came back): check at once; while Crisp is
      // down, only a proper answer says it may be back.
      const waitingFor = this.selfCheckingProblem();
      if (
        !this.checking &&
        (waitingFor === 'network_unreachable' || (waitingFor === 'crisp_unavailable' && proper))
      )
        this.scheduleCheck(0);
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

/** A Retry-After to honour before checking whether Crisp is back (0: none). */
function retryAfterOf(answer: CrispRequestError | undefined): number {
  return Math.min(answer?.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS);
}

/** "45 seconds", "1 minute", "10 minutes". */
function describeDuration(ms: number): string {
  if (ms < 90_000) {
    const seconds = Math.max(1, Math.round(ms / 1000));
    return `${seconds} second${seconds === 1 ? '' : 's'}`;
  }
  const minutes = Math.round(ms / 60_000);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

function nextUtcMidnight(now = Date.now()): number {
  return Math.floor(now / DAY_MS) * DAY_MS + DAY_MS;
}

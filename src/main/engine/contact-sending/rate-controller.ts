/**
 * Adaptive request pacing for one Crisp token: a token-bucket lane per route (Crisp limits each
 * route separately, with limits it does not publish) and one concurrency limit across routes.
 *
 * Per route, AIMD-like:
 * - slow start: while answers are clean and requests are waiting on the pace, the rate doubles
 *   every second;
 * - on 429/420: the rate falls to 95 % of what the server accepted over the last two seconds
 *   (at least halved at worst, at least 5 % lower), once per overload (answers to requests sent
 *   before the last cut do not cut again); a Retry-After pauses the route that long;
 * - then it probes upward every 2 s: +10 % far below the last ceiling seen, +3 % near it, +1 %
 *   within a few percent of it, +5 % once well past it;
 * - a route left idle for 30 s (a quota or connection pause) starts again from the initial rate
 *   (or its own, if higher) in slow start.
 *
 * Concurrency follows the rate: enough requests in flight to sustain the allowed rates at the
 * measured latency (Little's law, doubled) plus two, up to `maxConcurrency`.
 */
import type { CrispExchange } from '../crisp-client';

export interface RateControllerOptions {
  /** Requests per second per route at the start. Default 10. */
  initialRate?: number;
  /** Default 0.2 (one request every five seconds). */
  minRate?: number;
  /** Default 1000. */
  maxRate?: number;
  /** Default 32. */
  maxConcurrency?: number;
  /** Longest Retry-After honoured (longer ones are capped). Default 10 minutes. */
  maxPauseMs?: number;
  /** Monotonic clock in ms. Default performance.now. */
  now?: () => number;
}

export interface RatePermit {
  /** Call once the request is over (answered or not). */
  release(): void;
}

export interface RouteRateSnapshot {
  route: string;
  /** Allowed requests per second now. */
  rate: number;
  /** What the server accepted when it last said "too many"; null before. */
  ceiling: number | null;
  slowStart: boolean;
  pausedForMs: number;
  waiting: number;
  rateLimitedAnswers: number;
  cleanAnswers: number;
}

export interface RateSnapshot {
  concurrencyLimit: number;
  inFlight: number;
  latencyMs: number;
  routes: RouteRateSnapshot[];
}

interface Waiter {
  grant: (permit: RatePermit) => void;
  fail: (error: Error) => void;
}

interface RouteLane {
  route: string;
  rate: number;
  tokens: number;
  refilledAt: number;
  pausedUntil: number;
  slowStart: boolean;
  ceiling: number | null;
  lastCutAt: number;
  lastGrowthAt: number;
  /** Requests waited on the pace (or the concurrency limit) since the last growth step. */
  blocked: boolean;
  rateLimitedSinceGrowth: boolean;
  /** Times of clean answers over the last ACCEPT_WINDOW_MS. */
  accepted: number[];
  acceptedHead: number;
  waiters: Waiter[];
  lastUsedAt: number;
  createdAt: number;
  rateLimitedAnswers: number;
  cleanAnswers: number;
}

const ACCEPT_WINDOW_MS = 2_000;
const ACTIVE_LANE_MS = 5_000;
const IDLE_RESTART_MS = 30_000;

export class RateController {
  private readonly lanes = new Map<string, RouteLane>();
  private readonly initialRate: number;
  private readonly minRate: number;
  private readonly maxRate: number;
  private readonly maxConcurrency: number;
  private readonly maxPauseMs: number;
  private readonly now: () => number;
  private inFlight = 0;
  private latencyMs = 50;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;

  constructor(options: RateControllerOptions = {}) {
    this.initialRate = options.initialRate ?? 10;
    this.minRate = options.minRate ?? 0.2;
    this.maxRate = options.maxRate ?? 1000;
    this.maxConcurrency = Math.max(1, options.maxConcurrency ?? 32);
    this.maxPauseMs = options.maxPauseMs ?? 600_000;
    this.now = options.now ?? (() => performance.now());
  }

  /** Waits until a request on `route` may go; the permit must be released when it is over. */
  acquire(route: string, signal?: AbortSignal): Promise<RatePermit> {
    if (signal?.aborted) return Promise.reject(abortError());
    const lane = this.lane(route);
    return new Promise<RatePermit>((resolve, reject) => {
      const waiter: Waiter = {
        grant: (permit) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(permit);
        },
        fail: reject,
      };
      const onAbort = (): void => {
        const index = lane.waiters.indexOf(waiter);
        if (index >= 0) lane.waiters.splice(index, 1);
        reject(abortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      lane.waiters.push(waiter);
      this.pump();
    });
  }

  /** Feeds one exchange back (a CrispObserver). */
  observe(exchange: CrispExchange): void {
    const lane = this.lane(exchange.route);
    const now = this.now();
    if (exchange.errorKind === 'rate_limited') {
      this.onRateLimited(lane, exchange.startedAt, exchange.retryAfterMs, now);
    } else if (
      exchange.status !== null &&
      exchange.status < 500 &&
      exchange.errorKind !== 'quota'
    ) {
      this.latencyMs = this.latencyMs * 0.9 + exchange.durationMs * 0.1;
      this.onClean(lane, now);
    }
    this.pump();
  }

  /** The allowed rate of a route now (requests per second). */
  allowedRate(route: string): number {
    return this.lanes.get(route)?.rate ?? this.initialRate;
  }

  get concurrencyLimit(): number {
    const now = this.now();
    let rates = 0;
    for (const lane of this.lanes.values()) {
      if (now - lane.lastUsedAt < ACTIVE_LANE_MS || lane.waiters.length > 0) rates += lane.rate;
    }
    const needed = Math.ceil(rates * (this.latencyMs / 1000) * 2) + 2;
    return Math.min(this.maxConcurrency, Math.max(2, needed));
  }

  snapshot(): RateSnapshot {
    const now = this.now();
    return {
      concurrencyLimit: this.concurrencyLimit,
      inFlight: this.inFlight,
      latencyMs: Math.round(this.latencyMs * 10) / 10,
      routes: [...this.lanes.values()].map((lane) => ({
        route: lane.route,
        rate: Math.round(lane.rate * 100) / 100,
        ceiling: lane.ceiling === null ? null : Math.round(lane.ceiling * 100) / 100,
        slowStart: lane.slowStart,
        pausedForMs: Math.max(0, Math.round(lane.pausedUntil - now)),
        waiting: lane.waiters.length,
        rateLimitedAnswers: lane.rateLimitedAnswers,
        cleanAnswers: lane.cleanAnswers,
      })),
    };
  }

  /** Rejects every waiting acquire (the sender is closing). */
  close(error: Error = abortError()): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
    for (const lane of this.lanes.values()) {
      const waiters = lane.waiters.splice(0);
      for (const waiter of waiters) waiter.fail(error);
    }
  }

  private lane(route: string): RouteLane {
    let lane = this.lanes.get(route);
    if (lane && lane.waiters.length === 0 && this.now() - lane.lastUsedAt > IDLE_RESTART_MS) {
      // After a long pause (a quota wait, a fixed connection) the server's limiter has
      // refilled: find the rate again quickly.
      lane.slowStart = true;
      lane.rate = Math.max(lane.rate, this.initialRate);
      lane.lastGrowthAt = this.now();
    }
    if (!lane) {
      const now = this.now();
      lane = {
        route,
        rate: this.initialRate,
        tokens: 1,
        refilledAt: now,
        pausedUntil: 0,
        slowStart: true,
        ceiling: null,
        lastCutAt: -Infinity,
        lastGrowthAt: now,
        blocked: false,
        rateLimitedSinceGrowth: false,
        accepted: [],
        acceptedHead: 0,
        waiters: [],
        lastUsedAt: now,
        createdAt: now,
        rateLimitedAnswers: 0,
        cleanAnswers: 0,
      };
      this.lanes.set(route, lane);
    }
    return lane;
  }

  private onClean(lane: RouteLane, now: number): void {
    lane.cleanAnswers += 1;
    lane.accepted.push(now);
    this.trimAccepted(lane, now);
    const interval = lane.slowStart ? 1_000 : 2_000;
    if (now - lane.lastGrowthAt < interval) return;
    if (lane.blocked && !lane.rateLimitedSinceGrowth) {
      if (lane.slowStart) {
        lane.rate = Math.min(this.maxRate, lane.rate * 2);
      } else {
        lane.rate = Math.min(
          this.maxRate,
          lane.rate + Math.max(lane.rate * growthStep(lane), 0.05),
        );
      }
    }
    lane.lastGrowthAt = now;
    lane.blocked = false;
    lane.rateLimitedSinceGrowth = false;
  }

  private onRateLimited(
    lane: RouteLane,
    startedAt: number,
    retryAfterMs: number | undefined,
    now: number,
  ): void {
    lane.rateLimitedAnswers += 1;
    lane.rateLimitedSinceGrowth = true;
    if (retryAfterMs !== undefined && retryAfterMs > 0) {
      lane.pausedUntil = Math.max(lane.pausedUntil, now + Math.min(retryAfterMs, this.maxPauseMs));
    }
    // One cut per overload: answers to requests sent before the last cut were already counted.
    if (startedAt < lane.lastCutAt) return;
    this.trimAccepted(lane, now);
    const windowMs = Math.min(ACCEPT_WINDOW_MS, Math.max(250, now - lane.createdAt));
    const acceptedRate = (lane.accepted.length - lane.acceptedHead) / (windowMs / 1000);
    lane.ceiling = acceptedRate > 0 ? acceptedRate : lane.rate / 2;
    const target = acceptedRate * 0.95;
    lane.rate = Math.max(
      this.minRate,
      Math.min(lane.rate * 0.95, Math.max(lane.rate * 0.5, target)),
    );
    lane.slowStart = false;
    lane.tokens = 0;
    lane.refilledAt = now;
    lane.lastCutAt = now;
    lane.lastGrowthAt = now;
  }

  private trimAccepted(lane: RouteLane, now: number): void {
    while (
      lane.acceptedHead < lane.accepted.length &&
      (lane.accepted[lane.acceptedHead] ?? 0) < now - ACCEPT_WINDOW_MS
    ) {
      lane.acceptedHead += 1;
    }
    if (lane.acceptedHead > 1024) {
      lane.accepted = lane.accepted.slice(lane.acceptedHead);
      lane.acceptedHead = 0;
    }
  }

  private pump(): void {
    const now = this.now();
    const limit = this.concurrencyLimit;
    let wakeAt = Infinity;
    let granted = true;
    // Round-robin, one grant per route per pass, so no route starves another.
    while (granted) {
      granted = false;
      for (const lane of this.lanes.values()) {
        if (lane.waiters.length === 0) continue;
        this.refill(lane, now);
        if (now < lane.pausedUntil) {
          wakeAt = Math.min(wakeAt, lane.pausedUntil);
          continue;
        }
        if (lane.tokens < 1) {
          lane.blocked = true;
          wakeAt = Math.min(wakeAt, now + ((1 - lane.tokens) / lane.rate) * 1000);
          continue;
        }
        if (this.inFlight >= limit) {
          lane.blocked = true;
          continue; // a release pumps again
        }
        const waiter = lane.waiters.shift();
        if (!waiter) continue;
        lane.tokens -= 1;
        lane.lastUsedAt = now;
        this.inFlight += 1;
        granted = true;
        waiter.grant(this.permit());
      }
    }
    this.arm(wakeAt);
  }

  private refill(lane: RouteLane, now: number): void {
    const capacity = Math.max(1, lane.rate * 0.05);
    lane.tokens = Math.min(capacity, lane.tokens + ((now - lane.refilledAt) / 1000) * lane.rate);
    lane.refilledAt = now;
  }

  private permit(): RatePermit {
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.inFlight -= 1;
        this.pump();
      },
    };
  }

  private arm(at: number): void {
    if (at === Infinity) return;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.timerAt = Infinity;
        this.pump();
      },
      Math.max(0, Math.ceil(at - this.now())),
    );
  }
}

/**
 * Growth per step after the first 429, by distance to the ceiling last seen: fast far below it
 * (recovering from several cuts), careful close to it, faster again once well past it (the limit
 * may have risen).
 */
function growthStep(lane: RouteLane): number {
  if (lane.ceiling === null) return 0.1;
  const ratio = lane.rate / lane.ceiling;
  if (ratio < 0.9) return 0.1;
  if (ratio < 0.97) return 0.03;
  if (ratio < 1.05) return 0.01;
  return 0.05;
}

function abortError(): Error {
  const error = new Error('The request was cancelled.');
  error.name = 'AbortError';
  return error;
}

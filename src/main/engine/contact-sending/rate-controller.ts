/**
 * Adaptive request pacing for one Crisp token. Crisp limits each route, and for some tokens all
 * requests together, with limits it does not publish and without saying which limit a 429/420
 * came from (crisp-api.md §3). So there are two kinds of pace (rate-pace.ts), and every request
 * waits for both that apply:
 * - a lane per route, with its own pace (a route's own limit);
 * - one shared pace across routes (a limit shared by all routes), used once such a limit is
 *   inferred: 429s on two different routes within a few seconds, at about the same total
 *   rate. Until then the shared pace does not hold anything back.
 *
 * Each "too many requests" is blamed on one limiter and cuts only its pace. Once a shared limit
 * is inferred, the route lanes are released (their limits so far may have been the shared
 * limit's doing), and a 429 is blamed on the shared limit, unless the same route is refused
 * again and again, or the total is well below the shared ceiling while the route is at its own:
 * then that route's lane holds back again (see blamesShared). So route lanes keep working beside
 * a shared limit. Answers to requests sent before the last cut do not cut again: they belong to
 * the overload already answered.
 *
 * Waiting requests go first come, first served across the routes whose pace lets them go, so no
 * route starves another and a contact's later requests are not stuck behind new contacts.
 *
 * Concurrency follows the rate: enough requests in flight to sustain the allowed rate at the
 * measured latency (Little's law, doubled) plus two, up to `maxConcurrency`.
 */
import type { CrispExchange } from '../crisp-client';
import { RatePace, type PaceLimits } from './rate-pace';

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
  /** Allowed requests per second now (by the route's own limit). */
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
  /** The limit shared by all routes, once inferred; null while each route has only its own. */
  shared: { rate: number; ceiling: number | null; pausedForMs: number } | null;
  routes: RouteRateSnapshot[];
}

interface Waiter {
  grant: (permit: RatePermit) => void;
  fail: (error: Error) => void;
  /** Arrival order, for first come, first served across routes. */
  order: number;
}

interface RouteLane {
  route: string;
  pace: RatePace;
  /**
   * Whether the route's own pace holds requests back: from the start (slow start), and again
   * once the route's own limit shows after a shared limit was inferred (which releases it).
   */
  holding: boolean;
  waiters: Waiter[];
  rateLimitedAnswers: number;
  cleanAnswers: number;
}

const ACTIVE_LANE_MS = 5_000;
/** 429s on different routes this close together, at about the same total rate: one shared limit. */
const SHARED_EVIDENCE_MS = 3_000;
/** 429s on the same route this close together are "one after the other". */
const SAME_ROUTE_AGAIN_MS = 5_000;
/** "About the same total": the total at the later 429 is at least this share of the earlier. */
const SAME_TOTAL = 0.85;

export class RateController {
  private readonly lanes = new Map<string, RouteLane>();
  private readonly limits: PaceLimits;
  private readonly maxConcurrency: number;
  private readonly now: () => number;
  /** The limit shared by all routes: counts every clean answer; holds back once inferred. */
  private readonly shared: RatePace;
  private sharedInferred = false;
  /** The last 429 that cut a pace: which route, when, and the total accepted rate then. */
  private lastOverload: { route: string; at: number; total: number } | null = null;
  /** Of that run of 429s on one route, the one where the route got least: its and the total's rates. */
  private streakLow: { own: number; total: number } | null = null;
  /** How many overloads before the last one were on the same route, one after the other. */
  private overloadStreak = 0;
  /** When any pace was last cut. */
  private lastCutAt = -Infinity;
  private inFlight = 0;
  private latencyMs = 50;
  private waiterOrder = 0;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;

  constructor(options: RateControllerOptions = {}) {
    this.limits = {
      initialRate: options.initialRate ?? 10,
      minRate: options.minRate ?? 0.2,
      maxRate: options.maxRate ?? 1000,
      maxPauseMs: options.maxPauseMs ?? 600_000,
    };
    this.maxConcurrency = Math.max(1, options.maxConcurrency ?? 32);
    this.now = options.now ?? (() => performance.now());
    this.shared = new RatePace(this.limits, this.now());
  }

  /** Waits until a request on `route` may go; the permit must be released when it is over. */
  acquire(route: string, signal?: AbortSignal): Promise<RatePermit> {
    if (signal?.aborted) return Promise.reject(abortError());
    const lane = this.lane(route);
    if (lane.waiters.length === 0) {
      lane.pace.restartIfIdle(this.now());
      if (this.sharedInferred && this.waitingCount() === 0) this.shared.restartIfIdle(this.now());
    }
    return new Promise<RatePermit>((resolve, reject) => {
      const waiter: Waiter = {
        grant: (permit) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(permit);
        },
        fail: reject,
        order: this.waiterOrder++,
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
      lane.rateLimitedAnswers += 1;
      this.onRateLimited(lane, exchange.startedAt, exchange.retryAfterMs, now);
    } else if (
      exchange.status !== null &&
      exchange.status < 500 &&
      exchange.errorKind !== 'quota' &&
      exchange.errorKind !== 'server'
    ) {
      this.latencyMs = this.latencyMs * 0.9 + exchange.durationMs * 0.1;
      lane.cleanAnswers += 1;
      lane.pace.noteAccepted(now);
      this.shared.noteAccepted(now);
    }
    this.pump();
  }

  /** The allowed rate of a route now (requests per second), counting a shared limit. */
  allowedRate(route: string): number {
    const own = this.lanes.get(route)?.pace.rate ?? this.limits.initialRate;
    return this.sharedInferred ? Math.min(own, this.shared.rate) : own;
  }

  /** True when a request on `route` is held at the lowest rate (what a spent quota looks like). */
  atFloor(route: string): boolean {
    const lane = this.lanes.get(route);
    if (this.sharedInferred && this.shared.atFloor) return true;
    return lane !== undefined && lane.holding && lane.pace.atFloor;
  }

  /** Whether a limit shared by all routes has been inferred. */
  get sharedLimit(): boolean {
    return this.sharedInferred;
  }

  get concurrencyLimit(): number {
    const now = this.now();
    let rates = 0;
    for (const lane of this.lanes.values()) {
      if (now - lane.pace.lastUsedAt < ACTIVE_LANE_MS || lane.waiters.length > 0)
        rates += lane.pace.rate;
    }
    if (this.sharedInferred) rates = Math.min(rates, this.shared.rate);
    const needed = Math.ceil(rates * (this.latencyMs / 1000) * 2) + 2;
    return Math.min(this.maxConcurrency, Math.max(2, needed));
  }

  snapshot(): RateSnapshot {
    const now = this.now();
    const round = (n: number): number => Math.round(n * 100) / 100;
    return {
      concurrencyLimit: this.concurrencyLimit,
      inFlight: this.inFlight,
      latencyMs: Math.round(this.latencyMs * 10) / 10,
      shared: this.sharedInferred
        ? {
            rate: round(this.shared.rate),
            ceiling: this.shared.ceiling === null ? null : round(this.shared.ceiling),
            pausedForMs: Math.max(0, Math.round(this.shared.pausedUntil - now)),
          }
        : null,
      routes: [...this.lanes.values()].map((lane) => ({
        route: lane.route,
        rate: round(lane.pace.rate),
        ceiling: lane.pace.ceiling === null ? null : round(lane.pace.ceiling),
        slowStart: lane.pace.slowStart,
        pausedForMs: Math.max(0, Math.round(lane.pace.pausedUntil - now)),
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
    if (!lane) {
      lane = {
        route,
        pace: new RatePace(this.limits, this.now()),
        holding: true,
        waiters: [],
        rateLimitedAnswers: 0,
        cleanAnswers: 0,
      };
      this.lanes.set(route, lane);
    }
    return lane;
  }

  private waitingCount(): number {
    let count = 0;
    for (const lane of this.lanes.values()) count += lane.waiters.length;
    return count;
  }

  // ---- which limit said "too many" ---------------------------------------------------------

  private onRateLimited(
    lane: RouteLane,
    startedAt: number,
    retryAfterMs: number | undefined,
    now: number,
  ): void {
    const total = this.shared.acceptedRate(now);
    const inferring = !this.sharedInferred && this.looksShared(lane, startedAt, total, now);
    if (inferring) {
      this.inferShared(total, now);
    } else if (this.sharedInferred && startedAt < this.lastCutAt) {
      // Sent before the last cut (of any pace): part of the overload that was already answered.
      lane.pace.noteRefused(retryAfterMs, now);
      this.shared.noteRefused(retryAfterMs, now);
      return;
    }
    const blameShared = inferring || (this.sharedInferred && this.blamesShared(lane, total, now));
    const pace = blameShared ? this.shared : lane.pace;
    if (inferring || startedAt >= pace.lastCutAt) {
      this.overloadStreak = this.sameRouteAgain(lane, now) ? this.overloadStreak + 1 : 0;
      const own = lane.pace.acceptedRate(now);
      if (this.overloadStreak === 0 || own < (this.streakLow?.own ?? Infinity))
        this.streakLow = { own, total };
      this.lastOverload = { route: lane.route, at: now, total };
    }
    if (!blameShared && !lane.holding) {
      // The route's own limit shows: its lane holds back again, from what the route got.
      lane.holding = true;
      lane.pace.rate = Math.max(lane.pace.acceptedRate(now), this.limits.minRate);
    }
    pace.noteLimited(startedAt, retryAfterMs, now);
    this.lastCutAt = Math.max(this.lastCutAt, pace.lastCutAt);
  }

  /**
   * A 429 on another route than the last overload's, a few seconds later, at about the same
   * total rate: one limit shared by all routes explains both better than two route limits.
   */
  private looksShared(lane: RouteLane, startedAt: number, total: number, now: number): boolean {
    const last = this.lastOverload;
    if (!last || last.route === lane.route) return false;
    if (startedAt < lane.pace.lastCutAt) return false;
    return now - last.at <= SHARED_EVIDENCE_MS && total >= last.total * SAME_TOTAL;
  }

  /**
   * From now on the shared pace holds back at what the server accepted in all, and the route
   * lanes are released: their limits so far may have been the shared limit's doing. A route's
   * own limit shows again as 429s on that route one after the other (see blamesShared).
   */
  private inferShared(total: number, now: number): void {
    this.sharedInferred = true;
    const lanesRate = [...this.lanes.values()].reduce((sum, lane) => sum + lane.pace.rate, 0);
    this.shared.startAt(Math.min(Math.max(total, this.limits.minRate), lanesRate), now);
    this.shared.ceiling = total > 0 ? total : null;
    for (const lane of this.lanes.values()) {
      lane.holding = false;
      lane.pace.rate = Math.max(lane.pace.rate, this.shared.rate);
    }
  }

  /**
   * Once a shared limit is inferred, which limit a 429 on `lane` comes from:
   * - on another route than the last overload's: the shared one, unless this lane holds back at
   *   its own ceiling while the total is well below the shared ceiling;
   * - the second in a row on the same route: the route's own if its lane holds back, unless it
   *   got well below its own ceiling while the total is at the shared one; for a released lane,
   *   still the shared one (one more cut of the shared pace first);
   * - the third or later in a row: the route's own when it still gets what it got at its lowest
   *   in this run while the total fell well below that (cutting the shared pace did not help),
   *   or when it is near its own ceiling; else (it gets less and less with the total) the shared
   *   one.
   */
  private blamesShared(lane: RouteLane, total: number, now: number): boolean {
    const sharedCeiling = this.shared.ceiling;
    if (sharedCeiling === null) return true;
    const sharedRatio = total / sharedCeiling;
    const ownCeiling = lane.pace.ceiling;
    const own = lane.pace.acceptedRate(now);
    /** The route's accepted rate against the rate it was refused at before (null: never). */
    const ownRatio = ownCeiling === null ? null : own / ownCeiling;
    if (!this.sameRouteAgain(lane, now)) {
      return !(lane.holding && ownRatio !== null && ownRatio >= 0.9 && sharedRatio < SAME_TOTAL);
    }
    if (this.overloadStreak >= 1) {
      // The third 429 in a row on this route: the shared pace was cut and the route still gets
      // what it got at its lowest in this run while the total fell well below that, or it is
      // near its own ceiling: its own limit. If it gets less and less with the total, it is the
      // shared limit's doing.
      const low = this.streakLow;
      const heldSteady = low !== null && own >= 0.9 * low.own && total <= 0.85 * low.total;
      return !(heldSteady || (ownRatio !== null && ownRatio >= 0.8));
    }
    if (ownRatio !== null && ownRatio < 0.9 && sharedRatio >= 0.9) return true;
    return !lane.holding;
  }

  /** The last overload was on this route too, a few seconds ago at most. */
  private sameRouteAgain(lane: RouteLane, now: number): boolean {
    const last = this.lastOverload;
    return last !== null && last.route === lane.route && now - last.at <= SAME_ROUTE_AGAIN_MS;
  }

  // ---- granting ----------------------------------------------------------------------------

  private pump(): void {
    const now = this.now();
    const limit = this.concurrencyLimit;
    let wakeAt = Infinity;
    for (;;) {
      // The waiting request that came first among the routes whose own pace lets it go.
      let next: RouteLane | null = null;
      for (const lane of this.lanes.values()) {
        const head = lane.waiters[0];
        if (!head) continue;
        const wait = lane.holding
          ? lane.pace.waitMs(now)
          : Math.max(0, lane.pace.pausedUntil - now);
        if (wait > 0) {
          lane.pace.markBlocked();
          wakeAt = Math.min(wakeAt, now + wait);
          continue;
        }
        if (!next || head.order < (next.waiters[0]?.order ?? Infinity)) next = lane;
      }
      if (!next) break;
      if (this.sharedInferred) {
        const wait = this.shared.waitMs(now);
        if (wait > 0) {
          this.shared.markBlocked();
          wakeAt = Math.min(wakeAt, now + wait);
          break;
        }
      }
      if (this.inFlight >= limit) {
        next.pace.markBlocked();
        if (this.sharedInferred) this.shared.markBlocked();
        break; // a release pumps again
      }
      const waiter = next.waiters.shift();
      if (!waiter) break;
      next.pace.take(now, next.holding);
      if (this.sharedInferred) this.shared.take(now);
      this.inFlight += 1;
      waiter.grant(this.permit());
    }
    this.arm(wakeAt);
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

function abortError(): Error {
  const error = new Error('The request was cancelled.');
  error.name = 'AbortError';
  return error;
}

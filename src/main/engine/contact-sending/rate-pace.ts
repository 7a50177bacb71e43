/**
 * The pace of one limiter Crisp may apply: a route's own limit, or the limit shared by all the
 * routes of a token. A token bucket whose rate follows the answers, AIMD-like:
 * - slow start: while answers are clean and requests wait on this pace, the rate doubles every
 *   second;
 * - on a "too many requests" blamed on this limiter: the rate falls to 95 % of what the server
 *   accepted over the last two seconds (at least halved at worst, at least 5 % lower), once per
 *   overload (answers to requests sent before the last cut do not cut again);
 * - then it probes upward every 2 s while requests wait on it: +10 % far below the last
 *   ceiling seen, +3 % near it, +1 % within a few percent of it; once well past it, or after
 *   two steps without a 429, +5 %, then twice as much each step (up to +40 %): the limit has
 *   risen, or the ceiling seen was low;
 * - left idle for 30 s (a quota or connection pause), it starts again in slow start from the
 *   initial rate (or its own, if higher): the server's limiter has refilled meanwhile.
 */

export interface PaceLimits {
  initialRate: number;
  minRate: number;
  maxRate: number;
  /** Longest Retry-After honoured. */
  maxPauseMs: number;
}

const ACCEPT_WINDOW_MS = 2_000;
/**
 * Careful growth steps near the ceiling before growing boldly (the ceiling may be low). Two, not
 * four: a ceiling measured while an overload was still being answered is often a few percent low,
 * and four steps of 2 s left a route below its limit for 8 s after each cut (0.96 of a per-route
 * limit over 50 s, against 0.99 with two; 429s still under 2 %).
 */
const CAREFUL_STEPS = 2;
const IDLE_RESTART_MS = 30_000;

export class RatePace {
  /** Allowed requests per second now. */
  rate: number;
  /** What the server accepted when this limiter last said "too many"; null before. */
  ceiling: number | null = null;
  slowStart = true;
  pausedUntil = 0;
  lastUsedAt: number;
  /** When the rate was last cut (answers to requests sent before it do not cut again). */
  lastCutAt = -Infinity;
  private tokens = 1;
  private refilledAt: number;
  private lastGrowthAt: number;
  /** Requests waited on this pace since the last growth step. */
  private blocked = false;
  private limitedSinceGrowth = false;
  /** Times of clean answers over the last ACCEPT_WINDOW_MS. */
  private accepted: number[] = [];
  private acceptedHead = 0;
  private readonly createdAt: number;
  /** Growth steps since the last cut. */
  private cleanSteps = 0;
  /** Bold growth steps since the last cut: each one grows twice as much. */
  private boldSteps = 0;

  constructor(
    private readonly limits: PaceLimits,
    now: number,
  ) {
    this.rate = limits.initialRate;
    this.refilledAt = now;
    this.lastGrowthAt = now;
    this.lastUsedAt = now;
    this.createdAt = now;
  }

  /** ms until a request may go on this pace (0: now). */
  waitMs(now: number): number {
    if (now < this.pausedUntil) return this.pausedUntil - now;
    this.refill(now);
    return this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.rate) * 1000;
  }

  /** A request had to wait on this pace. */
  markBlocked(): void {
    this.blocked = true;
  }

  /** A request goes now (after waitMs said 0); `paced` false: this pace did not hold it. */
  take(now: number, paced = true): void {
    if (paced) this.tokens -= 1;
    this.lastUsedAt = now;
  }

  /** Clean answers per second over the last two seconds. */
  acceptedRate(now: number): number {
    this.trimAccepted(now);
    const windowMs = Math.min(ACCEPT_WINDOW_MS, Math.max(250, now - this.createdAt));
    return (this.accepted.length - this.acceptedHead) / (windowMs / 1000);
  }

  /** A clean answer: counts toward the accepted rate, and lets the rate grow when due. */
  noteAccepted(now: number): void {
    this.accepted.push(now);
    this.trimAccepted(now);
    const interval = this.slowStart ? 1_000 : 2_000;
    if (now - this.lastGrowthAt < interval) return;
    if (this.blocked && !this.limitedSinceGrowth) {
      const { maxRate } = this.limits;
      this.rate = this.slowStart
        ? Math.min(maxRate, this.rate * 2)
        : Math.min(maxRate, this.rate + Math.max(this.rate * this.growthStep(), 0.05));
    }
    this.lastGrowthAt = now;
    this.blocked = false;
    this.limitedSinceGrowth = false;
  }

  /**
   * "Too many requests" blamed on this limiter, for a request sent at `startedAt`. Cuts the
   * rate once per overload; a Retry-After pauses this pace that long.
   */
  noteLimited(startedAt: number, retryAfterMs: number | undefined, now: number): void {
    this.noteRefused(retryAfterMs, now);
    if (startedAt < this.lastCutAt) return;
    let acceptedRate = this.acceptedRate(now);
    // Past the ceiling in bold steps, the server's burst allowance paid for the overshoot for a
    // while, so what it accepted overstates its limit: lean toward the old ceiling.
    if (this.boldSteps > 0 && this.ceiling !== null)
      acceptedRate = Math.min(acceptedRate, Math.max(this.ceiling * 1.05, acceptedRate * 0.85));
    this.ceiling = acceptedRate > 0 ? acceptedRate : this.rate / 2;
    this.rate = Math.max(
      this.limits.minRate,
      Math.min(this.rate * 0.95, Math.max(this.rate * 0.5, acceptedRate * 0.95)),
    );
    this.slowStart = false;
    this.tokens = 0;
    this.refilledAt = now;
    this.lastCutAt = now;
    // The cut starts the clock of the next growth step: the 429 that caused it does not also
    // hold that step back (only 429s that come after it do).
    this.lastGrowthAt = now;
    this.limitedSinceGrowth = false;
    this.cleanSteps = 0;
    this.boldSteps = 0;
  }

  /** A "too many requests" that does not cut this pace: no growth for now; a Retry-After pauses. */
  noteRefused(retryAfterMs: number | undefined, now: number): void {
    this.limitedSinceGrowth = true;
    if (retryAfterMs !== undefined && retryAfterMs > 0) {
      const pause = Math.min(retryAfterMs, this.limits.maxPauseMs);
      this.pausedUntil = Math.max(this.pausedUntil, now + pause);
    }
  }

  /** Starts at `rate` (no slow start), as when a shared limit is first inferred. */
  startAt(rate: number, now: number): void {
    this.rate = Math.max(this.limits.minRate, Math.min(this.limits.maxRate, rate));
    this.slowStart = false;
    this.tokens = Math.min(this.tokens, 1);
    this.lastCutAt = now;
    this.lastGrowthAt = now;
  }

  /** After a long idle time (a quota or connection pause), finds the rate again quickly. */
  restartIfIdle(now: number): void {
    if (now - this.lastUsedAt <= IDLE_RESTART_MS) return;
    this.slowStart = true;
    this.rate = Math.max(this.rate, this.limits.initialRate);
    this.lastGrowthAt = now;
    this.lastUsedAt = now;
  }

  /** At the lowest rate allowed (a spent quota looks like this). */
  get atFloor(): boolean {
    return this.rate <= this.limits.minRate * 1.01;
  }

  private refill(now: number): void {
    const capacity = Math.max(1, this.rate * 0.05);
    this.tokens = Math.min(capacity, this.tokens + ((now - this.refilledAt) / 1000) * this.rate);
    this.refilledAt = now;
  }

  private trimAccepted(now: number): void {
    while (
      this.acceptedHead < this.accepted.length &&
      (this.accepted[this.acceptedHead] ?? 0) < now - ACCEPT_WINDOW_MS
    ) {
      this.acceptedHead += 1;
    }
    if (this.acceptedHead > 1024) {
      this.accepted = this.accepted.slice(this.acceptedHead);
      this.acceptedHead = 0;
    }
  }

  /**
   * Growth per step after the first cut, by distance to the ceiling last seen: fast far below
   * it (recovering from several cuts), careful close to it, faster again once well past it (the
   * limit may have risen).
   */
  private growthStep(): number {
    if (this.ceiling === null) return 0.1;
    this.cleanSteps += 1;
    const ratio = this.rate / this.ceiling;
    if (ratio < 0.9) return 0.1;
    if (ratio >= 1.05 || this.cleanSteps > CAREFUL_STEPS) {
      this.boldSteps += 1;
      return Math.min(0.4, 0.05 * 2 ** (this.boldSteps - 1));
    }
    return ratio < 0.97 ? 0.03 : 0.01;
  }
}

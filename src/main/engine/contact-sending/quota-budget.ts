/**
 * The daily request budget of one Crisp connection. Crisp counts every request against a daily
 * quota (website token 10,000, plugin token 5,000; crisp-api.md §1, §3) and resets it daily; the
 * hour of the reset is not documented, so midnight UTC is assumed unless configured.
 *
 * The budget keeps a reserve for other tools that share the token, counts what this app used in
 * the current day, and says when sending may resume. When Crisp itself says the quota is spent,
 * the budget is treated as spent until the next reset (or, if that answer comes within an hour
 * after the assumed reset, for 15 minutes, then sending probes again: the real reset time may
 * differ). Its state is plain JSON so a job can persist it and pick it up after a restart.
 */
import { z } from 'zod';

export type TokenTier = 'website' | 'plugin';

export const DEFAULT_DAILY_LIMIT: Record<TokenTier, number> = { website: 10_000, plugin: 5_000 };

const DAY_MS = 86_400_000;
const SERVER_PROBE_MS = 15 * 60_000;
const SERVER_PROBE_WINDOW_MS = 60 * 60_000;

export const ResetTimeUtc = z.object({
  hour: z.number().int().min(0).max(23),
  minute: z.number().int().min(0).max(59),
});
export type ResetTimeUtc = z.infer<typeof ResetTimeUtc>;

export const QuotaBudgetState = z.object({
  version: z.literal(1),
  tier: z.enum(['website', 'plugin']),
  dailyLimit: z.number().int().positive(),
  reserve: z.number().int().nonnegative(),
  used: z.number().int().nonnegative(),
  /** Unix ms of the reset that began the day `used` counts. */
  periodStartedAt: z.number().int(),
  resetTimeUtc: ResetTimeUtc,
  /** Unix ms until which Crisp's own quota answer holds the budget spent; null when not. */
  serverSpentUntil: z.number().int().nullable(),
});
export type QuotaBudgetState = z.infer<typeof QuotaBudgetState>;

export interface QuotaBudgetOptions {
  tier: TokenTier;
  /** Default by tier (website 10,000, plugin 5,000). */
  dailyLimit?: number;
  /** Requests per day left for other tools on the same token. Default 0. */
  reserve?: number;
  /** When Crisp's day starts. Default 00:00 UTC. */
  resetTimeUtc?: ResetTimeUtc;
  /** Wall clock in Unix ms. Default Date.now. */
  now?: () => number;
}

export class QuotaBudget {
  private state: QuotaBudgetState;
  private readonly now: () => number;

  constructor(options: QuotaBudgetOptions) {
    this.now = options.now ?? Date.now;
    const resetTimeUtc = options.resetTimeUtc ?? { hour: 0, minute: 0 };
    const dailyLimit = options.dailyLimit ?? DEFAULT_DAILY_LIMIT[options.tier];
    this.state = QuotaBudgetState.parse({
      version: 1,
      tier: options.tier,
      dailyLimit,
      reserve: options.reserve ?? 0,
      used: 0,
      periodStartedAt: lastResetAtOrBefore(this.now(), resetTimeUtc),
      resetTimeUtc,
      serverSpentUntil: null,
    });
    this.checkReserve(this.state.reserve, dailyLimit);
  }

  /** Restores a budget saved with toJSON(). Throws a plain message when the state is not valid. */
  static fromJSON(json: unknown, options: { now?: () => number } = {}): QuotaBudget {
    const parsed = QuotaBudgetState.safeParse(json);
    if (!parsed.success) {
      throw new Error(
        `The saved quota budget cannot be read: ${parsed.error.issues[0]?.message ?? 'not valid'}.`,
      );
    }
    const budget = new QuotaBudget({
      tier: parsed.data.tier,
      dailyLimit: parsed.data.dailyLimit,
      reserve: Math.min(parsed.data.reserve, parsed.data.dailyLimit - 1),
      resetTimeUtc: parsed.data.resetTimeUtc,
      now: options.now,
    });
    budget.state = { ...parsed.data };
    budget.rollOver();
    return budget;
  }

  /** The wall clock this budget counts days by (Unix ms). */
  clock(): number {
    return this.now();
  }

  toJSON(): QuotaBudgetState {
    this.rollOver();
    return { ...this.state, resetTimeUtc: { ...this.state.resetTimeUtc } };
  }

  get tier(): TokenTier {
    return this.state.tier;
  }
  get dailyLimit(): number {
    return this.state.dailyLimit;
  }
  get reserve(): number {
    return this.state.reserve;
  }
  /** What this app may use per day: the limit minus the reserve. */
  get dailyAllowance(): number {
    return Math.max(0, this.state.dailyLimit - this.state.reserve);
  }
  /** Requests this app used since the last reset. */
  get used(): number {
    this.rollOver();
    return this.state.used;
  }
  /** Requests this app may still send before the next reset (0 while Crisp says spent). */
  get remaining(): number {
    this.rollOver();
    if (this.state.serverSpentUntil !== null) return 0;
    return Math.max(0, this.dailyAllowance - this.state.used);
  }
  get spent(): boolean {
    return this.remaining === 0;
  }
  /** Unix ms of the next daily reset. */
  get nextResetAt(): number {
    this.rollOver();
    return this.state.periodStartedAt + DAY_MS;
  }
  /** Unix ms when sending may go on: now if not spent, else the reset (or the next probe). */
  get resumesAt(): number {
    this.rollOver();
    if (this.state.serverSpentUntil !== null) return this.state.serverSpentUntil;
    if (this.remaining > 0) return this.now();
    return this.nextResetAt;
  }

  setDailyLimit(limit: number): void {
    if (!Number.isInteger(limit) || limit <= 0)
      throw new Error('The daily limit must be a whole number above 0.');
    this.checkReserve(this.state.reserve, limit);
    this.state.dailyLimit = limit;
  }

  setReserve(reserve: number): void {
    if (!Number.isInteger(reserve) || reserve < 0)
      throw new Error('The reserve must be a whole number, 0 or more.');
    this.checkReserve(reserve, this.state.dailyLimit);
    this.state.reserve = reserve;
  }

  /** Takes `count` requests from today's allowance; false (and nothing taken) when not enough is left. */
  tryConsume(count = 1): boolean {
    if (this.remaining < count) return false;
    this.state.used += count;
    return true;
  }

  /** Crisp answered that the quota is spent. */
  markServerSpent(): void {
    this.rollOver();
    const now = this.now();
    const justAfterReset = now - this.state.periodStartedAt < SERVER_PROBE_WINDOW_MS;
    this.state.serverSpentUntil = justAfterReset
      ? now + SERVER_PROBE_MS
      : this.state.periodStartedAt + DAY_MS;
  }

  /** The quota was reset outside the daily schedule (e.g. a development plugin token reset in the Marketplace). */
  resetNow(): void {
    this.state.used = 0;
    this.state.serverSpentUntil = null;
    this.state.periodStartedAt = lastResetAtOrBefore(this.now(), this.state.resetTimeUtc);
  }

  /** Days needed for `requests` more requests, counting what is left today. 0 when it fits today. */
  daysNeeded(requests: number): number {
    const left = requests - this.remaining;
    if (left <= 0) return 0;
    const perDay = this.dailyAllowance;
    return perDay === 0 ? Infinity : Math.ceil(left / perDay);
  }

  private checkReserve(reserve: number, limit: number): void {
    if (reserve >= limit) {
      throw new Error(
        `The reserve (${reserve}) must be below the daily limit (${limit}), or nothing is left to import with.`,
      );
    }
  }

  private rollOver(): void {
    const now = this.now();
    if (this.state.serverSpentUntil !== null && now >= this.state.serverSpentUntil)
      this.state.serverSpentUntil = null;
    if (now >= this.state.periodStartedAt + DAY_MS) {
      this.state.periodStartedAt = lastResetAtOrBefore(now, this.state.resetTimeUtc);
      this.state.used = 0;
    }
  }
}

/** The latest daily reset at or before `now`. */
export function lastResetAtOrBefore(now: number, resetTimeUtc: ResetTimeUtc): number {
  const day = new Date(now);
  const candidate = Date.UTC(
    day.getUTCFullYear(),
    day.getUTCMonth(),
    day.getUTCDate(),
    resetTimeUtc.hour,
    resetTimeUtc.minute,
  );
  return candidate <= now ? candidate : candidate - DAY_MS;
}

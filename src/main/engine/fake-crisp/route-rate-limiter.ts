/**
 * The burst limiter of the fake Crisp server: one token bucket per (token identifier, templated
 * route) with `scope: 'route'` (the default), or one per token shared by all its routes with
 * `scope: 'global'` (Crisp's "API Global" limiter, crisp-api.md §3).
 */
import type { RateLimitConfig } from './fake-crisp-types';

export type RateDecision =
  { allowed: true } | { allowed: false; status: 429 | 420; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  refilledAt: number;
  rejections: number;
}

export class RouteRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly config: RateLimitConfig) {}

  /** Takes one request from the bucket of `tokenId` (+ `route`), at `now` (ms, monotonic). */
  take(tokenId: string, route: string, now: number): RateDecision {
    const perSecond = this.config.perSecond;
    const capacity = Math.max(1, this.config.burst ?? perSecond);
    const key = this.config.scope === 'global' ? tokenId : `${tokenId} ${route}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: capacity, refilledAt: now, rejections: 0 };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(
      capacity,
      bucket.tokens + ((now - bucket.refilledAt) / 1000) * perSecond,
    );
    bucket.refilledAt = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    const status =
      this.config.status === 'alternate'
        ? bucket.rejections % 2 === 0
          ? 429
          : 420
        : this.config.status;
    bucket.rejections += 1;
    const waitSeconds = perSecond > 0 ? (1 - bucket.tokens) / perSecond : 60;
    return { allowed: false, status, retryAfterSeconds: Math.max(1, Math.ceil(waitSeconds)) };
  }
}

/**
 * A simulated Crisp limiter and simulated contacts, on vitest's fake clock, to measure the
 * RateController in seconds instead of minutes. The limiter is a token bucket like the fake
 * Crisp server's (src/main/engine/fake-crisp/route-rate-limiter.ts): one per route, or one shared
 * by every route ('global'). Each contact sends its routes one after the other, as the
 * ContactSender does (a rate-limited request waits for its turn again and is sent again).
 */
import { vi } from 'vitest';
import type { CrispExchange, CrispRoute } from '../../src/main/engine/crisp-client';
import { RateController, type RateControllerOptions } from '../../src/main/engine/contact-sending';

export const ROUTES = {
  create: 'POST /people/profile',
  get: 'GET /people/profile/:id',
  patchProfile: 'PATCH /people/profile/:id',
  patchData: 'PATCH /people/data/:id',
} as const satisfies Record<string, CrispRoute>;

/** What the ContactSender sends per contact (crisp-api.md §7). */
export const FLOWS = {
  /** A new contact with custom data: create, then data. */
  newWithData: [ROUTES.create, ROUTES.patchData],
  /** An existing contact, looked up first: read, profile, data. */
  existing: [ROUTES.get, ROUTES.patchProfile, ROUTES.patchData],
  /** An existing contact met by "create first": 409, read, profile, data. */
  existingAfterConflict: [ROUTES.create, ROUTES.get, ROUTES.patchProfile, ROUTES.patchData],
} as const;

/** `share` of the contacts existing (every 1/share-th one), the others new, all with data. */
export function mixedFlow(
  existingShare: number,
  existing: readonly CrispRoute[] = FLOWS.existingAfterConflict,
): (index: number) => readonly CrispRoute[] {
  return (index) =>
    Math.floor((index + 1) * existingShare) > Math.floor(index * existingShare)
      ? existing
      : FLOWS.newWithData;
}

export interface SimulatedLimit {
  scope: 'route' | 'global';
  perSecond: number;
  /** Bucket size; default one second's worth (as the fake server). */
  burst?: number;
  /** Answer a Retry-After (ms until a request would pass). Default false. */
  retryAfter?: boolean;
}

export interface SimulationOptions {
  limit: SimulatedLimit;
  /** Routes with a limit of their own as well (per second), checked before `limit`. */
  routeLimits?: Partial<Record<CrispRoute, number>>;
  /** The routes of the `index`-th contact, sent by worker `worker` (0 to contactsInFlight - 1). */
  flow: (index: number, worker: number) => readonly CrispRoute[];
  seconds: number;
  /** Contacts in flight at once. Default 32. */
  contactsInFlight?: number;
  /** Answer time: base plus up to `jitterMs` (seeded). Default 30 + 20 ms. */
  latencyMs?: number;
  jitterMs?: number;
  controller?: RateControllerOptions;
  /** Seed of the latency jitter. Default 7. */
  seed?: number;
  /** The limit changes at these times (ms after the start). */
  changes?: { atMs: number; perSecond: number }[];
}

export interface SimulatedRequest {
  at: number;
  route: CrispRoute;
  limited: boolean;
}

export interface SimulationResult {
  requests: SimulatedRequest[];
  controller: RateController;
  contactsDone: number;
  startedAt: number;
}

class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private limit: SimulatedLimit) {}

  setRate(perSecond: number): void {
    this.limit = { ...this.limit, perSecond };
  }

  /** null: allowed; else ms until a request would be allowed. */
  take(route: string, now: number): number | null {
    const key = this.limit.scope === 'global' ? '*' : route;
    const capacity = Math.max(1, this.limit.burst ?? this.limit.perSecond);
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(
      capacity,
      bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond,
    );
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return null;
    }
    return ((1 - bucket.tokens) / this.limit.perSecond) * 1000;
  }
}

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs the simulation; the caller has called vi.useFakeTimers(). */
export async function simulate(options: SimulationOptions): Promise<SimulationResult> {
  const controller = new RateController({ now: () => Date.now(), ...options.controller });
  const buckets = new TokenBuckets(options.limit);
  const own = new Map<string, TokenBuckets>();
  for (const [route, perSecond] of Object.entries(options.routeLimits ?? {}))
    own.set(route, new TokenBuckets({ scope: 'route', perSecond: perSecond ?? 1 }));
  const random = seeded(options.seed ?? 7);
  const latency = (): number => (options.latencyMs ?? 30) + random() * (options.jitterMs ?? 20);
  const requests: SimulatedRequest[] = [];
  const startedAt = Date.now();
  const end = startedAt + options.seconds * 1000;
  let nextContact = 0;
  let contactsDone = 0;
  for (const change of options.changes ?? []) {
    setTimeout(() => buckets.setRate(change.perSecond), change.atMs);
  }

  const send = async (route: CrispRoute): Promise<void> => {
    for (;;) {
      const permit = await controller.acquire(route);
      const at = Date.now();
      const waitMs = own.get(route)?.take(route, at) ?? buckets.take(route, at);
      const limited = waitMs !== null;
      requests.push({ at, route, limited });
      const took = latency();
      await new Promise((resolve) => setTimeout(resolve, took));
      const exchange: CrispExchange = {
        route,
        method: route.split(' ')[0] ?? 'GET',
        status: limited ? 429 : 200,
        reason: limited ? 'too_many_requests' : 'updated',
        ...(limited ? { errorKind: 'rate_limited' as const } : {}),
        ...(limited && options.limit.retryAfter ? { retryAfterMs: Math.ceil(waitMs) } : {}),
        startedAt: at,
        durationMs: took,
      };
      controller.observe(exchange);
      permit.release();
      if (!limited) return;
    }
  };
  const worker = async (index: number): Promise<void> => {
    while (Date.now() < end) {
      const routes = options.flow(nextContact++, index);
      for (const route of routes) await send(route);
      contactsDone += 1;
    }
  };
  const run = Promise.all(
    Array.from({ length: options.contactsInFlight ?? 32 }, (_, index) =>
      worker(index).catch(() => undefined),
    ),
  );
  await vi.advanceTimersByTimeAsync(options.seconds * 1000);
  // Contacts still waiting for their turn are dropped; those in flight get their answers.
  controller.close();
  await vi.advanceTimersByTimeAsync(1_000);
  await run;
  return { requests, controller, contactsDone, startedAt };
}

export interface RateMeasure {
  /** Accepted requests per second in the window. */
  achieved: number;
  /** What the limit allows with this mix of routes (requests per second). */
  allowed: number;
  ratio: number;
  /** Share of the window's requests answered 429. */
  limitedShare: number;
}

/**
 * Measures from `fromMs` after the start to the end. Per route, the mix decides what is
 * allowed: the busiest route is at its limit when the whole is, so allowed = limit / its share.
 */
export function measure(
  result: SimulationResult,
  limit: SimulatedLimit,
  fromMs: number,
  toMs?: number,
): RateMeasure {
  const window = requestsBetween(result, fromMs, toMs);
  const from = result.startedAt + fromMs;
  const to = window.to;
  return rateOf(window.requests, limit, (to - from) / 1000);
}

/** Accepted requests per second on `route` from `fromMs` to the end. */
export function routeRate(result: SimulationResult, route: CrispRoute, fromMs: number): number {
  const { requests, to } = requestsBetween(result, fromMs);
  const accepted = requests.filter((r) => r.route === route && !r.limited).length;
  return accepted / ((to - result.startedAt - fromMs) / 1000);
}

function requestsBetween(
  result: SimulationResult,
  fromMs: number,
  toMs?: number,
): { requests: SimulatedRequest[]; to: number } {
  const from = result.startedAt + fromMs;
  const last = result.requests.at(-1)?.at ?? from;
  const to = Math.min(last, toMs === undefined ? last : result.startedAt + toMs);
  return { requests: result.requests.filter((r) => r.at >= from && r.at < to), to };
}

function rateOf(window: SimulatedRequest[], limit: SimulatedLimit, seconds: number): RateMeasure {
  const accepted = window.filter((r) => !r.limited);
  const achieved = accepted.length / seconds;
  let allowed = limit.perSecond;
  if (limit.scope === 'route') {
    const byRoute = new Map<string, number>();
    for (const r of accepted) byRoute.set(r.route, (byRoute.get(r.route) ?? 0) + 1);
    const busiest = Math.max(...byRoute.values()) / Math.max(1, accepted.length);
    allowed = limit.perSecond / busiest;
  }
  return {
    achieved,
    allowed,
    ratio: achieved / allowed,
    limitedShare: window.filter((r) => r.limited).length / Math.max(1, window.length),
  };
}

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CrispExchange } from '../../src/main/engine/crisp-client';
import { RateController } from '../../src/main/engine/contact-sending';

const ROUTE = 'POST /people/profile';

/** A server limiting one route to `perSecond` with a token bucket, answering after `latencyMs`. */
function simulate(options: {
  perSecond: number;
  burst?: number;
  retryAfterMs?: number;
  seconds: number;
  workers?: number;
}): { sent: { at: number; limited: boolean }[]; controller: RateController; run: Promise<void> } {
  const controller = new RateController({ now: () => Date.now() });
  const sent: { at: number; limited: boolean }[] = [];
  const capacity = options.burst ?? options.perSecond;
  let tokens = capacity;
  let refilledAt = Date.now();
  const end = Date.now() + options.seconds * 1000;
  const worker = async (): Promise<void> => {
    while (Date.now() < end) {
      const permit = await controller.acquire(ROUTE);
      const startedAt = Date.now();
      tokens = Math.min(capacity, tokens + ((startedAt - refilledAt) / 1000) * options.perSecond);
      refilledAt = startedAt;
      const limited = tokens < 1;
      if (!limited) tokens -= 1;
      sent.push({ at: startedAt, limited });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const exchange: CrispExchange = {
        route: ROUTE,
        method: 'POST',
        status: limited ? 429 : 201,
        reason: limited ? 'too_many_requests' : 'added',
        errorKind: limited ? 'rate_limited' : undefined,
        retryAfterMs: limited ? options.retryAfterMs : undefined,
        startedAt,
        durationMs: 5,
      };
      controller.observe(exchange);
      permit.release();
    }
  };
  const run = Promise.all(Array.from({ length: options.workers ?? 16 }, worker)).then(
    () => undefined,
  );
  return { sent, controller, run };
}

async function advance(seconds: number): Promise<void> {
  for (let i = 0; i < seconds * 10; i += 1) await vi.advanceTimersByTimeAsync(100);
}

describe('RateController', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    ['without Retry-After', undefined],
    ['with Retry-After: 1', 1000],
  ])('reaches 90 %% of an unknown limit with few 429s, %s', async (_label, retryAfterMs) => {
    const start = Date.now();
    const sim = simulate({ perSecond: 50, seconds: 60, retryAfterMs });
    await advance(61);
    await sim.run;
    const accepted = sim.sent.filter((r) => !r.limited).length;
    expect(accepted / 60).toBeGreaterThanOrEqual(45);
    const late = sim.sent.filter((r) => r.at >= start + 10_000);
    const limitedShare = late.filter((r) => r.limited).length / late.length;
    expect(limitedShare).toBeLessThanOrEqual(0.03);
  });

  it('slows down on 429 and pauses the route for a Retry-After', async () => {
    const controller = new RateController({ now: () => Date.now(), initialRate: 20 });
    const permit = await controller.acquire(ROUTE);
    permit.release();
    controller.observe({
      route: ROUTE,
      method: 'POST',
      status: 429,
      reason: null,
      errorKind: 'rate_limited',
      retryAfterMs: 3000,
      startedAt: Date.now(),
      durationMs: 1,
    });
    expect(controller.allowedRate(ROUTE)).toBeLessThan(20);
    let granted = false;
    void controller.acquire(ROUTE).then((p) => {
      granted = true;
      p.release();
    });
    await vi.advanceTimersByTimeAsync(2900);
    expect(granted).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    expect(granted).toBe(true);
  });

  it('finds its pace again quickly after a long pause', async () => {
    const controller = new RateController({ now: () => Date.now(), initialRate: 40 });
    const answer = async (limited: boolean): Promise<void> => {
      const permit = await controller.acquire(ROUTE);
      const startedAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 1));
      controller.observe({
        route: ROUTE,
        method: 'POST',
        status: limited ? 429 : 201,
        reason: null,
        errorKind: limited ? 'rate_limited' : undefined,
        startedAt,
        durationMs: 1,
      });
      permit.release();
    };
    const cuts = (async () => {
      for (let i = 0; i < 8; i += 1) await answer(true);
    })();
    await vi.advanceTimersByTimeAsync(120_000);
    await cuts;
    const low = controller.allowedRate(ROUTE);
    expect(low).toBeLessThan(1);
    await vi.advanceTimersByTimeAsync(31_000);
    const burst = Array.from({ length: 40 }, () => answer(false));
    const before = Date.now();
    let settled = false;
    void Promise.all(burst).then(() => (settled = true));
    while (!settled && Date.now() - before < 60_000) await vi.advanceTimersByTimeAsync(100);
    // At the rate it had sunk to, 40 requests would take minutes.
    expect(Date.now() - before).toBeLessThan(10_000);
    expect(controller.allowedRate(ROUTE)).toBeGreaterThan(low * 50);
  });

  it('does not grow while nothing waits on the pace', async () => {
    const controller = new RateController({ now: () => Date.now(), initialRate: 10 });
    for (let i = 0; i < 30; i += 1) {
      const permit = await controller.acquire(ROUTE);
      controller.observe({
        route: ROUTE,
        method: 'POST',
        status: 201,
        reason: 'added',
        startedAt: Date.now(),
        durationMs: 1,
      });
      permit.release();
      await vi.advanceTimersByTimeAsync(500);
    }
    expect(controller.allowedRate(ROUTE)).toBe(10);
  });

  it('rejects waiting requests when closed', async () => {
    const controller = new RateController({ now: () => Date.now(), initialRate: 0.2 });
    (await controller.acquire(ROUTE)).release();
    const waiting = controller.acquire(ROUTE);
    controller.close();
    await expect(waiting).rejects.toThrow('cancelled');
  });
});

/**
 * The rate controller against limits it is not told, on a simulated clock (rate-simulation.ts):
 * one limit shared by all routes of the token, or one limit per route, with the routes a
 * ContactSender sends for new contacts with custom data, existing ones, and mixes. Floors (issue
 * 9): after a 10 s warm-up, at least 0.95 of what the limit allows with at most 2 % of the
 * requests answered 429, at the latency of a loopback server and of a distant one.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CrispRoute } from '../../src/main/engine/crisp-client';
import { RateController } from '../../src/main/engine/contact-sending';
import {
  FLOWS,
  ROUTES,
  measure,
  mixedFlow,
  routeRate,
  simulate,
  type SimulatedLimit,
} from './rate-simulation';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

type Flow = (index: number) => readonly CrispRoute[];
const MIXES: [string, Flow][] = [
  ['new contacts with custom data (create, data)', () => FLOWS.newWithData],
  ['existing contacts (read, profile, data)', () => FLOWS.existing],
  ['20 % existing, met by "create first" (409, read, profile, data)', mixedFlow(0.2)],
  ['new contacts, then existing ones', (i) => (i < 600 ? FLOWS.newWithData : FLOWS.existing)],
];
const LATENCIES: [string, number, number][] = [
  ['2 ms', 2, 1],
  ['150 ms', 150, 40],
];
const CASES = LATENCIES.flatMap(([latency, latencyMs, jitterMs]) =>
  MIXES.map(([mix, flow]) => [mix, latency, flow, latencyMs, jitterMs] as const),
);

async function expectFloors(
  limit: SimulatedLimit,
  flow: Flow,
  latencyMs: number,
  jitterMs: number,
) {
  const result = await simulate({ limit, flow, seconds: 60, latencyMs, jitterMs });
  const figures = measure(result, limit, 10_000);
  expect(
    figures.ratio,
    `achieved ${figures.achieved.toFixed(1)}/s of ${figures.allowed.toFixed(1)}/s`,
  ).toBeGreaterThanOrEqual(0.95);
  expect(figures.limitedShare).toBeLessThanOrEqual(0.02);
  return result;
}

describe('RateController against a limit shared by all routes', () => {
  it.each(CASES)('%s, latency %s', async (_mix, _latency, flow, latencyMs, jitterMs) => {
    const result = await expectFloors(
      { scope: 'global', perSecond: 20 },
      flow,
      latencyMs,
      jitterMs,
    );
    expect(result.controller.sharedLimit).toBe(true);
  });

  it('at 50/s, half the contacts existing', async () => {
    await expectFloors({ scope: 'global', perSecond: 50 }, mixedFlow(0.5), 2, 1);
  });
});

describe('RateController against one limit per route', () => {
  it.each(CASES)('%s, latency %s', async (_mix, _latency, flow, latencyMs, jitterMs) => {
    await expectFloors({ scope: 'route', perSecond: 10 }, flow, latencyMs, jitterMs);
  });

  it('at 50/s per route, half the contacts existing', async () => {
    await expectFloors({ scope: 'route', perSecond: 50 }, mixedFlow(0.5), 2, 1);
  });
});

describe('RateController beside both kinds of limit', () => {
  it("keeps a route's own tighter limit in its lane while the shared limit paces the rest", async () => {
    // Half the workers read existing contacts (the read route allows only 3/s), half create
    // new ones; 20/s in all.
    const result = await simulate({
      limit: { scope: 'global', perSecond: 20 },
      routeLimits: { [ROUTES.get]: 3 },
      flow: (_index, worker) => (worker % 2 === 0 ? FLOWS.existing : FLOWS.newWithData),
      seconds: 60,
      latencyMs: 2,
      jitterMs: 1,
    });
    const figures = measure(result, { scope: 'global', perSecond: 20 }, 10_000);
    expect(figures.achieved).toBeGreaterThanOrEqual(0.95 * 20);
    expect(figures.limitedShare).toBeLessThanOrEqual(0.02);
    expect(routeRate(result, ROUTES.get, 10_000)).toBeGreaterThanOrEqual(0.9 * 3);
  });

  it('follows a shared limit that falls, then rises', async () => {
    const limit: SimulatedLimit = { scope: 'global', perSecond: 20 };
    const result = await simulate({
      limit,
      flow: mixedFlow(0.2),
      seconds: 90,
      latencyMs: 2,
      jitterMs: 1,
      changes: [
        { atMs: 30_000, perSecond: 12 },
        { atMs: 60_000, perSecond: 25 },
      ],
    });
    const low = measure(result, { ...limit, perSecond: 12 }, 40_000, 60_000);
    expect(low.ratio).toBeGreaterThanOrEqual(0.95);
    expect(low.limitedShare).toBeLessThanOrEqual(0.02);
    const high = measure(result, { ...limit, perSecond: 25 }, 75_000);
    expect(high.ratio).toBeGreaterThanOrEqual(0.9);
    expect(high.limitedShare).toBeLessThanOrEqual(0.02);
  });
});

describe('RateController when every request is refused (a spent quota)', () => {
  it('reaches its floor on every route within seconds, and says so', async () => {
    const controller = new RateController({ now: () => Date.now(), initialRate: 20 });
    const routes = [ROUTES.create, ROUTES.patchData, ROUTES.get];
    const refuseAll = async (route: CrispRoute): Promise<void> => {
      for (;;) {
        const permit = await controller.acquire(route);
        const startedAt = Date.now();
        await new Promise((resolve) => setTimeout(resolve, 20));
        controller.observe({
          route,
          method: 'X',
          status: 429,
          reason: 'too_many_requests',
          errorKind: 'rate_limited',
          startedAt,
          durationMs: 20,
        });
        permit.release();
      }
    };
    for (const route of routes) void refuseAll(route).catch(() => undefined);
    await vi.advanceTimersByTimeAsync(30_000);
    for (const route of routes) expect(controller.atFloor(route)).toBe(true);
    controller.close();
  });
});

/**
 * A spent daily quota, however Crisp says it (crisp-api.md §3: 429 or 420 for "too many", quota
 * as 429, 423 or 422 with a reason that is not invalid_data, and a reason string nobody has
 * seen), over loopback against the fake Crisp server, never with the sandbox's own
 * 'quota_limit_exceeded'. Named quota answers pause at once; unknown ones are taken as the quota
 * once they keep coming with the rate at its floor. Either way the sender waits for the reset
 * and then sends every request, none lost.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeCrisp } from '../../src/main/engine/fake-crisp';
import {
  QuotaBudget,
  RateController,
  RequestSender,
  newRequestTally,
  type SenderState,
} from '../../src/main/engine/contact-sending';
import { CRISP_ROUTES } from '../../src/main/engine/crisp-client';
import { clientFor, fakeCrisp } from './contact-sending-support';

let crisp: FakeCrisp;
afterEach(async () => {
  await crisp?.close();
});

const AT_FLOOR_MS = 1_000;

function senderFor(server: FakeCrisp, budget: QuotaBudget): RequestSender {
  return new RequestSender(clientFor(server), {
    // From 20 to 4 requests a second in a few cuts.
    rate: new RateController({ initialRate: 20, minRate: 4 }),
    budget,
    retry: { baseDelayMs: 10, maxDelayMs: 50 },
    assumeQuotaAtFloorMs: AT_FLOOR_MS,
    // Far longer than the test: only the floor rule can pause it.
    assumeQuotaAfterMs: 600_000,
  });
}

function createAll(sender: RequestSender, count: number) {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      sender.call(newRequestTally(), CRISP_ROUTES.createProfile, (client, signal) =>
        client.createProfile(
          { email: `q${i}@example.com`, person: { nickname: 'Someone' } },
          { signal },
        ),
      ),
    ),
  );
}

function quotaPause(sender: RequestSender, timeoutMs: number): Promise<SenderState> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no quota pause in ${timeoutMs} ms`)),
      timeoutMs,
    );
    sender.on('state', (state) => {
      if (typeof state === 'object' && state.paused === 'quota') {
        clearTimeout(timer);
        resolve(state);
      }
    });
  });
}

describe('a spent quota, whatever Crisp calls it', () => {
  it.each([
    ['429 with a reason naming the quota', 429, 'daily_quota_reached'],
    ['423 with a reason of its own', 423, 'locked'],
  ])('%s: pauses at once until the reset', async (_label, status, reason) => {
    crisp = await fakeCrisp({ dailyQuota: { limit: 3, status, reason } });
    const budget = new QuotaBudget({ tier: 'website' });
    const sender = senderFor(crisp, budget);
    const started = Date.now();
    const paused = quotaPause(sender, 5_000);
    const sends = createAll(sender, 8);
    const state = await paused;
    expect(Date.now() - started).toBeLessThan(AT_FLOOR_MS);
    expect(state).toMatchObject({ paused: 'quota', message: expect.stringMatching(/quota/i) });
    expect(typeof state === 'object' && state.paused === 'quota' && state.resumesAt).toBe(
      budget.resumesAt,
    );
    crisp.resetQuota();
    crisp.configure({ dailyQuota: null });
    sender.resumeQuotaNow();
    expect(await sends).toHaveLength(8);
    expect(crisp.listProfiles()).toHaveLength(8);
  });

  it.each([
    ['429 with a reason that says nothing of a quota', 429, 'too_many_requests'],
    ['420 Enhance Your Calm', 420, 'enhance_your_calm'],
    ['422 with a reason that is not invalid_data', 422, 'limit_reached'],
  ])(
    '%s, coming and coming at the slowest pace: taken as the quota, then waits for the reset',
    async (_label, status, reason) => {
      crisp = await fakeCrisp({ dailyQuota: { limit: 3, status, reason } });
      const budget = new QuotaBudget({ tier: 'website' });
      const sender = senderFor(crisp, budget);
      const paused = quotaPause(sender, 15_000);
      const sends = createAll(sender, 8);
      const state = await paused;
      expect(state).toMatchObject({
        paused: 'quota',
        message: expect.stringMatching(
          /^Crisp has answered only "too many requests" for \d+ seconds?, even at the slowest pace, which usually means the daily quota is spent\.$/,
        ),
      });
      expect(budget.spent).toBe(true);
      // What finding it out cost: a few requests a second, falling to the floor.
      const refused = crisp.requestLog().filter((r) => r.status === status);
      expect(refused.length).toBeLessThanOrEqual(40);
      const before = crisp.requestLog().length;
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(crisp.requestLog().length).toBe(before); // it waits, sending nothing
      crisp.resetQuota();
      crisp.configure({ dailyQuota: null });
      sender.resumeQuotaNow();
      expect(await sends).toHaveLength(8);
      expect(crisp.listProfiles()).toHaveLength(8);
    },
    20_000,
  );

  it('a rate limit that lets requests through is not taken as a quota', async () => {
    crisp = await fakeCrisp({
      rateLimit: { perSecond: 10, burst: 2, status: 'alternate', retryAfter: 'none' },
    });
    const sender = senderFor(crisp, new QuotaBudget({ tier: 'website' }));
    const states: SenderState[] = [];
    sender.on('state', (state) => states.push(state));
    expect(await createAll(sender, 30)).toHaveLength(30);
    expect(crisp.requestLog().some((r) => r.status === 429)).toBe(true);
    expect(states).toEqual([]);
  });
});

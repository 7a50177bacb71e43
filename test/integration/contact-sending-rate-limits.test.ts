/**
 * The sender against limits it is not told, over loopback against the fake Crisp server: one
 * limit shared by all routes of the token, or one limit per route, with contacts as an import
 * sends them (custom data on every row, a fifth of them existing already). Short runs (14 s, measured after 6 s):
 * the exact floors are proven on a simulated clock (test/unit/contact-sending-rate-limits);
 * this checks the real client, server and timers agree. The loopback floor (0.8 of the allowed
 * rate) is lower than the 0.95: the fake Crisp shares this process's event loop, and on
 * CI's two loaded cores (other test files run beside this one) timers fire late, so a 10/s pace
 * loses requests the client never sent (0.875 seen on CI, 0.94 on an idle machine). A client
 * that stalls, misreads the limit or hammers it still falls far below it, or past 3 % of 429s.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeCrisp, RateLimitConfig } from '../../src/main/engine/fake-crisp';
import { RateController } from '../../src/main/engine/contact-sending';
import { contact, fakeCrisp, senderFor } from './contact-sending-support';

const RUN_MS = 14_000;
const WARM_UP_MS = 6_000;
let crisp: FakeCrisp;
afterEach(async () => {
  await crisp?.close();
});

async function run(rateLimit: RateLimitConfig) {
  crisp = await fakeCrisp({ rateLimit });
  const emails = Array.from({ length: 5_000 }, (_, i) => `l${i}@example.com`);
  crisp.seedProfiles(emails.filter((_, i) => i % 5 === 2).map((email) => ({ email })));
  const sender = senderFor(crisp, { rate: new RateController() });
  const started = Date.now();
  let next = 0;
  let failed = 0;
  const worker = async (): Promise<void> => {
    while (Date.now() - started < RUN_MS) {
      const email = emails[next++];
      if (!email) return;
      const outcome = await sender.send(contact(email, { data: { plan: 'pro', row: next } }));
      if (outcome.kind === 'failed') failed += 1;
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  const window = crisp
    .requestLog()
    .filter((r) => r.at - started >= WARM_UP_MS && r.at - started < RUN_MS);
  const accepted = window.filter((r) => r.status !== 429 && r.status !== 420);
  const byRoute = new Map<string, number>();
  for (const r of accepted) byRoute.set(r.route, (byRoute.get(r.route) ?? 0) + 1);
  const seconds = (RUN_MS - WARM_UP_MS) / 1000;
  // Per route, the busiest route is at its limit when the whole import is.
  const busiest = Math.max(...byRoute.values()) / accepted.length;
  const allowed =
    rateLimit.scope === 'global' ? rateLimit.perSecond : rateLimit.perSecond / busiest;
  const achieved = accepted.length / seconds;
  const limitedShare = 1 - accepted.length / window.length;
  console.log(
    `${rateLimit.scope} ${rateLimit.perSecond}/s: achieved ${achieved.toFixed(1)}/s of ${allowed.toFixed(1)}/s (${(achieved / allowed).toFixed(3)}), 429/420 ${(limitedShare * 100).toFixed(2)} %`,
  );
  return { ratio: achieved / allowed, limitedShare, failed, sender };
}

describe('adaptive rate against limits it is not told, over loopback', () => {
  it('one limit shared by all routes (20/s): infers it, and gets most of it with few 429s', async () => {
    const result = await run({
      scope: 'global',
      perSecond: 20,
      status: 'alternate',
      retryAfter: 'none',
    });
    expect(result.failed).toBe(0);
    expect(result.ratio).toBeGreaterThanOrEqual(0.8);
    expect(result.limitedShare).toBeLessThanOrEqual(0.03);
  }, 30_000);

  it('one limit per route (10/s): gets most of it with few 429s', async () => {
    const result = await run({
      scope: 'route',
      perSecond: 10,
      status: 'alternate',
      retryAfter: 'none',
    });
    expect(result.failed).toBe(0);
    expect(result.ratio).toBeGreaterThanOrEqual(0.8);
    expect(result.limitedShare).toBeLessThanOrEqual(0.03);
  }, 30_000);
});

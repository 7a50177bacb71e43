/**
 * Every fault of the fake Crisp server, over loopback: nothing it does loses a contact or makes
 * a wrong one, and the sender pauses instead of failing rows when the import cannot go on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeCrisp } from '../../src/main/engine/fake-crisp';
import { CrispClient } from '../../src/main/engine/crisp-client';
import {
  ContactSender,
  QuotaBudget,
  RateController,
  type ContactOutcome,
} from '../../src/main/engine/contact-sending';
import {
  clientFor,
  contact,
  fakeCrisp,
  sendAll,
  senderFor,
  waitForState,
} from './contact-sending-support';

let crisp: FakeCrisp;
afterEach(async () => {
  await crisp?.close();
});

const list = (n: number, prefix = 'c'): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${i}@example.com`);

function expectAllCreated(outcomes: ContactOutcome[], emails: string[]): void {
  expect(outcomes.filter((o) => o.kind !== 'created')).toEqual([]);
  for (const email of emails) expect(crisp.getProfile(email)?.segments).toEqual(['imported']);
  expect(crisp.listProfiles()).toHaveLength(emails.length);
}

describe('rate limits (429 and 420)', () => {
  it.each([
    [429, 'none'],
    [420, 'none'],
    ['alternate', 'none'],
    [429, 'seconds'],
    ['alternate', 'seconds'],
  ] as const)(
    'answered %s with Retry-After %s: every contact arrives, none fails',
    async (status, retryAfter) => {
      crisp = await fakeCrisp({ rateLimit: { perSecond: 20, burst: 5, status, retryAfter } });
      const sender = senderFor(crisp, { rate: new RateController({ initialRate: 60 }) });
      const emails = list(60);
      const outcomes = await sendAll(
        sender,
        emails.map((e) => contact(e, { segments: ['imported'] })),
      );
      expectAllCreated(outcomes, emails);
      const log = crisp.requestLog();
      const limited = log.filter((r) => r.status === 429 || r.status === 420);
      expect(limited.length).toBeGreaterThan(0);
      if (status === 420) expect(limited.every((r) => r.status === 420)).toBe(true);
      if (retryAfter === 'seconds') {
        // Honoured: nothing new reaches that route while the Retry-After runs.
        for (const answer of limited) {
          const early = log.filter(
            (r) => r.route === answer.route && r.at > answer.at + 100 && r.at < answer.at + 900,
          );
          expect(early).toEqual([]);
        }
      }
      expect(sender.stats().rateLimited).toBe(limited.length);
    },
  );
});

describe('daily quota', () => {
  it('pauses when Crisp says the quota is spent, fails no row, and goes on after the reset', async () => {
    crisp = await fakeCrisp({ dailyQuota: { limit: 25 } });
    const sender = senderFor(crisp, { budget: new QuotaBudget({ tier: 'website' }) });
    const emails = list(40);
    let settled = 0;
    const pending = emails.map((e) =>
      sender.send(contact(e, { segments: ['imported'] })).finally(() => (settled += 1)),
    );
    const paused = await waitForState(sender, (s) => typeof s === 'object' && s.paused === 'quota');
    expect(paused).toMatchObject({ paused: 'quota', message: expect.stringContaining('quota') });
    expect(
      typeof paused === 'object' && paused.paused === 'quota' && paused.resumesAt,
    ).toBeGreaterThan(Date.now());
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(25);
    crisp.resetQuota();
    sender.resumeQuotaNow();
    expectAllCreated(await Promise.all(pending), emails);
  });

  it('stops at its own budget and resumes by itself at the daily reset', async () => {
    crisp = await fakeCrisp();
    // A clock 1.5 s before the next midnight UTC.
    const offset = Math.ceil(Date.now() / 86_400_000) * 86_400_000 - Date.now() - 1_500;
    const clock = (): number => Date.now() + offset;
    const budget = new QuotaBudget({ tier: 'plugin', dailyLimit: 12, reserve: 2, now: clock });
    const sender = senderFor(crisp, { budget });
    const states: unknown[] = [];
    sender.on('state', (s) => states.push(s));
    const emails = list(15);
    const outcomes = await sendAll(
      sender,
      emails.map((e) => contact(e, { segments: ['imported'] })),
      4,
    );
    expectAllCreated(outcomes, emails);
    expect(states[0]).toMatchObject({
      paused: 'quota',
      message: expect.stringContaining('budget'),
    });
    expect(states.at(-1)).toBe('sending');
    expect(budget.used).toBe(5);
  });
});

describe('stale reads and endless 429s', () => {
  it('reads again when Crisp says "exists" but its cached read still says "not found"', async () => {
    crisp = await fakeCrisp({ readCacheMs: 400 });
    const sender = senderFor(crisp, { plan: 'look-up-first' });
    // Another tool creates the profile right after our look-up was cached as "not found".
    let seeded = false;
    crisp.onRequest((entry) => {
      if (!seeded && entry.route === 'GET /people/profile/:id') {
        seeded = true;
        crisp.seedProfiles([
          { email: 'race@example.com', person: { nickname: 'Other tool' }, segments: ['theirs'] },
        ]);
      }
    });
    const outcome = await sender.send(contact('race@example.com', { segments: ['imported'] }));
    expect(outcome.kind).toBe('updated');
    expect(crisp.getProfile('race@example.com')?.segments).toEqual(['theirs', 'imported']);
    const statuses = crisp.requestLog().map((r) => `${r.method} ${r.status}`);
    expect(statuses.slice(0, 3)).toEqual(['GET 404', 'POST 409', 'GET 404']);
    expect(statuses.at(-1)).toBe('PATCH 200');
  });

  it('takes nothing but 429 for a long time as a spent quota, and pauses instead of spinning', async () => {
    crisp = await fakeCrisp({
      rateLimit: { perSecond: 0.001, burst: 1, status: 429, retryAfter: 'none' },
    });
    const sender = senderFor(crisp, {
      assumeQuotaAfterMs: 500,
      rate: new RateController({ initialRate: 20 }),
    });
    const pending = Promise.all(
      list(3).map((e) => sender.send(contact(e, { segments: ['imported'] }))),
    );
    const paused = await waitForState(sender, (s) => typeof s === 'object');
    expect(paused).toMatchObject({
      paused: 'quota',
      message: expect.stringContaining('too many requests'),
    });
    crisp.configure({ rateLimit: null });
    sender.resumeQuotaNow();
    expectAllCreated(await pending, list(3));
  });
});

describe('server errors, resets and slow answers', () => {
  it('retries 5xx answers with HTML bodies until each contact is created once', async () => {
    crisp = await fakeCrisp({ faults: { serverErrorRate: 0.3, seed: 7 } });
    const sender = senderFor(crisp, { retry: { maxAttempts: 10, baseDelayMs: 5, maxDelayMs: 50 } });
    const emails = list(80);
    const outcomes = await sendAll(
      sender,
      emails.map((e) => contact(e, { segments: ['imported'], data: { n: 1 } })),
    );
    expectAllCreated(outcomes, emails);
    expect(crisp.requestLog().some((r) => r.status >= 500)).toBe(true);
    expect(crisp.getProfile('c3@example.com')?.data).toEqual({ n: 1 });
  });

  it('fails the row as retryable, in plain words, when Crisp keeps failing', async () => {
    crisp = await fakeCrisp({ faults: { serverErrorRate: 1, seed: 3 } });
    const sender = senderFor(crisp, { retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 } });
    const outcome = await sender.send(contact('down@example.com'));
    expect(outcome).toMatchObject({ kind: 'failed', retryable: true, requests: 3 });
    expect(outcome.kind === 'failed' && outcome.reason).toMatch(
      /Crisp had a problem answering \(HTTP 50\d.*not a JSON answer\)/,
    );
  });

  it('handles connection resets, including a create whose answer was lost (409 is the update it is)', async () => {
    crisp = await fakeCrisp({ faults: { connectionResetRate: 0.3, seed: 11 } });
    const sender = senderFor(crisp, { retry: { maxAttempts: 10, baseDelayMs: 5, maxDelayMs: 50 } });
    const emails = list(80);
    const outcomes = await sendAll(
      sender,
      emails.map((e) => contact(e, { segments: ['imported'] })),
    );
    expectAllCreated(outcomes, emails);
    const log = crisp.requestLog();
    const lostCreates = log.filter(
      (r) => r.outcome === 'reset' && r.route === 'POST /people/profile' && r.status === 201,
    );
    expect(lostCreates.length).toBeGreaterThan(0);
    expect(log.filter((r) => r.status === 409).length).toBeGreaterThanOrEqual(lostCreates.length);
  });

  it('gives up on answers slower than the timeout and sends again without duplicates', async () => {
    crisp = await fakeCrisp({ faults: { slowRate: 0.2, slowMs: 1_000, seed: 5 } });
    const sender = senderFor(crisp, {
      timeoutMs: 250,
      retry: { maxAttempts: 10, baseDelayMs: 5, maxDelayMs: 50 },
    });
    const emails = list(40);
    const outcomes = await sendAll(
      sender,
      emails.map((e) => contact(e, { segments: ['imported'] })),
    );
    expectAllCreated(outcomes, emails);
    expect(sender.stats().byRoute['POST /people/profile']?.['timeout']).toBeGreaterThan(0);
  });
});

describe('connection problems pause the whole import', () => {
  it('pauses on a revoked token without failing rows, and carries on once it is restored', async () => {
    crisp = await fakeCrisp();
    const sender = senderFor(crisp);
    let answered = 0;
    crisp.onRequest(() => {
      answered += 1;
      if (answered === 20) crisp.revokeToken();
    });
    const emails = list(60);
    let failed = 0;
    const pending = emails.map((e) =>
      sender.send(contact(e, { segments: ['imported'] })).then((o) => {
        if (o.kind === 'failed') failed += 1;
        return o;
      }),
    );
    const paused = await waitForState(
      sender,
      (s) => typeof s === 'object' && s.paused === 'connection',
    );
    expect(paused).toMatchObject({
      problem: 'auth',
      message: expect.stringContaining('did not accept the token'),
    });
    expect(JSON.stringify(paused)).not.toContain(crisp.token.key);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(failed).toBe(0);
    crisp.restoreToken();
    sender.resumeAfterConnectionFixed();
    expectAllCreated(await Promise.all(pending), emails);
  });

  it('pauses on a website not bound to the token, and resumes with a corrected client', async () => {
    crisp = await fakeCrisp();
    const wrong = new CrispClient(
      { apiUrl: crisp.url, websiteId: '00000000-0000-4000-8000-000000000000', ...crisp.token },
      { timeoutMs: 2_000 },
    );
    const misdirected = new ContactSender(wrong, {
      emptyCells: 'clear',
      rate: new RateController(),
    });
    const pending = misdirected.send(contact('a@example.com', { segments: ['imported'] }));
    const paused = await waitForState(misdirected, (s) => typeof s === 'object');
    expect(paused).toMatchObject({ paused: 'connection', problem: 'not_subscribed' });
    misdirected.resumeAfterConnectionFixed(clientFor(crisp));
    expect(await pending).toMatchObject({ kind: 'created' });
    expect(crisp.getProfile('a@example.com')).toBeDefined();
  });

  it('stops cleanly: pending contacts reject as not sent', async () => {
    crisp = await fakeCrisp();
    crisp.revokeToken();
    const sender = senderFor(crisp);
    const pending = sender.send(contact('a@example.com'));
    await waitForState(sender, (s) => typeof s === 'object');
    sender.close();
    await expect(pending).rejects.toThrow('stopped before this contact was sent');
  });
});

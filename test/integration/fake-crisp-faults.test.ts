// The fake Crisp server's rate limits, daily quota, faults and read cache, over loopback HTTP.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startFakeCrisp,
  type FakeCrisp,
  type FakeCrispToken,
} from '../../src/main/engine/fake-crisp';

let crisp: FakeCrisp;

function authHeaders(token: FakeCrispToken = crisp.token): Record<string, string> {
  return {
    Authorization: `Basic ${Buffer.from(`${token.identifier}:${token.key}`).toString('base64')}`,
    'X-Crisp-Tier': token.tier,
    'Content-Type': 'application/json',
  };
}

function send(
  method: string,
  path: string,
  body?: unknown,
  init: { token?: FakeCrispToken; signal?: AbortSignal } = {},
): Promise<Response> {
  return fetch(`${crisp.url}/v1/website/${crisp.websiteId}/people/${path}`, {
    method,
    headers: authHeaders(init.token),
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: init.signal,
  });
}

interface Envelope {
  error: boolean;
  reason: string;
  data: { segments?: string[] } & Record<string, unknown>;
}

async function envelopeOf(response: Response | undefined): Promise<Envelope> {
  if (!response) throw new Error('no response');
  return (await response.json()) as Envelope;
}

const create = (email: string, init: { token?: FakeCrispToken; signal?: AbortSignal } = {}) =>
  send('POST', 'profile', { email, person: { nickname: email.split('@')[0] } }, init);

beforeEach(async () => {
  crisp = await startFakeCrisp();
});
afterEach(async () => {
  await crisp.close();
});

describe('per-route rate limit', () => {
  it('answers 429 without Retry-After once the burst is spent, and applies nothing', async () => {
    crisp.configure({ rateLimit: { perSecond: 2, burst: 2, status: 429, retryAfter: 'none' } });
    const answers = [];
    for (let index = 0; index < 5; index += 1) answers.push(await create(`p${index}@example.com`));
    expect(answers.map((answer) => answer.status)).toEqual([201, 201, 429, 429, 429]);
    expect(answers[2]?.headers.get('retry-after')).toBeNull();
    expect(await envelopeOf(answers[2])).toEqual({
      error: true,
      reason: 'too_many_requests',
      data: {},
    });
    expect(crisp.listProfiles().map((profile) => profile.email)).toEqual([
      'p0@example.com',
      'p1@example.com',
    ]);
  });

  it('limits each route and each token separately', async () => {
    const second: FakeCrispToken = { identifier: 'second-id', key: 'second-key', tier: 'website' };
    crisp.configure({
      tokens: [crisp.token, second],
      rateLimit: { perSecond: 1, burst: 1, status: 429, retryAfter: 'none' },
    });
    expect((await create('a@example.com')).status).toBe(201);
    expect((await create('b@example.com')).status).toBe(429);
    // Another route, and the same route for another token, still have their own budget.
    expect((await send('GET', 'stats')).status).toBe(200);
    expect((await send('PATCH', 'profile/a@example.com', { notepad: 'x' })).status).toBe(200);
    expect((await create('c@example.com', { token: second })).status).toBe(201);
    // Emails on the same route share one bucket (the route is templated).
    expect((await send('PATCH', 'profile/c@example.com', { notepad: 'y' })).status).toBe(429);
  });

  it('answers 420 Enhance Your Calm with Retry-After in seconds, and accepts again after waiting', async () => {
    crisp.configure({ rateLimit: { perSecond: 20, burst: 1, status: 420, retryAfter: 'seconds' } });
    expect((await send('GET', 'stats')).status).toBe(200);
    const limited = await send('GET', 'stats');
    expect(limited.status).toBe(420);
    expect(limited.statusText).toBe('Enhance Your Calm');
    expect(limited.headers.get('retry-after')).toBe('1');
    expect((await envelopeOf(limited)).reason).toBe('enhance_your_calm');
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect((await send('GET', 'stats')).status).toBe(200);
  });

  it('alternates 429 and 420 when asked to', async () => {
    crisp.configure({
      rateLimit: { perSecond: 1, burst: 1, status: 'alternate', retryAfter: 'none' },
    });
    const statuses = [];
    for (let index = 0; index < 5; index += 1) statuses.push((await send('GET', 'stats')).status);
    expect(statuses).toEqual([200, 429, 420, 429, 420]);
  });

  it('can be switched off at runtime', async () => {
    crisp.configure({ rateLimit: { perSecond: 1, burst: 1, status: 429, retryAfter: 'none' } });
    await send('GET', 'stats');
    expect((await send('GET', 'stats')).status).toBe(429);
    crisp.configure({ rateLimit: null });
    expect((await send('GET', 'stats')).status).toBe(200);
  });
});

describe('daily quota', () => {
  it('answers 429 quota_limit_exceeded to every request once spent, until resetQuota()', async () => {
    crisp.configure({ dailyQuota: { limit: 3 } });
    expect((await create('a@example.com')).status).toBe(201);
    expect((await send('GET', 'profile/a@example.com')).status).toBe(200);
    expect((await send('GET', 'stats')).status).toBe(200);
    expect(crisp.quotaUsed()).toBe(3);

    const spent = await create('b@example.com');
    expect(spent.status).toBe(429);
    expect(await envelopeOf(spent)).toEqual({
      error: true,
      reason: 'quota_limit_exceeded',
      data: {},
    });
    expect((await send('GET', 'stats')).status).toBe(429);
    expect(crisp.getProfile('b@example.com')).toBeUndefined();

    crisp.resetQuota();
    expect(crisp.quotaUsed()).toBe(0);
    expect((await create('b@example.com')).status).toBe(201);
    expect(crisp.quotaUsed()).toBe(1);
  });

  it('answers with the configured status and reason, and does not count refused credentials', async () => {
    crisp.configure({ dailyQuota: { limit: 1, status: 423, reason: 'quota_spent' } });
    const wrong = { ...crisp.token, key: 'wrong' };
    expect((await send('GET', 'stats', undefined, { token: wrong })).status).toBe(401);
    expect(crisp.quotaUsed()).toBe(0);
    expect((await send('GET', 'stats')).status).toBe(200);
    const spent = await send('GET', 'stats');
    expect(spent.status).toBe(423);
    expect((await envelopeOf(spent)).reason).toBe('quota_spent');
  });
  it('counts what a run cost even without a quota, leaving out rate-limited answers', async () => {
    crisp.configure({ rateLimit: { perSecond: 1, burst: 1, status: 429, retryAfter: 'none' } });
    expect((await send('GET', 'stats')).status).toBe(200);
    expect((await send('GET', 'stats')).status).toBe(429);
    expect((await create('a@example.com')).status).toBe(201);
    expect(crisp.quotaUsed()).toBe(2);
  });
});

describe('faults', () => {
  it('answers 500, 502 or 503 with an HTML body, without applying the write', async () => {
    crisp.configure({ faults: { serverErrorRate: 1 } });
    const statuses = new Set<number>();
    for (let index = 0; index < 20; index += 1) {
      const answer = await create(`p${index}@example.com`);
      statuses.add(answer.status);
      expect(answer.headers.get('content-type')).toBe('text/html');
      expect(await answer.text()).toMatch(/^<html>/);
    }
    expect([...statuses].every((status) => [500, 502, 503].includes(status))).toBe(true);
    expect(statuses.size).toBeGreaterThan(1);
    expect(crisp.listProfiles()).toEqual([]);
  });

  it('resets connections, sometimes before and sometimes after the write; a retried create then meets 409', async () => {
    crisp.configure({ faults: { connectionResetRate: 1 } });
    const emails = Array.from({ length: 30 }, (_, index) => `p${index}@example.com`);
    for (const email of emails) {
      await expect(create(email)).rejects.toThrow(TypeError);
    }
    const written = emails.filter((email) => crisp.getProfile(email) !== undefined);
    expect(written.length).toBeGreaterThan(0);
    expect(written.length).toBeLessThan(emails.length);

    const log = crisp.requestLog();
    expect(log.every((entry) => entry.outcome === 'reset')).toBe(true);
    expect(log.filter((entry) => entry.status === 201)).toHaveLength(written.length);
    expect(log.filter((entry) => entry.status === 0)).toHaveLength(emails.length - written.length);

    crisp.configure({ faults: { connectionResetRate: 0 } });
    const retry = await create(written[0] ?? '');
    expect(retry.status).toBe(409);
    expect((await envelopeOf(retry)).reason).toBe('people_exists');
    const lost = emails.find((email) => !written.includes(email)) ?? '';
    expect((await create(lost)).status).toBe(201);
  });

  it('answers slowly: a client that gives up sees a timeout, yet the write was applied', async () => {
    crisp.configure({ faults: { slowRate: 1, slowMs: 5_000 } });
    await expect(create('slow@example.com', { signal: AbortSignal.timeout(150) })).rejects.toThrow(
      /timeout|aborted/i,
    );
    expect(crisp.getProfile('slow@example.com')).toBeDefined();

    crisp.configure({ faults: { slowMs: 50 } });
    const eventually = await send('GET', 'profile/slow@example.com');
    expect(eventually.status).toBe(200);
    expect(crisp.requestLog().at(-1)).toMatchObject({ outcome: 'slow', status: 200 });
  });

  it('repeats the same faults for the same seed and request order', async () => {
    const outcomes = async (server: FakeCrisp): Promise<string[]> => {
      server.configure({ faults: { serverErrorRate: 0.3, connectionResetRate: 0.3, seed: 42 } });
      const result: string[] = [];
      for (let index = 0; index < 20; index += 1) {
        const response = await fetch(`${server.url}/v1/website/${server.websiteId}/people/stats`, {
          headers: {
            Authorization: `Basic ${Buffer.from(`${server.token.identifier}:${server.token.key}`).toString('base64')}`,
            'X-Crisp-Tier': 'website',
          },
        }).catch(() => null);
        result.push(response ? String(response.status) : 'reset');
      }
      return result;
    };
    const other = await startFakeCrisp();
    try {
      const first = await outcomes(crisp);
      expect(await outcomes(other)).toEqual(first);
      expect(new Set(first).size).toBeGreaterThan(2);
    } finally {
      await other.close();
    }
  });

  it('closes promptly even with slow answers pending', async () => {
    crisp.configure({ faults: { slowRate: 1, slowMs: 60_000 } });
    const pending = send('GET', 'stats').catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await crisp.close();
    expect(await pending).toBeInstanceOf(TypeError);
    crisp = await startFakeCrisp(); // for afterEach
  });
});

describe('read cache and request log', () => {
  it('serves a stale GET (Bloom-Status HIT) within readCacheMs, a fresh one after', async () => {
    crisp.configure({ readCacheMs: 1_000 });
    await create('jane@example.com');
    const first = await send('GET', 'profile/jane@example.com');
    expect(first.headers.get('bloom-status')).toBe('MISS');
    await send('PATCH', 'profile/jane@example.com', { segments: ['vip'] });

    const stale = await send('GET', 'profile/jane@example.com');
    expect(stale.headers.get('bloom-status')).toBe('HIT');
    expect((await envelopeOf(stale)).data.segments).toEqual([]);
    expect(crisp.getProfile('jane@example.com')?.segments).toEqual(['vip']);

    await new Promise((resolve) => setTimeout(resolve, 1_050));
    const fresh = await send('GET', 'profile/jane@example.com');
    expect(fresh.headers.get('bloom-status')).toBe('MISS');
    expect((await envelopeOf(fresh)).data.segments).toEqual(['vip']);
  });

  it('always reads fresh by default', async () => {
    await create('jane@example.com');
    await send('GET', 'profile/jane@example.com');
    await send('PATCH', 'profile/jane@example.com', { segments: ['vip'] });
    expect((await envelopeOf(await send('GET', 'profile/jane@example.com'))).data.segments).toEqual(
      ['vip'],
    );
  });

  it('logs each request with its templated route, status and reason; the log can be cleared', async () => {
    await create('a+b@example.com');
    await send('PATCH', 'data/a+b@example.com', { data: { plan: 'pro' } });
    await send('GET', 'nowhere');
    expect(
      crisp.requestLog().map(({ method, route, status, reason, outcome }) => ({
        method,
        route,
        status,
        reason,
        outcome,
      })),
    ).toEqual([
      {
        method: 'POST',
        route: 'POST /people/profile',
        status: 201,
        reason: 'added',
        outcome: 'answered',
      },
      {
        method: 'PATCH',
        route: 'PATCH /people/data/:id',
        status: 200,
        reason: 'updated',
        outcome: 'answered',
      },
      {
        method: 'GET',
        route: '(unknown route)',
        status: 404,
        reason: 'not_found',
        outcome: 'answered',
      },
    ]);
    expect(crisp.requestLog()[1]?.path).toBe(
      `/v1/website/${crisp.websiteId}/people/data/a+b@example.com`,
    );
    crisp.clearRequestLog();
    expect(crisp.requestLog()).toEqual([]);
  });

  it('answers thousands of concurrent requests, each once', async () => {
    const total = 2_000;
    let next = 0;
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < total) {
          const index = next++;
          statuses.push((await create(`bulk${index}@example.com`)).status);
        }
      }),
    );
    expect(statuses.filter((status) => status === 201)).toHaveLength(total);
    expect(crisp.listProfiles()).toHaveLength(total);
    expect(crisp.requestLog()).toHaveLength(total);
  });
});

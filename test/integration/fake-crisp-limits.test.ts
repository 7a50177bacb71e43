// The fake Crisp server's shared rate limit (one limit for all the routes of a token) and its
// outage (Crisp down for a while), over loopback HTTP.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startFakeCrisp,
  type FakeCrisp,
  type FakeCrispToken,
} from '../../src/main/engine/fake-crisp';

let crisp: FakeCrisp;

function send(method: string, path: string, body?: unknown, token = crisp.token) {
  return fetch(`${crisp.url}/v1/website/${crisp.websiteId}/people/${path}`, {
    method,
    headers: {
      Authorization: `Basic ${Buffer.from(`${token.identifier}:${token.key}`).toString('base64')}`,
      'X-Crisp-Tier': token.tier,
      'Content-Type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const create = (email: string, token?: FakeCrispToken) =>
  send('POST', 'profile', { email, person: { nickname: 'Someone' } }, token);

beforeEach(async () => {
  crisp = await startFakeCrisp();
});
afterEach(async () => {
  await crisp.close();
});

describe('rate limit shared by all routes (scope: global)', () => {
  it('counts every route of a token against one limit, and each token apart', async () => {
    const second: FakeCrispToken = { identifier: 'second-id', key: 'second-key', tier: 'website' };
    crisp.configure({
      tokens: [crisp.token, second],
      rateLimit: { scope: 'global', perSecond: 1, burst: 2, status: 429, retryAfter: 'none' },
    });
    expect((await create('a@example.com')).status).toBe(201);
    expect((await send('GET', 'profile/a@example.com')).status).toBe(200);
    // The budget of two is spent, whatever the route.
    const limited = [
      await send('PATCH', 'data/a@example.com', { data: { plan: 'pro' } }),
      await send('GET', 'stats'),
      await create('b@example.com'),
    ];
    expect(limited.map((answer) => answer.status)).toEqual([429, 429, 429]);
    expect(limited[0]?.headers.get('retry-after')).toBeNull();
    expect(crisp.getProfile('a@example.com')?.data).toEqual({});
    expect(crisp.getProfile('b@example.com')).toBeUndefined();
    // Another token has its own.
    expect((await create('c@example.com', second)).status).toBe(201);
  });

  it('answers 420 and Retry-After when asked to', async () => {
    crisp.configure({
      rateLimit: { scope: 'global', perSecond: 2, burst: 1, status: 420, retryAfter: 'seconds' },
    });
    expect((await send('GET', 'stats')).status).toBe(200);
    const limited = await create('a@example.com');
    expect(limited.status).toBe(420);
    expect(limited.headers.get('retry-after')).toBe('1');
  });

  it("keeps one limit per route by default (scope: 'route')", async () => {
    crisp.configure({ rateLimit: { perSecond: 1, burst: 1, status: 429, retryAfter: 'none' } });
    expect((await create('a@example.com')).status).toBe(201);
    expect((await send('GET', 'stats')).status).toBe(200);
    expect((await create('b@example.com')).status).toBe(429);
  });
});

describe('outage', () => {
  it('answers every request with an HTML 5xx, applies nothing and counts nothing, until switched off', async () => {
    crisp.configure({ outage: { status: 'mixed' } });
    const answers = [
      await create('a@example.com'),
      await send('GET', 'stats'),
      await send('GET', 'nowhere'),
      await fetch(`${crisp.url}/v1/website/${crisp.websiteId}/people/stats`), // no credentials
    ];
    expect(answers.map((answer) => answer.status)).toEqual([502, 503, 500, 502]);
    expect(answers[0]?.headers.get('content-type')).toBe('text/html');
    expect(await answers[0]?.text()).toContain('<h1>502 Bad Gateway</h1>');
    expect(answers[1]?.headers.get('retry-after')).toBeNull();
    expect(crisp.listProfiles()).toEqual([]);
    expect(crisp.quotaUsed()).toBe(0);
    expect(crisp.requestLog().map((entry) => `${entry.route} ${entry.status}`)).toEqual([
      'POST /people/profile 502',
      'GET /people/stats 503',
      '(unknown route) 500',
      'GET /people/stats 502',
    ]);
    crisp.configure({ outage: null });
    expect((await create('a@example.com')).status).toBe(201);
  });

  it('sends Retry-After on 503, answers JSON when asked to, and ends by itself after forMs', async () => {
    crisp.configure({ outage: { status: 503, body: 'json', retryAfterSeconds: 7, forMs: 300 } });
    const down = await send('GET', 'stats');
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('7');
    expect(await down.json()).toEqual({ error: true, reason: 'service_unavailable', data: {} });
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await send('GET', 'stats')).status).toBe(200);
  });
});

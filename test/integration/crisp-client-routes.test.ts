/** The Crisp client over real HTTP on loopback, against the fake Crisp server. */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeCrisp } from '../../src/main/engine/fake-crisp';
import {
  CrispClient,
  CrispRequestError,
  type CrispExchange,
} from '../../src/main/engine/crisp-client';
import { clientFor, fakeCrisp } from './contact-sending-support';

let crisp: FakeCrisp;
afterEach(async () => {
  await crisp?.close();
});

async function failure(promise: Promise<unknown>): Promise<CrispRequestError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CrispRequestError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

describe('CrispClient', () => {
  it('creates, reads, updates a profile and its custom data, by email with a +', async () => {
    crisp = await fakeCrisp();
    const exchanges: CrispExchange[] = [];
    const client = clientFor(crisp, { observer: (e) => exchanges.push(e) });
    const created = await client.createProfile({
      email: 'jane+crm@example.com',
      person: { nickname: 'Jane' },
      segments: ['a'],
    });
    expect(created).toMatchObject({
      status: 201,
      reason: 'added',
      data: { people_id: expect.any(String) },
    });
    expect(await client.profileExists('jane+crm@example.com')).toBe(true);
    expect(await client.profileExists('nobody@example.com')).toBe(false);
    await client.updateProfile('jane+crm@example.com', { segments: ['a', 'b'] });
    await client.updateData('jane+crm@example.com', { plan: 'pro', seats: 2, trial: false });
    const read = await client.getProfile('jane+crm@example.com');
    expect(read.data).toMatchObject({
      email: 'jane+crm@example.com',
      segments: ['a', 'b'],
      person: { nickname: 'Jane' },
    });
    expect((await client.getData(created.data.people_id)).data).toEqual({
      plan: 'pro',
      seats: 2,
      trial: false,
    });
    expect((await client.getStats()).data.total).toBe(1);
    expect(exchanges.map((e) => `${e.route} ${e.status}`)).toEqual([
      'POST /people/profile 201',
      'HEAD /people/profile/:id 200',
      'HEAD /people/profile/:id 404',
      'PATCH /people/profile/:id 200',
      'PATCH /people/data/:id 200',
      'GET /people/profile/:id 200',
      'GET /people/data/:id 200',
      'GET /people/stats 200',
    ]);
    expect(exchanges[0]?.headers?.get('request-id')).toBeTruthy();
  });

  it("tells error answers apart by kind, with Crisp's message", async () => {
    crisp = await fakeCrisp();
    const client = clientFor(crisp);
    await client.createProfile({ email: 'a@example.com', person: { nickname: 'A' } });
    expect(
      (await failure(client.createProfile({ email: 'a@example.com', person: { nickname: 'A' } })))
        .kind,
    ).toBe('exists');
    expect((await failure(client.getProfile('b@example.com'))).kind).toBe('not_found');
    const invalid = await failure(
      client.createProfile({ email: 'nope', person: { nickname: 'A' } }),
    );
    expect(invalid).toMatchObject({ kind: 'invalid_data', status: 400, reason: 'invalid_data' });
    expect(invalid.message).toContain(invalid.crispMessage);
    crisp.revokeToken();
    const auth = await failure(client.getStats());
    expect(auth).toMatchObject({ kind: 'auth', status: 401 });
    expect(JSON.stringify({ ...auth, message: auth.message })).not.toContain(crisp.token.key);
  });

  it('says when the website is not bound to the token, or the tier is wrong', async () => {
    crisp = await fakeCrisp({ tierMismatch: { status: 403, reason: 'restricted_route_tier' } });
    const other = new CrispClient({
      apiUrl: crisp.url,
      websiteId: 'ffffffff-0000-4000-8000-000000000000',
      ...crisp.token,
    });
    expect((await failure(other.getStats())).kind).toBe('not_subscribed');
    const wrongTier = new CrispClient({
      apiUrl: crisp.url,
      websiteId: crisp.websiteId,
      ...crisp.token,
      tier: 'plugin',
    });
    const error = await failure(wrongTier.getStats());
    expect(error.kind).toBe('forbidden');
    expect(error.message).toContain('this kind of token may not use this request');
  });

  it('reports 429 with its Retry-After, 5xx HTML pages, timeouts and resets by kind', async () => {
    crisp = await fakeCrisp({
      rateLimit: { perSecond: 1, burst: 1, status: 429, retryAfter: 'seconds' },
    });
    const client = clientFor(crisp, { timeoutMs: 200 });
    await client.getStats();
    const limited = await failure(client.getStats());
    expect(limited).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 1000 });

    crisp.configure({ rateLimit: null, faults: { serverErrorRate: 1 } });
    const server = await failure(client.getStats());
    expect(server.kind).toBe('server');
    expect(server.message).toMatch(/HTTP 50\d.*not a JSON answer/);

    crisp.configure({ faults: { serverErrorRate: 0, slowRate: 1, slowMs: 600 } });
    expect((await failure(client.getStats())).kind).toBe('timeout');

    crisp.configure({ faults: { slowRate: 0, connectionResetRate: 1 } });
    const reset = await failure(client.getStats());
    expect(reset.kind).toBe('network');
    expect(reset.message).toMatch(/^Could not reach Crisp: /);
  });

  it('says so in plain words when nothing listens at the address', async () => {
    crisp = await fakeCrisp();
    const url = crisp.url;
    await crisp.close();
    const client = new CrispClient({ apiUrl: url, websiteId: crisp.websiteId, ...crisp.token });
    const error = await failure(client.getStats());
    expect(error).toMatchObject({
      kind: 'network',
      message: 'Could not reach Crisp: the connection was refused.',
    });
  });
});

// "Test connection" against the fake Crisp server over loopback, one case per problem.
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testCrispConnection, type CrispConnection } from '../../src/main/engine/credentials';
import { startFakeCrisp, type FakeCrisp } from '../../src/main/engine/fake-crisp';

let crisp: FakeCrisp;
let good: CrispConnection;

beforeEach(async () => {
  crisp = await startFakeCrisp();
  good = {
    apiUrl: crisp.url,
    websiteId: crisp.websiteId,
    identifier: crisp.token.identifier,
    key: crisp.token.key,
    tier: crisp.token.tier,
  };
});
afterEach(async () => {
  await crisp.close();
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('testCrispConnection', () => {
  it('OK with one request, and says how many contacts the website holds', async () => {
    crisp.seedProfiles([{ email: 'a@example.com' }, { email: 'b@example.com' }]);
    const result = await testCrispConnection(good);
    expect(result).toMatchObject({ ok: true, contacts: 2 });
    expect(result.message).toMatch(/Connected: Crisp accepted the website token .* \(2 contacts/);
    expect(crisp.requestLog().map((r) => r.route)).toEqual(['GET /people/stats']);
  });

  it('wrong key', async () => {
    const result = await testCrispConnection({ ...good, key: 'f'.repeat(64) });
    expect(result).toEqual({
      ok: false,
      problem: 'wrong_key',
      message:
        'The key was refused. Check the token identifier and key in Crisp: Settings > Workspace Settings > Advanced configuration.',
    });
  });

  it('a revoked token reads as a wrong key', async () => {
    crisp.revokeToken();
    expect(await testCrispConnection(good)).toMatchObject({ ok: false, problem: 'wrong_key' });
  });

  it('wrong token kind (the server answers 401 for both): found by trying the other kind', async () => {
    const result = await testCrispConnection({ ...good, tier: 'plugin' });
    expect(result).toMatchObject({ ok: false, problem: 'wrong_tier' });
    expect(result.message).toBe(
      'This key is a website token, but it was given as a plugin token. Choose "website" as the token kind and try again.',
    );
    // The refused request, then the one with the other kind.
    expect(crisp.requestLog()).toHaveLength(2);
  });

  it('wrong token kind when the server answers 403 restricted_route_tier', async () => {
    crisp.configure({ tierMismatch: { status: 403, reason: 'restricted_route_tier' } });
    const result = await testCrispConnection({ ...good, tier: 'plugin' });
    expect(result).toMatchObject({ ok: false, problem: 'wrong_tier' });
  });

  it('a plugin token given as a website token', async () => {
    crisp.configure({
      tokens: [{ identifier: 'plugin-identifier', key: 'plugin-key', tier: 'plugin' }],
    });
    const result = await testCrispConnection({
      ...good,
      identifier: 'plugin-identifier',
      key: 'plugin-key',
      tier: 'website',
    });
    expect(result).toMatchObject({ ok: false, problem: 'wrong_tier' });
    expect(result.message).toMatch(
      /This key is a plugin token, but it was given as a website token/,
    );
  });

  it('website not bound to the token', async () => {
    const other = '00000000-1111-4222-8333-444444444444';
    const result = await testCrispConnection({ ...good, websiteId: other });
    expect(result).toMatchObject({ ok: false, problem: 'website_not_bound' });
    expect(result.message).toMatch(`Website ${other} does not belong to this token`);
    expect(result.message).toMatch(/Settings > Website Settings > Setup Instructions/);
  });

  it('no network (a closed port)', async () => {
    const port = await closedPort();
    const result = await testCrispConnection({ ...good, apiUrl: `http://127.0.0.1:${port}` });
    expect(result).toMatchObject({ ok: false, problem: 'no_network' });
    expect(result.message).toMatch(/Could not reach Crisp: the connection was refused/);
    expect(result.message).toMatch(/Check your internet connection/);
  });

  it('no answer within the timeout counts as no network', async () => {
    crisp.configure({ faults: { slowRate: 1, slowMs: 2_000 } });
    const result = await testCrispConnection(good, { timeoutMs: 200 });
    expect(result).toMatchObject({ ok: false, problem: 'no_network' });
    expect(result.message).toMatch(/did not answer within 0.2 s/);
  });

  it('quota spent', async () => {
    crisp.configure({ dailyQuota: { limit: 0 } });
    const result = await testCrispConnection(good);
    expect(result).toMatchObject({ ok: false, problem: 'quota' });
    expect(result.message).toMatch(/Try again later/);
  });

  it('server error (HTML 5xx page)', async () => {
    crisp.configure({ faults: { serverErrorRate: 1 } });
    const result = await testCrispConnection(good);
    expect(result).toMatchObject({ ok: false, problem: 'server' });
    expect(result.message).toMatch(/on Crisp's side/);
  });

  it('an address that is not the Crisp API', async () => {
    const result = await testCrispConnection({ ...good, apiUrl: `${crisp.url}/elsewhere` });
    expect(result).toMatchObject({ ok: false, problem: 'unknown' });
    expect(result.message).toMatch(/Check the API address/);
  });

  it('never puts the key in a message', async () => {
    const key = 'distinctive0key0ZZQX';
    const results = await Promise.all([
      testCrispConnection({ ...good, key }),
      testCrispConnection({ ...good, key, tier: 'plugin' }),
      testCrispConnection({ ...good, key, apiUrl: `http://127.0.0.1:${await closedPort()}` }),
    ]);
    for (const result of results) expect(JSON.stringify(result)).not.toContain(key);
  });
});

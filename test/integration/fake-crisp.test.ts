// The fake Crisp server over real loopback HTTP: envelope, auth, profiles, data, search.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeCrisp, type FakeCrisp } from '../../src/main/engine/fake-crisp';

interface CrispAnswer {
  status: number;
  headers: Headers;
  body: { error: boolean; reason: string; data: unknown } | null;
}

let crisp: FakeCrisp;

function authHeaders(overrides: { identifier?: string; key?: string; tier?: string | null } = {}) {
  const identifier = overrides.identifier ?? crisp.token.identifier;
  const key = overrides.key ?? crisp.token.key;
  const headers: Record<string, string> = {
    Authorization: `Basic ${Buffer.from(`${identifier}:${key}`).toString('base64')}`,
  };
  const tier = overrides.tier === undefined ? crisp.token.tier : overrides.tier;
  if (tier !== null) headers['X-Crisp-Tier'] = tier;
  return headers;
}

/** One request to `/v1/website/{websiteId}/people/{path}` (`path` sent as written). */
async function call(
  method: string,
  path: string,
  options: {
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
    websiteId?: string;
  } = {},
): Promise<CrispAnswer> {
  const headers: Record<string, string> = { ...(options.headers ?? authHeaders()) };
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(
    `${crisp.url}/v1/website/${options.websiteId ?? crisp.websiteId}/people/${path}`,
    { method, headers, body },
  );
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? null : (JSON.parse(text) as CrispAnswer['body']),
  };
}

const jane = { email: 'jane.doe@example.com', person: { nickname: 'Jane Doe' } };

beforeEach(async () => {
  crisp = await startFakeCrisp();
});
afterEach(async () => {
  await crisp.close();
});

describe('transport and authentication', () => {
  it('answers with the JSON envelope, Request-Id and Bloom-Status headers', async () => {
    const answer = await call('GET', 'stats');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(answer.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.headers.get('bloom-status')).toBe('MISS');
    expect(answer.body).toEqual({ error: false, reason: 'resolved', data: { total: 0 } });
  });

  it('uses lower-case UUIDs for the website id and a 64-hex key by default', () => {
    expect(crisp.websiteId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(crisp.token.key).toMatch(/^[0-9a-f]{64}$/);
    expect(crisp.token.tier).toBe('website');
  });

  it('answers 404 not_found for an unknown route or method, without needing credentials', async () => {
    for (const [method, path] of [
      ['GET', 'nothing-here'],
      ['DELETE', 'profiles'],
      ['POST', 'data/jane.doe@example.com'],
    ] as const) {
      const answer = await call(method, path, { headers: {} });
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({
        error: true,
        reason: 'not_found',
        data: { message: 'the route does not exist' },
      });
    }
    const outside = await fetch(`${crisp.url}/v2/website/${crisp.websiteId}/people/stats`);
    expect(outside.status).toBe(404);
  });

  it('answers 401 invalid_session for a wrong key, an unknown identifier or no credentials', async () => {
    for (const headers of [
      authHeaders({ key: 'f'.repeat(64) }),
      authHeaders({ identifier: '00000000-0000-4000-8000-000000000000' }),
      { 'X-Crisp-Tier': 'website' },
    ]) {
      const answer = await call('GET', 'stats', { headers });
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ error: true, reason: 'invalid_session', data: {} });
    }
  });

  it('rejects a tier header that does not match the token kind (401 by default, 403 when configured)', async () => {
    expect((await call('GET', 'stats', { headers: authHeaders({ tier: 'plugin' }) })).status).toBe(
      401,
    );
    expect((await call('GET', 'stats', { headers: authHeaders({ tier: null }) })).status).toBe(401);
    crisp.configure({ tierMismatch: { status: 403, reason: 'restricted_route_tier' } });
    const answer = await call('GET', 'stats', { headers: authHeaders({ tier: 'user' }) });
    expect(answer.status).toBe(403);
    expect(answer.body?.reason).toBe('restricted_route_tier');
    expect((await call('GET', 'stats')).status).toBe(200);
  });

  it('accepts a plugin token with the plugin tier header', async () => {
    const pluginCrisp = await startFakeCrisp({
      tokens: [{ identifier: 'plugin-id', key: 'plugin-key', tier: 'plugin' }],
    });
    try {
      const response = await fetch(
        `${pluginCrisp.url}/v1/website/${pluginCrisp.websiteId}/people/stats`,
        {
          headers: {
            Authorization: `Basic ${Buffer.from('plugin-id:plugin-key').toString('base64')}`,
            'X-Crisp-Tier': 'plugin',
          },
        },
      );
      expect(response.status).toBe(200);
    } finally {
      await pluginCrisp.close();
    }
  });

  it('answers 404 not_subscribed for a website the token is not bound to', async () => {
    const answer = await call('GET', 'stats', {
      websiteId: '8c842203-7ed8-4e29-a608-7cf78a7d2fcc',
    });
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ error: true, reason: 'not_subscribed', data: {} });
  });

  it('stops accepting a revoked token mid-run and accepts it again once restored', async () => {
    expect((await call('POST', 'profile', { body: jane })).status).toBe(201);
    crisp.revokeToken();
    const refused = await call('PATCH', 'profile/jane.doe@example.com', { body: { notepad: 'x' } });
    expect(refused.status).toBe(401);
    expect(refused.body?.reason).toBe('invalid_session');
    expect(crisp.getProfile('jane.doe@example.com')?.notepad).toBe('');
    crisp.restoreToken();
    expect(
      (await call('PATCH', 'profile/jane.doe@example.com', { body: { notepad: 'x' } })).status,
    ).toBe(200);
  });
});

describe('profiles', () => {
  it('creates a profile (201 added), then refuses the same email in any case with 409 people_exists', async () => {
    const created = await call('POST', 'profile', { body: jane });
    expect(created.status).toBe(201);
    expect(created.body?.reason).toBe('added');
    const peopleId = (created.body?.data as { people_id: string }).people_id;
    expect(peopleId).toMatch(/^[0-9a-f-]{36}$/);

    const duplicate = await call('POST', 'profile', {
      body: { email: 'Jane.Doe@EXAMPLE.com', person: { nickname: 'Other' } },
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toEqual({ error: true, reason: 'people_exists', data: {} });
    expect(crisp.listProfiles()).toHaveLength(1);
    expect(crisp.getProfile(peopleId)?.person).toEqual({ nickname: 'Jane Doe' });
  });

  it('supports the upsert path: 409, GET by email, PATCH adding segments without losing the existing ones', async () => {
    crisp.seedProfiles([
      { ...jane, segments: ['customer'], person: { nickname: 'Jane', phone: '+33612345678' } },
    ]);
    expect(
      (await call('POST', 'profile', { body: { ...jane, segments: ['imported'] } })).status,
    ).toBe(409);

    const read = await call('GET', 'profile/jane.doe@example.com');
    expect(read.status).toBe(200);
    const current = read.body?.data as { people_id: string; segments: string[] };
    expect(current.segments).toEqual(['customer']);

    const merged = [...new Set([...current.segments, 'imported'])];
    const patched = await call('PATCH', `profile/${current.people_id}`, {
      body: { segments: merged, person: { nickname: 'Jane Doe' } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({ error: false, reason: 'updated', data: {} });

    const stored = crisp.getProfile('jane.doe@example.com');
    expect(stored?.segments).toEqual(['customer', 'imported']);
    // person is deep-merged: the phone is kept.
    expect(stored?.person).toEqual({ nickname: 'Jane Doe', phone: '+33612345678' });
  });

  it('replaces the segments array on PATCH (it never adds)', async () => {
    crisp.seedProfiles([{ ...jane, segments: ['a', 'b'] }]);
    await call('PATCH', 'profile/jane.doe@example.com', { body: { segments: ['c'] } });
    expect(crisp.getProfile('jane.doe@example.com')?.segments).toEqual(['c']);
  });

  it('replaces person and company on PATCH when deep merge is switched off', async () => {
    crisp.configure({ patchDeepMergesObjects: false });
    crisp.seedProfiles([
      {
        ...jane,
        person: { nickname: 'Jane', phone: '+1' },
        company: { name: 'Acme', domain: 'acme.com' },
      },
    ]);
    await call('PATCH', 'profile/jane.doe@example.com', {
      body: { person: { nickname: 'Jane D' }, company: { name: 'Acme 2' } },
    });
    const stored = crisp.getProfile('jane.doe@example.com');
    expect(stored?.person).toEqual({ nickname: 'Jane D' });
    expect(stored?.company).toEqual({ name: 'Acme 2' });
  });

  it('merges nested objects such as employment and geolocation field by field on PATCH', async () => {
    crisp.seedProfiles([
      {
        ...jane,
        person: {
          nickname: 'Jane',
          employment: { name: 'Acme', title: 'CTO' },
          geolocation: { country: 'FR' },
        },
      },
    ]);
    await call('PATCH', 'profile/jane.doe@example.com', {
      body: { person: { employment: { role: 'engineering' }, geolocation: { city: 'Paris' } } },
    });
    expect(crisp.getProfile('jane.doe@example.com')?.person).toEqual({
      nickname: 'Jane',
      employment: { name: 'Acme', title: 'CTO', role: 'engineering' },
      geolocation: { country: 'FR', city: 'Paris' },
    });
  });

  it('reads a profile with unset person fields left out, empty company, notepad and segments, times in ms', async () => {
    const before = Date.now();
    await call('POST', 'profile', { body: jane });
    const read = await call('GET', 'profile/jane.doe@example.com');
    const data = read.body?.data as Record<string, unknown>;
    expect(read.body?.reason).toBe('resolved');
    expect(data).toMatchObject({
      email: jane.email,
      person: { nickname: 'Jane Doe' },
      company: {},
      notepad: '',
      segments: [],
    });
    expect(Object.keys(data.person as object)).toEqual(['nickname']);
    expect(data.created_at).toBeGreaterThanOrEqual(before);
    expect(data.created_at).toBeLessThan(before + 60_000);
    expect(read.headers.get('etag')).toMatch(/^W\//);
  });

  it('takes an email with + as the profile id literally, and percent-encoded as well', async () => {
    await call('POST', 'profile', {
      body: { email: 'support+station@superface.ai', person: { nickname: 'S' } },
    });
    await call('POST', 'profile', {
      body: { email: 'support station@superface.ai'.replace(' ', '_'), person: { nickname: 'T' } },
    });

    const raw = await call('PATCH', 'profile/support+station@superface.ai', {
      body: { notepad: 'raw +' },
    });
    expect(raw.status).toBe(200);
    expect(crisp.getProfile('support+station@superface.ai')?.notepad).toBe('raw +');

    const encoded = await call(
      'GET',
      `profile/${encodeURIComponent('support+station@superface.ai')}`,
    );
    expect(encoded.status).toBe(200);
    expect((encoded.body?.data as { email: string }).email).toBe('support+station@superface.ai');
    // A + is never read as a space.
    expect((await call('GET', 'profile/support%20station@superface.ai')).status).toBe(404);
  });

  it('answers HEAD with 200 or 404 and no body', async () => {
    await call('POST', 'profile', { body: jane });
    const found = await call('HEAD', 'profile/jane.doe@example.com');
    expect(found.status).toBe(200);
    expect(found.body).toBeNull();
    const missing = await call('HEAD', 'profile/nobody@example.com');
    expect(missing.status).toBe(404);
    expect(missing.body).toBeNull();
  });

  it('answers 404 people_not_found for an unknown email or id on every profile, data and subscription route', async () => {
    for (const [method, path, body] of [
      ['GET', 'profile/nobody@example.com', undefined],
      ['PATCH', 'profile/nobody@example.com', { notepad: 'x' }],
      ['PUT', 'profile/11f0b7f4-5b44-4b13-994c-0972e5de6436', jane],
      ['DELETE', 'profile/nobody@example.com', undefined],
      ['GET', 'data/nobody@example.com', undefined],
      ['PATCH', 'data/nobody@example.com', { data: { plan: 'pro' } }],
      ['GET', 'subscription/nobody@example.com', undefined],
    ] as const) {
      const answer = await call(method, path, { body });
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(answer.body).toEqual({ error: true, reason: 'people_not_found', data: {} });
    }
    expect(crisp.listProfiles()).toEqual([]);
  });

  it('replaces the whole profile on PUT, keeping people_id and created_at', async () => {
    crisp.seedProfiles([
      {
        ...jane,
        segments: ['a'],
        notepad: 'old',
        person: { nickname: 'Jane', phone: '+1' },
        created_at: 1_600_000_000_000,
      },
    ]);
    const before = crisp.getProfile(jane.email);
    const answer = await call('PUT', 'profile/jane.doe@example.com', {
      body: { email: 'jane@new.example', person: { nickname: 'Jane New' } },
    });
    expect(answer.status).toBe(200);
    const after = crisp.getProfile('jane@new.example');
    expect(after).toMatchObject({
      people_id: before?.people_id,
      created_at: 1_600_000_000_000,
      person: { nickname: 'Jane New' },
      segments: [],
      notepad: '',
      company: {},
    });
    expect(after?.updated_at).toBeGreaterThan(before?.updated_at ?? 0);
    expect(crisp.getProfile(jane.email)).toBeUndefined();
  });

  it('refuses to move a profile to an email another profile holds (409)', async () => {
    crisp.seedProfiles([jane, { email: 'john@example.com', person: { nickname: 'John' } }]);
    const answer = await call('PATCH', 'profile/john@example.com', {
      body: { email: 'JANE.DOE@example.com' },
    });
    expect(answer.status).toBe(409);
    expect(answer.body?.reason).toBe('people_exists');
    expect(crisp.getProfile('john@example.com')?.email).toBe('john@example.com');
  });

  it('deletes a profile (200 deleted) with its custom data; deleting again gives people_not_found', async () => {
    crisp.seedProfiles([{ ...jane, data: { plan: 'pro' } }]);
    const first = await call('DELETE', 'profile/jane.doe@example.com');
    expect(first.body).toEqual({ error: false, reason: 'deleted', data: {} });
    expect(crisp.getProfile(jane.email)).toBeUndefined();
    expect((await call('DELETE', 'profile/jane.doe@example.com')).body?.reason).toBe(
      'people_not_found',
    );
    await call('POST', 'profile', { body: jane });
    expect(crisp.getProfile(jane.email)?.data).toEqual({});
  });

  it('counts profiles in people/stats', async () => {
    crisp.seedProfiles([jane, { email: 'john@example.com' }]);
    expect((await call('GET', 'stats')).body?.data).toEqual({ total: 2 });
  });
});

describe('validation errors (400 invalid_data with an ajv-style message)', () => {
  async function expectInvalid(
    method: string,
    path: string,
    options: { body?: unknown; rawBody?: string },
    message: string,
  ) {
    const answer = await call(method, path, options);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error: true,
      reason: 'invalid_data',
      data: { namespace: 'data', message },
    });
  }

  it('refuses an empty or malformed body on create', async () => {
    await expectInvalid('POST', 'profile', { rawBody: '' }, 'data should be object');
    await expectInvalid('POST', 'profile', { rawBody: '{"email":' }, 'data should be object');
    await expectInvalid('POST', 'profile', { body: [] }, 'data should be object');
    expect(crisp.listProfiles()).toEqual([]);
  });

  it('requires an email in a valid format and a nickname on create', async () => {
    await expectInvalid(
      'POST',
      'profile',
      { body: { person: { nickname: 'A' } } },
      "data should have required property 'email'",
    );
    await expectInvalid(
      'POST',
      'profile',
      { body: { email: 'not an email', person: { nickname: 'A' } } },
      'data.email should match format "email"',
    );
    await expectInvalid(
      'POST',
      'profile',
      { body: { email: 'a@example.com' } },
      "data should have required property 'person'",
    );
    await expectInvalid(
      'POST',
      'profile',
      { body: { email: 'a@example.com', person: {} } },
      "data.person should have required property 'nickname'",
    );
    await expectInvalid(
      'POST',
      'profile',
      { body: { email: 'a@example.com', person: { nickname: '' } } },
      'data.person.nickname should NOT be shorter than 1 characters',
    );
    expect(crisp.listProfiles()).toEqual([]);
  });

  it('accepts a missing nickname and any email text when those checks are switched off', async () => {
    crisp.configure({ nicknameRequired: false, emailFormatCheck: false });
    expect((await call('POST', 'profile', { body: { email: 'not an email' } })).status).toBe(201);
  });

  it('names the field with the wrong type', async () => {
    crisp.seedProfiles([{ email: 'x@example.com' }]);
    await expectInvalid(
      'POST',
      'profile',
      { body: { ...jane, person: { nickname: 'A', timezone: 'UTC' } } },
      'data.person.timezone should be integer',
    );
    await expectInvalid(
      'POST',
      'profile',
      { body: { ...jane, segments: ['ok', 3] } },
      'data.segments[1] should be string',
    );
    await expectInvalid(
      'PATCH',
      'profile/x@example.com',
      { body: { company: { employment: { title: 'CTO' } } } },
      'data.company should NOT have additional properties',
    );
  });

  it('refuses duplicate segments in one request, unless switched off', async () => {
    await expectInvalid(
      'POST',
      'profile',
      { body: { ...jane, segments: ['vip', 'lead', 'vip'] } },
      'data.segments should NOT have duplicate items (items ## 2 and 0 are identical)',
    );
    crisp.configure({ rejectDuplicateSegments: false });
    expect(
      (await call('POST', 'profile', { body: { ...jane, segments: ['vip', 'vip'] } })).status,
    ).toBe(201);
  });
});

describe('custom data', () => {
  beforeEach(() => {
    crisp.seedProfiles([{ ...jane, data: { plan: 'free', seats: 2 } }]);
  });

  it('reads custom data wrapped twice ({data:{data:{…}}}) with reason resolved', async () => {
    const answer = await call('GET', 'data/jane.doe@example.com');
    expect(answer.body).toEqual({
      error: false,
      reason: 'resolved',
      data: { data: { plan: 'free', seats: 2 } },
    });
  });

  it('merges on PATCH and replaces on PUT, with the {"data": …} wrapper', async () => {
    const patched = await call('PATCH', 'data/jane.doe@example.com', {
      body: { data: { plan: 'pro', active: true } },
    });
    expect(patched.body).toEqual({ error: false, reason: 'updated', data: {} });
    expect(crisp.getProfile(jane.email)?.data).toEqual({ plan: 'pro', seats: 2, active: true });

    expect(
      (await call('PUT', 'data/jane.doe@example.com', { body: { data: { ltv: 10.5 } } })).status,
    ).toBe(200);
    expect(crisp.getProfile(jane.email)?.data).toEqual({ ltv: 10.5 });
    await call('PUT', 'data/jane.doe@example.com', { body: { data: {} } });
    expect(crisp.getProfile(jane.email)?.data).toEqual({});
  });

  it('refuses a flat body without the wrapper and changes nothing', async () => {
    await expectInvalidData({ plan: 'pro' }, "data should have required property 'data'");
    expect(crisp.getProfile(jane.email)?.data).toEqual({ plan: 'free', seats: 2 });
  });

  it('refuses values that are not string, number or boolean', async () => {
    await expectInvalidData(
      { data: { plan: { name: 'pro' } } },
      'data.data.plan should be string,number,boolean',
    );
    await expectInvalidData(
      { data: { tags: ['a'] } },
      'data.data.tags should be string,number,boolean',
    );
    await expectInvalidData(
      { data: { gone: null } },
      'data.data.gone should be string,number,boolean',
    );
  });

  it('refuses keys outside ^[a-z0-9_-]+$ by default; can allow upper case or drop bad keys', async () => {
    await expectInvalidData(
      { data: { AppVersionCode: 3 } },
      `data.data should match pattern "^[a-z0-9_-]+$" (property name 'AppVersionCode' is invalid)`,
    );
    crisp.configure({ dataKeys: 'any-case' });
    expect(
      (await call('PATCH', 'data/jane.doe@example.com', { body: { data: { AppVersionCode: 3 } } }))
        .status,
    ).toBe(200);
    await expectInvalidData(
      { data: { 'Company Name': 'x' } },
      `data.data should match pattern "^[A-Za-z0-9_-]+$" (property name 'Company Name' is invalid)`,
    );

    crisp.configure({ badDataKey: 'drop' });
    expect(
      (
        await call('PATCH', 'data/jane.doe@example.com', {
          body: { data: { 'Company Name': 'x', ok_key: 1 } },
        })
      ).status,
    ).toBe(200);
    expect(crisp.getProfile(jane.email)?.data).toEqual({
      plan: 'free',
      seats: 2,
      AppVersionCode: 3,
      ok_key: 1,
    });
  });

  it('deletes a key patched with "" (or stores "" when that is switched off)', async () => {
    await call('PATCH', 'data/jane.doe@example.com', { body: { data: { plan: '' } } });
    expect(crisp.getProfile(jane.email)?.data).toEqual({ seats: 2 });
    crisp.configure({ patchEmptyStringDeletesDataKey: false });
    await call('PATCH', 'data/jane.doe@example.com', { body: { data: { seats: '' } } });
    expect(crisp.getProfile(jane.email)?.data).toEqual({ seats: '' });
  });

  it('reads and changes the email subscription', async () => {
    expect((await call('GET', 'subscription/jane.doe@example.com')).body?.data).toEqual({
      email: true,
    });
    expect(
      (await call('PATCH', 'subscription/jane.doe@example.com', { body: { email: false } })).status,
    ).toBe(200);
    expect((await call('GET', 'subscription/jane.doe@example.com')).body?.data).toEqual({
      email: false,
    });
    expect(
      (await call('PATCH', 'subscription/jane.doe@example.com', { body: { email: 'no' } })).status,
    ).toBe(400);
  });

  async function expectInvalidData(body: unknown, message: string) {
    const answer = await call('PATCH', 'data/jane.doe@example.com', { body });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error: true,
      reason: 'invalid_data',
      data: { namespace: 'data', message },
    });
  }
});

describe('list and search', () => {
  beforeEach(() => {
    crisp.seedProfiles(
      Array.from({ length: 125 }, (_, index) => ({
        email: `person${String(index).padStart(3, '0')}@example.com`,
        person: { nickname: `Person ${index}` },
        segments: index % 5 === 0 ? ['vip'] : ['lead'],
      })),
    );
  });

  it('pages with per_page=50 up to an empty page, each profile once', async () => {
    const seen: string[] = [];
    let page = 1;
    for (;;) {
      const answer = await call('GET', `profiles/${page}?per_page=50`);
      expect(answer.status).toBe(200);
      expect(answer.body?.reason).toBe('listed');
      const profiles = answer.body?.data as Array<{ email: string }>;
      if (profiles.length === 0) break;
      expect(profiles.length).toBeLessThanOrEqual(50);
      seen.push(...profiles.map((profile) => profile.email));
      page += 1;
    }
    expect(page).toBe(4);
    expect(new Set(seen).size).toBe(125);
  });

  it('clamps per_page to 20–50, defaults to 20, tolerates empty parameters and works without a page', async () => {
    const count = async (path: string) =>
      ((await call('GET', path)).body?.data as unknown[]).length;
    expect(await count('profiles')).toBe(20);
    expect(await count('profiles/1?per_page=5')).toBe(20);
    expect(await count('profiles/1?per_page=500')).toBe(50);
    expect(
      await count(
        'profiles/1?per_page=&sort_field=&sort_order=&search_operator=&search_filter=&search_text=',
      ),
    ).toBe(20);
  });

  it('filters by email eq (with a raw +) and by segments has, with and/or', async () => {
    crisp.seedProfiles([
      { email: 'support+station@superface.ai', person: { nickname: 'Station' }, segments: ['vip'] },
    ]);
    const byEmail = await call(
      'GET',
      `profiles/1?search_filter=${JSON.stringify([{ model: 'people', criterion: 'email', operator: 'eq', query: ['support+station@superface.ai'] }])}`,
    );
    expect((byEmail.body?.data as Array<{ email: string }>).map((p) => p.email)).toEqual([
      'support+station@superface.ai',
    ]);

    const vipFilter = encodeURIComponent(
      JSON.stringify([{ model: 'people', criterion: 'segments', operator: 'has', query: ['vip'] }]),
    );
    const vip = await call('GET', `profiles/1?per_page=50&search_filter=${vipFilter}`);
    expect((vip.body?.data as unknown[]).length).toBe(26);

    const either = encodeURIComponent(
      JSON.stringify([
        { criterion: 'email', operator: 'eq', query: ['person001@example.com'] },
        { criterion: 'email', operator: 'eq', query: ['person002@example.com'] },
      ]),
    );
    expect(
      (
        (await call('GET', `profiles/1?search_operator=or&search_filter=${either}`)).body
          ?.data as unknown[]
      ).length,
    ).toBe(2);
    expect(
      ((await call('GET', `profiles/1?search_filter=${either}`)).body?.data as unknown[]).length,
    ).toBe(0);
  });

  it('finds by search_text in email or nickname and sorts', async () => {
    const text = await call('GET', 'profiles/1?search_text=person%2012');
    expect((text.body?.data as Array<{ email: string }>).map((p) => p.email)).toEqual([
      'person012@example.com',
      'person120@example.com',
      'person121@example.com',
      'person122@example.com',
      'person123@example.com',
      'person124@example.com',
    ]);
    const byEmailText = await call('GET', 'profiles/1?search_text=PERSON099@');
    expect((byEmailText.body?.data as Array<{ email: string }>).map((p) => p.email)).toEqual([
      'person099@example.com',
    ]);
    const sorted = await call('GET', 'profiles/1?sort_field=email&sort_order=descending');
    expect((sorted.body?.data as Array<{ email: string }>)[0]?.email).toBe('person124@example.com');
  });

  it('refuses a malformed search_filter with 400 invalid_data', async () => {
    const answer = await call('GET', 'profiles/1?search_filter=%5Bnot-json');
    expect(answer.status).toBe(400);
    expect(answer.body?.reason).toBe('invalid_data');
  });
});

import { describe, expect, it } from 'vitest';
import {
  CrispClient,
  CrispRequestError,
  classifyErrorAnswer,
  encodePeopleId,
  parseRetryAfter,
} from '../../src/main/engine/crisp-client';

describe('encodePeopleId', () => {
  it('keeps + and @ as they are, so Crisp finds the profile of a tagged address', () => {
    expect(encodePeopleId('jane+news@example.com')).toBe('jane+news@example.com');
  });

  it('percent-encodes other reserved characters', () => {
    expect(encodePeopleId("o'neil%x@example.com")).toBe("o'neil%25x@example.com");
  });

  it.each([
    ['a/b@example.com', '"/"'],
    ['a?b@example.com', '"?"'],
    ['a#b@example.com', '"#"'],
    ['a b@example.com', 'a space'],
  ])('refuses %s with a plain message instead of sending a broken address', (email, shown) => {
    expect(() => encodePeopleId(email)).toThrow(CrispRequestError);
    expect(() => encodePeopleId(email)).toThrow(shown);
  });
});

describe('classifyErrorAnswer', () => {
  it.each([
    [400, 'invalid_data', 'invalid_data'],
    [401, 'invalid_session', 'auth'],
    [403, 'restricted_route_tier', 'forbidden'],
    [404, 'not_subscribed', 'not_subscribed'],
    [404, 'people_not_found', 'not_found'],
    [409, 'people_exists', 'exists'],
    [429, 'too_many_requests', 'rate_limited'],
    [420, 'enhance_your_calm', 'rate_limited'],
    [429, 'quota_limit_exceeded', 'quota'],
    [423, null, 'quota'],
    [503, null, 'server'],
  ] as const)('%i %s is %s', (status, reason, kind) => {
    expect(classifyErrorAnswer(status, reason)).toBe(kind);
  });
});

describe("classifyErrorAnswer: Crisp's limit and quota answers (crisp-api.md §3)", () => {
  it.each([
    // Rate limits: slow down (a spent quota that says no more is inferred by the sender).
    [429, null, 'rate_limited'],
    [429, 'rate_limited', 'rate_limited'],
    [420, null, 'rate_limited'],
    [422, 'limit_reached', 'rate_limited'],
    [422, null, 'rate_limited'],
    // A quota named as such, by any status, and 423.
    [429, 'daily_quota_reached', 'quota'],
    [429, 'plugin_quota_exceeded', 'quota'],
    [422, 'quota_spent', 'quota'],
    [423, 'locked', 'quota'],
    // 422 invalid_data is a row's own problem.
    [422, 'invalid_data', 'invalid_data'],
  ] as const)('%i %s is %s', (status, reason, kind) => {
    expect(classifyErrorAnswer(status, reason)).toBe(kind);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, ignores garbage', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
  });
});

describe('CrispClient', () => {
  const connection = {
    websiteId: '8c842203-7ed8-4e29-a608-7cf78a7d2fcc',
    identifier: 'id-1',
    key: 'secret-key-123',
    tier: 'website' as const,
  };

  it('never shows the key when printed or serialized', async () => {
    const client = new CrispClient(connection);
    const { inspect } = await import('node:util');
    expect(JSON.stringify(client)).not.toContain('secret-key-123');
    expect(inspect(client)).not.toContain('secret-key-123');
    expect(JSON.stringify(client)).toContain('https://api.crisp.chat/v1/website/');
  });

  it('refuses a body Crisp would reject before sending it', async () => {
    const client = new CrispClient(connection);
    await expect(
      client.createProfile({ email: 'a@b.co', person: { nickname: '' } }),
    ).rejects.toMatchObject({ kind: 'invalid_data' });
    await expect(client.updateData('a@b.co', { 'Company Name': 'x' })).rejects.toThrow(
      'letters, digits, _ and -',
    );
  });
});

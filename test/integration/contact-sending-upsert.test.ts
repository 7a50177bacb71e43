import { afterEach, describe, expect, it } from 'vitest';
import type { FakeCrisp } from '../../src/main/engine/fake-crisp';
import { contact, fakeCrisp, sendAll, senderFor } from './contact-sending-support';

let crisp: FakeCrisp;
afterEach(async () => {
  await crisp?.close();
});

describe('ContactSender upsert by Crisp merge rules (fake Crisp over loopback)', () => {
  it('creates a new contact with one request, and its custom data with one more', async () => {
    crisp = await fakeCrisp();
    const sender = senderFor(crisp);
    const plain = await sender.send(contact('new@example.com', { segments: ['lead'] }));
    const withData = await sender.send(
      contact('data@example.com', { data: { plan: 'pro', seats: 3 } }),
    );
    expect(plain).toMatchObject({ kind: 'created', requests: 1 });
    expect(withData).toMatchObject({ kind: 'created', requests: 2 });
    expect(crisp.getProfile('new@example.com')).toMatchObject({
      person: { nickname: 'Name new' },
      segments: ['lead'],
    });
    expect(crisp.getProfile('data@example.com')?.data).toEqual({ plan: 'pro', seats: 3 });
  });

  it('updates an existing profile: segments added, employment and company merged, name overwritten', async () => {
    crisp = await fakeCrisp();
    crisp.seedProfiles([
      {
        email: 'jane@example.com',
        person: { nickname: 'Janet', phone: '+331', employment: { name: 'Acme', title: 'CTO' } },
        company: { name: 'Acme', domain: 'acme.com' },
        segments: ['vip'],
        data: { plan: 'free', ltv: 10, keep_me: 'yes' },
      },
    ]);
    const sender = senderFor(crisp);
    const outcome = await sender.send(
      contact('Jane@Example.com', {
        nickname: 'Jane Doe',
        person: { avatar: 'https://x.test/a.png', employment: { role: 'engineering' } },
        company: { legal_name: 'Acme SAS' },
        segments: ['imported', 'VIP'],
        data: { plan: 'pro' },
        clearedDataKeys: ['ltv'],
      }),
    );
    expect(outcome).toMatchObject({ kind: 'updated' });
    const profile = crisp.getProfile('jane@example.com');
    expect(profile?.person).toEqual({
      nickname: 'Jane Doe',
      phone: '+331',
      avatar: 'https://x.test/a.png',
      employment: { name: 'Acme', title: 'CTO', role: 'engineering' },
    });
    expect(profile?.company).toEqual({ name: 'Acme', domain: 'acme.com', legal_name: 'Acme SAS' });
    expect(profile?.segments).toEqual(['vip', 'imported']);
    expect(profile?.data).toEqual({ plan: 'pro', keep_me: 'yes' });
  });

  it('keeps existing custom data for empty cells when asked to', async () => {
    crisp = await fakeCrisp();
    crisp.seedProfiles([{ email: 'k@example.com', person: { nickname: 'K' }, data: { ltv: 10 } }]);
    const sender = senderFor(crisp, { emptyCells: 'keep' });
    await sender.send(
      contact('k@example.com', { data: { plan: 'pro' }, clearedDataKeys: ['ltv'] }),
    );
    expect(crisp.getProfile('k@example.com')?.data).toEqual({ ltv: 10, plan: 'pro' });
  });

  it('merges a second row for the same email from what it wrote, without reading a stale copy', async () => {
    crisp = await fakeCrisp({ readCacheMs: 60_000 });
    const sender = senderFor(crisp);
    await sender.send(contact('twice@example.com', { segments: ['a'], data: { x: '1' } }));
    // Warm Crisp's read cache with the state right after the first row.
    crisp.clearRequestLog();
    const second = await sender.send(
      contact('twice@example.com', { segments: ['b'], person: { phone: '+1' }, data: { y: '2' } }),
    );
    expect(second).toMatchObject({ kind: 'updated', requests: 2 });
    expect(crisp.requestLog().map((r) => r.route)).toEqual([
      'PATCH /people/profile/:id',
      'PATCH /people/data/:id',
    ]);
    const third = await sender.send(contact('twice@example.com', { segments: ['c'] }));
    expect(third.requests).toBe(1);
    const profile = crisp.getProfile('twice@example.com');
    expect(profile?.segments).toEqual(['a', 'b', 'c']);
    expect(profile?.person).toMatchObject({ phone: '+1' });
    expect(profile?.data).toEqual({ x: '1', y: '2' });
  });

  it('never loses a segment when rows for one email arrive at the same time', async () => {
    crisp = await fakeCrisp({ readCacheMs: 60_000 });
    crisp.seedProfiles([
      { email: 'busy@example.com', person: { nickname: 'Busy' }, segments: ['old'] },
    ]);
    const sender = senderFor(crisp);
    const rows = ['s1', 's2', 's3', 's4', 's5', 's6'].map((s) =>
      contact('busy@example.com', { segments: [s] }),
    );
    const outcomes = await Promise.all(rows.map((row) => sender.send(row)));
    expect(outcomes.every((o) => o.kind === 'updated')).toBe(true);
    expect(crisp.getProfile('busy@example.com')?.segments).toEqual([
      'old',
      's1',
      's2',
      's3',
      's4',
      's5',
      's6',
    ]);
    // One read for the whole group: later rows merge locally.
    expect(crisp.requestLog().filter((r) => r.method === 'GET')).toHaveLength(1);
  });

  it('addresses an email with + literally', async () => {
    crisp = await fakeCrisp();
    crisp.seedProfiles([{ email: 'jane+news@example.com', person: { nickname: 'J' } }]);
    const sender = senderFor(crisp, { plan: 'look-up-first' });
    const outcome = await sender.send(contact('jane+news@example.com', { segments: ['x'] }));
    expect(outcome.kind).toBe('updated');
    expect(crisp.requestLog()[0]?.path).toContain('/people/profile/jane+news@example.com');
    expect(crisp.getProfile('jane+news@example.com')?.segments).toEqual(['x']);
  });

  it("fails only the row Crisp rejects, with Crisp's own message in plain words", async () => {
    crisp = await fakeCrisp();
    const sender = senderFor(crisp);
    const [bad, good] = await sendAll(sender, [
      contact('not-an-email'),
      contact('fine@example.com'),
    ]);
    expect(bad).toMatchObject({ kind: 'failed', retryable: false });
    expect(bad?.kind === 'failed' && bad.reason).toMatch(/Crisp rejected the values sent: .*email/);
    expect(good?.kind).toBe('created');
    expect(sender.state).toBe('sending');
  });

  it('reports a profile saved with custom data Crisp refuses as failed, not retryable', async () => {
    crisp = await fakeCrisp();
    const sender = senderFor(crisp);
    const outcome = await sender.send(contact('keys@example.com', { data: { Plan: 'pro' } }));
    expect(outcome).toMatchObject({ kind: 'failed', retryable: false });
    expect(outcome.kind === 'failed' && outcome.reason).toContain('custom data');
    expect(crisp.getProfile('keys@example.com')).toBeDefined();
  });
});

describe('emails Crisp cannot address', () => {
  it('fails the row in plain words without spending a request', async () => {
    crisp = await fakeCrisp();
    const sender = senderFor(crisp);
    const outcome = await sender.send(contact('a/b@example.com'));
    expect(outcome).toMatchObject({ kind: 'failed', retryable: false, requests: 0 });
    expect(outcome.kind === 'failed' && outcome.reason).toContain('contains "/"');
    expect(crisp.requestLog()).toEqual([]);
  });
});

/**
 * Requests per contact on the fake Crisp server, counted by the server itself. Floors (issue 3):
 * 1.0 per new contact without custom data, 2.0 with; at most 2.2 per existing contact with
 * segments (3.2 with custom data) once the sender has adapted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeCrisp } from '../../src/main/engine/fake-crisp';
import {
  contact,
  fakeCrisp,
  requestsPerContact,
  sendAll,
  senderFor,
} from './contact-sending-support';

const N = 300;
let crisp: FakeCrisp;
afterEach(async () => {
  await crisp?.close();
});

function emails(prefix: string): string[] {
  return Array.from({ length: N }, (_, i) => `${prefix}${i}@example.com`);
}

function seedExisting(list: string[]): void {
  crisp.seedProfiles(
    list.map((email) => ({
      email,
      person: { nickname: 'Old' },
      segments: ['old'],
      data: { a: 1 },
    })),
  );
}

describe('requests per contact', () => {
  it('new contacts: 1.0 without custom data, 2.0 with', async () => {
    crisp = await fakeCrisp();
    const sender = senderFor(crisp);
    const plain = await sendAll(
      sender,
      emails('p').map((e) => contact(e, { segments: ['new'] })),
    );
    expect(plain.every((o) => o.kind === 'created')).toBe(true);
    expect(requestsPerContact(crisp, N)).toBe(1);
    crisp.clearRequestLog();
    await sendAll(
      sender,
      emails('d').map((e) => contact(e, { data: { plan: 'pro' } })),
    );
    expect(requestsPerContact(crisp, N)).toBe(2);
  });

  it('existing contacts with segments: at most 2.2, or 3.2 with custom data', async () => {
    crisp = await fakeCrisp();
    seedExisting([...emails('e'), ...emails('f')]);
    const sender = senderFor(crisp);
    const plain = await sendAll(
      sender,
      emails('e').map((e) => contact(e, { segments: ['imported'] })),
    );
    expect(plain.every((o) => o.kind === 'updated')).toBe(true);
    expect(requestsPerContact(crisp, N)).toBeLessThanOrEqual(2.2);
    expect(sender.plan).toBe('look-up-first');
    crisp.clearRequestLog();
    await sendAll(
      sender,
      emails('f').map((e) => contact(e, { segments: ['imported'], data: { plan: 'pro' } })),
    );
    expect(requestsPerContact(crisp, N)).toBeLessThanOrEqual(3.2);
    expect(crisp.getProfile('f7@example.com')).toMatchObject({
      segments: ['old', 'imported'],
      data: { a: 1, plan: 'pro' },
    });
  });

  it('switches back to create first when the file turns to new contacts', async () => {
    crisp = await fakeCrisp();
    seedExisting(emails('e'));
    const sender = senderFor(crisp);
    await sendAll(
      sender,
      emails('e').map((e) => contact(e, { segments: ['x'] })),
    );
    expect(sender.plan).toBe('look-up-first');
    crisp.clearRequestLog();
    await sendAll(
      sender,
      emails('n').map((e) => contact(e)),
    );
    expect(sender.plan).toBe('create-first');
    expect(requestsPerContact(crisp, N)).toBeLessThan(1.2);
  });
});

describe('batched look-ups (opt-in: one search for many emails)', () => {
  it('costs about one request per contact, new or existing, and merges correctly', async () => {
    crisp = await fakeCrisp();
    seedExisting(emails('e'));
    const sender = senderFor(crisp, { lookups: 'batched' });
    const mixed = [...emails('e'), ...emails('n')]
      .sort()
      .map((e) => contact(e, { segments: ['imported'] }));
    const outcomes = await sendAll(sender, mixed, 64);
    expect(outcomes.filter((o) => o.kind === 'updated')).toHaveLength(N);
    expect(outcomes.filter((o) => o.kind === 'created')).toHaveLength(N);
    expect(requestsPerContact(crisp, 2 * N)).toBeLessThanOrEqual(1.1);
    expect(sender.stats().lookups).toBe('batched');
    expect(crisp.getProfile('e5@example.com')).toMatchObject({
      segments: ['old', 'imported'],
      data: { a: 1 },
    });
    expect(crisp.getProfile('n5@example.com')).toMatchObject({ segments: ['imported'] });
  });
});

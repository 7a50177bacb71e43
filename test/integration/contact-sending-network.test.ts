/**
 * A lost network, over loopback: the fake Crisp server closed mid-run (connection refused), or
 * answering nothing but resets or timeouts. The sender pauses for the network instead of failing
 * rows, checks by itself, and carries on when the same Crisp is back on the same port.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeCrisp, type FakeCrisp, type ProfileSeed } from '../../src/main/engine/fake-crisp';
import type { ContactOutcome, ContactSender } from '../../src/main/engine/contact-sending';
import type { ContactProfile } from '../../src/shared/contact-profile';
import { contact, fakeCrisp, sendAll, senderFor, waitForState } from './contact-sending-support';
import { comparableProfiles } from './reliability-support';

const servers: FakeCrisp[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function started(server: Promise<FakeCrisp>): Promise<FakeCrisp> {
  const crisp = await server;
  servers.push(crisp);
  return crisp;
}

/** The same Crisp (website, token, profiles) on the same port, as after a network outage. */
async function startAgain(old: FakeCrisp, profiles: ProfileSeed[]): Promise<FakeCrisp> {
  const port = Number(new URL(old.url).port);
  const crisp = await started(
    startFakeCrisp({ websiteId: old.websiteId, tokens: [old.token] }, { port }),
  );
  crisp.seedProfiles(profiles);
  return crisp;
}

const NETWORK = { firstCheckMs: 50, maxCheckMs: 200, unreachableAfterMs: 2_000 };

const isNetworkPause = (state: ContactSender['state']): boolean =>
  typeof state === 'object' &&
  state.paused === 'connection' &&
  state.problem === 'network_unreachable';

/** 300 contacts: some exist in Crisp already, some emails come twice, all with custom data. */
function contactsAndSeeds(): { contacts: ContactProfile[]; seeds: ProfileSeed[] } {
  const contacts: ContactProfile[] = [];
  const seeds: ProfileSeed[] = [];
  for (let i = 0; i < 300; i++) {
    const n = i % 7 === 3 ? i - 3 : i; // every 7th row repeats an earlier email
    const email = `p${n}@example.com`;
    if (n === i && i % 5 === 0) {
      seeds.push({ email, segments: ['existing'], data: { kept: 'yes', plan: 'old' } });
    }
    contacts.push(
      contact(email, { segments: [`s${i % 4}`], data: { plan: `plan-${i % 3}`, row: i } }),
    );
  }
  return { contacts, seeds };
}

/** Sends everything, counting failed outcomes as they come. */
function sendCounting(
  sender: ContactSender,
  contacts: ContactProfile[],
): { done: Promise<ContactOutcome[]>; failed: () => number } {
  let failed = 0;
  const counting = {
    send: async (c: ContactProfile) => {
      const outcome = await sender.send(c);
      if (outcome.kind === 'failed') failed += 1;
      return outcome;
    },
  } as unknown as ContactSender;
  return { done: sendAll(counting, contacts, 16), failed: () => failed };
}

describe('a lost network pauses the sender instead of failing rows', () => {
  it('server gone mid-run (connection refused): pauses, fails nothing, and finishes when it is back', async () => {
    const { contacts, seeds } = contactsAndSeeds();
    // What an uninterrupted run leaves in Crisp.
    const reference = await started(fakeCrisp());
    reference.seedProfiles(seeds);
    const referenceOutcomes = await sendAll(senderFor(reference), contacts);
    expect(referenceOutcomes.filter((o) => o.kind === 'failed')).toEqual([]);

    const first = await started(fakeCrisp());
    first.seedProfiles(seeds);
    const sender = senderFor(first, { network: NETWORK });
    let requests = 0;
    let closing: Promise<void> | null = null;
    first.onRequest(() => {
      if (++requests === 150) closing = first.close();
    });
    const run = sendCounting(sender, contacts);

    const paused = await waitForState(sender, isNetworkPause);
    expect(paused).toMatchObject({
      message: expect.stringMatching(
        /^Crisp cannot be reached: no network\. The import continues by itself/,
      ),
    });
    await closing;
    // It keeps waiting (checking by itself) and fails nothing while Crisp is away.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(isNetworkPause(sender.state)).toBe(true);
    expect(run.failed()).toBe(0);
    expect(sender.stats().byRoute['GET /people/stats']?.['network']).toBeGreaterThan(1);

    const second = await startAgain(first, first.listProfiles());
    const outcomes = await run.done;
    expect(outcomes.filter((o) => o.kind === 'failed')).toEqual([]);
    expect(sender.state).toBe('sending');
    expect(second.requestLog().length).toBeGreaterThan(0);
    expect(comparableProfiles(second)).toEqual(comparableProfiles(reference));
    // Created and updated add up to every contact, each once.
    const stats = sender.stats().contacts;
    expect(stats.created + stats.updated).toBe(contacts.length);
  }, 30_000);

  it('says "cannot be reached" within seconds when every connection is refused, not after 20 s of retries', async () => {
    const { contacts, seeds } = contactsAndSeeds();
    const first = await started(fakeCrisp());
    first.seedProfiles(seeds);
    // The app's retries and silence rule (20 s); refused connections alone must be enough.
    const sender = senderFor(first, {
      network: { firstCheckMs: 50, maxCheckMs: 200 },
      retry: { maxAttempts: 8, baseDelayMs: 500, maxDelayMs: 30_000 },
    });
    let requests = 0;
    let closedAt = 0;
    let closing: Promise<void> | null = null;
    first.onRequest(() => {
      if (++requests === 100) {
        closedAt = Date.now();
        closing = first.close();
      }
    });
    const run = sendCounting(sender, contacts);
    await waitForState(sender, isNetworkPause);
    expect(Date.now() - closedAt).toBeLessThan(5_000);
    expect(run.failed()).toBe(0);
    await closing;
    await startAgain(first, first.listProfiles());
    const outcomes = await run.done;
    expect(outcomes.filter((o) => o.kind === 'failed')).toEqual([]);
  }, 30_000);

  it.each([
    ['every request reset', { connectionResetRate: 1 }],
    ['every answer past the timeout', { slowRate: 1, slowMs: 1_000 }],
  ] as const)(
    '%s for a while: pauses for the network, then carries on by itself',
    async (_name, faults) => {
      const crisp = await started(fakeCrisp({ faults: { seed: 4, ...faults } }));
      const sender = senderFor(crisp, {
        timeoutMs: 150,
        network: { ...NETWORK, unreachableAfterMs: 400 },
      });
      const emails = Array.from({ length: 30 }, (_, i) => `n${i}@example.com`);
      const run = sendCounting(
        sender,
        emails.map((e) => contact(e, { segments: ['imported'] })),
      );
      await waitForState(sender, isNetworkPause);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(run.failed()).toBe(0);
      crisp.configure({ faults: { connectionResetRate: 0, slowRate: 0 } });
      const outcomes = await run.done;
      expect(outcomes.filter((o) => o.kind === 'failed')).toEqual([]);
      for (const email of emails) expect(crisp.getProfile(email)?.segments).toEqual(['imported']);
      expect(crisp.listProfiles()).toHaveLength(emails.length);
    },
    20_000,
  );

  it('occasional resets and timeouts stay per-row retries: no pause', async () => {
    const crisp = await started(
      fakeCrisp({ faults: { connectionResetRate: 0.1, slowRate: 0.05, slowMs: 1_000, seed: 9 } }),
    );
    const sender = senderFor(crisp, {
      timeoutMs: 300,
      retry: { maxAttempts: 8, baseDelayMs: 5, maxDelayMs: 50 },
      network: NETWORK,
    });
    const states: ContactSender['state'][] = [];
    sender.on('state', (s) => states.push(s));
    const emails = Array.from({ length: 120 }, (_, i) => `o${i}@example.com`);
    const outcomes = await sendAll(
      sender,
      emails.map((e) => contact(e, { segments: ['imported'] })),
    );
    expect(outcomes.filter((o) => o.kind === 'failed')).toEqual([]);
    expect(states).toEqual([]);
    expect(crisp.requestLog().some((r) => r.outcome === 'reset')).toBe(true);
  });
});

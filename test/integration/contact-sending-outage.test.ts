/**
 * A Crisp outage over loopback: the fake Crisp server answers every request with an HTML 5xx
 * for a while. The sender pauses (problem 'crisp_unavailable') instead of failing rows, checks
 * with one cheap request now and then, and carries on by itself; the import ends as an
 * uninterrupted one would, at the cost of a few requests. A server that fails some requests
 * stays a matter of per-row retries.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeCrisp, ProfileSeed } from '../../src/main/engine/fake-crisp';
import type { ContactOutcome, ContactSender } from '../../src/main/engine/contact-sending';
import type { ContactProfile } from '../../src/shared/contact-profile';
import { contact, fakeCrisp, sendAll, senderFor } from './contact-sending-support';
import { comparableProfiles } from './reliability-support';

const servers: FakeCrisp[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function started(config: Parameters<typeof fakeCrisp>[0] = {}): Promise<FakeCrisp> {
  const crisp = await fakeCrisp(config);
  servers.push(crisp);
  return crisp;
}

const NETWORK = { firstCheckMs: 100, maxCheckMs: 800, unreachableAfterMs: 2_000 };

type State = ContactSender['state'];
const outageOf = (state: State): string | null =>
  typeof state === 'object' &&
  state.paused === 'connection' &&
  state.problem === 'crisp_unavailable'
    ? state.message
    : null;

/** 250 contacts: some exist in Crisp already, some emails come twice, all with custom data. */
function contactsAndSeeds(): { contacts: ContactProfile[]; seeds: ProfileSeed[] } {
  const contacts: ContactProfile[] = [];
  const seeds: ProfileSeed[] = [];
  for (let i = 0; i < 250; i++) {
    const n = i % 9 === 4 ? i - 4 : i; // every 9th row repeats an earlier email
    const email = `p${n}@example.com`;
    if (n === i && i % 5 === 0)
      seeds.push({ email, segments: ['existing'], data: { kept: 'yes' } });
    contacts.push(
      contact(email, { segments: [`s${i % 3}`], data: { plan: `plan-${i % 4}`, row: i } }),
    );
  }
  return { contacts, seeds };
}

function failedRows(outcomes: ContactOutcome[]): ContactOutcome[] {
  return outcomes.filter((o) => o.kind === 'failed');
}

describe('a Crisp outage pauses the sender instead of failing rows', () => {
  it('HTML 5xx to every request for 3 s mid-import: no row fails, few requests, the same result', async () => {
    const { contacts, seeds } = contactsAndSeeds();
    const reference = await started();
    reference.seedProfiles(seeds);
    expect(failedRows(await sendAll(senderFor(reference), contacts))).toEqual([]);

    const crisp = await started();
    crisp.seedProfiles(seeds);
    // Retries 20 to 200 ms apart: without the pause, every row in flight would fail in 3 s.
    const sender = senderFor(crisp, { network: NETWORK });
    const states: State[] = [];
    sender.on('state', (state) => states.push(state));
    let requests = 0;
    crisp.onRequest(() => {
      if (++requests === 200) crisp.configure({ outage: { status: 'mixed', forMs: 3_000 } });
    });
    const outcomes = await sendAll(sender, contacts);

    expect(failedRows(outcomes)).toEqual([]);
    expect(comparableProfiles(crisp)).toEqual(comparableProfiles(reference));
    const messages = states.map(outageOf).filter((m) => m !== null);
    expect(messages[0]).toMatch(
      /^Crisp is not answering properly \(HTTP 50[023]\)\. The import continues by itself when it is back\.$/,
    );
    expect(states.at(-1)).toBe('sending');
    // What the outage cost: the requests in flight when it began, and the checks.
    const during = crisp.requestLog().filter((r) => r.status >= 500);
    console.log(
      `outage of 3 s: ${during.length} requests answered 5xx (${during.filter((r) => r.route === 'GET /people/stats').length} checks)`,
    );
    expect(during.length).toBeLessThanOrEqual(40);
    expect(during.filter((r) => r.route === 'GET /people/stats').length).toBeGreaterThanOrEqual(2);
    const stats = sender.stats().contacts;
    expect(stats.failed).toBe(0);
    expect(stats.created + stats.updated).toBe(contacts.length);
  }, 30_000);

  it("waits for a 503's Retry-After before its first check", async () => {
    const crisp = await started();
    const sender = senderFor(crisp, { network: { ...NETWORK, firstCheckMs: 50 } });
    let pausedAt = 0;
    sender.on('state', (state) => {
      if (outageOf(state) !== null) pausedAt ||= Date.now();
    });
    let requests = 0;
    crisp.onRequest(() => {
      // Once many contacts are under way (the first one goes alone).
      if (++requests === 10)
        crisp.configure({ outage: { status: 503, retryAfterSeconds: 1, forMs: 1_500 } });
    });
    const emails = Array.from({ length: 60 }, (_, i) => `r${i}@example.com`);
    const outcomes = await sendAll(
      sender,
      emails.map((e) => contact(e, { segments: ['imported'] })),
    );
    expect(failedRows(outcomes)).toEqual([]);
    expect(pausedAt).toBeGreaterThan(0);
    const checks = crisp.requestLog().filter((r) => r.route === 'GET /people/stats');
    expect(checks[0]?.at).toBeGreaterThanOrEqual(pausedAt + 950);
    // Honoured each time: at most one check a second while Crisp says so.
    expect(checks.length).toBeLessThanOrEqual(3);
    for (const email of emails) expect(crisp.getProfile(email)?.segments).toEqual(['imported']);
  }, 20_000);

  it('a server failing one request in five stays a matter of per-row retries: no pause', async () => {
    const crisp = await started({ faults: { serverErrorRate: 0.2, seed: 13 } });
    const sender = senderFor(crisp, {
      network: NETWORK,
      retry: { maxAttempts: 10, baseDelayMs: 5, maxDelayMs: 50 },
    });
    const states: State[] = [];
    sender.on('state', (state) => states.push(state));
    const emails = Array.from({ length: 150 }, (_, i) => `f${i}@example.com`);
    const outcomes = await sendAll(
      sender,
      emails.map((e) => contact(e, { segments: ['imported'] })),
    );
    expect(failedRows(outcomes)).toEqual([]);
    expect(states).toEqual([]);
    expect(crisp.requestLog().filter((r) => r.status >= 500).length).toBeGreaterThan(10);
    expect(crisp.listProfiles()).toHaveLength(emails.length);
  });
});

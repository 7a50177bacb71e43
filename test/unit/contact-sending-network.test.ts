/**
 * How the sender tells a lost network from occasional failures, with a scripted client (each
 * request's fate chosen by the test, reported to observers as the real client does).
 */
import { describe, expect, it } from 'vitest';
import {
  CRISP_ROUTES,
  CrispRequestError,
  type CrispClient,
  type CrispErrorKind,
  type CrispExchange,
  type CrispObserver,
} from '../../src/main/engine/crisp-client';
import { ContactSender, type SenderState } from '../../src/main/engine/contact-sending';
import type { ContactProfile } from '../../src/shared/contact-profile';

type Fate = { status: number } | { error: CrispErrorKind; status?: number; afterMs?: number };

/** A client whose creates and stats checks end as `createFate` / `statsFate` say. */
function scriptedClient(
  createFate: (email: string) => Fate,
  statsFate: () => Fate,
): { client: CrispClient; calls: { create: number; stats: number } } {
  const observers = new Set<CrispObserver>();
  const calls = { create: 0, stats: 0 };
  const answer = async <T>(route: string, fate: Fate, data: T): Promise<{ data: T }> => {
    if ('error' in fate && fate.afterMs) await new Promise((r) => setTimeout(r, fate.afterMs));
    else await new Promise((r) => setImmediate(r));
    const exchange: CrispExchange = {
      route: route as CrispExchange['route'],
      method: 'X',
      status: fate.status ?? null,
      reason: null,
      ...('error' in fate ? { errorKind: fate.error } : {}),
      startedAt: 0,
      durationMs: 1,
    };
    for (const observer of observers) observer(exchange);
    if ('error' in fate) {
      throw new CrispRequestError(fate.error, `scripted ${fate.error}`, {
        ...(fate.status !== undefined ? { status: fate.status } : {}),
      });
    }
    return { data };
  };
  const client = {
    addObserver(observer: CrispObserver) {
      observers.add(observer);
      return () => observers.delete(observer);
    },
    createProfile(body: { email: string }) {
      calls.create += 1;
      return answer(CRISP_ROUTES.createProfile, createFate(body.email), { people_id: 'id' });
    },
    getStats() {
      calls.stats += 1;
      return answer(CRISP_ROUTES.stats, statsFate(), { total: 1 });
    },
  } as unknown as CrispClient;
  return { client, calls };
}

function contact(email: string): ContactProfile {
  return {
    email,
    nickname: 'Someone',
    nicknameSource: 'full_name',
    person: {},
    company: {},
    segments: [],
    data: {},
    clearedDataKeys: [],
  };
}

function sender(client: CrispClient, maxAttempts = 5, unreachableAfterMs = 20_000): ContactSender {
  return new ContactSender(client, {
    emptyCells: 'clear',
    plan: 'create-first',
    retry: { maxAttempts, baseDelayMs: 2, maxDelayMs: 10 },
    network: { firstCheckMs: 5, maxCheckMs: 20, unreachableAfterMs },
  });
}

const kinds = (states: SenderState[]): string[] =>
  states.map((s) =>
    typeof s === 'object' ? (s.paused === 'quota' ? 'quota' : s.problem) : String(s),
  );

describe('ContactSender and a lost network', () => {
  it('a request failing alone while Crisp answers others fails its row as before, without pausing', async () => {
    const { client } = scriptedClient(
      (email) => (email.startsWith('bad') ? { error: 'network' } : { status: 201 }),
      () => ({ status: 200 }),
    );
    const s = sender(client);
    await s.send(contact('first@example.com')); // the first contact goes alone
    const states: SenderState[] = [];
    s.on('state', (state) => states.push(state));
    const bad = s.send(contact('bad@example.com'));
    let stop = false;
    const others = (async () => {
      for (let i = 0; !stop; i++) await s.send(contact(`ok${i}@example.com`));
    })();
    const outcome = await bad;
    stop = true;
    await others;
    expect(outcome).toMatchObject({ kind: 'failed', retryable: true, requests: 5 });
    expect(states).toEqual([]);
  });

  it('no answer at all: pauses for the network instead of failing, and goes on once Crisp answers', async () => {
    let online = false;
    const { client, calls } = scriptedClient(
      () => (online ? { status: 201 } : { error: 'network' }),
      () => (online ? { status: 200 } : { error: 'network' }),
    );
    const s = sender(client);
    const states: SenderState[] = [];
    s.on('state', (state) => states.push(state));
    const outcome = s.send(contact('a@example.com'));
    await new Promise((r) => setTimeout(r, 200));
    expect(kinds(states)).toEqual(['network_unreachable']);
    expect(calls.stats).toBeGreaterThan(1); // it keeps checking
    online = true;
    expect(await outcome).toMatchObject({ kind: 'created' });
    expect(kinds(states)).toEqual(['network_unreachable', 'sending']);
  });

  it('nothing but timeouts for longer than unreachableAfterMs pauses before the attempts run out', async () => {
    let online = false;
    const { client, calls } = scriptedClient(
      () => (online ? { status: 201 } : { error: 'timeout', afterMs: 30 }),
      () => (online ? { status: 200 } : { error: 'timeout', afterMs: 30 }),
    );
    const s = sender(client, 1000, 100);
    const outcome = s.send(contact('a@example.com'));
    await new Promise((r) => setTimeout(r, 300));
    expect(s.state).toMatchObject({ paused: 'connection', problem: 'network_unreachable' });
    expect(calls.create).toBeLessThan(10);
    online = true;
    expect(await outcome).toMatchObject({ kind: 'created' });
  });

  it('a check answered "token refused" turns the wait into a connection problem for the user', async () => {
    let revoked = false;
    const { client } = scriptedClient(
      () => ({ error: 'network' }),
      () => (revoked ? { error: 'auth', status: 401 } : { error: 'network' }),
    );
    const s = sender(client);
    const pending = s.send(contact('a@example.com'));
    await new Promise((r) => setTimeout(r, 100));
    expect(s.state).toMatchObject({ problem: 'network_unreachable' });
    revoked = true;
    await new Promise((r) => setTimeout(r, 100));
    expect(s.state).toMatchObject({ paused: 'connection', problem: 'auth' });
    s.close();
    await expect(pending).rejects.toThrow('stopped before this contact was sent');
  });

  it('a request failing on a server that answers every check ends failed, not paused forever', async () => {
    const { client, calls } = scriptedClient(
      () => ({ error: 'network' }),
      () => ({ status: 200 }),
    );
    const s = sender(client);
    const outcome = await s.send(contact('a@example.com'));
    expect(outcome).toMatchObject({ kind: 'failed', retryable: true });
    expect(calls.stats).toBe(5);
    expect(s.state).toBe('sending');
  });
});

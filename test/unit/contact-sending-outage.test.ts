/**
 * How the RequestSender tells a Crisp outage (5xx answers to many requests at once) from a lone
 * failing request, with a scripted client: each request's fate chosen by the test, reported to
 * observers as the real client does.
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
import {
  RequestSender,
  newRequestTally,
  type SenderState,
} from '../../src/main/engine/contact-sending';

type Fate = { status: number } | { error: CrispErrorKind; status?: number; retryAfterMs?: number };

/** A client whose creates end as `createFate(email)` says, and its stats checks as `statsFate`. */
function scriptedClient(createFate: (email: string) => Fate, statsFate: () => Fate) {
  const observers = new Set<CrispObserver>();
  const calls = { create: 0, stats: 0 };
  const answer = async <T>(route: string, fate: Fate, data: T): Promise<{ data: T }> => {
    await new Promise((resolve) => setTimeout(resolve, 1));
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
        ...(fate.retryAfterMs !== undefined ? { retryAfterMs: fate.retryAfterMs } : {}),
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

function senderFor(client: CrispClient, maxAttempts = 3): RequestSender {
  return new RequestSender(client, {
    retry: { maxAttempts, baseDelayMs: 2, maxDelayMs: 10 },
    network: { firstCheckMs: 20, maxCheckMs: 40 },
  });
}

const create = (sender: RequestSender, email: string) =>
  sender.call(newRequestTally(), CRISP_ROUTES.createProfile, (client, signal) =>
    client.createProfile({ email, person: { nickname: 'Someone' } }, { signal }),
  );

const problems = (states: SenderState[]): string[] =>
  states.map((s) =>
    typeof s === 'object' ? (s.paused === 'quota' ? 'quota' : s.problem) : String(s),
  );

const HTML_503: Fate = { error: 'server', status: 503 };

describe('RequestSender and a Crisp outage', () => {
  it('5xx to many requests at once: pauses them all, checks, and sends them again once Crisp is back', async () => {
    let down = true;
    const { client, calls } = scriptedClient(
      () => (down ? HTML_503 : { status: 201 }),
      () => (down ? HTML_503 : { status: 200 }),
    );
    const sender = senderFor(client, 3);
    const states: SenderState[] = [];
    sender.on('state', (state) => states.push(state));
    const sends = Array.from({ length: 12 }, (_, i) => create(sender, `c${i}@example.com`));
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Far more than 3 attempts' worth of time: still waiting, nothing failed.
    expect(problems(states)).toEqual(['crisp_unavailable']);
    expect(states[0]).toMatchObject({
      message:
        'Crisp is not answering properly (HTTP 503). The import continues by itself when it is back.',
    });
    expect(calls.stats).toBeGreaterThan(2);
    const createsWhileDown = calls.create;
    expect(createsWhileDown).toBeLessThanOrEqual(12 + 8);
    down = false;
    const answers = await Promise.all(sends);
    expect(answers).toHaveLength(12);
    expect(problems(states)).toEqual(['crisp_unavailable', 'sending']);
    expect(calls.create - createsWhileDown).toBe(12);
  });

  it('a request failing alone while Crisp answers others fails as before, without pausing', async () => {
    const { client } = scriptedClient(
      (email) => (email.startsWith('bad') ? { error: 'server', status: 500 } : { status: 201 }),
      () => ({ status: 200 }),
    );
    const sender = senderFor(client, 4);
    const states: SenderState[] = [];
    sender.on('state', (state) => states.push(state));
    let stop = false;
    const others = (async () => {
      for (let i = 0; !stop; i++) await create(sender, `ok${i}@example.com`);
    })();
    const tally = newRequestTally();
    const failure = await sender
      .call(tally, CRISP_ROUTES.createProfile, (c, signal) =>
        c.createProfile({ email: 'bad@example.com', person: { nickname: 'x' } }, { signal }),
      )
      .catch((error: unknown) => error);
    stop = true;
    await others;
    expect(failure).toMatchObject({ kind: 'server', status: 500 });
    expect(tally.requests).toBe(4);
    expect(states).toEqual([]);
  });

  it('a lone request on a server failing everything fails its row: nothing tells an outage', async () => {
    const { client, calls } = scriptedClient(
      () => HTML_503,
      () => HTML_503,
    );
    const sender = senderFor(client, 3);
    await expect(create(sender, 'alone@example.com')).rejects.toMatchObject({ kind: 'server' });
    expect(calls.stats).toBe(0);
    expect(sender.state).toBe('sending');
  });

  it('a check answered "token refused" during an outage turns it into a connection problem', async () => {
    let refused = false;
    const { client } = scriptedClient(
      () => HTML_503,
      () => (refused ? { error: 'auth', status: 401 } : HTML_503),
    );
    const sender = senderFor(client);
    const sends = Array.from({ length: 4 }, (_, i) =>
      create(sender, `c${i}@example.com`).catch(() => null),
    );
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(sender.state).toMatchObject({ problem: 'crisp_unavailable' });
    refused = true;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sender.state).toMatchObject({ paused: 'connection', problem: 'auth' });
    sender.close();
    await Promise.all(sends);
  });

  it('a lost network whose check meets a 5xx says Crisp is down instead', async () => {
    let stage: 'offline' | 'failing' | 'up' = 'offline';
    const { client } = scriptedClient(
      () => (stage === 'up' ? { status: 201 } : { error: 'network' }),
      () =>
        stage === 'offline'
          ? { error: 'network' }
          : stage === 'failing'
            ? HTML_503
            : { status: 200 },
    );
    const sender = senderFor(client);
    const states: SenderState[] = [];
    sender.on('state', (state) => states.push(state));
    const pending = create(sender, 'a@example.com');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(problems(states)).toEqual(['network_unreachable']);
    stage = 'failing';
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(problems(states)).toEqual(['network_unreachable', 'crisp_unavailable']);
    stage = 'up';
    await pending;
    expect(problems(states).at(-1)).toBe('sending');
  });
});

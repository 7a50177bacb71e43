/**
 * The rate and outage parts of `npm run bench:send`: the contact sender against limits it is not
 * told and against a Crisp outage, each on its own fake Crisp server in this process.
 *
 * Rate: a limit shared by all routes of the token, or one per route (429/420 alternating,
 * without Retry-After unless said), with files as imports have them (new contacts with custom
 * data: create then data; a fifth existing: 409, read, profile, data), beside a naive client
 * (fixed concurrency, every 429/420 retried after 1 s). Printed: what was accepted per second
 * against what the limit allows with that mix of routes, and the share of 429/420, both after
 * the first 10 s; ours / naive as a ratio. A run lasts 60 s by default: the fake's limiter lets
 * one second's worth of requests through in a burst, so whether its bucket is full or empty at
 * the window's edges moves a 20-second figure by up to 5 % either way, a 50-second one by 2 %.
 *
 * Outage: an HTML 5xx to every request for a while in the middle of a 1,500-row import (custom
 * data, existing contacts, repeated emails), with the sender's default waits as the app uses
 * them; printed: requests during the outage, failed rows, contacts missing at the end.
 */
import { CrispClient, CrispRequestError } from '../src/main/engine/crisp-client';
import { ContactSender, RateController } from '../src/main/engine/contact-sending';
import {
  startFakeCrisp,
  type FakeCrisp,
  type RateLimitConfig,
  type RequestLogEntry,
} from '../src/main/engine/fake-crisp';
import type { ContactProfile } from '../src/shared/contact-profile';

const WARM_UP_MS = 10_000;
const NAIVE_CONCURRENCY = 8;

export interface RateCase {
  limitLabel: string;
  fileLabel: string;
  limit: RateLimitConfig;
  /** Every n-th contact exists in Crisp already (0: none). */
  existingEvery: number;
  withData: boolean;
}

export const RATE_CASES: RateCase[] = [
  {
    limitLabel: 'shared by all routes, 20/s',
    fileLabel: 'new contacts + data',
    limit: { scope: 'global', perSecond: 20, status: 'alternate', retryAfter: 'none' },
    existingEvery: 0,
    withData: true,
  },
  {
    limitLabel: 'shared by all routes, 20/s',
    fileLabel: '20 % existing + data',
    limit: { scope: 'global', perSecond: 20, status: 'alternate', retryAfter: 'none' },
    existingEvery: 5,
    withData: true,
  },
  {
    limitLabel: 'per route, 10/s',
    fileLabel: 'new contacts + data',
    limit: { scope: 'route', perSecond: 10, status: 'alternate', retryAfter: 'none' },
    existingEvery: 0,
    withData: true,
  },
  {
    limitLabel: 'per route, 10/s',
    fileLabel: '20 % existing + data',
    limit: { scope: 'route', perSecond: 10, status: 'alternate', retryAfter: 'none' },
    existingEvery: 5,
    withData: true,
  },
  {
    limitLabel: 'per route, 50/s',
    fileLabel: 'new contacts',
    limit: { scope: 'route', perSecond: 50, status: 'alternate', retryAfter: 'none' },
    existingEvery: 0,
    withData: false,
  },
  {
    limitLabel: 'per route, 50/s, Retry-After',
    fileLabel: 'new contacts',
    limit: { scope: 'route', perSecond: 50, status: 'alternate', retryAfter: 'seconds' },
    existingEvery: 0,
    withData: false,
  },
];

function benchContact(email: string, withData: boolean): ContactProfile {
  return {
    email,
    nickname: `Name ${email.split('@')[0]}`,
    nicknameSource: 'full_name',
    person: { phone: '+33100000000' },
    company: { name: 'Acme' },
    segments: ['imported'],
    data: withData ? { plan: 'pro', seats: 3 } : {},
    clearedDataKeys: [],
  };
}

function clientOf(crisp: FakeCrisp): CrispClient {
  return new CrispClient({ apiUrl: crisp.url, websiteId: crisp.websiteId, ...crisp.token });
}

interface RateFigures {
  achieved: number;
  allowed: number;
  limitedShare: number;
  failed: number;
}

/** Accepted per second after the warm-up, against what the limit allows with this mix. */
function rateFigures(
  log: RequestLogEntry[],
  started: number,
  seconds: number,
  limit: RateLimitConfig,
): Omit<RateFigures, 'failed'> {
  const window = log.filter((r) => r.at - started >= WARM_UP_MS && r.at - started < seconds * 1000);
  const limited = (r: RequestLogEntry): boolean => r.status === 429 || r.status === 420;
  const accepted = window.filter((r) => !limited(r));
  const byRoute = new Map<string, number>();
  for (const r of accepted) byRoute.set(r.route, (byRoute.get(r.route) ?? 0) + 1);
  const busiest = Math.max(1, ...byRoute.values()) / Math.max(1, accepted.length);
  const allowed = limit.scope === 'global' ? limit.perSecond : limit.perSecond / busiest;
  return {
    achieved: accepted.length / (seconds - WARM_UP_MS / 1000),
    allowed,
    limitedShare: window.length === 0 ? 0 : (window.length - accepted.length) / window.length,
  };
}

async function withServer(rateCase: RateCase, contacts: number): Promise<FakeCrisp> {
  const crisp = await startFakeCrisp({ rateLimit: rateCase.limit });
  if (rateCase.existingEvery > 0) {
    const seeds = [];
    for (let i = 0; i < contacts; i += rateCase.existingEvery)
      seeds.push({ email: `r${i}@example.com` });
    crisp.seedProfiles(seeds);
  }
  return crisp;
}

/** The sender as the app builds it, with 32 contacts in flight (as the job runner keeps). */
async function oursRun(rateCase: RateCase, seconds: number): Promise<RateFigures> {
  const crisp = await withServer(rateCase, 100_000);
  const sender = new ContactSender(clientOf(crisp), {
    emptyCells: 'clear',
    rate: new RateController(),
  });
  const started = Date.now();
  let next = 0;
  let failed = 0;
  const worker = async (): Promise<void> => {
    while (Date.now() - started < seconds * 1000) {
      const outcome = await sender.send(benchContact(`r${next++}@example.com`, rateCase.withData));
      if (outcome.kind === 'failed') failed += 1;
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  const figures = rateFigures(crisp.requestLog(), started, seconds, rateCase.limit);
  sender.close();
  await crisp.close();
  return { ...figures, failed };
}

/** A naive client: fixed concurrency, create (on 409 read and update), then data; 429 → 1 s. */
async function naiveRun(rateCase: RateCase, seconds: number): Promise<RateFigures> {
  const crisp = await withServer(rateCase, 100_000);
  const client = clientOf(crisp);
  const started = Date.now();
  const running = (): boolean => Date.now() - started < seconds * 1000;
  const patiently = async <T>(request: () => Promise<T>): Promise<T> => {
    for (;;) {
      try {
        return await request();
      } catch (error) {
        if (!(error instanceof CrispRequestError && error.kind === 'rate_limited') || !running())
          throw error;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  };
  const upsert = async (c: ContactProfile): Promise<void> => {
    const body = { email: c.email, person: { nickname: c.nickname, ...c.person } };
    try {
      await patiently(() => client.createProfile({ ...body, segments: c.segments }));
    } catch (error) {
      if (!(error instanceof CrispRequestError && error.kind === 'exists')) throw error;
      const existing = await patiently(() => client.getProfile(c.email));
      const segments = [...new Set([...existing.data.segments, ...c.segments])];
      await patiently(() => client.updateProfile(c.email, { person: body.person, segments }));
    }
    if (Object.keys(c.data).length > 0) await patiently(() => client.updateData(c.email, c.data));
  };
  let next = 0;
  let failed = 0;
  const worker = async (): Promise<void> => {
    while (running()) {
      await upsert(benchContact(`r${next++}@example.com`, rateCase.withData)).catch(() => {
        failed += 1;
      });
    }
  };
  await Promise.all(Array.from({ length: NAIVE_CONCURRENCY }, worker));
  const figures = rateFigures(crisp.requestLog(), started, seconds, rateCase.limit);
  await crisp.close();
  return { ...figures, failed };
}

function describeFigures(f: RateFigures): string {
  const rate = `${f.achieved.toFixed(1)}/${f.allowed.toFixed(1)} = ${(f.achieved / f.allowed).toFixed(2)}`;
  const limited = `${(f.limitedShare * 100).toFixed(2)} %`;
  return `${rate.padEnd(18)} ${limited.padStart(7)}${f.failed > 0 ? ` (${f.failed} failed)` : ''}`;
}

export async function rateSection(seconds: number): Promise<void> {
  console.log(
    `Rate against limits the sender is not told (429/420 alternating; ${seconds} s per run, figures after the first 10 s;` +
      ` naive = ${NAIVE_CONCURRENCY} contacts at a time, every 429/420 retried after 1 s)`,
  );
  const head = (a: string, b: string, c: string, d: string, e: string): string =>
    `  ${a.padEnd(32)} ${b.padEnd(22)} ${c.padEnd(28)} ${d.padEnd(28)} ${e}`;
  console.log(head('limit', 'file', 'ours', 'naive', 'ours / naive'));
  console.log(head('', '', 'accepted/allowed  429/420', 'accepted/allowed  429/420', 'rate  429s'));
  for (const rateCase of RATE_CASES) {
    const ours = await oursRun(rateCase, seconds);
    const naive = await naiveRun(rateCase, seconds);
    const rateRatio = (ours.achieved / naive.achieved).toFixed(2);
    const limitedRatio =
      naive.limitedShare === 0 ? '-' : (ours.limitedShare / naive.limitedShare).toFixed(3);
    console.log(
      head(
        rateCase.limitLabel,
        rateCase.fileLabel,
        describeFigures(ours),
        describeFigures(naive),
        `${rateRatio}  ${limitedRatio}`,
      ),
    );
  }
}

/** 1,500 rows: every 12th repeats an earlier email, every 10th exists already, all with data. */
function outageFile(rows: number): { contacts: ContactProfile[]; existing: string[] } {
  const contacts: ContactProfile[] = [];
  const existing: string[] = [];
  for (let i = 0; i < rows; i++) {
    const n = i % 12 === 5 ? i - 5 : i;
    if (n === i && i % 10 === 3) existing.push(`o${n}@example.com`);
    contacts.push({ ...benchContact(`o${n}@example.com`, true), data: { row: i, plan: 'pro' } });
  }
  return { contacts, existing };
}

export async function outageSection(outageSeconds: number, rows = 1500): Promise<void> {
  const crisp = await startFakeCrisp();
  const { contacts, existing } = outageFile(rows);
  crisp.seedProfiles(existing.map((email) => ({ email, segments: ['old'] })));
  // The waits the app uses (engine-parts.ts): first check after 2 s, at most a minute apart.
  const sender = new ContactSender(clientOf(crisp), {
    emptyCells: 'clear',
    rate: new RateController(),
    network: { firstCheckMs: 2_000, maxCheckMs: 60_000 },
  });
  let requests = 0;
  let during = 0;
  let outageUntil = 0;
  crisp.onRequest(() => {
    requests += 1;
    if (requests === rows) {
      outageUntil = Date.now() + outageSeconds * 1000;
      crisp.configure({ outage: { status: 'mixed', forMs: outageSeconds * 1000 } });
    }
    if (outageUntil > 0 && Date.now() <= outageUntil) during += 1;
  });
  const started = Date.now();
  let next = 0;
  let failed = 0;
  const worker = async (): Promise<void> => {
    for (let c = contacts[next++]; c; c = contacts[next++]) {
      if ((await sender.send(c)).kind === 'failed') failed += 1;
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  const missing = new Set(contacts.map((c) => c.email).filter((e) => !crisp.getProfile(e))).size;
  console.log(
    `\nA ${outageSeconds} s outage (HTML 502/503/500 to every request) in the middle of a ${rows}-row import` +
      ` (floor: at most 60 requests, no failed row)\n  requests during the outage ${during}, failed rows ${failed},` +
      ` contacts missing at the end ${missing}; ${requests} requests in all, ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  sender.close();
  await crisp.close();
}

/**
 * `npm run bench:send`: the contact sender against the fake Crisp server in this process.
 *
 * 1. Rate: a per-route limit of R requests/s the sender is not told (429/420 alternating, with
 *    and without Retry-After); prints achieved / allowed and the share of 429/420 after the
 *    first 10 s.
 * 2. Requests per contact for files of new contacts, existing contacts and a 50/50 mix, with
 *    and without custom data, each beside the naive plan (create; on 409 read, update; then
 *    data: 1-2 requests for a new contact, 3-4 for an existing one) as a ratio.
 *
 * 3. The same files with batched look-ups (opt-in).
 *
 * Options: --seconds <n> per rate run (default 40), --rate <R> (default 50), --contacts <n> per
 * file (default 1000).
 */
import { CrispClient } from '../src/main/engine/crisp-client';
import { ContactSender, RateController } from '../src/main/engine/contact-sending';
import { startFakeCrisp, type FakeCrisp } from '../src/main/engine/fake-crisp';
import type { ContactProfile } from '../src/shared/contact-profile';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

const SECONDS = option('seconds', 40);
const R = option('rate', 50);
const CONTACTS = option('contacts', 1000);

function contact(email: string, withData: boolean): ContactProfile {
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

function senderFor(crisp: FakeCrisp, lookups: 'single' | 'batched' = 'single'): ContactSender {
  const client = new CrispClient({ apiUrl: crisp.url, websiteId: crisp.websiteId, ...crisp.token });
  return new ContactSender(client, { emptyCells: 'clear', rate: new RateController(), lookups });
}

async function rateRun(retryAfter: 'none' | 'seconds'): Promise<void> {
  const crisp = await startFakeCrisp({
    rateLimit: { perSecond: R, status: 'alternate', retryAfter },
  });
  const sender = senderFor(crisp);
  const started = Date.now();
  const runMs = SECONDS * 1000;
  let next = 0;
  let failed = 0;
  const worker = async (): Promise<void> => {
    while (Date.now() - started < runMs) {
      const outcome = await sender.send(contact(`r${next++}@example.com`, false));
      if (outcome.kind === 'failed') failed += 1;
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  const log = crisp.requestLog().filter((r) => r.at - started < runMs);
  const achieved = log.filter((r) => r.status === 201).length / SECONDS;
  const late = log.filter((r) => r.at - started >= 10_000);
  const limited = late.filter((r) => r.status === 429 || r.status === 420).length;
  const allLimited = log.filter((r) => r.status === 429 || r.status === 420).length;
  console.log(
    `  Retry-After ${retryAfter.padEnd(7)}  achieved ${achieved.toFixed(1)}/s of ${R}/s = ${((achieved / R) * 100).toFixed(1)} %` +
      `   429/420 after 10 s: ${((limited / Math.max(1, late.length)) * 100).toFixed(2)} %` +
      ` (whole run ${((allLimited / Math.max(1, log.length)) * 100).toFixed(2)} %)   failed rows: ${failed}`,
  );
  await crisp.close();
}

interface FileKind {
  label: string;
  existing: (i: number) => boolean;
  withData: boolean;
}

async function requestsRun(kind: FileKind, lookups: 'single' | 'batched'): Promise<void> {
  const crisp = await startFakeCrisp();
  const emails = Array.from({ length: CONTACTS }, (_, i) => `p${i}@example.com`);
  crisp.seedProfiles(
    emails
      .filter((_, i) => kind.existing(i))
      .map((email) => ({
        email,
        person: { nickname: 'Old name', employment: { title: 'CTO' } },
        segments: ['old'],
        data: { a: 1 },
      })),
  );
  const sender = senderFor(crisp, lookups);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < emails.length) {
      const email = emails[next++];
      if (email) await sender.send(contact(email, kind.withData));
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  const requests = crisp.requestLog().length;
  const naive = emails.reduce(
    (sum, _, i) => sum + (kind.existing(i) ? 3 : 1) + (kind.withData ? 1 : 0),
    0,
  );
  const stats = sender.stats();
  const ours = requests / CONTACTS;
  console.log(
    `  ${kind.label.padEnd(34)} ${ours.toFixed(3).padStart(6)}   naive ${(naive / CONTACTS).toFixed(2).padStart(5)}   ratio ${(ours / (naive / CONTACTS)).toFixed(2)}` +
      `   (created ${stats.contacts.created}, updated ${stats.contacts.updated}, failed ${stats.contacts.failed})`,
  );
  await crisp.close();
}

console.log(
  `Rate against an unpublished per-route limit (R = ${R}/s, ${SECONDS} s per run, 429/420 alternating)`,
);
await rateRun('none');
await rateRun('seconds');

console.log(
  `\nRequests per contact (${CONTACTS} contacts per file; naive = create, on 409 read + update, then data)`,
);
const files: FileKind[] = [
  { label: 'new contacts', existing: () => false, withData: false },
  { label: 'new contacts + custom data', existing: () => false, withData: true },
  { label: 'existing contacts (segments)', existing: () => true, withData: false },
  { label: 'existing contacts + custom data', existing: () => true, withData: true },
  { label: '50/50 mix', existing: (i) => i % 2 === 1, withData: false },
  { label: '50/50 mix + custom data', existing: (i) => i % 2 === 1, withData: true },
];
for (const file of files) await requestsRun(file, 'single');
console.log(
  `\nThe same with batched look-ups (opt-in, lookups: 'batched': one search request per 25 emails;` +
    ` Crisp's multi-value email search is unconfirmed, so the sender checks it and falls back)`,
);
for (const file of files) await requestsRun(file, 'batched');

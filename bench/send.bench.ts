/**
 * `npm run bench:send`: the contact sender against the fake Crisp server in this process.
 *
 * 1. Rate (bench/send-limits.ts): a limit shared by all routes, or one per route, that the
 *    sender is not told (429/420 alternating, with and without Retry-After), with files of new
 *    and existing contacts with custom data; prints accepted / allowed and the share of 429/420
 *    after the first 10 s, beside a naive client (fixed concurrency, 429 retried after 1 s).
 *    Then a Crisp outage in the middle of a 1,500-row import: requests it cost, failed rows,
 *    contacts missing.
 * 2. Requests per contact for files of new contacts, existing contacts and a 50/50 mix, with
 *    and without custom data, each beside the naive plan (create; on 409 read, update; then
 *    data: 1-2 requests for a new contact, 3-4 for an existing one) as a ratio.
 *
 * 3. The same files with batched look-ups.
 * 4. Through the CLI (bench/reimport.ts): a first import with one read per contact and with bulk
 *    reads, the same file again unchanged, and next month's file with 5 % changed beside a full
 *    re-send.
 *
 * Options: --seconds <n> per rate run (default 60), --outage-seconds <n> (default 60),
 * --contacts <n> per file (default 1000), --reimport-rows <n> (default 5000), --only <section>
 * (rate, outage, requests, reimport) to run one section.
 */
import { CrispClient } from '../src/main/engine/crisp-client';
import { ContactSender, RateController } from '../src/main/engine/contact-sending';
import { startFakeCrisp, type FakeCrisp } from '../src/main/engine/fake-crisp';
import type { ContactProfile } from '../src/shared/contact-profile';
import { reimportSection } from './reimport';
import { outageSection, rateSection } from './send-limits';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

const SECONDS = option('seconds', 60);
const OUTAGE_SECONDS = option('outage-seconds', 60);
const CONTACTS = option('contacts', 1000);
const REIMPORT_ROWS = option('reimport-rows', 5000);
const onlyIndex = process.argv.indexOf('--only');
const ONLY = onlyIndex >= 0 ? process.argv[onlyIndex + 1] : undefined;
const section = (name: string): boolean => ONLY === undefined || ONLY === name;

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

if (section('rate')) await rateSection(SECONDS);
if (section('outage')) await outageSection(OUTAGE_SECONDS);
if (section('requests')) await requestsSection();
if (section('reimport')) await reimportSection(REIMPORT_ROWS);

async function requestsSection(): Promise<void> {
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
    `\nThe same with batched look-ups (lookups: 'batched': one search request per 25 emails;` +
      ` Crisp's multi-value email search is unconfirmed, so the sender checks it and falls back)`,
  );
  for (const file of files) await requestsRun(file, 'batched');
}

/**
 * Reading existing contacts in bulk (contact-planning/profile-reads.ts) against the fake Crisp
 * over loopback: a small website is listed once, other emails are searched 25 at a time, and
 * each bulk source is dropped for the job as soon as Crisp's answers disagree with it (a search
 * that ignores multi-value queries or its filter, answers from a lagging copy, or pages capped).
 * Whatever the fake does, the profiles end as single reads would leave them, and no segment added
 * in Crisp before the write is lost.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ContactProfile } from '../../src/shared/contact-profile';
import type { ContactSender } from '../../src/main/engine/contact-sending';
import type { FakeCrisp, FakeCrispConfigPatch } from '../../src/main/engine/fake-crisp';
import { comparableProfiles } from './reliability-support';
import { contact, fakeCrisp, sendAll, senderFor } from './contact-sending-support';

const servers: FakeCrisp[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/** 300 contacts, 1 in 5 already in Crisp (with segments and custom data), custom data on all. */
function contacts(): ContactProfile[] {
  return Array.from({ length: 300 }, (_, i) =>
    contact(`p${i}@example.com`, {
      segments: [`tag${i % 3}`],
      person: { phone: `+331000${i}` },
      data: { plan: `plan${i % 4}` },
    }),
  );
}

async function website(config: FakeCrispConfigPatch = {}, others = 0): Promise<FakeCrisp> {
  const crisp = await fakeCrisp(config);
  servers.push(crisp);
  crisp.seedProfiles(
    Array.from({ length: 60 }, (_, i) => ({
      email: `p${i * 5}@example.com`,
      person: { nickname: 'Old', employment: { title: 'CTO' } },
      segments: ['old'],
      data: { kept: 1 },
    })),
  );
  crisp.seedProfiles(Array.from({ length: others }, (_, i) => ({ email: `other${i}@x.io` })));
  return crisp;
}

interface Run {
  sender: ContactSender;
  notes: string[];
  requests: number;
}

async function importAll(
  crisp: FakeCrisp,
  lookups: 'auto' | 'single',
  list: ContactProfile[] = contacts(),
): Promise<Run> {
  const notes: string[] = [];
  const sender = senderFor(crisp, {
    lookups,
    expectedContacts: () => list.length,
    searchCanaryAgeMs: 200,
    onReadPlanNote: (text) => notes.push(text),
  });
  const before = crisp.requestLog().length;
  const outcomes = await sendAll(sender, list, 32);
  expect(outcomes.filter((o) => o.kind === 'failed')).toEqual([]);
  return { sender, notes, requests: crisp.requestLog().length - before };
}

async function reference(config: FakeCrispConfigPatch = {}, others = 0): Promise<unknown> {
  const crisp = await website(config, others);
  await importAll(crisp, 'single');
  return comparableProfiles(crisp);
}

describe('bulk reads', () => {
  it('lists a small website once: about 2 requests per contact with custom data', async () => {
    const crisp = await website();
    const run = await importAll(crisp, 'auto');
    expect(run.sender.stats().lookups).toBe('listing');
    const listed = crisp.requestLog().filter((e) => e.route === 'GET /people/profiles/:page');
    expect(listed.length).toBeLessThanOrEqual(3);
    expect(run.requests / 300).toBeLessThanOrEqual(2.02);
    expect(comparableProfiles(crisp)).toEqual(await reference());
  });

  it('searches 25 emails a request on a large website', async () => {
    const crisp = await website({}, 3000);
    const run = await importAll(crisp, 'auto');
    expect(run.sender.stats().lookups).toBe('batched');
    expect(run.requests / 300).toBeLessThanOrEqual(2.1);
    expect(comparableProfiles(crisp)).toEqual(await reference({}, 3000));
  });

  for (const [label, config, why] of [
    ['ignores all but the first value', { search: { multiValue: 'first' } }, /missed contacts/],
    ['ignores the filter', { search: { multiValue: 'ignored' } }, /not asked for/],
    ['caps its pages at 20 profiles', { search: { maxPerPage: 20 } }, null],
  ] as const) {
    it(`falls back to single reads when the search ${label}`, async () => {
      const crisp = await website(config, 3000);
      const run = await importAll(crisp, 'auto');
      if (why) {
        expect(run.sender.stats().lookups).toBe('single');
        expect(run.sender.stats().batchedLookupsStopped ?? '').toMatch(
          why instanceof RegExp ? why : /./,
        );
      }
      expect(comparableProfiles(crisp)).toEqual(await reference(config, 3000));
    });
  }

  it('uses a listing cut short by capped pages only for what it shows', async () => {
    const crisp = await website({ search: { maxPage: 1 } });
    const run = await importAll(crisp, 'auto');
    expect(run.notes.join(' ')).toMatch(/listing showed 50 of its 60 contacts/);
    expect(comparableProfiles(crisp)).toEqual(await reference({ search: { maxPage: 1 } }));
  });

  it('stops trusting a search that lags behind writes, and loses no segment added meanwhile', async () => {
    const crisp = await website({ search: { lagMs: 60_000 } }, 3000);
    const all = contacts();
    const sender = senderFor(crisp, {
      lookups: 'auto',
      expectedContacts: () => all.length,
      searchCanaryAgeMs: 200,
    });
    // The first half: the search's copy is taken now, and will not move for a minute.
    await sendAll(sender, all.slice(0, 150), 32);
    // Someone adds a segment to a contact the second half updates.
    crisp.editProfile('p250@example.com', { segments: ['old', 'vip'] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await sendAll(sender, all.slice(150), 32);
    expect(sender.stats().batchedLookupsStopped ?? '').toMatch(/lag behind/);
    expect(crisp.getProfile('p250@example.com')?.segments).toEqual(['old', 'vip', 'tag1']);
  });

  it('reads a listed contact again before writing over it once the listing is old', async () => {
    const crisp = await website();
    const all = contacts();
    const sender = senderFor(crisp, {
      lookups: 'auto',
      expectedContacts: () => all.length,
      bulkFreshMs: 100,
    });
    await sendAll(sender, all.slice(0, 100), 32);
    expect(sender.stats().lookups).toBe('listing');
    crisp.editProfile('p200@example.com', { segments: ['old', 'vip'] });
    await new Promise((resolve) => setTimeout(resolve, 150));
    await sendAll(sender, all.slice(100), 32);
    expect(crisp.getProfile('p200@example.com')?.segments).toEqual(['old', 'vip', 'tag2']);
  });

  it('stops trusting a listing when a contact it called new exists (created meanwhile)', async () => {
    const crisp = await website();
    const all = contacts();
    const notes: string[] = [];
    const sender = senderFor(crisp, {
      lookups: 'auto',
      expectedContacts: () => all.length,
      onReadPlanNote: (text) => notes.push(text),
    });
    await sendAll(sender, all.slice(0, 50), 32);
    crisp.seedProfiles([
      { email: 'p201@example.com', segments: ['theirs'], person: { nickname: 'T' } },
    ]);
    await sendAll(sender, all.slice(50), 32);
    expect(notes.join(' ')).toMatch(/listing did not show/);
    expect(crisp.getProfile('p201@example.com')?.segments).toEqual(['theirs', 'tag0']);
  });
});

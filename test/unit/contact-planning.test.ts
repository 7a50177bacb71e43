import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContactProfile } from '../../src/shared/contact-profile';
import { ChangeLedger, changedParts, digestContact } from '../../src/main/engine/change-ledger';
import {
  ContactPlanner,
  RepeatedEmailCensus,
  mergeContacts,
  type GroupDecision,
  type NotedRow,
} from '../../src/main/engine/contact-planning';
import { mergeIntoProfile, type KnownProfile } from '../../src/main/engine/contact-sending';
import { seededRandom } from '../integration/reliability-support';

function contact(email: string, overrides: Partial<ContactProfile> = {}): ContactProfile {
  return {
    email,
    nickname: 'Jane Doe',
    nicknameSource: 'full_name',
    person: {},
    company: {},
    segments: [],
    data: {},
    clearedDataKeys: [],
    ...overrides,
  };
}

/** Applies the custom data of a contact to a profile's data as Crisp's PATCH would. */
function applyData(
  data: Record<string, unknown>,
  c: ContactProfile,
  isNew: boolean,
): Record<string, unknown> {
  const out = { ...data, ...c.data };
  if (!isNew) for (const key of c.clearedDataKeys) if (!(key in c.data)) delete out[key];
  return out;
}

function randomContact(random: () => number, email: string): ContactProfile {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const maybe = <T>(value: T): T | undefined => (random() < 0.5 ? value : undefined);
  const person: ContactProfile['person'] = {};
  const phone = maybe(pick(['+1', '+2', '+3']));
  if (phone) person.phone = phone;
  const employment =
    random() < 0.5 ? { title: maybe(pick(['CTO', 'CEO'])), role: maybe('eng') } : undefined;
  if (employment) person.employment = employment;
  const city = maybe(pick(['Paris', 'Rome']));
  if (city) person.geolocation = { city, country: maybe('FR') };
  const data: Record<string, string | number> = {};
  const cleared: string[] = [];
  for (const key of ['plan', 'seats', 'note']) {
    const dice = random();
    if (dice < 0.4) data[key] = pick(['a', 'b', 3]);
    else if (dice < 0.6) cleared.push(key);
  }
  return contact(email, {
    nickname: pick(['Jane', 'Joan', 'J. Doe']),
    nicknameSource: pick(['full_name', 'first_last', 'email'] as const),
    person,
    company:
      random() < 0.5 ? { name: maybe(pick(['Acme', 'Initech'])), domain: maybe('x.io') } : {},
    segments: Array.from({ length: Math.floor(random() * 3) }, () =>
      pick(['vip', 'EU', 'eu', 'b2b']),
    ),
    ...(random() < 0.3 ? { notepad: pick(['n1', 'n2']) } : {}),
    data,
    clearedDataKeys: cleared,
  });
}

describe('mergeContacts', () => {
  it('sending the merged rows once leaves the profile as sending each row in turn', () => {
    const random = seededRandom(11);
    for (let trial = 0; trial < 2000; trial++) {
      const rows = Array.from({ length: 2 + Math.floor(random() * 3) }, () =>
        randomContact(random, 'jane@example.com'),
      );
      const start: KnownProfile =
        random() < 0.5
          ? {
              peopleId: 'p',
              person: { nickname: 'Old', phone: '+9' },
              company: { name: 'Old' },
              segments: ['eu', 'old'],
            }
          : { peopleId: 'p', person: {}, company: {}, segments: [] };
      const startData: Record<string, unknown> = { plan: 'x', other: 1 };
      let oneByOne = start;
      let data = startData;
      for (const row of rows) {
        oneByOne = mergeIntoProfile(oneByOne, row).result;
        data = applyData(data, row, false);
      }
      const merged = mergeContacts(rows);
      expect(mergeIntoProfile(start, merged).result).toEqual(oneByOne);
      expect(applyData(startData, merged, false)).toEqual(data);
    }
  });
});

describe('contact digests', () => {
  it('change with each part alone, and not with the order or case of segments', () => {
    const base = contact('a@x.io', {
      segments: ['vip', 'EU'],
      data: { plan: 'pro' },
      person: { phone: '+1' },
    });
    const same = digestContact({ ...base, segments: ['eu', 'VIP'] }, 'clear');
    expect(changedParts(same, digestContact(base, 'clear'))).toEqual([]);
    const d = digestContact(base, 'clear');
    expect(changedParts(digestContact({ ...base, data: { plan: 'team' } }, 'clear'), d)).toEqual([
      'data',
    ]);
    expect(changedParts(digestContact({ ...base, person: { phone: '+2' } }, 'clear'), d)).toEqual([
      'profile',
    ]);
    expect(changedParts(digestContact({ ...base, segments: ['vip'] }, 'clear'), d)).toEqual([
      'segments',
    ]);
    expect(changedParts(digestContact({ ...base, nicknameSource: 'email' }, 'clear'), d)).toEqual([
      'profile',
    ]);
    // An empty cell clears a key under 'clear' only.
    const cleared = { ...base, clearedDataKeys: ['seats'] };
    expect(changedParts(digestContact(cleared, 'clear'), d)).toEqual(['data']);
    expect(changedParts(digestContact(cleared, 'keep'), digestContact(base, 'keep'))).toEqual([]);
  });
});

describe('ContactPlanner', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'planner-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function ledger(): Promise<ChangeLedger> {
    return ChangeLedger.open({
      stateDir: dir,
      websiteId: 'w',
      apiUrl: 'http://x',
      journals: [],
      writable: false,
    });
  }

  /** An earlier import that sent these rows, in file order. */
  function remember(target: ChangeLedger, rows: ContactProfile[], job = 'old-job'): void {
    const planner = new ContactPlanner({
      ledger: target,
      jobId: job,
      startedAt: '2026-11-03T10:00:00Z',
      emptyCells: 'clear',
      sendAll: true,
    });
    let row = 2;
    for (const c of rows) {
      const decision = planner.plan({
        email: c.email,
        rows: [{ row: row++, offset: 0, contact: c }],
      });
      for (const r of decision.send!.rows)
        target.apply(job, '2026-11-03T10:00:00Z', { outcome: 'updated', note: r.note! });
      planner.settled(c.email, false);
      planner.durable(c.email);
    }
  }

  function planner(target: ChangeLedger, job = 'new-job'): ContactPlanner {
    return new ContactPlanner({
      ledger: target,
      jobId: job,
      startedAt: '2026-12-03T10:00:00Z',
      emptyCells: 'clear',
      sendAll: false,
    });
  }

  /** Plans one row, and records its outcome as the runner would. */
  function step(
    p: ContactPlanner,
    target: ChangeLedger,
    c: ContactProfile,
    row: number,
  ): GroupDecision {
    const decision = p.plan({ email: c.email, rows: [{ row, offset: 0, contact: c }] });
    record(target, decision.unchanged, 'unchanged');
    if (decision.send) record(target, decision.send.rows, 'updated');
    p.settled(c.email, false);
    p.durable(c.email);
    return decision;
  }

  function record(target: ChangeLedger, rows: NotedRow[], outcome: 'unchanged' | 'updated'): void {
    for (const r of rows)
      target.apply('new-job', '2026-12-03T10:00:00Z', { outcome, note: r.note! });
  }

  it('skips an unchanged contact and sends only the part that changed', async () => {
    const l = await ledger();
    const jane = contact('jane@x.io', { data: { plan: 'pro' }, segments: ['vip'] });
    const john = contact('john@x.io', { person: { phone: '+1' } });
    remember(l, [jane, john]);
    const p = planner(l);
    const same = step(p, l, jane, 2);
    expect(same.send).toBeNull();
    expect(same.unchanged).toHaveLength(1);
    const changed = step(p, l, { ...john, data: { plan: 'team' } }, 3);
    expect(changed.send?.plan).toEqual({ kind: 'update-parts', parts: ['data'] });
    const fresh = planner(l, 'third-job');
    const moved = fresh.plan({
      email: 'jane@x.io',
      rows: [{ row: 2, offset: 0, contact: { ...jane, segments: ['vip', 'eu'] } }],
    });
    expect(moved.send?.plan).toEqual({ kind: 'update-parts', parts: ['segments'] });
    const unknown = fresh.plan({
      email: 'new@x.io',
      rows: [{ row: 4, offset: 0, contact: contact('new@x.io') }],
    });
    expect(unknown.send?.plan).toEqual({ kind: 'upsert', exists: false });
  });

  it('holds the rows of an email the older import had more rows for, and sends them when a later one changed', async () => {
    const l = await ledger();
    const first = contact('jane@x.io', { person: { phone: '+1' } });
    const second = contact('jane@x.io', { person: { phone: '+2' } });
    remember(l, [first, second]);
    const p = planner(l);
    const held = p.plan({ email: 'jane@x.io', rows: [{ row: 2, offset: 0, contact: first }] });
    expect(held).toEqual({ unchanged: [], send: null });
    p.durable('jane@x.io');
    expect(p.heldRows).toBe(1);
    // The later row changed (no phone any more): a full re-send applies the first row again.
    const later = p.plan({
      email: 'jane@x.io',
      rows: [{ row: 90, offset: 0, contact: contact('jane@x.io') }],
    });
    expect(later.send?.rows.map((r) => r.row)).toEqual([2, 90]);
    expect(later.send?.contact.person.phone).toBe('+1');
    expect(later.send?.plan).toEqual({ kind: 'upsert', exists: true });
    expect(p.heldRows).toBe(0);
  });

  it('records held rows unchanged when the email’s later rows are unchanged too, and sends them when the file ends first', async () => {
    const l = await ledger();
    const first = contact('jane@x.io', { person: { phone: '+1' } });
    const second = contact('jane@x.io', { person: { phone: '+2' } });
    remember(l, [first, second]);
    const same = planner(l);
    same.plan({ email: 'jane@x.io', rows: [{ row: 2, offset: 0, contact: first }] });
    same.durable('jane@x.io');
    const both = same.plan({ email: 'jane@x.io', rows: [{ row: 9, offset: 0, contact: second }] });
    expect(both.unchanged.map((r) => r.row)).toEqual([2, 9]);
    expect(both.send).toBeNull();

    const shorter = planner(l, 'other-job');
    shorter.plan({ email: 'jane@x.io', rows: [{ row: 2, offset: 0, contact: first }] });
    shorter.durable('jane@x.io');
    const atEnd = shorter.releaseAll();
    expect(atEnd).toHaveLength(1);
    expect(atEnd[0]!.rows.map((r) => r.row)).toEqual([2]);
  });

  it('with the file counted first, an unchanged repeated email is never held, however far apart its rows', async () => {
    const jane1 = contact('jane@x.io', { person: { phone: '+1' } });
    const jane2 = contact('jane@x.io', { person: { phone: '+2' } });
    const john1 = contact('john@x.io', { data: { plan: 'a' } });
    const john2 = contact('john@x.io', { data: { plan: 'b' } });
    const others = Array.from({ length: 40 }, (_, i) => contact(`p${i}@x.io`));
    const before = [jane1, john1, ...others, jane2, john2];
    // This file: john's second row changed; jane's rows are as last time, 40 rows apart.
    const now = [...before.slice(0, -1), contact('john@x.io', { data: { plan: 'c' } })];
    const run = async (counted: boolean): Promise<{ sent: number[]; unchanged: number }> => {
      const l = await ledger();
      remember(l, before);
      let census: RepeatedEmailCensus | null = null;
      if (counted) {
        census = new RepeatedEmailCensus(l, 'clear');
        for (const c of now) census.add(c);
      }
      const p = new ContactPlanner({
        ledger: l,
        jobId: 'new-job',
        startedAt: '2026-12-03T10:00:00Z',
        emptyCells: 'clear',
        sendAll: false,
        maxHeldLag: 10,
        census,
      });
      const sent: number[] = [];
      let unchanged = 0;
      now.forEach((c, i) => {
        const decision = p.plan({ email: c.email, rows: [{ row: i + 2, offset: 0, contact: c }] });
        record(l, decision.unchanged, 'unchanged');
        unchanged += decision.unchanged.length;
        for (const step of [...(decision.send ? [decision.send] : []), ...p.overflow()]) {
          record(l, step.rows, 'updated');
          sent.push(...step.rows.map((r) => r.row));
        }
        p.durable(c.email);
      });
      return { sent: sent.sort((a, b) => a - b), unchanged };
    };
    // Without the count, jane's first row waits past the bound and is sent after all.
    expect((await run(false)).sent).toContain(2);
    // With it: only john's rows go (his second row changed: a full re-send applies both).
    const counted = await run(true);
    expect(counted.sent).toEqual([3, 45]);
    expect(counted.unchanged).toBe(before.length - 2);
  });

  it('sends every later row of an email once one of its rows was sent', async () => {
    const l = await ledger();
    const a1 = contact('jane@x.io', { data: { n: 1 } });
    const a2 = contact('jane@x.io', { data: { n: 2 } });
    const a3 = contact('jane@x.io', { data: { n: 3 } });
    remember(l, [a1, a2, a3]);
    const p = planner(l);
    expect(step(p, l, { ...a1, data: { n: 9 } }, 2).send).not.toBeNull();
    // a2 and a3 are what the older import had at their places, but a1 changed before them.
    expect(step(p, l, a2, 5).send).not.toBeNull();
    expect(step(p, l, a3, 8).send).not.toBeNull();
  });

  it('a job that resumes counts the occurrences it already recorded', async () => {
    const l = await ledger();
    const a1 = contact('jane@x.io', { data: { n: 1 } });
    const a2 = contact('jane@x.io', { data: { n: 2 } });
    remember(l, [a1, a2]);
    const before = planner(l);
    before.plan({ email: 'jane@x.io', rows: [{ row: 2, offset: 0, contact: a1 }] });
    before.durable('jane@x.io');
    const both = before.plan({ email: 'jane@x.io', rows: [{ row: 7, offset: 0, contact: a2 }] });
    record(l, both.unchanged, 'unchanged');
    // The same job after a restart, with a third row of the email the older import did not have.
    const after = planner(l);
    const third = after.plan({
      email: 'jane@x.io',
      rows: [{ row: 12, offset: 0, contact: contact('jane@x.io') }],
    });
    expect(third.send?.rows[0]?.note?.occurrence).toBe(3);
    expect(third.send?.plan).toEqual({ kind: 'upsert', exists: true });
  });
});

import { describe, expect, it } from 'vitest';
import type { PeopleProfile } from '../../src/main/engine/crisp-client';
import { LookupBatcher } from '../../src/main/engine/contact-sending';

const profile = (email: string): PeopleProfile => ({
  email,
  person: {},
  company: {},
  segments: [],
});

describe('LookupBatcher', () => {
  it('answers many emails with one search, charged to the first of them', async () => {
    const searches: string[][] = [];
    const batcher = new LookupBatcher(
      async (emails) => {
        searches.push(emails);
        return { profiles: [profile('b@x.co')], requests: 1 };
      },
      { batchSize: 4, maxWaitMs: 5 },
    );
    const results = await Promise.all(
      ['a@x.co', 'b@x.co', 'c@x.co', 'd@x.co'].map((e) => batcher.lookup(e)),
    );
    expect(searches).toEqual([['a@x.co', 'b@x.co', 'c@x.co', 'd@x.co']]);
    expect(
      results.map((r) =>
        r.profile === null ? null : r.profile === 'unknown' ? '?' : r.profile.email,
      ),
    ).toEqual([null, 'b@x.co', null, null]);
    expect(results.map((r) => r.share)).toEqual([1, 0, 0, 0]);
  });

  it('stops trusting a search that returns profiles nobody asked for', async () => {
    const batcher = new LookupBatcher(
      async () => ({ profiles: [profile('other@x.co')], requests: 1 }),
      {
        maxWaitMs: 1,
      },
    );
    expect((await batcher.lookup('a@x.co')).profile).toBe('unknown');
    expect(batcher.enabled).toBe(false);
    expect(batcher.stoppedBecause).toContain('not asked for');
    expect((await batcher.lookup('b@x.co')).profile).toBe('unknown');
  });

  it('stops after creates meet 409 for emails it called new, or when the search fails', async () => {
    const missing = new LookupBatcher(async () => ({ profiles: [], requests: 1 }), {
      maxMisses: 2,
    });
    missing.noteMiss();
    expect(missing.enabled).toBe(true);
    missing.noteMiss();
    expect(missing.enabled).toBe(false);
    const failing = new LookupBatcher(
      async () => {
        throw new Error('Crisp rejected the values sent');
      },
      { maxWaitMs: 1 },
    );
    expect((await failing.lookup('a@x.co')).profile).toBe('unknown');
    expect(failing.stoppedBecause).toContain('Crisp rejected the values sent');
  });
});

import { describe, expect, it } from 'vitest';
import { EmailIndex } from '../../src/main/engine/email-index';

describe('EmailIndex.addAll', () => {
  it('says the same as add one by one, repeats inside one list included, while the index grows', () => {
    const one = new EmailIndex();
    const all = new EmailIndex();
    let state = 12345;
    const next = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state;
    };
    let repeats = 0;
    // Lists of every size up to 1,500, over 200,000 emails drawn from 120,000 (so many repeats).
    for (let added = 0; added < 200_000;) {
      const count = next() % 1500;
      const emails: string[] = [];
      for (let i = 0; i < count; i++) emails.push(`user${next() % 120_000}@example.com`);
      // A longer array than `count`: only the first `count` are added.
      const repeated = new Uint8Array(count + 3).fill(7);
      all.addAll([...emails, 'not-added@example.com'], count, repeated);
      for (let i = 0; i < count; i++) {
        const expected = one.add(emails[i]!);
        if (expected) repeats++;
        if (repeated[i] !== (expected ? 1 : 0)) {
          expect({ email: emails[i], repeated: repeated[i] }).toEqual({
            email: emails[i],
            repeated: expected ? 1 : 0,
          });
        }
      }
      expect(repeated[count]).toBe(7);
      added += count;
    }
    expect(all.size).toBe(one.size);
    expect(all.bytesUsed).toBe(one.bytesUsed);
    expect(all.has('not-added@example.com')).toBe(false);
    expect(repeats).toBeGreaterThan(50_000);
    expect(one.size).toBeGreaterThan(60_000);
  });
});

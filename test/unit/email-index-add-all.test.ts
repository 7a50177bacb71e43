import { describe, expect, it } from 'vitest';
import { EmailIndex, emailHash64 } from '../../src/main/engine/email-index';

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

describe('EmailIndex past 2^20 slots in a part (6-byte slots)', () => {
  it('keeps telling emails apart once a part has moved to the compact slots', () => {
    // Emails of part 0 only (top 4 hash bits 0): 940,000 of them take that part past 2^19 slots
    // at 7/8, so it doubles to 2^20 slots, where a slot keeps 40 hash bits instead of 48, then
    // past 2^20 at 7/8, so it doubles again from compact slots.
    const mine: string[] = [];
    const strangers: string[] = [];
    for (let i = 0; mine.length < 940_000 || strangers.length < 20_000; i++) {
      const email = `c${i}@compact.example`;
      if (emailHash64(email)[0] >>> 28 !== 0) continue;
      if (mine.length < 940_000) mine.push(email);
      else strangers.push(email);
    }
    const index = new EmailIndex();
    const before = index.bytesUsed;
    let taken = 0;
    for (let i = 0; i < 470_000; i++) if (index.add(mine[i]!)) taken++;
    const rest = mine.slice(470_000);
    const repeated = new Uint8Array(rest.length);
    index.addAll(rest, rest.length, repeated);
    for (const flag of repeated) if (flag === 1) taken++;
    expect(taken).toBe(0);
    expect(index.size).toBe(940_000);
    // Part 0 at 2^21 slots of 6 bytes, the 15 others at their first 2^12 slots of 7 bytes.
    expect(index.bytesUsed).toBe(2 ** 21 * 6 + 15 * 2 ** 12 * 7);
    expect(index.bytesUsed).toBeGreaterThan(before);
    let found = 0;
    for (let i = 0; i < mine.length; i += 13) if (index.has(mine[i]!)) found++;
    expect(found).toBe(Math.ceil(mine.length / 13));
    expect(strangers.filter((email) => index.has(email))).toEqual([]);
    expect(index.add(mine[939_999]!)).toBe(true);
    expect(index.size).toBe(940_000);
  });
});

import { describe, expect, it } from 'vitest';
import { EmailIndex, emailHash64 } from '../../src/main/engine/email-index';

describe('EmailIndex', () => {
  it('says whether an email was seen before', () => {
    const index = new EmailIndex();
    expect(index.add('jane@example.com')).toBe(false);
    expect(index.add('bob@example.com')).toBe(false);
    expect(index.add('jane@example.com')).toBe(true);
    expect(index.has('bob@example.com')).toBe(true);
    expect(index.has('ann@example.com')).toBe(false);
    expect(index.size).toBe(2);
  });

  it('tells apart emails that differ by one character, case, length or a non-ASCII letter', () => {
    const index = new EmailIndex();
    const emails = [
      'a@x.co',
      'a@x.com',
      'b@x.com',
      'A@x.com',
      'ab@x.com',
      'é@x.com',
      'e@x.com',
      '😀@x.com',
      '',
    ];
    for (const email of emails) expect(index.add(email), email).toBe(false);
    for (const email of emails) expect(index.add(email), email).toBe(true);
    expect(index.size).toBe(emails.length);
  });

  it('holds 1,000,000 distinct emails in at most 16 bytes each, with no false positive', () => {
    const index = new EmailIndex();
    const n = 1_000_000;
    let taken = 0;
    for (let i = 0; i < n; i++) if (index.add(`user${i}.name@example${i % 977}.com`)) taken++;
    expect(taken).toBe(0);
    expect(index.size).toBe(n);
    expect(index.bytesUsed / index.size).toBeLessThanOrEqual(16);
    let found = 0;
    for (let i = 0; i < n; i += 7) if (index.add(`user${i}.name@example${i % 977}.com`)) found++;
    expect(found).toBe(Math.ceil(n / 7));
    let strangers = 0;
    for (let i = n; i < n + 200_000; i++)
      if (index.has(`user${i}.name@example${i % 977}.com`)) strangers++;
    expect(strangers).toBe(0);
    expect(index.size).toBe(n);
  });

  it('never exceeds 16 bytes per email as it grows', () => {
    const index = new EmailIndex();
    let worst = 0;
    for (let i = 0; i < 300_000; i++) {
      index.add(`c${i}@shop.example`);
      if (index.size > 60_000) worst = Math.max(worst, index.bytesUsed / index.size);
    }
    expect(worst).toBeGreaterThan(14); // right after a doubling
    expect(worst).toBeLessThanOrEqual(16);
  });

  it('keeps every email when many crowd around one home slot (a long run forces an early doubling)', () => {
    // Emails whose hashes share their top 13 bits want the same 8 slots of the initial table
    // (2^16 slots): 300 of them make a run longer than the 254 slots a distance byte records.
    const crowd: string[] = [];
    const home = emailHash64('seed@example.com')[0] >>> 19;
    for (let i = 0; crowd.length < 300; i++) {
      const email = `p${i}@crowd.example`;
      if (emailHash64(email)[0] >>> 19 === home) crowd.push(email);
    }
    const index = new EmailIndex();
    const before = index.bytesUsed;
    for (const email of crowd) expect(index.add(email)).toBe(false);
    expect(index.bytesUsed).toBeGreaterThan(before);
    for (const email of crowd) expect(index.has(email)).toBe(true);
    expect(index.size).toBe(300);
  });
});

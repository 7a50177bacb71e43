import { describe, expect, it } from 'vitest';
import { QuotaBudget } from '../../src/main/engine/contact-sending';

const at = (iso: string): number => Date.parse(iso);

function clock(iso: string): { now: () => number; set: (iso: string) => void } {
  let now = at(iso);
  return { now: () => now, set: (next) => (now = at(next)) };
}

describe('QuotaBudget', () => {
  it('defaults by token kind and keeps a reserve for other tools', () => {
    expect(new QuotaBudget({ tier: 'website' }).dailyLimit).toBe(10_000);
    expect(new QuotaBudget({ tier: 'plugin' }).dailyLimit).toBe(5_000);
    const budget = new QuotaBudget({ tier: 'website', reserve: 1_000 });
    expect(budget.remaining).toBe(9_000);
  });

  it('stops at the allowance and starts again after midnight UTC', () => {
    const time = clock('2026-03-10T22:00:00Z');
    const budget = new QuotaBudget({ tier: 'plugin', dailyLimit: 3, now: time.now });
    expect([budget.tryConsume(), budget.tryConsume(), budget.tryConsume()]).toEqual([
      true,
      true,
      true,
    ]);
    expect(budget.tryConsume()).toBe(false);
    expect(budget.spent).toBe(true);
    expect(budget.resumesAt).toBe(at('2026-03-11T00:00:00Z'));
    time.set('2026-03-11T00:00:01Z');
    expect(budget.remaining).toBe(3);
  });

  it('uses a configured reset time', () => {
    const time = clock('2026-03-10T06:00:00Z');
    const budget = new QuotaBudget({
      tier: 'website',
      resetTimeUtc: { hour: 8, minute: 30 },
      now: time.now,
    });
    expect(budget.nextResetAt).toBe(at('2026-03-10T08:30:00Z'));
  });

  it("treats Crisp's quota answer as spent until the reset, or probes again soon after a reset", () => {
    const time = clock('2026-03-10T15:00:00Z');
    const budget = new QuotaBudget({ tier: 'website', now: time.now });
    budget.markServerSpent();
    expect(budget.remaining).toBe(0);
    expect(budget.resumesAt).toBe(at('2026-03-11T00:00:00Z'));
    time.set('2026-03-11T00:10:00Z');
    expect(budget.remaining).toBe(10_000);
    budget.markServerSpent();
    expect(budget.resumesAt).toBe(at('2026-03-11T00:25:00Z'));
  });

  it('survives a round trip through JSON, and rejects a damaged state in plain words', () => {
    const time = clock('2026-03-10T15:00:00Z');
    const budget = new QuotaBudget({ tier: 'website', reserve: 500, now: time.now });
    budget.tryConsume(42);
    const copy = QuotaBudget.fromJSON(JSON.parse(JSON.stringify(budget)), { now: time.now });
    expect(copy.used).toBe(42);
    expect(copy.remaining).toBe(10_000 - 500 - 42);
    time.set('2026-03-12T01:00:00Z');
    expect(QuotaBudget.fromJSON(budget.toJSON(), { now: time.now }).used).toBe(0);
    expect(() => QuotaBudget.fromJSON({ version: 1, tier: 'website' })).toThrow('cannot be read');
  });

  it('refuses a reserve that leaves nothing, and estimates the days a job needs', () => {
    const budget = new QuotaBudget({ tier: 'plugin' });
    expect(() => budget.setReserve(5_000)).toThrow('below the daily limit');
    budget.setReserve(1_000);
    expect(budget.daysNeeded(3_000)).toBe(0);
    expect(budget.daysNeeded(4_001)).toBe(1);
    expect(budget.daysNeeded(12_001)).toBe(3);
  });
});

/**
 * The pace of one limiter after a rare "too many requests" at its limit: how soon it is back at
 * the rate the server accepted. Every second below it is lost for good (Crisp's bucket refills
 * only up to its burst), so the pace must not linger under a ceiling it has already seen.
 */
import { describe, expect, it } from 'vitest';
import { RatePace } from '../../src/main/engine/contact-sending/rate-pace';

const LIMITS = { initialRate: 10, minRate: 0.2, maxRate: 1000, maxPauseMs: 600_000 };

/**
 * `ms` of requests waiting on the pace and going at its rate, from `from`; the server accepts up
 * to `limit` a second (the rest of what the pace allows is not sent: its bucket is spent).
 */
function cleanAnswers(pace: RatePace, from: number, ms: number, limit: number): number {
  let now = from;
  while (now < from + ms) {
    now += 1000 / Math.min(pace.rate, limit);
    pace.markBlocked();
    pace.noteAccepted(now);
  }
  return now;
}

describe('RatePace after one 429 at the limit', () => {
  it('is back at the limit within 3 s of clean answers, then probes past it', () => {
    const pace = new RatePace(LIMITS, 0);
    pace.startAt(10, 0);
    // A rare 429 at the limit, 10/s, then clean answers again.
    let now = cleanAnswers(pace, 0, 3_000, 10);
    pace.noteLimited(now, undefined, now);
    const cutAt = now;
    const ceiling = pace.ceiling ?? 0;
    expect(ceiling).toBeGreaterThan(9);
    expect(pace.rate).toBeLessThan(ceiling);
    expect(pace.rate).toBeGreaterThanOrEqual(0.9 * ceiling);
    const rates: { at: number; rate: number }[] = [];
    while (now < cutAt + 12_000) {
      now = cleanAnswers(pace, now, 500, 10);
      rates.push({ at: now - cutAt, rate: pace.rate });
    }
    // Back at the limit at the first growth step, 2 s after the cut (answers come every 100 ms).
    const backAt = rates.find((r) => r.rate >= 10)?.at ?? Infinity;
    expect(
      backAt,
      rates.map((r) => `${r.at}: ${r.rate.toFixed(2)}`).join(', '),
    ).toBeLessThanOrEqual(3_000);
    // And it keeps looking for more: the limit may have risen.
    expect(rates.at(-1)?.rate ?? 0).toBeGreaterThan(1.1 * ceiling);
  });
});

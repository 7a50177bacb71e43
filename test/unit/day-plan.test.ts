// How many days an import takes: the requests still to send against today's allowance and the
// daily allowance, day by day, with when it finishes.
import { describe, expect, it } from 'vitest';
import {
  aboutDuration,
  DAY_MS,
  DayPlan,
  daysSaved,
  planDaysWithSaved,
  describeDayPlan,
  describeDuration,
  planDays,
  TYPICAL_REQUESTS_PER_SECOND,
  type DayPlanInput,
} from '../../src/shared/day-plan';

// Thursday 3 December 2026, 10:00 UTC; the quota resets at midnight UTC.
const NOW = Date.UTC(2026, 11, 3, 10, 0);
const RESET = Date.UTC(2026, 11, 4, 0, 0);

function input(patch: Partial<DayPlanInput>): DayPlanInput {
  return {
    requests: 0,
    contacts: 0,
    leftToday: 9_500,
    requestsPerDay: 9_500,
    nextResetAt: RESET,
    now: NOW,
    requestsPerSecond: 10,
    ...patch,
  };
}

describe('planDays', () => {
  it('an import that fits today finishes at the sending rate, today', () => {
    const plan = planDays(input({ requests: 3_000, contacts: 1_500 }));
    expect(plan.dayCount).toBe(1);
    expect(plan.days).toEqual([
      {
        day: 0,
        startsAt: new Date(NOW).toISOString(),
        requests: 3_000,
        contacts: 1_500,
        spent: 0,
        allowance: 9_500,
      },
    ]);
    expect(plan.finishesAt).toBe(new Date(NOW + 300_000).toISOString()); // 3,000 at 10/s
    expect(DayPlan.parse(plan)).toEqual(plan);
    expect(describeDayPlan(plan, NOW)).toBe('about 5 minutes left');
  });

  it('an import larger than today spreads over the next days, each from the reset', () => {
    // 100,000 rows at 1.9 requests a row, 4,000 left today, 9,500 a day.
    const plan = planDays(
      input({ requests: 190_000, contacts: 100_000, leftToday: 4_000, requestsPerSecond: 8 }),
    );
    // 4,000 today, then 186,000 / 9,500 = 19.6: 20 more days.
    expect(plan.dayCount).toBe(21);
    expect(plan.days[0]).toMatchObject({ day: 0, requests: 4_000, spent: 5_500 });
    expect(plan.days[1]).toMatchObject({
      day: 1,
      startsAt: new Date(RESET).toISOString(),
      requests: 9_500,
      spent: 0,
    });
    const last = plan.days[plan.days.length - 1]!;
    expect(last).toMatchObject({ day: 20, requests: 186_000 - 19 * 9_500 });
    expect(last.startsAt).toBe(new Date(RESET + 19 * DAY_MS).toISOString());
    // The last day's 5,500 requests at 8 a second: 687.5 s after that reset.
    expect(plan.finishesAt).toBe(new Date(RESET + 19 * DAY_MS + 687_500).toISOString());
    // The middle days are summed up; nothing is lost in the sums.
    expect(plan.days).toHaveLength(14);
    expect(plan.hidden).toEqual({
      days: 21 - 14,
      requests: 7 * 9_500,
      contacts: expect.any(Number),
    });
    const listed = plan.days.reduce((s, d) => s + d.requests, 0) + plan.hidden!.requests;
    expect(listed).toBe(190_000);
    const people = plan.days.reduce((s, d) => s + d.contacts, 0) + plan.hidden!.contacts;
    expect(people).toBe(100_000);
    expect(describeDayPlan(plan, NOW, { timeZone: 'UTC' })).toBe(
      'about 21 days, finishing around Wed 23 Dec',
    );
  });

  it('says "about 6 days, finishing around Mon 7 Dec" for a 100,000-row import, never minutes', () => {
    // Wednesday 2 December, 10:00 UTC; about 0.6 requests a row (most rows unchanged or skipped).
    const now = Date.UTC(2026, 11, 2, 10, 0);
    const plan = planDays(
      input({
        now,
        nextResetAt: Date.UTC(2026, 11, 3),
        requests: 57_000,
        contacts: 30_000,
        leftToday: 9_500,
        requestsPerSecond: 40,
      }),
    );
    expect(plan.dayCount).toBe(6);
    expect(describeDayPlan(plan, now, { timeZone: 'UTC' })).toBe(
      'about 6 days, finishing around Mon 7 Dec',
    );
    expect(describeDayPlan(plan, now, { timeZone: 'UTC' })).not.toMatch(/minute/);
  });

  it('contacts follow the requests day by day and add up', () => {
    const plan = planDays(input({ requests: 25_000, contacts: 10_001, leftToday: 9_500 }));
    expect(plan.days.map((d) => d.requests)).toEqual([9_500, 9_500, 6_000]);
    expect(plan.days.map((d) => d.contacts)).toEqual([3_800, 3_801, 2_400]);
    expect(plan.days.reduce((s, d) => s + d.contacts, 0)).toBe(10_001);
  });

  describe('at the reset', () => {
    it('a plan made one millisecond before the reset sends almost nothing today', () => {
      const now = RESET - 1;
      const plan = planDays(input({ now, requests: 100, contacts: 100, leftToday: 9_500 }));
      // At 10 a second, no whole request fits in the millisecond left.
      expect(plan.days[0]).toMatchObject({ day: 0, requests: 0 });
      expect(plan.days[1]).toMatchObject({ day: 1, requests: 100 });
      expect(plan.dayCount).toBe(1);
      expect(plan.finishesAt).toBe(new Date(RESET + 10_000).toISOString());
      expect(describeDayPlan(plan, now, { timeZone: 'UTC' })).toBe(
        'about 1 day, finishing around Fri 4 Dec',
      );
    });

    it('at the reset itself (figures read before it), a new day begins with the whole allowance', () => {
      const plan = planDays(input({ now: RESET, requests: 12_000, contacts: 6_000, leftToday: 0 }));
      expect(plan.days[0]).toMatchObject({
        startsAt: new Date(RESET).toISOString(),
        requests: 9_500,
        spent: 0,
      });
      expect(plan.days[1]).toMatchObject({
        startsAt: new Date(RESET + DAY_MS).toISOString(),
        requests: 2_500,
      });
    });

    it('respects a reset at another hour than midnight', () => {
      const reset = Date.UTC(2026, 11, 3, 17, 30);
      const plan = planDays(input({ requests: 20_000, contacts: 10_000, nextResetAt: reset }));
      expect(plan.days.map((d) => d.startsAt)).toEqual([
        new Date(NOW).toISOString(),
        new Date(reset).toISOString(),
        new Date(reset + DAY_MS).toISOString(),
      ]);
    });
  });

  it("a spent day sends nothing today and shows today's part as spent", () => {
    const plan = planDays(input({ requests: 9_000, contacts: 4_500, leftToday: 0 }));
    expect(plan.days[0]).toMatchObject({ day: 0, requests: 0, contacts: 0, spent: 9_500 });
    expect(plan.days[1]).toMatchObject({ day: 1, requests: 9_000, contacts: 4_500 });
    expect(plan.dayCount).toBe(1);
    expect(plan.finishesAt).toBe(new Date(RESET + 900_000).toISOString());
  });

  it('counts with the allowance (budget minus reserve), not the budget', () => {
    // Budget 10,000, reserve 2,000: 8,000 a day for this app.
    const plan = planDays(
      input({ requests: 24_000, contacts: 12_000, leftToday: 8_000, requestsPerDay: 8_000 }),
    );
    expect(plan.days.map((d) => d.requests)).toEqual([8_000, 8_000, 8_000]);
    expect(plan.days.every((d) => d.allowance === 8_000)).toBe(true);
    expect(plan.dayCount).toBe(3);
  });

  it('with a zero allowance, it never finishes and says so', () => {
    const plan = planDays(input({ requests: 500, contacts: 250, leftToday: 0, requestsPerDay: 0 }));
    expect(plan.neverFinishes).toBe(true);
    expect(plan.finishesAt).toBeNull();
    expect(plan.dayCount).toBe(0);
    expect(describeDayPlan(plan, NOW)).toMatch(/cannot finish/);
  });

  it('with nothing left to send, there is no day and no finish', () => {
    const plan = planDays(input({ requests: 0, contacts: 0 }));
    expect(plan).toMatchObject({ days: [], dayCount: 0, finishesAt: null, neverFinishes: false });
    expect(describeDayPlan(plan, NOW)).toBe('nothing left to send');
  });

  it('without a measured rate, a typical one times the last day', () => {
    const plan = planDays(input({ requests: 600, contacts: 300, requestsPerSecond: null }));
    expect(plan.finishesAt).toBe(
      new Date(NOW + (600 / TYPICAL_REQUESTS_PER_SECOND) * 1000).toISOString(),
    );
  });

  it('a rate too slow for the quota caps each day by the rate', () => {
    // 0.05 requests a second: 4,320 a day, below the 9,500 allowance; 14 hours left today: 2,520.
    const plan = planDays(input({ requests: 10_000, contacts: 10_000, requestsPerSecond: 0.05 }));
    expect(plan.days.map((d) => d.requests)).toEqual([2_520, 4_320, 3_160]);
  });
});

describe('daysSaved', () => {
  it('is the days the saved requests would have taken on top of the rest', () => {
    const base = input({ requests: 5_000, contacts: 2_500, leftToday: 9_500 });
    expect(daysSaved(base, 90_000, 41_230)).toBe(
      planDays({ ...base, requests: 95_000 }).dayCount - 1,
    );
    expect(daysSaved(base, 90_000)).toBe(9);
    expect(daysSaved(base, 1_000)).toBe(0); // still fits today
    expect(daysSaved(base, 0)).toBe(0);
  });
});

describe('planDaysWithSaved', () => {
  it('adds what unchanged rows save, with the days their requests would have taken', () => {
    const base = input({ requests: 5_000, contacts: 2_500, leftToday: 9_500 });
    const plan = planDaysWithSaved(base, { rows: 41_230, requests: 90_000 });
    expect(plan.saved).toEqual({ rows: 41_230, requests: 90_000, days: 9 });
    expect(plan.days).toEqual(planDays(base).days);
    expect(planDaysWithSaved(base, null).saved).toBeNull();
    expect(planDaysWithSaved(base, { rows: 0, requests: 0 }).saved).toBeNull();
  });
});

describe('describeDuration', () => {
  it('rounds for people', () => {
    expect(describeDuration(12)).toBe('less than a minute');
    expect(describeDuration(60)).toBe('1 minute');
    expect(describeDuration(2_400)).toBe('40 minutes');
    expect(describeDuration(3 * 3_600 + 100)).toBe('3 hours');
    expect(describeDuration(3 * 86_400)).toBe('3 days');
    expect(aboutDuration(12)).toBe('less than a minute');
    expect(aboutDuration(2_400)).toBe('about 40 minutes');
  });
});

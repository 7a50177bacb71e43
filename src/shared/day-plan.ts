/**
 * How many days an import takes: the requests still to send, laid out day by day against Crisp's
 * daily quota. Pure (no clock, no I/O), so the engine, the CLI and the renderer all count the same.
 *
 * A quota day runs from one daily reset to the next. Crisp does not document the hour of its reset
 * (crisp-api.md §3): the engine assumes 00:00 UTC unless configured, and hands that reset here as
 * `nextResetAt`; the days after it start every 24 hours from it. Today is what is left of today's
 * allowance (`leftToday`); every later day gives the whole daily allowance (`requestsPerDay`: the
 * budget minus the reserve kept for other tools). Within a day, requests go at the sending rate
 * (`requestsPerSecond`, or TYPICAL_REQUESTS_PER_SECOND when none was measured), so an import
 * that fits today finishes when the rate says, and a very slow rate also caps what a day can take.
 *
 *   planDays({ requests: 190_000, contacts: 95_000, leftToday: 4_000, requestsPerDay: 9_500,
 *              nextResetAt, now, requestsPerSecond: 8 })
 *   // { dayCount: 21, finishesAt: '…', days: [today (spent 5,500, sends 4,000), day 1…] }
 */
import { z } from 'zod';

export const DAY_MS = 86_400_000;

/**
 * Requests a second assumed when none was measured (before an import starts, or while it is
 * paused). The sender starts at 10 a second per route and adapts to Crisp's answers; Crisp's rate
 * limits are not published (crisp-api.md §3), so a cautious figure is used. It only moves the hour
 * of the last day, never the number of days.
 */
export const TYPICAL_REQUESTS_PER_SECOND = 5;

/** Days listed one by one in a plan; past this the middle days are summed up in `hidden`. */
export const MAX_LISTED_DAYS = 14;

const count = z.number().int().nonnegative();

export const PlannedDay = z.object({
  /** 0 is today (the quota day running now), 1 the day after the next reset, and so on. */
  day: count,
  /** When the day's sending starts (ISO 8601): now for today, the reset for later days. */
  startsAt: z.string(),
  /** This import's requests that day. */
  requests: count,
  /** The contacts those requests are for. */
  contacts: count,
  /** Requests of that day already spent before now (by this app or this import): today only. */
  spent: count,
  /** Requests the day allows in all (the daily allowance). */
  allowance: count,
});
export type PlannedDay = z.infer<typeof PlannedDay>;

export const DayPlan = z.object({
  /** Requests still to send, and the contacts they are for. */
  requests: count,
  contacts: count,
  /** The daily allowance the plan counts with (budget minus reserve). */
  requestsPerDay: count,
  /**
   * The days from today to the last one that sends, in order (today included even when its quota
   * is spent). At most MAX_LISTED_DAYS: past that, the first ones and the last one, and the days
   * between them (all full days) are summed up in `hidden`.
   */
  days: z.array(PlannedDay),
  hidden: z.object({ days: count, requests: count, contacts: count }).nullable(),
  /** Quota days that send something: "about N days". */
  dayCount: count,
  /** When the last request is expected to leave (ISO 8601); null when nothing is left or never. */
  finishesAt: z.string().nullable(),
  /** True when no day can take a request (the allowance is 0): the import cannot finish. */
  neverFinishes: z.boolean(),
  /**
   * Rows that need no request (unchanged since this app last wrote them to the website), the
   * requests that saves, and the days those requests would have added; null when none are known.
   */
  saved: z.object({ rows: count, requests: count, days: count }).nullable().default(null),
});
export type DayPlan = z.infer<typeof DayPlan>;

export interface DayPlanInput {
  /** Requests still to send. */
  requests: number;
  /** The contacts they are for. */
  contacts: number;
  /** What is left of today's allowance. */
  leftToday: number;
  /** The daily allowance: the budget minus the reserve. */
  requestsPerDay: number;
  /** The next daily reset (Unix ms). */
  nextResetAt: number;
  /** Unix ms. */
  now: number;
  /** The sending rate in requests a second; null or 0 when unknown. */
  requestsPerSecond?: number | null;
  /** Days listed one by one (default MAX_LISTED_DAYS, at least 2). */
  maxListedDays?: number;
}

/** The plan of the requests still to send, day by day, and when they are all sent. */
export function planDays(input: DayPlanInput): DayPlan {
  const requests = wholeAtLeastZero(Math.ceil(input.requests));
  const contacts = wholeAtLeastZero(Math.round(input.contacts));
  const perDay = wholeAtLeastZero(Math.floor(input.requestsPerDay));
  const now = input.now;
  let nextResetAt = input.nextResetAt;
  let leftToday = Math.min(perDay, wholeAtLeastZero(Math.floor(input.leftToday)));
  if (!(nextResetAt > now)) {
    // The reset has come since the figures were read: a new day with the whole allowance.
    const periods = Math.floor((now - nextResetAt) / DAY_MS) + 1;
    nextResetAt += periods * DAY_MS;
    leftToday = perDay;
  }
  const rate =
    input.requestsPerSecond && input.requestsPerSecond > 0
      ? input.requestsPerSecond
      : TYPICAL_REQUESTS_PER_SECOND;
  const base = { requests, contacts, requestsPerDay: perDay };
  if (requests === 0) {
    return {
      ...base,
      days: [],
      hidden: null,
      dayCount: 0,
      finishesAt: null,
      neverFinishes: false,
      saved: null,
    };
  }

  const todayCap = Math.min(leftToday, Math.floor((rate * (nextResetAt - now)) / 1000));
  const dayCap = Math.min(perDay, Math.floor(rate * (DAY_MS / 1000)));
  const today = Math.min(requests, todayCap);
  const rest = requests - today;
  const neverFinishes = rest > 0 && dayCap === 0;
  const laterDays = rest === 0 || neverFinishes ? 0 : Math.ceil(rest / dayCap);
  const totalDays = 1 + laterDays;
  const contactsBy = (sent: number): number => Math.round((contacts * sent) / requests);
  const sentBefore = (day: number): number => (day === 0 ? 0 : today + (day - 1) * dayCap);
  const dayAt = (day: number): PlannedDay => {
    const dayRequests =
      day === 0 ? today : day < laterDays ? dayCap : rest - (laterDays - 1) * dayCap;
    const before = sentBefore(day);
    return {
      day,
      startsAt: new Date(day === 0 ? now : nextResetAt + (day - 1) * DAY_MS).toISOString(),
      requests: dayRequests,
      contacts: contactsBy(before + dayRequests) - contactsBy(before),
      spent: day === 0 ? perDay - leftToday : 0,
      allowance: perDay,
    };
  };

  const listed = Math.max(2, input.maxListedDays ?? MAX_LISTED_DAYS);
  let days: PlannedDay[];
  let hidden: DayPlan['hidden'] = null;
  if (totalDays <= listed) {
    days = Array.from({ length: totalDays }, (_, day) => dayAt(day));
  } else {
    const shown = listed - 1; // the first days, then the last one
    days = [...Array.from({ length: shown }, (_, day) => dayAt(day)), dayAt(totalDays - 1)];
    const hiddenDays = totalDays - 1 - shown;
    hidden = {
      days: hiddenDays,
      requests: hiddenDays * dayCap,
      contacts: contactsBy(sentBefore(totalDays - 1)) - contactsBy(sentBefore(shown)),
    };
  }

  let finishesAt: string | null = null;
  if (!neverFinishes) {
    const last = dayAt(totalDays - 1);
    const lastStart = totalDays === 1 ? now : nextResetAt + (laterDays - 1) * DAY_MS;
    finishesAt = new Date(lastStart + Math.ceil((last.requests / rate) * 1000)).toISOString();
  }
  return {
    ...base,
    days,
    hidden,
    dayCount: (today > 0 ? 1 : 0) + laterDays,
    finishesAt,
    neverFinishes,
    saved: null,
  };
}

/** The plan of `input`, with what unchanged rows save (rows and requests not sent, and days). */
export function planDaysWithSaved(
  input: DayPlanInput,
  saved: { rows: number; requests: number } | null,
): DayPlan {
  const plan = planDays(input);
  if (!saved || (saved.rows <= 0 && saved.requests <= 0)) return plan;
  const requests = wholeAtLeastZero(Math.round(saved.requests));
  return {
    ...plan,
    saved: {
      rows: wholeAtLeastZero(Math.round(saved.rows)),
      requests,
      days: daysSaved(input, requests),
    },
  };
}

/**
 * Days saved by requests that need not be sent (rows unchanged since the last import): the days
 * the plan would take with them, minus the days it takes without.
 */
export function daysSaved(input: DayPlanInput, requestsSaved: number, contactsSaved = 0): number {
  if (requestsSaved <= 0) return 0;
  const without = planDays(input);
  const withThem = planDays({
    ...input,
    requests: input.requests + requestsSaved,
    contacts: input.contacts + contactsSaved,
  });
  if (without.neverFinishes || withThem.neverFinishes) return 0;
  return Math.max(0, withThem.dayCount - without.dayCount);
}

export interface DayPlanWording {
  /** BCP 47 locale of the date (default en-GB: "Mon 7 Dec"); undefined in the renderer = the person's. */
  locale?: string | undefined;
  /** Time zone of the date (default the machine's). */
  timeZone?: string | undefined;
}

/**
 * The plan in plain words: "about 6 days, finishing around Mon 7 Dec", "about 40 minutes left",
 * "nothing left to send".
 */
export function describeDayPlan(plan: DayPlan, now: number, wording: DayPlanWording = {}): string {
  if (plan.requests === 0) return 'nothing left to send';
  if (plan.neverFinishes || plan.finishesAt === null)
    return 'it cannot finish: the daily budget leaves no requests for this import';
  const finishesAt = Date.parse(plan.finishesAt);
  const lastDay = plan.days[plan.days.length - 1]!;
  if (lastDay.day === 0) return `${aboutDuration((finishesAt - now) / 1000)} left`;
  return `about ${plan.dayCount === 1 ? '1 day' : `${plan.dayCount} days`}, finishing around ${formatDay(finishesAt, wording)}`;
}

/** "Mon 7 Dec" (in the locale and time zone given). */
export function formatDay(at: number, wording: DayPlanWording = {}): string {
  const locale = 'locale' in wording ? wording.locale : 'en-GB';
  return new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    ...(wording.timeZone ? { timeZone: wording.timeZone } : {}),
  })
    .format(at)
    .replace(',', '');
}

/** "less than a minute", "about 40 minutes", "about 3 hours" (rounded, for people). */
export function aboutDuration(seconds: number): string {
  const words = describeDuration(seconds);
  return words.startsWith('less') ? words : `about ${words}`;
}

/** "less than a minute", "40 minutes", "3 hours", "2 days" (rounded, for people). */
export function describeDuration(seconds: number): string {
  if (!(seconds >= 60)) return 'less than a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  const hours = Math.round(seconds / 3600);
  if (hours < 36) return hours === 1 ? '1 hour' : `${hours} hours`;
  const days = Math.round(seconds / 86_400);
  return `${days} days`;
}

function wholeAtLeastZero(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}

export interface UnchangedRowsSummary {
  rows: number;
  requestsSaved: number;
  /** When this app last imported to the website (ISO 8601); null when unknown. */
  lastImportAt: string | null;
}

/**
 * "41,230 of 50,000 rows are unchanged since the import of 3 Nov and will be skipped (about
 * 90,000 requests, 9 days saved)." Null when no row is unchanged.
 */
export function describeUnchangedRows(
  unchanged: UnchangedRowsSummary | null,
  totalRows: number,
  daysSavedCount: number,
  wording: DayPlanWording = {},
): string | null {
  if (!unchanged || unchanged.rows === 0) return null;
  // `locale: undefined` given on purpose: the person's own (the renderer).
  const locale = 'locale' in wording ? wording.locale : 'en-GB';
  const number = new Intl.NumberFormat(locale);
  const date = (iso: string): string =>
    new Date(iso).toLocaleDateString(locale, {
      day: 'numeric',
      month: 'short',
      ...(wording.timeZone ? { timeZone: wording.timeZone } : {}),
    });
  const since = unchanged.lastImportAt
    ? ` since the import of ${date(unchanged.lastImportAt)}`
    : ' since the last import';
  const requests = `about ${number.format(unchanged.requestsSaved)} ${unchanged.requestsSaved === 1 ? 'request' : 'requests'}`;
  const days =
    daysSavedCount > 0
      ? `, ${number.format(daysSavedCount)} ${daysSavedCount === 1 ? 'day' : 'days'} saved`
      : '';
  const of = `${number.format(unchanged.rows)} of ${number.format(totalRows)} ${totalRows === 1 ? 'row is' : 'rows are'}`;
  return `${of} unchanged${since} and will be skipped (${requests}${days}).`;
}

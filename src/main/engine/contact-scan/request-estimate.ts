/**
 * How many Crisp requests an import will spend, and over how many days, worked out row by row
 * during the scan from the same request model as the contact sender (../contact-sending):
 *
 * - The first row of an email, when the contact is new in Crisp (the sender starts by creating):
 *   1 create, plus 1 custom data write when the row has custom data values.
 * - The first row of an email that already exists in Crisp: the sender soon switches to looking
 *   up first (its planner follows the share of existing contacts), so 1 read + 1 update, plus
 *   1 custom data write when the row has custom data values or, under the "clear" empty-cell
 *   rule, empty custom data cells to clear. (Before the switch, create-first costs 1 more: the
 *   refused create.)
 * - A later row of the same email in the file updates what this import already wrote, with no
 *   read: 1 update (none when the row adds nothing new; counted anyway, so this is an upper
 *   bound), plus 1 custom data write as above.
 * - Invalid rows cost nothing.
 *
 * `requests` assumes every contact is new (the sender's starting assumption, and the cheapest
 * case); `requestsIfAllExist` assumes every contact already exists. The real figure lies between
 * them, retries of failed requests aside. Days are counted at the daily budget given (a website
 * token's quota is 10,000 requests a day by default).
 */
import type { ContactProfile } from '../../../shared/contact-profile';
import { planDaysWithSaved, type DayPlan } from '../../../shared/day-plan';
import { DEFAULT_DAILY_LIMIT } from '../contact-sending/quota-budget';

export const DEFAULT_DAILY_BUDGET = DEFAULT_DAILY_LIMIT.website;

export interface ContactRequestEstimate {
  /** Requests if every contact is new in Crisp. */
  requests: number;
  /** Days at `requestsPerDay` (0 when nothing is sent). */
  days: number;
  /** Requests a day the estimate assumes the import may spend. */
  requestsPerDay: number;
  /** Requests if every contact already exists in Crisp. */
  requestsIfAllExist: number;
  daysIfAllExist: number;
  /**
   * What `run --undoable` adds (one read of the custom data of each existing contact before it is
   * changed, so undo can give it back): requests and days if every contact exists.
   */
  undoable: { extraRequestsIfAllExist: number; daysIfAllExist: number };
  /** The model in one sentence, for people. */
  model: string;
}

export const REQUEST_MODEL_SUMMARY =
  'Each new contact costs 1 request, plus 1 when it has custom data; a contact that already exists in Crisp costs 2 (read, update), plus 1 for custom data; a repeated email in the file costs 1 update, plus 1 for custom data.';

/** Adds up the requests of each valid row, in file order. */
export class ContactRequestTally {
  private ifNew = 0;
  private ifExisting = 0;
  private firstRows = 0;

  /**
   * What the row costs when its contact exists in Crisp (an unchanged row saves that much: this
   * app wrote it).
   */
  costIfExisting(contact: ContactProfile, repeated: boolean): number {
    const writesData = hasDataValues(contact) || contact.clearedDataKeys.length > 0;
    return (repeated ? 1 : 2) + (writesData ? 1 : 0);
  }

  /** Requests of rows whose cost was not added row by row (both estimates). */
  addRequests(requests: number): void {
    this.ifNew += requests;
    this.ifExisting += requests;
  }

  /** `repeated`: the email appeared on an earlier valid row of the file. */
  add(contact: ContactProfile, repeated: boolean): void {
    let hasValues = false;
    for (const _key in contact.data) {
      hasValues = true;
      break;
    }
    const writesData = hasValues || contact.clearedDataKeys.length > 0;
    if (repeated) {
      const cost = 1 + (writesData ? 1 : 0);
      this.ifNew += cost;
      this.ifExisting += cost;
    } else {
      this.firstRows += 1;
      // A new profile has nothing to clear: only values are written.
      this.ifNew += 1 + (hasValues ? 1 : 0);
      this.ifExisting += 2 + (writesData ? 1 : 0);
    }
  }

  estimate(requestsPerDay: number = DEFAULT_DAILY_BUDGET): ContactRequestEstimate {
    return {
      requests: this.ifNew,
      days: daysFor(this.ifNew, requestsPerDay),
      requestsPerDay,
      requestsIfAllExist: this.ifExisting,
      daysIfAllExist: daysFor(this.ifExisting, requestsPerDay),
      undoable: {
        extraRequestsIfAllExist: this.firstRows,
        daysIfAllExist: daysFor(this.ifExisting + this.firstRows, requestsPerDay),
      },
      model: REQUEST_MODEL_SUMMARY,
    };
  }
}

function hasDataValues(contact: ContactProfile): boolean {
  for (const _key in contact.data) return true;
  return false;
}

/** Whole days needed to send `requests` at `requestsPerDay` (at least 1 when there is anything). */
export function daysFor(requests: number, requestsPerDay: number): number {
  if (requests <= 0) return 0;
  return Math.ceil(requests / Math.max(1, requestsPerDay));
}

/** What is known of the daily quota when the estimate is made (see QuotaBudget). */
export interface QuotaToday {
  /** Requests left today for this app. */
  left: number;
  /** The daily allowance: budget minus reserve. */
  requestsPerDay: number;
  /** The next daily reset (Unix ms). */
  nextResetAt: number;
}

/**
 * The estimate's requests day by day from `now`: what is left today first, then a whole allowance
 * each day from the next reset (no measured rate yet: the typical one times the last day), with
 * the days saved by unchanged rows when they are known.
 */
export function planEstimateDays(
  requests: number,
  contacts: number,
  quota: QuotaToday,
  now: number,
  unchanged: { rows: number; requestsSaved: number } | null = null,
): DayPlan {
  return planDaysWithSaved(
    {
      requests,
      contacts,
      leftToday: quota.left,
      requestsPerDay: quota.requestsPerDay,
      nextResetAt: quota.nextResetAt,
      now,
      requestsPerSecond: null,
    },
    unchanged ? { rows: unchanged.rows, requests: unchanged.requestsSaved } : null,
  );
}

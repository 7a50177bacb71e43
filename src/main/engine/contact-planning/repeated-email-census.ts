/**
 * A count taken before sending, of the emails the change ledger remembers with several rows: for
 * each, how many valid rows this file has and whether every one of them matches what the ledger
 * holds for its occurrence.
 *
 * Why: the planner holds the unchanged rows of such an email until its later rows show the rest
 * unchanged too (rule 3 of this folder's README), and held rows are bounded, so rows of one email
 * far apart in a big file (100,000 rows and more) were sent after all: an unchanged re-import of
 * a 1,000,000-row file with a few thousand repeated emails cost thousands of requests. With the
 * census, an email whose rows are all unchanged and no fewer than the last import's is known to
 * be unchanged at its first row: nothing is held, nothing is sent.
 *
 * Memory: one small entry per such email (few: only those the ledger holds more than once), keyed
 * by the email's hash (never by the email's text, which may be a slice of the reader's chunk).
 */
import type { ContactProfile } from '../../../shared/contact-profile';
import { digestContact, type ChangeLedger } from '../change-ledger';
import { emailHash64 } from '../email-index';

export class RepeatedEmailCensus {
  /** Per email: rows seen in this file, times 2, plus 1 once a row did not match. */
  private readonly emails = new Map<string, number>();

  constructor(
    private readonly ledger: ChangeLedger,
    private readonly emptyCells: 'clear' | 'keep',
  ) {}

  /** Emails counted (those the ledger remembers with more than one row, seen in the file). */
  get size(): number {
    return this.emails.size;
  }

  /** A valid row of the file, in file order. */
  add(contact: ContactProfile): void {
    const [hashHigh, hashLow] = emailHash64(contact.email);
    const key = censusKey(hashHigh, hashLow);
    let state = this.emails.get(key);
    if (state === undefined) {
      if (!this.ledger.has(hashHigh, hashLow, 2)) return;
      state = 0;
    }
    const occurrence = Math.floor(state / 2) + 1;
    let mismatch = state % 2 === 1;
    if (!mismatch && this.ledger.has(hashHigh, hashLow, occurrence)) {
      const digest = digestContact(contact, this.emptyCells);
      mismatch = this.ledger.writerIfSame(hashHigh, hashLow, occurrence, digest) === null;
    }
    this.emails.set(key, occurrence * 2 + (mismatch ? 1 : 0));
  }

  /**
   * Every row of the email in this file matches the ledger's occurrence, and the file has no
   * fewer rows for it than the ledger remembers: its unchanged rows need not wait for the later
   * ones. False for an email not counted.
   */
  unchangedThroughout(hashHigh: number, hashLow: number): boolean {
    const state = this.emails.get(censusKey(hashHigh, hashLow));
    if (state === undefined || state % 2 === 1) return false;
    return !this.ledger.has(hashHigh, hashLow, Math.floor(state / 2) + 1);
  }
}

function censusKey(hashHigh: number, hashLow: number): string {
  return `${hashHigh >>> 0}:${hashLow >>> 0}`;
}

/**
 * During the scan: which rows an import would skip as unchanged, by the planner's rules
 * (contact-planning/contact-planner.ts) against the website's change ledger, so the check can say
 * "41,230 of 50,000 rows are unchanged since the import of 3 Nov and will be skipped".
 *
 * Per email, by occurrence (its first valid row of the file, its second...): a row is unchanged
 * when the ledger holds the same digests for the same occurrence and every earlier row of the
 * email was unchanged too. Emails the ledger remembers with several rows are followed to the end
 * of the file (few: only those), since their unchanged rows are sent after all when a later row
 * changed or the file has fewer rows for them. Memory: the ledger (a check gives its summary, 14
 * bytes an entry), and the state of those emails.
 */
import type { ContactProfile } from '../../../shared/contact-profile';
import type { LedgerCheckSource } from '../change-ledger';
import { emailHash64Into } from '../email-index';

const hash = new Uint32Array(2);

export interface UnchangedRowsFound {
  rows: number;
  /** Requests the unchanged rows would have cost, as the request tally counts them. */
  requestsSaved: number;
  /** When the import that last wrote the unchanged rows started (ISO); null when none. */
  lastImportAt: string | null;
}

/** An email the ledger remembers with more than one row: followed through the file. */
interface FollowedEmail {
  hashHigh: number;
  hashLow: number;
  /** Occurrences seen in this file. */
  seen: number;
  /** A row of it changed: every later row is sent. */
  changed: boolean;
  /** Rows counted unchanged so far, and their requests (taken back if they are sent after all). */
  unchangedRows: number;
  unchangedRequests: number;
}

export class UnchangedRowCounter {
  private rows = 0;
  private requests = 0;
  private lastWrittenBy = 0;
  private lastWrittenAt = '';
  /** Requests of rows counted unchanged, then found to be sent after all. */
  private resent = 0;
  /**
   * Keyed by the email's hash, never by the email itself: a cell's text can be a slice of the
   * reader's whole chunk, and keeping it would keep the chunk (the file, for emails spread over it).
   */
  private readonly followed = new Map<string, FollowedEmail>();

  constructor(
    /** The website's ledger, or its summary (ChangeLedger.openSummary: what a check uses). */
    private readonly ledger: LedgerCheckSource,
    private readonly emptyCells: 'clear' | 'keep',
  ) {}

  /**
   * A valid row, in file order (`repeated`: its email was on an earlier valid row). `cost` is
   * what the row would cost if sent. True when the row is (for now) counted unchanged.
   */
  add(contact: ContactProfile, repeated: boolean, cost: number): boolean {
    emailHash64Into(contact.email, hash, 0);
    const hashHigh = hash[0]!;
    const hashLow = hash[1]!;
    if (!repeated) {
      const unchanged = this.matches(contact, hashHigh, hashLow, 1);
      if (this.ledger.has(hashHigh, hashLow, 2)) {
        this.followed.set(followedKey(hashHigh, hashLow), {
          hashHigh,
          hashLow,
          seen: 1,
          changed: !unchanged,
          unchangedRows: unchanged ? 1 : 0,
          unchangedRequests: unchanged ? cost : 0,
        });
      }
      if (unchanged) this.count(1, cost);
      return unchanged;
    }
    // A later row of an email the ledger knows with one row at most: never unchanged.
    const state = this.followed.get(followedKey(hashHigh, hashLow));
    if (!state) return false;
    state.seen += 1;
    if (state.changed) return false;
    if (this.matches(contact, state.hashHigh, state.hashLow, state.seen)) {
      state.unchangedRows += 1;
      state.unchangedRequests += cost;
      this.count(1, cost);
      return true;
    }
    state.changed = true;
    if (this.ledger.has(state.hashHigh, state.hashLow, state.seen)) this.takeBack(state);
    return false;
  }

  /**
   * The totals, once the file is read: rows counted unchanged whose email has fewer rows in this
   * file than in the last import are sent after all. `sentAfterAll`: the requests of the rows
   * counted unchanged at first, then found to be sent (to add to the estimate).
   */
  finish(): { found: UnchangedRowsFound; sentAfterAll: number } {
    for (const state of this.followed.values()) {
      if (state.changed) continue;
      if (this.ledger.has(state.hashHigh, state.hashLow, state.seen + 1)) this.takeBack(state);
    }
    const job = this.ledger.job(this.lastWrittenBy);
    return {
      found: {
        rows: this.rows,
        requestsSaved: this.requests,
        lastImportAt: job?.startedAt ?? (this.lastWrittenAt || null),
      },
      sentAfterAll: this.resent,
    };
  }

  private matches(
    contact: ContactProfile,
    hashHigh: number,
    hashLow: number,
    occurrence: number,
  ): boolean {
    const writer = this.ledger.writerIfSameContact(
      hashHigh,
      hashLow,
      occurrence,
      contact,
      this.emptyCells,
    );
    if (writer === null) return false;
    this.noteWriter(writer);
    return true;
  }

  private noteWriter(writtenBy: number): void {
    if (writtenBy === this.lastWrittenBy) return;
    const job = this.ledger.job(writtenBy);
    if (job && job.startedAt > this.lastWrittenAt) {
      this.lastWrittenAt = job.startedAt;
      this.lastWrittenBy = writtenBy;
    }
  }

  private count(rows: number, requests: number): void {
    this.rows += rows;
    this.requests += requests;
  }

  private takeBack(state: FollowedEmail): void {
    this.count(-state.unchangedRows, -state.unchangedRequests);
    this.resent += state.unchangedRequests;
    state.unchangedRows = 0;
    state.unchangedRequests = 0;
  }
}

function followedKey(hashHigh: number, hashLow: number): string {
  return `${hashHigh >>> 0}:${hashLow >>> 0}`;
}

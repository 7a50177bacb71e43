/**
 * Decides, for each group of rows of one email (email-group-window.ts), what must be sent so the
 * website ends exactly as a full re-send of the file would leave it, with the fewest requests:
 *
 * - Every valid row of an email is an occurrence (1 for its first valid row in the file, 2 for its
 *   second...). The change ledger remembers, per email and occurrence, the digests of what this
 *   app last sent (change-ledger).
 * - A row whose contact has the digests of the same occurrence in the ledger is `unchanged`, and
 *   costs nothing, as long as every earlier occurrence of its email in this file was unchanged too.
 * - Once a row of an email is sent (or fails) in this import, every later row of that email is
 *   sent ("tainted"): Crisp no longer holds what the ledger's later occurrences describe.
 * - Re-applying unchanged rows is harmless only if the older import had no more rows for the
 *   email: when it had, the unchanged rows are held (not recorded) until the email's next rows
 *   show the rest unchanged too; if a later row changed, or the file ends first, the held rows are
 *   sent with it, merged, since a full re-send would apply them again before it.
 * - A changed row that is its email's only occurrence in both imports is sent by parts: only the
 *   profile, the segments or the custom data that changed (a new custom data value alone is one
 *   PATCH people/data). Anything else is sent whole (the sender's upsert), merged with its group.
 *
 * Held rows are bounded (`maxHeldRows`, and `maxHeldLag` rows read since the oldest): past them
 * the oldest are sent (correct, only dearer). Rows with no ledger (a first import, `sendAll`)
 * are all sent, and their notes feed the ledger for the next import.
 */
import type { ContactProfile } from '../../../shared/contact-profile';
import {
  changedParts,
  digestContact,
  MAX_OCCURRENCE,
  stateFailed,
  stateSeenBy,
  stateWrittenBy,
  type ChangeLedger,
  type ContactDigest,
  type ContactPart,
  type LedgerEntry,
  type LedgerNote,
} from '../change-ledger';
import { emailHash64 } from '../email-index';
import { mergeContacts } from './contact-merge';
import type { RepeatedEmailCensus } from './repeated-email-census';
import type { EmailGroup, PlannedRow } from './email-group-window';

/** A row with its ledger note (email occurrence and digests), as it goes to the journal. */
export interface NotedRow extends PlannedRow {
  note: LedgerNote | null;
}

/** How the sender should write a contact. */
export type SendPlan =
  /** Create or update as the sender finds best; `exists`: the ledger says this app wrote it. */
  | { kind: 'upsert'; exists: boolean }
  /** This app wrote the profile and only these parts changed since. */
  | { kind: 'update-parts'; parts: ContactPart[] };

export interface SendStep {
  /** The rows this write is for (held rows of the email first), in file order. */
  rows: NotedRow[];
  /** The rows merged into one contact. */
  contact: ContactProfile;
  plan: SendPlan;
}

export interface GroupDecision {
  /** Rows to record as unchanged (nothing sent). */
  unchanged: NotedRow[];
  /** What to send, if anything. */
  send: SendStep | null;
}

export interface ContactPlannerOptions {
  /** The website's change ledger; null when nothing is remembered (every row is sent). */
  ledger: ChangeLedger | null;
  jobId: string;
  /** When the job started (ISO), for the ledger's job list. */
  startedAt: string;
  emptyCells: 'clear' | 'keep';
  /** Send every row even when unchanged (the ledger is still fed). */
  sendAll: boolean;
  /** Held rows, at most. Default 5,000. */
  maxHeldRows?: number;
  /** Rows planned since the oldest held one, at most (the resume point waits on it). Default 100,000. */
  maxHeldLag?: number;
  /**
   * The file's repeated emails counted before sending (repeated-email-census.ts): an email found
   * unchanged throughout is never held. Null: hold as the rules say.
   */
  census?: RepeatedEmailCensus | null;
}

/** What this import has done with an email so far (kept while it has rows in progress). */
interface EmailProgress {
  hashHigh: number;
  hashLow: number;
  /** The occurrence of the email's next row. */
  next: number;
  /** A row of this email was sent or failed in this import: every later row is sent. */
  tainted: boolean;
  /** Unchanged rows waiting for the email's later rows. */
  held: NotedRow[];
  /** Rows planned (by `planned`) when the first held row was held. */
  heldSince: number;
  /** Groups planned whose records are not durable yet. */
  open: number;
}

export class ContactPlanner {
  private readonly ledger: ChangeLedger | null;
  private readonly job: number;
  private readonly options: ContactPlannerOptions;
  private readonly maxHeldRows: number;
  private readonly maxHeldLag: number;
  private readonly progress = new Map<string, EmailProgress>();
  /** Emails with held rows, oldest first. */
  private readonly holding = new Set<string>();
  private heldRowCount = 0;
  private planned = 0;

  constructor(options: ContactPlannerOptions) {
    this.options = options;
    this.ledger = options.ledger;
    this.job = options.ledger ? options.ledger.jobNumber(options.jobId, options.startedAt) : 0;
    this.maxHeldRows = options.maxHeldRows ?? 5_000;
    this.maxHeldLag = options.maxHeldLag ?? 100_000;
  }

  /** Rows held back (unrecorded) until their email's later rows come. */
  get heldRows(): number {
    return this.heldRowCount;
  }

  /**
   * What to do with the next group of rows of an email. Call it in the email's turn: after the
   * outcome of its previous group is known (`settled`).
   */
  plan(group: EmailGroup): GroupDecision {
    const state = this.stateOf(group.email);
    state.open += 1;
    this.planned += group.rows.length;
    const noted = group.rows.map((row, index) => this.note(state, row, state.next + index));
    state.next += group.rows.length;
    const held = this.release(state);
    const rows = [...held, ...noted];
    const decision = this.decide(group.email, state, held, noted, rows);
    if (state.held.length === 0) this.holding.delete(group.email);
    return decision;
  }

  private decide(
    email: string,
    state: EmailProgress,
    held: NotedRow[],
    noted: NotedRow[],
    rows: NotedRow[],
  ): GroupDecision {
    if (!this.ledger || this.options.sendAll || state.tainted || noted.some((r) => !r.note)) {
      return { unchanged: [], send: this.sendStep(state, rows, { kind: 'upsert', exists: false }) };
    }
    const firstChanged = this.firstChanged(noted);
    if (firstChanged < 0) {
      const last = noted[noted.length - 1]!.note!;
      if (
        this.olderImportHadMore(state, last.occurrence) &&
        !this.options.census?.unchangedThroughout(state.hashHigh, state.hashLow)
      ) {
        this.hold(email, state, held, noted);
        return { unchanged: [], send: null };
      }
      return { unchanged: rows, send: null };
    }
    const changedNote = noted[firstChanged]!.note!;
    const changedState = this.stateAt(state, changedNote.occurrence);
    if (changedState < 0) {
      // The older import had exactly the rows before this one, all unchanged: they stay as they
      // are, and only the new rows go (the profile exists if there were rows before: this app
      // wrote it). An email the ledger does not know at all starts here, with nothing before.
      const before = rows.slice(0, held.length + firstChanged);
      const after = rows.slice(held.length + firstChanged);
      const exists = changedNote.occurrence > 1;
      return { unchanged: before, send: this.sendStep(state, after, { kind: 'upsert', exists }) };
    }
    if (rows.length === 1 && changedNote.occurrence === 1 && !stateFailed(changedState)) {
      const onlyRow = this.stateAt(state, 2) < 0;
      const changedEntry = onlyRow ? this.entryAt(state, 1) : null;
      if (changedEntry) {
        const parts = changedParts(changedNote.digest!, changedEntry.digest);
        return { unchanged: [], send: this.sendStep(state, rows, { kind: 'update-parts', parts }) };
      }
    }
    return { unchanged: [], send: this.sendStep(state, rows, { kind: 'upsert', exists: true }) };
  }

  /**
   * The first of the rows whose contact is not what the ledger holds for its occurrence (or -1):
   * compared in place, no entry decoded (it runs for every row of a re-import).
   */
  private firstChanged(noted: NotedRow[]): number {
    const ledger = this.ledger!;
    for (let i = 0; i < noted.length; i += 1) {
      const note = noted[i]!.note!;
      if (!note.digest) return i;
      if (ledger.writerIfSame(note.hashHigh, note.hashLow, note.occurrence, note.digest) === null) {
        return i;
      }
    }
    return -1;
  }

  /** The outcome of a planned group is known (before it is durable). */
  settled(email: string, failed: boolean): void {
    const state = this.progress.get(email);
    if (state && failed) state.tainted = true;
  }

  /** The records of a planned group are durable (and in the ledger). */
  durable(email: string): void {
    const state = this.progress.get(email);
    if (!state) return;
    state.open -= 1;
    if (state.open <= 0 && state.held.length === 0) this.progress.delete(email);
  }

  /** The held rows that must leave now (too many held, or held too long), sent whole. */
  overflow(): SendStep[] {
    const steps: SendStep[] = [];
    for (const email of this.holding) {
      const state = this.progress.get(email)!;
      const tooMany = this.heldRowCount > this.maxHeldRows;
      const tooOld = this.planned - state.heldSince > this.maxHeldLag;
      if (!tooMany && !tooOld) break;
      steps.push(this.releaseToSend(email, state));
    }
    return steps;
  }

  /** The oldest held rows, sent whole now (there is no room left to hold them). */
  releaseOldest(): SendStep | null {
    const oldest = this.holding.values().next();
    if (oldest.done) return null;
    return this.releaseToSend(oldest.value, this.progress.get(oldest.value)!);
  }

  /** The file has ended: every held row is sent (the file has fewer rows for its email than the older import). */
  releaseAll(): SendStep[] {
    return [...this.holding].map((email) => this.releaseToSend(email, this.progress.get(email)!));
  }

  // -------------------------------------------------------------------------------------------

  private stateOf(email: string): EmailProgress {
    let state = this.progress.get(email);
    if (state) return state;
    const [hashHigh, hashLow] = emailHash64(email);
    state = { hashHigh, hashLow, next: 1, tainted: false, held: [], heldSince: 0, open: 0 };
    if (this.ledger) {
      // Occurrences this job already recorded (before a resume): the rows in the ledger it saw.
      for (let k = 1; k <= MAX_OCCURRENCE; k += 1) {
        const at = this.ledger.occurrenceState(hashHigh, hashLow, k);
        if (at < 0 || stateSeenBy(at) !== this.job) break;
        state.next = k + 1;
        if (stateWrittenBy(at) === this.job || stateFailed(at)) state.tainted = true;
      }
    }
    this.progress.set(email, state);
    return state;
  }

  private note(state: EmailProgress, row: PlannedRow, occurrence: number): NotedRow {
    if (occurrence > MAX_OCCURRENCE) return { ...row, note: null };
    const digest: ContactDigest = digestContact(row.contact, this.options.emptyCells);
    return {
      ...row,
      note: { hashHigh: state.hashHigh, hashLow: state.hashLow, occurrence, digest },
    };
  }

  private entryAt(state: EmailProgress, occurrence: number): LedgerEntry | null {
    return this.ledger?.entry(state.hashHigh, state.hashLow, occurrence) ?? null;
  }

  /** The occurrence's state in the ledger (`occurrenceState`): -1 when it is not remembered. */
  private stateAt(state: EmailProgress, occurrence: number): number {
    return this.ledger?.occurrenceState(state.hashHigh, state.hashLow, occurrence) ?? -1;
  }

  /** The ledger has an occurrence past `occurrence` that this job has not seen. */
  private olderImportHadMore(state: EmailProgress, occurrence: number): boolean {
    const next = this.stateAt(state, occurrence + 1);
    return next >= 0 && stateSeenBy(next) !== this.job;
  }

  private sendStep(state: EmailProgress, rows: NotedRow[], plan: SendPlan): SendStep {
    state.tainted = true;
    return { rows, contact: mergeContacts(rows.map((row) => row.contact)), plan };
  }

  /**
   * Holds the email's rows (`held`: those it held already, `noted`: the new ones): an email keeps
   * its place among the held. What is held is copied first (detached): a cell's text can be a
   * slice of the reader's whole chunk, and a row held for 100,000 rows would keep its chunk alive
   * (5,000 held rows spread over a file kept most of the file in memory).
   */
  private hold(email: string, state: EmailProgress, held: NotedRow[], noted: NotedRow[]): void {
    if (!this.holding.has(email)) {
      state.heldSince = this.planned;
      const key = detached(email);
      this.progress.delete(email);
      this.progress.set(key, state);
      this.holding.add(key);
    }
    state.held = [...held, ...noted.map((row) => ({ ...row, contact: detached(row.contact) }))];
    this.heldRowCount += state.held.length;
  }

  /** Takes the email's held rows back (they go with its next decision). */
  private release(state: EmailProgress): NotedRow[] {
    const held = state.held;
    if (held.length === 0) return held;
    state.held = [];
    this.heldRowCount -= held.length;
    return held;
  }

  private releaseToSend(email: string, state: EmailProgress): SendStep {
    const rows = this.release(state);
    this.holding.delete(email);
    state.open += 1;
    return this.sendStep(state, rows, { kind: 'upsert', exists: true });
  }
}

/** A deep copy that shares no string with the reader's chunks (JSON makes every string anew). */
function detached<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

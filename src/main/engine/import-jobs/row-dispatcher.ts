/**
 * Between the reader and the sender of a run: valid rows wait in a window grouped by email (so
 * rows of one email close together leave as one contact), the planner decides for each group
 * what to send (contact-planning), the sender sends it, and every row's outcome goes to the
 * journal; once durable, the row is settled (the resume point moves past it) and its note goes
 * to the change ledger.
 *
 * Order: groups of one email are planned and sent one after the other, in file order; other
 * emails go in parallel, up to `maxInFlight` groups at once. A stop leaves groups not yet done
 * unrecorded: the resume reads them again.
 */
import type { ContactProfile } from '../../../shared/contact-profile';
import { ledgerNoteToText, type ChangeLedger, type LedgerNote } from '../change-ledger';
import {
  EmailGroupWindow,
  type ContactPlanner,
  type EmailGroup,
  type GroupDecision,
  type NotedRow,
  type PlannedRow,
  type SendStep,
} from '../contact-planning';
import type { JobContactSender, SendOutcome } from './import-job-parts';
import type { RowJournal, RowOutcomeRecord } from './row-journal';
import type { RowWatermark } from './row-watermark';

export interface RowDispatcherOptions {
  journal: RowJournal;
  watermark: RowWatermark;
  sender: JobContactSender;
  planner: ContactPlanner;
  /** Fed with every durable record (null: a dry run, or no ledger). */
  ledger: { ledger: ChangeLedger; jobId: string; startedAt: string } | null;
  /** Groups being sent at once, at most. */
  maxInFlight: number;
  /** Rows waiting in the window before the oldest group leaves. */
  windowRows: number;
  /** Aborted when the run stops. */
  signal: AbortSignal;
  /** A row's outcome is durable. */
  onRecorded(record: RowOutcomeRecord, contact: ContactProfile | null): void;
  /** The journal could not be written: the run must stop. */
  onJournalError(error: Error): void;
}

export class RowDispatcher {
  private readonly window = new EmailGroupWindow();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly pending = new Set<Promise<void>>();
  private slotWaiters: Array<() => void> = [];
  private groupsInFlight = 0;
  private firstDispatched = false;
  private plannedRows = 0;
  private finishing = false;
  private lookupRows = 0;

  constructor(private readonly options: RowDispatcherOptions) {}

  /** Groups being planned or sent now. */
  get inFlight(): number {
    return this.groupsInFlight;
  }

  /** False once the file has been read to the end. */
  get readingFile(): boolean {
    return !this.finishing;
  }

  /** Rows waiting in the read-ahead window. */
  get windowRows(): number {
    return this.window.rows;
  }

  /**
   * The share of planned rows sent to emails neither this import nor the ledger knows (they
   * need a look-up); null before any row is planned.
   */
  get lookupShare(): number | null {
    return this.plannedRows === 0 ? null : this.lookupRows / this.plannedRows;
  }

  /** Records a row that cannot be imported (its issue says why). */
  skip(record: RowOutcomeRecord): void {
    this.track(this.record(record, null, null));
  }

  /**
   * A valid row: waits in the window; the oldest groups leave while it is over its size. Null
   * when there is nothing to wait for (most rows: no promise is made for them).
   */
  add(row: PlannedRow): Promise<void> | null {
    this.window.add(row);
    if (!this.firstDispatched) {
      // The first row leaves at once: a resume shows it is alive without waiting for the window.
      this.firstDispatched = true;
      return this.dispatchFirst();
    }
    if (this.window.rows <= this.options.windowRows || this.stopping) return null;
    return this.dispatchWhileOver();
  }

  private async dispatchFirst(): Promise<void> {
    await this.dispatchOldest();
    await new Promise((resolve) => setImmediate(resolve));
  }

  private async dispatchWhileOver(): Promise<void> {
    while (this.window.rows > this.options.windowRows && !this.stopping) {
      await this.dispatchOldest();
    }
  }

  /** The file has ended: every group leaves, then the rows held for their email's later rows. */
  async finish(): Promise<void> {
    this.finishing = true;
    await this.flushWindow();
    await this.drain();
    if (this.stopping) return;
    for (const step of this.options.planner.releaseAll()) {
      await this.waitForSlot();
      if (this.stopping) return;
      this.chain(emailOf(step), () => this.send(step));
    }
    await this.drain();
  }

  /** Every group in the window leaves now. */
  async flushWindow(): Promise<void> {
    while (this.window.rows > 0 && !this.stopping) await this.dispatchOldest();
  }

  /** The room for unsettled rows is full: the window leaves, or else the oldest held rows. */
  async relieve(): Promise<void> {
    if (this.window.rows > 0) {
      await this.flushWindow();
      return;
    }
    const step = this.options.planner.releaseOldest();
    if (step) this.chain(emailOf(step), () => this.send(step));
  }

  /** Resolves when every group dispatched so far is done (or `ms` passed, when given). */
  async settle(ms?: number): Promise<void> {
    const all = Promise.allSettled([...this.pending]);
    if (ms === undefined) await all;
    else await Promise.race([all, delay(ms)]);
  }

  /** Wakes the reader when the run stops. */
  wake(): void {
    const waiters = this.slotWaiters;
    this.slotWaiters = [];
    for (const wake of waiters) wake();
  }

  // -------------------------------------------------------------------------------------------

  private get stopping(): boolean {
    return this.options.signal.aborted;
  }

  /** Waits for every group dispatched so far, or until the run stops (the runner then waits a grace time). */
  private async drain(): Promise<void> {
    const stopped = new Promise<void>((resolve) => {
      if (this.stopping) resolve();
      else this.options.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    while (this.pending.size > 0 && !this.stopping) {
      await Promise.race([Promise.allSettled([...this.pending]), stopped]);
    }
  }

  private async waitForSlot(): Promise<void> {
    while (this.groupsInFlight >= this.options.maxInFlight && !this.stopping) {
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    }
  }

  private async dispatchOldest(): Promise<void> {
    await this.waitForSlot();
    if (this.stopping) return;
    const group = this.window.takeOldest();
    if (group) this.chain(group.email, () => this.plan(group));
  }

  /** Runs `work` after the email's earlier groups, counting it in flight until it is done. */
  private chain(email: string, work: () => Promise<void>): void {
    this.groupsInFlight += 1;
    const previous = this.chains.get(email) ?? Promise.resolve();
    const chained = previous
      .then(() => (this.stopping ? undefined : work()))
      .catch(() => undefined)
      .finally(() => {
        this.groupsInFlight -= 1;
        if (this.chains.get(email) === chained) this.chains.delete(email);
        this.wake();
      });
    this.chains.set(email, chained);
    this.track(chained);
  }

  private async plan(group: EmailGroup): Promise<void> {
    const planner = this.options.planner;
    let decision: GroupDecision;
    try {
      decision = planner.plan(group);
    } catch (error) {
      // A bug must not lose rows: they fail with the reason, and can be imported again.
      planner.settled(group.email, true);
      const reason = `crisp-import could not work out what to send for this row (a bug: ${(error as Error).message}). Import the row again from the failed rows file; if it fails again, report it.`;
      for (const row of group.rows) {
        void this.record(
          {
            ...rowRecord({ ...row, note: null }),
            outcome: 'failed',
            reason,
            retryable: true,
            requests: 0,
          },
          row.contact,
          null,
        ).catch(() => undefined);
      }
      return;
    }
    this.plannedRows += group.rows.length;
    const plan = decision.send?.plan;
    if (plan?.kind === 'upsert' && !plan.exists) this.lookupRows += decision.send!.rows.length;
    for (const step of planner.overflow()) this.chain(emailOf(step), () => this.send(step));
    const records: Array<Promise<void>> = [];
    if (decision.unchanged.length > 0) {
      // A loop, not push(...): a group may hold more rows than a call may take arguments.
      for (const row of decision.unchanged) {
        records.push(
          this.record(
            { ...rowRecord(row), outcome: 'unchanged', requests: 0 },
            row.contact,
            row.note,
          ),
        );
      }
    }
    if (decision.send) {
      const sent = await this.sendStepRows(decision.send);
      if (!sent) return; // stopped: left for the resume
      for (const record of sent) records.push(record);
    }
    this.whenDurable(group.email, records);
  }

  /** A send step on its own (held rows that must leave). */
  private async send(step: SendStep): Promise<void> {
    const records = await this.sendStepRows(step);
    if (records) this.whenDurable(emailOf(step), records);
  }

  private async sendStepRows(step: SendStep): Promise<Array<Promise<void>> | null> {
    let outcome: SendOutcome;
    try {
      outcome = await this.options.sender.send(step.contact, this.options.signal, step.plan);
    } catch (error) {
      if (this.stopping) return null;
      outcome = {
        kind: 'failed',
        reason: `This row could not be sent (a bug in crisp-import: ${(error as Error).message}). Import it again from the failed rows file; if it fails again, report it.`,
        retryable: true,
        requests: 0,
      };
    }
    this.options.planner.settled(emailOf(step), outcome.kind === 'failed');
    return step.rows.map((row, index) =>
      this.record(
        outcomeRecord(row, outcome, index === 0),
        index === 0 ? step.contact : row.contact,
        row.note,
      ),
    );
  }

  private whenDurable(email: string, records: Array<Promise<void>>): void {
    void Promise.all(records).then(
      () => this.options.planner.durable(email),
      () => undefined,
    );
  }

  /**
   * Appends the record; once durable, settles the row and feeds the ledger with `note` (the
   * note the record's `l` was written from: the ledger takes it as it is, not parsed back).
   */
  private record(
    entry: RowOutcomeRecord,
    contact: ContactProfile | null,
    note: LedgerNote | null,
  ): Promise<void> {
    const { journal, watermark, ledger } = this.options;
    return journal.append(entry).then(
      () => {
        watermark.settle(entry.row);
        if (ledger && note && entry.outcome !== 'skipped' && entry.l) {
          ledger.ledger.apply(ledger.jobId, ledger.startedAt, { outcome: entry.outcome, note });
        }
        this.options.onRecorded(entry, contact);
      },
      (error: Error) => {
        this.options.onJournalError(error);
        throw error;
      },
    );
  }

  private track(work: Promise<void>): void {
    const tracked: Promise<void> = work
      .catch(() => undefined)
      .finally(() => {
        this.pending.delete(tracked);
      });
    this.pending.add(tracked);
  }
}

function emailOf(step: SendStep): string {
  return step.contact.email;
}

function rowRecord(row: NotedRow): { t: 'row'; row: number; at: number; l?: string } {
  return {
    t: 'row',
    row: row.row,
    at: row.offset,
    ...(row.note ? { l: ledgerNoteToText(row.note) } : {}),
  };
}

/** The record of one row of a send step: the first row carries the requests. */
function outcomeRecord(row: NotedRow, outcome: SendOutcome, first: boolean): RowOutcomeRecord {
  // The journal counts whole requests (a shared search request is the first contact's).
  const requests = first ? Math.round(outcome.requests) : 0;
  if (outcome.kind === 'failed') {
    return {
      ...rowRecord(row),
      outcome: 'failed',
      reason: outcome.reason,
      retryable: outcome.retryable,
      requests,
    };
  }
  return {
    ...rowRecord(row),
    outcome: first ? outcome.kind : 'updated',
    peopleId: outcome.peopleId,
    requests,
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref?.();
  });
}

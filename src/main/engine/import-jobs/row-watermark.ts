/**
 * The low watermark of an import: rows are sent many at a time and finish in any order, so the
 * point a resume can seek to is the start of the lowest row whose outcome is not yet durable.
 * Rows are registered in file order as they are taken from the reader, and settled once their
 * outcome is durable in the journal.
 */
import type { ResumePoint } from './job-record';

interface PendingRow {
  row: number;
  offset: number;
  settled: boolean;
}

export class RowWatermark {
  private queue: PendingRow[] = [];
  private head = 0;
  private readonly byRow = new Map<number, PendingRow>();
  private lastSettled: ResumePoint | null;
  private registeredCount = 0;

  constructor(start: ResumePoint | null = null) {
    this.lastSettled = start;
  }

  /** A row taken from the file, in file order, whose outcome is not durable yet. */
  register(row: number, offset: number): void {
    const entry: PendingRow = { row, offset, settled: false };
    this.queue.push(entry);
    this.byRow.set(row, entry);
    this.registeredCount += 1;
  }

  /** Rows registered since this watermark was made. */
  get registered(): number {
    return this.registeredCount;
  }

  /** The row's outcome is durable. */
  settle(row: number): void {
    const entry = this.byRow.get(row);
    if (!entry) return;
    entry.settled = true;
    this.byRow.delete(row);
    while (this.head < this.queue.length && this.queue[this.head]!.settled) {
      const done = this.queue[this.head]!;
      this.lastSettled = { row: done.row, offset: done.offset };
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  /** Rows registered and not yet settled. */
  get pendingCount(): number {
    return this.byRow.size;
  }

  /** Rows registered since the lowest unsettled one (settled ones after it included). */
  get lag(): number {
    return this.queue.length - this.head;
  }

  /**
   * Where a resume would start reading: the lowest unsettled row, or, when every registered row
   * is settled, the last settled row (which the journal lists as recorded, so it is skipped).
   */
  current(): ResumePoint | null {
    const head = this.queue[this.head];
    if (head) return { row: head.row, offset: head.offset };
    return this.lastSettled;
  }
}

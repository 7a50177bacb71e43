/**
 * The rows read ahead of sending, grouped by email in file order: rows of one email that are
 * close together in the file leave as one group, merged into one contact (contact-merge.ts), so
 * a repeated email costs no request of its own. Groups leave oldest first (by their first row).
 */
import type { ContactProfile } from '../../../shared/contact-profile';

/** A valid row, mapped: its row number, its byte offset and its contact. */
export interface PlannedRow {
  row: number;
  offset: number;
  contact: ContactProfile;
}

export interface EmailGroup {
  email: string;
  rows: PlannedRow[];
}

export class EmailGroupWindow {
  private readonly groups = new Map<string, EmailGroup>();
  private rowCount = 0;

  /** Rows waiting in the window. */
  get rows(): number {
    return this.rowCount;
  }

  add(row: PlannedRow): void {
    const email = row.contact.email;
    const group = this.groups.get(email);
    if (group) group.rows.push(row);
    else this.groups.set(email, { email, rows: [row] });
    this.rowCount += 1;
  }

  /** The group whose first row is the oldest, taken out of the window. */
  takeOldest(): EmailGroup | null {
    const first = this.groups.values().next();
    if (first.done) return null;
    this.groups.delete(first.value.email);
    this.rowCount -= first.value.rows.length;
    return first.value;
  }
}

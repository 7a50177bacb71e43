/** A problem found in one row of the file, told in plain words. */
import { z } from 'zod';

export const IssueSeverity = z.enum(['error', 'warning']);
export type IssueSeverity = z.infer<typeof IssueSeverity>;

export const RowIssue = z.object({
  /** Row number as a spreadsheet shows it: the header is row 1. */
  row: z.number().int().nonnegative(),
  /** Column header (or "Column 3" without a header); absent for whole-row problems. */
  column: z.string().optional(),
  /** error: the row cannot be imported. warning: a field is dropped or changed, the row still goes. */
  severity: IssueSeverity,
  /** Stable machine code, e.g. `email_invalid`. Never renamed once published. */
  code: z.string(),
  /** One or two plain sentences: what is wrong and what to do. */
  message: z.string(),
});
export type RowIssue = z.infer<typeof RowIssue>;

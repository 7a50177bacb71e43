/**
 * Which row holds the column names. It is not always row 1: a report export puts title lines
 * above the table ("Contacts report", "Generated on…", "Filter: …"), a social network's
 * connections export starts with "Notes:" and a quoted paragraph, and column names may be numbers
 * (`Email,Name,2023,2024`). Pure functions over the first records of the file.
 *
 * The rules, in order:
 * 1. The first row as wide as the table that holds an email address is a contact: rows from it
 *    on are data. If it is the first row, the file has no header row.
 * 2. Above it (or among the first rows, when no email is seen), rows narrower than the table
 *    (titles and notes fill one or two cells of a table several columns wide) are passed over.
 * 3. Of the rows left, the first that reads like column names is the header; but when that row
 *    holds no known column name and a later one does (`Email`, `Prénom`, `data.plan`…), the later
 *    one with the most known names wins (a "Generated on,2024-01-05" line above a real header).
 *    Numbers and dates are column names only in a row that also holds a known column name.
 * 4. Otherwise there is no header row.
 */
import { fieldForHeader } from '../../../shared/contact-rules';
import { looksLikeValue } from './format-sniffing';

/** Rows at the start of a file looked at for the header (titles and notes are a few lines). */
export const MAX_ROWS_ABOVE_HEADER = 50;

const EMAIL_IN_CELL = /(^|[\s<(:;,])[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[a-z]{2,}($|[\s>),;])/i;
const LINK = /^(https?:\/\/|www\.)/i;
const DATA_COLUMN = /^\s*data\s*[.:]\s*\S/i;

interface RowShape {
  /** Index of the last non-empty cell, plus one. */
  span: number;
  /** Cells that read like names (not values, not emails or links). */
  labels: number;
  /** Cells that read like values: numbers, dates, yes/no. */
  values: number;
  /** Labels that name a Crisp field or custom data (`E-mail`, `Vorname`, `data.plan`). */
  known: number;
  /** An email address or a link in some cell: a contact, never column names. */
  contactValue: boolean;
}

function shapeOf(fields: readonly string[]): RowShape {
  const shape: RowShape = { span: 0, labels: 0, values: 0, known: 0, contactValue: false };
  for (let i = 0; i < fields.length; i++) {
    const cell = fields[i]!.trim();
    if (cell === '') continue;
    shape.span = i + 1;
    if (cell.length < 320 && (EMAIL_IN_CELL.test(cell) || LINK.test(cell))) {
      shape.contactValue = true;
    } else if (looksLikeValue(cell)) shape.values++;
    else {
      shape.labels++;
      if (cell.length <= 80 && (DATA_COLUMN.test(cell) || fieldForHeader(cell) !== undefined)) {
        shape.known++;
      }
    }
  }
  return shape;
}

/** True when a cell of the row holds an email address (the row is a contact). */
export function holdsEmail(fields: readonly string[]): boolean {
  for (const field of fields) {
    if (field.includes('@') && field.length < 320 && EMAIL_IN_CELL.test(field.trim())) return true;
  }
  return false;
}

function readsLikeColumnNames(shape: RowShape): boolean {
  if (shape.contactValue || shape.labels === 0) return false;
  return shape.values === 0 || shape.known > 0;
}

/** The most common width of rows of two cells or more (ties: the wider), or 1. */
function tableWidth(shapes: readonly RowShape[]): number {
  const frequency = new Map<number, number>();
  for (const { span } of shapes) if (span >= 2) frequency.set(span, (frequency.get(span) ?? 0) + 1);
  let width = 1;
  let times = 0;
  for (const [span, n] of frequency) {
    if (n > times || (n === times && span > width)) {
      width = span;
      times = n;
    }
  }
  return width;
}

/**
 * Index in `rows` (the first records of the file, blank ones left out) of the row holding the
 * column names, or -1 when the file has no header row.
 */
export function findHeaderRow(rows: readonly (readonly string[])[]): number {
  if (rows.length === 0) return -1;
  const shapes = rows.slice(0, 200).map(shapeOf);
  const width = tableWidth(shapes);
  const minSpan = width <= 1 ? 1 : Math.max(2, Math.ceil(width / 2));
  // The first contact: a row as wide as the table holding an email ("Exported by a@x.com" above
  // the table is a title, not a contact).
  const firstContact = rows.findIndex(
    (fields, i) =>
      i <= MAX_ROWS_ABOVE_HEADER && (shapes[i]?.span ?? 0) >= minSpan && holdsEmail(fields),
  );
  if (firstContact === 0) return -1;
  const end = firstContact > 0 ? firstContact : Math.min(rows.length, MAX_ROWS_ABOVE_HEADER);

  let firstWide = -1;
  let firstNames = -1;
  let mostKnown = -1;
  for (let i = 0; i < end; i++) {
    const shape = shapes[i]!;
    if (shape.span < minSpan) continue; // a title or a note above the table
    if (firstWide === -1) firstWide = i;
    if (!readsLikeColumnNames(shape)) continue;
    if (firstNames === -1) firstNames = i;
    if (shape.known > 0 && (mostKnown === -1 || shape.known > shapes[mostKnown]!.known)) {
      mostKnown = i;
    }
  }
  if (mostKnown >= 0) return mostKnown;
  // No known column name: the first row that reads like names, when a contact follows it;
  // without any email seen, only when it is the first row as wide as the table.
  if (firstNames >= 0 && (firstContact > 0 || firstNames === firstWide)) return firstNames;
  return -1;
}

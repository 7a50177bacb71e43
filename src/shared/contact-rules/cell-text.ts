/**
 * The ways spreadsheets keep text in a CSV cell, undone so that what comes back is the value:
 * - a leading apostrophe before `=`, `+`, `-` or `@` (and tab or carriage return) is how a
 *   spreadsheet keeps text that would run as a formula; this app's failed rows file writes it
 *   too (`'+33612345678`, `'=Bob`), so a fixed file imported again sends `+33612345678` and `=Bob`;
 * - `="0123"` is how many exports keep leading zeros and long numbers as text in Excel.
 * Any other apostrophe is part of the value (`'t Hooft`, `'90s`).
 */

const APOSTROPHE = 0x27;
const EQUALS = 0x3d;
const QUOTE = 0x22;

/**
 * Outlook writes `0/0/00` for a date it does not have (Birthday, Anniversary); some exports
 * write `00/00/0000` or `0000-00-00`. Such a cell is empty, not a date or a value.
 */
const NO_DATE = /^(?:0{1,2}[/.-]0{1,2}[/.-]0{2,4}|0{4}-00-00(?:[ T]00:00(?::00)?)?)$/;

/** True when a trimmed cell is an export's way of writing "no date" (`0/0/00`). */
export function isNoDate(value: string): boolean {
  if (value.charCodeAt(0) !== 0x30 || value.length < 6 || value.length > 19) return false;
  const second = value.charCodeAt(1); // 0, / . or -: quick for zip codes and phones
  return (
    (second === 0x30 || second === 0x2f || second === 0x2e || second === 0x2d) &&
    NO_DATE.test(value)
  );
}

/** A trimmed cell's value: its text protection undone, or '' for Outlook's `0/0/00`. */
export function cellValue(value: string): string {
  if (isNoDate(value)) return '';
  return mayBeProtected(value) ? unprotectCell(value) : value;
}

/**
 * A number Excel wrote in scientific notation (`3.36123E+11`): a long number such as a phone,
 * whose last digits Excel dropped when the file was saved.
 */
const SCIENTIFIC = /^[+-]?\d(?:[.,]\d+)?E\+\d{1,3}$/i;

export function isExcelScientific(value: string): boolean {
  return value.length <= 24 && SCIENTIFIC.test(value);
}

/** True when a trimmed cell may be protected text (quick test before `unprotectCell`). */
export function mayBeProtected(value: string): boolean {
  const first = value.charCodeAt(0);
  return (first === APOSTROPHE || first === EQUALS) && value.length > 1;
}

/** The value of a trimmed cell, without a spreadsheet's text protection (see above). */
export function unprotectCell(value: string): string {
  const first = value.charCodeAt(0);
  if (first === APOSTROPHE && value.length > 1) {
    const next = value.charCodeAt(1);
    // = + - @ tab CR
    if (
      next === 0x3d ||
      next === 0x2b ||
      next === 0x2d ||
      next === 0x40 ||
      next === 0x09 ||
      next === 0x0d
    ) {
      return value.slice(1).trim();
    }
    return value;
  }
  if (
    first === EQUALS &&
    value.length >= 3 &&
    value.charCodeAt(1) === QUOTE &&
    value.charCodeAt(value.length - 1) === QUOTE
  ) {
    const inner = value.slice(2, -1);
    // Only a quoted string literal: ="a""b" is a"b; ="a"&"b" is a formula, kept as it is.
    if (/^(?:[^"]|"")*$/.test(inner)) return inner.replace(/""/g, '"').trim();
  }
  return value;
}

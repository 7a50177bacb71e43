/**
 * Custom data values: Crisp stores a string, a number or a boolean.
 *
 * `auto` (the default) keeps a value a number only when nothing is lost by doing so: `42`,
 * `-3.5`, `0.25`, `123456789` become numbers, while leading zeros (`007`, `0612345678`), a
 * leading `+`, whole numbers of 10 digits or more (`4155551234`, ids), decimal commas and
 * exponents stay text, so phone numbers, zip codes and ids keep their exact spelling. `true` / `false` (any case) become booleans.
 * `number` and `boolean` are stricter: a cell that cannot be read as such is reported.
 */
import type { DataValue } from '../contact-profile';
import type { DataValueType } from '../column-mapping';
import { parseYesNo } from './segments';

export type DataValueReading =
  { ok: true; value: DataValue } | { ok: false; code: 'value_not_number' | 'value_not_boolean' };

const LOOSE_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
const GROUPING = /[\s\u00a0\u202f'_]/g;

/** Reads `text` as a number in the usual spellings: `1 234,5`, `1,234.5`, `+33`, `1e3`. */
function readLooseNumber(text: string): number | undefined {
  let value = text.replace(GROUPING, '');
  const comma = value.lastIndexOf(',');
  const dot = value.lastIndexOf('.');
  if (comma >= 0 && dot >= 0) {
    // Both: the last one is the decimal separator, the other groups thousands.
    value = comma > dot ? value.replace(/\./g, '').replace(',', '.') : value.replace(/,/g, '');
  } else if (comma >= 0) {
    // Only commas: one comma is a decimal comma (`3,5`), several group thousands (`1,234,567`).
    value = value.indexOf(',') === comma ? value.replace(',', '.') : value.replace(/,/g, '');
  }
  if (!LOOSE_NUMBER.test(value)) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** Types one custom data cell (trimmed, not empty) by the column's value type. */
export function parseDataValue(cell: string, valueType: DataValueType = 'auto'): DataValueReading {
  const value = cell.trim();
  switch (valueType) {
    case 'string':
      return { ok: true, value };
    case 'number': {
      const n = readLooseNumber(value);
      return n === undefined ? { ok: false, code: 'value_not_number' } : { ok: true, value: n };
    }
    case 'boolean': {
      const yes = value === '' ? undefined : parseYesNo(value);
      return yes === undefined
        ? { ok: false, code: 'value_not_boolean' }
        : { ok: true, value: yes };
    }
    case 'auto':
      return { ok: true, value: autoDataValue(value) };
  }
}

/**
 * The `auto` reading of a trimmed, non-empty cell (it never fails): a number when nothing is
 * lost (`-?(0|[1-9]\d{0,8})(\.\d{1,15})?`), `true` / `false` in any case, the text otherwise.
 * Scanned by hand, without a regular expression and without lower-casing the cell.
 */
export function autoDataValue(value: string): DataValue {
  const number = safeNumber(value);
  if (!Number.isNaN(number)) return number;
  const length = value.length;
  // Only ASCII letters lower-case to the letters of `true` and `false`.
  if (length === 4) {
    if (
      (value.charCodeAt(0) | 0x20) === 0x74 && // t
      (value.charCodeAt(1) | 0x20) === 0x72 && // r
      (value.charCodeAt(2) | 0x20) === 0x75 && // u
      (value.charCodeAt(3) | 0x20) === 0x65 // e
    ) {
      return true;
    }
  } else if (length === 5) {
    if (
      (value.charCodeAt(0) | 0x20) === 0x66 && // f
      (value.charCodeAt(1) | 0x20) === 0x61 && // a
      (value.charCodeAt(2) | 0x20) === 0x6c && // l
      (value.charCodeAt(3) | 0x20) === 0x73 && // s
      (value.charCodeAt(4) | 0x20) === 0x65 // e
    ) {
      return false;
    }
  }
  return value;
}

/**
 * The number a cell spells when the whole of it matches `-?(0|[1-9]\d{0,8})(\.\d{1,15})?`
 * (exactly `Number(value)`), NaN when it does not match.
 */
function safeNumber(value: string): number {
  const length = value.length;
  let i = 0;
  const negative = length > 0 && value.charCodeAt(0) === 0x2d;
  if (negative) i++;
  if (i >= length) return NaN;
  // The digits as a whole number: exact while there are at most 15 of them (< 2^53).
  let digits = 0;
  const first = value.charCodeAt(i);
  if (first === 0x30) i++;
  else if (first >= 0x31 && first <= 0x39) {
    const intStart = i;
    digits = first - 0x30;
    i++;
    while (i < length && i - intStart < 9) {
      const code = value.charCodeAt(i);
      if (code < 0x30 || code > 0x39) break;
      digits = digits * 10 + (code - 0x30);
      i++;
    }
  } else return NaN;
  let count = i - (negative ? 1 : 0); // digits read (a leading 0 included)
  let scale = 1;
  if (i < length) {
    if (value.charCodeAt(i) !== 0x2e) return NaN;
    i++;
    const fractionStart = i;
    while (i < length) {
      const code = value.charCodeAt(i);
      if (code < 0x30 || code > 0x39) return NaN;
      digits = digits * 10 + (code - 0x30);
      scale *= 10;
      i++;
    }
    const fraction = i - fractionStart;
    if (fraction < 1 || fraction > 15) return NaN;
    count += fraction;
  }
  // Up to 15 digits, both the digits and the power of ten are exact doubles, so one division
  // gives the correctly rounded value, as Number() does; beyond, Number() reads it.
  if (count > 15) return Number(value);
  const magnitude = digits / scale;
  return negative ? -magnitude : magnitude;
}

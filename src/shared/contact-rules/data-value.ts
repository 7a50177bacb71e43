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

const SAFE_NUMBER = /^-?(?:0|[1-9]\d{0,8})(?:\.\d{1,15})?$/;
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
      if (SAFE_NUMBER.test(value)) return { ok: true, value: Number(value) };
      if (value.length === 4 || value.length === 5) {
        const lower = value.toLowerCase();
        if (lower === 'true') return { ok: true, value: true };
        if (lower === 'false') return { ok: true, value: false };
      }
      return { ok: true, value };
  }
}

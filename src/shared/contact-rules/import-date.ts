/**
 * Dates (creation date, last active date, custom data dates). Without an explicit format only
 * unambiguous values are read: ISO 8601 (`2020-08-14T14:09:10-02:00`, `2020-08-14`) and UNIX
 * timestamps in seconds or milliseconds, told apart by magnitude. Anything else
 * (`14/08/2020`, Excel serial numbers) needs the format chosen for the column; it is never guessed.
 *
 * Conventions:
 * - an ISO date or time without an offset is taken as UTC;
 * - a timestamp below 1e11 is in seconds (1e11 s is the year 5138), otherwise in milliseconds;
 * - a bare number below 1e8 (before March 1973 in seconds) is not read as a timestamp: such
 *   numbers are usually Excel serials (`44057`) or compact dates (`20200814`) and need a format.
 * The result is an ISO 8601 UTC string (`2020-08-14T16:09:10Z`).
 */
import type { DateFormat } from '../column-mapping';

export type ImportDateReading =
  | { ok: true; iso: string }
  /** `format_needed`: not ISO 8601 nor a timestamp; choose the column's format. `invalid`: not a date. */
  | { ok: false; reason: 'format_needed' | 'invalid' };

/** Formats a person can choose for a column, in the words shown to them. */
export const DATE_FORMAT_CHOICES: readonly { format: DateFormat; label: string }[] = [
  { format: 'DD/MM/YYYY', label: 'DD/MM/YYYY (14/08/2020)' },
  { format: 'MM/DD/YYYY', label: 'MM/DD/YYYY (08/14/2020)' },
  { format: 'DD.MM.YYYY', label: 'DD.MM.YYYY (14.08.2020)' },
  { format: 'YYYY/MM/DD', label: 'YYYY/MM/DD (2020/08/14)' },
  { format: 'excel-serial', label: 'Excel serial number (44057)' },
];

const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const DIGITS = /^\d+(?:\.\d+)?$/;
const DAY_MONTH_YEAR =
  /^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const EXCEL_SERIAL = /^\d+(?:[.,]\d+)?$/;

const SECONDS_LIMIT = 1e11;
const SMALLEST_TIMESTAMP = 1e8;
const LARGEST_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
const DAY_MS = 86_400_000;
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const FIRST_YEAR = 1000;

const OK_INVALID: ImportDateReading = Object.freeze({ ok: false, reason: 'invalid' });
const OK_FORMAT_NEEDED: ImportDateReading = Object.freeze({ ok: false, reason: 'format_needed' });

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => (n < 10 ? `0${n}` : `${n}`));

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return MONTH_DAYS[month - 1] as number;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/**
 * `2020-08-14T16:09:10Z` (milliseconds only when not zero) for a time in ms since 1970, for
 * years 1000 to 9999. Worked out with integer arithmetic (days to civil date, H. Hinnant's
 * algorithm): several times faster than `Date#toISOString`, and dates are on the hot path.
 */
export function isoOf(ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  const milli = rest - second * 1000;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const time = `${TWO_DIGITS[hour]}:${TWO_DIGITS[minute]}:${TWO_DIGITS[second]}`;
  const fraction = milli === 0 ? '' : `.${String(milli).padStart(3, '0')}`;
  const yyyy = year >= 1000 ? `${year}` : String(year).padStart(4, '0');
  return `${yyyy}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}T${time}${fraction}Z`;
}

function fromParts(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
  offsetMinutes: number,
): ImportDateReading {
  if (year < FIRST_YEAR || month < 1 || month > 12 || day < 1) return OK_INVALID;
  if (day > daysInMonth(year, month)) return OK_INVALID;
  if (hour > 23 || minute > 59 || second > 59) return OK_INVALID;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000;
  return { ok: true, iso: isoOf(utc) };
}

function readIso(match: RegExpExecArray): ImportDateReading {
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  let offset = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const hours = Number(digits.slice(0, 2));
    const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (hours > 14 || minutes > 59) return OK_INVALID;
    offset = sign * (hours * 60 + minutes);
  }
  const ms = fraction ? Math.floor(Number(`0.${fraction}`) * 1000) : 0;
  return fromParts(
    Number(y),
    Number(mo),
    Number(d),
    Number(h ?? 0),
    Number(mi ?? 0),
    Number(s ?? 0),
    ms,
    offset,
  );
}

function readTimestamp(value: string): ImportDateReading {
  const n = Number(value);
  if (!Number.isFinite(n) || n < SMALLEST_TIMESTAMP) return OK_FORMAT_NEEDED;
  const ms = n < SECONDS_LIMIT ? Math.round(n * 1000) : Math.round(n);
  if (ms > LARGEST_MS) return OK_INVALID;
  return { ok: true, iso: isoOf(ms) };
}

function readAuto(value: string): ImportDateReading {
  const iso = ISO_DATE.exec(value);
  if (iso) return readIso(iso);
  if (DIGITS.test(value)) return readTimestamp(value);
  return OK_FORMAT_NEEDED;
}

function readExcelSerial(value: string): ImportDateReading {
  if (!EXCEL_SERIAL.test(value)) return OK_INVALID;
  let serial = Number(value.replace(',', '.'));
  if (serial < 1 || serial >= 2_958_466) return OK_INVALID;
  // Excel counts 29 February 1900, which did not exist: serials before it are one day off.
  if (serial < 61) serial += 1;
  const ms = Math.round(EXCEL_EPOCH_MS + serial * DAY_MS);
  return { ok: true, iso: isoOf(ms) };
}

type DayMonthYearFormat = 'DD/MM/YYYY' | 'MM/DD/YYYY' | 'DD.MM.YYYY' | 'YYYY/MM/DD';

function readWithFormat(value: string, format: DayMonthYearFormat): ImportDateReading {
  const match = DAY_MONTH_YEAR.exec(value);
  if (!match) return OK_INVALID;
  const [, a, b, c, h, mi, s] = match;
  let year: string;
  let month: string;
  let day: string;
  if (format === 'YYYY/MM/DD') [year, month, day] = [a as string, b as string, c as string];
  else if (format === 'MM/DD/YYYY') [month, day, year] = [a as string, b as string, c as string];
  else [day, month, year] = [a as string, b as string, c as string];
  if (year.length !== 4) return OK_INVALID; // two-digit years are never guessed
  return fromParts(
    Number(year),
    Number(month),
    Number(day),
    Number(h ?? 0),
    Number(mi ?? 0),
    Number(s ?? 0),
    0,
    0,
  );
}

/**
 * Reads a date cell (already trimmed, not empty). With `auto`, ISO 8601 and UNIX timestamps
 * only. With an explicit format, that format, and ISO 8601 as well since it is unambiguous.
 */
export function parseImportDate(cell: string, format: DateFormat = 'auto'): ImportDateReading {
  const value = cell.trim();
  if (value === '') return OK_INVALID;
  if (format === 'auto') return readAuto(value);
  const iso = ISO_DATE.exec(value);
  if (iso) return readIso(iso);
  switch (format) {
    case 'excel-serial':
      return readExcelSerial(value);
    case 'YYYY-MM-DD HH:mm:ss':
    case 'YYYY-MM-DD HH:mm':
      return OK_INVALID; // these are ISO 8601 without a zone: read above, as UTC
    default:
      return readWithFormat(value, format);
  }
}

/**
 * Time zones. Crisp stores `person.timezone` as an integer number of minutes. Its sign is not
 * documented (crisp-api.md §5); this importer uses the JavaScript `getTimezoneOffset()`
 * convention, which matches the `-120` example in Crisp's own import article for a French
 * contact: minutes to add to local time to get UTC, so UTC+1 -> -60 and UTC-5 -> 300.
 *
 * Accepted cells, all read as offsets from UTC the way people write them (east is positive):
 * `+02:00`, `+0200`, `-5`, `UTC+1`, `GMT-05:30`, `UTC`, `Z`, a bare number of hours (`2`, `-5`,
 * `5.5`, when at most 14) or of minutes (`120`, `-300`), and IANA zone names (`Europe/Paris`),
 * converted with Intl for the given date (so daylight saving time is that of the import day).
 */

/** `+02:00`, `UTC+2`, `GMT-05:30`, `UTC+0530`, `+0200`. */
const OFFSET =
  /^(?:(?:utc|gmt)\s*([+-])\s*(\d{1,2})(?::(\d{2}))?|(?:utc|gmt)?\s*([+-])(\d{2}):?(\d{2}))$/i;
const NUMBER = /^[+-]?\d+(?:\.\d+)?$/;
const ZERO_NAMES = new Set(['z', 'utc', 'gmt', 'ut', 'wet']);
const LOWEST_OFFSET = -12 * 60;
const HIGHEST_OFFSET = 14 * 60;
const MAX_REMEMBERED = 1_000;
const zoneOffsets = new Map<string, number | null>();

function toCrisp(utcOffsetMinutes: number): number | undefined {
  const minutes = Math.round(utcOffsetMinutes);
  if (minutes < LOWEST_OFFSET || minutes > HIGHEST_OFFSET) return undefined;
  return minutes === 0 ? 0 : -minutes;
}

/** UTC offset in minutes (east positive) of an IANA zone at `at`, or undefined. */
function zoneOffset(zone: string, at: number): number | undefined {
  const key = `${zone.toLowerCase()}@${Math.floor(at / 86_400_000)}`;
  const known = zoneOffsets.get(key);
  if (known !== undefined) return known ?? undefined;
  let offset: number | undefined;
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      timeZoneName: 'longOffset',
    }).formatToParts(new Date(at));
    const name = parts.find((part) => part.type === 'timeZoneName')?.value ?? '';
    const match = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
    if (match) {
      const [, sign, hours, minutes] = match;
      offset = sign ? (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes)) : 0;
    }
  } catch {
    offset = undefined; // not a zone Intl knows
  }
  if (zoneOffsets.size >= MAX_REMEMBERED) zoneOffsets.clear();
  zoneOffsets.set(key, offset ?? null);
  return offset;
}

/**
 * Crisp's timezone value for a cell (trimmed, not empty), or undefined when it is not a time
 * zone. `at` is the moment whose daylight saving time applies to zone names (default: now).
 */
export function parseTimezone(cell: string, at: number = Date.now()): number | undefined {
  const value = cell.trim();
  if (value === '') return undefined;
  if (ZERO_NAMES.has(value.toLowerCase())) return 0;
  const offset = OFFSET.exec(value);
  if (offset) {
    const sign = offset[1] ?? offset[4];
    const hours = offset[2] ?? offset[5];
    const minutes = offset[3] ?? offset[6];
    if (Number(minutes ?? 0) > 59) return undefined;
    const total = Number(hours) * 60 + Number(minutes ?? 0);
    return toCrisp(sign === '-' ? -total : total);
  }
  if (NUMBER.test(value)) {
    const n = Number(value);
    return toCrisp(Math.abs(n) <= 14 ? n * 60 : n);
  }
  if (value.length < 3 || value.length > 64) return undefined;
  const minutes = zoneOffset(value, at);
  return minutes === undefined ? undefined : toCrisp(minutes);
}

/**
 * Cells as the person sees them: numbers without floating-point noise (the shortest text that
 * reads back as the same number: 3667.19), date cells (by their number format) as ISO 8601,
 * booleans as true/false, text unchanged.
 */

/** Built-in number formats that show dates or times (ECMA-376 18.8.30). */
const BUILTIN_DATE_FORMATS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57,
]);
const BUILTIN_TIME_ONLY = new Set([18, 19, 20, 21, 45, 46, 47]);

export type DateKind = 'date' | 'time' | null;

/** Whether a number format shows a date, a time only, or neither. */
export function dateKindOfFormat(id: number, code: string | undefined): DateKind {
  if (code === undefined) {
    if (!BUILTIN_DATE_FORMATS.has(id)) return null;
    return BUILTIN_TIME_ONLY.has(id) ? 'time' : 'date';
  }
  // Quoted text, escaped characters and [colors]/[$-locale] say nothing about dates.
  const bare = code
    .split(';')[0]!
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[[^\]]*\]/g, '')
    .toLowerCase();
  if (/[dy]/.test(bare)) return 'date';
  const hasTime = /[hs]/.test(bare);
  if (bare.includes('m') && !hasTime) return 'date'; // "mmm yyyy", "mmmm"
  if (hasTime) return 'time';
  return null;
}

/**
 * A number's text as Excel shows it in General format: 15 significant digits at most, then the
 * shortest text that reads back (Excel writes 3667.19 as 3667.1900000000001).
 */
export function numberText(raw: string): string {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) return raw;
  // Excel shows at most 15 significant digits: 0.1+0.2 is 0.3 there, and so here.
  return String(Number(value.toPrecision(15)));
}

const DAY_MS = 86_400_000;

/** An Excel date serial as ISO 8601: a date, a date and time, or a time of day. */
export function serialToIso(raw: string, kind: 'date' | 'time', date1904: boolean): string {
  const serial = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(serial)) return raw;
  // 1900 system: serial 1 is 1900-01-01 and Excel counts a 29 February 1900 that never was.
  const days = date1904 ? serial + 24107 : serial < 60 ? serial - 25568 : serial - 25569;
  const ms = Math.round((days * DAY_MS) / 1000) * 1000;
  const iso = new Date(ms).toISOString(); // 2024-03-05T10:30:00.000Z
  const time = iso.slice(11, 19);
  if (kind === 'time' && serial < 1) return time;
  if (time === '00:00:00') return iso.slice(0, 10);
  return `${iso.slice(0, 10)}T${time}`;
}

/** Column number (0-based) of a reference such as "C5"; -1 when it has no letters. */
export function columnOfRef(ref: string): number {
  let column = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    const upper = c >= 97 && c <= 122 ? c - 32 : c;
    if (upper < 65 || upper > 90) break;
    column = column * 26 + (upper - 64);
  }
  return i === 0 ? -1 : column - 1;
}

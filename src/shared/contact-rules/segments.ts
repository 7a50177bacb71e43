/**
 * Segments: several values in one cell, split on `|`, `,` or a space (Crisp's rule) or on the
 * one separator chosen for the column (also Google Contacts' ` ::: ` and Mailchimp's quoted
 * comma list); trimmed, empty ones dropped, duplicates removed.
 */
import type { SegmentSeparator } from '../column-mapping';
import { foldLetters } from './text-fold';

const SPLITTERS: Record<Exclude<SegmentSeparator, 'quoted-comma'>, RegExp | string> = {
  any: /[|,\s]+/,
  '|': '|',
  ',': ',',
  ' ': /\s+/,
  ';': ';',
  ' ::: ': /\s*:::\s*/,
};

/** `"VIP","Blog, news",Plain` -> `VIP`, `Blog, news`, `Plain` (Mailchimp's TAGS column). */
function splitQuotedCommaList(cell: string): string[] {
  const items: string[] = [];
  let item = '';
  let quoted = false;
  for (let i = 0; i < cell.length; i++) {
    const ch = cell[i] as string;
    if (ch === '"') {
      if (quoted && cell[i + 1] === '"') {
        item += '"';
        i++;
      } else quoted = !quoted;
    } else if (ch === ',' && !quoted) {
      items.push(item);
      item = '';
    } else item += ch;
  }
  items.push(item);
  return items;
}

/** Longest segment kept; longer ones are cut with a warning. */
export const MAX_SEGMENT_LENGTH = 64;

/**
 * Splits a segments cell: `vip | lead,newsletter` -> `['vip', 'lead', 'newsletter']`.
 * Duplicates are removed case-insensitively (Crisp refuses duplicate segments in one request),
 * keeping the first spelling.
 */
export function splitSegments(cell: string, separator: SegmentSeparator = 'any'): string[] {
  if (separator === 'any') return splitOnAnySeparator(cell);
  const segments: string[] = [];
  const parts =
    separator === 'quoted-comma' ? splitQuotedCommaList(cell) : cell.split(SPLITTERS[separator]);
  for (const part of parts) addSegment(segments, part.trim());
  return segments;
}

/**
 * Adds `segment` to `segments` unless it is empty or already there (case-insensitive).
 * Returns true when it was added.
 */
export function addSegment(segments: string[], segment: string): boolean {
  if (segment === '') return false;
  const count = segments.length;
  if (count === 0) {
    segments.push(segment);
    return true;
  }
  const ascii = isAscii(segment);
  let lower: string | undefined;
  for (let i = 0; i < count; i++) {
    const existing = segments[i] as string;
    if (existing === segment) return false;
    if (ascii && isAscii(existing)) {
      if (equalIgnoringAsciiCase(existing, segment)) return false;
      continue;
    }
    lower ??= segment.toLowerCase();
    if (existing.toLowerCase() === lower) return false;
  }
  segments.push(segment);
  return true;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

/**
 * For two ASCII strings, the same as comparing their `toLowerCase()` (which, for ASCII, only
 * maps A-Z to a-z and keeps the length), without making the lower-cased copies.
 */
function equalIgnoringAsciiCase(a: string, b: string): boolean {
  const length = a.length;
  if (length !== b.length) return false;
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0x41 && x <= 0x5a) x += 0x20;
    if (y >= 0x41 && y <= 0x5a) y += 0x20;
    if (x !== y) return false;
  }
  return true;
}

/** True for the characters `any` splits on: `|`, `,` and whitespace (what `\s` matches). */
function isAnySeparator(code: number): boolean {
  if (code > 0x7c) {
    return (
      code === 0xa0 ||
      code === 0x1680 ||
      (code >= 0x2000 && code <= 0x200a) ||
      code === 0x2028 ||
      code === 0x2029 ||
      code === 0x202f ||
      code === 0x205f ||
      code === 0x3000 ||
      code === 0xfeff
    );
  }
  return code === 0x7c || code === 0x2c || code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

/**
 * `splitSegments(cell, 'any')` without a regular expression (the hot path of large files): the
 * same as `cell.split(/[|,\s]+/)`, trimmed, empty parts dropped, duplicates removed.
 */
function splitOnAnySeparator(cell: string): string[] {
  const segments: string[] = [];
  let start = -1;
  const length = cell.length;
  for (let i = 0; i < length; i++) {
    if (isAnySeparator(cell.charCodeAt(i))) {
      if (start >= 0) {
        addSegment(segments, cell.slice(start, i));
        start = -1;
      }
    } else if (start < 0) start = i;
  }
  if (start >= 0) addSegment(segments, start === 0 ? cell : cell.slice(start));
  return segments;
}

const YES_WORDS = new Set([
  'yes',
  'y',
  'true',
  't',
  '1',
  'x',
  'on',
  'oui',
  'o',
  'vrai',
  'ja',
  'j',
  'wahr',
  'si',
  'verdadero',
  '✓',
  '✔',
]);
const NO_WORDS = new Set([
  'no',
  'n',
  'false',
  'f',
  '0',
  '-',
  'off',
  'non',
  'faux',
  'nein',
  'falsch',
  'falso',
]);

/**
 * Reads a yes/no cell: `yes`, `true`, `1`, `x`, `y`, `oui`, `ja`, `sí`, `si`, `vrai`, `wahr`...
 * give true; `no`, `false`, `0`, `non`, `nein`, `faux`... and an empty cell give false;
 * anything else gives undefined (not a yes/no answer).
 */
export function parseYesNo(cell: string): boolean | undefined {
  const value = cell.trim();
  if (value === '') return false;
  const lower = value.toLowerCase();
  if (YES_WORDS.has(lower)) return true;
  if (NO_WORDS.has(lower)) return false;
  const folded = foldLetters(lower);
  if (YES_WORDS.has(folded)) return true;
  if (NO_WORDS.has(folded)) return false;
  return undefined;
}

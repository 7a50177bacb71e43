/**
 * A compact digest of a contact as this app sends it (after mapping and normalization), one per
 * part of a Crisp profile that is written on its own terms:
 * - `profile`: the nickname (and whether it was only guessed from the email, which changes how it
 *   merges), person, company and notepad (PATCH people/profile, merged field by field);
 * - `segments`: the set of segments (added to the profile's, never removed; order and case do not
 *   change the result);
 * - `data`: custom data values and the keys an empty cell clears (under the 'clear' rule)
 *   (PATCH people/data).
 * Two contacts with the same three digests make the same writes. Each digest is 48 bits of a
 * 64-bit hash (emailHash64: MurmurHash3 lanes) of a canonical text of the part: the chance that
 * a changed part keeps its digest is 2^-48 (3.6e-15) per row. Not cryptographic: the files are
 * the user's own.
 */
import type { ContactProfile } from '../../../shared/contact-profile';
import { textHashChar, textHashEnd, textHashStart, textHashString } from '../email-index';

/** A part's digest: 48 bits, as [high 16 bits, low 32 bits]. */
export interface PartDigest {
  high: number;
  low: number;
}

export interface ContactDigest {
  profile: PartDigest;
  segments: PartDigest;
  data: PartDigest;
}

export type ContactPart = keyof ContactDigest;
export const CONTACT_PARTS: readonly ContactPart[] = ['profile', 'segments', 'data'];

export function digestContact(
  contact: ContactProfile,
  emptyCells: 'clear' | 'keep',
): ContactDigest {
  contactDigestWords(contact, emptyCells, scratch);
  return {
    profile: { high: scratch[0]!, low: scratch[1]! },
    segments: { high: scratch[2]!, low: scratch[3]! },
    data: { high: scratch[4]!, low: scratch[5]! },
  };
}

const scratch = new Uint32Array(6);

/**
 * The same digests written into `out` as six numbers (profile high 16 and low 32 bits, then
 * segments, then data), with no object made on the way: it runs for every row of a check and
 * of a re-import.
 */
export function contactDigestWords(
  contact: ContactProfile,
  emptyCells: 'clear' | 'keep',
  out: Uint32Array,
): void {
  digestProfile(contact, out, 0);
  digestSegments(contact.segments, out, 2);
  digestData(contact, emptyCells, out, 4);
}

export function sameDigest(a: PartDigest, b: PartDigest): boolean {
  return a.high === b.high && a.low === b.low;
}

/** The parts whose digests differ. */
export function changedParts(now: ContactDigest, before: ContactDigest): ContactPart[] {
  return CONTACT_PARTS.filter((part) => !sameDigest(now[part], before[part]));
}

/** 12 hex digits: a digest as text (journal records). */
export function partDigestToText(digest: PartDigest): string {
  return (
    digest.high.toString(16).padStart(4, '0') + (digest.low >>> 0).toString(16).padStart(8, '0')
  );
}

export function partDigestFromText(text: string): PartDigest | null {
  if (!/^[0-9a-f]{12}$/.test(text)) return null;
  return { high: parseInt(text.slice(0, 4), 16), low: parseInt(text.slice(4), 16) >>> 0 };
}

/**
 * The digest texts, given to the hash piece by piece as they are written (no text, object or
 * array is made for them: they run for every row of a check and of a re-import). They are the
 * canonical JSON (object keys sorted, undefined values left out, strings as JSON.stringify
 * writes them) of:
 *   profile   { n: nickname, g: nicknameSource === 'email', p: person, c: company, o: notepad }
 *   segments  [...new Set(segments trimmed, lower-cased, not empty)].sort()
 *   data      { d: data, x: emptyCells === 'clear' ? [...clearedDataKeys].sort() : [] }
 * The digests depend on these exact texts: keep them (a unit test compares the digests with
 * these plain definitions on varied contacts).
 */
function digestProfile(contact: ContactProfile, out: Uint32Array, at: number): void {
  textHashStart();
  textHashChar(OPEN_BRACE);
  let first = member(true, '"c"', contact.company, 0);
  first = member(first, '"g"', contact.nicknameSource === 'email', 0);
  first = member(first, '"n"', contact.nickname, 0);
  first = member(first, '"o"', contact.notepad, 0);
  member(first, '"p"', contact.person, 0);
  textHashChar(CLOSE_BRACE);
  finish(out, at);
}

/**
 * A reused list of keys, sorted as `Array.prototype.sort()` sorts strings (UTF-16 code units),
 * allocating nothing once grown: `length = 0` would drop the array's storage (to be allocated
 * again by the next push) and sort() copies the elements into a work array on every call, and
 * a contact's objects are sorted on every row of a check and of a re-import. Cleared slots hold
 * "" (no cell's text is kept alive).
 */
class KeyList {
  readonly items: string[] = [];
  count = 0;

  push(key: string): void {
    if (this.count < this.items.length) this.items[this.count] = key;
    else this.items.push(key);
    this.count += 1;
  }

  /** Insertion sort for the few keys an object has; sort() of a copy beyond. */
  sort(): void {
    const items = this.items;
    const count = this.count;
    if (count > 24) {
      const sorted = items.slice(0, count).sort();
      for (let i = 0; i < count; i += 1) items[i] = sorted[i]!;
      return;
    }
    for (let i = 1; i < count; i += 1) {
      const key = items[i]!;
      let j = i - 1;
      while (j >= 0 && items[j]! > key) {
        items[j + 1] = items[j]!;
        j -= 1;
      }
      items[j + 1] = key;
    }
  }

  clear(): void {
    for (let i = 0; i < this.count; i += 1) this.items[i] = '';
    this.count = 0;
  }
}

/** Sorted in place, then emptied (so they keep no cell's text alive). */
const sortedStrings = new KeyList();

function digestSegments(segments: readonly string[], out: Uint32Array, at: number): void {
  textHashStart();
  textHashChar(OPEN_BRACKET);
  const keys = sortedStrings;
  for (let i = 0; i < segments.length; i += 1) {
    const key = segments[i]!.trim().toLowerCase();
    if (key !== '') keys.push(key);
  }
  keys.sort();
  let previous: string | null = null;
  for (let i = 0; i < keys.count; i += 1) {
    const key = keys.items[i]!;
    if (key === previous) continue;
    if (previous !== null) textHashChar(COMMA);
    jsonString(key);
    previous = key;
  }
  keys.clear();
  textHashChar(CLOSE_BRACKET);
  finish(out, at);
}

function digestData(
  contact: ContactProfile,
  emptyCells: 'clear' | 'keep',
  out: Uint32Array,
  at: number,
): void {
  textHashStart();
  textHashChar(OPEN_BRACE);
  const first = member(true, '"d"', contact.data, 0);
  if (!first) textHashChar(COMMA);
  textHashString('"x":[');
  // Under 'keep' an empty cell writes nothing, so only the values count.
  const clearedKeys = contact.clearedDataKeys;
  if (emptyCells === 'clear' && clearedKeys.length > 0) {
    const keys = sortedStrings;
    for (let i = 0; i < clearedKeys.length; i += 1) keys.push(clearedKeys[i]!);
    keys.sort();
    for (let i = 0; i < keys.count; i += 1) {
      if (i > 0) textHashChar(COMMA);
      canonical(keys.items[i], 1);
    }
    keys.clear();
  }
  textHashChar(CLOSE_BRACKET);
  textHashChar(CLOSE_BRACE);
  finish(out, at);
}

/** The 48 bits a part keeps of the 64-bit hash: [high 16, low 32]. */
function finish(out: Uint32Array, at: number): void {
  textHashEnd(out, at);
  out[at] = out[at]! >>> 16;
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * `"key":value` of an object (`key` written as JSON already), after a comma unless it is the
 * object's first member; nothing when the value is undefined. True while nothing was written.
 */
function member(first: boolean, key: string, value: unknown, depth: number): boolean {
  if (value === undefined) return first;
  if (!first) textHashChar(COMMA);
  textHashString(key);
  textHashChar(COLON);
  canonical(value, depth + 1);
  return false;
}

const hasOwn = Object.prototype.hasOwnProperty;
/** One key list per depth of `canonical`, reused (emptied after each object). */
const keyLists: KeyList[] = [];

/** The canonical JSON of a value, to the hash. */
function canonical(value: unknown, depth: number): void {
  if (typeof value === 'string') {
    jsonString(value);
    return;
  }
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) integerDigits(value);
    else textHashString(Number.isFinite(value) ? String(value) : 'null');
    return;
  }
  if (typeof value === 'boolean') {
    textHashString(value ? 'true' : 'false');
    return;
  }
  if (value === null || typeof value !== 'object') {
    textHashString(JSON.stringify(value) ?? 'null');
    return;
  }
  if (Array.isArray(value)) {
    textHashChar(OPEN_BRACKET);
    for (let i = 0; i < value.length; i += 1) {
      if (i > 0) textHashChar(COMMA);
      canonical(value[i], depth + 1);
    }
    textHashChar(CLOSE_BRACKET);
    return;
  }
  const record = value as Record<string, unknown>;
  let keys = keyLists[depth];
  if (!keys) keyLists[depth] = keys = new KeyList();
  for (const key in record) if (hasOwn.call(record, key)) keys.push(key);
  keys.sort();
  textHashChar(OPEN_BRACE);
  let first = true;
  for (let i = 0; i < keys.count; i += 1) {
    const key = keys.items[i]!;
    const item = record[key];
    if (item === undefined) continue;
    if (!first) textHashChar(COMMA);
    first = false;
    jsonString(key);
    textHashChar(COLON);
    canonical(item, depth + 1);
  }
  keys.clear();
  textHashChar(CLOSE_BRACE);
}

const HEX = '0123456789abcdef';
const DIGITS = new Uint8Array(16);

/** A safe integer as String() writes it (-0 as 0), digit by digit. */
function integerDigits(value: number): void {
  if (value < 0) textHashChar(0x2d);
  let rest = Math.abs(value);
  let count = 0;
  do {
    DIGITS[count++] = rest % 10;
    rest = Math.floor(rest / 10);
  } while (rest > 0);
  while (count > 0) textHashChar(0x30 + DIGITS[--count]!);
}

/** A string as JSON.stringify writes it (quotes, escapes, lone surrogates as \uXXXX). */
function jsonString(text: string): void {
  textHashChar(QUOTE);
  const length = text.length;
  for (let i = 0; i < length; i += 1) {
    const code = text.charCodeAt(i);
    if (code >= 0x20 && code !== QUOTE && code !== BACKSLASH && (code < 0xd800 || code > 0xdfff)) {
      textHashChar(code);
    } else if (code === QUOTE || code === BACKSLASH) {
      textHashChar(BACKSLASH);
      textHashChar(code);
    } else if (code < 0x20) {
      const named =
        code === 8
          ? 0x62
          : code === 9
            ? 0x74
            : code === 10
              ? 0x6e
              : code === 12
                ? 0x66
                : code === 13
                  ? 0x72
                  : 0;
      textHashChar(BACKSLASH);
      if (named !== 0) textHashChar(named);
      else unicodeEscape(code);
    } else if (code <= 0xdbff && i + 1 < length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        textHashChar(code);
        textHashChar(next);
        i += 1;
      } else {
        textHashChar(BACKSLASH);
        unicodeEscape(code);
      }
    } else {
      // A lone surrogate.
      textHashChar(BACKSLASH);
      unicodeEscape(code);
    }
  }
  textHashChar(QUOTE);
}

/** `uXXXX` (lower-case hex), after the backslash. */
function unicodeEscape(code: number): void {
  textHashChar(0x75);
  textHashChar(HEX.charCodeAt((code >>> 12) & 15));
  textHashChar(HEX.charCodeAt((code >>> 8) & 15));
  textHashChar(HEX.charCodeAt((code >>> 4) & 15));
  textHashChar(HEX.charCodeAt(code & 15));
}

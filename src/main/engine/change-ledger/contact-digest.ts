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
import { emailHash64Into } from '../email-index';

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
  digestTextInto(profileText(contact), out, 0);
  digestTextInto(segmentsText(contact.segments), out, 2);
  digestTextInto(dataText(contact, emptyCells), out, 4);
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

function digestTextInto(text: string, out: Uint32Array, at: number): void {
  emailHash64Into(text, out, at);
  out[at] = out[at]! >>> 16;
}

/**
 * The texts below are the canonical JSON of these values, written straight out (no object or
 * array made for them: they run for every row):
 *   profile   canonical({ n: nickname, g: nicknameSource === 'email', p: person, c: company, o: notepad })
 *   segments  JSON.stringify([...new Set(segments trimmed, lower-cased, not empty)].sort())
 *   data      canonical({ d: data, x: emptyCells === 'clear' ? [...clearedDataKeys].sort() : [] })
 * The digests depend on these exact texts: keep them (a unit test compares them with the plain
 * definitions on varied contacts).
 */
function profileText(contact: ContactProfile): string {
  let out = '{';
  out = member(out, '"c"', contact.company);
  out = member(out, '"g"', contact.nicknameSource === 'email');
  out = member(out, '"n"', contact.nickname);
  out = member(out, '"o"', contact.notepad);
  out = member(out, '"p"', contact.person);
  return `${out}}`;
}

/** Sorted in place, then emptied (so they keep no cell's text alive). */
const sortedStrings: string[] = [];

function segmentsText(segments: readonly string[]): string {
  if (segments.length === 0) return '[]';
  const keys = sortedStrings;
  for (let i = 0; i < segments.length; i += 1) {
    const key = segments[i]!.trim().toLowerCase();
    if (key !== '') keys.push(key);
  }
  if (keys.length > 1) keys.sort();
  let out = '[';
  let previous: string | null = null;
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i]!;
    if (key === previous) continue;
    out += (previous === null ? '' : ',') + JSON.stringify(key);
    previous = key;
  }
  keys.length = 0;
  return `${out}]`;
}

function dataText(contact: ContactProfile, emptyCells: 'clear' | 'keep'): string {
  // Under 'keep' an empty cell writes nothing, so only the values count.
  let out = member('{', '"d"', contact.data);
  const clearedKeys = contact.clearedDataKeys;
  let cleared = '[';
  if (emptyCells === 'clear' && clearedKeys.length > 0) {
    const keys = sortedStrings;
    for (let i = 0; i < clearedKeys.length; i += 1) keys.push(clearedKeys[i]!);
    if (keys.length > 1) keys.sort();
    for (let i = 0; i < keys.length; i += 1) cleared += (i > 0 ? ',' : '') + canonical(keys[i]);
    keys.length = 0;
  }
  out += `${out.length > 1 ? ',' : ''}"x":${cleared}]`;
  return `${out}}`;
}

/** `out` (an object's text so far) with `"key":value` added, unless the value is undefined. */
function member(out: string, key: string, value: unknown): string {
  if (value === undefined) return out;
  return `${out}${out.length > 1 ? ',' : ''}${key}:${canonical(value)}`;
}

const hasOwn = Object.prototype.hasOwnProperty;
/** One key list per depth of `canonical`, reused (emptied after each object). */
const keyLists: string[][] = [];

/**
 * JSON with object keys sorted and undefined values left out (the digests depend on this exact
 * text: keep it). Written with plain loops and reused key lists, as it runs for every row.
 */
function canonical(value: unknown, depth = 0): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) {
      out += (i > 0 ? ',' : '') + canonical(value[i], depth + 1);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let keys = keyLists[depth];
  if (!keys) keyLists[depth] = keys = [];
  for (const key in record) if (hasOwn.call(record, key)) keys.push(key);
  if (keys.length > 1) keys.sort();
  let out = '{';
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i]!;
    const item = record[key];
    if (item === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${canonical(item, depth + 1)}`;
  }
  keys.length = 0;
  return `${out}}`;
}

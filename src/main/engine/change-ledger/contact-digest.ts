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
import { emailHash64 } from '../email-index';

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
  return {
    profile: digestText(profileText(contact)),
    segments: digestText(segmentsText(contact.segments)),
    data: digestText(dataText(contact, emptyCells)),
  };
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

function digestText(text: string): PartDigest {
  const [high, low] = emailHash64(text);
  return { high: high >>> 16, low: low >>> 0 };
}

function profileText(contact: ContactProfile): string {
  return canonical({
    n: contact.nickname,
    g: contact.nicknameSource === 'email',
    p: contact.person,
    c: contact.company,
    o: contact.notepad,
  });
}

function segmentsText(segments: readonly string[]): string {
  if (segments.length === 0) return '[]';
  const keys = new Set<string>();
  for (const segment of segments) {
    const key = segment.trim().toLowerCase();
    if (key !== '') keys.add(key);
  }
  return JSON.stringify([...keys].sort());
}

function dataText(contact: ContactProfile, emptyCells: 'clear' | 'keep'): string {
  // Under 'keep' an empty cell writes nothing, so only the values count.
  const cleared = emptyCells === 'clear' ? [...contact.clearedDataKeys].sort() : [];
  return canonical({ d: contact.data, x: cleared });
}

/**
 * JSON with object keys sorted and undefined values left out (the digests depend on this exact
 * text: keep it). Written with plain loops, as it runs for every row of a re-import.
 */
function canonical(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) out += (i > 0 ? ',' : '') + canonical(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length > 1) keys.sort();
  let out = '{';
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${canonical(item)}`;
  }
  return `${out}}`;
}

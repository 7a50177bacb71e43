/**
 * Crisp's import merge rules (design.md §3) as pure functions: what to create for a new contact,
 * and what to PATCH on a profile that exists, given what it holds now.
 *
 * - nickname, avatar, phone and the other single profile fields are overwritten by the row's
 *   value, except a nickname that was only guessed from the email, which does not replace a
 *   name the profile already has;
 * - employment, geolocation and company are merged field by field;
 * - segments are added to the existing ones, never removed (case-insensitive dedupe, the
 *   existing spelling kept);
 * - person and company are always sent whole (whether Crisp's PATCH deep-merges them is not
 *   confirmed, crisp-api.md §4.5), and only the top-level fields that change are sent at all.
 * - custom data is merged by Crisp (PATCH people/data); an empty cell clears a key with "".
 */
import type { ContactProfile } from '../../../shared/contact-profile';
import type { PeopleProfileCreate, PeopleProfileUpdate } from '../crisp-client';

type Json = Record<string, unknown>;

/** What a profile holds, as far as this import knows (read from Crisp, or as it wrote it). */
export interface KnownProfile {
  peopleId: string | null;
  person: Json;
  company: Json;
  segments: string[];
  notepad?: string;
}

export function createBody(contact: ContactProfile): PeopleProfileCreate {
  const person: Json = { nickname: contact.nickname };
  for (const [key, value] of Object.entries(contact.person))
    if (value !== undefined) person[key] = clone(value);
  const body: PeopleProfileCreate = {
    email: contact.email,
    person: person as PeopleProfileCreate['person'],
  };
  const company = definedFields(contact.company);
  if (Object.keys(company).length > 0) body.company = company;
  const segments = unionSegments([], contact.segments);
  if (segments.length > 0) body.segments = segments;
  if (contact.notepad !== undefined) body.notepad = contact.notepad;
  return body;
}

/** The profile as Crisp holds it right after `createBody(contact)` was accepted. */
export function knownFromCreate(body: PeopleProfileCreate, peopleId: string | null): KnownProfile {
  return {
    peopleId,
    person: clone(body.person) as Json,
    company: clone(body.company ?? {}) as Json,
    segments: [...(body.segments ?? [])],
    notepad: body.notepad,
  };
}

export interface MergePlan {
  /** null when the profile already holds everything the row says: no request needed. */
  update: PeopleProfileUpdate | null;
  /** The profile after the update. */
  result: KnownProfile;
}

export function mergeIntoProfile(existing: KnownProfile, contact: ContactProfile): MergePlan {
  const person: Json = clone(existing.person);
  const existingNickname =
    typeof existing.person['nickname'] === 'string' ? existing.person['nickname'] : '';
  if (contact.nicknameSource !== 'email' || existingNickname.trim() === '')
    person['nickname'] = contact.nickname;
  for (const [key, value] of Object.entries(contact.person)) {
    if (value === undefined) continue;
    if (key === 'employment' || key === 'geolocation') {
      person[key] = { ...asObject(existing.person[key]), ...definedFields(value as Json) };
    } else {
      person[key] = clone(value);
    }
  }
  const company: Json = { ...clone(existing.company), ...definedFields(contact.company) };
  const segments = unionSegments(existing.segments, contact.segments);
  const notepad = contact.notepad ?? existing.notepad;

  const update: PeopleProfileUpdate = {};
  if (!sameJson(person, existing.person)) update.person = person;
  if (!sameJson(company, existing.company)) update.company = company;
  if (!sameJson(segments, existing.segments)) update.segments = segments;
  if (contact.notepad !== undefined && contact.notepad !== existing.notepad)
    update.notepad = contact.notepad;
  return {
    update: Object.keys(update).length > 0 ? update : null,
    result: { peopleId: existing.peopleId, person, company, segments, notepad },
  };
}

/**
 * The custom data PATCH for a row, or null when there is nothing to write. Keys the row left
 * empty are cleared with "" on a profile that existed before (a new one has nothing to clear),
 * unless empty cells keep existing values.
 */
export function dataUpdate(
  contact: ContactProfile,
  profileIsNew: boolean,
  emptyCells: 'clear' | 'keep',
): Record<string, string | number | boolean> | null {
  const data: Record<string, string | number | boolean> = { ...contact.data };
  if (!profileIsNew && emptyCells === 'clear') {
    for (const key of contact.clearedDataKeys) if (!Object.hasOwn(data, key)) data[key] = '';
  }
  return Object.keys(data).length > 0 ? data : null;
}

/** Existing segments first, then new ones not already there (compared case-insensitively). */
export function unionSegments(existing: readonly string[], added: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const segment of [...existing, ...added]) {
    const trimmed = segment.trim();
    const key = trimmed.toLowerCase();
    if (trimmed === '' || seen.has(key)) continue;
    seen.add(key);
    out.push(trimmed);
  }
  return out;
}

/** True when a profile read back from Crisp holds exactly what `body` created. */
export function matchesCreated(profile: KnownProfile, body: PeopleProfileCreate): boolean {
  return (
    sameJson(profile.person, body.person) &&
    sameJson(profile.company, body.company ?? {}) &&
    sameJson(profile.segments, body.segments ?? [])
  );
}

function definedFields(object: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(object))
    if (value !== undefined) out[key] = clone(value);
  return out;
}

function asObject(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? clone(value as Json)
    : {};
}

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** Structural equality of JSON values, ignoring key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  return stableStringify(a) === stableStringify(b);
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Json)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

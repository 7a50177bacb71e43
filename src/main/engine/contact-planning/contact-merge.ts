/**
 * Rows of one email merged into one contact, in file order: sending the merged contact once
 * leaves the profile exactly as sending each row in turn would (Crisp's merge rules, design.md
 * §3, as profile-merge.ts applies them to a profile):
 * - nickname: a later row's name replaces an earlier one, except a name only guessed from the
 *   email, which never replaces a name;
 * - person fields: a later value replaces an earlier one; employment and geolocation field by
 *   field; company field by field; notepad replaced when given;
 * - segments: the union, first seen first;
 * - custom data: a later value replaces an earlier one, a later empty cell (under 'clear')
 *   clears an earlier value, an earlier empty cell is cleared unless a later row sets the key.
 */
import type { ContactProfile } from '../../../shared/contact-profile';
import { unionSegments } from './profile-merge';

export function mergeContacts(rows: readonly ContactProfile[]): ContactProfile {
  const [first, ...rest] = rows;
  if (!first) throw new Error('mergeContacts needs at least one contact');
  let merged = first;
  for (const next of rest) merged = mergeTwo(merged, next);
  return merged;
}

function mergeTwo(earlier: ContactProfile, later: ContactProfile): ContactProfile {
  const useLaterName = later.nicknameSource !== 'email';
  const person: ContactProfile['person'] = { ...earlier.person };
  for (const [key, value] of Object.entries(later.person) as Array<
    [keyof ContactProfile['person'], unknown]
  >) {
    if (value === undefined) continue;
    if (key === 'employment' || key === 'geolocation') {
      (person as Record<string, unknown>)[key] = {
        ...(earlier.person[key] ?? {}),
        ...definedFields(value as Record<string, unknown>),
      };
    } else {
      (person as Record<string, unknown>)[key] = value;
    }
  }
  const data: ContactProfile['data'] = {};
  const clearedLater = new Set(later.clearedDataKeys);
  for (const [key, value] of Object.entries(earlier.data))
    if (!clearedLater.has(key)) data[key] = value;
  for (const [key, value] of Object.entries(later.data)) data[key] = value;
  const cleared = [...new Set([...earlier.clearedDataKeys, ...later.clearedDataKeys])].filter(
    (key) => !Object.hasOwn(data, key),
  );
  const merged: ContactProfile = {
    email: later.email,
    nickname: useLaterName ? later.nickname : earlier.nickname,
    nicknameSource: useLaterName ? later.nicknameSource : earlier.nicknameSource,
    person,
    company: { ...earlier.company, ...definedFields(later.company) },
    segments: unionSegments(earlier.segments, later.segments),
    data,
    clearedDataKeys: cleared,
  };
  const notepad = later.notepad ?? earlier.notepad;
  if (notepad !== undefined) merged.notepad = notepad;
  return merged;
}

function definedFields<T extends Record<string, unknown>>(object: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, value] of Object.entries(object))
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  return out;
}

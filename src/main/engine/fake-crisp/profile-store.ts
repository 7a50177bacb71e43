/**
 * The people profiles held by the fake Crisp server: lookup by people_id or email
 * (case-insensitive), the read shape Crisp answers with, and list search and paging.
 */
import { randomUUID } from 'node:crypto';
import type { ProfileSeed, StoredProfile } from './fake-crisp-types';
import { isPlainObject } from './profile-validation';

export class ProfileStore {
  private readonly byId = new Map<string, StoredProfile>();
  private readonly idByEmail = new Map<string, string>();
  private readonly emailSubscribed = new Map<string, boolean>();

  get size(): number {
    return this.byId.size;
  }

  /** By people_id, else by email (case-insensitive). The stored object itself, not a copy. */
  find(emailOrId: string): StoredProfile | undefined {
    const byId = this.byId.get(emailOrId);
    if (byId) return byId;
    const id = this.idByEmail.get(emailOrId.toLowerCase());
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** The profile holding `email` (case-insensitive), if any. */
  holderOf(email: string): StoredProfile | undefined {
    const id = this.idByEmail.get(email.toLowerCase());
    return id === undefined ? undefined : this.byId.get(id);
  }

  add(seed: ProfileSeed, now: number): StoredProfile {
    if (this.holderOf(seed.email)) throw new Error(`A profile with email ${seed.email} exists`);
    const profile: StoredProfile = {
      people_id: seed.people_id ?? randomUUID(),
      email: seed.email,
      person: structuredClone(seed.person ?? {}),
      company: structuredClone(seed.company ?? {}),
      segments: [...(seed.segments ?? [])],
      notepad: seed.notepad ?? '',
      data: { ...(seed.data ?? {}) },
      created_at: seed.created_at ?? now,
      updated_at: seed.updated_at ?? seed.created_at ?? now,
    };
    if (this.byId.has(profile.people_id)) {
      throw new Error(`A profile with people_id ${profile.people_id} exists`);
    }
    this.byId.set(profile.people_id, profile);
    this.idByEmail.set(profile.email.toLowerCase(), profile.people_id);
    return profile;
  }

  changeEmail(profile: StoredProfile, email: string): void {
    this.idByEmail.delete(profile.email.toLowerCase());
    profile.email = email;
    this.idByEmail.set(email.toLowerCase(), profile.people_id);
  }

  remove(profile: StoredProfile): void {
    this.byId.delete(profile.people_id);
    this.idByEmail.delete(profile.email.toLowerCase());
    this.emailSubscribed.delete(profile.people_id);
  }

  isSubscribed(profile: StoredProfile): boolean {
    return this.emailSubscribed.get(profile.people_id) ?? true;
  }

  setSubscribed(profile: StoredProfile, subscribed: boolean): void {
    this.emailSubscribed.set(profile.people_id, subscribed);
  }

  all(): IterableIterator<StoredProfile> {
    return this.byId.values();
  }
}

/** The read shape of a profile (GET profile, list): unset person fields are left out. */
export function profileReadShape(profile: StoredProfile): Record<string, unknown> {
  return {
    people_id: profile.people_id,
    email: profile.email,
    person: structuredClone(profile.person),
    company: structuredClone(profile.company),
    segments: [...profile.segments],
    notepad: profile.notepad,
    active: { now: false },
    score: 0,
    created_at: profile.created_at,
    updated_at: profile.updated_at,
  };
}

/** Merges `patch` into `target`: nested plain objects are merged key by key, the rest replaced. */
export function mergeDeep(target: Record<string, unknown>, patch: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(patch)) {
    const current = target[key];
    if (isPlainObject(current) && isPlainObject(value)) mergeDeep(current, value);
    else target[key] = structuredClone(value);
  }
}

// ---------------------------------------------------------------------------------------------
// List and search (GET people/profiles)

export interface SearchFilter {
  model?: string;
  criterion: string;
  operator: string;
  query: unknown[];
}

export interface ProfileQuery {
  filters: SearchFilter[];
  operator: 'and' | 'or';
  text: string;
  sortField: string;
  sortOrder: 'ascending' | 'descending';
  dateStart: number | null;
  dateEnd: number | null;
}

const FILTER_OPERATORS = new Set(['eq', 'neq', 'has', 'nhas', 'gt', 'gte', 'lt', 'lte']);

/** Parses the `search_filter` query parameter. Returns a message in plain words when invalid. */
export function parseSearchFilter(raw: string): SearchFilter[] | string {
  if (raw.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return 'search_filter should be a JSON array';
  }
  if (!Array.isArray(parsed)) return 'search_filter should be array';
  const filters: SearchFilter[] = [];
  for (let index = 0; index < parsed.length; index += 1) {
    const item: unknown = parsed[index];
    const at = `search_filter[${index}]`;
    if (!isPlainObject(item)) return `${at} should be object`;
    if (typeof item.criterion !== 'string') return `${at}.criterion should be string`;
    if (typeof item.operator !== 'string' || !FILTER_OPERATORS.has(item.operator)) {
      return `${at}.operator should be equal to one of the allowed values`;
    }
    if (!Array.isArray(item.query)) return `${at}.query should be array`;
    filters.push({
      criterion: item.criterion,
      operator: item.operator,
      query: item.query as unknown[],
      ...(typeof item.model === 'string' ? { model: item.model } : {}),
    });
  }
  return filters;
}

function criterionValue(profile: StoredProfile, criterion: string): unknown {
  if (criterion === 'email') return profile.email;
  if (criterion === 'segments') return profile.segments;
  if (criterion === 'nickname') return profile.person.nickname;
  if (criterion === 'notepad') return profile.notepad;
  if (criterion === 'created_at') return profile.created_at;
  if (criterion === 'updated_at') return profile.updated_at;
  const [head, ...rest] = criterion.split('.');
  let value: unknown =
    head === 'person'
      ? profile.person
      : head === 'company'
        ? profile.company
        : head === 'data'
          ? profile.data
          : undefined;
  for (const key of rest) value = isPlainObject(value) ? value[key] : undefined;
  return value;
}

function normalized(value: unknown): unknown {
  return typeof value === 'string' ? value.toLowerCase() : value;
}

function valueMatches(value: unknown, operator: string, wanted: unknown): boolean {
  const candidates = Array.isArray(value) ? value.map(normalized) : [normalized(value)];
  const target = normalized(wanted);
  switch (operator) {
    case 'eq':
      return Array.isArray(value)
        ? JSON.stringify(candidates) === JSON.stringify([target])
        : candidates[0] === target;
    case 'has':
      return candidates.some((candidate) =>
        typeof candidate === 'string' && typeof target === 'string' && !Array.isArray(value)
          ? candidate.includes(target)
          : candidate === target,
      );
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const left = candidates[0];
      if (typeof left !== 'number' && typeof left !== 'string') return false;
      if (typeof target !== 'number' && typeof target !== 'string') return false;
      if (operator === 'gt') return left > target;
      if (operator === 'gte') return left >= target;
      if (operator === 'lt') return left < target;
      return left <= target;
    }
    default:
      return false;
  }
}

function filterMatches(profile: StoredProfile, filter: SearchFilter): boolean {
  const value = criterionValue(profile, filter.criterion);
  if (filter.operator === 'neq') return !filter.query.some((q) => valueMatches(value, 'eq', q));
  if (filter.operator === 'nhas') return !filter.query.some((q) => valueMatches(value, 'has', q));
  return filter.query.some((q) => valueMatches(value, filter.operator, q));
}

function sortValue(profile: StoredProfile, field: string): string | number {
  const value = field === '' ? profile.created_at : criterionValue(profile, field);
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return value.toLowerCase();
  return '';
}

/** The profiles matching `query`, sorted. */
export function searchProfiles(
  profiles: Iterable<StoredProfile>,
  query: ProfileQuery,
): StoredProfile[] {
  const text = query.text.trim().toLowerCase();
  const matching: StoredProfile[] = [];
  for (const profile of profiles) {
    if (query.dateStart !== null && profile.created_at < query.dateStart) continue;
    if (query.dateEnd !== null && profile.created_at > query.dateEnd) continue;
    if (text !== '') {
      const nickname = typeof profile.person.nickname === 'string' ? profile.person.nickname : '';
      if (!profile.email.toLowerCase().includes(text) && !nickname.toLowerCase().includes(text)) {
        continue;
      }
    }
    if (query.filters.length > 0) {
      const matches =
        query.operator === 'or'
          ? query.filters.some((filter) => filterMatches(profile, filter))
          : query.filters.every((filter) => filterMatches(profile, filter));
      if (!matches) continue;
    }
    matching.push(profile);
  }
  if (query.sortField !== '' || query.sortOrder === 'descending') {
    const direction = query.sortOrder === 'descending' ? -1 : 1;
    // Array.prototype.sort is stable: ties keep creation order.
    matching.sort((a, b) => {
      const left = sortValue(a, query.sortField);
      const right = sortValue(b, query.sortField);
      return left < right ? -direction : left > right ? direction : 0;
    });
  }
  return matching;
}

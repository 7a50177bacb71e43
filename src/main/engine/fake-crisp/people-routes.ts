/**
 * The fake's people routes: each turns a matched route, its body and its query into an answer,
 * applying writes to the profile store as Crisp would (with the configured behaviours Crisp does
 * not document: deep-merging PATCH, empty strings deleting data keys, a lagging search, the
 * Bloom read cache). Authentication, limits and faults come before, in fake-crisp-server.ts.
 */
import { performance } from 'node:perf_hooks';
import {
  BAD_JSON,
  envelope,
  invalidData,
  NO_BODY,
  parseQuery,
  PEOPLE_NOT_FOUND,
  type Answer,
  type ParsedBody,
} from './fake-crisp-answers';
import type { FakeCrispConfig, StoredProfile } from './fake-crisp-types';
import {
  mergeDeep,
  parseSearchFilter,
  profileReadShape,
  searchProfiles,
  type ProfileStore,
} from './profile-store';
import {
  dataBodyCheck,
  isPlainObject,
  profileBodyProblem,
  subscriptionBodyProblem,
} from './profile-validation';
import type { RouteMatch } from './route-table';

export interface PeopleRoutes {
  execute(
    route: RouteMatch,
    body: ParsedBody | typeof NO_BODY | typeof BAD_JSON,
    search: string,
  ): Answer;
  /** GET and HEAD through the Bloom cache when `readCacheMs` > 0. */
  executeRead(route: RouteMatch, path: string, search: string): Answer;
  clearReadCache(): void;
}

export function createPeopleRoutes(
  store: ProfileStore,
  config: () => FakeCrispConfig,
  stamp: () => number,
): PeopleRoutes {
  function profileRules() {
    return {
      nicknameRequired: config().nicknameRequired,
      emailFormatCheck: config().emailFormatCheck,
      rejectDuplicateSegments: config().rejectDuplicateSegments,
    };
  }

  function bodyObject(body: ParsedBody | typeof NO_BODY | typeof BAD_JSON): unknown {
    return body === NO_BODY || body === BAD_JSON ? undefined : body;
  }

  function execute(
    route: RouteMatch,
    body: ParsedBody | typeof NO_BODY | typeof BAD_JSON,
    search: string,
  ): Answer {
    const input = bodyObject(body);
    switch (route.name) {
      case 'POST /people/profile': {
        const problem = profileBodyProblem(input, profileRules(), 'full');
        if (problem) return invalidData(problem);
        const fields = input as Record<string, unknown>;
        const email = fields.email as string;
        if (store.holderOf(email)) return envelope(409, 'people_exists', {});
        const now = stamp();
        const profile = store.add(
          {
            email,
            person: isPlainObject(fields.person) ? fields.person : {},
            company: isPlainObject(fields.company) ? fields.company : {},
            segments: Array.isArray(fields.segments) ? (fields.segments as string[]) : [],
            notepad: typeof fields.notepad === 'string' ? fields.notepad : '',
          },
          now,
        );
        return envelope(201, 'added', { people_id: profile.people_id });
      }
      case 'HEAD /people/profile/:id':
      case 'GET /people/profile/:id': {
        const profile = store.find(route.id);
        if (!profile) return PEOPLE_NOT_FOUND();
        return envelope(200, 'resolved', profileReadShape(profile));
      }
      case 'PUT /people/profile/:id': {
        const profile = store.find(route.id);
        if (!profile) return PEOPLE_NOT_FOUND();
        const problem = profileBodyProblem(input, profileRules(), 'full');
        if (problem) return invalidData(problem);
        const fields = input as Record<string, unknown>;
        const email = fields.email as string;
        const holder = store.holderOf(email);
        if (holder && holder !== profile) return envelope(409, 'people_exists', {});
        store.changeEmail(profile, email);
        profile.person = structuredClone(isPlainObject(fields.person) ? fields.person : {});
        profile.company = structuredClone(isPlainObject(fields.company) ? fields.company : {});
        profile.segments = Array.isArray(fields.segments) ? [...(fields.segments as string[])] : [];
        profile.notepad = typeof fields.notepad === 'string' ? fields.notepad : '';
        profile.updated_at = stamp();
        return envelope(200, config().saveReason, {});
      }
      case 'PATCH /people/profile/:id': {
        const profile = store.find(route.id);
        if (!profile) return PEOPLE_NOT_FOUND();
        const problem = profileBodyProblem(input, profileRules(), 'partial');
        if (problem) return invalidData(problem);
        const fields = input as Record<string, unknown>;
        if (typeof fields.email === 'string') {
          const holder = store.holderOf(fields.email);
          if (holder && holder !== profile) return envelope(409, 'people_exists', {});
          store.changeEmail(profile, fields.email);
        }
        for (const part of ['person', 'company'] as const) {
          const value = fields[part];
          if (!isPlainObject(value)) continue;
          if (config().patchDeepMergesObjects) mergeDeep(profile[part], value);
          else profile[part] = structuredClone(value);
        }
        if (Array.isArray(fields.segments)) profile.segments = [...(fields.segments as string[])];
        if (typeof fields.notepad === 'string') profile.notepad = fields.notepad;
        profile.updated_at = stamp();
        return envelope(200, 'updated', {});
      }
      case 'DELETE /people/profile/:id': {
        const profile = store.find(route.id);
        if (!profile) return PEOPLE_NOT_FOUND();
        store.remove(profile);
        return envelope(200, 'deleted', {});
      }
      case 'GET /people/profiles/:page':
        return listProfiles(route.page, search);
      case 'GET /people/data/:id': {
        const profile = store.find(route.id);
        if (!profile) return PEOPLE_NOT_FOUND();
        return envelope(200, 'resolved', { data: { ...profile.data } });
      }
      case 'PUT /people/data/:id':
      case 'PATCH /people/data/:id': {
        const profile = store.find(route.id);
        if (!profile) return PEOPLE_NOT_FOUND();
        const check = dataBodyCheck(input, {
          dataKeys: config().dataKeys,
          badDataKey: config().badDataKey,
        });
        if (!check.ok) return invalidData(check.message);
        if (route.name === 'PUT /people/data/:id') {
          profile.data = check.data;
        } else {
          for (const [key, value] of Object.entries(check.data)) {
            if (value === '' && config().patchEmptyStringDeletesDataKey) delete profile.data[key];
            else profile.data[key] = value;
          }
        }
        profile.updated_at = stamp();
        return envelope(
          200,
          route.name === 'PUT /people/data/:id' ? config().saveReason : 'updated',
          {},
        );
      }
      case 'GET /people/subscription/:id': {
        const profile = store.find(route.id);
        if (!profile) return PEOPLE_NOT_FOUND();
        return envelope(200, 'resolved', { email: store.isSubscribed(profile) });
      }
      case 'PATCH /people/subscription/:id': {
        const profile = store.find(route.id);
        if (!profile) return PEOPLE_NOT_FOUND();
        const problem = subscriptionBodyProblem(input);
        if (problem) return invalidData(problem);
        store.setSubscribed(profile, (input as { email: boolean }).email);
        return envelope(200, 'updated', {});
      }
      case 'GET /people/stats':
        return envelope(200, 'resolved', { total: store.size });
    }
  }

  function listProfiles(pageSegment: string | null, search: string): Answer {
    let page = 1;
    if (pageSegment !== null) {
      if (!/^[1-9][0-9]{0,8}$/.test(pageSegment)) {
        return invalidData('page_number should be an integer >= 1', 'query');
      }
      page = Number(pageSegment);
    }
    const query = parseQuery(search);
    const perPageRaw = Number.parseInt(query.get('per_page') ?? '', 10);
    const maxPerPage = config().search.maxPerPage;
    const perPage = Number.isNaN(perPageRaw)
      ? Math.min(20, maxPerPage)
      : Math.min(maxPerPage, Math.max(Math.min(20, maxPerPage), perPageRaw));
    const parsed = parseSearchFilter(query.get('search_filter') ?? '');
    if (typeof parsed === 'string') return invalidData(parsed, 'query');
    const filters =
      config().search.multiValue === 'ignored'
        ? []
        : config().search.multiValue === 'first'
          ? parsed.map((filter) => ({ ...filter, query: filter.query.slice(0, 1) }))
          : parsed;
    if (config().search.maxPage > 0 && page > config().search.maxPage)
      return envelope(200, 'listed', []);
    const dates: Array<number | null> = [];
    for (const name of ['filter_date_start', 'filter_date_end']) {
      const raw = query.get(name) ?? '';
      if (raw === '') {
        dates.push(null);
        continue;
      }
      const parsed = Date.parse(raw);
      if (Number.isNaN(parsed))
        return invalidData(`${name} should match format "date-time"`, 'query');
      dates.push(parsed);
    }
    const matching = searchProfiles(searchable(), {
      filters,
      operator: query.get('search_operator') === 'or' ? 'or' : 'and',
      text: query.get('search_text') ?? '',
      sortField: query.get('sort_field') ?? '',
      sortOrder: query.get('sort_order') === 'descending' ? 'descending' : 'ascending',
      dateStart: dates[0] ?? null,
      dateEnd: dates[1] ?? null,
    });
    const start = (page - 1) * perPage;
    return envelope(200, 'listed', matching.slice(start, start + perPage).map(profileReadShape));
  }

  /** What the list route searches: the profiles, or a copy up to `search.lagMs` old. */
  let lagged: { at: number; profiles: StoredProfile[] } | null = null;
  function searchable(): Iterable<StoredProfile> {
    const lagMs = config().search.lagMs;
    if (lagMs <= 0) return store.all();
    const now = performance.now();
    if (!lagged || now - lagged.at >= lagMs) {
      lagged = { at: now, profiles: Array.from(store.all(), (p) => structuredClone(p)) };
    }
    return lagged.profiles;
  }

  const readCache = new Map<string, { at: number; answer: Answer }>();

  /** GET and HEAD through the Bloom cache when `readCacheMs` > 0. */
  function executeRead(route: RouteMatch, path: string, search: string): Answer {
    if (config().readCacheMs <= 0)
      return { ...execute(route, NO_BODY, search), bloomStatus: 'MISS' };
    const key = `${path}?${search}`;
    const now = performance.now();
    const cached = readCache.get(key);
    if (cached && now - cached.at <= config().readCacheMs)
      return { ...cached.answer, bloomStatus: 'HIT' };
    const answer = { ...execute(route, NO_BODY, search), bloomStatus: 'MISS' };
    if (readCache.size > 20_000) {
      for (const [oldKey, entry] of readCache) {
        if (now - entry.at > config().readCacheMs) readCache.delete(oldKey);
      }
    }
    readCache.set(key, { at: now, answer });
    return answer;
  }

  return { execute, executeRead, clearReadCache: () => readCache.clear() };
}
